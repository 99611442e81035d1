//! Which place a request is in. In order of evidence:
//!
//! 1. a **kit** the request names ("an open-plan office", "les urgences"), or that the model
//!    wrote as the place in English, or whose hints and things the request says enough of
//!    ("a cashier scanning groceries");
//! 2. a **template** that fits the request whole (the library's scenarios: a pirate's life, a
//!    WW1 dogfight): used only when its fit clears [`TEMPLATE_MIN`] and nothing it would bring
//!    contradicts what was asked; a template of the kit's own place is preferred to the kit;
//! 3. a plain **room** of the purpose the request names, when it is indoors and no kit has it;
//! 4. open **ground** of the terrain the request favours.
//!
//! When nothing fits, nothing of another place comes along.

use serde::Serialize;

use super::Asked;
use crate::generate::template::{self, Template};
use crate::lexicon::{PLACE, PLACE_HINT, lexicon};
use crate::scene::Terrain;
use crate::scene::places::{Kit, kit, kits};

/// Where the scene is.
#[derive(Debug, Clone)]
pub enum Place {
    Kit(&'static Kit),
    Template(&'static Template),
    /// A room of this purpose (snake_case) that no kit describes.
    Room(String),
    /// Open ground of this terrain.
    Ground(Terrain),
}

/// A place considered, with its score and what spoke for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub name: String,
    pub score: f32,
    pub evidence: String,
}

/// The place chosen and the candidates it won over.
#[derive(Debug, Clone)]
pub struct PlaceChoice {
    pub place: Place,
    pub candidates: Vec<Candidate>,
    /// Why this one, in a few words.
    pub because: String,
}

impl PlaceChoice {
    pub fn describe(&self) -> String {
        let what = match &self.place {
            Place::Kit(k) => format!("kit {}", k.place),
            Place::Template(t) => format!("template {}", t.name),
            Place::Room(purpose) => format!("room {purpose}"),
            Place::Ground(t) => format!("ground {}", crate::scene::value_name(t)),
        };
        format!("{what} ({})", self.because)
    }
}

/// Evidence weights for a kit (score points).
const NAMED: f32 = 10.0;
/// The model wrote the place, in English, as this kit's.
const WRITTEN: f32 = 6.0;
/// Each of the kit's hints the request says.
const HINT: f32 = 2.5;
/// Each thing the request names that the kit holds.
const HOLDS_NAMED: f32 = 1.5;
/// Each thing the model wrote that the kit holds.
const HOLDS_WRITTEN: f32 = 0.75;
/// A kit is the place from this score on: named, written, or two hints, or a hint and two of
/// its things.
pub const KIT_MIN: f32 = 5.0;
/// A template is used whole only from this fit on (see [`template::fit`]); below it the
/// request is about something the library's scenarios do not show.
pub const TEMPLATE_MIN: f32 = 6.0;
/// Each setting value or role the request names that a template has (its fit).
const TEMPLATE_NAMED: f32 = 2.5;
/// How much less fit a template needs when it carries the person in the central thing named.
const CARRIER_BONUS: f32 = 6.0;
/// Indoors when the request raises "indoors" this much more than "outdoors" (nats).
const INDOOR_MARGIN: f32 = 1.0;

/// Chooses the place of a request.
pub fn choose(asked: &Asked) -> PlaceChoice {
    let kit_scores = score_kits(asked);
    let said = said_kinds(asked);
    let mut templates: Vec<(&Template, f32)> =
        template::ranked(asked.ranking, &said).into_iter().map(|(t, fit)| (t, fit + named_evidence(t, asked))).collect();
    templates.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.name.cmp(b.0.name)));
    let mut candidates: Vec<Candidate> = kit_scores
        .iter()
        .take(4)
        .map(|(k, score, evidence)| Candidate { name: format!("kit {}", k.place), score: *score, evidence: evidence.clone() })
        .collect();
    candidates.extend(templates.iter().take(3).map(|(t, fit)| Candidate {
        name: format!("template {}", t.name),
        score: *fit,
        evidence: "fit".into(),
    }));
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));

    if let Some((kit, score, evidence)) = kit_scores.first().filter(|(_, s, _)| *s >= KIT_MIN) {
        // A hand-made scenario of the same place is richer than the kit; it is used when it
        // is among the closest fits.
        let own = templates.iter().take(5).find(|(t, _)| template_place(t) == Some(kit.place.as_str()));
        let place = match own {
            Some((t, _)) => Place::Template(t),
            None => Place::Kit(kit),
        };
        return PlaceChoice { place, candidates, because: format!("{evidence}, {score:.1}") };
    }
    // The central thing named wins: only a scenario that carries the person in a thing of its
    // class (a fighter's cockpit for "un avion de chasse") is used whole, and it needs less fit.
    let central = super::seat::central_thing(asked).and_then(|(k, _)| crate::scene::Catalog::builtin().get(k));
    let carries = |t: &Template| central.is_none_or(|c| carrier_of(t).is_some_and(|own| super::seat::same_class(own, c)));
    let needed = if central.is_some() { TEMPLATE_MIN - CARRIER_BONUS } else { TEMPLATE_MIN };
    if let Some((t, fit)) = templates.iter().find(|(t, fit)| *fit >= needed && carries(t) && fits_whole(t, asked)) {
        return PlaceChoice { place: Place::Template(t), candidates, because: format!("fit {fit:.1}") };
    }
    // A scenario built around the very thing named, in the era named ("un avion de chasse
    // pendant la Première Guerre mondiale": the WW1 fighter's cockpit), is the place whatever
    // the ranking of the rest says, and whether the words sound indoors ("dans un avion").
    if let Some(c) = central {
        // The thing as it was in the template's era: a jet fighter named in 1917 is a biplane.
        let in_era = |t: &Template| {
            let era = t.scene.setting.era;
            if c.since.is_some_and(|since| since > era) { super::things::era_substitute(c, era) } else { Some(c) }
        };
        let named_era = |t: &Template| asked.names("era", &template::value_name(&t.scene.setting.era));
        let built_around = |t: &Template| carrier_of(t).zip(in_era(t)).is_some_and(|(own, wanted)| own.kind == wanted.kind);
        if let Some((t, _)) = templates.iter().find(|(t, _)| named_era(t) && built_around(t)) {
            return PlaceChoice {
                place: Place::Template(t),
                candidates,
                because: format!("it is built around the {} named, in the era named", c.kind),
            };
        }
    }
    if indoors(asked) {
        let purpose = room_purpose(asked);
        return PlaceChoice { place: Place::Room(purpose), candidates, because: "indoors, no kit for it".into() };
    }
    let terrain = ground_terrain(asked);
    PlaceChoice { place: Place::Ground(terrain), candidates, because: "outdoors, no template fits".into() }
}

