//! The ground: a heightfield from the planner's [`Surface`] (so things stand exactly on it),
//! coloured by biome, sand at the shore, snow on high ground, out to the horizon.

use bevy::prelude::*;

use super::models::Geometry;
use super::{CurrentLayout, WorldPart, WorldSpawn};
use crate::plan::Surface;
use crate::scene::{Setting, Terrain};

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

/// The ground of a setting as CPU geometry: the heightfield, and on a volcano its lava and the
/// crater's glow. `None` where there is no ground (open sea, open space). The world and the
/// exporter both build it here.
pub struct Ground {
    pub geometry: Geometry,
    pub lava: Option<Lava>,
}

/// Rivers of lava down a volcano and the point light over its crater.
pub struct Lava {
    pub geometry: Geometry,
    /// sRGB base colour and linear emissive colour of the lava's material.
    pub base: [f32; 3],
    pub emissive: [f32; 3],
    /// The crater's light: position, colour (sRGB), lumens, range.
    pub light: (Vec3, [f32; 3], f32, f32),
}

/// Roughness of the ground's material (white, coloured by its vertices).
pub const GROUND_ROUGHNESS: f32 = 0.95;

pub fn ground(setting: &Setting, seed: u64) -> Option<Ground> {
    let surface = Surface::new(setting, seed);
    if !surface.has_ground() {
        // Open sea (the sea floor is never seen; islands are entities) or open space.
        return None;
    }
    let geometry = ground_geometry(&surface, setting.terrain);
    let lava = (setting.terrain == Terrain::Volcanic).then(|| {
        let [x, z] = surface.volcano();
        let top = surface.ground_height(x, z) + 30.0;
        Lava {
            geometry: lava_geometry(&surface),
            base: [0.4, 0.1, 0.02],
            emissive: [2.6, 0.55, 0.06],
            light: (Vec3::new(x, top, z), [1.0, 0.45, 0.15], 1.2e9, 1500.0),
        }
    });
    Some(Ground { geometry, lava })
}

fn spawn_terrain(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(ground) = ground(&layout.0.setting, layout.0.seed) else { return };
    let mesh = meshes.add(ground.geometry.into_mesh());
    let material =
        materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: GROUND_ROUGHNESS, reflectance: 0.2, ..default() });
    commands.spawn((WorldPart, Mesh3d(mesh), MeshMaterial3d(material), Transform::default()));
    if let Some(lava) = ground.lava {
        let [r, g, b] = lava.base;
        let [er, eg, eb] = lava.emissive;
        let material = materials.add(StandardMaterial {
            base_color: Color::srgb(r, g, b),
            emissive: LinearRgba::rgb(er, eg, eb),
            perceptual_roughness: 0.6,
            ..default()
        });
        commands.spawn((WorldPart, Mesh3d(meshes.add(lava.geometry.into_mesh())), MeshMaterial3d(material), Transform::default()));
        // The crater lights the smoke and the slopes around it.
        let (at, [r, g, b], intensity, range) = lava.light;
        commands.spawn((
            WorldPart,
            PointLight { color: Color::srgb(r, g, b), intensity, range, shadow_maps_enabled: false, ..default() },
            Transform::from_translation(at),
        ));
    }
}

/// Rivers of lava from the crater down the cone towards the player, stopping short of them.
fn lava_geometry(surface: &Surface) -> Geometry {
    let mut g = Geometry::default();
    let [cx, cz] = surface.volcano();
    for (k, spread) in [-0.35f32, 0.05, 0.4].into_iter().enumerate() {
        let steps = 60;
        let base = g.positions.len() as u32;
        let end = Vec2::new(cx * 0.3 + spread * 260.0, cz * 0.25);
        for s in 0..=steps {
            let u = s as f32 / steps as f32;
            let along = Vec2::new(cx, cz).lerp(end, u);
            let side = Vec2::new(end.y - cz, -(end.x - cx)).normalize_or_zero();
            let wiggle = side * (u * 9.0 + k as f32).sin() * 18.0 * u;
            let centre = along + wiggle;
            let width = 4.0 + 10.0 * u;
            for edge in [-1.0, 1.0] {
                let p = centre + side * edge * width;
                let y = surface.ground_height(p.x, p.y) + 0.4;
                g.positions.push([p.x, y, p.y]);
                g.normals.push([0.0, 1.0, 0.0]);
                let heat = 0.75 + 0.25 * ((u * 40.0 + edge).sin());
                g.colors.push([heat, heat * 0.8, heat * 0.7, 1.0]);
            }
        }
        for s in 0..steps {
            let (a, b) = (base + s * 2, base + s * 2 + 2);
            g.indices.extend([a, b, b + 1, a, b + 1, a + 1, a, b + 1, b, a, a + 1, b + 1]);
        }
    }
    g
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
        Terrain::Underwater | Terrain::Ocean | Terrain::Space => Vec3::new(0.72, 0.66, 0.48),
        Terrain::Savanna => Vec3::new(0.70, 0.62, 0.32),
        Terrain::Arctic => Vec3::new(0.86, 0.92, 0.98),
        Terrain::Volcanic => Vec3::new(0.16, 0.14, 0.13),
        Terrain::Canyon => Vec3::new(0.72, 0.40, 0.24),
        Terrain::Fjord => Vec3::new(0.30, 0.42, 0.24),
        Terrain::Swamp => Vec3::new(0.26, 0.30, 0.14),
        Terrain::Moon => Vec3::new(0.56, 0.55, 0.53),
        Terrain::Mars => Vec3::new(0.70, 0.36, 0.20),
    };
    // Savanna grass: dry gold with patches of green.
    let base = if terrain == Terrain::Savanna {
        base.lerp(Vec3::new(0.46, 0.52, 0.22), (0.5 + 0.5 * ((x * 0.021).sin() * (z * 0.017).cos())).powi(3))
    } else {
        base
    };
    let sand = Vec3::new(0.86, 0.78, 0.56);
    let rock = Vec3::new(0.45, 0.43, 0.40);
    let mut c = if shore < 0.0 {
        // Sea or lake floor.
        sand * 0.75
    } else if shore < 7.0 && !matches!(terrain, Terrain::Snow | Terrain::City | Terrain::Swamp | Terrain::Arctic | Terrain::Fjord) {
        sand.lerp(base, ((shore - 4.0) / 3.0).clamp(0.0, 1.0))
    } else {
        base
    };
    // Steep ground is bare rock, of the terrain's own colour where the terrain is rock.
    let rock = match terrain {
        Terrain::Canyon => Vec3::new(0.62, 0.30, 0.18) * (0.85 + 0.15 * (y * 0.35).sin()),
        Terrain::Moon => Vec3::new(0.42, 0.41, 0.40),
        Terrain::Mars => Vec3::new(0.50, 0.26, 0.16),
        Terrain::Volcanic => Vec3::new(0.10, 0.09, 0.09),
        Terrain::Arctic => Vec3::new(0.70, 0.82, 0.92),
        _ => rock,
    };
    if up < 0.8 && terrain != Terrain::Desert {
        c = c.lerp(rock, ((0.8 - up) * 4.0).clamp(0.0, 1.0));
    }
    let snowline = match terrain {
        Terrain::Canyon | Terrain::Moon | Terrain::Mars | Terrain::Volcanic => f32::INFINITY,
        _ => 45.0,
    };
    if y > snowline {
        c = c.lerp(Vec3::new(0.95, 0.96, 0.98), ((y - snowline) / 15.0).clamp(0.0, 1.0));
    }
    c * mottle
}
