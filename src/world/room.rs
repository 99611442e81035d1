//! The room of an indoor scene: floor, walls with their doors and windows, ceiling (a cone
//! for a round canvas tent, a dome for a cave), and its lamps — the light fittings and the
//! point lights that are the room's light, on the room's power (`power.rs` switches them).
//! Built from [`Room`]'s own geometry, which the planner furnished, so everything stands
//! inside these walls.

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::models::{Geometry, Layer, ModelBuilder, Rgb};
use super::power::{PowerGlow, PowerLight};
use super::{CurrentLayout, WorldPart, WorldSpawn};
use crate::plan::Surface;
use crate::scene::room::{Opening, WALL_THICKNESS, Wall};
use crate::scene::{Light, Material, Room, RoomShape, Setting};

/// At most this many point lights light a room (each costs every lit pixel).
const MAX_ROOM_LIGHTS: usize = 6;

/// Which surface of the room a mesh is, for the picture's coverage report.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomPart {
    Walls,
    Floor,
    Ceiling,
}

impl RoomPart {
    /// The name the coverage report gives it.
    pub fn kind(self) -> &'static str {
        match self {
            RoomPart::Walls => "room_walls",
            RoomPart::Floor => "room_floor",
            RoomPart::Ceiling => "room_ceiling",
        }
    }
}

pub struct RoomPlugin;

impl Plugin for RoomPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, spawn_room.in_set(WorldSpawn));
    }
}

/// A room as CPU geometry, in the room's frame (its floor at y = 0; the room stands at
/// `floor_y`): floor, walls and ceiling, the lamps' solid and glowing parts, and the point
/// lights (position, lumens, range) of colour `light` (sRGB). The world and the exporter both
/// build it here.
pub struct RoomParts {
    pub floor_y: f32,
    pub surfaces: Vec<(RoomPart, Geometry)>,
    pub fittings: Geometry,
    pub glow: Geometry,
    pub lights: Vec<(Vec3, f32, f32)>,
    pub light: Rgb,
}

/// Roughness of the room's surfaces (white, coloured by their vertices).
pub const ROOM_ROUGHNESS: f32 = 0.85;

pub fn room_parts(setting: &Setting, seed: u64) -> Option<RoomParts> {
    let room = setting.room.as_ref()?;
    let floor_y = Surface::new(setting, seed).ground_height(0.0, 0.0);
    let surfaces =
        vec![(RoomPart::Floor, floor(room).solid), (RoomPart::Walls, walls(room).solid), (RoomPart::Ceiling, ceiling(room).solid)];
    let (fittings, lights) = lamps(room);
    Some(RoomParts { floor_y, surfaces, fittings: fittings.solid, glow: fittings.glow, lights, light: room.lights.rgb() })
}

fn spawn_room(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(room) = room_parts(&layout.0.setting, layout.0.seed) else { return };
    let at = Transform::from_xyz(0.0, room.floor_y, 0.0);
    let surface =
        materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: ROOM_ROUGHNESS, reflectance: 0.2, ..default() });
    for (part, geometry) in room.surfaces {
        commands.spawn((WorldPart, part, Mesh3d(meshes.add(geometry.into_mesh())), MeshMaterial3d(surface.clone()), at));
    }
    if !room.glow.is_empty() {
        let glow = materials.add(StandardMaterial { base_color: Color::WHITE, unlit: true, ..default() });
        commands.spawn((
            WorldPart,
            PowerGlow::lamp(),
            NotShadowCaster,
            Mesh3d(meshes.add(room.glow.into_mesh())),
            MeshMaterial3d(glow),
            at,
        ));
    }
    if !room.fittings.is_empty() {
        commands.spawn((WorldPart, Mesh3d(meshes.add(room.fittings.into_mesh())), MeshMaterial3d(surface), at));
    }
    let [r, g, b] = room.light;
    for (position, intensity, range) in room.lights {
        commands.spawn((
            WorldPart,
            PowerLight { on: intensity, off: 0.0 },
            PointLight { color: Color::srgb(r, g, b), intensity, range, shadow_maps_enabled: false, ..default() },
            Transform::from_translation(position + Vec3::Y * room.floor_y),
        ));
    }
}

