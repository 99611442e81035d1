//! Interiors: a scene may put the player in a room — a hall, a club, a ship's bridge, a cave —
//! with its size, shape, materials, windows, doors and lamps. The room stands centred on the
//! origin, its length along the view (-Z); the world outside is what its windows show.
//!
//! The geometry here (walls, openings, what is inside) is pure, so the planner that furnishes
//! the room and the renderer that builds it agree to the centimetre.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Thickness of a wall; things stand against its inner face.
pub const WALL_THICKNESS: f32 = 0.3;
/// Width and height of a door opening.
pub const DOOR_SIZE: [f32; 2] = [1.4, 2.3];
/// Width of a window, its sill and top heights.
pub const WINDOW_WIDTH: f32 = 1.6;
pub const WINDOW_SILL: f32 = 1.0;
/// Segments of a round room's (or a cave's) wall.
const ROUND_SEGMENTS: usize = 24;

/// A room the scene takes place in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Room {
    /// What the room is, one word or a snake_case phrase (tavern, jazz_club, throne_room, bridge).
    pub purpose: String,
    #[serde(default)]
    pub shape: RoomShape,
    /// Width (across the view), length (along it) and height in metres; a round room's width
    /// is its diameter.
    #[schemars(length(min = 3, max = 3))]
    pub size: [f32; 3],
    #[serde(default = "default_walls")]
    pub walls: Material,
    #[serde(default = "default_floor")]
    pub floor: Material,
    #[serde(default = "default_walls")]
    pub ceiling: Material,
    /// Windows along the walls, 0 to 40, spread evenly (none: the outside is not seen).
    #[serde(default)]
    #[schemars(range(min = 0, max = 40))]
    pub windows: u32,
    /// Doors, 0 to 8; the first is behind the player.
    #[serde(default = "one")]
    #[schemars(range(min = 0, max = 8))]
    pub doors: u32,
    #[serde(default)]
    pub lights: Light,
}

fn default_walls() -> Material {
    Material::Plaster
}
fn default_floor() -> Material {
    Material::Wood
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomShape {
    #[default]
    Rectangle,
    Round,
    /// A long narrow room: furnished along its walls, lit in a row.
    Corridor,
    /// A round chamber with rough rock walls and a domed roof.
    Cave,
}

/// What walls, floors and ceilings are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Material {
    Wood,
    Stone,
    Brick,
    Plaster,
    Metal,
    Marble,
    Tiles,
    Carpet,
    Concrete,
    Glass,
    Rock,
    Ice,
    Canvas,
    /// White panels of a spacecraft or laboratory.
    Panels,
}

impl Material {
    /// sRGB colour of the material.
    pub fn rgb(self) -> [f32; 3] {
        match self {
            Material::Wood => [0.45, 0.29, 0.16],
            Material::Stone => [0.52, 0.50, 0.46],
            Material::Brick => [0.58, 0.28, 0.20],
            Material::Plaster => [0.86, 0.82, 0.74],
            Material::Metal => [0.50, 0.53, 0.56],
            Material::Marble => [0.90, 0.89, 0.86],
            Material::Tiles => [0.75, 0.78, 0.80],
            Material::Carpet => [0.50, 0.12, 0.14],
            Material::Concrete => [0.60, 0.60, 0.58],
            Material::Glass => [0.55, 0.70, 0.78],
            Material::Rock => [0.36, 0.33, 0.30],
            Material::Ice => [0.80, 0.90, 0.97],
            Material::Canvas => [0.85, 0.20, 0.18],
            Material::Panels => [0.88, 0.90, 0.92],
        }
    }
}

/// The room's own light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    #[default]
    CeilingLamps,
    Chandeliers,
    Candles,
    Torches,
    Neon,
    Panels,
    /// No lamps: only what comes through the windows.
    None,
}

impl Light {
    /// sRGB colour of the light.
    pub fn rgb(self) -> [f32; 3] {
        match self {
            Light::CeilingLamps => [1.0, 0.9, 0.75],
            Light::Chandeliers => [1.0, 0.85, 0.6],
            Light::Candles | Light::Torches => [1.0, 0.62, 0.3],
            Light::Neon => [0.85, 0.35, 1.0],
            Light::Panels => [0.9, 0.95, 1.0],
            Light::None => [0.0, 0.0, 0.0],
        }
    }

