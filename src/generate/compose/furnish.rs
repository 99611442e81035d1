//! The scene a place starts as: a kit furnished as its data says, a template as it is, a plain
//! room with nothing but its walls, or open ground with the scenery of its world.

use super::place::Place;
use super::{Asked, Draft, Reason};
use crate::generate::template::{Template, library};
use crate::scene::places::{Hold, Kit};
use crate::scene::*;

/// How far in front of the back wall the person stands when they enter a room (its door is
/// behind them).
const ENTRANCE_DEPTH: f32 = 1.6;
/// Walking speed of people who walk about, and of those in a hurry, m/s.
const WALK_SPEED: f32 = 1.2;
const RUN_SPEED: f32 = 2.6;
/// A plain room, for a purpose no kit has: width, length, height.
const PLAIN_ROOM: [f32; 3] = [10.0, 14.0, 3.2];
/// The play area around a room: what its windows show.
const ROOM_AREA: f32 = 60.0;

/// The scene a place starts as.
pub fn base(place: &Place, asked: &Asked) -> Draft {
    match place {
        Place::Kit(kit) => from_kit(kit),
        Place::Template(t) => from_template(t),
        Place::Room(purpose) => plain_room(purpose, asked),
        Place::Ground(terrain) => ground(*terrain),
    }
}

fn empty_scene(setting: Setting, player: Player) -> Scene {
    Scene {
        schema: None,
        format: SCENE_FORMAT.into(),
        title: String::new(),
        prompt: String::new(),
        setting,
        player,
        entities: Vec::new(),
        soundscape: Soundscape::default(),
        timeline: Vec::new(),
        edits: Default::default(),
    }
}

fn setting(terrain: Terrain, era: Era, time_of_day: TimeOfDay, area_radius: f32) -> Setting {
    Setting {
        terrain,
        era,
        time_of_day,
        weather: Weather::Clear,
        cloud_cover: 0.3,
        fog: 0.0,
        wind: 0.2,
        water: Water::default(),
        area_radius,
        sky: Vec::new(),
        room: None,
    }
}

/// Where a person entering a room stands: by the door in the back wall, looking in.
pub fn entrance(room: &Room) -> [f32; 3] {
    [0.0, 0.0, (room.length() / 2.0 - ENTRANCE_DEPTH).max(0.0)]
}

fn walker(activity: Option<Activity>) -> Option<Motion> {
    match activity {
        Some(Activity::Walk) => Some(Motion { kind: MotionKind::Walk, speed: Some(WALK_SPEED), radius: None }),
        Some(Activity::Run) => Some(Motion { kind: MotionKind::Walk, speed: Some(RUN_SPEED), radius: None }),
        _ => None,
    }
}

/// A kit furnished: its room, its holds as entities (each placed as the kit says, relative to
/// the entity of the kind it refers to), its sounds and its person.
pub fn from_kit(kit: &'static Kit) -> Draft {
    let mut s = setting(kit.ground, kit.era, kit.time_of_day, kit.area_radius.unwrap_or(ROOM_AREA));
    let room = kit.room.as_ref().map(|r| Room {
        purpose: kit.place.clone(),
        shape: r.shape,
        size: r.size,
        walls: r.walls,
        floor: r.floor,
        ceiling: r.ceiling,
        windows: r.windows,
        doors: r.doors,
        lights: r.lights,
    });
    let position = room.as_ref().map(entrance);
    s.room = room;
    let player = Player {
        role: kit.player.role.clone(),
        vantage: kit.player.vantage,
        on: None,
        position: position.filter(|_| kit.player.on.is_none()),
        facing: 0.0,
        locomotion: Locomotion::Walk,
    };
    let mut draft = Draft::new(empty_scene(s, player));
    let why = Reason::Kit(kit.place.clone());
    for hold in &kit.holds {
        let entity = entity_of_hold(&draft.scene, hold);
        let id = entity.id.clone();
        if let Some(sound) = hold.sound {
            draft.scene.soundscape.emitters.push(Emitter { entity: id.clone(), sound, level: hold.level.unwrap_or(0.4) });
        }
        draft.scene.entities.push(entity);
        draft.because(&id, why.clone());
    }
    if let Some(on) = &kit.player.on {
        let seat = draft.scene.entities.iter().find(|e| &e.kind == on).map(|e| e.id.clone());
        draft.scene.player.on = seat;
    }
    draft.scene.soundscape.ambience = kit.ambience.iter().map(|a| Ambience { sound: a.sound, level: a.level }).collect();
    draft.scene.soundscape.music = kit.music;
    draft.why.player_role = why;
    draft
}

