//! Situations: what happens, composed onto any place — a fire with smoke and an alarm, an
//! evacuation, a power cut, an earthquake, a crowd in a hurry, someone collapsing, an angry
//! customer, a countdown. Each is data (`assets/situations.json`): its names in six languages,
//! the things it brings, the sounds, and the beats of its timeline.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::places::{KIT_LANGUAGES, KitSound};
use super::types::{Activity, BeatEvent, MusicMood, Relation, SoundKind};

const SITUATIONS_JSON: &str = include_str!("../../assets/situations.json");

/// One situation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// Its id, snake_case English ("power_cut").
    pub situation: String,
    /// Phrases that name it, by language (all six).
    pub names: BTreeMap<String, Vec<String>>,
    /// Things it brings into the place.
    #[serde(default)]
    pub brings: Vec<Brought>,
    /// Background sounds from the start.
    #[serde(default)]
    pub ambience: Vec<KitSound>,
    /// What happens when.
    #[serde(default)]
    pub beats: Vec<SituationBeat>,
    /// What the people of the place do from the start (a crowd in a hurry runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<Activity>,
    /// How many more people the place holds (a busy place: 1.8).
    #[serde(default = "one_f")]
    pub people_factor: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub music: Option<MusicMood>,
    /// Only indoors (an alarm bell, an evacuation to the doors, a power cut's dark rooms).
    #[serde(default)]
    pub indoors_only: bool,
}

fn one_f() -> f32 {
    1.0
}

/// A thing a situation brings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brought {
    /// The kinds that may play the part, the first that the scene has already being used (the
    /// patient of a ward collapses, or else a man who is added); the first is added otherwise.
    pub kind: Vec<String>,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default = "default_relation", rename = "place")]
    pub relation: Relation,
    /// Distance from the player (in front of) or from `of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<f32>,
    /// A kind it stands near or on (its first instance in the scene), when the scene has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    /// Only when the scene has none of `kind` already (an alarm bell is not added twice).
    #[serde(default)]
    pub once: bool,
}

fn one() -> u32 {
    1
}
fn default_relation() -> Relation {
    Relation::Scattered
}

/// A beat of a situation's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SituationBeat {
    pub at: f32,
    pub event: BeatEvent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<SoundKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f32>,
    /// The brought thing (by its index in `brings`) the beat is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brought: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SituationsFile {
    format: String,
    #[serde(default)]
    #[allow(dead_code)]
    about: String,
    situations: Vec<Situation>,
}

/// Every situation, read once (`assets/situations.json`, checked by the tests).
pub fn situations() -> &'static [Situation] {
    static ALL: OnceLock<Vec<Situation>> = OnceLock::new();
    ALL.get_or_init(|| parse_situations(SITUATIONS_JSON, Catalog::builtin()).unwrap_or_else(|e| panic!("{}", crate::errors::chain(&e))))
}

/// The situation of an id.
pub fn situation(id: &str) -> Option<&'static Situation> {
    situations().iter().find(|s| s.situation == id)
}

/// The situations file does not parse or breaks a rule.
#[derive(Debug, thiserror::Error)]
pub enum SituationError {
    #[error("assets/situations.json")]
    Json(#[source] serde_json::Error),
    /// A rule broken; the message names the situation and the field.
    #[error("{0}")]
    Rule(String),
}

/// Parses the situations file and checks every rule; errors name the situation and the field.
pub fn parse_situations(json: &str, catalog: &Catalog) -> Result<Vec<Situation>, SituationError> {
    let at = "assets/situations.json";
    let file: SituationsFile = serde_json::from_str(json).map_err(SituationError::Json)?;
    if file.format != "sayscape.situations/1" {
        return Err(SituationError::Rule(format!("{at}: format must be \"sayscape.situations/1\"")));
    }
    for (i, s) in file.situations.iter().enumerate() {
        let here = format!("{at}: $.situations[{i}] ({})", s.situation);
        for lang in KIT_LANGUAGES {
            if s.names.get(lang).is_none_or(|n| n.is_empty()) {
                return Err(SituationError::Rule(format!("{here}: names.{lang}: a situation needs a name in every language")));
            }
        }
        for (j, b) in s.brings.iter().enumerate() {
            if b.kind.is_empty() {
                return Err(SituationError::Rule(format!("{here}: brings[{j}].kind: name at least one kind")));
            }
            for kind in &b.kind {
                if catalog.get(kind).is_none() {
                    return Err(SituationError::Rule(format!("{here}: brings[{j}].kind: {kind:?} is not a catalog kind")));
                }
            }
        }
        for (j, beat) in s.beats.iter().enumerate() {
            if !(0.0..=3600.0).contains(&beat.at) {
                return Err(SituationError::Rule(format!("{here}: beats[{j}].at: {} is not 0 to 3600 s", beat.at)));
            }
            if beat.brought.is_some_and(|b| b >= s.brings.len()) {
                return Err(SituationError::Rule(format!("{here}: beats[{j}].brought: no such brought thing")));
            }
            let (needs_entity, needs_sound, _) = beat.event.needs();
            if needs_entity && beat.brought.is_none() {
                return Err(SituationError::Rule(format!("{here}: beats[{j}]: this event needs the brought thing it is about")));
            }
            if needs_sound && beat.sound.is_none() {
                return Err(SituationError::Rule(format!("{here}: beats[{j}]: a sound event needs a sound")));
            }
        }
        if !(0.5..=4.0).contains(&s.people_factor) {
            return Err(SituationError::Rule(format!("{here}: people_factor: {} is not 0.5 to 4", s.people_factor)));
        }
    }
    Ok(file.situations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_situation_loads_and_brings_catalog_kinds() {
        assert!(situations().len() >= 10);
        for id in ["fire", "evacuation", "power_cut", "alarm", "siren", "earthquake", "rush", "collapse", "angry_customer", "countdown"] {
            assert!(situation(id).is_some(), "no situation {id}");
        }
    }
}
