//! The setting where the request is explicit: an era (dropping what did not exist yet), a time
//! of day, a weather with its look and sounds, a terrain of the same world, sky features, a
//! lake or river. What the request does not say stays as the place has it.

use super::place::Place;
use super::{Asked, Draft, Reason};
use crate::generate::rank::Ranking;
use crate::generate::template::value_name;
use crate::scene::change::{drop_anachronisms, set_inland_water, set_weather};
use crate::scene::*;

/// A setting value is taken from the request when its lift is at least this (nats) and beats
/// the place's own value by [`MARGIN`]: the request names it, it does not merely allow it.
pub const EXPLICIT_SETTING: f32 = 3.0;
const MARGIN: f32 = 1.5;

/// Changes the setting where the request is explicit, recording why.
pub fn apply(draft: &mut Draft, asked: &Asked, place: &Place) {
    let ranking = asked.ranking;
    let default_reason = match place {
        Place::Kit(k) => Reason::Kit(k.place.clone()),
        Place::Template(t) => Reason::Template(t.name.to_string()),
        _ => Reason::Default,
    };
    if let Some(era) = explicit::<Era>(ranking, "era", &draft.scene.setting.era) {
        draft.scene.setting.era = era;
        let before: Vec<String> = draft.scene.entities.iter().map(|e| e.id.clone()).collect();
        drop_anachronisms(&mut draft.scene);
        let dropped = before.len() - draft.scene.entities.len();
        if dropped > 0 {
            tracing::debug!("{dropped} entities did not exist yet in {}", value_name(&era));
        }
    }
    let reason = |field: &str, value: &str| why(asked, field, value, &default_reason);
    let era = value_name(&draft.scene.setting.era);
    draft.set_because("era", era.clone(), reason("era", &era));

    let time = explicit::<TimeOfDay>(ranking, "time_of_day", &draft.scene.setting.time_of_day);
    if let Some(time) = time {
        draft.scene.setting.time_of_day = time;
    }
    if let Some(weather) = explicit::<Weather>(ranking, "weather", &draft.scene.setting.weather) {
        set_weather(&mut draft.scene, weather);
    }
    let time_was_asked = time.is_some() || !asked.named("time_of_day").is_empty();
    add_sky_features(&mut draft.scene, asked, time_was_asked);
    if let Some(terrain) = explicit::<Terrain>(ranking, "terrain", &draft.scene.setting.terrain)
        && draft.scene.setting.terrain.world() == terrain.world()
        && !strands_anything(&draft.scene, terrain)
    {
        draft.scene.setting.terrain = terrain;
    }
    // Snow the ground cannot carry (a snowy forest is a forest) falls from the sky instead.
    if asked.names("terrain", "snow") && draft.scene.setting.terrain != Terrain::Snow && asked.named("weather").is_empty() {
        set_weather(&mut draft.scene, Weather::Snow);
    }
    if let Some(water) = asked.named("water").first().and_then(|v| serde_json::from_value(serde_json::json!(v)).ok()) {
        set_inland_water(&mut draft.scene, water);
    }
    name_the_room(draft, asked, place);
    for (field, value) in [
        ("time_of_day", value_name(&draft.scene.setting.time_of_day)),
        ("weather", value_name(&draft.scene.setting.weather)),
        ("terrain", value_name(&draft.scene.setting.terrain)),
    ] {
        let r = reason(field, &value);
        draft.set_because(field, value, r);
    }
}

/// Whether another terrain would leave something the place holds without the surface it lives
/// on (a ship's bridge looks out on the sea: "in the city" does not take it away).
fn strands_anything(scene: &Scene, terrain: Terrain) -> bool {
    let catalog = Catalog::builtin();
    let floats = scene.entities.iter().any(|e| catalog.info_for(e).is_some_and(|i| i.habitat == Habitat::Water));
    let mut changed = scene.setting.clone();
    changed.terrain = terrain;
    floats && !changed.has_water()
}

/// Why a setting field has its value: named, favoured by the model, or the place's.
fn why(asked: &Asked, field: &str, value: &str, default: &Reason) -> Reason {
    if asked.names(field, value) {
        return Reason::Named(asked.words_for(field, value));
    }
    let lift = asked.ranking.lift(field, value);
    if lift.is_finite() && lift >= EXPLICIT_SETTING && asked.ranking.best(field) == Some(value) {
        return Reason::Ranked(lift);
    }
    default.clone()
}

/// Indoors in a template's room, the room is the building the request names ("a saloon": the
/// catalog's kind), even when the template furnished it as something else. A kit's room keeps
/// its place.
fn name_the_room(draft: &mut Draft, asked: &Asked, place: &Place) {
    if !matches!(place, Place::Template(_)) {
        return;
    }
    let catalog = Catalog::builtin();
    let building = asked.named("kind").into_iter().find(|k| catalog.get(k).is_some_and(|i| i.tags.iter().any(|t| t == "building")));
    if let (Some(room), Some(kind)) = (&mut draft.scene.setting.room, building) {
        room.purpose = kind.to_string();
    }
}

/// The request's value of a setting field when it names one that differs from `current`.
pub fn explicit<T: serde::de::DeserializeOwned + serde::Serialize>(ranking: &Ranking, field: &str, current: &T) -> Option<T> {
    let (best, lift) = ranking.ranked(field).first()?;
    let own = ranking.lift(field, &value_name(current));
    let wanted = *lift >= EXPLICIT_SETTING && *lift - own.max(0.0) >= MARGIN && *best != value_name(current);
    wanted.then(|| serde_json::from_value(serde_json::Value::String(best.clone())).ok()).flatten()
}

/// Sky features the request names (the aurora, fireworks, a meteor shower, the Earth in the
/// sky) join the place's; those seen only in the dark bring the night with them unless the
/// request set the time itself. Only named ones: "the moon" must not hang two moons.
fn add_sky_features(scene: &mut Scene, asked: &Asked, time_was_asked: bool) {
    for value in asked.named("sky") {
        let Ok(feature) = serde_json::from_value::<SkyFeature>(serde_json::Value::String(value.to_string())) else { continue };
        if scene.setting.sky.contains(&feature) {
            continue;
        }
        scene.setting.sky.push(feature);
        let dark = matches!(feature, SkyFeature::Aurora | SkyFeature::Meteors | SkyFeature::Fireworks);
        if dark && !time_was_asked && !matches!(scene.setting.time_of_day, TimeOfDay::Night | TimeOfDay::Evening) {
            scene.setting.time_of_day = TimeOfDay::Night;
        }
    }
}
