//! Scenario knowledge as data. Every scene in `scenes/` (compiled in by `build.rs`) is a
//! template: a whole, coherent scenario with its setting, its things, their motion, its sounds
//! and a timeline. A request is matched to the template that best explains what the model's
//! ranking says the request raises; composition ([`super::compose`]) uses it whole when it fits
//! and changes only what the request says explicitly. Choosing fields one by one cannot keep them consistent (a 1917 dogfight over a
//! jungle with jet engines); a template is consistent by construction.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::rank::Ranking;
use crate::scene::{Scene, parse_scene};

use crate::scene::embedded::SCENE_LIBRARY;

/// One scenario of the library.
#[derive(Debug)]
pub struct Template {
    pub name: &'static str,
    pub scene: Scene,
    /// The distinct kinds of its entities.
    kinds: Vec<String>,
}

/// The scenario library, parsed once. Every file validates (a test checks it).
pub fn library() -> &'static [Template] {
    static LIBRARY: OnceLock<Vec<Template>> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        SCENE_LIBRARY
            .iter()
            .map(|(name, json)| {
                let scene = parse_scene(json.as_bytes(), &format!("scenes/{name}.json")).expect("scenes/ validate (tested)");
                let mut kinds: Vec<String> = scene.entities.iter().map(|e| e.kind.clone()).collect();
                kinds.sort();
                kinds.dedup();
                Template { name, scene, kinds }
            })
            .collect()
    })
}

/// Every kind the library's scenarios use, sorted.
pub fn library_kinds() -> &'static [String] {
    static KINDS: OnceLock<Vec<String>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let mut all: Vec<String> = library().iter().flat_map(|t| t.kinds.iter().cloned()).collect();
        all.sort();
        all.dedup();
        all
    })
}

/// How much evidence each kind carries: a kind found in few templates (camel) says more about
/// which scenario was asked for than one found in many (cloud). Inverse document frequency.
fn kind_weights() -> &'static HashMap<String, f32> {
    static WEIGHTS: OnceLock<HashMap<String, f32>> = OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let templates = library();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for t in templates {
            for k in &t.kinds {
                *seen.entry(k.clone()).or_default() += 1;
            }
        }
        let n = templates.len() as f32;
        let top = (1.0 + n).ln();
        seen.into_iter().map(|(k, df)| (k, (1.0 + n / df as f32).ln() / top)).collect()
    })
}

/// Kinds of the request's ranking counted as evidence: its best few.
const EVIDENCE_KINDS: usize = 8;
/// At most this many of a template's kinds count, so that big templates do not win by size.
const COUNTED_KINDS: usize = 4;
/// Lifts are clamped to this range before averaging, so one odd score cannot dominate.
const LIFT_RANGE: (f32, f32) = (-3.0, 8.0);
/// How much it costs a template that its setting is not what the request favours: (field,
/// cost per nat below the request's favourite, most nats counted). Indoors for outdoors, a
/// wrong era or vantage contradicts the request most; the weather and the time of day are changed afterwards
/// anyway, so they only break ties.
const SETTING_COSTS: [(&str, f32, f32); 6] = [
    ("indoor", 2.0, 10.0),
    ("vantage", 2.0, 10.0),
    ("terrain", 1.5, 10.0),
    ("era", 1.0, 10.0),
    ("weather", 1.0, 2.0),
    ("time_of_day", 0.5, 2.0),
];
/// On top of its own era's cost (a scenario's character: a reef dive is of today), the era the
/// template can be moved to: per nat between the request's favourite era and the best era
/// reachable (any era from the latest `since` of its kinds on), at most [`ERA_RANGE`].
const ERA_COST: f32 = 3.0;
const ERA_RANGE: f32 = 10.0;
/// What it costs a template that a thing the request asks for outright could not live in it
/// (polar bears in an underwater reef, a whale on a farm), per such thing.
const HOMELESS_COST: f32 = 12.0;

