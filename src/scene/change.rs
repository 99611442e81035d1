//! Changes to a scene that keep it consistent, shared by generation (composing and adapting
//! scenes) and edits (operations said inside a world): a weather with its look and sounds, a
//! lake where the land can hold one, a new entity where it can live and be seen, entities
//! removed with whatever referred to them, what an era had not invented yet taken away.

use std::collections::HashSet;

use super::catalog::{Catalog, Habitat, KindInfo};
use super::form::Form;
use super::types::*;

/// Cloud, fog, wind and waves that go with a weather. Fog stays below what would hide the
/// whole scene from the player.
pub fn weather_look(weather: Weather) -> (f32, f32, f32, f32) {
    match weather {
        Weather::Clear => (0.1, 0.0, 0.2, 0.25),
        Weather::Cloudy => (0.7, 0.05, 0.3, 0.35),
        Weather::Windy => (0.4, 0.0, 0.8, 0.6),
        Weather::Foggy => (0.6, 0.45, 0.1, 0.2),
        Weather::Rain => (0.9, 0.15, 0.4, 0.45),
        Weather::Storm => (1.0, 0.2, 1.0, 0.9),
        Weather::Snow => (0.8, 0.2, 0.3, 0.3),
    }
}

/// A new weather with its look and its sounds; beats of the template's own weather go. Where
/// there is no air (the Moon, Mars's sky aside, open space) nothing changes: every caller is
/// safe, whatever led it here ("the icy surface of a moon" names snow).
pub fn set_weather(scene: &mut Scene, weather: Weather) {
    if scene.setting.terrain.is_airless() {
        return;
    }
    let (cloud_cover, fog, wind, waves) = weather_look(weather);
    let s = &mut scene.setting;
    s.weather = weather;
    (s.cloud_cover, s.fog, s.wind) = (cloud_cover, fog, wind);
    if s.water.kind != WaterKind::None {
        s.water.waves = waves;
    }
    scene.timeline.retain(|b| !matches!(b.event, BeatEvent::Weather | BeatEvent::Lightning));
    let wet = matches!(weather, Weather::Rain | Weather::Storm);
    let ambience = &mut scene.soundscape.ambience;
    ambience.retain(|a| match a.sound {
        SoundKind::Rain => wet,
        SoundKind::Thunder => weather == Weather::Storm,
        _ => true,
    });
    let mut add = |sound: SoundKind, level: f32| {
        if !ambience.iter().any(|a| a.sound == sound) {
            ambience.push(Ambience { sound, level });
        }
    };
    match weather {
        Weather::Rain => add(SoundKind::Rain, 0.6),
        Weather::Storm => {
            add(SoundKind::Rain, 0.6);
            add(SoundKind::Thunder, 0.5);
            scene.timeline.push(Beat { at: 8.0, event: BeatEvent::Lightning, entity: None, sound: None, weather: None, seconds: None });
        }
        Weather::Windy | Weather::Snow => add(SoundKind::Wind, 0.6),
        _ => {}
    }
}

/// A lake, river or pond the request names, where the land can hold one (not at sea).
pub fn set_inland_water(scene: &mut Scene, water: WaterKind) {
    let land = !matches!(scene.setting.terrain, Terrain::Ocean | Terrain::Island | Terrain::Beach | Terrain::Underwater);
    let floats_at_sea =
        scene.entities.iter().any(|e| Catalog::builtin().get(&e.kind).is_some_and(|k| k.habitat == Habitat::Water && k.footprint > 4.0));
    if land && !floats_at_sea && water != WaterKind::Ocean {
        scene.setting.water.kind = water;
    }
}

/// After a change of era: drops the entities whose kind did not exist yet, and everything
/// that refers to them. The entity the player stands on always stays.
pub fn drop_anachronisms(scene: &mut Scene) {
    let catalog = Catalog::builtin();
    let era = scene.setting.era;
    let keep_on = scene.player.on.clone();
    let gone: HashSet<String> = scene
        .entities
        .iter()
        .filter(|e| Some(&e.id) != keep_on.as_ref() && catalog.get(&e.kind).and_then(|k| k.since).is_some_and(|since| since > era))
        .map(|e| e.id.clone())
        .collect();
    remove_entities(scene, gone);
}

/// Removes entities, then whatever stood on or referred to them, until nothing dangles. What
/// the player stands on goes only when asked for by name: placed relative to something removed
/// (a seat facing a screen), it stays, placed anew.
pub fn remove_entities(scene: &mut Scene, mut gone: HashSet<String>) {
    let carrier = scene.player.on.clone().filter(|on| !gone.contains(on));
    loop {
        let before = gone.len();
        for e in &mut scene.entities {
            if e.placement.target.as_ref().is_some_and(|t| gone.contains(t)) {
                if carrier.as_ref() == Some(&e.id) {
                    e.placement = crate::scene::Placement::default();
                } else {
                    gone.insert(e.id.clone());
                }
            }
        }
        if gone.len() == before {
            break;
        }
    }
    scene.entities.retain(|e| !gone.contains(&e.id));
    scene.soundscape.emitters.retain(|e| !gone.contains(&e.entity));
    scene.timeline.retain(|b| b.entity.as_ref().is_none_or(|id| !gone.contains(id)));
}

