//! Property tests: the planner's rules hold for random valid scenes, and an edit re-plans
//! only what it touched.

use proptest::prelude::*;
use sayscape::plan::walk::Floor;
use sayscape::plan::{Layout, ROOM_CLEARANCE, SPAWN_CLEARANCE, Surface, WATER_LEVEL, plan};
use sayscape::scene::validate::check_semantics;
use sayscape::scene::*;

const EPS: f32 = 1e-2;

fn kinds() -> Vec<&'static KindInfo> {
    Catalog::builtin().kinds().iter().collect()
}

/// A form of any family with random proportions (within their ranges) and random parts.
fn arb_form() -> impl Strategy<Value = Form> {
    (0..Family::ALL.len(), 0.2f32..30.0, prop::collection::vec(0.0f32..=1.0, 8), prop::collection::vec(prop::bool::ANY, 24)).prop_map(
        |(f, size, picks, parts)| {
            let family = Family::ALL[f];
            let shape = family.proportions().iter().zip(&picks).map(|(p, t)| (p.name.to_string(), p.min + (p.max - p.min) * t)).collect();
            let parts = family.parts().iter().zip(&parts).filter(|(_, on)| **on).map(|(p, _)| *p).collect();
            Form { family, size, shape, parts, pattern: Pattern::Plain, colors: vec![], solids: vec![], habitat: None }
        },
    )
}

prop_compose! {
    fn arb_entity(i: usize)(kind in 0..kinds().len(), count in 1u32..40, rel in 0usize..11, target in 0usize..8,
                            motion in prop::option::of(0usize..12), scale in 0.5f32..2.0,
                            form in prop::option::weighted(0.3, arb_form()))
        -> (usize, Entity, usize) {
        let info = kinds()[kind];
        // Some entities are nouns the catalog lacks, built from a form.
        let kind_name = if form.is_some() { format!("thing_{i}") } else { info.kind.clone() };
        let relation = [Relation::Scattered, Relation::Near, Relation::Around, Relation::InFrontOf, Relation::Behind,
                        Relation::Formation, Relation::On, Relation::OnWater, Relation::InSky, Relation::AlongWall,
                        Relation::Outside][rel];
        let motion = motion.map(|m| Motion { kind: [MotionKind::None, MotionKind::Bob, MotionKind::Sail, MotionKind::FlyCircuit,
            MotionKind::Orbit, MotionKind::Cheer, MotionKind::Walk, MotionKind::Drive, MotionKind::Swim, MotionKind::Spin,
            MotionKind::Sway, MotionKind::Flicker][m], speed: None, radius: None });
        let entity = Entity { id: format!("e{i}"), kind: kind_name, count, motion, scale, color: None, form, activity: None,
            placement: Placement { relation, target: None, distance: None, position: None } };
        (i, entity, target)
    }
}

fn arb_scene() -> impl Strategy<Value = Scene> {
    let terrains = [
        Terrain::Ocean,
        Terrain::Beach,
        Terrain::Island,
        Terrain::Grassland,
        Terrain::Desert,
        Terrain::Mountains,
        Terrain::Underwater,
        Terrain::Forest,
        Terrain::Moon,
        Terrain::Space,
        Terrain::Volcanic,
        Terrain::Canyon,
        Terrain::Fjord,
        Terrain::Swamp,
        Terrain::Savanna,
    ];
    let waters = [WaterKind::None, WaterKind::Lake, WaterKind::River, WaterKind::Pond, WaterKind::Ocean];
    (
        0..terrains.len(),
        0..waters.len(),
        60f32..500.0,
        -180f32..180.0,
        prop::bool::ANY,
        (0..6usize).prop_flat_map(|n| (0..n).map(arb_entity).collect::<Vec<_>>()),
        prop::option::weighted(0.4, arb_room()),
    )
        .prop_map(move |(t, w, radius, facing, ride, entities, room)| {
            // A room needs the play area around it.
            let radius = room.as_ref().map_or(radius, |r: &Room| radius.max(r.reach() + 10.0));
            let mut scene = Scene {
                schema: None,
                format: SCENE_FORMAT.into(),
                title: "random".into(),
                prompt: String::new(),
                setting: Setting {
                    terrain: terrains[t],
                    era: Era::Modern,
                    time_of_day: TimeOfDay::Noon,
                    weather: Weather::Clear,
                    cloud_cover: 0.3,
                    fog: 0.0,
                    wind: 0.3,
                    water: Water { kind: waters[w], waves: 0.3 },
                    area_radius: radius,
                    sky: vec![],
                    room: room.clone(),
                },
                player: Player {
                    role: String::new(),
                    vantage: Vantage::Ground,
                    on: None,
                    // Indoors, near the back wall.
                    position: room.as_ref().map(|r| [0.0, 0.0, r.length() / 2.0 - 1.5]),
                    facing,
                    locomotion: Locomotion::Walk,
                },
                entities: Vec::new(),
                soundscape: Soundscape::default(),
                timeline: Vec::new(),
                edits: Default::default(),
            };
            let catalog = Catalog::builtin();
            for (i, mut e, t) in entities {
                // Point relations at earlier entities; keep only what validation accepts.
                if i > 0 && e.placement.relation != Relation::Scattered {
                    e.placement.target = Some(format!("e{}", t % i));
                }
                scene.entities.push(e);
                if !check_semantics(&scene, catalog).is_empty() {
                    let e = scene.entities.last_mut().unwrap();
                    e.placement = Placement::default();
                    if !check_semantics(&scene, catalog).is_empty() {
                        scene.entities.pop();
                    }
                }
            }
            if ride {
                scene.player.on = scene.entities.iter().find(|e| catalog.info_for(e).unwrap().deck.is_some()).map(|e| e.id.clone());
            }
            scene
        })
}

