//! The power in a room: its lamps are lit until a `lights_out` beat and again after
//! `lights_on`; in the dark the emergency lighting takes over (dim red lamps), and a modern
//! room has a lit green exit sign above every door, at all times, brighter in the dark. The
//! state at any time follows the beats before it ([`lamps_on_at`]), so a snapshot at 12 s
//! shows the power as a viewer would find it.

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::models::{Layer, ModelBuilder, Rgb};
use super::{CurrentLayout, SceneClock, WorldPart, WorldSpawn, WorldSystems};
use crate::plan::Surface;
use crate::plan::timeline::lamps_on_at;
use crate::scene::room::Wall;
use crate::scene::{Era, Room};

/// The green of an exit sign and the white of its pictogram.
const SIGN_GREEN: Rgb = [0.05, 0.75, 0.25];
const SIGN_WHITE: Rgb = [0.92, 1.0, 0.94];
/// Lumens of an emergency lamp: enough to find the door by, not to read by.
const EMERGENCY_LUMENS: f32 = 20_000.0;
/// Lumens of the green light an exit sign casts around itself in the dark.
const SIGN_LUMENS: f32 = 3_000.0;

pub struct PowerPlugin;

impl Plugin for PowerPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, spawn_emergency_lighting.in_set(WorldSpawn)).add_systems(Update, switch_power.in_set(WorldSystems));
    }
}

/// A light on the room's power: its lumens with the lamps lit and in a power cut.
#[derive(Component, Debug, Clone, Copy)]
pub struct PowerLight {
    pub on: f32,
    pub off: f32,
}

/// A glowing material on the room's power: its colour with the lamps lit and in a power cut.
#[derive(Component, Debug, Clone, Copy)]
pub struct PowerGlow {
    pub on: Color,
    pub off: Color,
}

impl PowerGlow {
    /// The glowing parts of the room's own lamps: dark when they are out.
    pub fn lamp() -> PowerGlow {
        PowerGlow { on: Color::WHITE, off: Color::srgb(0.05, 0.05, 0.05) }
    }
}

/// Whether a room has exit signs and emergency lighting: rooms of the age of electric light.
pub fn has_emergency_lighting(room: &Room, era: Era) -> bool {
    era >= Era::Ww2 && room.openings().iter().any(|o| o.door)
}

/// Exit signs above every door, the emergency lamps, and the lights they give in the dark.
fn spawn_emergency_lighting(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let setting = &layout.0.setting;
    let Some(room) = setting.room.as_ref().filter(|room| has_emergency_lighting(room, setting.era)) else { return };
    let floor_y = Surface::new(setting, layout.0.seed).ground_height(0.0, 0.0);
    let at_floor = Transform::from_xyz(0.0, floor_y, 0.0);

    let (signs, sign_lights) = exit_signs(room);
    let (lamps, lamp_lights) = emergency_lamps(room);
    let glowing =
        |materials: &mut Assets<StandardMaterial>| materials.add(StandardMaterial { base_color: Color::WHITE, unlit: true, ..default() });
    // The signs are always lit; the darker the room, the brighter they look.
    let sign_glow = PowerGlow { on: Color::srgb(0.75, 0.75, 0.75), off: Color::WHITE };
    // The emergency lamps' lenses are dull red glass until the power goes.
    let lamp_glow = PowerGlow { on: Color::srgb(0.3, 0.12, 0.12), off: Color::WHITE };
    for (builder, glow) in [(signs, sign_glow), (lamps, lamp_glow)] {
        if !builder.glow.is_empty() {
            commands.spawn((
                WorldPart,
                glow,
                NotShadowCaster,
                Mesh3d(meshes.add(builder.glow.into_mesh())),
                MeshMaterial3d(glowing(&mut materials)),
                at_floor,
            ));
        }
        if !builder.solid.is_empty() {
            let housing = materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.6, ..default() });
            commands.spawn((WorldPart, Mesh3d(meshes.add(builder.solid.into_mesh())), MeshMaterial3d(housing), at_floor));
        }
    }
    let lights = sign_lights.into_iter().map(|p| (p, [0.2, 1.0, 0.4], SIGN_LUMENS, 3.5));
    let range = room.reach() * 1.5;
    let lights = lights.chain(lamp_lights.into_iter().map(|p| (p, [1.0, 0.12, 0.08], EMERGENCY_LUMENS, range)));
    for (position, [r, g, b], lumens, range) in lights {
        commands.spawn((
            WorldPart,
            PowerLight { on: 0.0, off: lumens },
            PointLight { color: Color::srgb(r, g, b), intensity: 0.0, range, shadow_maps_enabled: false, ..default() },
            Transform::from_translation(position + Vec3::Y * floor_y),
        ));
    }
}

/// The rotation of something flat against a wall, its width along the wall.
fn along(wall: &Wall) -> Quat {
    let [dx, dz] = wall.direction();
    Quat::from_rotation_y((-dz).atan2(dx))
}