/// A little variation so that a large floor or wall is not one flat colour.
fn shade(c: Rgb, k: usize) -> Rgb {
    let f = [1.0, 0.94, 1.04, 0.97][k % 4];
    [c[0] * f, c[1] * f, c[2] * f]
}

fn floor(room: &Room) -> ModelBuilder {
    let mut b = ModelBuilder::new(None);
    let color = room.floor.rgb();
    match room.shape {
        // A little above the ground under it, so the two never flicker into each other.
        RoomShape::Round | RoomShape::Cave => fan(&mut b, room, 0.02, 0.0, color),
        _ => {
            // Boards or tiles: strips across the room, alternately shaded.
            let (w, l) = (room.width(), room.length());
            let strips = (l / 1.2).ceil().max(1.0) as usize;
            for k in 0..strips {
                let z0 = -l / 2.0 + l * k as f32 / strips as f32;
                let dz = l / strips as f32;
                b.block([w, 0.1, dz], [0.0, -0.04, z0 + dz / 2.0], shade(color, k));
            }
        }
    }
    b
}

/// A flat polygon (floor or ceiling) of a round room, or a raised one (a tent's cone, a
/// cave's dome) when `rise` is above 0; its triangles are seen from both sides.
fn fan(b: &mut ModelBuilder, room: &Room, base: f32, rise: f32, color: Rgb) {
    let walls = room.walls();
    let rings = if rise > 0.0 { 4 } else { 1 };
    for (k, wall) in walls.iter().enumerate() {
        for ring in 0..rings {
            // From the wall (t = 0) towards the centre (t = 1), rising along a curve.
            let (t0, t1) = (ring as f32 / rings as f32, (ring + 1) as f32 / rings as f32);
            // A cave's roof is a dome, a tent's a cone.
            let lift = |t: f32| base + rise * if room.shape == RoomShape::Cave { (1.0 - (1.0 - t).powi(2)).sqrt() } else { t };
            let at = |p: [f32; 2], t: f32| [p[0] * (1.0 - t), lift(t), p[1] * (1.0 - t)];
            let (a0, b0, a1, b1) = (at(wall.a, t0), at(wall.b, t0), at(wall.a, t1), at(wall.b, t1));
            let c = shade(color, k + ring);
            b.tri(a0, a1, b1, c).tri(a0, b1, b0, c);
        }
    }
}

fn walls(room: &Room) -> ModelBuilder {
    let mut b = ModelBuilder::new(None);
    let openings = room.openings();
    let height = room.height();
    let color = room.walls.rgb();
    for (k, wall) in room.walls().iter().enumerate() {
        let mut holes: Vec<&Opening> = openings.iter().filter(|o| o.wall == k).collect();
        holes.sort_by(|a, b| a.at.total_cmp(&b.at));
        let len = wall.length();
        let c = shade(color, k);
        let mut s = 0.0;
        for hole in holes {
            let (left, right) = (hole.at - hole.width / 2.0, hole.at + hole.width / 2.0);
            wall_piece(&mut b, wall, [s, left], [0.0, height], c);
            wall_piece(&mut b, wall, [left, right], [0.0, hole.bottom], c);
            wall_piece(&mut b, wall, [left, right], [hole.top, height], c);
            if hole.door {
                // A closed door of dark wood in the doorway, with a brass handle.
                let door = Material::Wood.rgb().map(|v| v * 0.6);
                wall_piece_inset(&mut b, wall, [left, right], [0.0, hole.top], -WALL_THICKNESS / 2.0, door);
                let knob = wall.point(right - 0.2, -0.02);
                b.ball([0.05; 3], [knob[0], 1.0, knob[1]], [0.8, 0.65, 0.2]);
            } else {
                // A sill and a frame, so an opening reads as a window.
                let frame = [0.3, 0.25, 0.2];
                wall_piece_inset(&mut b, wall, [left - 0.08, right + 0.08], [hole.bottom - 0.08, hole.bottom], -0.08, frame);
                wall_piece_inset(&mut b, wall, [left - 0.08, right + 0.08], [hole.top, hole.top + 0.08], -0.04, frame);
                let mid = (left + right) / 2.0;
                wall_piece_inset(&mut b, wall, [mid - 0.03, mid + 0.03], [hole.bottom, hole.top], 0.1, frame);
            }
            s = right;
        }
        wall_piece(&mut b, wall, [s, len], [0.0, height], c);
        // A skirting board where wall meets floor.
        wall_piece_inset(&mut b, wall, [0.0, len], [0.0, 0.12], -0.03, c.map(|v| v * 0.6));
    }
    b
}

