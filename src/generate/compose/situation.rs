//! What happens, composed onto the place: each situation the request names brings its things
//! (flames and smoke, an alarm bell, a person who collapses), its sounds and the beats of its
//! timeline (the alarm rings at 2 s, people evacuate at 6 s, the lights go out at 4 s).

use super::{Asked, Draft, Reason};
use crate::lexicon::SITUATION;
use crate::scene::change::{can_take, entity_for};
use crate::scene::situations::{Brought, Situation, situation};
use crate::scene::*;

/// Applies every situation the request names, in the order it names them.
pub fn apply(draft: &mut Draft, asked: &Asked) {
    for id in asked.named(SITUATION) {
        let Some(s) = situation(id) else { continue };
        let indoors = draft.scene.setting.room.is_some();
        if s.indoors_only && !indoors {
            continue;
        }
        compose_onto(draft, s);
        draft.why.situations.push((s.situation.clone(), Reason::Named(asked.words_for(SITUATION, id))));
    }
}

fn compose_onto(draft: &mut Draft, s: &Situation) {
    let why = Reason::Situation(s.situation.clone());
    // The people already there first: a busy place holds more of them, a hurried one runs.
    let catalog = Catalog::builtin();
    for e in &mut draft.scene.entities {
        let person = catalog.info_for(e).is_some_and(|i| i.tags.iter().any(|t| t == "people"));
        if !person || draft.scene.player.on.as_deref() == Some(e.id.as_str()) {
            continue;
        }
        if s.people_factor != 1.0 && e.kind != "crowd" {
            e.count = ((e.count as f32 * s.people_factor).round() as u32).clamp(1, 2000);
        }
        if let Some(activity) = s.people {
            e.activity = Some(activity);
            if matches!(activity, Activity::Run | Activity::Walk) {
                e.motion =
                    Some(Motion { kind: MotionKind::Walk, speed: Some(if activity == Activity::Run { 2.6 } else { 1.2 }), radius: None });
            }
        }
    }
    let mut brought_ids: Vec<Option<String>> = Vec::new();
    for b in &s.brings {
        let id = bring(draft, b);
        if let Some(id) = &id
            && draft.why.reason(id).is_none()
        {
            draft.because(id, why.clone());
        }
        brought_ids.push(id);
    }
    let ambience = &mut draft.scene.soundscape.ambience;
    for a in &s.ambience {
        match ambience.iter_mut().find(|x| x.sound == a.sound) {
            Some(x) => x.level = x.level.max(a.level),
            None => ambience.push(Ambience { sound: a.sound, level: a.level }),
        }
    }
    for beat in &s.beats {
        let entity = match beat.brought {
            Some(i) => match brought_ids.get(i).cloned().flatten() {
                Some(id) => Some(id),
                None => continue, // what the beat is about could not be brought
            },
            None => None,
        };
        let exists = draft.scene.timeline.iter().any(|b| b.event == beat.event && b.sound == beat.sound && b.entity == entity);
        if !exists {
            draft.scene.timeline.push(Beat {
                at: beat.at,
                event: beat.event,
                entity,
                sound: beat.sound,
                weather: None,
                seconds: beat.seconds,
            });
        }
    }
    draft.scene.timeline.sort_by(|a, b| a.at.total_cmp(&b.at));
    if let Some(music) = s.music {
        draft.scene.soundscape.music = music;
    }
}

/// The entity that plays a brought part: one of the scene's own of the kinds it accepts (the
/// patient of a ward collapses), else a new one placed as the situation says. `None` when the
/// place cannot hold any of them.
fn bring(draft: &mut Draft, b: &Brought) -> Option<String> {
    let catalog = Catalog::builtin();
    if let Some(own) =
        draft.scene.entities.iter().find(|e| b.kind.contains(&e.kind) && draft.scene.player.on.as_deref() != Some(e.id.as_str()))
        && (b.once || b.activity.is_none())
    {
        return Some(own.id.clone());
    }
    let info = b.kind.iter().filter_map(|k| catalog.get(k)).find(|info| can_take(info, &draft.scene))?;
    let mut entity = entity_for(&draft.scene, info, None);
    entity.count = b.count;
    let target = b.of.as_ref().and_then(|k| draft.scene.entities.iter().find(|e| &e.kind == k)).map(|e| e.id.clone());
    let indoors = draft.scene.setting.room.is_some();
    entity.placement = match (b.relation, target) {
        (Relation::Near | Relation::Around | Relation::On, Some(target)) => {
            Placement { relation: b.relation, target: Some(target), distance: b.distance, position: None }
        }
        (Relation::Near | Relation::Around | Relation::On, None) => entity.placement.clone(),
        (Relation::AlongWall, _) if !indoors => entity.placement.clone(),
        // In front of the person, within the room's reach.
        (relation, _) => {
            let reach = draft.scene.setting.room.as_ref().map_or(f32::MAX, |r| r.length() * 0.45);
            Placement { relation, target: None, distance: b.distance.map(|d| d.min(reach)), position: None }
        }
    };
    entity.activity = b.activity;
    let id = entity.id.clone();
    draft.scene.entities.push(entity);
    Some(id)
}
