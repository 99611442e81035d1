//! Open water: one surface to the horizon whose waves move every frame, following the same
//! [`wave_height`] that floating things ride, calm where it laps the shore.

use bevy::light::NotShadowCaster;
use bevy::mesh::VertexAttributeValues;
use bevy::prelude::*;

use super::terrain::{HORIZON, radial_grid};
use super::{CurrentLayout, SceneClock, WorldPart, WorldSpawn, WorldSystems};
use crate::plan::{Surface, WATER_LEVEL, wave};
use crate::scene::{Terrain, WaterKind};

pub struct WaterPlugin;

impl Plugin for WaterPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, spawn_water.in_set(WorldSpawn)).add_systems(Update, move_waves.in_set(WorldSystems));
    }
}

#[derive(Component)]
struct WaterSurface {
    xz: Vec<[f32; 2]>,
    /// 1 in open water, 0 on land (where the surface hides under the ground).
    wet: Vec<f32>,
    /// Vertices near enough for their waves to be seen; farther ones stay flat.
    near: usize,
    waves: f32,
}

/// Beyond this distance waves are too small to see and the surface stays still.
const WAVES_VISIBLE_TO: f32 = 900.0;

fn spawn_water(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let setting = &layout.0.setting;
    if !setting.has_water() {
        return;
    }
    let surface = Surface::new(setting, layout.0.seed);
    let (xz, indices) = radial_grid(64, 112, HORIZON);
    // The grid is built ring by ring outwards, so the near vertices come first.
    let near = xz.iter().position(|&[x, z]| x * x + z * z > WAVES_VISIBLE_TO * WAVES_VISIBLE_TO).unwrap_or(xz.len());
    let wet: Vec<f32> = xz.iter().map(|&[x, z]| (-surface.shore(x, z) / 8.0).clamp(0.0, 1.0)).collect();
    let positions: Vec<[f32; 3]> = xz.iter().map(|&[x, z]| [x, WATER_LEVEL, z]).collect();
    let normals = vec![[0.0, 1.0, 0.0]; xz.len()];
    let mesh = Mesh::new(bevy::mesh::PrimitiveTopology::TriangleList, bevy::asset::RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(bevy::mesh::Indices::U32(indices));
    let deep = match (setting.terrain, setting.water.kind) {
        (Terrain::Swamp, _) => Color::srgb(0.12, 0.16, 0.08),
        (Terrain::Fjord, _) => Color::srgb(0.03, 0.12, 0.18),
        (_, WaterKind::Pond | WaterKind::River) => Color::srgb(0.12, 0.30, 0.32),
        _ => Color::srgb(0.04, 0.20, 0.32),
    };
    let material = materials.add(StandardMaterial {
        base_color: deep,
        perceptual_roughness: 0.12,
        reflectance: 0.6,
        // Seen from below when the player is under water.
        double_sided: true,
        cull_mode: None,
        ..default()
    });
    let waves = if matches!(setting.water.kind, WaterKind::Pond | WaterKind::Lake | WaterKind::River) && !setting.terrain.has_sea() {
        setting.water.waves * 0.25
    } else {
        setting.water.waves
    };
    commands.spawn((
        WorldPart,
        WaterSurface { xz, wet, near, waves },
        NotShadowCaster,
        Mesh3d(meshes.add(mesh)),
        MeshMaterial3d(material),
        Transform::default(),
    ));
}

/// Moves the near vertices to the wave height at the scenario time, with matching normals.
fn move_waves(clock: Res<SceneClock>, water: Query<(&WaterSurface, &Mesh3d)>, mut meshes: ResMut<Assets<Mesh>>) {
    for (surface, mesh) in &water {
        let Some(mut mesh) = meshes.get_mut(&mesh.0) else { continue };
        let shape: Vec<(f32, Vec3)> = surface.xz[..surface.near]
            .iter()
            .zip(&surface.wet)
            .map(|(&[x, z], &wet)| {
                let (h, dx, dz) = wave(x, z, clock.t, surface.waves);
                (WATER_LEVEL + h * wet - (1.0 - wet) * 0.3, Vec3::new(-dx * wet, 1.0, -dz * wet).normalize())
            })
            .collect();
        if let Some(VertexAttributeValues::Float32x3(positions)) = mesh.attribute_mut(Mesh::ATTRIBUTE_POSITION) {
            for (p, (h, _)) in positions.iter_mut().zip(&shape) {
                p[1] = *h;
            }
        }
        if let Some(VertexAttributeValues::Float32x3(normals)) = mesh.attribute_mut(Mesh::ATTRIBUTE_NORMAL) {
            for (n, (_, normal)) in normals.iter_mut().zip(&shape) {
                *n = (*normal).into();
            }
        }
    }
}
