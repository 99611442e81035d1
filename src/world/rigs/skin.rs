//! Skinned geometry: smooth tubes and ellipsoids whose vertices follow up to four joints,
//! and rigid parts (hats, instruments) that follow one, merged into one mesh with vertex
//! colours so that a crowd of one look batches into one draw.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;

use super::skeleton::Joint;
use crate::world::models::{Geometry, Rgb};

/// Up to four joints and their weights (they need not sum to one: they are normalised).
pub type Influences = [(Joint, f32); 4];

/// One joint, fully.
pub fn only(j: Joint) -> Influences {
    [(j, 1.0), (j, 0.0), (j, 0.0), (j, 0.0)]
}

/// Two joints, `share` of the second.
pub fn blend(a: Joint, b: Joint, share: f32) -> Influences {
    let s = share.clamp(0.0, 1.0);
    [(a, 1.0 - s), (b, s), (a, 0.0), (a, 0.0)]
}

/// One ring of a tube: where along the axis (metres from its start), its half-widths across
/// (x) and in depth (z), and its colour.
#[derive(Clone, Copy, Debug)]
pub struct Ring {
    pub at: f32,
    pub rx: f32,
    pub rz: f32,
    pub color: Rgb,
}

/// A skinned geometry's streams, borrowed: colours linear, joints indices into [`Joint::ALL`].
pub struct SkinStreams<'a> {
    pub positions: &'a [[f32; 3]],
    pub normals: &'a [[f32; 3]],
    pub colors: &'a [[f32; 4]],
    pub joints: &'a [[u16; 4]],
    pub weights: &'a [[f32; 4]],
    pub indices: &'a [u32],
}

#[derive(Default, Clone)]
pub struct SkinnedGeometry {
    positions: Vec<[f32; 3]>,
    normals: Vec<[f32; 3]>,
    colors: Vec<[f32; 4]>,
    joints: Vec<[u16; 4]>,
    weights: Vec<[f32; 4]>,
    indices: Vec<u32>,
}

fn linear(c: Rgb) -> [f32; 4] {
    let l = Color::srgb(c[0], c[1], c[2]).to_linear();
    [l.red, l.green, l.blue, 1.0]
}

