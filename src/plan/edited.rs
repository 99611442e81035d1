//! The one way from a scene to its layout: a scene with edits in its history is laid out as the
//! person saw it being made — the scene before its edits laid out, then each edit re-planned in
//! place — so that what no edit touched stands where it stood. Every front end (the window, the
//! renderer, `sayscape plan`, the service's layouts and soundscapes) lays scenes out here.

use super::layout::Layout;
use super::place::{plan, replan};
use crate::scene::Scene;
use crate::scene::history::undo;
use crate::scene::ops::apply;

/// The layout of a scene as the person sees it (deterministic for the seed).
pub fn lay_out(scene: &Scene, seed: u64) -> Layout {
    if scene.edits.done.is_empty() {
        return plan(scene, seed);
    }
    let mut base = scene.clone();
    while let Some(before) = undo(&base) {
        base = before;
    }
    let mut layout = plan(&base, seed);
    let mut current = base;
    for record in &scene.edits.done {
        // A history that no longer applies (a file edited by hand) is laid out as it stands.
        let Ok(next) = apply(&current, &record.ops) else { return plan(scene, seed) };
        layout = replan(&next, seed, &current, &layout);
        current = next;
    }
    layout
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::history::record;
    use crate::scene::load_scene;
    use crate::scene::ops::Op;

    #[test]
    fn an_edited_file_is_laid_out_as_it_was_seen() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/farm.json");
        let original = load_scene(&path).unwrap();
        let edited = record(&original, "add two dragons", vec![Op::Add { kind: "dragon".into(), count: Some(2), color: None }]).unwrap();
        let seen = lay_out(&edited, 7);
        let before = plan(&original, 7);
        for inst in &before.instances {
            let now = seen.instances.iter().find(|i| i.entity == inst.entity && i.index == inst.index).unwrap();
            assert_eq!(now.position, inst.position, "{} moved", inst.entity);
        }
        assert_eq!(seen.instances.iter().filter(|i| i.kind == "dragon").count(), 2);
        assert_eq!(lay_out(&original, 7).instances.len(), before.instances.len());
    }
}
