//! Placement: turns each entity's relation into positions that respect the world's rules.
//!
//! Rules, checked for every candidate position: inside the play area; on the surface the kind
//! lives on (land, water, sky, under water); no footprint overlapping another in the same
//! layer; a clear radius around the spawn. Candidates come from the relation; a rejected one
//! is retried with more spread, and what still does not fit is reported as a warning.

use std::collections::HashMap;
use std::f32::consts::TAU;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::grid::CircleGrid;
use super::layout::{Instance, LAYOUT_FORMAT, Layout, PlacedEmitter, PlannedMotion, Spawn};
use super::surface::{Surface, WATER_LEVEL};
use super::walk::Floor;
use crate::scene::{Catalog, Entity, Habitat, KindInfo, MotionKind, Relation, Room, Scene, Terrain};

/// Nothing but the ground the player stands on comes closer than this to the spawn.
pub const SPAWN_CLEARANCE: f32 = 4.0;
/// How far to starboard of the bow a player on a ship's deck looks, in degrees: enough to
/// keep the masts out of the middle of the view, little enough to see where the ship goes.
const SHIP_LOOKOUT_DEG: f32 = 28.0;
/// Clearance on a deck or stage the player stands on.
const DECK_CLEARANCE: f32 = 1.2;
/// Indoors nothing stands closer than this to the spawn (a room has no space to spare).
pub const ROOM_CLEARANCE: f32 = DECK_CLEARANCE;
const ATTEMPTS: u32 = 60;
/// The most emitters one entity gets (a crowd of 1000 is heard from a few points).
const EMITTERS_PER_ENTITY: usize = 4;

/// Lays out a validated scene. Deterministic: the same scene and seed give the same layout.
pub fn plan(scene: &Scene, seed: u64) -> Layout {
    lay_out(Planner::new(scene, seed))
}

/// Lays out an edited scene so that what the edit did not touch stays where it was: every
/// instance of an entity whose kind, size and placement are unchanged (and whose target is
/// unchanged too) keeps its position, heading and motion; only the rest is placed, around
/// them. A new ground, water or room moves everything, and then this is [`plan`].
pub fn replan(scene: &Scene, seed: u64, before: &Scene, layout: &Layout) -> Layout {
    let (a, b) = (&scene.setting, &before.setting);
    if a.terrain != b.terrain || a.water.kind != b.water.kind || a.area_radius != b.area_radius || a.room != b.room || layout.seed != seed {
        return plan(scene, seed);
    }
    let kept = kept_entities(scene, before);

    let mut planner = Planner::new(scene, seed);
    for (i, inst) in layout.instances.iter().enumerate() {
        if let Some(&was) = kept.get(inst.entity.as_str())
            && inst.index < was
        {
            planner.pinned.insert((inst.entity.clone(), inst.index), (i, inst.clone()));
        }
    }
    if scene.player == before.player {
        planner.old_spawn = Some(layout.spawn.clone());
    }
    let old_motion: HashMap<&str, &Option<crate::scene::Motion>> = before.entities.iter().map(|e| (e.id.as_str(), &e.motion)).collect();
    planner.motion_kept =
        scene.entities.iter().filter(|e| old_motion.get(e.id.as_str()) == Some(&&e.motion)).map(|e| e.id.clone()).collect();
    lay_out(planner)
}

/// Entities an edit left in place, with how many of their instances stay (the smaller count).
fn kept_entities<'a>(scene: &'a Scene, before: &Scene) -> HashMap<&'a str, u32> {
    let old: HashMap<&str, &Entity> = before.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let same_place = |e: &Entity| {
        old.get(e.id.as_str()).is_some_and(|o| o.kind == e.kind && o.scale == e.scale && o.form == e.form && o.placement == e.placement)
    };
    let mut kept: HashMap<&str, u32> =
        scene.entities.iter().filter(|e| same_place(e)).map(|e| (e.id.as_str(), e.count.min(old[e.id.as_str()].count))).collect();
    // Kept only when what it stands on or near is kept too, down the chain.
    loop {
        let lost: Vec<&str> = scene
            .entities
            .iter()
            .filter(|e| kept.contains_key(e.id.as_str()) && e.placement.target.as_deref().is_some_and(|t| !kept.contains_key(t)))
            .map(|e| e.id.as_str())
            .collect();
        if lost.is_empty() {
            return kept;
        }
        for id in lost {
            kept.remove(id);
        }
    }
}

fn lay_out(mut planner: Planner) -> Layout {
    let catalog = Catalog::builtin();
    let scene = planner.scene;
    let order = placement_order(scene);

    // What an edit left in place goes down first, so that nothing new lands on it.
    if !planner.pinned.is_empty() {
        for &e in &order {
            if let Some(info) = catalog.info_for(&scene.entities[e]) {
                planner.keep_pinned(e, &scene.entities[e], &info);
            }
        }
    }
    for &e in &order {
        let entity = &scene.entities[e];
        let Some(info) = catalog.info_for(entity) else {
            planner.warnings.push(format!("{}: unknown kind {:?}, skipped", entity.id, entity.kind));
            continue;
        };
        planner.place_entity(e, entity, &info);
    }
    planner.finish()
}

