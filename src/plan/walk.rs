//! Where a person can walk inside a room: a grid over the floor, blocked by the walls and by
//! the footprints of the furniture, searched from the spawn. The planner keeps every piece of
//! furniture reachable (a seat, a console, the bar) and the property tests check it.

use std::collections::VecDeque;

use crate::scene::Room;

/// Side of a grid cell in metres.
const CELL: f32 = 0.3;
/// Half the width of a person walking between things.
pub const BODY_RADIUS: f32 = 0.25;
/// A thing is reached when a person can stand this close to its footprint's edge.
pub const REACH: f32 = 0.7;

/// Free floor cells of a room, with the footprints placed so far.
#[derive(Debug, Clone)]
pub struct Floor {
    half: [f32; 2],
    cols: usize,
    rows: usize,
    /// Cells a person's centre may stand in (inside the walls, clear of every footprint).
    free: Vec<bool>,
}

impl Floor {
    pub fn new(room: &Room) -> Floor {
        let half = [room.width() / 2.0, room.length() / 2.0];
        let (cols, rows) = (((2.0 * half[0]) / CELL).ceil() as usize + 1, ((2.0 * half[1]) / CELL).ceil() as usize + 1);
        let mut floor = Floor { half, cols, rows, free: vec![false; cols * rows] };
        for r in 0..rows {
            for c in 0..cols {
                let [x, z] = floor.centre(c, r);
                floor.free[r * cols + c] = room.contains(x, z, BODY_RADIUS);
            }
        }
        floor
    }

    fn centre(&self, c: usize, r: usize) -> [f32; 2] {
        [-self.half[0] + c as f32 * CELL, -self.half[1] + r as f32 * CELL]
    }

    fn cell(&self, x: f32, z: f32) -> Option<(usize, usize)> {
        let (c, r) = (((x + self.half[0]) / CELL).round(), ((z + self.half[1]) / CELL).round());
        (c >= 0.0 && r >= 0.0 && (c as usize) < self.cols && (r as usize) < self.rows).then_some((c as usize, r as usize))
    }

    /// Cells within `radius` of (x, z), clipped to the grid.
    fn cells_near(&self, x: f32, z: f32, radius: f32) -> impl Iterator<Item = usize> + '_ {
        let span = (radius / CELL).ceil() as i64 + 1;
        let (c0, r0) = (((x + self.half[0]) / CELL).round() as i64, ((z + self.half[1]) / CELL).round() as i64);
        (r0 - span..=r0 + span).flat_map(move |r| (c0 - span..=c0 + span).map(move |c| (c, r))).filter_map(move |(c, r)| {
            if c < 0 || r < 0 || c as usize >= self.cols || r as usize >= self.rows {
                return None;
            }
            let [cx, cz] = self.centre(c as usize, r as usize);
            ((cx - x).powi(2) + (cz - z).powi(2) <= radius * radius).then_some(r as usize * self.cols + c as usize)
        })
    }

    /// Blocks the floor under a footprint (and the body's width around it).
    pub fn block(&mut self, x: f32, z: f32, r: f32) {
        let cells: Vec<usize> = self.cells_near(x, z, r + BODY_RADIUS).collect();
        for i in cells {
            self.free[i] = false;
        }
    }

    /// Which of the footprints `targets` (x, z, r) a person starting at `from` can walk up to.
    pub fn reachable(&self, from: [f32; 2], targets: &[[f32; 3]]) -> Vec<bool> {
        let mut seen = vec![false; self.free.len()];
        let mut queue = VecDeque::new();
        // Start from the free cells nearest the spawn: the spawn itself may touch a footprint,
        // or be on one (a person in a dentist's chair gets up and walks from beside it).
        for radius in [0.6, 1.2, 2.0, 3.0] {
            for i in self.cells_near(from[0], from[1], radius) {
                if self.free[i] && !seen[i] {
                    seen[i] = true;
                    queue.push_back(i);
                }
            }
            if !queue.is_empty() {
                break;
            }
        }
        if queue.is_empty()
            && let Some((c, r)) = self.cell(from[0], from[1])
        {
            let i = r * self.cols + c;
            seen[i] = true;
            queue.push_back(i);
        }
        while let Some(i) = queue.pop_front() {
            let (c, r) = (i % self.cols, i / self.cols);
            let steps = [(c.wrapping_sub(1), r), (c + 1, r), (c, r.wrapping_sub(1)), (c, r + 1)];
            for (nc, nr) in steps {
                if nc < self.cols && nr < self.rows {
                    let j = nr * self.cols + nc;
                    if self.free[j] && !seen[j] {
                        seen[j] = true;
                        queue.push_back(j);
                    }
                }
            }
        }
        targets.iter().map(|&[x, z, r]| self.cells_near(x, z, r + BODY_RADIUS + REACH).any(|i| seen[i])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Light, Material, RoomShape};

    #[test]
    fn a_wall_of_furniture_cuts_off_what_is_behind_it() {
        let room = Room {
            purpose: "test".into(),
            shape: RoomShape::Rectangle,
            size: [8.0, 12.0, 3.0],
            walls: Material::Plaster,
            floor: Material::Wood,
            ceiling: Material::Plaster,
            windows: 0,
            doors: 1,
            lights: Light::CeilingLamps,
        };
        let mut floor = Floor::new(&room);
        let chest = [0.0, -5.0, 0.4];
        assert_eq!(floor.reachable([0.0, 3.0], &[chest]), vec![true]);
        // A row of wardrobes across the room, wall to wall.
        for k in 0..9 {
            floor.block(-4.0 + k as f32, -2.0, 0.5);
        }
        assert_eq!(floor.reachable([0.0, 3.0], &[chest]), vec![false]);
    }
}
