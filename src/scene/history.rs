//! Undo and redo. Each edit keeps its instruction, its operations and the parts of the scene
//! it changed as they were before; the history travels inside the scene file (`"edits"`), so
//! a saved world can be undone later, and its operations replayed on another copy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ops::{Op, OpError, apply};
use super::types::Scene;

/// The parts of a scene an edit can change, by their key in the scene file.
const SECTIONS: [&str; 5] = ["setting", "player", "entities", "soundscape", "timeline"];

/// One edit as it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditRecord {
    /// What the person said.
    pub instruction: String,
    pub ops: Vec<Op>,
    /// The sections the edit changed (setting, player, entities, soundscape, timeline), as they
    /// were before it: undo puts them back.
    pub before: BTreeMap<String, Value>,
}

/// Edits made, newest last, and edits undone that can be redone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct History {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<EditRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undone: Vec<EditRecord>,
}

impl History {
    pub fn is_empty(&self) -> bool {
        self.done.is_empty() && self.undone.is_empty()
    }
}

/// The scene after `ops`, with the edit recorded in its history (and nothing left to redo).
pub fn record(scene: &Scene, instruction: &str, ops: Vec<Op>) -> Result<Scene, OpError> {
    let mut after = apply(scene, &ops)?;
    let before = changed_sections(scene, &after);
    after.edits.done.push(EditRecord { instruction: instruction.to_string(), ops, before });
    after.edits.undone.clear();
    Ok(after)
}

/// The scene before its last edit; `None` when nothing was edited.
pub fn undo(scene: &Scene) -> Option<Scene> {
    let mut out = scene.clone();
    let last = out.edits.done.pop()?;
    let mut value = serde_json::to_value(&out).expect("a scene serialises");
    for (key, old) in &last.before {
        value[key.as_str()] = old.clone();
    }
    let mut restored: Scene = serde_json::from_value(value).expect("sections of a valid scene read back");
    restored.edits = out.edits;
    restored.edits.undone.push(last);
    Some(restored)
}

/// The last undone edit made again; `None` when there is none.
pub fn redo(scene: &Scene) -> Option<Result<Scene, OpError>> {
    let mut base = scene.clone();
    let next = base.edits.undone.pop()?;
    let undone = std::mem::take(&mut base.edits.undone);
    Some(record(&base, &next.instruction, next.ops).map(|mut s| {
        s.edits.undone = undone;
        s
    }))
}

/// Another scene's edits made again, in order, on `base` (a saved world's history replayed).
pub fn replay(base: &Scene, edits: &[EditRecord]) -> Result<Scene, OpError> {
    edits.iter().try_fold(base.clone(), |scene, e| record(&scene, &e.instruction, e.ops.clone()))
}

fn changed_sections(before: &Scene, after: &Scene) -> BTreeMap<String, Value> {
    let (b, a) = (serde_json::to_value(before).expect("serialises"), serde_json::to_value(after).expect("serialises"));
    SECTIONS.iter().filter(|k| b.get(**k) != a.get(**k)).map(|k| (k.to_string(), b.get(*k).cloned().unwrap_or(Value::Null))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{TimeOfDay, Weather, load_scene};

    #[test]
    fn undo_puts_back_exactly_what_was_there_and_redo_makes_it_again() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/lighthouse_storm.json");
        let original = load_scene(&path).unwrap();
        let night = record(&original, "make it night", vec![Op::Time { value: TimeOfDay::Night }]).unwrap();
        let calm = record(&night, "stop the storm", vec![Op::Weather { value: Weather::Clear }]).unwrap();
        assert_eq!(calm.edits.done.len(), 2);
        assert_eq!(calm.edits.done[1].before.keys().collect::<Vec<_>>().first().map(|k| k.as_str()), Some("setting"));

        let back = undo(&calm).unwrap();
        assert_eq!(back.setting, night.setting);
        assert_eq!((back.soundscape.clone(), back.timeline.clone()), (night.soundscape.clone(), night.timeline.clone()));
        let back2 = undo(&back).unwrap();
        assert_eq!((back2.setting.clone(), back2.entities.clone()), (original.setting.clone(), original.entities.clone()));
        assert!(undo(&back2).is_none());

        let again = redo(&back2).unwrap().unwrap();
        assert_eq!(again.setting, night.setting);
        assert_eq!(again.edits.undone.len(), 1, "the second edit can still be redone");
        // A new edit drops what was left to redo.
        let other = record(&again, "add fog", vec![Op::Level { of: crate::scene::ops::Level::Fog, value: 0.4 }]).unwrap();
        assert!(other.edits.undone.is_empty());

        // The history survives the scene file and replays on the original.
        let text = serde_json::to_string(&calm).unwrap();
        let read = crate::scene::parse_scene(text.as_bytes(), "test").unwrap();
        let replayed = replay(&original, &read.edits.done).unwrap();
        assert_eq!((replayed.setting, replayed.soundscape), (calm.setting, calm.soundscape));
    }
}