/// Entities in an order where every placement target comes before what refers to it, and the
/// entity the player stands on comes first of all.
fn placement_order(scene: &Scene) -> Vec<usize> {
    let index: HashMap<&str, usize> = scene.entities.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let mut order = Vec::with_capacity(scene.entities.len());
    let mut state = vec![0u8; scene.entities.len()]; // 0 new, 1 visiting, 2 done
    let anchor = scene.player.on.as_deref().and_then(|id| index.get(id)).copied();
    let roots = anchor.into_iter().chain(0..scene.entities.len());
    for start in roots {
        // Iterative depth-first visit; a cycle (refused by validation) is simply cut.
        let mut stack = vec![start];
        while let Some(&at) = stack.last() {
            if state[at] == 2 {
                stack.pop();
                continue;
            }
            state[at] = 1;
            let target = scene.entities[at].placement.target.as_deref().and_then(|t| index.get(t)).copied();
            match target {
                Some(t) if state[t] == 0 && Some(at) != anchor => stack.push(t),
                _ => {
                    state[at] = 2;
                    order.push(at);
                    stack.pop();
                }
            }
        }
    }
    order
}

struct Planner<'a> {
    scene: &'a Scene,
    seed: u64,
    surface: Surface,
    radius: f32,
    spawn: Spawn,
    instances: Vec<Instance>,
    /// Footprints of things on the ground or water surface.
    surface_grid: CircleGrid,
    /// Footprints of ground cover (fields, runways, tracks).
    cover_grid: CircleGrid,
    /// Footprints on each carrier's deck, in the carrier's frame.
    deck_grids: HashMap<usize, CircleGrid>,
    /// Sky and underwater instances, checked in three dimensions.
    volumes: Vec<usize>,
    by_entity: HashMap<String, Vec<usize>>,
    /// True while the instance that carries the player is being placed.
    placing_anchor: bool,
    /// Indoors: the room, the floor a person walks on, and the footprints on it that must
    /// stay within reach of the spawn.
    room: Option<Room>,
    floor: Option<Floor>,
    furniture: Vec<[f32; 3]>,
    warnings: Vec<String>,
    /// After an edit: instances that stay as they were, by (entity, index), with their index
    /// in the old layout; and the old spawn, when the player did not change.
    pinned: HashMap<(String, u32), (usize, Instance)>,
    old_spawn: Option<Spawn>,
    /// Old layout index → new, for the parents of pinned instances.
    renumbered: HashMap<usize, usize>,
    /// Instances already placed where they were, by (entity, index).
    kept: std::collections::HashSet<(String, u32)>,
    /// Entities whose motion an edit left as it was: their kept instances keep their loops.
    motion_kept: std::collections::HashSet<String>,
}

/// A position proposed for an instance.
struct Candidate {
    x: f32,
    z: f32,
    yaw: f32,
    /// Parent instance and the offset in its frame, for relation "on".
    on: Option<(usize, [f32; 3])>,
    /// Fixed height above the base surface (formations fly level).
    altitude: Option<f32>,
}

