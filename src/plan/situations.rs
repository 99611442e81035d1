//! The timeline's situations resolved per instance at plan time: who walks out through which
//! door and along which path (evacuate), who falls (collapse), what crouches or rattles while
//! the ground shakes (shake). Motion (`motion.rs`) then follows them as a function of time, so
//! a snapshot at 12 s shows what a viewer sees after 12 s.

use std::collections::HashMap;

use super::layout::{Exit, Layout, Shaken};
use super::motion::Motions;
use super::place::forward;
use super::surface::Surface;
use super::walk::Floor;
use crate::scene::room::WALL_THICKNESS;
use crate::scene::{BeatEvent, Catalog, Habitat, KindInfo, Room, Scene};

/// A hurried walk, metres per second: people leaving a building that is on fire.
pub const HURRY: f32 = 1.8;
/// The most a person waits before setting off after an evacuation beat (not all at once).
const REACTION_S: f32 = 1.2;
/// How far into the room from a door's inner face the walk aims, and how far beyond its outer
/// face it ends (out of the room, where the person is gone).
const DOOR_INSIDE: f32 = 0.35;
const DOOR_BEYOND: f32 = 0.4;
/// Outdoors, people stop this short of the edge of the area.
const EDGE_MARGIN: f32 = 1.0;

/// Fills in every instance's reactions from the scene's timeline; warns about what cannot
/// happen (a room without a door to leave by).
pub fn react(layout: &mut Layout, scene: &Scene) {
    let catalog = Catalog::builtin();
    let infos: HashMap<&str, std::borrow::Cow<'_, KindInfo>> =
        scene.entities.iter().filter_map(|e| Some((e.id.as_str(), catalog.info_for(e)?))).collect();
    let tagged = |entity: &str, tag: &str| infos.get(entity).is_some_and(|k| k.tags.iter().any(|t| t == tag));
    let carrier = layout.spawn.parent;

    for beat in layout.timeline.clone().iter().filter(|b| b.event == BeatEvent::Collapse) {
        let Some(entity) = &beat.entity else { continue };
        let first = layout.instances_of(entity).min_by_key(|(_, inst)| inst.index).map(|(i, _)| i);
        if let Some(i) = first {
            let falls = &mut layout.instances[i].reactions.falls_at;
            *falls = Some(falls.map_or(beat.at, |f| f.min(beat.at)));
        }
    }

    if layout.timeline.iter().any(|b| b.event == BeatEvent::Shake) {
        for (i, inst) in layout.instances.iter_mut().enumerate() {
            let Some(info) = infos.get(inst.entity.as_str()) else { continue };
            let has = |tag: &str| info.tags.iter().any(|t| t == tag);
            let loose = ["prop", "furniture", "equipment"].iter().any(|t| has(t))
                && !["building", "structure", "fixture"].iter().any(|t| has(t))
                && !info.flat
                && !info.backdrop;
            inst.reactions.shaken = match () {
                _ if inst.habitat != Habitat::Ground || Some(i) == carrier => Shaken::Still,
                _ if has("people") && inst.parent.is_none() => Shaken::Crouch,
                _ if loose => Shaken::Rattle,
                _ => Shaken::Still,
            };
        }
    }

    let mut beats: Vec<_> = layout.timeline.iter().filter(|b| b.event == BeatEvent::Evacuate).cloned().collect();
    beats.sort_by(|a, b| a.at.total_cmp(&b.at));
    for beat in beats {
        let leaving: Vec<usize> = (0..layout.instances.len())
            .filter(|&i| {
                let inst = &layout.instances[i];
                let concerned = match &beat.entity {
                    Some(e) => inst.entity == *e,
                    None => tagged(&inst.entity, "people"),
                };
                // Riders stay on what carries them; the player's own carrier stays under the
                // player; people already outside the room are out already.
                let inside = layout.setting.room.as_ref().is_none_or(|room| room.contains(inst.position[0], inst.position[2], 0.0));
                concerned
                    && inst.reactions.exit.is_none()
                    && inst.parent.is_none()
                    && Some(i) != carrier
                    && inst.habitat == Habitat::Ground
                    && inside
            })
            .collect();
        if leaving.is_empty() {
            continue;
        }
        // Each sets off from where its own motion has taken it, after a moment to react.
        let starts: Vec<(f32, [f32; 2])> = {
            let motions = Motions::new(layout);
            leaving
                .iter()
                .map(|&i| {
                    let at = beat.at + (i as f32 * 0.618_034).fract() * REACTION_S;
                    let p = motions.pose(i, at).position;
                    (at, [p[0], p[2]])
                })
                .collect()
        };
        let paths: Vec<Option<Vec<[f32; 2]>>> = match layout.setting.room.clone() {
            Some(room) => {
                let doors = Doors::of(&room);
                if doors.inside.is_empty() {
                    layout.warnings.push(format!("evacuate at {} s: the room has no door to leave by; everyone stays", beat.at));
                    continue;
                }
                let floor = obstacles(layout, &room, &infos);
                starts.iter().map(|&(_, from)| doors.walk(&floor, from)).collect()
            }
            None => starts.iter().map(|&(_, from)| Some(away(layout, from))).collect(),
        };
        for ((&i, (at, _)), path) in leaving.iter().zip(starts).zip(paths) {
            match path {
                Some(path) => layout.instances[i].reactions.exit = Some(Exit { at, speed: HURRY, path }),
                None => {
                    let inst = &layout.instances[i];
                    layout.warnings.push(format!("evacuate: {} #{} finds no way to a door and stays", inst.entity, inst.index));
                }
            }
        }
    }
}