    /// Whether the lamps hang on the walls (flames) rather than from the ceiling.
    pub fn on_walls(self) -> bool {
        matches!(self, Light::Candles | Light::Torches | Light::Neon)
    }
}

/// One straight piece of a wall's inner face, from `a` to `b` as (x, z), the walls running
/// counter-clockwise seen from above (+X east, -Z north).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wall {
    pub a: [f32; 2],
    pub b: [f32; 2],
}

impl Wall {
    pub fn length(&self) -> f32 {
        ((self.b[0] - self.a[0]).powi(2) + (self.b[1] - self.a[1]).powi(2)).sqrt()
    }
    /// Unit direction from a to b.
    pub fn direction(&self) -> [f32; 2] {
        let l = self.length().max(1e-6);
        [(self.b[0] - self.a[0]) / l, (self.b[1] - self.a[1]) / l]
    }
    /// Unit normal pointing into the room.
    pub fn inward(&self) -> [f32; 2] {
        let [dx, dz] = self.direction();
        [dz, -dx]
    }
    /// The point at distance `s` along the wall, `inset` metres into the room.
    pub fn point(&self, s: f32, inset: f32) -> [f32; 2] {
        let ([dx, dz], [nx, nz]) = (self.direction(), self.inward());
        [self.a[0] + dx * s + nx * inset, self.a[1] + dz * s + nz * inset]
    }
    /// Heading (degrees clockwise from north) of something standing against it, facing in.
    pub fn facing_in_deg(&self) -> f32 {
        let [nx, nz] = self.inward();
        nx.atan2(-nz).to_degrees().rem_euclid(360.0)
    }
}

/// A hole in a wall: a door or a window, centred `at` metres along wall `wall`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Opening {
    pub wall: usize,
    pub at: f32,
    pub width: f32,
    /// Bottom and top heights above the floor.
    pub bottom: f32,
    pub top: f32,
    pub door: bool,
}

impl Room {
    pub fn width(&self) -> f32 {
        self.size[0]
    }
    pub fn length(&self) -> f32 {
        if self.is_round() { self.size[0] } else { self.size[1] }
    }
    pub fn height(&self) -> f32 {
        self.size[2]
    }

    fn is_round(&self) -> bool {
        matches!(self.shape, RoomShape::Round | RoomShape::Cave)
    }

    /// A cave's wall comes and goes by up to 15 % around its circle; a round room's does not.
    pub fn radius_at(&self, angle: f32) -> f32 {
        let r = self.size[0] / 2.0;
        match self.shape {
            RoomShape::Cave => r * (0.88 + 0.08 * (3.0 * angle).sin() + 0.04 * (7.0 * angle + 1.3).cos()),
            _ => r,
        }
    }

    /// The inner faces of the walls, counter-clockwise seen from above, the first one ahead of
    /// the spawn (north, -Z) for a rectangle; a round room's polygon starts behind the player.
    pub fn walls(&self) -> Vec<Wall> {
        if self.is_round() {
            let point = |i: usize| {
                // Angle 0 is behind the player (+Z), growing counter-clockwise from above.
                let a = i as f32 / ROUND_SEGMENTS as f32 * std::f32::consts::TAU;
                let r = self.radius_at(a);
                [a.sin() * r, a.cos() * r]
            };
            return (0..ROUND_SEGMENTS).map(|i| Wall { a: point(i), b: point(i + 1) }).collect();
        }
        let (w, l) = (self.width() / 2.0, self.length() / 2.0);
        // North, west, south, east: counter-clockwise seen from above (+Y), with +X east.
        vec![
            Wall { a: [w, -l], b: [-w, -l] },
            Wall { a: [-w, -l], b: [-w, l] },
            Wall { a: [-w, l], b: [w, l] },
            Wall { a: [w, l], b: [w, -l] },
        ]
    }

