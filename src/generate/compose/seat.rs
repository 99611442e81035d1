//! Where the person is: the central thing the request names wins. When it names something
//! that carries people — a plane, a ship, a car, a horse, a dragon — and says the person is in
//! it, on it or drives it ("dans un avion de chasse", "flying a fighter plane", "riding a
//! horse", "al volante"), the person sits in its cockpit, saddle, deck or seat, whatever the
//! place's default; a kind that did not exist yet in the request's era is the nearest of its
//! class that did.

use super::things::{add_kind, era_substitute};
use super::{Asked, Draft, Reason};
use crate::lexicon::words;
use crate::scene::*;

/// Words that put the person in or on a thing named soon after them ("flying a fighter plane",
/// "aux commandes d'un avion", "am Steuer eines Autos"), in six languages.
const STRONG_CUES: &[&str] = &[
    "aboard",
    "bordo",
    "fly",
    "flying",
    "flies",
    "pilot",
    "piloting",
    "drive",
    "driving",
    "drives",
    "ride",
    "riding",
    "rides",
    "sail",
    "sailing",
    "steer",
    "steering",
    "cockpit",
    "wheel",
    "helm",
    "controls",
    "saddle",
    "bord",
    "piloter",
    "pilote",
    "conduire",
    "conduis",
    "conduit",
    "voler",
    "chevaucher",
    "naviguer",
    "commandes",
    "volant",
    "selle",
    "barre",
    "pilotar",
    "pilotando",
    "conducir",
    "conduciendo",
    "manejar",
    "volar",
    "volando",
    "montar",
    "montando",
    "cabalgar",
    "navegar",
    "mandos",
    "fliegen",
    "fliege",
    "steuern",
    "fahren",
    "fahre",
    "reiten",
    "reite",
    "segeln",
    "lenkrad",
    "sattel",
    "steuer",
    "cockpit",
    "pilotare",
    "guidare",
    "guidando",
    "volare",
    "cavalcare",
    "navigare",
    "comandi",
    "sella",
    "timone",
    "dirigir",
    "dirigindo",
    "conduzir",
    "voar",
    "voando",
    "cavalgar",
    "velejar",
    "comandos",
];
/// Words that put the person in or on the thing named right after them ("in a plane", "dans un
/// avion", "in einem Flugzeug", "su un aereo", "num avião", "en un avión").
const WEAK_CUES: &[&str] = &["in", "inside", "on", "dans", "sur", "en", "sobre", "dentro", "im", "auf", "su", "num", "numa"];

/// How far before the thing a strong cue may stand ("in the cockpit of a WW1 fighter"), and a
/// weak one (only its article between them), in words.
const STRONG_REACH: usize = 6;
const WEAK_REACH: usize = 2;

/// Puts the person in the central thing the request names, when it names one.
pub fn seat_the_player(draft: &mut Draft, asked: &Asked) {
    let Some((kind, words_said)) = central_thing(asked) else { return };
    let catalog = Catalog::builtin();
    let Some(info) = catalog.get(kind) else { return };
    let era = draft.scene.setting.era;
    let wanted = if info.since.is_some_and(|s| s > era) { era_substitute(info, era).unwrap_or(info) } else { info };
    // Already in one: the place's own carrier of that class (a template's biplane) stays.
    if let Some(on) = draft.scene.player.on.as_ref().and_then(|id| draft.scene.entities.iter().find(|e| &e.id == id))
        && catalog.info_for(on).is_some_and(|own| same_class(&own, wanted))
    {
        return;
    }
    // One of the place's own, else a new one.
    let carrier = match draft.scene.entities.iter().find(|e| e.kind == wanted.kind) {
        Some(e) => e.id.clone(),
        None => {
            if !add_kind(draft, &wanted.kind, Reason::Named(words_said.clone())) {
                return;
            }
            draft.scene.entities.iter().rev().find(|e| e.kind == wanted.kind).map(|e| e.id.clone()).expect("just added")
        }
    };
    let Some(entity) = draft.scene.entities.iter_mut().find(|e| e.id == carrier) else { return };
    // The person's own carrier is one thing, placed where the person is.
    entity.count = 1;
    entity.placement = Placement::default();
    let vantage = vantage_for(wanted);
    let locomotion =
        if matches!(vantage, Vantage::Seat) && draft.scene.setting.room.is_some() { Locomotion::Stationary } else { Locomotion::Ride };
    let player = &mut draft.scene.player;
    player.on = Some(carrier.clone());
    player.vantage = vantage;
    player.position = None;
    player.locomotion = locomotion;
    draft.why.player_place = Some((carrier, Reason::Named(words_said)));
}