/// The floor of a room with what stands on it: every piece of furniture blocks its footprint;
/// people do not (they squeeze past each other), nor does what lies flat or rides on something.
fn obstacles(layout: &Layout, room: &Room, infos: &HashMap<&str, std::borrow::Cow<'_, KindInfo>>) -> Floor {
    let mut floor = Floor::new(room);
    for inst in &layout.instances {
        let person = infos.get(inst.entity.as_str()).is_some_and(|k| k.tags.iter().any(|t| t == "people"));
        let indoors = room.contains(inst.position[0], inst.position[2], 0.0);
        if !person && indoors && !inst.flat && inst.parent.is_none() && inst.habitat == Habitat::Ground {
            floor.block(inst.position[0], inst.position[2], inst.radius);
        }
    }
    floor
}

/// A room's doors: a point just inside each, and one just beyond it.
struct Doors {
    inside: Vec<[f32; 2]>,
    beyond: Vec<[f32; 2]>,
}

impl Doors {
    fn of(room: &Room) -> Doors {
        let walls = room.walls();
        let doors: Vec<_> = room.openings().into_iter().filter(|o| o.door).collect();
        Doors {
            inside: doors.iter().map(|d| walls[d.wall].point(d.at, DOOR_INSIDE)).collect(),
            beyond: doors.iter().map(|d| walls[d.wall].point(d.at, -(WALL_THICKNESS + DOOR_BEYOND))).collect(),
        }
    }

    /// The walk from `from` out through the nearest door (by the length of the walk).
    fn walk(&self, floor: &Floor, from: [f32; 2]) -> Option<Vec<[f32; 2]>> {
        let (door, mut path) = floor.path(from, &self.inside)?;
        path.push(self.beyond[door]);
        Some(path)
    }
}