/// A room of any shape, from a cupboard-sized cell to a hall.
fn arb_room() -> impl Strategy<Value = Room> {
    (0usize..4, 3.5f32..40.0, 3.5f32..60.0, 2.4f32..12.0, 0u32..12, 0u32..4).prop_map(|(shape, w, l, h, windows, doors)| Room {
        purpose: "hall".into(),
        shape: [RoomShape::Rectangle, RoomShape::Round, RoomShape::Corridor, RoomShape::Cave][shape],
        size: [w, l, h],
        walls: Material::Stone,
        floor: Material::Wood,
        ceiling: Material::Plaster,
        windows,
        doors,
        lights: Light::CeilingLamps,
    })
}

/// Indoors: what stands on the floor is inside the walls, what is outside stays out, and a
/// person at the spawn can walk up to every piece of furniture.
fn check_room(scene: &Scene, layout: &Layout, room: &Room) -> Result<(), String> {
    let catalog = Catalog::builtin();
    let mut floor = Floor::new(room);
    let mut furniture = Vec::new();
    for a in layout.instances.iter().filter(|a| a.parent.is_none()) {
        let entity = scene.entities.iter().find(|e| e.id == a.entity).unwrap();
        let [x, _, z] = a.position;
        let indoors = entity.placement.relation != Relation::Outside && a.habitat == Habitat::Ground;
        if indoors && !room.contains(x, z, a.radius - EPS) {
            return Err(format!("{} {} stands outside the walls at ({x}, {z})", a.entity, a.index));
        }
        if !indoors && room.contains(x, z, -a.radius + EPS) {
            return Err(format!("{} {} is inside the room but belongs outside", a.entity, a.index));
        }
        if indoors && !catalog.info_for(entity).unwrap().flat {
            floor.block(x, z, a.radius);
            furniture.push([x, z, a.radius]);
        }
    }
    let [sx, _, sz] = layout.spawn.position;
    let reached = floor.reachable([sx, sz], &furniture);
    if let Some(k) = reached.iter().position(|ok| !ok) {
        return Err(format!("no path from the spawn to the furniture at {:?}", furniture[k]));
    }
    Ok(())
}