impl<'a> Planner<'a> {
    fn new(scene: &'a Scene, seed: u64) -> Planner<'a> {
        let surface = Surface::new(&scene.setting, seed);
        let player = &scene.player;
        let [x, _, z] = player.position.unwrap_or([0.0, 0.0, 0.0]);
        let y = base_height(&surface, Habitat::Ground, x, z);
        Planner {
            scene,
            seed,
            radius: scene.setting.area_radius,
            spawn: Spawn {
                position: [x, y, z],
                yaw_deg: player.facing,
                parent: None,
                vantage: player.vantage,
                locomotion: player.locomotion,
                role: player.role.clone(),
            },
            surface,
            instances: Vec::new(),
            surface_grid: CircleGrid::default(),
            cover_grid: CircleGrid::default(),
            deck_grids: HashMap::new(),
            volumes: Vec::new(),
            by_entity: HashMap::new(),
            placing_anchor: false,
            room: scene.setting.room.clone(),
            floor: scene.setting.room.as_ref().map(Floor::new),
            furniture: Vec::new(),
            warnings: Vec::new(),
            pinned: HashMap::new(),
            old_spawn: None,
            renumbered: HashMap::new(),
            kept: Default::default(),
            motion_kept: Default::default(),
        }
    }

    /// Whether an entity's instances go inside the room: what stands on the floor, unless it
    /// is asked to be outside. Floating, flying and swimming things are outside the walls.
    fn indoors(&self, entity: &Entity, info: &KindInfo) -> bool {
        self.room.is_some() && entity.placement.relation != Relation::Outside && info.habitat == Habitat::Ground
    }

    fn place_entity(&mut self, e: usize, entity: &Entity, info: &KindInfo) {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ (e as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let scale = entity.scale;
        let r = info.footprint * scale;
        let is_anchor = self.scene.player.on.as_deref() == Some(entity.id.as_str());
        let mut placed = 0u32;
        for i in 0..entity.count {
            if self.kept.contains(&(entity.id.clone(), i)) {
                placed += 1;
                continue;
            }
            if is_anchor && i == 0 && self.place_anchor(entity, info) {
                placed += 1;
                continue;
            }
            let accepted = (0..ATTEMPTS).find_map(|attempt| {
                let c = self.propose(entity, info, r, i, attempt, &mut rng)?;
                self.accept(&c, entity, info, r).then_some(c)
            });
            if let Some(c) = accepted {
                self.commit(entity, info, i, c, &mut rng);
                placed += 1;
            }
        }
        if placed < entity.count {
            self.warnings
                .push(format!("{}: placed {placed} of {} {} (no free room that fits its relation)", entity.id, entity.count, entity.kind));
        }
    }

    /// The instance the player stands on goes at the spawn (or the nearest spot of its habitat
    /// ahead of it), facing the player's way, and the spawn moves onto its deck. Returns false
    /// when no spot inside the area fits it.
    fn place_anchor(&mut self, entity: &Entity, info: &KindInfo) -> bool {
        let (fx, fz) = forward(self.spawn.yaw_deg);
        let [sx, _, sz] = self.spawn.position;
        let r = info.footprint * entity.scale;
        let spot = (0..200).map(|step| step as f32 * 4.0).map(|d| (sx + fx * d, sz + fz * d)).find(|&(x, z)| {
            (x * x + z * z).sqrt() + r <= self.radius && self.fits_habitat(info.habitat, x, z, r) && self.room_allows(entity, info, x, z, r)
        });
        let Some((x, z)) = spot else { return false };
        let c = Candidate { x, z, yaw: self.spawn.yaw_deg, on: None, altitude: None };
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        self.placing_anchor = true;
        let id = self.commit(entity, info, 0, c, &mut rng);
        self.placing_anchor = false;
        // The thing the player stands on moved: the spawn goes with it.
        self.old_spawn = None;
        self.stand_on(id, entity, info);
        true
    }

    /// Puts the spawn on an instance: on a ship's deck aft and to starboard, elsewhere on top
    /// in the middle. After an edit that left the player as they were, the spawn stays too.
    fn stand_on(&mut self, id: usize, entity: &Entity, info: &KindInfo) {
        if let Some(old) = self.old_spawn.take() {
            self.spawn = Spawn { parent: Some(id), ..old };
            return;
        }
        let inst = &self.instances[id];
        let deck = info.deck.map(|d| (d.height, d.width, d.length)).unwrap_or((info.height, 0.0, 0.0));
        // On the deck of a boat or a ship stand aft on the starboard side, looking ahead past
        // the masts (not into them) at the sea it sails; elsewhere stand in the middle.
        let ship = info.habitat == Habitat::Water && deck.2 > 4.0 && deck.2 < 40.0;
        let (side, aft) = if ship { (deck.1 * 0.3 * entity.scale, deck.2 * 0.3 * entity.scale) } else { (0.0, 0.0) };
        let local = [side, deck.0 * entity.scale, aft];
        self.spawn.position = to_world(inst.position, inst.yaw_deg, local);
        if ship {
            self.spawn.yaw_deg = inst.yaw_deg + SHIP_LOOKOUT_DEG;
        }
        self.spawn.parent = Some(id);
    }

    fn propose(&self, entity: &Entity, info: &KindInfo, r: f32, i: u32, attempt: u32, rng: &mut ChaCha8Rng) -> Option<Candidate> {
        let p = &entity.placement;
        let spread = 1.0 + attempt as f32 * 0.15;
        let targets: &[usize] = p.target.as_deref().and_then(|t| self.by_entity.get(t)).map(Vec::as_slice).unwrap_or(&[]);
        if p.target.is_some() && targets.is_empty() {
            return None; // the target itself could not be placed
        }
        // The reference point: an instance of the target (round robin), or the player.
        let (bx, bz, byaw, br) = match targets.get(i as usize % targets.len().max(1)) {
            Some(&t) => {
                let inst = &self.instances[t];
                (inst.position[0], inst.position[2], inst.yaw_deg, inst.radius)
            }
            None => (self.spawn.position[0], self.spawn.position[2], self.spawn.yaw_deg, 0.5),
        };
        let gap = 0.3 + r * 0.25;
        // Indoors things stand close together: chairs at a table, a console at a seat.
        let room_gap = if self.room.is_some() { 0.25 } else { 2.0 };
        let random_yaw = rng.random_range(0.0..360.0);
        let c = |x: f32, z: f32, yaw: f32| Some(Candidate { x, z, yaw, on: None, altitude: None });
        match p.relation {
            Relation::On => {
                let &parent = targets.get(i as usize % targets.len())?;
                let pinfo = self.info_of(parent)?;
                let deck = pinfo.deck?;
                let ps = self.instances[parent].scale;
                let (hw, hl) = ((deck.width * ps / 2.0 - r).max(0.0), (deck.length * ps / 2.0 - r).max(0.0));
                let local = [rng.random_range(-1.0..=1.0) * hw, deck.height * ps, rng.random_range(-1.0..=1.0) * hl];
                let yaw = self.instances[parent].yaw_deg;
                Some(Candidate { x: 0.0, z: 0.0, yaw, on: Some((parent, local)), altitude: None })
            }
            Relation::Near | Relation::At if i > 0 || p.position.is_none() => {
                let (ax, az) = match p.position {
                    Some([x, _, z]) => (x, z),
                    None => (bx, bz),
                };
                let base = p.distance.unwrap_or(br + r + room_gap);
                // Indoors "near" stays near: a nurse by a bed, not across the ward (a distance
                // given is kept within a third). Outdoors things spread as far as they need.
                let reach = match (p.distance, self.room.is_some()) {
                    (Some(d), true) => 0.3 * d + 0.5,
                    (None, true) => 2.0,
                    (_, false) => 6.0,
                };
                let d = base + rng.random_range(0.0..reach) * spread + attempt as f32 * r * 0.5;
                let a = rng.random_range(0.0..TAU);
                c(ax + a.sin() * d, az - a.cos() * d, random_yaw)
            }
            Relation::At | Relation::Near => {
                let [x, _, z] = p.position?;
                let jitter = attempt as f32 * 0.5;
                c(x + rng.random_range(-jitter..=jitter), z + rng.random_range(-jitter..=jitter), random_yaw)
            }
            Relation::Around => {
                let count = entity.count.max(1) as f32;
                let step = 2.0 * r + gap;
                let first = p.distance.unwrap_or(br + r + room_gap);
                // Fill rings outwards: ring k holds as many as its circumference allows.
                let (mut ring_radius, mut slot) = (first, i as f32);
                let mut capacity;
                loop {
                    capacity = (TAU * ring_radius / step).floor().max(1.0).min(count.max(1.0));
                    if slot < capacity {
                        break;
                    }
                    slot -= capacity;
                    ring_radius += step;
                }
                let jitter = attempt as f32 * 0.1;
                let a = TAU * slot / capacity + rng.random_range(-jitter..=jitter) + ring_radius * 0.37;
                let d = ring_radius + attempt as f32 * step * 0.3;
                let (x, z) = (bx + a.sin() * d, bz - a.cos() * d);
                c(x, z, face(x, z, bx, bz))
            }
            Relation::InFrontOf | Relation::Behind => {
                let sign = if p.relation == Relation::Behind { -1.0 } else { 1.0 };
                let (fx, fz) = forward(byaw);
                let (fx, fz) = (fx * sign, fz * sign);
                let step = 2.0 * r + gap;
                let n = entity.count as f32;
                let cols = (n * 2.5).sqrt().ceil().clamp(1.0, n.max(1.0));
                let (row, col) = ((i as f32 / cols).floor(), i as f32 % cols);
                // Each row is centred on the line of sight, the last (shorter) one too: a single
                // thing in front of the player stands straight ahead.
                let in_row = (n - row * cols).clamp(1.0, cols);
                let jitter = step * (0.15 + attempt as f32 * 0.2);
                let lateral = (col - (in_row - 1.0) / 2.0) * step + rng.random_range(-jitter..=jitter);
                // Retries move back and forth (a stage meant for the far wall may need to come
                // closer), further each time.
                let retry = (attempt as f32 / 2.0).ceil() * step * 0.5 * if attempt % 2 == 1 { -1.0 } else { 1.0 };
                let depth = p.distance.unwrap_or(br + r + room_gap) + row * step + retry + rng.random_range(0.0..=jitter);
                let (x, z) = (bx + fx * depth - fz * lateral, bz + fz * depth + fx * lateral);
                c(x, z, face(x, z, bx, bz))
            }
            Relation::Formation => {
                let (fx, fz) = forward(byaw);
                let lead = p.distance.unwrap_or(br + 40.0 + r * 2.0) + attempt as f32 * r;
                let step = 2.0 * r + 6.0;
                let k = i.div_ceil(2) as f32;
                let side = if i % 2 == 1 { -1.0 } else { 1.0 };
                let (lateral, back) = (side * k * step, k * step);
                let depth = lead - back;
                let (x, z) = (bx + fx * depth - fz * lateral, bz + fz * depth + fx * lateral);
                let altitude = info.altitude.map(|[lo, hi]| (lo + hi) / 2.0);
                Some(Candidate { x, z, yaw: byaw, on: None, altitude })
            }
            Relation::AlongWall => {
                let room = self.room.as_ref()?;
                let shift = attempt as f32 * 0.37 + rng.random_range(0.0..0.1);
                let spots = room.wall_spots(entity.count as usize, r + 0.05, shift);
                let ([x, z], yaw) = *spots.get(i as usize % spots.len().max(1))?;
                c(x, z, yaw)
            }
            Relation::Scattered if self.indoors(entity, info) => {
                let room = self.room.as_ref()?;
                let (hw, hl) = ((room.width() / 2.0 - r).max(0.0), (room.length() / 2.0 - r).max(0.0));
                c(rng.random_range(-hw..=hw), rng.random_range(-hl..=hl), random_yaw)
            }
            Relation::Outside | Relation::Scattered | Relation::OnWater | Relation::InSky if self.room.is_some() => {
                let inner = self.room.as_ref()?.reach() + r + 2.0;
                let max = (self.radius - r).max(inner);
                let d = rng.random_range((inner / max).powi(2)..=1.0f32).sqrt() * max;
                let a = rng.random_range(0.0..TAU);
                c(a.sin() * d, -a.cos() * d, random_yaw)
            }
            Relation::Outside | Relation::Scattered | Relation::OnWater | Relation::InSky => {
                let max = (self.radius - r).max(0.0);
                let min = if info.backdrop { max * 0.6 } else { 0.0 };
                let d = (rng.random_range((min / max.max(1e-3)).powi(2)..=1.0f32)).sqrt() * max;
                let a = rng.random_range(0.0..TAU);
                c(a.sin() * d, -a.cos() * d, random_yaw)
            }
        }
    }

    fn accept(&self, c: &Candidate, entity: &Entity, info: &KindInfo, r: f32) -> bool {
        if let Some((parent, local)) = c.on {
            let ok_sibling = !self.deck_grids.get(&parent).is_some_and(|g| g.overlaps(local[0], local[2], r));
            let clear = self.spawn.parent != Some(parent) || {
                let p = &self.instances[parent];
                let spawn_local = from_world(p.position, p.yaw_deg, self.spawn.position);
                let (dx, dz) = (local[0] - spawn_local[0], local[2] - spawn_local[2]);
                (dx * dx + dz * dz).sqrt() >= r + DECK_CLEARANCE
            };
            return ok_sibling && clear;
        }
        let (x, z) = (c.x, c.z);
        if (x * x + z * z).sqrt() + r > self.radius {
            return false;
        }
        if !self.fits_habitat(info.habitat, x, z, r) {
            return false;
        }
        if !self.room_allows(entity, info, x, z, r) {
            return false;
        }
        if self.indoors(entity, info) && !info.flat && !self.keeps_floor_walkable(x, z, r) {
            return false;
        }
        let [sx, sy, sz] = self.spawn.position;
        let clearance = if self.room.is_some() { ROOM_CLEARANCE } else { SPAWN_CLEARANCE };
        match info.habitat {
            Habitat::Sky | Habitat::Underwater => {
                let y = self.height_for(info, x, z, c.altitude, 0.5);
                let (dx, dy, dz) = (x - sx, y + info.height / 2.0 - (sy + 1.6), z - sz);
                let clear = (dx * dx + dy * dy + dz * dz).sqrt() >= r + 1.5;
                clear && !self.volumes.iter().any(|&j| volumes_touch(&self.instances[j], x, y, z, r, info.height))
            }
            Habitat::Ground | Habitat::Water if info.flat => !self.cover_grid.overlaps(x, z, r),
            Habitat::Ground | Habitat::Water => {
                let (dx, dz) = (x - sx, z - sz);
                let anchor_clear = (dx * dx + dz * dz).sqrt() >= r + clearance;
                anchor_clear && !self.surface_grid.overlaps(x, z, r)
            }
        }
    }

    /// Indoors, whether a footprint at (x, z) is on the right side of the walls: inside for
    /// what stands in the room, clear of them for what is outside.
    fn room_allows(&self, entity: &Entity, info: &KindInfo, x: f32, z: f32, r: f32) -> bool {
        let Some(room) = &self.room else { return true };
        if self.indoors(entity, info) { room.contains(x, z, r) } else { !room.contains(x, z, -(r + 1.0)) }
    }

    /// Whether a footprint at (x, z) leaves the spawn a way to it and to every piece of
    /// furniture already in the room.
    fn keeps_floor_walkable(&self, x: f32, z: f32, r: f32) -> bool {
        let Some(floor) = &self.floor else { return true };
        let mut floor = floor.clone();
        floor.block(x, z, r);
        let mut targets = self.furniture.clone();
        targets.push([x, z, r]);
        let [sx, _, sz] = self.spawn.position;
        floor.reachable([sx, sz], &targets).into_iter().all(|ok| ok)
    }

    /// Whether a footprint at (x, z) stands on the surface its habitat needs.
    fn fits_habitat(&self, habitat: Habitat, x: f32, z: f32, r: f32) -> bool {
        let s = &self.surface;
        let probe = |f: &dyn Fn(f32, f32) -> bool| {
            let k = r * 0.8;
            f(x, z) && f(x + k, z) && f(x - k, z) && f(x, z + k) && f(x, z - k)
        };
        match habitat {
            Habitat::Sky => true,
            Habitat::Water => probe(&|x, z| s.is_water(x, z)),
            Habitat::Underwater => s.is_water(x, z) && s.ground_height(x, z) < WATER_LEVEL - 3.0,
            Habitat::Ground if matches!(s.terrain(), Terrain::Underwater | Terrain::Space) => true,
            Habitat::Ground => probe(&|x, z| !s.is_water(x, z)),
        }
    }

    /// The base height for an instance: ground, water line, or altitude (u picks in the band).
    fn height_for(&self, info: &KindInfo, x: f32, z: f32, altitude: Option<f32>, u: f32) -> f32 {
        let ground = base_height(&self.surface, info.habitat, x, z);
        match info.habitat {
            Habitat::Sky | Habitat::Underwater => {
                let [lo, hi] = info.altitude.unwrap_or([0.0, 0.0]);
                let height = altitude.unwrap_or(lo + (hi - lo) * u);
                match info.habitat {
                    // Sky kinds fly above the land or the sea.
                    Habitat::Sky => ground.max(WATER_LEVEL) + height,
                    // Underwater kinds swim above the sea floor and below the surface, even
                    // where the water is shallower than their altitude band.
                    _ => (ground + height).min(WATER_LEVEL - info.height).max(ground),
                }
            }
            _ => ground,
        }
    }

    fn commit(&mut self, entity: &Entity, info: &KindInfo, index: u32, c: Candidate, rng: &mut ChaCha8Rng) -> usize {
        let scale = entity.scale;
        let r = info.footprint * scale;
        let id = self.instances.len();
        let (position, yaw, parent, local) = match c.on {
            Some((parent, local)) => {
                let p = &self.instances[parent];
                (to_world(p.position, p.yaw_deg, local), c.yaw, Some(parent), Some(local))
            }
            None => {
                let y = self.height_for(info, c.x, c.z, c.altitude, rng.random_range(0.0..=1.0));
                ([c.x, y, c.z], c.yaw, None, None)
            }
        };
        match (parent, local) {
            (Some(p), Some(l)) => self.deck_grids.entry(p).or_default().insert(l[0], l[2], r),
            _ => match info.habitat {
                Habitat::Sky | Habitat::Underwater => self.volumes.push(id),
                _ if info.flat => self.cover_grid.insert(c.x, c.z, r),
                _ => {
                    self.surface_grid.insert(c.x, c.z, r);
                    if self.indoors(entity, info)
                        && let Some(floor) = &mut self.floor
                    {
                        floor.block(c.x, c.z, r);
                        self.furniture.push([c.x, c.z, r]);
                    }
                }
            },
        }
        let mut instance = Instance {
            entity: entity.id.clone(),
            index,
            kind: info.kind.clone(),
            habitat: info.habitat,
            position,
            yaw_deg: yaw.rem_euclid(360.0),
            scale,
            radius: r,
            height: info.height * scale,
            parent,
            local,
            motion: PlannedMotion::still(),
            color: entity.color,
            flat: info.flat,
            reactions: Default::default(),
            activity: entity.activity,
        };
        instance.motion = self.plan_motion(entity, info, &instance, rng);
        self.instances.push(instance);
        self.by_entity.entry(entity.id.clone()).or_default().push(id);
        id
    }

    /// Commits the instances of an entity that an edit left in place.
    fn keep_pinned(&mut self, e: usize, entity: &Entity, info: &KindInfo) {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ (e as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let is_anchor = self.scene.player.on.as_deref() == Some(entity.id.as_str());
        for i in 0..entity.count {
            // Kept only when what it stands on is kept too (a barrel on the fourth of four ships
            // that became two goes elsewhere).
            let pinned = self.pinned.remove(&(entity.id.clone(), i));
            let Some((old_index, old)) = pinned.filter(|(_, old)| old.parent.is_none_or(|p| self.renumbered.contains_key(&p))) else {
                continue;
            };
            let id = self.commit_pinned(entity, info, old, &mut rng);
            self.renumbered.insert(old_index, id);
            self.kept.insert((entity.id.clone(), i));
            if is_anchor && i == 0 {
                self.stand_on(id, entity, info);
            }
        }
    }

    /// An instance kept from the layout before an edit: the same transform and, unless the
    /// edit changed the motion, the same loop. Its footprint is taken as any other's.
    fn commit_pinned(&mut self, entity: &Entity, info: &KindInfo, old: Instance, rng: &mut ChaCha8Rng) -> usize {
        let parent = old.parent.and_then(|p| self.renumbered.get(&p).copied());
        let (x, z) = (old.position[0], old.position[2]);
        let on = match (parent, old.local) {
            (Some(p), Some(local)) => Some((p, local)),
            _ => None,
        };
        let c = Candidate { x, z, yaw: old.yaw_deg, on, altitude: Some(0.0) };
        let motion_same = self.motion_kept.contains(&entity.id);
        let id = self.commit(entity, info, old.index, c, rng);
        let inst = &mut self.instances[id];
        inst.position = old.position;
        if motion_same {
            inst.motion = old.motion;
        }
        id
    }

    /// Resolves a motion to a loop that stays inside the area and on the kind's surface.
    fn plan_motion(&self, entity: &Entity, info: &KindInfo, inst: &Instance, rng: &mut ChaCha8Rng) -> PlannedMotion {
        let asked = entity.motion.as_ref();
        let kind = asked.map(|m| m.kind).unwrap_or(info.motion);
        let speed = asked.and_then(|m| m.speed).unwrap_or_else(|| default_speed(kind, &info.kind));
        let mut motion = PlannedMotion { kind, speed, radius: 0.0, centre: [inst.position[0], inst.position[2]] };
        if !kind.follows_path() {
            return motion;
        }
        // Things on a static carrier (cars on a track) circle its centre; on a moving one
        // (a cannon on a ship) they ride along and do not walk off.
        if let Some(p) = inst.parent {
            let parent = &self.instances[p];
            if parent.motion.is_path() || parent.motion.kind != MotionKind::None && !parent.flat {
                motion.kind = MotionKind::None;
                return motion;
            }
            let deck = self.info_of(p).and_then(|k| k.deck);
            let half = deck.map(|d| d.width.min(d.length) * parent.scale / 2.0).unwrap_or(parent.radius);
            motion.centre = [parent.position[0], parent.position[2]];
            motion.radius = (half * 0.8).max(2.0);
            return motion;
        }
        if kind == MotionKind::Orbit {
            let target = entity.placement.target.as_deref().and_then(|t| self.by_entity.get(t)).and_then(|v| v.first());
            let (cx, cz) = target.map(|&t| (self.instances[t].position[0], self.instances[t].position[2])).unwrap_or((0.0, 0.0));
            let (dx, dz) = (inst.position[0] - cx, inst.position[2] - cz);
            motion.centre = [cx, cz];
            motion.radius = (dx * dx + dz * dz).sqrt().max(3.0);
            if (cx * cx + cz * cz).sqrt() + motion.radius + inst.radius > self.radius {
                motion.radius = 0.0;
                motion.kind = MotionKind::None;
            }
            return motion;
        }
        let wanted = asked.and_then(|m| m.radius).unwrap_or(match kind {
            MotionKind::FlyCircuit => self.radius * 0.45,
            MotionKind::Sail => self.radius * 0.4,
            MotionKind::Walk => rng.random_range(3.0..8.0),
            _ => self.radius * 0.2,
        });
        // A loop tangent to the heading at the start; shrink it until it fits, try both turns.
        let (fx, fz) = forward(inst.yaw_deg);
        let (rx, rz) = (-fz, fx);
        let mut radius = wanted;
        while radius >= 3.0 {
            for side in [1.0, -1.0] {
                let centre = [inst.position[0] + rx * radius * side, inst.position[2] + rz * radius * side];
                if self.loop_fits(info, inst, centre, radius) {
                    motion.centre = centre;
                    motion.radius = radius;
                    return motion;
                }
            }
            radius *= 0.7;
        }
        motion.kind = if info.habitat == Habitat::Water { MotionKind::Bob } else { MotionKind::None };
        motion
    }

    fn loop_fits(&self, info: &KindInfo, inst: &Instance, centre: [f32; 2], radius: f32) -> bool {
        let [cx, cz] = centre;
        if (cx * cx + cz * cz).sqrt() + radius + inst.radius > self.radius {
            return false;
        }
        let [sx, _, sz] = self.spawn.position;
        // The instance the player stands on carries the spawn along: it needs no clearance.
        let rides_player = self.placing_anchor;
        (0..24).all(|k| {
            let a = TAU * k as f32 / 24.0;
            let (x, z) = (cx + a.cos() * radius, cz + a.sin() * radius);
            let (dx, dz) = (x - sx, z - sz);
            let clear = info.habitat != Habitat::Ground && info.habitat != Habitat::Water
                || rides_player
                || (dx * dx + dz * dz).sqrt() >= inst.radius + SPAWN_CLEARANCE;
            clear && self.fits_habitat(info.habitat, x, z, inst.radius)
        })
    }

    fn finish(mut self) -> Layout {
        // The anchor was placed before its motion could know it carries the player: if it moves
        // along a path, the spawn follows it, which the world handles through `spawn.parent`.
        let emitters = self.emitters();
        let scene = self.scene;
        if let Some(on) = &scene.player.on
            && self.spawn.parent.is_none()
        {
            self.warnings.push(format!("player.on: {on} could not be placed; the player stands on the ground"));
        }
        let mut layout = Layout {
            format: LAYOUT_FORMAT.into(),
            title: scene.title.clone(),
            seed: self.seed,
            setting: scene.setting.clone(),
            spawn: self.spawn,
            instances: self.instances,
            forms: scene.entities.iter().filter_map(|e| Some((e.id.clone(), e.form.clone()?))).collect(),
            emitters,
            ambience: scene.soundscape.ambience.clone(),
            music: scene.soundscape.music,
            timeline: scene.timeline.clone(),
            warnings: self.warnings,
        };
        super::situations::react(&mut layout, scene);
        layout
    }

    /// Sound sources: the soundscape's emitters, then each kind's own sound for entities that
    /// the soundscape leaves silent, on the instances nearest the spawn.
    fn emitters(&self) -> Vec<PlacedEmitter> {
        let catalog = Catalog::builtin();
        let mut out = Vec::new();
        let mut attach = |entity: &str, sound, level| {
            let Some(ids) = self.by_entity.get(entity) else { return };
            let mut ids = ids.clone();
            ids.sort_by(|&a, &b| self.spawn_distance(a).total_cmp(&self.spawn_distance(b)));
            for &instance in ids.iter().take(EMITTERS_PER_ENTITY) {
                out.push(PlacedEmitter { instance, sound, level });
            }
        };
        for em in &self.scene.soundscape.emitters {
            attach(&em.entity, em.sound, em.level);
        }
        for entity in &self.scene.entities {
            let silent = !self.scene.soundscape.emitters.iter().any(|em| em.entity == entity.id);
            if let (true, Some(sound)) = (silent, catalog.info_for(entity).and_then(|k| k.sound)) {
                attach(&entity.id, sound, 0.5);
            }
        }
        out
    }

    /// What a placed instance is (its entity's form, or its catalog kind).
    fn info_of(&self, instance: usize) -> Option<std::borrow::Cow<'static, KindInfo>> {
        let entity = self.scene.entities.iter().find(|e| e.id == self.instances[instance].entity)?;
        Catalog::builtin().info_for(entity)
    }

    fn spawn_distance(&self, instance: usize) -> f32 {
        let [x, y, z] = self.instances[instance].position;
        let [sx, sy, sz] = self.spawn.position;
        ((x - sx).powi(2) + (y - sy).powi(2) + (z - sz).powi(2)).sqrt()
    }
}

/// The speed of a motion no scene sets: m/s along a path, or a rate for bob, spin and cheer.
pub fn default_speed(motion: MotionKind, kind: &str) -> f32 {
    match motion {
        MotionKind::Sail => 3.0,
        MotionKind::FlyCircuit => 35.0,
        MotionKind::Drive if kind == "race_car" => 45.0,
        MotionKind::Drive => 10.0,
        MotionKind::Walk => 1.2,
        MotionKind::Swim => 2.0,
        MotionKind::Orbit => 6.0,
        _ => 1.0,
    }
}

fn base_height(surface: &Surface, habitat: Habitat, x: f32, z: f32) -> f32 {
    match habitat {
        Habitat::Water => WATER_LEVEL,
        Habitat::Sky if surface.is_water(x, z) => WATER_LEVEL,
        _ => surface.ground_height(x, z),
    }
}

fn volumes_touch(other: &Instance, x: f32, y: f32, z: f32, r: f32, h: f32) -> bool {
    let [ox, oy, oz] = other.position;
    let (dx, dz) = (x - ox, z - oz);
    let apart_xz = (dx * dx + dz * dz).sqrt() >= r + other.radius;
    let apart_y = y >= oy + other.height || oy >= y + h;
    !(apart_xz || apart_y)
}

/// Unit vector (x, z) for a heading in degrees clockwise from north (-Z).
pub fn forward(yaw_deg: f32) -> (f32, f32) {
    let a = yaw_deg.to_radians();
    (a.sin(), -a.cos())
}

/// Heading from (x, z) towards (tx, tz).
fn face(x: f32, z: f32, tx: f32, tz: f32) -> f32 {
    (tx - x).atan2(-(tz - z)).to_degrees().rem_euclid(360.0)
}

/// A point in a parent's frame (x right, z back) to world coordinates.
pub fn to_world(origin: [f32; 3], yaw_deg: f32, local: [f32; 3]) -> [f32; 3] {
    let (fx, fz) = forward(yaw_deg);
    let (rx, rz) = (-fz, fx);
    // local z points backwards (against the heading).
    [origin[0] + rx * local[0] - fx * local[2], origin[1] + local[1], origin[2] + rz * local[0] - fz * local[2]]
}

/// The inverse of [`to_world`].
pub fn from_world(origin: [f32; 3], yaw_deg: f32, world: [f32; 3]) -> [f32; 3] {
    let (fx, fz) = forward(yaw_deg);
    let (rx, rz) = (-fz, fx);
    let (dx, dy, dz) = (world[0] - origin[0], world[1] - origin[1], world[2] - origin[2]);
    [dx * rx + dz * rz, dy, -(dx * fx + dz * fz)]
}
