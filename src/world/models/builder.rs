//! Builds a model out of simple solids merged into one mesh with vertex colours, so that a
//! kind costs one draw call however many parts it has, and a thousand instances of it batch.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

/// An sRGB colour as written in the model code.
pub type Rgb = [f32; 3];

/// Vertex data of one merged mesh.
#[derive(Default, Clone)]
pub struct Geometry {
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub colors: Vec<[f32; 4]>,
    pub indices: Vec<u32>,
}

impl Geometry {
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    pub fn triangles(&self) -> usize {
        self.indices.len() / 3
    }

    /// Appends `shape` placed by `transform`, painted `color`.
    pub fn push(&mut self, shape: &Geometry, transform: &Transform, color: Rgb) {
        let base = self.positions.len() as u32;
        let matrix = transform.to_matrix();
        let normal_matrix = Mat3::from_mat4(matrix).inverse().transpose();
        let linear = Color::srgb(color[0], color[1], color[2]).to_linear();
        for (p, n) in shape.positions.iter().zip(&shape.normals) {
            self.positions.push(matrix.transform_point3(Vec3::from(*p)).into());
            self.normals.push((normal_matrix * Vec3::from(*n)).normalize_or_zero().into());
            self.colors.push([linear.red, linear.green, linear.blue, 1.0]);
        }
        self.indices.extend(shape.indices.iter().map(|i| i + base));
    }

    pub fn into_mesh(self) -> Mesh {
        Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
            .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, self.positions)
            .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, self.normals)
            .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, self.colors)
            .with_inserted_indices(Indices::U32(self.indices))
    }

    fn quad(&mut self, corners: [Vec3; 4], normal: Vec3) {
        let base = self.positions.len() as u32;
        for c in corners {
            self.positions.push(c.into());
            self.normals.push(normal.into());
            self.colors.push([1.0; 4]);
        }
        self.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
    }
}

/// Unit solids, centred on the origin, one unit across and one unit high.
pub mod unit {
    use super::*;

    pub fn cube() -> Geometry {
        let mut g = Geometry::default();
        for axis in [Vec3::X, Vec3::Y, Vec3::Z, -Vec3::X, -Vec3::Y, -Vec3::Z] {
            let (u, v) = axis.any_orthonormal_pair();
            let c = axis * 0.5;
            let (u, v) = (u * 0.5, v * 0.5);
            // Counter-clockwise seen from outside.
            let corners = if u.cross(v).dot(axis) > 0.0 {
                [c - u - v, c + u - v, c + u + v, c - u + v]
            } else {
                [c - u - v, c - u + v, c + u + v, c + u - v]
            };
            g.quad(corners, axis);
        }
        g
    }

    /// A truncated cone along Y from radius `bottom` at y = -0.5 to `top` at y = 0.5 (radii as
    /// fractions of 0.5), with caps; `top = 0` makes a cone, `1, 1` a cylinder.
    pub fn frustum(bottom: f32, top: f32, segments: u32) -> Geometry {
        let mut g = Geometry::default();
        let (rb, rt) = (bottom * 0.5, top * 0.5);
        let slope = (rb - rt).atan2(1.0);
        for s in 0..segments {
            let a0 = s as f32 / segments as f32 * std::f32::consts::TAU;
            let a1 = (s + 1) as f32 / segments as f32 * std::f32::consts::TAU;
            let ring = |a: f32, r: f32, y: f32| Vec3::new(a.cos() * r, y, -a.sin() * r);
            let normal = |a: f32| Vec3::new(a.cos() * slope.cos(), slope.sin(), -a.sin() * slope.cos());
            let base = g.positions.len() as u32;
            for (a, r, y) in [(a0, rb, -0.5), (a1, rb, -0.5), (a1, rt, 0.5), (a0, rt, 0.5)] {
                g.positions.push(ring(a, r, y).into());
                g.normals.push(normal(a).into());
                g.colors.push([1.0; 4]);
            }
            g.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
            for (y, r, n) in [(-0.5, rb, -Vec3::Y), (0.5, rt, Vec3::Y)] {
                if r <= 0.0 {
                    continue;
                }
                let base = g.positions.len() as u32;
                for p in [Vec3::new(0.0, y, 0.0), ring(a0, r, y), ring(a1, r, y)] {
                    g.positions.push(p.into());
                    g.normals.push(n.into());
                    g.colors.push([1.0; 4]);
                }
                if n.y > 0.0 {
                    g.indices.extend([base, base + 1, base + 2]);
                } else {
                    g.indices.extend([base, base + 2, base + 1]);
                }
            }
        }
        g
    }