/// A stretch of wall `along` it (metres from its start) and `up` it (heights), standing
/// outside the inner face.
fn wall_piece(b: &mut ModelBuilder, wall: &Wall, along: [f32; 2], up: [f32; 2], color: Rgb) {
    wall_piece_inset(b, wall, along, up, -WALL_THICKNESS / 2.0, color);
}

/// Like [`wall_piece`] with its middle `inset` metres into the room (negative: outwards),
/// thinner than the wall when it is not the wall itself.
fn wall_piece_inset(b: &mut ModelBuilder, wall: &Wall, [s0, s1]: [f32; 2], [y0, y1]: [f32; 2], inset: f32, color: Rgb) {
    if s1 - s0 < 0.01 || y1 - y0 < 0.01 {
        return;
    }
    // In the wall's own plane (walls, doors) a piece is as thick as the wall; trims are thin.
    let thickness = if inset == -WALL_THICKNESS / 2.0 { WALL_THICKNESS } else { 0.08 };
    let [x, z] = wall.point((s0 + s1) / 2.0, inset);
    let [dx, dz] = wall.direction();
    let rotation = Quat::from_rotation_y((-dz).atan2(dx));
    b.block_turned([s1 - s0, y1 - y0, thickness], [x, (y0 + y1) / 2.0, z], rotation, color);
}

fn ceiling(room: &Room) -> ModelBuilder {
    let mut b = ModelBuilder::new(None);
    let color = room.ceiling.rgb();
    let h = room.height();
    match (room.shape, room.ceiling) {
        // A big top: canvas rising to a pole at the centre.
        (RoomShape::Round, Material::Canvas) => {
            fan(&mut b, room, h, room.width() * 0.3, color);
            b.post(0.2, h + room.width() * 0.3, [0.0, 0.0, 0.0], [0.6, 0.6, 0.62]);
        }
        (RoomShape::Cave, _) => fan(&mut b, room, h, room.width() * 0.15, color),
        (RoomShape::Round, _) => fan(&mut b, room, h, 0.0, color),
        _ => {
            let (w, l) = (room.width() + 2.0 * WALL_THICKNESS, room.length() + 2.0 * WALL_THICKNESS);
            b.block([w, 0.2, l], [0.0, h + 0.1, 0.0], color);
            // A timber ceiling rests on beams across, every few metres.
            let beams = if room.ceiling == Material::Wood { (room.length() / 3.0).floor() as usize } else { 0 };
            for k in 1..beams.max(1) {
                let z = -room.length() / 2.0 + room.length() * k as f32 / beams as f32;
                b.block([room.width(), 0.25, 0.25], [0.0, h - 0.12, z], color.map(|v| v * 0.8));
            }
        }
    }
    b
}

