//! A procedural model for every catalog kind, built in code from simple solids.
//!
//! Models are built at the catalog's size (metres), base at y = 0, facing -Z, and merged into
//! one mesh per layer, so a kind costs a draw call or two however many instances it has.

mod builder;
mod creatures;
mod families;
mod nature;
mod structures;
mod vehicles;

use bevy::prelude::*;
pub use builder::{Geometry, Layer, ModelBuilder, Rgb, unit};

/// A light a model carries (a lantern's flame, a stage spotlight, a lighthouse lamp).
#[derive(Clone, Debug)]
pub struct LightSpec {
    pub offset: Vec3,
    pub color: Rgb,
    /// Lumens.
    pub intensity: f32,
    pub range: f32,
    /// Direction for a spot light, in the model's frame; a point light when absent.
    pub aim: Option<Vec3>,
}

/// The parts of a built model.
pub struct Model {
    pub solid: Geometry,
    pub glow: Geometry,
    pub spinner: Geometry,
    /// Pivot and axis (model frame) the spinner turns about, and its turns per second.
    pub spin: Option<(Vec3, Vec3, f32)>,
    pub lights: Vec<LightSpec>,
}

impl Model {
    pub fn triangles(&self) -> usize {
        self.solid.triangles() + self.glow.triangles() + self.spinner.triangles()
    }
}

/// What a model builder function receives and fills.
pub struct Build {
    pub m: ModelBuilder,
    pub spin: Option<(Vec3, Vec3, f32)>,
    pub lights: Vec<LightSpec>,
    /// Which of a kind's variants (crowds get several shirt colours).
    pub variant: u32,
}

impl Build {
    pub fn light(&mut self, offset: [f32; 3], color: Rgb, intensity: f32, range: f32, aim: Option<[f32; 3]>) {
        self.lights.push(LightSpec { offset: offset.into(), color, intensity, range, aim: aim.map(Vec3::from) });
    }
}

/// How many visual variants a kind has (instances are spread over them).
pub fn variants(kind: &str) -> u32 {
    match kind {
        "crowd" | "musician" | "house" | "cottage" | "car" | "tent" => 4,
        _ => 1,
    }
}

/// Builds the model of `kind` (a catalog kind), painted `paint` where the scene asked for a
/// colour: its hand-made model, or the one its catalog form describes. Every catalog kind has
/// a model; the tests check that.
pub fn build(kind: &str, paint: Option<Rgb>, variant: u32) -> Option<Model> {
    let mut b = Build { m: ModelBuilder::new(paint), spin: None, lights: Vec::new(), variant };
    let known =
        vehicles::build(kind, &mut b) || nature::build(kind, &mut b) || creatures::build(kind, &mut b) || structures::build(kind, &mut b);
    if known {
        return Some(b.into_model());
    }
    let form = crate::scene::Catalog::builtin().get(kind)?.form.as_ref()?;
    Some(build_form(form, paint, variant))
}

/// Builds the model a form describes (any noun, through its family).
pub fn build_form(form: &crate::scene::Form, paint: Option<Rgb>, variant: u32) -> Model {
    let mut b = Build { m: ModelBuilder::new(paint), spin: None, lights: Vec::new(), variant };
    families::build(form, &mut b);
    b.into_model()
}

impl Build {
    fn into_model(self) -> Model {
        Model { solid: self.m.solid, glow: self.m.glow, spinner: self.m.spinner, spin: self.spin, lights: self.lights }
    }
}

/// Named colours (sRGB) shared by the model files.
pub mod palette {
    use super::Rgb;
    pub const WOOD: Rgb = [0.45, 0.30, 0.16];
    pub const DARK_WOOD: Rgb = [0.26, 0.16, 0.08];
    pub const PALE_WOOD: Rgb = [0.70, 0.55, 0.35];
    pub const CANVAS: Rgb = [0.93, 0.90, 0.80];
    pub const IRON: Rgb = [0.18, 0.18, 0.20];
    pub const STEEL: Rgb = [0.55, 0.57, 0.60];
    pub const STONE: Rgb = [0.55, 0.54, 0.50];
    pub const DARK_STONE: Rgb = [0.36, 0.35, 0.33];
    pub const LEAF: Rgb = [0.18, 0.42, 0.14];
    pub const DARK_LEAF: Rgb = [0.08, 0.28, 0.12];
    pub const BARK: Rgb = [0.33, 0.22, 0.13];
    pub const SAND: Rgb = [0.86, 0.76, 0.52];
    pub const GRASS: Rgb = [0.30, 0.55, 0.20];
    pub const SNOW: Rgb = [0.95, 0.96, 0.98];
    pub const SKIN: Rgb = [0.87, 0.67, 0.52];
    pub const BLACK: Rgb = [0.04, 0.04, 0.05];
    pub const WHITE: Rgb = [0.93, 0.93, 0.92];
    pub const RED: Rgb = [0.72, 0.10, 0.08];
    pub const ROOF_RED: Rgb = [0.62, 0.22, 0.14];
    pub const GOLD: Rgb = [0.95, 0.75, 0.20];
    pub const WARM_LIGHT: Rgb = [1.0, 0.78, 0.42];
    pub const KHAKI: Rgb = [0.45, 0.42, 0.28];
    pub const WATER: Rgb = [0.10, 0.35, 0.50];
}
