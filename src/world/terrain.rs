//! The ground: a heightfield from the planner's [`Surface`] (so things stand exactly on it),
//! coloured by biome, sand at the shore, snow on high ground, out to the horizon.

use bevy::prelude::*;

use super::models::Geometry;
use super::{CurrentLayout, WorldPart, WorldSpawn};
use crate::plan::Surface;
use crate::scene::Terrain;

/// How far the ground (and the sea) reaches.
pub const HORIZON: f32 = 3800.0;

pub struct TerrainPlugin;

impl Plugin for TerrainPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, spawn_terrain.in_set(WorldSpawn));
    }
}

/// A disc of `rings` × `segments` vertices, dense near the centre and sparse at the horizon.
/// Returns the (x, z) of each vertex and the triangle indices (counter-clockwise from above).
pub fn radial_grid(rings: u32, segments: u32, radius: f32) -> (Vec<[f32; 2]>, Vec<u32>) {
    let mut xz = vec![[0.0, 0.0]];
    for r in 1..=rings {
        let d = radius * (r as f32 / rings as f32).powf(2.2);
        for s in 0..segments {
            let a = s as f32 / segments as f32 * std::f32::consts::TAU;
            xz.push([a.cos() * d, -a.sin() * d]);
        }
    }
    let mut indices = Vec::new();
    let at = |r: u32, s: u32| 1 + (r - 1) * segments + s % segments;
    for s in 0..segments {
        indices.extend([0, at(1, s), at(1, s + 1)]);
    }
    for r in 1..rings {
        for s in 0..segments {
            let (a, b, c, d) = (at(r, s), at(r + 1, s), at(r + 1, s + 1), at(r, s + 1));
            indices.extend([a, b, c, a, c, d]);
        }
    }
    (xz, indices)
}

fn spawn_terrain(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let setting = &layout.0.setting;
    if setting.terrain == Terrain::Ocean {
        // Open sea: the sea floor is never seen; islands are entities.
        return;
    }
    let surface = Surface::new(setting, layout.0.seed);
    let mesh = meshes.add(ground_geometry(&surface, setting.terrain).into_mesh());
    let material = materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.95, reflectance: 0.2, ..default() });
    commands.spawn((WorldPart, Mesh3d(mesh), MeshMaterial3d(material), Transform::default()));
}

pub fn ground_geometry(surface: &Surface, terrain: Terrain) -> Geometry {
    let (xz, indices) = radial_grid(120, 128, HORIZON);
    let mut g = Geometry::default();
    let height = |x: f32, z: f32| surface.ground_height(x, z);
    for &[x, z] in &xz {
        let y = height(x, z);
        let e = 0.5 + (x * x + z * z).sqrt() * 0.01;
        let n = Vec3::new(height(x - e, z) - height(x + e, z), 2.0 * e, height(x, z - e) - height(x, z + e)).normalize();
        let c = ground_color(surface, terrain, x, y, z, n.y);
        let lin = Color::srgb(c.x, c.y, c.z).to_linear();
        g.positions.push([x, y, z]);
        g.normals.push(n.into());
        g.colors.push([lin.red, lin.green, lin.blue, 1.0]);
    }
    g.indices = indices;
    g
}

fn ground_color(surface: &Surface, terrain: Terrain, x: f32, y: f32, z: f32, up: f32) -> Vec3 {
    let shore = surface.shore(x, z);
    // A cheap pattern so large areas are not one flat colour.
    let mottle = 0.92 + 0.08 * ((x * 0.13).sin() * (z * 0.11).cos() + (x * 0.031 + z * 0.027).sin());
    let base = match terrain {
        Terrain::Grassland | Terrain::Island | Terrain::Beach => Vec3::new(0.34, 0.56, 0.22),
        Terrain::Farmland => Vec3::new(0.42, 0.55, 0.25),
        Terrain::Forest => Vec3::new(0.22, 0.42, 0.17),
        Terrain::Jungle => Vec3::new(0.18, 0.45, 0.15),
        Terrain::Desert => Vec3::new(0.86, 0.72, 0.48),
        Terrain::Snow => Vec3::new(0.92, 0.94, 0.97),
        Terrain::Mountains => Vec3::new(0.36, 0.5, 0.25),
        Terrain::City => Vec3::new(0.36, 0.36, 0.37),
        Terrain::Underwater | Terrain::Ocean => Vec3::new(0.72, 0.66, 0.48),
    };
    let sand = Vec3::new(0.86, 0.78, 0.56);
    let rock = Vec3::new(0.45, 0.43, 0.40);
    let mut c = if shore < 0.0 {
        // Sea or lake floor.
        sand * 0.75
    } else if shore < 7.0 && terrain != Terrain::Snow && terrain != Terrain::City {
        sand.lerp(base, ((shore - 4.0) / 3.0).clamp(0.0, 1.0))
    } else {
        base
    };
    if up < 0.8 && terrain != Terrain::Desert {
        c = c.lerp(rock, ((0.8 - up) * 4.0).clamp(0.0, 1.0));
    }
    if y > 45.0 {
        c = c.lerp(Vec3::new(0.95, 0.96, 0.98), ((y - 45.0) / 15.0).clamp(0.0, 1.0));
    }
    c * mottle
}
