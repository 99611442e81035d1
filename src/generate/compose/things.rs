//! The things a request asks for, added to the place where they can live and be seen: the
//! catalog kinds it names, the kinds the model wrote for it, forms for nouns the catalog lacks,
//! and what a named thing implies (a rider implies a horse). A kind the request names that did
//! not exist yet in its era becomes the nearest kind of its class that did ("un avion de
//! chasse" in 1917 is a biplane). Then the counts the request gives.

use std::collections::HashSet;

use super::{Asked, Draft, Reason};
use crate::scene::change::{can_take, entity_for, lives_in, remove_entities, set_inland_water, wants_a_river};
use crate::scene::*;

/// At most this many named kinds, written kinds and new nouns are added to a place.
const MAX_NAMED: usize = 6;
const MAX_WRITTEN: usize = 3;
const MAX_NEW: usize = 3;

/// Adds everything the request asks for that the place lacks.
pub fn add_asked(draft: &mut Draft, asked: &Asked) {
    let mut added = 0;
    for kind in named_kinds(asked) {
        if added == MAX_NAMED {
            break;
        }
        if is_the_person(draft, asked, kind) {
            continue;
        }
        let words = asked.words_for("kind", kind);
        if add_kind(draft, kind, Reason::Named(words)) {
            added += 1;
        }
    }
    let mut written = 0;
    for kind in asked.written_kinds {
        if written == MAX_WRITTEN {
            break;
        }
        if !belongs_to_place(draft, kind) {
            continue;
        }
        if add_kind(draft, kind, Reason::Written(kind.replace('_', " "))) {
            written += 1;
        }
    }
    for (kind, form) in asked.new_things.iter().take(MAX_NEW) {
        if draft.scene.entities.iter().any(|e| &e.kind == kind) {
            continue;
        }
        let info = KindInfo::from_form(kind, form);
        if !lives_in(&info, &draft.scene) {
            continue;
        }
        let entity = entity_for(&draft.scene, &info, Some(form.clone()));
        let id = entity.id.clone();
        draft.scene.entities.push(entity);
        draft.because(&id, Reason::Written(kind.replace('_', " ")));
    }
}

/// The catalog kinds the request names, in the order it says them; a word that names a
/// situation is the situation's ("a fire" is flames, not a campfire).
fn named_kinds<'a>(asked: &Asked<'a>) -> Vec<&'a str> {
    let mut spans: Vec<(&str, (usize, usize))> =
        asked.spans.iter().filter(|(f, _, span)| *f == "kind" && !asked.is_situation_span(*span)).map(|(_, v, s)| (*v, *s)).collect();
    spans.sort_by_key(|(_, (a, _))| *a);
    let mut out: Vec<&str> = Vec::new();
    for (kind, _) in spans {
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    out
}

/// Whether a person named is the one who asks ("the life of a pirate": the person is the pirate,
/// not someone beside them): a people kind the player's role or the model's role names.
fn is_the_person(draft: &Draft, asked: &Asked, kind: &str) -> bool {
    let person = Catalog::builtin().get(kind).is_some_and(|i| i.tags.iter().any(|t| t == "people"));
    let in_role = |role: &str| role.split('_').any(|w| w == kind) || role == kind;
    person && (in_role(&draft.scene.player.role) || in_role(&asked.written.role))
}

/// Whether a kind the model wrote belongs in this place: anything on open ground or in a
/// plain room (nothing else speaks for the place), a person anywhere, else a kind of the
/// kit's family of places or of the template's own kinds' tags.
fn belongs_to_place(draft: &Draft, kind: &str) -> bool {
    let catalog = Catalog::builtin();
    let Some(info) = catalog.get(kind) else { return false };
    if info.tags.iter().any(|t| t == "people") {
        return true;
    }
    let own_tags: HashSet<&str> =
        draft.scene.entities.iter().filter_map(|e| catalog.get(&e.kind)).flat_map(|i| i.tags.iter().map(String::as_str)).collect();
    let place = draft.scene.setting.room.as_ref().map(|r| r.purpose.as_str());
    let kit = place.and_then(crate::scene::places::kit);
    match kit {
        Some(kit) => info.tags.iter().any(|t| *t == kit.group || (t != "indoor" && t != "prop" && own_tags.contains(t.as_str()))),
        None => draft.scene.entities.is_empty() || info.tags.iter().any(|t| own_tags.contains(t.as_str())),
    }
}