/// How well a template explains a ranking (higher: better). Three parts: the things the
/// request raises most that the template has (recall, rare kinds counting more), how much
/// the request raises the template's own things on average (precision: a concert's stage
/// for a safari is not raised), and how far its setting is from what the request favours.
/// `said`: the kinds the request names or the model wrote for it (they must have a home).
pub fn fit(template: &Template, ranking: &Ranking, said: &[&str]) -> f32 {
    let weights = kind_weights();
    let own: HashSet<&str> = template.kinds.iter().map(String::as_str).collect();
    let mut found: Vec<f32> = ranking
        .ranked("kind")
        .iter()
        .take(EVIDENCE_KINDS)
        .filter(|(k, s)| *s > 0.0 && own.contains(k.as_str()))
        .map(|(k, s)| s * weights.get(k).copied().unwrap_or(1.0))
        .collect();
    found.sort_by(|a, b| b.total_cmp(a));
    let recall: f32 = found.iter().take(COUNTED_KINDS).sum();

    let clamp = |s: f32| s.clamp(LIFT_RANGE.0, LIFT_RANGE.1);
    let precision = template.kinds.iter().map(|k| clamp(ranking.lift("kind", k))).sum::<f32>() / template.kinds.len().max(1) as f32;

    let scene = &template.scene;
    let values = [
        if scene.setting.room.is_some() { "indoors" } else { "outdoors" }.to_string(),
        value_name(&scene.player.vantage),
        value_name(&scene.setting.terrain),
        value_name(&scene.setting.era),
        value_name(&scene.setting.weather),
        value_name(&scene.setting.time_of_day),
    ];
    let setting: f32 = SETTING_COSTS
        .iter()
        .zip(&values)
        .map(|((field, cost, range), value)| {
            let best = ranking.ranked(field).first().map_or(0.0, |(_, s)| *s);
            let own = ranking.lift(field, value);
            if own.is_finite() { cost * (own - best).max(-range) } else { 0.0 }
        })
        .sum();
    recall + precision + setting + group_fit(template, ranking)
        - ERA_COST * era_distance(template, ranking)
        - off_earth(template, ranking)
        - HOMELESS_COST * homeless(template, said) as f32
        + HOMELESS_COST * housed(template, ranking, said) as f32
}

/// How many of the buildings the request names the template's room is inside: an indoor
/// template whose things belong to the building's group (a museum's display cases, a
/// school's desks). As strong as a named thing without a home is against a template.
fn housed(template: &Template, ranking: &Ranking, said: &[&str]) -> usize {
    if template.scene.setting.room.is_none() {
        return 0;
    }
    let catalog = crate::scene::Catalog::builtin();
    let groups: Vec<&str> = ranking.ranked("group").iter().map(|(g, _)| g.as_str()).collect();
    let own_tags: HashSet<&str> =
        template.kinds.iter().filter_map(|k| catalog.get(k)).flat_map(|info| info.tags.iter().map(String::as_str)).collect();
    said.iter()
        .filter_map(|k| catalog.get(k))
        .filter(|info| info.tags.iter().any(|t| t == "building"))
        .filter(|info| info.tags.iter().any(|t| groups.contains(&t.as_str()) && own_tags.contains(t.as_str())))
        .count()
}

/// Leaving the Earth is a strong claim: a template on the moon, on Mars or in open space pays
/// this much per nat its terrain's lift falls short of explicit (at most three nats), so that
/// a control room on Earth does not end up in orbit.
const OFF_EARTH_COST: f32 = 4.0;

fn off_earth(template: &Template, ranking: &Ranking) -> f32 {
    let terrain = template.scene.setting.terrain;
    if !matches!(terrain.world(), crate::scene::World::Moon | crate::scene::World::Mars | crate::scene::World::Space) {
        return 0.0;
    }
    let lift = ranking.lift("terrain", &value_name(&terrain));
    let lift = if lift.is_finite() { lift } else { 0.0 };
    OFF_EARTH_COST * (super::compose::EXPLICIT_SETTING - lift).clamp(0.0, 3.0)
}

/// Groups of things (catalog tags) count as evidence when the request raises them at least
/// this much, the best [`GROUPS_COUNTED`] of them.
const GROUP_EVIDENCE: f32 = 3.0;
const GROUPS_COUNTED: usize = 1;