/// The thing the request puts the person in or on: a named kind that carries people, with a
/// cue word before it; the first such.
pub fn central_thing<'a>(asked: &Asked<'a>) -> Option<(&'a str, String)> {
    let said = words(asked.text);
    let catalog = Catalog::builtin();
    let mut spans: Vec<(&str, (usize, usize))> = asked.spans.iter().filter(|(f, _, _)| *f == "kind").map(|(_, v, s)| (*v, *s)).collect();
    spans.sort_by_key(|(_, (a, _))| *a);
    spans.into_iter().find_map(|(kind, (a, b))| {
        let info = catalog.get(kind)?;
        if !carries_people(info) {
            return None;
        }
        let before = |reach: usize| &said[a.saturating_sub(reach)..a];
        // "A knight on a horse": someone else named before the preposition is the one riding.
        let someone_else = asked
            .spans
            .iter()
            .any(|(f, v, (start, _))| *f == "kind" && *start < a && catalog.get(v).is_some_and(|i| i.tags.iter().any(|t| t == "people")));
        let cue = before(STRONG_REACH).iter().any(|w| STRONG_CUES.contains(&w.as_str()))
            || !someone_else && before(WEAK_REACH).iter().any(|w| WEAK_CUES.contains(&w.as_str()));
        cue.then(|| (kind, said[a..b].join(" ")))
    })
}

/// Whether people ride in or on a kind: it has a deck (a cockpit, a saddle, a ship's deck) and
/// it is a vehicle, a craft or a mount.
fn carries_people(info: &KindInfo) -> bool {
    let class = ["vehicle", "plane", "aircraft", "ship", "boat", "spacecraft", "mount"];
    let rideable_animal = info.form.as_ref().is_some_and(|f| matches!(f.family, Family::Quadruped | Family::Dragon) && info.deck.is_some());
    info.deck.is_some() && (info.tags.iter().any(|t| class.contains(&t.as_str())) || rideable_animal)
        || info.tags.iter().any(|t| ["plane", "aircraft", "ship", "boat", "spacecraft"].contains(&t.as_str()))
}

/// Two kinds of the same class (both planes, both ships…).
pub fn same_class(a: &KindInfo, b: &KindInfo) -> bool {
    let class = ["plane", "aircraft", "ship", "boat", "car", "train", "spacecraft", "horse", "dragon"];
    a.kind == b.kind || a.tags.iter().any(|t| class.contains(&t.as_str()) && b.tags.contains(t))
}

/// Where a person sits in a kind: a cockpit in what flies, a deck on what floats, a saddle on
/// an animal, a seat in a vehicle.
fn vantage_for(info: &KindInfo) -> Vantage {
    let family = info.form.as_ref().map(|f| f.family);
    match (info.habitat, family) {
        (Habitat::Sky, _) => Vantage::Cockpit,
        (Habitat::Water, _) => Vantage::Deck,
        (_, Some(Family::Quadruped | Family::Dragon)) => Vantage::Saddle,
        _ if info.tags.iter().any(|t| t == "animal") => Vantage::Saddle,
        _ => Vantage::Seat,
    }
}