/// Adds a kind (or, when it did not exist yet, the nearest kind of its class that did) where
/// it can live, with what it implies. False when the scene has it already or cannot hold it.
pub fn add_kind(draft: &mut Draft, kind: &str, reason: Reason) -> bool {
    let catalog = Catalog::builtin();
    let Some(info) = catalog.get(kind) else { return false };
    let era = draft.scene.setting.era;
    let info = if info.since.is_some_and(|since| since > era) {
        match era_substitute(info, era) {
            Some(other) => other,
            None => return false,
        }
    } else {
        info
    };
    if draft.scene.entities.iter().any(|e| e.kind == info.kind) || !can_take(info, &draft.scene) {
        return false;
    }
    if wants_a_river(info, &draft.scene) {
        set_inland_water(&mut draft.scene, WaterKind::River);
    }
    let mut entity = entity_for(&draft.scene, info, None);
    let id = entity.id.clone();
    // What it implies comes first, and it stands on what carries it (a rider on a horse).
    for implied in &info.implies {
        let Some(other) = catalog.get(implied) else { continue };
        if !can_take(other, &draft.scene) {
            continue;
        }
        let carrier = match draft.scene.entities.iter().find(|e| &e.kind == implied) {
            Some(e) => e.id.clone(),
            None => {
                let mut e = entity_for(&draft.scene, other, None);
                e.count = entity.count.max(1);
                let carrier = e.id.clone();
                draft.scene.entities.push(e);
                draft.because(&carrier, Reason::Implied(info.kind.replace('_', " ")));
                carrier
            }
        };
        if other.deck.is_some() && entity.placement.relation != Relation::On {
            entity.placement = Placement { relation: Relation::On, target: Some(carrier), distance: None, position: None };
        }
    }
    draft.scene.entities.push(entity);
    draft.because(&id, reason);
    true
}

/// The kind of the same class (the tags that say what it is: plane, ship, car…) that existed in
/// `era`, the latest to appear and the closest in tags: a fighter plane in 1917 is a biplane.
pub fn era_substitute(info: &'static KindInfo, era: Era) -> Option<&'static KindInfo> {
    const CLASSES: [&str; 10] = ["plane", "aircraft", "ship", "boat", "car", "train", "tank", "spacecraft", "weapon", "instrument"];
    let class: Vec<&str> = info.tags.iter().map(String::as_str).filter(|t| CLASSES.contains(t)).collect();
    if class.is_empty() {
        return None;
    }
    let catalog = Catalog::builtin();
    catalog
        .kinds()
        .iter()
        .filter(|k| k.kind != info.kind && k.habitat == info.habitat && k.since.is_none_or(|s| s <= era))
        .filter(|k| class.iter().all(|c| k.tags.iter().any(|t| t == c)))
        .max_by_key(|k| {
            let shared = k.tags.iter().filter(|t| info.tags.contains(t)).count();
            (k.since, shared)
        })
}

/// The counts the request gives, on the entities of those kinds (all of them together).
pub fn apply_counts(draft: &mut Draft, asked: &Asked) {
    let scene = &mut draft.scene;
    for (kind, n) in asked.counts {
        let of_kind: Vec<usize> = (0..scene.entities.len()).filter(|&i| &scene.entities[i].kind == kind).collect();
        let Some((&first, rest)) = of_kind.split_first() else { continue };
        // The player's own mount or ship stays one.
        if scene.player.on.as_deref() == Some(scene.entities[first].id.as_str()) {
            continue;
        }
        scene.entities[first].count = (*n).clamp(1, 2000);
        let keep = scene.entities[first].id.clone();
        let gone: HashSet<String> = rest.iter().map(|&i| scene.entities[i].id.clone()).collect();
        // What referred to the merged entities refers to the one that stays.
        for e in &mut scene.entities {
            if e.placement.target.as_ref().is_some_and(|t| gone.contains(t)) {
                if e.id == keep {
                    e.placement = Placement::default();
                } else {
                    e.placement.target = Some(keep.clone());
                }
            }
        }
        for em in &mut scene.soundscape.emitters {
            if gone.contains(&em.entity) {
                em.entity = keep.clone();
            }
        }
        for beat in &mut scene.timeline {
            if beat.entity.as_ref().is_some_and(|id| gone.contains(id)) {
                beat.entity = Some(keep.clone());
            }
        }
        if scene.player.on.as_ref().is_some_and(|id| gone.contains(id)) {
            scene.player.on = Some(keep.clone());
        }
        remove_entities(scene, gone);
    }
}