/// Every kit with its score and evidence, best first (only those with any evidence).
pub fn score_kits(asked: &Asked) -> Vec<(&'static Kit, f32, String)> {
    let named = asked.named(PLACE);
    let hinted = asked.named(PLACE_HINT);
    let written: Vec<&str> = if asked.written.place.trim().is_empty() {
        Vec::new()
    } else {
        lexicon().named(&asked.written.place).into_iter().filter(|(f, _)| *f == PLACE).map(|(_, v)| v).collect()
    };
    let named_kinds: Vec<&str> = asked.named("kind");
    let mut out = Vec::new();
    for kit in kits() {
        let mut score = 0.0;
        let mut evidence = Vec::new();
        if let Some(order) = named.iter().position(|p| *p == kit.place) {
            // The first place a request names is the one it is in ("a café in a hospital").
            score += NAMED - order as f32;
            evidence.push(format!("named “{}”", asked.words_for(PLACE, &kit.place)));
        }
        if written.contains(&kit.place.as_str()) {
            score += WRITTEN;
            evidence.push(format!("written “{}”", asked.written.place.trim()));
        }
        let hints = asked.spans.iter().filter(|(f, v, _)| *f == PLACE_HINT && *v == kit.place).count();
        if hints > 0 && hinted.contains(&kit.place.as_str()) {
            score += HINT * hints.min(3) as f32;
            evidence.push(format!("{hints} hint(s)"));
        }
        let holds = |k: &str| kit.holds.iter().any(|h| h.kind == k);
        let held_named = named_kinds.iter().filter(|k| holds(k)).count();
        let held_written = asked.written_kinds.iter().filter(|k| holds(k)).count();
        if held_named + held_written > 0 {
            score += HOLDS_NAMED * held_named as f32 + HOLDS_WRITTEN * held_written as f32;
            evidence.push(format!("holds {} of the things", held_named + held_written));
        }
        if score > 0.0 {
            out.push((kit, score, evidence.join(", ")));
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.place.cmp(&b.0.place)));
    out
}

