//! The ground under the world: where there is land or water, and how high the ground is.
//!
//! The planner and the renderer both read this, so things sit exactly on the terrain the
//! player sees and boats float exactly where the sea is.

use crate::scene::{Setting, Terrain, WaterKind};

/// Height of every water surface.
pub const WATER_LEVEL: f32 = 0.0;
/// Depth of the open sea floor.
pub const SEA_FLOOR: f32 = -25.0;
/// Radius around the spawn that the terrain keeps flat.
const FLAT_SPAWN_RADIUS: f32 = 12.0;

/// The land/water map and heightfield of a setting, deterministic for a seed.
#[derive(Debug, Clone)]
pub struct Surface {
    terrain: Terrain,
    water: WaterKind,
    radius: f32,
    seed: u32,
}

impl Surface {
    pub fn new(setting: &Setting, seed: u64) -> Surface {
        Surface { terrain: setting.terrain, water: setting.water.kind, radius: setting.area_radius, seed: (seed ^ (seed >> 32)) as u32 }
    }

    pub fn terrain(&self) -> Terrain {
        self.terrain
    }

    /// Signed distance-like measure to the shore: positive on land, negative in water.
    pub fn shore(&self, x: f32, z: f32) -> f32 {
        let wobble = 6.0 * (self.noise(x * 0.02, z * 0.02) - 0.5);
        let sea = match self.terrain {
            Terrain::Ocean | Terrain::Underwater => -1000.0,
            Terrain::Island => (self.radius * 0.22).max(25.0) - (x * x + z * z).sqrt() + wobble,
            Terrain::Beach => z + 30.0 + wobble,
            _ => 1000.0,
        };
        let inland = match self.water {
            WaterKind::Lake => ellipse(x, z, 0.0, -self.radius * 0.45, self.radius * 0.35, self.radius * 0.22) + wobble,
            WaterKind::Pond => ellipse(x, z, 10.0, -28.0, 12.0, 9.0) + wobble * 0.3,
            WaterKind::River => (z + self.radius * 0.3).abs() - 14.0 + wobble * 0.5,
            WaterKind::Ocean if !matches!(self.terrain, Terrain::Ocean | Terrain::Underwater | Terrain::Island | Terrain::Beach) => {
                z + self.radius * 0.35 + wobble
            }
            _ => 1000.0,
        };
        sea.min(inland)
    }

    /// Whether (x, z) is open water.
    pub fn is_water(&self, x: f32, z: f32) -> bool {
        self.shore(x, z) < 0.0
    }

    /// Height of the ground (or the sea floor under water) at (x, z).
    pub fn ground_height(&self, x: f32, z: f32) -> f32 {
        let shore = self.shore(x, z);
        if shore < 0.0 {
            return (shore * 0.6).max(if self.terrain == Terrain::Underwater { SEA_FLOOR } else { SEA_FLOOR * 0.6 }) - 0.3;
        }
        let d = (x * x + z * z).sqrt();
        let keep_flat = smoothstep(FLAT_SPAWN_RADIUS, FLAT_SPAWN_RADIUS * 3.0, d);
        let (amp, freq) = match self.terrain {
            Terrain::Desert => (4.0, 0.015),
            Terrain::Mountains => (6.0, 0.01),
            Terrain::Snow | Terrain::Forest | Terrain::Jungle => (2.0, 0.02),
            Terrain::City => (0.2, 0.02),
            _ => (1.2, 0.02),
        };
        let rolling = amp * (self.noise(x * freq, z * freq) - 0.5) * 2.0 * keep_flat;
        // Mountains rise towards the edge of the play area.
        let ridge = if self.terrain == Terrain::Mountains {
            90.0 * smoothstep(self.radius * 0.55, self.radius, d) * (0.6 + 0.8 * self.noise(x * 0.008 + 7.0, z * 0.008))
        } else {
            0.0
        };
        // Land rises gently from the shore so beaches slope into the water.
        let beach = (shore * 0.08).min(1.0);
        beach * (0.4 + rolling.max(-0.3)) + ridge
    }

    /// Value noise in [0, 1], smooth, seeded.
    fn noise(&self, x: f32, z: f32) -> f32 {
        let (xi, zi) = (x.floor(), z.floor());
        let (fx, fz) = (x - xi, z - zi);
        let (ux, uz) = (fx * fx * (3.0 - 2.0 * fx), fz * fz * (3.0 - 2.0 * fz));
        let h = |dx: f32, dz: f32| hash(xi as i32 + dx as i32, zi as i32 + dz as i32, self.seed);
        let a = h(0.0, 0.0) + (h(1.0, 0.0) - h(0.0, 0.0)) * ux;
        let b = h(0.0, 1.0) + (h(1.0, 1.0) - h(0.0, 1.0)) * ux;
        a + (b - a) * uz
    }
}

fn ellipse(x: f32, z: f32, cx: f32, cz: f32, rx: f32, rz: f32) -> f32 {
    let (dx, dz) = ((x - cx) / rx, (z - cz) / rz);
    ((dx * dx + dz * dz).sqrt() - 1.0) * rx.min(rz)
}

fn smoothstep(a: f32, b: f32, x: f32) -> f32 {
    let t = ((x - a) / (b - a)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn hash(x: i32, z: i32, seed: u32) -> f32 {
    let mut h = (x as u32).wrapping_mul(0x27d4_eb2d) ^ (z as u32).wrapping_mul(0x1656_67b1) ^ seed.wrapping_mul(0x9e37_79b9);
    h ^= h >> 15;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    (h & 0x00ff_ffff) as f32 / 0x00ff_ffff as f32
}

/// Swell components: direction (x, z), wavelength in metres, share of the height.
const SWELL: [([f32; 2], f32, f32); 4] =
    [([1.0, 0.3], 48.0, 0.45), ([0.6, -0.8], 27.0, 0.28), ([-0.3, 1.0], 13.0, 0.17), ([0.9, 0.45], 6.5, 0.10)];

/// Height of the water surface above [`WATER_LEVEL`] at (x, z) and time `t`, for a `waves`
/// setting from 0 (mirror) to 1 (storm swell). Deep-water waves: speed √(gλ/2π).
pub fn wave_height(x: f32, z: f32, t: f32, waves: f32) -> f32 {
    wave(x, z, t, waves).0
}

/// The wave height and its slopes (∂h/∂x, ∂h/∂z), for normals without extra evaluations.
pub fn wave(x: f32, z: f32, t: f32, waves: f32) -> (f32, f32, f32) {
    let amplitude = 0.05 + 1.6 * waves * waves + 0.4 * waves;
    let (mut h, mut dx, mut dz) = (0.0, 0.0, 0.0);
    for &([ux, uz], wavelength, share) in &SWELL {
        let k = std::f32::consts::TAU / wavelength;
        let omega = (9.81 * k).sqrt();
        let norm = (ux * ux + uz * uz).sqrt();
        let (ux, uz) = (ux / norm, uz / norm);
        let (sin, cos) = (k * (x * ux + z * uz) - omega * t).sin_cos();
        let a = share * amplitude;
        h += a * sin;
        dx += a * k * ux * cos;
        dz += a * k * uz * cos;
    }
    (h, dx, dz)
}
