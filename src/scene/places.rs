//! Place kits: what a place of a given purpose holds, as data (`assets/places/*.json`). A kit
//! names its place in six languages, gives the room (or the ground) it is in, the furniture,
//! equipment and fixtures it holds, the people who work or stay there and what they do, and
//! what it sounds like. Generation composes a scene from a kit when a request names (or
//! implies) its place; see `docs/places.md` for the format.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::embedded::PLACE_FILES;
use super::room::{Light, Material, RoomShape};
use super::types::{Activity, Era, MusicMood, Relation, SoundKind, Terrain, TimeOfDay, Vantage};

/// The value of `"format"` in every place-kit file.
pub const PLACES_FORMAT: &str = "sayscape.places/1";

/// The languages every kit names its place in.
pub const KIT_LANGUAGES: [&str; 6] = ["en", "fr", "es", "de", "it", "pt"];

/// One place kit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kit {
    /// The place's id, snake_case English ("emergency_department"); a scene's room purpose.
    pub place: String,
    /// Phrases that name the place outright, by language (all six).
    pub names: BTreeMap<String, Vec<String>>,
    /// Words that suggest the place without naming it (its people, its typical things and
    /// activities: "cashier", "stretcher", "triage"), by language. Weaker evidence than names.
    #[serde(default)]
    pub hints: BTreeMap<String, Vec<String>>,
    /// The family of places it belongs to (health, office, food, home…).
    pub group: String,
    /// The room it is, for an indoor place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<KitRoom>,
    /// The ground: for an indoor place what its windows show, for an outdoor one where it is.
    #[serde(default = "default_ground")]
    pub ground: Terrain,
    /// The play area of an outdoor place, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_radius: Option<f32>,
    /// The period the place belongs to when the request names none.
    #[serde(default)]
    pub era: Era,
    /// The time of day when the request names none.
    #[serde(default = "default_time")]
    pub time_of_day: TimeOfDay,
    pub player: KitPlayer,
    pub holds: Vec<Hold>,
    #[serde(default)]
    pub ambience: Vec<KitSound>,
    #[serde(default)]
    pub music: MusicMood,
}

fn default_ground() -> Terrain {
    Terrain::City
}
fn default_time() -> TimeOfDay {
    TimeOfDay::Afternoon
}

/// The room of an indoor kit: a scene's room without its purpose (the kit's place).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitRoom {
    #[serde(default)]
    pub shape: RoomShape,
    pub size: [f32; 3],
    pub walls: Material,
    pub floor: Material,
    pub ceiling: Material,
    #[serde(default)]
    pub windows: u32,
    #[serde(default = "one")]
    pub doors: u32,
    #[serde(default)]
    pub lights: Light,
}

fn one() -> u32 {
    1
}

/// Who the person is in the place and how they stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitPlayer {
    pub role: String,
    #[serde(default = "default_vantage")]
    pub vantage: Vantage,
    /// The kind of a hold the person sits in or stands on (a driver's seat, a dentist's chair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
}

fn default_vantage() -> Vantage {
    Vantage::Ground
}

/// Something a place holds: a kind, how many, where and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hold {
    /// A catalog kind.
    pub kind: String,
    #[serde(default = "one")]
    pub count: u32,
    /// Where it goes (default: scattered over the floor).
    #[serde(default = "default_relation", rename = "place")]
    pub relation: Relation,
    /// The kind of another hold of this kit the relation refers to (a chair `around` a table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<f32>,
    /// What the people of this hold do (people only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    /// A sound each instance makes (a monitor's beep, a stove's sizzle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<SoundKind>,
    /// The loudness of that sound, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<f32>,
    /// Part of what makes the place recognisable: kept when a request trims the kit (a small
    /// room, many named things).
    #[serde(default)]
    pub essential: bool,
}

fn default_relation() -> Relation {
    Relation::Scattered
}

/// A background sound of the place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitSound {
    pub sound: SoundKind,
    pub level: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KitFile {
    format: String,
    #[serde(default)]
    #[allow(dead_code)]
    about: String,
    places: Vec<Kit>,
}

/// A kit file that does not parse or breaks a rule; the message names the file and the kit.
#[derive(Debug, thiserror::Error)]
pub enum KitError {
    #[error("assets/places/{file}.json")]
    Json { file: String, source: serde_json::Error },
    #[error("{0}")]
    Rule(String),
}

/// Every kit, from the files compiled into this binary.
pub fn kits() -> &'static [Kit] {
    static KITS: OnceLock<Vec<Kit>> = OnceLock::new();
    KITS.get_or_init(|| load_kits().unwrap_or_else(|e| panic!("assets/places/ is checked by the tests: {}", crate::errors::chain(&e))))
}

/// Reads and checks the kits (the compiled-in copy, or `SAYSCAPE_ASSETS`' files).
pub fn load_kits() -> Result<Vec<Kit>, KitError> {
    let files = super::embedded::data_files("places", PLACE_FILES);
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    parse_kit_files(&files, Catalog::builtin())
}

/// The kit of a place id.
pub fn kit(place: &str) -> Option<&'static Kit> {
    kits().iter().find(|k| k.place == place)
}