    /// A sphere of diameter one with smooth normals.
    pub fn sphere(sectors: u32, stacks: u32) -> Geometry {
        let mut g = Geometry::default();
        for j in 0..=stacks {
            let phi = j as f32 / stacks as f32 * std::f32::consts::PI;
            for i in 0..=sectors {
                let theta = i as f32 / sectors as f32 * std::f32::consts::TAU;
                let n = Vec3::new(phi.sin() * theta.cos(), phi.cos(), -phi.sin() * theta.sin());
                g.positions.push((n * 0.5).into());
                g.normals.push(n.into());
                g.colors.push([1.0; 4]);
            }
        }
        let row = sectors + 1;
        for j in 0..stacks {
            for i in 0..sectors {
                let (a, b) = (j * row + i, (j + 1) * row + i);
                g.indices.extend([a, b, b + 1, a, b + 1, a + 1]);
            }
        }
        g
    }
}

/// Which mesh of a model a part goes into.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// Lit by the sun and lamps.
    Solid,
    /// Gives light: lamps, screens, fire, lit windows (unlit, full brightness).
    Glow,
    /// Turns about its pivot: propellers, windmill sails, rotors.
    Spinner,
}

/// Collects parts into the layers of one model.
pub struct ModelBuilder {
    pub solid: Geometry,
    pub glow: Geometry,
    pub spinner: Geometry,
    layer: Layer,
    /// The colour the scene asked for, used by parts painted with [`ModelBuilder::paint`].
    paint: Option<Rgb>,
    shapes: Shapes,
}

struct Shapes {
    cube: Geometry,
    cylinder: Geometry,
    cone: Geometry,
    sphere: Geometry,
    /// A coarse sphere for small parts seen by the hundred (heads in a crowd).
    small_sphere: Geometry,
}

impl ModelBuilder {
    pub fn new(paint: Option<Rgb>) -> ModelBuilder {
        ModelBuilder {
            solid: Geometry::default(),
            glow: Geometry::default(),
            spinner: Geometry::default(),
            layer: Layer::Solid,
            paint,
            shapes: Shapes {
                cube: unit::cube(),
                cylinder: unit::frustum(1.0, 1.0, 10),
                cone: unit::frustum(1.0, 0.0, 10),
                sphere: unit::sphere(10, 7),
                small_sphere: unit::sphere(6, 4),
            },
        }
    }

    /// The scene's colour when it gave one, else the model's own.
    pub fn paint(&self, default: Rgb) -> Rgb {
        self.paint.unwrap_or(default)
    }

    /// Parts added after this go into `layer`.
    pub fn layer(&mut self, layer: Layer) -> &mut Self {
        self.layer = layer;
        self
    }

    fn target(&mut self) -> (&mut Geometry, &Shapes) {
        let g = match self.layer {
            Layer::Solid => &mut self.solid,
            Layer::Glow => &mut self.glow,
            Layer::Spinner => &mut self.spinner,
        };
        (g, &self.shapes)
    }

    /// Any geometry placed by a transform.
    pub fn shape(&mut self, shape: &Geometry, transform: Transform, color: Rgb) -> &mut Self {
        self.target().0.push(shape, &transform, color);
        self
    }

    /// A box of `size` centred at `at`.
    pub fn block(&mut self, size: [f32; 3], at: [f32; 3], color: Rgb) -> &mut Self {
        self.block_turned(size, at, Quat::IDENTITY, color)
    }

    pub fn block_turned(&mut self, size: [f32; 3], at: [f32; 3], rotation: Quat, color: Rgb) -> &mut Self {
        let t = Transform { translation: at.into(), rotation, scale: size.into() };
        let (g, s) = self.target();
        g.push(&s.cube, &t, color);
        self
    }

    /// An upright cylinder of `radius` and `height` standing on `base`.
    pub fn post(&mut self, radius: f32, height: f32, base: [f32; 3], color: Rgb) -> &mut Self {
        let at = Vec3::from(base) + Vec3::Y * height / 2.0;
        self.rod(radius, height, at.into(), Quat::IDENTITY, color)
    }

    /// A cylinder along its local Y, centred at `at`, turned by `rotation`.
    pub fn rod(&mut self, radius: f32, length: f32, at: [f32; 3], rotation: Quat, color: Rgb) -> &mut Self {
        let t = Transform { translation: at.into(), rotation, scale: Vec3::new(radius * 2.0, length, radius * 2.0) };
        let (g, s) = self.target();
        g.push(&s.cylinder, &t, color);
        self
    }

    /// A cylinder between two points.
    pub fn beam(&mut self, radius: f32, from: [f32; 3], to: [f32; 3], color: Rgb) -> &mut Self {
        let (a, b) = (Vec3::from(from), Vec3::from(to));
        let rotation = Quat::from_rotation_arc(Vec3::Y, (b - a).normalize_or(Vec3::Y));
        self.rod(radius, a.distance(b), ((a + b) / 2.0).into(), rotation, color)
    }

