//! A template adapted to a request. What the request says explicitly wins (a strong lift in the
//! ranking: "at night", "in a storm", "with camels"); everything it does not say keeps what
//! the scenario typically has, as its template shows it. Every change keeps the scene
//! consistent: a new era drops what did not exist yet, a new weather brings its sounds and
//! drops the beats of another weather, a named thing comes only where it can live.

use std::collections::HashSet;

use super::rank::Ranking;
use super::template::{Template, value_name};
use crate::scene::*;

/// A setting value is taken from the request when its lift is at least this (nats) and beats
/// the template's own value by [`MARGIN`]: the request names it, it does not merely allow it.
pub const EXPLICIT_SETTING: f32 = 3.0;
const MARGIN: f32 = 1.5;
/// A kind the template lacks is added when the request raises it at least this much.
pub const EXPLICIT_KIND: f32 = 5.0;
/// At most this many kinds are added to a template.
const MAX_ADDED_KINDS: usize = 3;

/// Free-text parts the model writes.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub title: String,
    pub role: String,
    /// The things the request names or implies, as short English nouns (whatever its language).
    pub things: Vec<String>,
}

/// Everything generation read in a request.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub text: &'a str,
    pub ranking: &'a Ranking,
    /// The (field, value) pairs the request names outright ([`super::named`]).
    pub named: &'a [(&'a str, &'a str)],
    pub written: &'a Written,
    /// How many of a kind the request asks for ("two knights", "a herd of elephants").
    pub counts: &'a [(String, u32)],
    /// Catalog kinds the model wrote as what the request shows ([`super::things`]).
    pub written_kinds: &'a [String],
    /// Things the catalog lacks, each with the form chosen for it.
    pub new_things: &'a [(String, Form)],
}

impl<'a> Asked<'a> {
    /// A request read only through its ranking and named words (tests, simple callers).
    pub fn plain(text: &'a str, ranking: &'a Ranking, named: &'a [(&'a str, &'a str)], written: &'a Written) -> Asked<'a> {
        Asked { text, ranking, named, written, counts: &[], written_kinds: &[], new_things: &[] }
    }
}

/// The template's scene, changed where the request is explicit.
pub fn adapt(template: &Template, asked: &Asked) -> Scene {
    let Asked { text: request, ranking, named, written, .. } = *asked;
    let mut scene = template.scene.clone();
    scene.prompt = request.trim().to_string();
    scene.title = if written.title.trim().is_empty() { title_from(request) } else { written.title.trim().to_string() };

    if let Some(era) = explicit::<Era>(ranking, "era", &scene.setting.era) {
        scene.setting.era = era;
        drop_anachronisms(&mut scene);
    }
    let time = explicit::<TimeOfDay>(ranking, "time_of_day", &scene.setting.time_of_day);
    if let Some(time) = time {
        scene.setting.time_of_day = time;
    }
    if let Some(weather) = explicit::<Weather>(ranking, "weather", &scene.setting.weather) {
        set_weather(&mut scene, weather);
    }
    add_sky_features(&mut scene, named, time.is_some() || named.iter().any(|(f, _)| *f == "time_of_day"));
    if let Some(terrain) = explicit::<Terrain>(ranking, "terrain", &scene.setting.terrain)
        && same_world(scene.setting.terrain, terrain)
    {
        scene.setting.terrain = terrain;
    }
    // Snow the ground cannot carry (a snowy forest is a forest) falls from the sky instead.
    if named.contains(&("terrain", "snow")) && scene.setting.terrain != Terrain::Snow && !named.iter().any(|(f, _)| *f == "weather") {
        set_weather(&mut scene, Weather::Snow);
    }
    if let Some(water) = named.iter().find(|(f, _)| *f == "water").and_then(|(_, v)| serde_json::from_value(serde_json::json!(v)).ok()) {
        set_inland_water(&mut scene, water);
    }
    name_the_room(&mut scene, named);
    add_named_kinds(&mut scene, asked);
    add_new_things(&mut scene, asked.new_things);
    apply_counts(&mut scene, asked.counts);
    scene
}

/// Indoors, the room is the building the request names ("a saloon", "a museum": the
/// catalog's kind), even when the closest template furnished it as something else.
fn name_the_room(scene: &mut Scene, named: &[(&str, &str)]) {
    let catalog = Catalog::builtin();
    let building = named.iter().find(|(f, k)| *f == "kind" && catalog.get(k).is_some_and(|i| i.tags.iter().any(|t| t == "building")));
    if let (Some(room), Some((_, kind))) = (&mut scene.setting.room, building) {
        room.purpose = kind.to_string();
    }
}

/// Things the catalog lacks, built from their forms, in front of the player where they can live.
fn add_new_things(scene: &mut Scene, things: &[(String, Form)]) {
    for (kind, form) in things.iter().take(MAX_ADDED_KINDS) {
        if scene.entities.iter().any(|e| &e.kind == kind) {
            continue;
        }
        let info = KindInfo::from_form(kind, form);
        if !lives_in(&info, scene) {
            continue;
        }
        let entity = entity_for(scene, &info, Some(form.clone()));
        scene.entities.push(entity);
    }
}