/// A green sign above each door with a white arrow and a doorway on it, and where each casts
/// its light (in front of it, into the room).
fn exit_signs(room: &Room) -> (ModelBuilder, Vec<Vec3>) {
    let mut b = ModelBuilder::new(None);
    let mut lights = Vec::new();
    let walls = room.walls();
    let h = room.height();
    for door in room.openings().into_iter().filter(|o| o.door) {
        let wall = &walls[door.wall];
        let turn = along(wall);
        let y = (door.top + 0.22).min(h - 0.14);
        // A point `s` metres along the wall from the door's middle, `inset` into the room.
        let at = |s: f32, up: f32, inset: f32| {
            let [x, z] = wall.point(door.at + s, inset);
            [x, y + up, z]
        };
        b.layer(Layer::Solid).block_turned([0.52, 0.22, 0.04], at(0.0, 0.0, 0.02), turn, [0.85, 0.85, 0.85]);
        b.layer(Layer::Glow).block_turned([0.48, 0.18, 0.02], at(0.0, 0.0, 0.05), turn, SIGN_GREEN);
        // The pictogram: an arrow pointing to the doorway, the doorway an open white frame.
        b.block_turned([0.2, 0.035, 0.01], at(-0.06, 0.0, 0.065), turn, SIGN_WHITE);
        for side in [1.0f32, -1.0] {
            // The two strokes of the arrowhead meet at its tip.
            let stroke = turn * Quat::from_rotation_z(-side * 0.7);
            b.block_turned([0.09, 0.03, 0.01], at(0.006, side * 0.029, 0.065), stroke, SIGN_WHITE);
        }
        for (s, w, hgt) in [(0.11, 0.02, 0.13), (0.19, 0.02, 0.13)] {
            b.block_turned([w, hgt, 0.01], at(s, 0.0, 0.065), turn, SIGN_WHITE);
        }
        b.block_turned([0.1, 0.02, 0.01], at(0.15, 0.055, 0.065), turn, SIGN_WHITE);
        let [x, _, z] = at(0.0, 0.0, 0.4);
        lights.push(Vec3::new(x, y - 0.1, z));
    }
    (b, lights)
}

/// Emergency lamps high on the walls (one for each door, two at least, four at most): a small
/// housing with a red lens, and the light each gives in the dark.
fn emergency_lamps(room: &Room) -> (ModelBuilder, Vec<Vec3>) {
    let mut b = ModelBuilder::new(None);
    let doors = room.openings().iter().filter(|o| o.door).count();
    let y = room.height() - 0.3;
    let mut lights = Vec::new();
    for ([x, z], yaw) in room.wall_spots(doors.clamp(2, 4), 0.08, 0.5) {
        let facing = Quat::from_rotation_y(-yaw.to_radians());
        b.layer(Layer::Solid).block_turned([0.3, 0.12, 0.1], [x, y, z], facing, [0.8, 0.8, 0.78]);
        let (fx, fz) = crate::plan::place::forward(yaw);
        b.layer(Layer::Glow).block_turned([0.24, 0.07, 0.02], [x + fx * 0.055, y - 0.01, z + fz * 0.055], facing, [1.0, 0.15, 0.1]);
        lights.push(Vec3::new(x + fx * 0.4, y - 0.2, z + fz * 0.4));
    }
    (b, lights)
}

/// Lamps, emergency lights and glowing parts follow the power at this moment.
fn switch_power(
    clock: Res<SceneClock>,
    layout: Option<Res<CurrentLayout>>,
    mut lights: Query<(&PowerLight, &mut PointLight)>,
    glows: Query<(&PowerGlow, &MeshMaterial3d<StandardMaterial>)>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(layout) = layout else { return };
    let on = lamps_on_at(&layout.0, clock.t);
    for (power, mut light) in &mut lights {
        let lumens = if on { power.on } else { power.off };
        if light.intensity != lumens {
            light.intensity = lumens;
        }
    }
    for (glow, material) in &glows {
        let colour = if on { glow.on } else { glow.off };
        if materials.get(&material.0).is_some_and(|m| m.base_color != colour)
            && let Some(mut m) = materials.get_mut(&material.0)
        {
            m.base_color = colour;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Light, Material, RoomShape};

    fn room(doors: u32, shape: RoomShape) -> Room {
        Room {
            purpose: "office".into(),
            shape,
            size: [10.0, 14.0, 3.2],
            walls: Material::Plaster,
            floor: Material::Carpet,
            ceiling: Material::Plaster,
            windows: 2,
            doors,
            lights: Light::Panels,
        }
    }

    #[test]
    fn every_door_of_a_modern_room_has_a_sign_above_it() {
        for shape in [RoomShape::Rectangle, RoomShape::Round, RoomShape::Corridor] {
            let r = room(3, shape);
            let (signs, lights) = exit_signs(&r);
            assert_eq!(lights.len(), 3, "{shape:?}");
            assert!(!signs.glow.is_empty());
            let walls = r.walls();
            for (door, light) in r.openings().iter().filter(|o| o.door).zip(&lights) {
                // Above the doorway, under the ceiling, just inside the room.
                assert!(light.y > door.top && light.y < r.height(), "{shape:?}: {light}");
                let [x, z] = walls[door.wall].point(door.at, 0.4);
                assert!((light.x - x).abs() < 1e-3 && (light.z - z).abs() < 1e-3, "{shape:?}");
                assert!(r.contains(light.x, light.z, 0.0), "{shape:?}: the light is inside");
            }
        }
        assert!(has_emergency_lighting(&room(1, RoomShape::Rectangle), Era::Modern));
        assert!(has_emergency_lighting(&room(1, RoomShape::Rectangle), Era::Ww2));
        assert!(!has_emergency_lighting(&room(1, RoomShape::Rectangle), Era::Medieval), "no exit signs in a castle");
        assert!(!has_emergency_lighting(&room(0, RoomShape::Rectangle), Era::Future), "no door, no sign");
        let (_, lamps) = emergency_lamps(&room(1, RoomShape::Rectangle));
        assert_eq!(lamps.len(), 2);
    }
}