/// How well the template's things belong to the groups the request raises most: for each
/// group, its lift times the share of the template's kinds tagged with it. A library request
/// raises "library": the old library, full of shelves and reading lamps, fits better than a
/// classroom that has one bookcase.
fn group_fit(template: &Template, ranking: &Ranking) -> f32 {
    let catalog = crate::scene::Catalog::builtin();
    let n = template.kinds.len().max(1) as f32;
    ranking
        .ranked("group")
        .iter()
        .take(GROUPS_COUNTED)
        .filter(|(_, lift)| *lift >= GROUP_EVIDENCE)
        .map(|(group, lift)| {
            let tagged = template.kinds.iter().filter(|k| catalog.get(k).is_some_and(|info| info.tags.iter().any(|t| t == group))).count();
            lift.min(LIFT_RANGE.1) * tagged as f32 / n
        })
        .sum()
}

/// How many of the things the request names the template lacks and could not take in: their
/// habitat is not in its world, or they did not exist yet in its era (a steam train among
/// dragons).
fn homeless(template: &Template, said: &[&str]) -> usize {
    let catalog = crate::scene::Catalog::builtin();
    said.iter()
        .filter(|k| !template.kinds.iter().any(|own| own == *k))
        .filter_map(|k| catalog.get(k))
        .filter(|info| {
            // Indoors, a building the request names is the one the room is in (a museum's hall).
            let around_the_room = template.scene.setting.room.is_some() && info.tags.iter().any(|t| t == "building");
            let too_early = info.since.is_some_and(|since| since > template.scene.setting.era);
            too_early || !(around_the_room || crate::scene::change::can_take(info, &template.scene))
        })
        .count()
}

/// How far (nats) the best era the template can be moved to is below the request's favourite.
fn era_distance(template: &Template, ranking: &Ranking) -> f32 {
    let options = ranking.ranked("era");
    let Some((_, best)) = options.first() else { return 0.0 };
    let catalog = crate::scene::Catalog::builtin();
    let earliest = template.kinds.iter().filter_map(|k| catalog.get(k).and_then(|info| info.since)).max();
    let reachable = options
        .iter()
        .filter(|(value, _)| {
            let era: Option<crate::scene::Era> = serde_json::from_value(serde_json::Value::String(value.clone())).ok();
            era.is_some_and(|e| earliest.is_none_or(|since| e >= since))
        })
        .map(|(_, lift)| *lift)
        .fold(f32::NEG_INFINITY, f32::max);
    (best - reachable).clamp(0.0, ERA_RANGE)
}

/// The library's templates, best fit first, with their fits.
pub fn ranked(ranking: &Ranking, said: &[&str]) -> Vec<(&'static Template, f32)> {
    let mut all: Vec<(&Template, f32)> = library().iter().map(|t| (t, fit(t, ranking, said))).collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.name.cmp(b.0.name)));
    all
}

pub use crate::scene::value_name;

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(pairs: &[(&str, &[(&str, f32)])]) -> Ranking {
        Ranking::from_pairs(pairs)
    }

    #[test]
    fn every_scene_file_is_a_template() {
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes")).unwrap().count();
        assert_eq!(library().len(), files);
    }

    #[test]
    fn the_kinds_a_request_raises_pick_their_scenario() {
        let pirate = ranking(&[
            ("kind", &[("treasure_chest", 6.0), ("cannon", 5.0), ("parrot", 4.0), ("sailing_ship", 3.5)]),
            ("terrain", &[("ocean", 3.0)]),
        ]);
        assert_eq!(ranked(&pirate, &[])[0].0.name, "pirate_seven_seas");
        let concert =
            ranking(&[("kind", &[("drum_kit", 7.0), ("stage", 6.0), ("crowd", 5.0), ("spotlight", 4.0)]), ("vantage", &[("stage", 3.0)])]);
        assert_eq!(ranked(&concert, &[])[0].0.name, "concert_stage");
        let ww1 = ranking(&[("kind", &[("biplane", 7.0), ("trench", 6.0), ("flak_burst", 3.0)]), ("era", &[("ww1", 5.0)])]);
        assert_eq!(ranked(&ww1, &[])[0].0.name, "ww1_fighter_plane");
        // A named thing the best template could not hold (a jet airliner in 1917) costs it.
        let with = fit(library().iter().find(|t| t.name == "ww1_fighter_plane").unwrap(), &ww1, &["airliner"]);
        let without = fit(library().iter().find(|t| t.name == "ww1_fighter_plane").unwrap(), &ww1, &[]);
        assert!(with < without, "{with} {without}");
    }
}