/// Outdoors: straight away from the player to the edge of the area, stopping at the water's
/// edge when the way crosses water.
fn away(layout: &Layout, from: [f32; 2]) -> Vec<[f32; 2]> {
    let [sx, _, sz] = layout.spawn.position;
    let (dx, dz) = (from[0] - sx, from[1] - sz);
    let d = dx.hypot(dz);
    let dir = if d > 0.1 {
        [dx / d, dz / d]
    } else {
        let (fx, fz) = forward(layout.spawn.yaw_deg);
        [fx, fz]
    };
    // Distance along `dir` from `from` to the circle of the area (less a margin).
    let edge = layout.setting.area_radius - EDGE_MARGIN;
    let b = from[0] * dir[0] + from[1] * dir[1];
    let c = from[0] * from[0] + from[1] * from[1] - edge * edge;
    let reach = (-b + (b * b - c).max(0.0).sqrt()).max(0.0);
    let surface = Surface::new(&layout.setting, layout.seed);
    let step = 2.0;
    let mut walked = 0.0;
    while walked + step <= reach {
        let (x, z) = (from[0] + dir[0] * (walked + step), from[1] + dir[1] * (walked + step));
        if surface.is_water(x, z) {
            break;
        }
        walked += step;
    }
    if reach - walked < step && !surface.is_water(from[0] + dir[0] * reach, from[1] + dir[1] * reach) {
        walked = reach;
    }
    vec![from, [from[0] + dir[0] * walked, from[1] + dir[1] * walked]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::plan;
    use crate::scene::scene_from_value;

    fn office(timeline: serde_json::Value) -> Scene {
        scene_from_value(
            &serde_json::json!({
                "format": "sayscape.scene/1", "title": "an office on fire",
                "setting": {"terrain": "city", "time_of_day": "night", "era": "modern",
                    "room": {"purpose": "office", "size": [12, 16, 3.2], "windows": 4, "doors": 2}},
                "player": {"vantage": "ground"},
                "entities": [
                    {"id": "desks", "kind": "desk", "count": 6},
                    {"id": "shelves", "kind": "bookshelf", "count": 4, "placement": {"relation": "along_wall"}},
                    {"id": "workers", "kind": "office_worker", "count": 8},
                    {"id": "boss", "kind": "businessman"}
                ],
                "timeline": timeline
            }),
            "test",
        )
        .unwrap()
    }

    /// Furniture footprints (x, z, r) of a layout: what no one may walk through.
    fn furniture(layout: &Layout) -> Vec<[f32; 3]> {
        let catalog = Catalog::builtin();
        layout
            .instances
            .iter()
            .filter(|i| !catalog.get(&i.kind).is_some_and(|k| k.tags.iter().any(|t| t == "people")) && !i.flat && i.parent.is_none())
            .map(|i| [i.position[0], i.position[2], i.radius])
            .collect()
    }

    #[test]
    fn everyone_walks_out_through_a_door_around_the_furniture_and_is_gone() {
        let scene = office(serde_json::json!([{"at": 1.0, "event": "evacuate"}]));
        let layout = plan(&scene, 5);
        let room = layout.setting.room.clone().unwrap();
        let doors = Doors::of(&room);
        let blocks = furniture(&layout);
        let people: Vec<usize> = layout
            .instances
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == "office_worker" || i.kind == "businessman")
            .map(|(i, _)| i)
            .collect();
        assert_eq!(people.len(), 9, "{:?}", layout.warnings);
        let motions = Motions::new(&layout);
        for &i in &people {
            let exit = layout.instances[i].reactions.exit.as_ref().unwrap_or_else(|| panic!("#{i} has no way out: {:?}", layout.warnings));
            assert!(exit.at >= 1.0 && exit.at <= 1.0 + REACTION_S, "sets off at {}", exit.at);
            assert_eq!(exit.speed, HURRY);
            // It starts where it stands and ends beyond a door, outside the room.
            let start = layout.instances[i].position;
            assert!((exit.path[0][0] - start[0]).hypot(exit.path[0][1] - start[2]) < 1e-3);
            let end = *exit.path.last().unwrap();
            assert!(doors.beyond.contains(&end), "#{i} ends at {end:?}");
            assert!(!room.contains(end[0], end[1], 0.0));
            // The body's centre never enters a piece of furniture on the way.
            let length = exit.length();
            for k in 0..=(length / 0.05) as usize {
                let t = exit.at + k as f32 * 0.05 / exit.speed;
                let ([x, z], _) = exit.point(t).unwrap();
                for &[fx, fz, r] in &blocks {
                    assert!((x - fx).hypot(z - fz) >= r, "#{i} walks through furniture at ({x:.2}, {z:.2}), t = {t:.2}");
                }
            }
            // Standing before it sets off, walking at a hurry after, gone once through the door.
            let before = motions.pose(i, exit.at - 0.01).position;
            assert_eq!(before, start);
            let a = motions.pose(i, exit.at + 0.5).position;
            let b = motions.pose(i, exit.at + 1.0).position;
            let speed = (b[0] - a[0]).hypot(b[2] - a[2]) / 0.5;
            assert!(speed <= HURRY + 1e-3 && (exit.length() < 2.0 || speed > HURRY * 0.5), "#{i} walks at {speed} m/s");
            assert!(!layout.has_left(i, exit.gone_at() - 0.05));
            assert!(layout.has_left(i, exit.gone_at() + 0.01));
        }
        // The furniture stays.
        let desk = layout.instances.iter().position(|i| i.kind == "desk").unwrap();
        assert!(layout.instances[desk].reactions.exit.is_none());
        // Deterministic: the same scene and seed, the same ways out.
        assert_eq!(plan(&scene, 5), layout);
    }

    #[test]
    fn only_the_named_entity_leaves_and_a_fall_stops_the_walk() {
        let scene = office(serde_json::json!([
            {"at": 2.0, "event": "evacuate", "entity": "workers"},
            {"at": 3.5, "event": "collapse", "entity": "workers"}
        ]));
        let layout = plan(&scene, 9);
        let boss = layout.instances.iter().position(|i| i.kind == "businessman").unwrap();
        assert!(layout.instances[boss].reactions.exit.is_none());
        let first = layout.instances_of("workers").find(|(_, i)| i.index == 0).unwrap().0;
        assert_eq!(layout.instances[first].reactions.falls_at, Some(3.5));
        // The one who fell stays where it fell, lying down, and never leaves.
        let motions = Motions::new(&layout);
        let standing = motions.pose(first, 3.49);
        assert_eq!(standing.pitch_deg, 0.0);
        // A quick fall, faster and faster: a quarter of the way down at half time.
        let falling = motions.pose(first, 3.5 + 0.4);
        assert!((falling.pitch_deg - 22.5).abs() < 1e-3, "{falling:?}");
        let down = motions.pose(first, 3.5 + 0.8);
        assert!((down.pitch_deg - 90.0).abs() < 1e-3, "lies flat: {down:?}");
        // Lifted by half the body's depth, so that the back rests on the floor.
        let lift = down.position[1] - standing.position[1];
        assert!(lift > 0.08 && lift < 0.2, "lifted {lift} m");
        assert_eq!([down.position[0], down.position[2]], [falling.position[0], falling.position[2]], "stops where it fell");
        let later = motions.pose(first, 60.0);
        assert_eq!(later.position, down.position);
        assert!(!layout.has_left(first, 600.0));
        for (i, inst) in layout.instances_of("workers") {
            assert!(inst.reactions.exit.is_some(), "worker #{} leaves", inst.index);
            if i != first {
                assert!(layout.has_left(i, 600.0));
            }
        }
    }

    #[test]
    fn a_room_without_doors_keeps_everyone_and_says_so() {
        let mut scene = office(serde_json::json!([{"at": 1.0, "event": "evacuate"}]));
        scene.setting.room.as_mut().unwrap().doors = 0;
        let layout = plan(&scene, 1);
        assert!(layout.instances.iter().all(|i| i.reactions.exit.is_none()));
        assert!(layout.warnings.iter().any(|w| w.contains("no door")), "{:?}", layout.warnings);
    }

    #[test]
    fn outdoors_people_walk_away_from_the_player_to_the_edge() {
        let scene = scene_from_value(
            &serde_json::json!({
                "format": "sayscape.scene/1", "title": "a drill in the square",
                "setting": {"terrain": "city", "time_of_day": "noon", "area_radius": 60},
                "player": {"vantage": "ground"},
                "entities": [{"id": "crowd", "kind": "pedestrian", "count": 6, "placement": {"relation": "around", "distance": 8}}],
                "timeline": [{"at": 0.0, "event": "evacuate"}]
            }),
            "test",
        )
        .unwrap();
        let layout = plan(&scene, 2);
        for (i, inst) in layout.instances_of("crowd") {
            let exit = inst.reactions.exit.as_ref().unwrap();
            let end = *exit.path.last().unwrap();
            let (d0, d1) = (inst.position[0].hypot(inst.position[2]), end[0].hypot(end[1]));
            assert!(d1 > d0 + 30.0 && d1 <= 60.0, "#{i}: from {d0:.1} m to {d1:.1} m");
        }
    }

    #[test]
    fn a_shake_crouches_people_and_rattles_loose_things_only() {
        let scene = office(serde_json::json!([{"at": 2.0, "event": "shake", "seconds": 6}]));
        let layout = plan(&scene, 3);
        let of = |kind: &str| layout.instances.iter().find(|i| i.kind == kind).unwrap().reactions.shaken;
        assert_eq!(of("office_worker"), Shaken::Crouch);
        assert_eq!(of("desk"), Shaken::Rattle);
        let index = |kind: &str| layout.instances.iter().position(|i| i.kind == kind).unwrap();
        let (worker, desk) = (index("office_worker"), index("desk"));
        let motions = Motions::new(&layout);
        assert!(motions.moves(worker) && motions.moves(desk));
        // Standing before and after, crouched to 60 % in the middle of it.
        assert_eq!(motions.pose(worker, 1.9).stature, 1.0);
        assert!((motions.pose(worker, 5.0).stature - super::super::motion::CROUCH).abs() < 1e-4);
        assert_eq!(motions.pose(worker, 8.1).stature, 1.0);
        // The desk rattles by a centimetre or two while it shakes, and is where it was after.
        let home = layout.instances[desk].position;
        let moved = (0..50)
            .map(|k| motions.pose(desk, 4.0 + k as f32 * 0.02).position)
            .map(|p| (p[0] - home[0]).hypot(p[2] - home[2]))
            .fold(0.0f32, f32::max);
        assert!(moved > 0.003 && moved < 0.03, "the desk moved {moved} m");
        assert_eq!(motions.pose(desk, 8.1).position, home);
        let none = plan(&office(serde_json::json!([])), 3);
        assert!(none.instances.iter().all(|i| i.reactions.is_none()), "no situation, no reactions");
    }
}