/// What the request's own words say for a template, on top of the model's ranking (which is
/// weaker outside English): each setting value it names that the template has (the open sea,
/// WW1), and the person's role when it names it (a pirate).
fn named_evidence(t: &Template, asked: &Asked) -> f32 {
    let setting = &t.scene.setting;
    let values = [
        ("terrain", template::value_name(&setting.terrain)),
        ("era", template::value_name(&setting.era)),
        ("water", template::value_name(&setting.water.kind)),
    ];
    let settings = values.iter().filter(|(field, value)| !value.is_empty() && value != "none" && asked.names(field, value)).count();
    // Things it holds are no evidence: a piano is in a jazz club and in a living room alike.
    let role = asked.named("kind").iter().any(|k| t.scene.player.role.eq_ignore_ascii_case(k));
    TEMPLATE_NAMED * (settings + role as usize) as f32
}

/// The kinds the request names or the model wrote for it: a template must have a home for them.
fn said_kinds<'a>(asked: &Asked<'a>) -> Vec<&'a str> {
    asked.named("kind").into_iter().chain(asked.written_kinds.iter().map(String::as_str)).collect()
}

/// What a template's person stands on (its ship, its plane, its horse).
fn carrier_of(t: &Template) -> Option<&'static crate::scene::KindInfo> {
    let id = t.scene.player.on.as_ref()?;
    let e = t.scene.entities.iter().find(|e| &e.id == id)?;
    crate::scene::Catalog::builtin().get(&e.kind)
}

/// The kit place a template's room is (its purpose read as words: "museum_hall" → museum).
pub fn template_place(t: &Template) -> Option<&'static str> {
    let purpose = t.scene.setting.room.as_ref()?.purpose.replace('_', " ");
    let named = lexicon().named(&purpose);
    named.into_iter().find(|(f, _)| *f == PLACE).and_then(|(_, v)| kit(v)).map(|k| k.place.as_str())
}

/// Whether a template can be used whole for the request: indoors when the request is indoors
/// and outdoors when it is outdoors, and nothing the request names is left without a home in it.
fn fits_whole(t: &Template, asked: &Asked) -> bool {
    let indoor_template = t.scene.setting.room.is_some();
    let lift = |v: &str| asked.ranking.lift("indoor", v);
    let (inside, outside) = (lift("indoors"), lift("outdoors"));
    let wants_inside = asked.names("indoor", "indoors") || (inside.is_finite() && outside.is_finite() && inside - outside >= INDOOR_MARGIN);
    let wants_outside =
        asked.names("indoor", "outdoors") || (inside.is_finite() && outside.is_finite() && outside - inside >= INDOOR_MARGIN);
    !(indoor_template && wants_outside || !indoor_template && wants_inside)
}

/// Whether the request is about the inside of somewhere.
fn indoors(asked: &Asked) -> bool {
    if asked.names("indoor", "indoors") {
        return true;
    }
    if asked.names("indoor", "outdoors") {
        return false;
    }
    let (inside, outside) = (asked.ranking.lift("indoor", "indoors"), asked.ranking.lift("indoor", "outdoors"));
    inside.is_finite() && outside.is_finite() && inside - outside >= INDOOR_MARGIN
}

/// A room's purpose from what the request says: the building it names, the place the model
/// wrote, else "room".
fn room_purpose(asked: &Asked) -> String {
    let catalog = crate::scene::Catalog::builtin();
    let building = asked.named("kind").into_iter().find(|k| catalog.get(k).is_some_and(|i| i.tags.iter().any(|t| t == "building")));
    if let Some(b) = building {
        return b.to_string();
    }
    let written = super::snake_case(&asked.written.place);
    if !written.is_empty() { written } else { "room".into() }
}

/// The terrain of open ground: the one the request names (another world first: "the icy
/// surface of a moon" is the Moon, not snow), else the one it raises most.
fn ground_terrain(asked: &Asked) -> Terrain {
    let terrain = |v: &str| serde_json::from_value::<Terrain>(serde_json::Value::String(v.to_string())).ok();
    let named: Vec<Terrain> = asked.named("terrain").into_iter().filter_map(terrain).collect();
    let another_world = |t: &Terrain| !matches!(t.world(), crate::scene::World::Land | crate::scene::World::Sea);
    let off_earth = named.iter().find(|t| another_world(t)).copied();
    // The model's reading counts as much for another world: "a moon" names none in words.
    let ranked_off_earth = asked
        .ranking
        .ranked("terrain")
        .iter()
        .filter(|(_, lift)| *lift >= super::setting::EXPLICIT_SETTING)
        .filter_map(|(v, _)| terrain(v))
        .find(another_world);
    off_earth
        .or(ranked_off_earth)
        .or(named.first().copied())
        .or_else(|| asked.ranking.best("terrain").and_then(terrain))
        .unwrap_or(Terrain::Grassland)
}
