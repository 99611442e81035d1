//! Operations on a scene: what an edit does, as data. An instruction ("make it night, and more
//! ships") becomes a short list of these; applying them is pure and deterministic, so an edit
//! can be saved, replayed and undone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::change::{can_take, entity_for, remove_entities, set_inland_water, set_weather};
use super::types::{
    Ambience, Beat, BeatEvent, Color, Entity, MusicMood, Scene, SkyFeature, SoundKind, Terrain, TimeOfDay, Vantage, WaterKind, Weather,
    value_name,
};

/// A quantity of the setting said with "more" or "less" ("more fog", "calmer sea").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Fog,
    Wind,
    Clouds,
    Waves,
}

/// One change to a scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// The time of day.
    Time { value: TimeOfDay },
    /// A weather, with the clouds, fog, wind, waves and sounds that go with it.
    Weather { value: Weather },
    /// The ground (within one world: the Moon stays the Moon).
    Terrain { value: Terrain },
    /// Fog, wind, cloud cover or waves, 0–1, without changing the weather's name.
    Level { of: Level, value: f32 },
    /// A lake, a river or a pond on the land.
    Water { kind: WaterKind },
    /// Something in the sky (the aurora, fireworks, meteors), added or taken away.
    Sky { feature: SkyFeature, shown: bool },
    /// A new entity of a catalog kind, where it can live and be seen; `count` and `color`
    /// when said.
    Add {
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: Option<Color>,
    },
    /// An entity and whatever stands on it.
    Remove { id: String },
    /// How many instances an entity has.
    Count { id: String, count: u32 },
    /// An entity's colour.
    Color { id: String, color: Color },
    /// An entity's speed along its motion, in m/s (or a rate for bob, spin…).
    Speed { id: String, speed: f32 },
    /// The player stands on an entity (a ship, a tower), or at a vantage.
    Stand { on: Option<String>, vantage: Vantage },
    /// The music.
    Music { mood: MusicMood },
    /// An ambient sound heard everywhere, or (level 0) silenced.
    Ambience { sound: SoundKind, level: f32 },
    /// Something that happens later, on the timeline: a new entity of `kind` appears, an
    /// entity (`id`) vanishes or cheers, a sound, a weather, lightning.
    Later {
        at: f32,
        event: BeatEvent,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sound: Option<SoundKind>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weather: Option<Weather>,
    },
}

/// Why a list of operations could not be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpError {
    #[error("there is no {0:?} in this world")]
    NoEntity(String),
    #[error("{0:?} is not a kind the world can build")]
    UnknownKind(String),
    #[error("there can be no {} in this world ({why})", kind.replace('_', " "))]
    CannotLive { kind: String, why: String },
    #[error("{0}")]
    Refused(String),
}

/// Applies operations in order to a copy of the scene.
pub fn apply(scene: &Scene, ops: &[Op]) -> Result<Scene, OpError> {
    let mut scene = scene.clone();
    for op in ops {
        apply_one(&mut scene, op)?;
    }
    Ok(scene)
}