    /// Index of the wall behind the spawn, where the first door goes.
    fn back_wall(&self) -> usize {
        if self.is_round() { 0 } else { 2 }
    }

    /// Doors and windows: the first door in the middle of the wall behind the player, more
    /// doors on the side walls, windows spread evenly over the walls' free stretches.
    pub fn openings(&self) -> Vec<Opening> {
        let walls = self.walls();
        let height = self.height();
        let mut out = Vec::new();
        let door_top = DOOR_SIZE[1].min(height - 0.3);
        let door_walls: Vec<usize> = if self.is_round() {
            (0..self.doors as usize).map(|k| (k * ROUND_SEGMENTS / self.doors.max(1) as usize) % walls.len()).collect()
        } else {
            [self.back_wall(), 1, 3, 0].iter().cycle().take(self.doors as usize).copied().collect()
        };
        let mut doors_on = vec![0usize; walls.len()];
        for &w in &door_walls {
            doors_on[w] += 1;
        }
        for (w, &n) in doors_on.iter().enumerate() {
            let len = walls[w].length();
            // A door as wide as the stretch of wall allows (a round room's segments are short).
            let width = DOOR_SIZE[0].min(len / n as f32 - 0.2);
            for k in 0..n {
                let at = len * (k as f32 + 1.0) / (n as f32 + 1.0);
                if width >= 0.7 {
                    out.push(Opening { wall: w, at, width, bottom: 0.0, top: door_top, door: true });
                }
            }
        }
        if self.windows == 0 || height < WINDOW_SILL + 1.0 || self.shape == RoomShape::Cave {
            return out;
        }
        // Windows go on walls without a door first, in proportion to their length.
        let window_top = (height - 0.6).clamp(WINDOW_SILL + 0.8, WINDOW_SILL + 3.5);
        let free: Vec<usize> = (0..walls.len()).filter(|&w| doors_on[w] == 0 && walls[w].length() > WINDOW_WIDTH + 0.6).collect();
        let total: f32 = free.iter().map(|&w| walls[w].length()).sum();
        if total <= 0.0 {
            return out;
        }
        let mut left = self.windows as usize;
        let mut per_wall = Vec::new();
        for (k, &w) in free.iter().enumerate() {
            let len = walls[w].length();
            let fits = ((len - 0.6) / (WINDOW_WIDTH + 0.6)).floor().max(0.0) as usize;
            let share = if k + 1 == free.len() { left } else { ((self.windows as f32 * len / total).round() as usize).min(left) };
            let n = share.min(fits);
            left -= n;
            per_wall.push((w, n));
        }
        for (w, n) in per_wall {
            let len = walls[w].length();
            for k in 0..n {
                let at = len * (k as f32 + 0.5) / n as f32;
                out.push(Opening { wall: w, at, width: WINDOW_WIDTH, bottom: WINDOW_SILL, top: window_top, door: false });
            }
        }
        out
    }

    /// Whether a footprint of radius `r` at (x, z) stands inside the walls.
    pub fn contains(&self, x: f32, z: f32, r: f32) -> bool {
        if self.is_round() {
            let d = (x * x + z * z).sqrt();
            let a = x.atan2(z).rem_euclid(std::f32::consts::TAU);
            // The polygon's flats sit a little inside the circle through its corners.
            let flat = (std::f32::consts::PI / ROUND_SEGMENTS as f32).cos();
            return d + r <= self.radius_at(a) * flat * 0.97;
        }
        x.abs() + r <= self.width() / 2.0 && z.abs() + r <= self.length() / 2.0
    }

    /// The farthest a point of the room is from its centre.
    pub fn reach(&self) -> f32 {
        if self.is_round() { self.size[0] / 2.0 } else { (self.width().powi(2) + self.length().powi(2)).sqrt() / 2.0 }
    }

