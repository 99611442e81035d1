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
    /// Radius around the origin kept flat: the spawn's clearing, or the whole room indoors.
    flat: f32,
}

impl Surface {
    pub fn new(setting: &Setting, seed: u64) -> Surface {
        let flat = setting.room.as_ref().map_or(FLAT_SPAWN_RADIUS, |room| FLAT_SPAWN_RADIUS.max(room.reach() + 3.0));
        Surface {
            terrain: setting.terrain,
            water: setting.water.kind,
            radius: setting.area_radius,
            seed: (seed ^ (seed >> 32)) as u32,
            flat,
        }
    }

    /// Whether the world has ground at all (open space has none).
    pub fn has_ground(&self) -> bool {
        !matches!(self.terrain, Terrain::Ocean | Terrain::Space)
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
            // The fjord's water starts a little ahead of the player and runs away between
            // the cliffs, winding.
            Terrain::Fjord => {
                let half_width = (self.radius * 0.12).max(30.0) + 8.0 * (self.noise(z * 0.01, 3.0) - 0.5);
                let head = -z - 45.0;
                (x - self.meander(z)).abs().max(0.0) - half_width + (-head).max(0.0) * 3.0 + wobble
            }
            // Still pools between the tussocks, none in the spawn's clearing.
            Terrain::Swamp => {
                let d = (x * x + z * z).sqrt();
                let pools = (0.5 - self.noise(x * 0.025 + 11.0, z * 0.025 - 4.0)) * 60.0;
                pools.max(self.flat + 6.0 - d)
            }
            _ => 1000.0,
        };
        let inland = match self.water {
            WaterKind::Lake => ellipse(x, z, 0.0, -self.radius * 0.45, self.radius * 0.35, self.radius * 0.22) + wobble,
            WaterKind::Pond => ellipse(x, z, 10.0, -28.0, 12.0, 9.0) + wobble * 0.3,
            // Down a canyon the river runs along its floor; elsewhere across the view.
            WaterKind::River if self.terrain == Terrain::Canyon => (x - self.meander(z) - 12.0).abs() - 9.0 + wobble * 0.3,
            WaterKind::River => (z + self.radius * 0.3).abs() - 14.0 + wobble * 0.5,
            WaterKind::Ocean if !self.terrain.has_sea() => z + self.radius * 0.35 + wobble,
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
        if self.terrain == Terrain::Space {
            // Nothing underfoot: what stands floats at the level of the station.
            return 0.0;
        }
        let shore = self.shore(x, z);
        if shore < 0.0 {
            let floor = match self.terrain {
                Terrain::Underwater => SEA_FLOOR,
                Terrain::Swamp => -1.2,
                _ => SEA_FLOOR * 0.6,
            };
            return (shore * 0.6).max(floor) - 0.3;
        }
        let d = (x * x + z * z).sqrt();
        let keep_flat = smoothstep(self.flat, self.flat * 3.0, d);
        let (amp, freq) = match self.terrain {
            Terrain::Desert | Terrain::Mars => (4.0, 0.015),
            Terrain::Mountains | Terrain::Volcanic => (6.0, 0.01),
            Terrain::Snow | Terrain::Forest | Terrain::Jungle | Terrain::Canyon => (2.0, 0.02),
            Terrain::City | Terrain::Space => (0.0, 0.02),
            Terrain::Arctic | Terrain::Moon => (1.5, 0.03),
            Terrain::Swamp | Terrain::Savanna => (0.8, 0.02),
            _ => (1.2, 0.02),
        };
        let rolling = amp * (self.noise(x * freq, z * freq) - 0.5) * 2.0 * keep_flat;
        let ridge = self.relief(x, z, d) * keep_flat;
        // Land rises gently from the shore so beaches slope into the water.
        let beach = (shore * 0.08).min(1.0);
        beach * (0.4 + rolling.max(-0.3)) + ridge
    }

    /// The big shapes of a terrain: mountains towards the edge, a volcano's cone ahead, canyon
    /// and fjord walls on either side, craters on the moon and Mars.
    fn relief(&self, x: f32, z: f32, d: f32) -> f32 {
        match self.terrain {
            Terrain::Mountains => {
                90.0 * smoothstep(self.radius * 0.55, self.radius, d) * (0.6 + 0.8 * self.noise(x * 0.008 + 7.0, z * 0.008))
            }
            Terrain::Volcanic => {
                let [cx, cz] = self.volcano();
                let (base, top) = (self.radius * 0.55, 16.0);
                let dc = ((x - cx).powi(2) + (z - cz).powi(2)).sqrt();
                // Low enough that its summit and plume stand in the view from the spawn.
                let cone = 0.3 * self.radius * smoothstep(base, top, dc);
                // A crater at the summit.
                cone - 18.0 * (1.0 - dc / top).clamp(0.0, 1.0)
            }
            Terrain::Canyon => {
                let across = (x - self.meander(z)).abs();
                let floor = (self.radius * 0.1).max(28.0);
                // Stepped walls: a cliff, a ledge, another cliff.
                let lower = 45.0 * smoothstep(floor, floor + 14.0, across);
                let upper = 55.0 * smoothstep(floor + 40.0, floor + 58.0, across);
                (lower + upper) * (0.85 + 0.3 * self.noise(x * 0.02 + 5.0, z * 0.02))
            }
            Terrain::Fjord => {
                let across = (x - self.meander(z)).abs();
                let half_width = (self.radius * 0.12).max(30.0);
                130.0 * smoothstep(half_width, half_width + 45.0, across) * (0.7 + 0.6 * self.noise(x * 0.01 + 2.0, z * 0.01))
                    + 20.0 * smoothstep(self.radius * 0.4, self.radius, d)
            }
            Terrain::Moon | Terrain::Mars => {
                let scale = if self.terrain == Terrain::Moon { 1.0 } else { 0.5 };
                scale * (self.craters(x, z, 40.0, 5.0) + self.craters(x, z, 160.0, 14.0))
            }
            _ => 0.0,
        }
    }

    /// Where the volcano's summit stands: ahead, near the edge of the area.
    pub fn volcano(&self) -> [f32; 2] {
        [self.radius * 0.1, -self.radius * 0.8]
    }

    /// How far a canyon or fjord winds aside at `z`.
    fn meander(&self, z: f32) -> f32 {
        let near = smoothstep(20.0, 120.0, z.abs());
        near * 30.0 * ((z * 0.006).sin() + 0.5 * (z * 0.017 + 1.0).sin())
    }

    /// A field of bowl-shaped craters with raised rims, one per `cell` (some empty).
    fn craters(&self, x: f32, z: f32, cell: f32, depth: f32) -> f32 {
        let (ci, cj) = ((x / cell).floor() as i32, (z / cell).floor() as i32);
        let mut h = 0.0;
        for i in ci - 1..=ci + 1 {
            for j in cj - 1..=cj + 1 {
                let size = hash(i, j, self.seed ^ 0xc7a7);
                if size < 0.35 {
                    continue;
                }
                let cx = (i as f32 + hash(i, j, self.seed ^ 0x11)) * cell;
                let cz = (j as f32 + hash(i, j, self.seed ^ 0x22)) * cell;
                let r = cell * 0.45 * size;
                let u = ((x - cx).powi(2) + (z - cz).powi(2)).sqrt() / r;
                let bowl = if u < 1.0 { -(1.0 - u * u) } else { 0.0 };
                let rim = 0.35 * (-(u - 1.0).powi(2) * 12.0).exp();
                h += depth * size * (bowl + rim);
            }
        }
        h
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
