//! Ranked choices → a consistent scene. The model chooses *what* (kinds, terrain, light,
//! sounds); these rules, read from the catalog, decide counts and relations so that the result
//! always validates and lays out well: the player stands on the vehicle the vantage asks for,
//! small props go on a matching deck, crowds face the stage, floating things get water.

use crate::scene::*;

use super::rank::Ranking;

/// A kind is chosen when the request raises its score at least this much (nats).
pub const KIND_THRESHOLD: f32 = 2.0;
/// At most this many kinds from the ranking (the anchor vehicle may add one).
pub const MAX_KINDS: usize = 6;
/// Always this many, even for requests the catalog fits poorly.
pub const MIN_KINDS: usize = 3;
const SOUND_THRESHOLD: f32 = 1.5;
const MAX_SOUNDS: usize = 3;

/// Free-text parts the model writes.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub title: String,
    pub role: String,
}

/// Builds a scene from a ranking. Pure and deterministic.
pub fn compose(request: &str, ranking: &Ranking, written: &Written) -> Scene {
    let catalog = Catalog::builtin();

    let mut terrain: Terrain = best_enum(ranking, "terrain").unwrap_or(Terrain::Grassland);
    let time_of_day: TimeOfDay = best_enum::<TimeOfDay>(ranking, "time_of_day").unwrap_or(TimeOfDay::Noon);
    let weather: Weather = best_enum::<Weather>(ranking, "weather").unwrap_or_default();
    let era: Era = best_enum::<Era>(ranking, "era").unwrap_or_default();
    let music: MusicMood = best_enum::<MusicMood>(ranking, "music").unwrap_or_default();
    let vantage: Vantage = best_enum::<Vantage>(ranking, "vantage").unwrap_or(Vantage::Ground);
    let mut water: WaterKind = best_enum::<WaterKind>(ranking, "water").unwrap_or_default();
    if vantage == Vantage::Seabed {
        terrain = Terrain::Underwater;
    }

    // Kinds the request raises, best first.
    let ranked = ranking.ranked("kind");
    let mut kinds: Vec<&KindInfo> = ranked
        .iter()
        .enumerate()
        .filter(|(i, (_, s))| *i < MIN_KINDS || *s >= KIND_THRESHOLD)
        .take(MAX_KINDS)
        .filter_map(|(_, (k, _))| catalog.get(k))
        .collect();

    // The vehicle or platform the vantage puts the player on: the best-ranked kind that fits.
    let carrier_fits = |k: &KindInfo| match vantage {
        Vantage::Deck => k.deck.is_some() && k.habitat == Habitat::Water && !k.tags.iter().any(|t| t == "land"),
        Vantage::Cockpit => k.deck.is_some() && k.habitat == Habitat::Sky,
        Vantage::Stage => k.deck.is_some() && k.tags.iter().any(|t| t == "concert"),
        _ => false,
    };
    let anchor = ranked.iter().filter_map(|(k, _)| catalog.get(k)).find(|k| carrier_fits(k));
    if let Some(a) = anchor {
        if !kinds.iter().any(|k| k.kind == a.kind) {
            kinds.insert(0, a);
        }
    }

    let floats = kinds.iter().any(|k| matches!(k.habitat, Habitat::Water | Habitat::Underwater));
    if matches!(terrain, Terrain::Ocean | Terrain::Beach | Terrain::Island | Terrain::Underwater) {
        water = WaterKind::Ocean;
    } else if floats && water == WaterKind::None {
        water = if kinds.iter().any(|k| k.footprint > 4.0 && k.habitat == Habitat::Water) { WaterKind::Ocean } else { WaterKind::Lake };
    }
    let sea_only = matches!(terrain, Terrain::Ocean);

    let mut entities: Vec<Entity> = Vec::new();
    let has = |entities: &[Entity], kind: &str| entities.iter().any(|e| e.kind == kind);
    let id_of = |k: &KindInfo| k.kind.clone();
    for k in &kinds {
        if has(&entities, &k.kind) {
            continue;
        }
        entities.push(Entity {
            id: id_of(k),
            kind: k.kind.clone(),
            count: typical_count(k),
            placement: Placement::default(),
            motion: None,
            scale: 1.0,
            color: None,
        });
    }

    // Relations, from the catalog's habitats, decks and tags.
    let anchor_id = anchor.map(|a| a.kind.clone());
    let stage = entities.iter().find(|e| catalog.get(&e.kind).is_some_and(|k| k.tags.iter().any(|t| t == "concert") && k.deck.is_some())).map(|e| e.id.clone());
    let carriers: Vec<(String, &KindInfo)> =
        entities.iter().filter_map(|e| catalog.get(&e.kind).filter(|k| k.deck.is_some() && !k.flat).map(|k| (e.id.clone(), k))).collect();
    let mut main_structure_placed = false;
    for e in entities.iter_mut() {
        let Some(k) = catalog.get(&e.kind) else { continue };
        if Some(&e.id) == anchor_id.as_ref() {
            e.count = 1;
            continue;
        }
        let shares_tag = |c: &KindInfo| c.tags.iter().any(|t| k.tags.contains(t) && t != "vehicle");
        let fits_on = |c: &KindInfo| c.deck.is_some_and(|d| k.footprint * 2.0 < d.width.min(d.length) && k.habitat == Habitat::Ground);
        let deck_home = carriers.iter().find(|(id, c)| *id != e.id && fits_on(c) && (shares_tag(c) || sea_only));
        e.placement.relation = match k.habitat {
            Habitat::Sky => Relation::InSky,
            Habitat::Water => Relation::OnWater,
            Habitat::Underwater => Relation::Scattered,
            Habitat::Ground if k.tags.iter().any(|t| t == "audience" || t == "people") && stage.is_some() && Some(&e.id) != stage.as_ref() => {
                e.placement.target = stage.clone();
                if k.kind == "crowd" { Relation::InFrontOf } else { Relation::On }
            }
            Habitat::Ground if deck_home.is_some() => {
                e.placement.target = deck_home.map(|(id, _)| id.clone());
                e.count = e.count.min(6);
                Relation::On
            }
            Habitat::Ground if !main_structure_placed && k.footprint >= 5.0 && !k.flat && !k.backdrop => {
                main_structure_placed = true;
                e.placement.distance = Some(k.footprint + 12.0);
                Relation::InFrontOf
            }
            Habitat::Ground => Relation::Scattered,
        };
    }
    // Ground things on open sea need land: an island carries what no deck does.
    if sea_only {
        let stranded: Vec<usize> = (0..entities.len())
            .filter(|&i| entities[i].placement.relation != Relation::On && catalog.get(&entities[i].kind).is_some_and(|k| k.habitat == Habitat::Ground))
            .collect();
        if !stranded.is_empty() {
            if !has(&entities, "island") {
                entities.push(Entity { id: "island".into(), kind: "island".into(), count: 1, placement: Placement { relation: Relation::OnWater, ..Placement::default() }, motion: None, scale: 1.0, color: None });
            }
            for i in stranded {
                let fits = catalog.get(&entities[i].kind).is_some_and(|k| k.footprint < 25.0);
                if fits {
                    entities[i].placement = Placement { relation: Relation::On, target: Some("island".into()), ..Placement::default() };
                    entities[i].count = entities[i].count.min(8);
                }
            }
            entities.retain(|e| e.placement.relation == Relation::On || catalog.get(&e.kind).is_none_or(|k| k.habitat != Habitat::Ground));
        }
    }

    let mut ambience: Vec<Ambience> = Vec::new();
    let mut add_sound = |sound: SoundKind, level: f32| {
        if !ambience.iter().any(|a| a.sound == sound) {
            ambience.push(Ambience { sound, level });
        }
    };
    for (value, score) in ranking.ranked("sound").iter().take(MAX_SOUNDS) {
        if *score >= SOUND_THRESHOLD {
            if let Ok(s) = serde_json::from_value(serde_json::Value::String(value.clone())) {
                add_sound(s, 0.5);
            }
        }
    }
    if water == WaterKind::Ocean && terrain != Terrain::Underwater {
        add_sound(SoundKind::Waves, 0.6);
    }
    match weather {
        Weather::Rain => add_sound(SoundKind::Rain, 0.6),
        Weather::Storm => {
            add_sound(SoundKind::Rain, 0.6);
            add_sound(SoundKind::Thunder, 0.5);
        }
        Weather::Windy | Weather::Snow => add_sound(SoundKind::Wind, 0.6),
        _ => {}
    }
    if terrain == Terrain::Underwater {
        add_sound(SoundKind::Bubbles, 0.5);
    }
    add_sound(SoundKind::Wind, 0.3); // air moves everywhere; a no-op when wind is already there

    let mut timeline = Vec::new();
    if weather == Weather::Storm {
        timeline.push(Beat { at: 8.0, event: BeatEvent::Lightning, entity: None, sound: None, weather: None });
    }
    if let Some(crowd) = entities.iter().find(|e| e.kind == "crowd") {
        timeline.push(Beat { at: 3.0, event: BeatEvent::Cheer, entity: Some(crowd.id.clone()), sound: None, weather: None });
    }

    let (cloud_cover, fog, wind, waves) = match weather {
        Weather::Clear => (0.1, 0.0, 0.2, 0.25),
        Weather::Cloudy => (0.7, 0.05, 0.3, 0.35),
        Weather::Windy => (0.4, 0.0, 0.8, 0.6),
        Weather::Foggy => (0.6, 0.65, 0.1, 0.2),
        Weather::Rain => (0.9, 0.15, 0.4, 0.45),
        Weather::Storm => (1.0, 0.2, 1.0, 0.9),
        Weather::Snow => (0.8, 0.2, 0.3, 0.3),
    };
    let title = if written.title.trim().is_empty() { title_from(request) } else { written.title.trim().to_string() };
    Scene {
        schema: Some(super::super::scene::schema::SCHEMA_ID.into()),
        format: SCENE_FORMAT.into(),
        title,
        prompt: request.trim().to_string(),
        setting: Setting {
            terrain,
            era,
            time_of_day,
            weather,
            cloud_cover,
            fog,
            wind,
            water: Water { kind: water, waves },
            area_radius: if kinds.iter().any(|k| k.habitat == Habitat::Sky && k.deck.is_some()) { 600.0 } else { default_area_radius() },
        },
        player: Player {
            role: written.role.clone(),
            vantage,
            on: anchor_id,
            position: None,
            facing: 0.0,
            locomotion: if anchor.is_some() { Locomotion::Ride } else if terrain == Terrain::Underwater { Locomotion::Swim } else { Locomotion::Teleport },
        },
        entities,
        soundscape: Soundscape { ambience, music, emitters: Vec::new() },
        timeline,
    }
}