    /// `n` spots along the walls, `inset` from them and facing in, skipping doorways; `shift`
    /// (0..1) slides them all along the walls, for another try when one does not fit.
    pub fn wall_spots(&self, n: usize, inset: f32, shift: f32) -> Vec<([f32; 2], f32)> {
        let walls = self.walls();
        let doors: Vec<Opening> = self.openings().into_iter().filter(|o| o.door).collect();
        let perimeter: f32 = walls.iter().map(Wall::length).sum();
        let mut spots = Vec::new();
        let step = perimeter / n.max(1) as f32;
        // The first slot is in the middle of the wall ahead of the spawn.
        let start = walls[0].length() / 2.0 + if self.is_round() { perimeter / 2.0 } else { 0.0 };
        let mut k = 0;
        // Walk twice the count of slots at most: a slot in a doorway moves to the next one.
        while spots.len() < n && k < n * 2 + 8 {
            let mut s = (start + (k as f32 + shift) * step) % perimeter;
            k += 1;
            let mut w = 0;
            while s > walls[w].length() {
                s -= walls[w].length();
                w += 1;
            }
            let wall = walls[w];
            // Keep clear of the corners and the doors.
            if s < inset || s > wall.length() - inset {
                continue;
            }
            if doors.iter().any(|d| d.wall == w && (d.at - s).abs() < d.width / 2.0 + inset + 0.5) {
                continue;
            }
            // A round room's flat segments and a cave's bumps: step in until it fits.
            let Some(p) = (0..30).map(|k| wall.point(s, inset + k as f32 * 0.1)).find(|p| self.contains(p[0], p[1], inset - 0.06)) else {
                continue;
            };
            spots.push((p, wall.facing_in_deg()));
        }
        spots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(shape: RoomShape, size: [f32; 3], windows: u32, doors: u32) -> Room {
        Room {
            purpose: "test".into(),
            shape,
            size,
            walls: Material::Brick,
            floor: Material::Wood,
            ceiling: Material::Plaster,
            windows,
            doors,
            lights: Light::CeilingLamps,
        }
    }

    #[test]
    fn walls_face_into_the_room_and_openings_fit_them() {
        for shape in [RoomShape::Rectangle, RoomShape::Round, RoomShape::Corridor, RoomShape::Cave] {
            let r = room(shape, [12.0, 20.0, 4.0], 9, 3);
            let walls = r.walls();
            for w in &walls {
                let mid = w.point(w.length() / 2.0, 0.5);
                assert!(r.contains(mid[0], mid[1], 0.0) || shape == RoomShape::Cave, "{shape:?}: {mid:?} is inside");
                let [nx, nz] = w.inward();
                let centre_side = -(w.a[0] * nx + w.a[1] * nz);
                assert!(centre_side > 0.0, "{shape:?}: the normal points to the centre");
            }
            let openings = r.openings();
            assert_eq!(openings.iter().filter(|o| o.door).count(), 3, "{shape:?}");
            for o in &openings {
                assert!(o.at - o.width / 2.0 >= 0.0 && o.at + o.width / 2.0 <= walls[o.wall].length() + 1e-3, "{shape:?} {o:?}");
                assert!(o.top <= r.height());
            }
        }
        // The first door is behind the player.
        let r = room(RoomShape::Rectangle, [10.0, 16.0, 4.0], 4, 1);
        let door = r.openings()[0];
        let p = r.walls()[door.wall].point(door.at, 0.0);
        assert!(p[1] > 7.9 && p[0].abs() < 0.01, "{p:?}");
        assert_eq!(r.openings().iter().filter(|o| !o.door).count(), 4);
    }

    #[test]
    fn wall_spots_stand_inside_against_the_walls_facing_in() {
        let r = room(RoomShape::Rectangle, [10.0, 16.0, 4.0], 0, 1);
        let spots = r.wall_spots(10, 0.6, 0.0);
        assert_eq!(spots.len(), 10);
        for ([x, z], yaw) in spots {
            assert!(r.contains(x, z, 0.55), "({x}, {z})");
            // Facing in: a step forward goes towards the middle.
            let (fx, fz) = (yaw.to_radians().sin(), -yaw.to_radians().cos());
            assert!((x + fx).hypot(z + fz) < x.hypot(z), "({x}, {z}) facing {yaw}");
        }
    }
}