fn apply_one(scene: &mut Scene, op: &Op) -> Result<(), OpError> {
    let airless = scene.setting.terrain.is_airless();
    match op {
        Op::Time { value } => scene.setting.time_of_day = *value,
        Op::Weather { value } if airless && *value != Weather::Clear => {
            return Err(OpError::Refused(format!("there is no air here for {} weather", value_name(value))));
        }
        Op::Weather { value } => set_weather(scene, *value),
        Op::Terrain { value } => {
            if scene.setting.terrain.world() != value.world() {
                return Err(OpError::Refused(format!(
                    "{} is another world than {}: say it as a new scenario",
                    value_name(value),
                    value_name(&scene.setting.terrain)
                )));
            }
            scene.setting.terrain = *value;
        }
        Op::Level { of: Level::Wind, value } if airless => {
            return Err(OpError::Refused(format!("there is no air here for wind ({value})")));
        }
        Op::Level { of, value } => {
            let v = value.clamp(0.0, 1.0);
            let setting = &mut scene.setting;
            match of {
                // Thicker fog than this hides the whole world from the player.
                Level::Fog => setting.fog = v.min(0.8),
                Level::Wind => setting.wind = v,
                Level::Clouds => setting.cloud_cover = v,
                Level::Waves if !setting.has_water() => return Err(OpError::Refused("there is no water here for waves".into())),
                Level::Waves => setting.water.waves = v,
            }
        }
        Op::Water { kind } => {
            set_inland_water(scene, *kind);
            if scene.setting.water.kind != *kind {
                return Err(OpError::Refused(format!("this land cannot hold a {}", value_name(kind))));
            }
        }
        Op::Sky { feature, shown } => {
            let sky = &mut scene.setting.sky;
            sky.retain(|f| f != feature);
            if *shown {
                sky.push(*feature);
            }
        }
        Op::Add { kind, count, color } => {
            add(scene, kind, *count)?;
            scene.entities.last_mut().expect("just added").color = *color;
        }
        Op::Remove { id } => {
            entity(scene, id)?;
            if scene.player.on.as_deref() == Some(id.as_str()) {
                scene.player.on = None;
                scene.player.vantage = Vantage::Ground;
            }
            remove_entities(scene, [id.clone()].into());
        }
        Op::Count { id, count } => entity_mut(scene, id)?.count = (*count).clamp(1, 2000),
        Op::Color { id, color } => entity_mut(scene, id)?.color = Some(*color),
        Op::Speed { id, speed } => {
            let kind = entity(scene, id)?.kind.clone();
            let info = Catalog::builtin().info_for(entity(scene, id)?).ok_or(OpError::UnknownKind(kind))?;
            let e = entity_mut(scene, id)?;
            let mut motion = e.motion.clone().unwrap_or(super::types::Motion { kind: info.motion, speed: None, radius: None });
            motion.speed = Some(speed.clamp(0.05, 400.0));
            e.motion = Some(motion);
        }
        Op::Stand { on, vantage } => {
            if let Some(id) = on {
                entity(scene, id)?;
            }
            scene.player.on = on.clone();
            scene.player.vantage = *vantage;
            // Standing on something starts where it stands: a fixed spot would fight it.
            if on.is_some() {
                scene.player.position = None;
            }
        }
        Op::Music { mood } => scene.soundscape.music = *mood,
        Op::Ambience { sound, level } => {
            let ambience = &mut scene.soundscape.ambience;
            ambience.retain(|a| a.sound != *sound);
            if *level > 0.0 {
                ambience.push(Ambience { sound: *sound, level: level.clamp(0.0, 1.0) });
            }
        }
        Op::Later { at, event, kind, id, sound, weather } => {
            if airless && matches!(event, BeatEvent::Weather | BeatEvent::Lightning) {
                return Err(OpError::Refused("there is no air here for weather".into()));
            }
            let entity = match (kind, id) {
                // What appears later is new: the world adds it hidden until its beat.
                (Some(kind), _) => {
                    add(scene, kind, Some(1))?;
                    Some(scene.entities.last().expect("just added").id.clone())
                }
                (None, Some(id)) => Some(entity(scene, id)?.id.clone()),
                (None, None) => None,
            };
            let beat = Beat { at: at.clamp(0.0, 3600.0), event: *event, entity, sound: *sound, weather: *weather, seconds: None };
            scene.timeline.push(beat);
            scene.timeline.sort_by(|a, b| a.at.total_cmp(&b.at));
        }
    }
    Ok(())
}

/// A new entity of a catalog kind where the world can hold it, in sight of the player.
fn add(scene: &mut Scene, kind: &str, count: Option<u32>) -> Result<(), OpError> {
    let info = Catalog::builtin().get(kind).ok_or_else(|| OpError::UnknownKind(kind.to_string()))?;
    if !can_take(info, scene) {
        let why = if scene.setting.room.is_some() {
            "it does not fit in the room".to_string()
        } else {
            format!("no {:?} surface here", info.habitat).to_lowercase()
        };
        return Err(OpError::CannotLive { kind: kind.to_string(), why });
    }
    let mut entity = entity_for(scene, info, None);
    if let Some(n) = count {
        entity.count = n.clamp(1, 2000);
    }
    scene.entities.push(entity);
    Ok(())
}

fn entity<'a>(scene: &'a Scene, id: &str) -> Result<&'a Entity, OpError> {
    scene.entities.iter().find(|e| e.id == id).ok_or_else(|| OpError::NoEntity(id.to_string()))
}

fn entity_mut<'a>(scene: &'a mut Scene, id: &str) -> Result<&'a mut Entity, OpError> {
    scene.entities.iter_mut().find(|e| e.id == id).ok_or_else(|| OpError::NoEntity(id.to_string()))
}