/// The best-ranked value of a field, as the scene enum it names.
fn best_enum<T: serde::de::DeserializeOwned>(ranking: &Ranking, field: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(ranking.best(field)?.to_string())).ok()
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
    } else if tagged("building") {
        3
    } else if tagged("vehicle") || tagged("plane") {
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
    use crate::scene::validate::check_semantics;

    fn ranking(pairs: &[(&str, &[(&str, f32)])]) -> Ranking {
        let mut r = Ranking::default();
        for (field, opts) in pairs {
            r.fields.insert(field.to_string(), opts.iter().map(|(v, s)| (v.to_string(), *s)).collect());
        }
        r
    }

    #[test]
    fn a_deck_vantage_puts_the_player_on_the_best_ship_and_props_on_its_deck() {
        let r = ranking(&[
            ("kind", &[("treasure_chest", 6.0), ("cannon", 5.0), ("parrot", 4.0), ("sailing_ship", 3.5), ("rock", 0.1)]),
            ("terrain", &[("ocean", 3.0)]),
            ("vantage", &[("deck", 2.0)]),
            ("time_of_day", &[("afternoon", 1.0)]),
        ]);
        let s = compose("a pirate on the seven seas", &r, &Written::default());
        assert!(check_semantics(&s, Catalog::builtin()).is_empty(), "{:?}", check_semantics(&s, Catalog::builtin()));
        assert_eq!(s.player.on.as_deref(), Some("sailing_ship"));
        let cannon = s.entities.iter().find(|e| e.kind == "cannon").unwrap();
        assert_eq!(cannon.placement.relation, Relation::On);
        assert_eq!(s.setting.water.kind, WaterKind::Ocean);
        assert!(s.soundscape.ambience.iter().any(|a| a.sound == SoundKind::Waves));
    }

    #[test]
    fn a_crowd_faces_the_stage_and_the_player_stands_on_it() {
        let r = ranking(&[
            ("kind", &[("drum_kit", 7.0), ("stage", 6.0), ("crowd", 5.0), ("spotlight", 4.0)]),
            ("terrain", &[("city", 1.0)]),
            ("vantage", &[("stage", 3.0)]),
        ]);
        let s = compose("on stage for thousands of fans", &r, &Written::default());
        assert!(check_semantics(&s, Catalog::builtin()).is_empty());
        assert_eq!(s.player.on.as_deref(), Some("stage"));
        let crowd = s.entities.iter().find(|e| e.kind == "crowd").unwrap();
        assert_eq!((crowd.placement.relation, crowd.placement.target.as_deref()), (Relation::InFrontOf, Some("stage")));
        assert_eq!(s.timeline.len(), 1);
    }
}