fn check_invariants(scene: &Scene, layout: &Layout) -> Result<(), String> {
    if let Some(room) = &scene.setting.room {
        check_room(scene, layout, room)?;
    }
    let surface = Surface::new(&scene.setting, layout.seed);
    let radius = scene.setting.area_radius;
    let catalog = Catalog::builtin();
    let [sx, _, sz] = layout.spawn.position;
    let roots: Vec<usize> = (0..layout.instances.len()).filter(|&i| layout.instances[i].parent.is_none()).collect();
    for &i in &roots {
        let a = &layout.instances[i];
        let [x, y, z] = a.position;
        let d = (x * x + z * z).sqrt();
        if d + a.radius > radius + EPS {
            return Err(format!("{} {} outside the area: {d} + {} > {radius}", a.entity, a.index, a.radius));
        }
        if a.motion.is_path() {
            let [cx, cz] = a.motion.centre;
            if (cx * cx + cz * cz).sqrt() + a.motion.radius + a.radius > radius + EPS {
                return Err(format!("{} {} moves outside the area", a.entity, a.index));
            }
        }
        let entity = scene.entities.iter().find(|e| e.id == a.entity).unwrap();
        let info = catalog.info_for(entity).unwrap();
        match a.habitat {
            Habitat::Water if (y - WATER_LEVEL).abs() > EPS => return Err(format!("{} floats at {y}", a.entity)),
            Habitat::Water if !surface.is_water(x, z) => return Err(format!("{} floats on land", a.entity)),
            Habitat::Sky if y < surface.ground_height(x, z).max(WATER_LEVEL) + info.altitude.unwrap()[0] - EPS => {
                return Err(format!("{} flies too low at {y}", a.entity));
            }
            // Under water: above the sea floor by the kind's altitude band, and below the surface.
            Habitat::Underwater => {
                let [lo, hi] = info.altitude.unwrap_or([0.0, 0.0]);
                let above_floor = y - surface.ground_height(x, z);
                let under_surface = y + info.height <= WATER_LEVEL + EPS || above_floor <= EPS;
                if above_floor < -EPS
                    || above_floor > hi + EPS
                    || !under_surface
                    || (above_floor < lo - EPS && y + info.height < WATER_LEVEL - EPS)
                {
                    return Err(format!("{} swims at {y}, {above_floor} m above the sea floor (band {lo}–{hi})", a.entity));
                }
            }
            Habitat::Ground if (y - surface.ground_height(x, z)).abs() > EPS => return Err(format!("{} not on the ground", a.entity)),
            Habitat::Ground if !matches!(scene.setting.terrain, Terrain::Underwater | Terrain::Space) && surface.is_water(x, z) => {
                return Err(format!("{} stands in water", a.entity));
            }
            _ => {}
        }
        let on_surface = matches!(a.habitat, Habitat::Ground | Habitat::Water) && !a.flat;
        if on_surface && layout.spawn.parent != Some(i) {
            let ds = ((x - sx).powi(2) + (z - sz).powi(2)).sqrt();
            let clearance = if scene.setting.room.is_some() { ROOM_CLEARANCE } else { SPAWN_CLEARANCE };
            if ds + EPS < a.radius + clearance {
                return Err(format!("{} {} blocks the spawn ({ds} m away)", a.entity, a.index));
            }
        }
    }
    // Footprints in the same layer never overlap.
    for (n, &i) in roots.iter().enumerate() {
        for &j in &roots[n + 1..] {
            let (a, b) = (&layout.instances[i], &layout.instances[j]);
            let same_layer = match (a.habitat, b.habitat) {
                (Habitat::Ground | Habitat::Water, Habitat::Ground | Habitat::Water) => a.flat == b.flat,
                _ => false,
            };
            let d = ((a.position[0] - b.position[0]).powi(2) + (a.position[2] - b.position[2]).powi(2)).sqrt();
            if same_layer && d + EPS < a.radius + b.radius {
                return Err(format!("{} {} overlaps {} {}", a.entity, a.index, b.entity, b.index));
            }
        }
    }
    // Siblings on one deck never overlap, and stay on the deck.
    for (i, a) in layout.instances.iter().enumerate() {
        let (Some(p), Some(la)) = (a.parent, a.local) else { continue };
        for b in &layout.instances[i + 1..] {
            if let (Some(q), Some(lb)) = (b.parent, b.local) {
                let d = ((la[0] - lb[0]).powi(2) + (la[2] - lb[2]).powi(2)).sqrt();
                if p == q && d + EPS < a.radius + b.radius {
                    return Err(format!("{} {} overlaps {} {} on deck", a.entity, a.index, b.entity, b.index));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn layouts_keep_the_rules(scene in arb_scene(), seed in 0u64..1000) {
        let layout = plan(&scene, seed);
        prop_assert_eq!(&layout, &plan(&scene, seed), "not deterministic");
        if let Err(e) = check_invariants(&scene, &layout) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn library_scenes_keep_the_rules_for_several_seeds() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes")).unwrap() {
        let path = entry.unwrap().path();
        let scene = load_scene(&path).unwrap_or_else(|e| panic!("{e}"));
        for seed in [0, 1, 42] {
            let layout = plan(&scene, seed);
            check_invariants(&scene, &layout).unwrap_or_else(|e| panic!("{}: seed {seed}: {e}", path.display()));
            assert!(layout.warnings.is_empty(), "{}: {:?}", path.display(), layout.warnings);
        }
    }
}

#[test]
fn different_seeds_give_different_layouts() {
    let scene = load_scene(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes/tropical_beach.json"))).unwrap();
    assert_ne!(plan(&scene, 1).instances, plan(&scene, 2).instances);
}

/// One random edit of a scene: things added, removed, recounted, recoloured, sped up, or the
/// light and weather changed.
fn arb_edit(scene: &Scene) -> impl Strategy<Value = Vec<sayscape::edit::Op>> + use<> {
    use sayscape::edit::Op;
    let ids: Vec<String> = scene.entities.iter().map(|e| e.id.clone()).collect();
    let n = ids.len().max(1);
    let op = (0usize..7, 0..n, 0..kinds().len(), 1u32..30, 0usize..7).prop_map(move |(which, e, k, count, v)| {
        let id = ids.get(e).cloned().unwrap_or_default();
        match which {
            0 => Op::Add { kind: kinds()[k].kind.clone(), count: Some(count), color: None },
            1 => Op::Remove { id },
            2 => Op::Count { id, count },
            3 => Op::Color { id, color: [Color::Red, Color::Blue, Color::Gold, Color::White][v % 4] },
            4 => Op::Speed { id, speed: 0.5 + count as f32 },
            5 => Op::Time { value: [TimeOfDay::Dawn, TimeOfDay::Noon, TimeOfDay::Night][v % 3] },
            _ => Op::Weather { value: [Weather::Rain, Weather::Clear, Weather::Snow, Weather::Foggy][v % 4] },
        }
    });
    prop::collection::vec(op, 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// After an edit, every instance of an entity the edit left as it was (and the first ones
    /// of an entity whose count changed) keeps its position, heading and motion: the world
    /// changes in place.
    #[test]
    fn an_edit_moves_nothing_it_did_not_touch((scene, ops) in arb_scene().prop_flat_map(|s| { let e = arb_edit(&s); (Just(s), e) }), seed in 0u64..100) {
        let Ok(edited) = sayscape::edit::apply(&scene, &ops) else { return Ok(()) };
        prop_assume!(check_semantics(&edited, Catalog::builtin()).is_empty());
        let before = plan(&scene, seed);
        let after = sayscape::plan::replan(&edited, seed, &scene, &before);
        if let Err(e) = check_invariants(&edited, &after) {
            prop_assert!(false, "{}", e);
        }
        // An instance is untouched when its entity keeps its kind, size and placement, its
        // index is still within the count, and what carries it is untouched too.
        let untouched = |i: usize| {
            let mut at = Some(i);
            while let Some(i) = at {
                let inst = &before.instances[i];
                let (Some(old), Some(new)) = (scene.entities.iter().find(|e| e.id == inst.entity), edited.entities.iter().find(|e| e.id == inst.entity)) else { return false };
                let same = old.kind == new.kind && old.scale == new.scale && old.placement == new.placement && old.form == new.form;
                if !same || inst.index >= new.count {
                    return false;
                }
                at = inst.parent;
            }
            true
        };
        for (i, inst) in before.instances.iter().enumerate() {
            if !untouched(i) {
                continue;
            }
            let (Some(old), Some(new)) = (scene.entities.iter().find(|e| e.id == inst.entity), edited.entities.iter().find(|e| e.id == inst.entity)) else { continue };
            let moved = after.instances.iter().find(|i| i.entity == inst.entity && i.index == inst.index);
            let Some(moved) = moved else {
                prop_assert!(false, "{}#{} vanished after {:?}", inst.entity, inst.index, ops);
                unreachable!()
            };
            prop_assert_eq!(moved.position, inst.position, "{}#{} (on {:?}, now {:?}) moved after {:?}; warnings {:?}", inst.entity, inst.index, inst.parent, moved.parent, ops, after.warnings);
            prop_assert_eq!(moved.yaw_deg, inst.yaw_deg);
            prop_assert_eq!(moved.local, inst.local);
            if old.motion == new.motion {
                prop_assert_eq!(&moved.motion, &inst.motion, "{}#{}'s motion changed after {:?}", inst.entity, inst.index, ops);
            }
        }
    }
}