/// A few words for the person (and the command line's summary): "night; +3 dragon; −crowd".
pub fn summary(ops: &[Op]) -> String {
    let one = |op: &Op| match op {
        Op::Time { value } => value_name(value).replace('_', " "),
        Op::Weather { value } => value_name(value).replace('_', " "),
        Op::Terrain { value } => format!("ground: {}", value_name(value)),
        Op::Level { of, value } => format!("{} {value:.2}", value_name(of)),
        Op::Water { kind } => value_name(kind),
        Op::Sky { feature, shown: true } => format!("+{}", value_name(feature)),
        Op::Sky { feature, shown: false } => format!("−{}", value_name(feature)),
        Op::Add { kind, count, color } => {
            let n = count.map_or(String::new(), |n| format!("{n} "));
            let c = color.map_or(String::new(), |c| format!("{} ", value_name(&c)));
            format!("+{n}{c}{}", kind.replace('_', " "))
        }
        Op::Remove { id } => format!("−{id}"),
        Op::Count { id, count } => format!("{id} ×{count}"),
        Op::Color { id, color } => format!("{id} {}", value_name(color)),
        Op::Speed { id, speed } => format!("{id} at {speed:.1}"),
        Op::Stand { on: Some(id), .. } => format!("you stand on {id}"),
        Op::Stand { on: None, vantage } => format!("you stand at {}", value_name(vantage)),
        Op::Music { mood } => format!("music: {}", value_name(mood)),
        Op::Ambience { sound, level } if *level > 0.0 => format!("sound: {}", value_name(sound).replace('_', " ")),
        Op::Ambience { sound, .. } => format!("silence: {}", value_name(sound).replace('_', " ")),
        Op::Later { at, event, kind, id, sound, weather } => {
            let what = [kind.clone(), id.clone(), sound.map(|s| value_name(&s)), weather.map(|w| value_name(&w))];
            let what: Vec<String> = what.into_iter().flatten().map(|w| w.replace('_', " ")).collect();
            format!("in {at:.0} s: {} {}", value_name(event), what.join(" ")).trim_end().to_string()
        }
    };
    ops.iter().map(one).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::load_scene;

    fn scene(name: &str) -> Scene {
        load_scene(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes").join(format!("{name}.json"))).unwrap()
    }

    #[test]
    fn operations_change_what_they_name_and_nothing_else() {
        let before = scene("pirate_seven_seas");
        let after = apply(&before, &[Op::Time { value: TimeOfDay::Night }, Op::Add { kind: "dragon".into(), count: Some(2), color: None }])
            .unwrap();
        assert_eq!(after.setting.time_of_day, TimeOfDay::Night);
        assert_eq!(after.setting.weather, before.setting.weather);
        assert_eq!(&after.entities[..before.entities.len()], &before.entities[..]);
        let dragon = after.entities.last().unwrap();
        assert_eq!((dragon.kind.as_str(), dragon.count), ("dragon", 2));
    }

    #[test]
    fn removing_what_the_player_stands_on_puts_them_on_the_ground_and_takes_its_cargo() {
        let before = scene("pirate_seven_seas");
        let after = apply(&before, &[Op::Remove { id: "flagship".into() }]).unwrap();
        assert!(after.player.on.is_none());
        assert!(!after.entities.iter().any(|e| e.placement.target.as_deref() == Some("flagship")));
        assert!(apply(&before, &[Op::Remove { id: "nobody".into() }]).is_err());
    }

    #[test]
    fn the_moon_refuses_weather_and_other_worlds() {
        let moon = scene("moon_landing");
        assert!(apply(&moon, &[Op::Weather { value: Weather::Rain }]).is_err());
        assert!(apply(&moon, &[Op::Terrain { value: Terrain::Desert }]).is_err());
        assert!(apply(&moon, &[Op::Time { value: TimeOfDay::Night }]).is_ok());
    }

    #[test]
    fn operations_read_and_write_as_tagged_json() {
        let ops = vec![
            Op::Count { id: "ships".into(), count: 6 },
            Op::Later { at: 10.0, event: BeatEvent::Appear, kind: Some("dragon".into()), id: None, sound: None, weather: None },
        ];
        let text = serde_json::to_string(&ops).unwrap();
        assert!(text.contains(r#""op":"count""#), "{text}");
        assert_eq!(serde_json::from_str::<Vec<Op>>(&text).unwrap(), ops);
        assert_eq!(summary(&ops), "ships ×6; in 10 s: appear dragon");
    }
}