/// One hold as an entity of the scene being furnished; `of` becomes the id of the first entity
/// of that kind already placed.
fn entity_of_hold(scene: &Scene, hold: &Hold) -> Entity {
    let target = hold.of.as_ref().and_then(|k| scene.entities.iter().find(|e| &e.kind == k)).map(|e| e.id.clone());
    // A relation to something the kit did not place (it came later in the list) falls back to
    // the floor rather than to the player.
    let relation = if hold.of.is_some() && target.is_none() { Relation::Scattered } else { hold.relation };
    Entity {
        id: crate::scene::change::unique_id(scene, &hold.kind),
        kind: hold.kind.clone(),
        count: hold.count,
        placement: Placement { relation, target, distance: hold.distance, position: None },
        motion: walker(hold.activity),
        scale: 1.0,
        color: None,
        form: None,
        activity: hold.activity,
    }
}

/// A template's scene as it is; every entity is the template's.
fn from_template(t: &'static Template) -> Draft {
    let mut draft = Draft::new(t.scene.clone());
    for e in &t.scene.entities {
        draft.because(&e.id, Reason::Template(t.name.to_string()));
    }
    draft.why.player_role = Reason::Template(t.name.to_string());
    draft
}

/// A room of a purpose no kit describes: its walls, doors, windows and lamps, and nothing
/// else; what the request names comes next.
fn plain_room(purpose: &str, asked: &Asked) -> Draft {
    let terrain = asked
        .named("terrain")
        .first()
        .and_then(|v| serde_json::from_value(serde_json::Value::String(v.to_string())).ok())
        .unwrap_or(Terrain::City);
    let mut s = setting(terrain, Era::Modern, TimeOfDay::Afternoon, ROOM_AREA);
    let room = Room {
        purpose: purpose.to_string(),
        shape: RoomShape::Rectangle,
        size: PLAIN_ROOM,
        walls: Material::Plaster,
        floor: Material::Wood,
        ceiling: Material::Plaster,
        windows: 4,
        doors: 1,
        lights: Light::CeilingLamps,
    };
    let position = entrance(&room);
    s.room = Some(room);
    let player = Player {
        role: "visitor".into(),
        vantage: Vantage::Ground,
        on: None,
        position: Some(position),
        facing: 0.0,
        locomotion: Locomotion::Walk,
    };
    Draft::new(empty_scene(s, player))
}

/// Open ground of a terrain, with the scenery of the library's world of that terrain (its
/// trees, rocks and clouds, never its people, animals or buildings) and its natural sounds.
fn ground(terrain: Terrain) -> Draft {
    let mut s = setting(terrain, Era::Modern, TimeOfDay::Afternoon, 300.0);
    if terrain.is_airless() {
        (s.cloud_cover, s.wind) = (0.0, 0.0);
    }
    let player =
        Player { role: "visitor".into(), vantage: Vantage::Ground, on: None, position: None, facing: 0.0, locomotion: Locomotion::Walk };
    let mut draft = Draft::new(empty_scene(s, player));
    let Some(source) = library().iter().find(|t| t.scene.setting.terrain == terrain && t.scene.setting.room.is_none()) else {
        return draft;
    };
    let catalog = Catalog::builtin();
    for e in &source.scene.entities {
        let scenery = catalog.info_for(e).is_some_and(|info| info.tags.iter().any(|t| SCENERY_TAGS.contains(&t.as_str())))
            && e.placement.target.is_none()
            && source.scene.player.on.as_deref() != Some(e.id.as_str());
        if scenery {
            let mut e = e.clone();
            e.id = crate::scene::change::unique_id(&draft.scene, &e.id);
            let id = e.id.clone();
            draft.scene.entities.push(e);
            draft.because(&id, Reason::Scenery(source.name.to_string()));
        }
    }
    draft.scene.soundscape.ambience =
        source.scene.soundscape.ambience.iter().filter(|a| NATURE_SOUNDS.contains(&a.sound)).cloned().collect();
    draft
}

/// What the ground of a world is dressed with.
const SCENERY_TAGS: [&str; 6] = ["tree", "plant", "landscape", "rock", "mountain", "nature"];
/// The sounds of a world that belong to no one.
const NATURE_SOUNDS: [SoundKind; 9] = [
    SoundKind::Wind,
    SoundKind::Waves,
    SoundKind::Birds,
    SoundKind::Insects,
    SoundKind::Crickets,
    SoundKind::Frogs,
    SoundKind::Stream,
    SoundKind::Bubbles,
    SoundKind::Seagulls,
];
