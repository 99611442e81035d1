//! A uniform grid over the ground plane for overlap queries between footprints.

use std::collections::HashMap;

const CELL: f32 = 8.0;

/// Circles on the xz plane, bucketed by cell, with the largest radius kept for queries.
#[derive(Debug, Default)]
pub struct CircleGrid {
    cells: HashMap<(i32, i32), Vec<usize>>,
    circles: Vec<[f32; 3]>,
}

impl CircleGrid {
    pub fn insert(&mut self, x: f32, z: f32, r: f32) {
        let id = self.circles.len();
        self.circles.push([x, z, r]);
        for cell in cells_of(x, z, r) {
            self.cells.entry(cell).or_default().push(id);
        }
    }

    /// Whether a circle would overlap any circle already in the grid (touching is allowed).
    pub fn overlaps(&self, x: f32, z: f32, r: f32) -> bool {
        cells_of(x, z, r).any(|cell| {
            self.cells.get(&cell).is_some_and(|ids| {
                ids.iter().any(|&id| {
                    let [cx, cz, cr] = self.circles[id];
                    let (dx, dz) = (x - cx, z - cz);
                    dx * dx + dz * dz < (r + cr) * (r + cr) - 1e-3
                })
            })
        })
    }
}

fn cells_of(x: f32, z: f32, r: f32) -> impl Iterator<Item = (i32, i32)> {
    let (x0, x1) = (((x - r) / CELL).floor() as i32, ((x + r) / CELL).floor() as i32);
    let (z0, z1) = (((z - r) / CELL).floor() as i32, ((z + r) / CELL).floor() as i32);
    (x0..=x1).flat_map(move |cx| (z0..=z1).map(move |cz| (cx, cz)))
}