/// A new entity of a kind, placed where it can be seen from the spawn: on the ground in front
/// of the player, in the sky, on the water.
pub fn entity_for(scene: &Scene, info: &KindInfo, form: Option<Form>) -> Entity {
    let relation = match info.habitat {
        Habitat::Sky => Relation::InSky,
        Habitat::Water => Relation::OnWater,
        Habitat::Underwater => Relation::Scattered,
        // Scenery at the world's edge (mountains) is placed by the planner around it.
        Habitat::Ground if info.backdrop => Relation::Scattered,
        Habitat::Ground => Relation::InFrontOf,
    };
    // Indoors what stands goes anywhere in the room, what flies or swims outside its windows.
    let relation = match (&scene.setting.room, relation) {
        (Some(_), Relation::InFrontOf) => Relation::Scattered,
        (Some(_), Relation::InSky | Relation::OnWater) => Relation::Outside,
        (Some(_), _) if info.habitat == Habitat::Underwater => Relation::Outside,
        _ => relation,
    };
    let distance = (relation == Relation::InFrontOf).then_some(18.0 + 3.0 * info.footprint);
    let most = if scene.setting.room.is_some() { 6 } else { 12 };
    let count = typical_count(info).min(if info.footprint >= 5.0 { 1 } else { most });
    let placement = match boards(info, scene) {
        Some(carrier) => Placement { relation: Relation::On, target: Some(carrier.id.clone()), distance: None, position: None },
        None => Placement { relation, target: None, distance, position: None },
    };
    let count = if placement.relation == Relation::On { count.min(4) } else { count };
    Entity {
        id: unique_id(scene, &info.kind),
        kind: info.kind.clone(),
        count,
        placement,
        motion: None,
        scale: 1.0,
        color: None,
        form,
        activity: None,
    }
}

/// Whether a kind can be added to the scene: it lives there, or it is a small boat the land can
/// give a river to (a canoe in a jungle).
pub fn can_take(info: &KindInfo, scene: &Scene) -> bool {
    lives_in(info, scene) || wants_a_river(info, scene) || boards(info, scene).is_some()
}

/// The floating carrier a small land kind can stand on when the scene has no land for it (a
/// pirate on the ship's deck): the player's own, else the first with a deck.
pub fn boards<'a>(info: &KindInfo, scene: &'a Scene) -> Option<&'a Entity> {
    if info.habitat != Habitat::Ground || info.footprint > 2.0 || lives_in(info, scene) {
        return None;
    }
    let catalog = Catalog::builtin();
    let carries = |e: &&Entity| catalog.info_for(e).is_some_and(|k| k.deck.is_some() && k.habitat == Habitat::Water);
    let own = scene.player.on.as_deref().and_then(|id| scene.entities.iter().find(|e| e.id == id)).filter(carries);
    own.or_else(|| scene.entities.iter().find(carries))
}

/// A small floating kind on land with no water: a river makes room for it.
pub fn wants_a_river(info: &KindInfo, scene: &Scene) -> bool {
    let land = !matches!(scene.setting.terrain, Terrain::Ocean | Terrain::Island | Terrain::Beach | Terrain::Underwater | Terrain::Desert);
    info.habitat == Habitat::Water && info.footprint <= 6.0 && land && scene.setting.water.kind == WaterKind::None
}

/// Whether the scene has the surface a kind lives on.
pub fn lives_in(info: &KindInfo, scene: &Scene) -> bool {
    let setting = &scene.setting;
    let underwater = setting.terrain == Terrain::Underwater;
    if let Some(room) = &setting.room {
        // Indoors: what stands must fit between the walls with room to spare (a tavern
        // request does not put a tavern building inside the tavern).
        if info.habitat == Habitat::Ground {
            return info.footprint * 4.0 <= room.width().min(room.length());
        }
    }
    match info.habitat {
        // Nothing flies without air but what flies in space.
        Habitat::Sky => !underwater && (!setting.terrain.is_airless() || info.tags.iter().any(|t| t == "space")),
        // Under the sea, boats float on the surface overhead (a submarine, a wreck's rescuers).
        Habitat::Water => setting.has_water(),
        Habitat::Underwater => underwater,
        Habitat::Ground => !underwater && setting.terrain != Terrain::Ocean,
    }
}

pub fn unique_id(scene: &Scene, kind: &str) -> String {
    let taken = |id: &str| scene.entities.iter().any(|e| e.id == id);
    if !taken(kind) {
        return kind.to_string();
    }
    (2..).map(|n| format!("{kind}_{n}")).find(|id| !taken(id)).expect("some number is free")
}

/// A count that looks right for a kind: one stage, a dozen trees, hundreds in a crowd.
pub fn typical_count(k: &KindInfo) -> u32 {
    let tagged = |t: &str| k.tags.iter().any(|x| x == t);
    if k.kind == "crowd" {
        600
    } else if k.footprint >= 8.0 || k.flat || k.backdrop {
        1
    } else if tagged("tree") {
        14
    } else if k.kind == "cloud" {
        10
    } else if tagged("bird") || tagged("animal") {
        5
    } else if tagged("plant") || tagged("nature") || tagged("graveyard") {
        10
    } else if tagged("people") || tagged("light") || tagged("prop") || tagged("cargo") {
        4
    } else if tagged("building") || tagged("vehicle") || tagged("plane") {
        3
    } else {
        2
    }
}