impl SkinnedGeometry {
    #[cfg(test)]
    pub fn triangles(&self) -> usize {
        self.indices.len() / 3
    }

    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// Its vertex streams and triangles, for a file writer.
    pub fn streams(&self) -> SkinStreams<'_> {
        SkinStreams {
            positions: &self.positions,
            normals: &self.normals,
            colors: &self.colors,
            joints: &self.joints,
            weights: &self.weights,
            indices: &self.indices,
        }
    }

    fn vertex(&mut self, p: Vec3, n: Vec3, color: [f32; 4], w: Influences) {
        let total: f32 = w.iter().map(|(_, x)| x.max(0.0)).sum::<f32>().max(1e-6);
        self.positions.push(p.into());
        self.normals.push(n.normalize_or(Vec3::Y).into());
        self.colors.push(color);
        self.joints.push(w.map(|(j, _)| j.index() as u16));
        self.weights.push(w.map(|(_, x)| x.max(0.0) / total));
    }

    /// A tube along `axis` from `start` through `rings` (each closed at the ends by a vertex
    /// on the axis when its radius is zero), `sectors` around, `across` the direction of its
    /// half-width rx (z is their cross product). Vertices take their joints from `weights`,
    /// given each vertex's position.
    pub fn tube(&mut self, start: Vec3, axis: Vec3, across: Vec3, rings: &[Ring], sectors: u32, weights: &dyn Fn(Vec3) -> Influences) {
        let axis = axis.normalize();
        let x = (across - axis * across.dot(axis)).normalize();
        let z = x.cross(axis);
        let n = sectors as usize;
        let grid: Vec<Vec<Vec3>> = rings
            .iter()
            .map(|r| {
                (0..n)
                    .map(|s| {
                        let a = s as f32 / n as f32 * std::f32::consts::TAU;
                        start + axis * r.at + x * (a.cos() * r.rx) + z * (a.sin() * r.rz)
                    })
                    .collect()
            })
            .collect();
        let base = self.positions.len() as u32;
        for (i, ring) in rings.iter().enumerate() {
            let (prev, next) = (i.saturating_sub(1), (i + 1).min(rings.len() - 1));
            for s in 0..n {
                let p = grid[i][s];
                let along = grid[next][s] - grid[prev][s];
                let around = grid[i][(s + 1) % n] - grid[i][(s + n - 1) % n];
                let mut normal = around.cross(along);
                if ring.rx.max(ring.rz) < 1e-4 || normal.length_squared() < 1e-12 {
                    normal = if i == 0 { -axis } else { axis };
                }
                // Outwards: away from the axis.
                let centre = start + axis * ring.at;
                if normal.dot(p - centre) < 0.0 && ring.rx.max(ring.rz) >= 1e-4 {
                    normal = -normal;
                }
                self.vertex(p, normal, linear(ring.color), weights(p));
            }
        }
        let first = self.indices.len();
        for i in 0..rings.len().saturating_sub(1) {
            for s in 0..n {
                let a = base + (i * n + s) as u32;
                let b = base + (i * n + (s + 1) % n) as u32;
                let c = base + ((i + 1) * n + (s + 1) % n) as u32;
                let d = base + ((i + 1) * n + s) as u32;
                // A ring closed to a point makes half its band's triangles empty: skip those.
                if rings[i].rx.max(rings[i].rz) >= 1e-5 {
                    self.indices.extend([a, c, b]);
                }
                if rings[i + 1].rx.max(rings[i + 1].rz) >= 1e-5 {
                    self.indices.extend([a, d, c]);
                }
            }
        }
        self.fix_winding(first);
    }

    /// Flips any triangle from index `first` on whose winding disagrees with its normals
    /// (counter-clockwise seen from outside is front).
    fn fix_winding(&mut self, first: usize) {
        for tri in self.indices[first..].chunks_exact_mut(3) {
            let [a, b, c] = [tri[0], tri[1], tri[2]].map(|i| Vec3::from(self.positions[i as usize]));
            let face = (b - a).cross(c - a);
            let n: Vec3 = [tri[0], tri[1], tri[2]].iter().map(|&i| Vec3::from(self.normals[i as usize])).sum();
            if face.dot(n) < 0.0 {
                tri.swap(1, 2);
            }
        }
    }

    /// An ellipsoid with half-axes `radii` turned by `rotation`, following `w`.
    #[allow(clippy::too_many_arguments)]
    pub fn ellipsoid(&mut self, centre: Vec3, radii: Vec3, rotation: Quat, sectors: u32, stacks: u32, color: Rgb, w: Influences) {
        let stacks = stacks.max(2);
        let rings: Vec<Ring> = (0..=stacks)
            .map(|k| {
                let phi = k as f32 / stacks as f32 * std::f32::consts::PI;
                Ring { at: -radii.y * phi.cos(), rx: radii.x * phi.sin(), rz: radii.z * phi.sin(), color }
            })
            .collect();
        let axis = rotation * Vec3::Y;
        self.tube(centre, axis, rotation * Vec3::X, &rings, sectors, &|_| w);
    }

    /// A rigid part built by the model builder, placed by `place`, following `w`.
    pub fn rigid(&mut self, part: &Geometry, place: &Transform, w: Influences) {
        let base = self.positions.len() as u32;
        let (matrix, turn) = (place.to_matrix(), place.rotation);
        for ((p, n), c) in part.positions.iter().zip(&part.normals).zip(&part.colors) {
            self.positions.push(matrix.transform_point3(Vec3::from(*p)).into());
            self.normals.push((turn * Vec3::from(*n)).into());
            self.colors.push(*c);
            self.joints.push(w.map(|(j, _)| j.index() as u16));
            let total: f32 = w.iter().map(|(_, x)| *x).sum::<f32>().max(1e-6);
            self.weights.push(w.map(|(_, x)| x / total));
        }
        self.indices.extend(part.indices.iter().map(|i| i + base));
    }

    /// Scales the whole geometry about the origin (a person's size).
    pub fn scale(&mut self, k: f32) {
        for p in &mut self.positions {
            *p = (Vec3::from(*p) * k).into();
        }
    }

    pub fn into_mesh(self) -> Mesh {
        Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
            .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, self.positions)
            .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, self.normals)
            .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, self.colors)
            .with_inserted_attribute(Mesh::ATTRIBUTE_JOINT_INDEX, VertexAttributeValues::Uint16x4(self.joints))
            .with_inserted_attribute(Mesh::ATTRIBUTE_JOINT_WEIGHT, self.weights)
            .with_inserted_indices(Indices::U32(self.indices))
    }

    /// Where the vertices are and which joints they follow (for tests).
    #[cfg(test)]
    pub fn vertices(&self) -> impl Iterator<Item = (Vec3, [u16; 4], [f32; 4])> + '_ {
        self.positions.iter().zip(&self.joints).zip(&self.weights).map(|((p, j), w)| (Vec3::from(*p), *j, *w))
    }
}