    /// A square bar of `width` between two points: a limb at a tenth of a cylinder's triangles.
    pub fn strut(&mut self, width: f32, from: [f32; 3], to: [f32; 3], color: Rgb) -> &mut Self {
        let (a, b) = (Vec3::from(from), Vec3::from(to));
        let rotation = Quat::from_rotation_arc(Vec3::Y, (b - a).normalize_or(Vec3::Y));
        self.block_turned([width, a.distance(b), width], ((a + b) / 2.0).into(), rotation, color)
    }

    /// An upright cone standing on `base`.
    pub fn cone(&mut self, radius: f32, height: f32, base: [f32; 3], color: Rgb) -> &mut Self {
        let at = Vec3::from(base) + Vec3::Y * height / 2.0;
        let t = Transform { translation: at, rotation: Quat::IDENTITY, scale: Vec3::new(radius * 2.0, height, radius * 2.0) };
        let (g, s) = self.target();
        g.push(&s.cone, &t, color);
        self
    }

    /// A cone from `base` pointing along `rotation`'s Y.
    pub fn cone_turned(&mut self, radius: f32, height: f32, at: [f32; 3], rotation: Quat, color: Rgb) -> &mut Self {
        let t = Transform { translation: at.into(), rotation, scale: Vec3::new(radius * 2.0, height, radius * 2.0) };
        let (g, s) = self.target();
        g.push(&s.cone, &t, color);
        self
    }

    /// An ellipsoid with half-axes `radii` centred at `at`.
    pub fn ball(&mut self, radii: [f32; 3], at: [f32; 3], color: Rgb) -> &mut Self {
        self.ball_turned(radii, at, Quat::IDENTITY, color)
    }

    /// A coarse ellipsoid (a quarter of the triangles) for small parts of things seen in crowds.
    pub fn small_ball(&mut self, radii: [f32; 3], at: [f32; 3], color: Rgb) -> &mut Self {
        let t = Transform { translation: at.into(), rotation: Quat::IDENTITY, scale: (Vec3::from(radii) * 2.0) };
        let (g, s) = self.target();
        g.push(&s.small_sphere, &t, color);
        self
    }

    pub fn ball_turned(&mut self, radii: [f32; 3], at: [f32; 3], rotation: Quat, color: Rgb) -> &mut Self {
        let t = Transform { translation: at.into(), rotation, scale: (Vec3::from(radii) * 2.0) };
        let (g, s) = self.target();
        g.push(&s.sphere, &t, color);
        self
    }

    /// A thin flat panel (a sail, a flag, a screen) of width × height facing ±Z.
    pub fn panel(&mut self, width: f32, height: f32, at: [f32; 3], rotation: Quat, color: Rgb) -> &mut Self {
        self.block_turned([width, height, 0.05], at, rotation, color)
    }

    /// A flat triangle seen from both sides (sails, fins, gables).
    pub fn tri(&mut self, a: [f32; 3], b: [f32; 3], c: [f32; 3], color: Rgb) -> &mut Self {
        let (a, b, c) = (Vec3::from(a), Vec3::from(b), Vec3::from(c));
        let n = (b - a).cross(c - a).normalize_or(Vec3::Y);
        let mut g = Geometry::default();
        for (p, normal) in [(a, n), (b, n), (c, n), (a, -n), (c, -n), (b, -n)] {
            g.positions.push(p.into());
            g.normals.push(normal.into());
            g.colors.push([1.0; 4]);
        }
        g.indices.extend(0..6);
        self.target().0.push(&g, &Transform::IDENTITY, color);
        self
    }

    /// A gable roof: ridge along Z, `width` across X, rising `height` above `base` (the
    /// centre of its eaves), `length` long.
    pub fn roof(&mut self, width: f32, height: f32, length: f32, base: [f32; 3], color: Rgb) -> &mut Self {
        let [x, y, z] = base;
        let (w, l) = (width / 2.0, length / 2.0);
        let (ridge_front, ridge_back) = ([x, y + height, z - l], [x, y + height, z + l]);
        let (lf, lb, rf, rb) = ([x - w, y, z - l], [x - w, y, z + l], [x + w, y, z - l], [x + w, y, z + l]);
        self.tri(lf, lb, ridge_back, color).tri(lf, ridge_back, ridge_front, color);
        self.tri(rf, ridge_front, ridge_back, color).tri(rf, ridge_back, rb, color);
        self.tri(lf, ridge_front, rf, color).tri(lb, rb, ridge_back, color)
    }
}