/// The counts the request gives, on the entities of those kinds (all of them together).
fn apply_counts(scene: &mut Scene, counts: &[(String, u32)]) {
    for (kind, n) in counts {
        let of_kind: Vec<usize> = (0..scene.entities.len()).filter(|&i| &scene.entities[i].kind == kind).collect();
        if let Some((&first, rest)) = of_kind.split_first() {
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
}

/// The request's value of a setting field when it names one that differs from `current`.
fn explicit<T: serde::de::DeserializeOwned + serde::Serialize>(ranking: &Ranking, field: &str, current: &T) -> Option<T> {
    let (best, lift) = ranking.ranked(field).first()?;
    let own = ranking.lift(field, &value_name(current));
    let wanted = *lift >= EXPLICIT_SETTING && *lift - own.max(0.0) >= MARGIN && *best != value_name(current);
    wanted.then(|| serde_json::from_value(serde_json::Value::String(best.clone())).ok()).flatten()
}

/// Terrains that can replace each other without stranding anything: land for land, sea for
/// sea; the moon, Mars and open space only for themselves.
fn same_world(from: Terrain, to: Terrain) -> bool {
    from.world() == to.world()
}

/// Sky features the request names (the aurora, fireworks, a meteor shower, the Earth in the
/// sky) join the template's; those seen only in the dark bring the night with them unless
/// the request set the time itself. Only named ones: "the moon" must not hang two moons.
fn add_sky_features(scene: &mut Scene, named: &[(&str, &str)], time_was_asked: bool) {
    for (_, value) in named.iter().filter(|(field, _)| *field == "sky") {
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
            scene.timeline.push(Beat { at: 8.0, event: BeatEvent::Lightning, entity: None, sound: None, weather: None });
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
fn drop_anachronisms(scene: &mut Scene) {
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

/// Removes entities, then whatever stood on or referred to them, until nothing dangles.
pub fn remove_entities(scene: &mut Scene, mut gone: HashSet<String>) {
    loop {
        let before = gone.len();
        for e in &scene.entities {
            if e.placement.target.as_ref().is_some_and(|t| gone.contains(t)) {
                gone.insert(e.id.clone());
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

/// Adds the things the request names (or the model wrote for it) that the template lacks,
/// where they can live and in front of the player, so nothing asked for is out of sight. A kind
/// the likelihoods merely favour is not added: "a fight" raises gladiators in any era.
fn add_named_kinds(scene: &mut Scene, asked: &Asked) {
    let catalog = Catalog::builtin();
    let present: HashSet<String> = scene.entities.iter().map(|e| e.kind.clone()).collect();
    let said = |kind: &str| asked.named.contains(&("kind", kind)) || asked.written_kinds.iter().any(|k| k == kind);
    let mut added = 0;
    for (kind, lift) in asked.ranking.ranked("kind") {
        if *lift < EXPLICIT_KIND || added == MAX_ADDED_KINDS {
            break;
        }
        if !said(kind) {
            continue;
        }
        let Some(info) = catalog.get(kind) else { continue };
        if present.contains(kind) || !can_take(info, scene) || info.since.is_some_and(|since| since > scene.setting.era) {
            continue;
        }
        if wants_a_river(info, scene) {
            set_inland_water(scene, WaterKind::River);
        }
        let entity = entity_for(scene, info, None);
        scene.entities.push(entity);
        added += 1;
    }
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
    Entity { id: unique_id(scene, &info.kind), kind: info.kind.clone(), count, placement, motion: None, scale: 1.0, color: None, form, activity: None }
}

/// Whether a kind can be added to the scene: it lives there, or it is a small boat the land can
/// give a river to (a canoe in a jungle).
pub fn can_take(info: &KindInfo, scene: &Scene) -> bool {
    lives_in(info, scene) || wants_a_river(info, scene) || boards(info, scene).is_some()
}

/// The floating carrier a small land kind can stand on when the scene has no land for it (a
/// pirate on the ship's deck): the player's own, else the first with a deck.
fn boards<'a>(info: &KindInfo, scene: &'a Scene) -> Option<&'a Entity> {
    if info.habitat != Habitat::Ground || info.footprint > 2.0 || lives_in(info, scene) {
        return None;
    }
    let catalog = Catalog::builtin();
    let carries = |e: &&Entity| catalog.info_for(e).is_some_and(|k| k.deck.is_some() && k.habitat == Habitat::Water);
    let own = scene.player.on.as_deref().and_then(|id| scene.entities.iter().find(|e| e.id == id)).filter(carries);
    own.or_else(|| scene.entities.iter().find(carries))
}

/// A small floating kind on land with no water: a river makes room for it.
fn wants_a_river(info: &KindInfo, scene: &Scene) -> bool {
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

fn unique_id(scene: &Scene, kind: &str) -> String {
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

/// A title from the request when the model wrote none: its first words, capitalised.
pub fn title_from(request: &str) -> String {
    let words: Vec<&str> = request.split_whitespace().take(10).collect();
    let mut t = words.join(" ");
    if let Some(first) = t.get(..1) {
        t = first.to_uppercase() + &t[1..];
    }
    if t.is_empty() { "Untitled scene".into() } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::template::library;
    use crate::scene::validate::check_semantics;

    fn ranking(pairs: &[(&str, &[(&str, f32)])]) -> Ranking {
        Ranking::from_pairs(pairs)
    }

    fn template(name: &str) -> &'static Template {
        library().iter().find(|t| t.name == name).unwrap()
    }

    fn valid(scene: &Scene) {
        let value = serde_json::to_value(scene).unwrap();
        if let Err(e) = scene_from_value(&value, "adapted") {
            panic!("{e}");
        }
        assert!(check_semantics(scene, Catalog::builtin()).is_empty());
    }

    #[test]
    fn what_the_request_does_not_say_stays_as_the_template_has_it() {
        let pirate = template("pirate_seven_seas");
        // Weak lifts: allowed, not asked for.
        let r = ranking(&[("time_of_day", &[("dawn", 1.2)]), ("weather", &[("foggy", 2.0)]), ("kind", &[("shark", 2.0)])]);
        let s = adapt(pirate, &Asked::plain("the life of a pirate", &r, &[], &Written::default()));
        assert_eq!(s.setting, pirate.scene.setting);
        assert_eq!(s.entities.len(), pirate.scene.entities.len());
        assert_eq!(s.timeline, pirate.scene.timeline);
        valid(&s);
    }

    #[test]
    fn an_explicit_night_and_calm_weather_replace_the_template_s_and_its_storm_beats_go() {
        let pirate = template("pirate_seven_seas");
        let r = ranking(&[("time_of_day", &[("night", 6.0)]), ("weather", &[("clear", 4.0)])]);
        let s = adapt(pirate, &Asked::plain("pirates on a calm clear night", &r, &[], &Written::default()));
        assert_eq!(s.setting.time_of_day, TimeOfDay::Night);
        assert_eq!(s.setting.weather, Weather::Clear);
        assert!(!s.timeline.iter().any(|b| matches!(b.event, BeatEvent::Weather | BeatEvent::Lightning)));
        valid(&s);
    }

    #[test]
    fn a_named_thing_is_added_in_front_unless_it_cannot_live_there_or_then() {
        let farm = template("farm");
        let r = ranking(&[("kind", &[("camel", 7.0), ("whale", 6.5), ("airliner", 6.0)])]);
        let named = [("kind", "camel"), ("kind", "whale"), ("kind", "airliner")];
        let s = adapt(farm, &Asked::plain("a farm with a camel", &r, &named, &Written::default()));
        let camel = s.entities.iter().find(|e| e.kind == "camel").expect("the camel is added");
        assert_eq!(camel.placement.relation, Relation::InFrontOf);
        if farm.scene.setting.water.kind == WaterKind::None {
            assert!(!s.entities.iter().any(|e| e.kind == "whale"), "a whale needs water");
        }
        valid(&s);

        let ww1 = template("ww1_fighter_plane");
        let s = adapt(ww1, &Asked::plain("a dogfight in 1917", &r, &named, &Written::default()));
        assert!(!s.entities.iter().any(|e| e.kind == "airliner"), "no jet airliner in 1917");
        valid(&s);

        // A kind the likelihoods favour but nobody named or wrote is not added.
        let s = adapt(farm, &Asked::plain("a farm", &r, &[], &Written::default()));
        assert!(!s.entities.iter().any(|e| e.kind == "camel"), "an unnamed camel");
    }

    #[test]
    fn where_there_is_no_air_nothing_brings_weather() {
        // "Saturn's rings from the icy surface of one of its moons": ice names snow, which on
        // land falls from the sky; on a moon it must not.
        let moon = template("moon_landing");
        assert!(moon.scene.setting.terrain.is_airless());
        let r = ranking(&[("terrain", &[("snow", 6.0)]), ("weather", &[("snow", 6.0)])]);
        let named = [("terrain", "snow"), ("weather", "snow")];
        let s = adapt(moon, &Asked::plain("the icy surface of a moon", &r, &named, &Written::default()));
        assert_eq!(s.setting.weather, Weather::Clear);
        assert!(!s.soundscape.ambience.iter().any(|a| matches!(a.sound, SoundKind::Wind | SoundKind::Rain)));
        valid(&s);
    }

    #[test]
    fn an_earlier_era_drops_what_did_not_exist_yet_and_what_refers_to_it() {
        let concert = template("concert_stage");
        let r = ranking(&[("era", &[("medieval", 6.0)])]);
        let s = adapt(concert, &Asked::plain("a medieval concert", &r, &[], &Written::default()));
        assert_eq!(s.setting.era, Era::Medieval);
        let catalog = Catalog::builtin();
        for e in &s.entities {
            let since = catalog.get(&e.kind).and_then(|k| k.since);
            assert!(since.is_none_or(|since| since <= Era::Medieval) || s.player.on.as_ref() == Some(&e.id), "{} is anachronistic", e.kind);
        }
        valid(&s);
    }
}
