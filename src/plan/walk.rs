//! Where a person can walk inside a room: a grid over the floor, blocked by the walls and by
//! the footprints of the furniture, searched from the spawn. The planner keeps every piece of
//! furniture reachable (a seat, a console, the bar) and the property tests check it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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

    /// Whether a person's centre may stand at (x, z): its nearest cell is free floor.
    pub fn is_free(&self, x: f32, z: f32) -> bool {
        self.cell(x, z).is_some_and(|(c, r)| self.free[r * self.cols + c])
    }

    /// The shortest walk from `from` to the nearest of `goals` over free floor: eight ways
    /// from each cell (never cutting a blocked corner), then pulled taut wherever the straight
    /// line stays on free floor. Returns which goal it reaches and the waypoints, `from` first
    /// and the goal last; the first and last steps may leave and reach free floor (a person
    /// standing close to a table, a goal in a doorway). `None` when no goal can be reached.
    pub fn path(&self, from: [f32; 2], goals: &[[f32; 2]]) -> Option<(usize, Vec<[f32; 2]>)> {
        const NEAR_GOAL: f32 = 0.9;
        let start = self.nearest_free(from, 3.0)?;
        // Each free cell near a goal finishes the walk there (the nearest goal when two share it).
        let mut goal_of = vec![usize::MAX; self.free.len()];
        for (g, &[x, z]) in goals.iter().enumerate() {
            for i in self.cells_near(x, z, NEAR_GOAL) {
                let [cx, cz] = self.cell_centre(i);
                let closer = goal_of[i] == usize::MAX || {
                    let [ox, oz] = goals[goal_of[i]];
                    (cx - x).hypot(cz - z) < (cx - ox).hypot(cz - oz)
                };
                if self.free[i] && closer {
                    goal_of[i] = g;
                }
            }
        }
        // Dijkstra on the grid: 10 a straight step, 14 a diagonal one.
        let mut cost = vec![u32::MAX; self.free.len()];
        let mut came = vec![usize::MAX; self.free.len()];
        let mut queue = BinaryHeap::new();
        cost[start] = 0;
        queue.push(Reverse((0u32, start)));
        let mut reached = None;
        while let Some(Reverse((d, i))) = queue.pop() {
            if d > cost[i] {
                continue;
            }
            if goal_of[i] != usize::MAX {
                reached = Some(i);
                break;
            }
            let (c, r) = ((i % self.cols) as i64, (i / self.cols) as i64);
            for (dc, dr) in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1)] {
                let (nc, nr) = (c + dc, r + dr);
                let Some(j) = self.index(nc, nr).filter(|&j| self.free[j]) else { continue };
                let diagonal = dc != 0 && dr != 0;
                if diagonal && !(self.index(c + dc, r).is_some_and(|k| self.free[k]) && self.index(c, r + dr).is_some_and(|k| self.free[k]))
                {
                    continue;
                }
                let next = d + if diagonal { 14 } else { 10 };
                if next < cost[j] {
                    cost[j] = next;
                    came[j] = i;
                    queue.push(Reverse((next, j)));
                }
            }
        }
        let end = reached?;
        let mut cells = vec![end];
        while let Some(&i) = cells.last().filter(|&&i| i != start) {
            cells.push(came[i]);
        }
        cells.reverse();
        let goal = goal_of[end];
        let mut points = vec![from];
        points.extend(cells.iter().map(|&i| self.cell_centre(i)));
        points.push(goals[goal]);
        Some((goal, self.pull_taut(&points)))
    }

    /// Drops the waypoints a straight walk over free floor can skip.
    fn pull_taut(&self, points: &[[f32; 2]]) -> Vec<[f32; 2]> {
        let mut out = vec![points[0]];
        let mut at = 0;
        while at + 1 < points.len() {
            let next = (at + 2..points.len()).rev().find(|&k| self.clear(points[at], points[k])).unwrap_or(at + 1);
            out.push(points[next]);
            at = next;
        }
        out
    }

    /// Whether every point of the segment from `a` to `b` stands on free floor.
    pub fn clear(&self, a: [f32; 2], b: [f32; 2]) -> bool {
        let steps = ((b[0] - a[0]).hypot(b[1] - a[1]) / (CELL / 3.0)).ceil().max(1.0) as usize;
        (0..=steps).all(|k| {
            let f = k as f32 / steps as f32;
            self.is_free(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
        })
    }

    /// The free cell nearest (x, z), within `radius`.
    fn nearest_free(&self, [x, z]: [f32; 2], radius: f32) -> Option<usize> {
        let distance = |i: usize| {
            let [cx, cz] = self.cell_centre(i);
            (cx - x).hypot(cz - z)
        };
        self.cells_near(x, z, radius).filter(|&i| self.free[i]).min_by(|&a, &b| distance(a).total_cmp(&distance(b)))
    }

    fn index(&self, c: i64, r: i64) -> Option<usize> {
        (c >= 0 && r >= 0 && (c as usize) < self.cols && (r as usize) < self.rows).then(|| r as usize * self.cols + c as usize)
    }

    fn cell_centre(&self, i: usize) -> [f32; 2] {
        self.centre(i % self.cols, i / self.cols)
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
