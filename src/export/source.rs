//! Where an instance's mesh comes from. Today every kind is procedural: the world's own model
//! code builds it ([`ModelKey`]), and the exporter writes the very geometry the world draws.
//! Real models (GLB files converted at set-up) and skinned humanoids are further cases of
//! [`MeshSource`]: each says what identifies a shared mesh and how to get its parts.

use bevy::prelude::*;

use crate::plan::Layout;
use crate::world::ModelKey;
use crate::world::models::{Geometry, LightSpec};

/// What makes an instance's mesh, and what makes two instances share one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MeshSource {
    /// Built in code from simple solids, painted by vertex colours.
    Procedural(ModelKey),
}

/// A model's parts as the exporter writes them: lit and glowing geometry in one mesh, a part
/// that turns about a pivot, and the lights it carries.
pub struct ModelParts {
    pub solid: Geometry,
    pub glow: Geometry,
    /// Geometry, pivot, axis (model frame) and turns per second.
    pub spinner: Option<(Geometry, Vec3, Vec3, f32)>,
    pub lights: Vec<LightSpec>,
}

impl MeshSource {
    /// The source of instance `i`'s mesh: the world's choice for it.
    pub fn of(layout: &Layout, i: usize) -> MeshSource {
        MeshSource::Procedural(ModelKey::of(layout, i))
    }

    /// A short name for the mesh (a kind, its variant and colour).
    pub fn name(&self) -> String {
        match self {
            MeshSource::Procedural(key) => {
                let mut name = key.own_form_of.clone().unwrap_or_else(|| key.kind.clone());
                if let Some(color) = key.color {
                    name.push_str(&format!(
                        " {}",
                        serde_json::to_value(color).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                    ));
                }
                if key.variant > 0 {
                    name.push_str(&format!(" v{}", key.variant));
                }
                name
            }
        }
    }

    /// Its parts; `None` when nothing can be built for it (a kind without a model).
    pub fn parts(&self, layout: &Layout) -> Option<ModelParts> {
        match self {
            MeshSource::Procedural(key) => {
                let model = key.build(layout)?;
                let spinner = match model.spin {
                    Some((pivot, axis, rate)) if !model.spinner.is_empty() => Some((model.spinner, pivot, axis, rate)),
                    _ => None,
                };
                Some(ModelParts { solid: model.solid, glow: model.glow, spinner, lights: model.lights })
            }
        }
    }
}
