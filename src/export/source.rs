//! Where an instance's mesh comes from: the world's choice, made by the same function the
//! world calls ([`crate::world::real_model`]). A person is rigged ([`super::people`]); a real model (a GLB file set-up converted) is
//! copied from its file by [`super::real`]; otherwise the world's own model code builds it
//! ([`ModelKey`]), and the exporter writes the very geometry the world draws.

use bevy::prelude::*;

use crate::plan::Layout;
use crate::scene::models::RealModel;
use crate::world::models::{Geometry, LightSpec};
use crate::world::rigs::is_person;
use crate::world::{ModelKey, Rigged, real_model};

/// What makes an instance's mesh.
#[derive(Clone, Debug)]
pub enum MeshSource {
    /// Built in code from simple solids, painted by vertex colours.
    Procedural(ModelKey),
    /// A model file, and the scale that sizes it to the instance's kind.
    Real { model: &'static RealModel, scale: f32 },
    /// A person: a skinned body on a skeleton, as the world rigs people (see [`super::people`]).
    Rigged,
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
    /// The source of instance `i`'s mesh: the world's choice for it, people rigged as the
    /// world rigs them by default (their bodies are never a model file).
    pub fn of(layout: &Layout, i: usize) -> MeshSource {
        let rigged = Rigged::default().0;
        if rigged && is_person(layout, i) {
            return MeshSource::Rigged;
        }
        match real_model(layout, i, rigged) {
            Some((model, scale)) => MeshSource::Real { model, scale },
            None => MeshSource::Procedural(ModelKey::of(layout, i)),
        }
    }
}

/// A short name for a procedural mesh (a kind, its variant and colour).
pub fn procedural_name(key: &ModelKey) -> String {
    let mut name = key.own_form_of.clone().unwrap_or_else(|| key.kind.clone());
    if let Some(color) = key.color {
        name.push_str(&format!(" {}", serde_json::to_value(color).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()));
    }
    if key.variant > 0 {
        name.push_str(&format!(" v{}", key.variant));
    }
    name
}

/// The parts of a procedural model; `None` when nothing can be built for it (a kind without a
/// model).
pub fn procedural_parts(key: &ModelKey, layout: &Layout) -> Option<ModelParts> {
    let model = key.build(layout)?;
    let spinner = match model.spin {
        Some((pivot, axis, rate)) if !model.spinner.is_empty() => Some((model.spinner, pivot, axis, rate)),
        _ => None,
    };
    Some(ModelParts { solid: model.solid, glow: model.glow, spinner, lights: model.lights })
}