/// Parses kit files, (name, JSON) each, and checks every rule against the catalog.
pub fn parse_kit_files(files: &[(&str, &str)], catalog: &Catalog) -> Result<Vec<Kit>, KitError> {
    let mut all: Vec<Kit> = Vec::new();
    for (name, json) in files {
        let file: KitFile = serde_json::from_str(json).map_err(|source| KitError::Json { file: name.to_string(), source })?;
        if file.format != PLACES_FORMAT {
            return Err(KitError::Rule(format!("assets/places/{name}.json: format must be {PLACES_FORMAT:?}")));
        }
        for (i, kit) in file.places.into_iter().enumerate() {
            let at = format!("assets/places/{name}.json: $.places[{i}] ({})", kit.place);
            if let Some(problem) = kit_problems(&kit, catalog).into_iter().next() {
                return Err(KitError::Rule(format!("{at}: {problem}")));
            }
            if all.iter().any(|k| k.place == kit.place) {
                return Err(KitError::Rule(format!("{at}: the place {:?} has a kit already", kit.place)));
            }
            all.push(kit);
        }
    }
    Ok(all)
}

/// Everything wrong with one kit, as "field: reason".
pub fn kit_problems(kit: &Kit, catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let snake = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake(&kit.place) {
        out.push(format!("place: {:?} is not a snake_case id", kit.place));
    }
    for lang in KIT_LANGUAGES {
        if kit.names.get(lang).is_none_or(|n| n.iter().all(|p| p.trim().is_empty())) {
            out.push(format!("names.{lang}: the place needs a name in every language"));
        }
    }
    for (lang, _) in kit.names.iter().chain(&kit.hints) {
        if !KIT_LANGUAGES.contains(&lang.as_str()) {
            out.push(format!("names/hints: unknown language {lang:?}"));
        }
    }
    if let Some(room) = &kit.room {
        let [w, l, h] = room.size;
        if !(3.0..=120.0).contains(&w) || !(2.0..=200.0).contains(&l) || !(2.0..=40.0).contains(&h) {
            out.push(format!("room.size: {:?} is not a room's width, length and height in metres", room.size));
        }
    } else if kit.area_radius.is_none_or(|r| !(20.0..=2000.0).contains(&r)) {
        out.push("area_radius: an outdoor place needs a play area of 20 to 2000 m".into());
    }
    if kit.holds.is_empty() {
        out.push("holds: a place holds something".into());
    }
    let kinds: HashSet<&str> = kit.holds.iter().map(|h| h.kind.as_str()).collect();
    for (i, hold) in kit.holds.iter().enumerate() {
        let Some(info) = catalog.get(&hold.kind) else {
            out.push(format!("holds[{i}].kind: {:?} is not a catalog kind", hold.kind));
            continue;
        };
        if info.since.is_some_and(|since| since > kit.era) {
            out.push(format!("holds[{i}].kind: {:?} did not exist yet in the kit's era", hold.kind));
        }
        if !(1..=400).contains(&hold.count) {
            out.push(format!("holds[{i}].count: {} is not 1 to 400", hold.count));
        }
        if let Some(of) = &hold.of
            && (!kinds.contains(of.as_str()) || of == &hold.kind)
        {
            out.push(format!("holds[{i}].of: {of:?} is not another kind this kit holds"));
        }
        let needs_target = matches!(hold.relation, Relation::On | Relation::Around | Relation::Near);
        if needs_target && hold.of.is_none() {
            out.push(format!("holds[{i}].of: \"{}\" needs the kind it refers to", super::types::value_name(&hold.relation)));
        }
        if hold.relation == Relation::At {
            out.push(format!("holds[{i}].place: \"at\" needs a position; kits place by relation"));
        }
        if hold.activity.is_some() && !info.tags.iter().any(|t| t == "people") {
            out.push(format!("holds[{i}].activity: {:?} is not a person", hold.kind));
        }
        if hold.level.is_some_and(|l| !(0.0..=1.0).contains(&l)) || (hold.level.is_some() && hold.sound.is_none()) {
            out.push(format!("holds[{i}].level: a level of 0 to 1 for the hold's sound"));
        }
    }
    if let Some(on) = &kit.player.on
        && !kinds.contains(on.as_str())
    {
        out.push(format!("player.on: {on:?} is not a kind this kit holds"));
    }
    if !snake(&kit.player.role) {
        out.push(format!("player.role: {:?} is not snake_case", kit.player.role));
    }
    for (i, a) in kit.ambience.iter().enumerate() {
        if !(0.0..=1.0).contains(&a.level) {
            out.push(format!("ambience[{i}].level: {} is not 0 to 1", a.level));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_kit_loads_and_holds_only_catalog_kinds() {
        let all = parse_kit_files(PLACE_FILES, Catalog::builtin()).unwrap_or_else(|e| panic!("{}", crate::errors::chain(&e)));
        assert_eq!(all.len(), kits().len());
    }

    #[test]
    fn a_broken_kit_is_named_with_its_file_and_path() {
        let bad = r#"{"format": "sayscape.places/1", "places": [{"place": "office", "names": {"en": ["office"]},
            "group": "office", "room": {"size": [8, 10, 3], "walls": "plaster", "floor": "carpet", "ceiling": "panels"},
            "player": {"role": "clerk"}, "holds": [{"kind": "no_such_desk"}]}]}"#;
        let e = parse_kit_files(&[("work", bad)], Catalog::builtin()).unwrap_err().to_string();
        assert!(e.starts_with("assets/places/work.json: $.places[0] (office): "), "{e}");
        assert!(e.contains("names.") || e.contains("no_such_desk"), "{e}");
    }
}
