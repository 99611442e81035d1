//! Open water: one surface to the horizon whose waves move every frame, following the same
//! [`wave_height`] that floating things ride, calm where it laps the shore.

use bevy::light::NotShadowCaster;
use bevy::mesh::VertexAttributeValues;
use bevy::prelude::*;

use super::models::Geometry;
use super::terrain::{HORIZON, radial_grid};
use super::{CurrentLayout, SceneClock, WorldPart, WorldSpawn, WorldSystems};
use crate::plan::{Surface, WATER_LEVEL, wave};
use crate::scene::{Setting, Terrain, WaterKind};

pub struct WaterPlugin;

impl Plugin for WaterPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, spawn_water.in_set(WorldSpawn)).add_systems(Update, move_waves.in_set(WorldSystems));
    }
}

#[derive(Component)]
struct WaterSurface(Water);

/// Beyond this distance waves are too small to see and the surface stays still.
const WAVES_VISIBLE_TO: f32 = 900.0;

/// Open water as CPU data: the grid, how wet each vertex is, its colour and its waves. The
/// world moves its near vertices every frame; the exporter takes one instant of it.
pub struct Water {
    pub xz: Vec<[f32; 2]>,
    pub indices: Vec<u32>,
    /// 1 in open water, 0 on land (where the surface hides under the ground).
    pub wet: Vec<f32>,
    /// Vertices near enough for their waves to be seen; farther ones stay flat.
    pub near: usize,
    pub waves: f32,
    /// The deep colour (sRGB) of its material.
    pub deep: [f32; 3],
}

/// Roughness and reflectance of the water's material; it is seen from both sides.
pub const WATER_ROUGHNESS: f32 = 0.12;

impl Water {
    /// The surface at scenario time `t`: positions and normals (colours white).
    pub fn geometry(&self, t: f32) -> Geometry {
        let mut g = Geometry::default();
        for (k, &[x, z]) in self.xz.iter().enumerate() {
            let (y, n) = if k < self.near { self.height(x, z, self.wet[k], t) } else { (WATER_LEVEL, Vec3::Y) };
            g.positions.push([x, y, z]);
            g.normals.push(n.into());
            g.colors.push([1.0; 4]);
        }
        g.indices = self.indices.clone();
        g
    }

    /// The height and normal of the surface at a vertex.
    fn height(&self, x: f32, z: f32, wet: f32, t: f32) -> (f32, Vec3) {
        let (h, dx, dz) = wave(x, z, t, self.waves);
        (WATER_LEVEL + h * wet - (1.0 - wet) * 0.3, Vec3::new(-dx * wet, 1.0, -dz * wet).normalize())
    }
}

pub fn water(setting: &Setting, seed: u64) -> Option<Water> {
    if !setting.has_water() {
        return None;
    }
    let surface = Surface::new(setting, seed);
    let (xz, indices) = radial_grid(64, 112, HORIZON);
    // The grid is built ring by ring outwards, so the near vertices come first.
    let near = xz.iter().position(|&[x, z]| x * x + z * z > WAVES_VISIBLE_TO * WAVES_VISIBLE_TO).unwrap_or(xz.len());
    let wet: Vec<f32> = xz.iter().map(|&[x, z]| (-surface.shore(x, z) / 8.0).clamp(0.0, 1.0)).collect();
    let deep = match (setting.terrain, setting.water.kind) {
        (Terrain::Swamp, _) => [0.12, 0.16, 0.08],
        (Terrain::Fjord, _) => [0.03, 0.12, 0.18],
        (_, WaterKind::Pond | WaterKind::River) => [0.12, 0.30, 0.32],
        _ => [0.04, 0.20, 0.32],
    };
    let waves = if matches!(setting.water.kind, WaterKind::Pond | WaterKind::Lake | WaterKind::River) && !setting.terrain.has_sea() {
        setting.water.waves * 0.25
    } else {
        setting.water.waves
    };
    Some(Water { xz, indices, wet, near, waves, deep })
}

fn spawn_water(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(water) = water(&layout.0.setting, layout.0.seed) else { return };
    let positions: Vec<[f32; 3]> = water.xz.iter().map(|&[x, z]| [x, WATER_LEVEL, z]).collect();
    let normals = vec![[0.0, 1.0, 0.0]; water.xz.len()];
    let mesh = Mesh::new(bevy::mesh::PrimitiveTopology::TriangleList, bevy::asset::RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(bevy::mesh::Indices::U32(water.indices.clone()));
    let [r, g, b] = water.deep;
    let material = materials.add(StandardMaterial {
        base_color: Color::srgb(r, g, b),
        perceptual_roughness: WATER_ROUGHNESS,
        reflectance: 0.6,
        // Seen from below when the player is under water.
        double_sided: true,
        cull_mode: None,
        ..default()
    });
    commands.spawn((
        WorldPart,
        WaterSurface(water),
        NotShadowCaster,
        Mesh3d(meshes.add(mesh)),
        MeshMaterial3d(material),
        Transform::default(),
    ));
}

/// Moves the near vertices to the wave height at the scenario time, with matching normals.
fn move_waves(clock: Res<SceneClock>, water: Query<(&WaterSurface, &Mesh3d)>, mut meshes: ResMut<Assets<Mesh>>) {
    for (WaterSurface(surface), mesh) in &water {
        let Some(mut mesh) = meshes.get_mut(&mesh.0) else { continue };
        let shape: Vec<(f32, Vec3)> =
            surface.xz[..surface.near].iter().zip(&surface.wet).map(|(&[x, z], &wet)| surface.height(x, z, wet, clock.t)).collect();
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