/// The light fittings (glowing parts, solid parts) and the point lights (position, lumens,
/// range) of a room.
fn lamps(room: &Room) -> (ModelBuilder, Vec<(Vec3, f32, f32)>) {
    let mut b = ModelBuilder::new(None);
    let mut lights = Vec::new();
    if room.lights == Light::None {
        return (b, lights);
    }
    let h = room.height();
    let glow = room.lights.rgb();
    let area = match room.shape {
        RoomShape::Round | RoomShape::Cave => std::f32::consts::PI * (room.width() / 2.0).powi(2),
        _ => room.width() * room.length(),
    };
    let count = ((area / 30.0).ceil() as usize).clamp(1, MAX_ROOM_LIGHTS);
    // Enough light for the whole floor, shared by the lamps; flames are dimmer and warmer.
    let per_lamp = (area * 2500.0 / count as f32).clamp(20_000.0, 1_500_000.0) * if room.lights.on_walls() { 0.6 } else { 1.0 };
    let range = room.reach() * 2.0 + h;
    if room.lights.on_walls() {
        let y = (h * 0.6).clamp(1.8, 3.0);
        for (k, ([x, z], yaw)) in room.wall_spots(count * 2, 0.12, 0.25).into_iter().enumerate() {
            let facing = Quat::from_rotation_y(-yaw.to_radians());
            match room.lights {
                Light::Neon => {
                    let colour = if k % 2 == 0 { [1.0, 0.3, 0.8] } else { [0.3, 0.9, 1.0] };
                    b.layer(Layer::Glow).block_turned([1.6, 0.08, 0.06], [x, y + 0.4, z], facing, colour);
                }
                _ => {
                    b.layer(Layer::Solid).block_turned([0.12, 0.35, 0.12], [x, y - 0.25, z], facing, [0.25, 0.2, 0.15]);
                    b.layer(Layer::Glow).ball([0.07, 0.12, 0.07], [x, y, z], glow);
                }
            }
            if k % 2 == 0 && lights.len() < count {
                // Half a metre into the room from the flame.
                let (fx, fz) = crate::plan::place::forward(yaw);
                lights.push((Vec3::new(x + fx * 0.5, y, z + fz * 0.5), per_lamp, range));
            }
        }
        return (b, lights);
    }
    for [x, z] in ceiling_grid(room, count) {
        let y = h - 0.05;
        match room.lights {
            Light::Chandeliers => {
                let drop = (h * 0.25).clamp(0.6, 2.5);
                b.layer(Layer::Solid).post(0.02, drop, [x, y - drop, z], [0.3, 0.25, 0.1]);
                b.block([1.2, 0.06, 0.06], [x, y - drop, z], [0.75, 0.6, 0.2]).block([0.06, 0.06, 1.2], [x, y - drop, z], [0.75, 0.6, 0.2]);
                b.layer(Layer::Glow);
                for (dx, dz) in [(0.6, 0.0), (-0.6, 0.0), (0.0, 0.6), (0.0, -0.6)] {
                    b.ball([0.06, 0.1, 0.06], [x + dx, y - drop + 0.12, z + dz], glow);
                }
                lights.push((Vec3::new(x, y - drop - 0.3, z), per_lamp, range));
            }
            Light::Panels => {
                b.layer(Layer::Glow).block([1.8, 0.04, 0.6], [x, y, z], glow);
                lights.push((Vec3::new(x, y - 0.6, z), per_lamp, range));
            }
            _ => {
                b.layer(Layer::Solid).post(0.015, 0.5, [x, y - 0.5, z], [0.2, 0.2, 0.2]);
                b.cone(0.3, 0.25, [x, y - 0.62, z], [0.2, 0.25, 0.2]);
                b.layer(Layer::Glow).ball([0.12; 3], [x, y - 0.66, z], glow);
                lights.push((Vec3::new(x, y - 0.9, z), per_lamp, range));
            }
        }
    }
    (b, lights)
}

/// `n` points spread over the ceiling: a row down a corridor, a ring in a round room, a grid
/// elsewhere.
fn ceiling_grid(room: &Room, n: usize) -> Vec<[f32; 2]> {
    match room.shape {
        RoomShape::Round | RoomShape::Cave if n > 1 => (0..n)
            .map(|k| {
                let a = k as f32 / n as f32 * std::f32::consts::TAU;
                let r = room.width() * 0.25;
                [a.sin() * r, a.cos() * r]
            })
            .collect(),
        RoomShape::Round | RoomShape::Cave => vec![[0.0, 0.0]],
        _ => {
            let (w, l) = (room.width(), room.length());
            let cols = if room.shape == RoomShape::Corridor { 1 } else { ((n as f32 * w / l).sqrt().round() as usize).clamp(1, n) };
            let rows = n.div_ceil(cols);
            (0..rows)
                .flat_map(|r| {
                    (0..cols).map(move |c| [w * ((c as f32 + 0.5) / cols as f32 - 0.5), l * ((r as f32 + 0.5) / rows as f32 - 0.5)])
                })
                .take(n)
                .collect()
        }
    }
}
