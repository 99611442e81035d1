//! Spawns a model for every planned instance: the kind's real model where set-up converted one
//! (attached once its file has loaded, see [`super::real`]), else its procedural model. Each
//! procedural (kind, colour, variant) is built once and shared, so Bevy batches all instances of
//! it into one draw; riders are parented to their carriers so they move and tilt with them; the
//! lamps nearest the player become real lights.

use std::collections::HashMap;

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::models::{self, LightSpec};
use super::motion::placed_transform;
use super::real::{ModelFailed, ModelFiles};
use super::rigs::Rigged;
use super::weather::CurrentLighting;
use super::{CurrentLayout, ModelsLoading, RealModelsChoice, WorldPart, WorldSpawn, WorldSystems};
use crate::plan::{Layout, Motions};
use crate::scene::Catalog;
use crate::scene::Color as SceneColor;
use crate::scene::models::{RealModel, RealModels, fit_scale, variant};

/// Real lights are costly per pixel: only this many, the nearest to the player.
pub const MAX_LIGHTS: usize = if super::MOBILE_GPU { 4 } else { 12 };

pub struct InstancesPlugin;

impl Plugin for InstancesPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<InstanceEntities>()
            .add_systems(Update, spawn_instances.in_set(WorldSpawn))
            .add_systems(Update, (dim_glow, fall_back_to_procedural).in_set(WorldSystems));
    }
}

/// The entity of each layout instance, by index.
#[derive(Resource, Default)]
pub struct InstanceEntities(pub Vec<Entity>);

/// A planned instance in the world.
#[derive(Component)]
pub struct Placed(pub usize);

/// A part turning about its pivot (propellers, windmill sails).
#[derive(Component)]
pub struct Spinner {
    pub axis: Vec3,
    pub turns_per_s: f32,
}

/// Shared materials of the current world.
#[derive(Resource)]
pub(super) struct ModelMaterials {
    pub(super) solid: Handle<StandardMaterial>,
    pub(super) glow: Handle<StandardMaterial>,
}

struct BuiltModel {
    solid: Option<Handle<Mesh>>,
    glow: Option<Handle<Mesh>>,
    spinner: Option<(Handle<Mesh>, Vec3, Vec3, f32)>,
    lights: Vec<LightSpec>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn spawn_instances(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    lighting: Res<CurrentLighting>,
    rigged: Res<Rigged>,
    choice: Res<RealModelsChoice>,
    server: Res<AssetServer>,
    mut files: ResMut<ModelFiles>,
    mut loading: ResMut<ModelsLoading>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut entities: ResMut<InstanceEntities>,
) {
    let layout: &Layout = &layout.0;
    let solid = materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.85, ..default() });
    let glow = materials.add(StandardMaterial { base_color: Color::WHITE.darker(1.0 - lighting.0.glow), unlit: true, ..default() });
    commands.insert_resource(ModelMaterials { solid: solid.clone(), glow: glow.clone() });

    let mut cache: HashMap<ModelKey, Option<BuiltModel>> = HashMap::new();
    let motions = Motions::new(layout);
    let keys: Vec<ModelKey> = (0..layout.instances.len()).map(|i| ModelKey::of(layout, i)).collect();
    let carried: Vec<usize> = keys
        .iter()
        .map(|key| {
            let model = cache.entry(key.clone()).or_insert_with(|| build_model(key, layout, &mut meshes));
            model.as_ref().map_or(0, |m| m.lights.len())
        })
        .collect();
    let lit = nearest_lights(layout, &carried, MAX_LIGHTS);
    entities.0.clear();
    let mut awaiting = 0;
    for (i, inst) in layout.instances.iter().enumerate() {
        let transform = placed_transform(layout, &motions, i, 0.0);
        let mut entity = commands.spawn((WorldPart, Placed(i), transform, Visibility::default()));
        // A rigged person gets its body from the rigs; only its lamp (a torch) comes from here.
        let person = rigged.0 && super::rigs::is_person(layout, i);
        let real = if choice.0 { real_model(layout, i, rigged.0) } else { None };
        let built = cache.get(&keys[i]).and_then(Option::as_ref);
        match (real, built) {
            (Some((model, scale)), built) => {
                entity.insert(files.awaiting(&server, model, scale));
                awaiting += 1;
                // A real lamp still lights the room where its procedural one would.
                if let Some(built) = built.filter(|_| lit.contains(&i)) {
                    entity.with_children(|parts| built.lights.iter().for_each(|light| spawn_light(parts, light)));
                }
            }
            (None, Some(model)) => attach_procedural(&mut entity, model, &solid, &glow, lit.contains(&i), person),
            (None, None) => warn!("{}: no model for kind {}", inst.entity, inst.kind),
        }
        entities.0.push(entity.id());
    }
    loading.0 = awaiting;
    // Riders follow their carriers through the hierarchy.
    for i in 0..layout.instances.len() {
        if let Some(p) = motions.carrier(i) {
            commands.entity(entities.0[i]).insert(ChildOf(entities.0[p]));
        }
    }
}

/// The procedural model's meshes (and lights, when it is among the lit) on an instance; of a
/// rigged person (`body_from_rig`), only the lights.
fn attach_procedural(
    entity: &mut EntityCommands,
    model: &BuiltModel,
    solid: &Handle<StandardMaterial>,
    glow: &Handle<StandardMaterial>,
    lit: bool,
    body_from_rig: bool,
) {
    if let Some(mesh) = model.solid.as_ref().filter(|_| !body_from_rig) {
        entity.insert((Mesh3d(mesh.clone()), MeshMaterial3d(solid.clone())));
    }
    entity.with_children(|parts| {
        if let Some(mesh) = model.glow.as_ref().filter(|_| !body_from_rig) {
            parts.spawn((Mesh3d(mesh.clone()), MeshMaterial3d(glow.clone()), NotShadowCaster, Transform::default()));
        }
        if let Some((mesh, pivot, axis, rate)) = model.spinner.as_ref().filter(|_| !body_from_rig) {
            parts
                .spawn((Spinner { axis: *axis, turns_per_s: *rate }, Transform::from_translation(*pivot), Visibility::default()))
                .with_children(|blades| {
                    blades.spawn((Mesh3d(mesh.clone()), MeshMaterial3d(solid.clone()), Transform::from_translation(-*pivot)));
                });
        }
        if lit {
            for light in &model.lights {
                spawn_light(parts, light);
            }
        }
    });
}

/// The real model an instance is built from, and the scale that sizes it to its kind: none
/// when the entity carries its own form or asks for a colour (the procedural model honours
/// both), when it is a person and people are rigged (`rigged_people`: the rig builds the body),
/// or when set-up converted nothing for its kind. Instances of a kind are spread over its
/// models by their entity and index, so a row of chairs is not one chair repeated. The world
/// and the exporter both choose through here.
pub fn real_model(layout: &Layout, i: usize, rigged_people: bool) -> Option<(&'static RealModel, f32)> {
    let key = ModelKey::of(layout, i);
    if key.own_form_of.is_some() || key.color.is_some() || (rigged_people && super::rigs::is_person(layout, i)) {
        return None;
    }
    let inst = &layout.instances[i];
    let kind = RealModels::installed().for_kind(&inst.kind)?;
    let info = Catalog::builtin().get(&inst.kind)?;
    let model = &kind.models[variant(&inst.entity, inst.index, kind.models.len())];
    Some((model, fit_scale(kind.fit, model.size, info)))
}

/// An instance whose model file failed to load gets its procedural model.
fn fall_back_to_procedural(
    mut commands: Commands,
    failed: Query<(Entity, &Placed), Added<ModelFailed>>,
    layout: Option<Res<CurrentLayout>>,
    shared: Option<Res<ModelMaterials>>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let (Some(layout), Some(shared)) = (layout, shared) else { return };
    let mut cache: HashMap<ModelKey, Option<BuiltModel>> = HashMap::new();
    for (entity, Placed(i)) in &failed {
        if *i >= layout.0.instances.len() {
            continue;
        }
        let key = ModelKey::of(&layout.0, *i);
        if let Some(model) = cache.entry(key.clone()).or_insert_with(|| build_model(&key, &layout.0, &mut meshes)) {
            attach_procedural(&mut commands.entity(entity), model, &shared.solid, &shared.glow, false, false);
        }
    }
}

/// What makes two instances share a model: the same kind (or the same entity, when the entity
/// carries its own form), colour and variant. The world and the exporter share a mesh per key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ModelKey {
    pub kind: String,
    pub own_form_of: Option<String>,
    pub color: Option<SceneColor>,
    pub variant: u32,
}

impl ModelKey {
    pub fn of(layout: &Layout, i: usize) -> ModelKey {
        let inst = &layout.instances[i];
        ModelKey {
            kind: inst.kind.clone(),
            own_form_of: layout.forms.contains_key(&inst.entity).then(|| inst.entity.clone()),
            color: inst.color,
            variant: inst.index % models::variants(&inst.kind),
        }
    }

    /// The procedural model of the key (`None`: a kind without a model).
    pub fn build(&self, layout: &Layout) -> Option<models::Model> {
        let paint = self.color.map(|c| c.rgb());
        Some(match self.own_form_of.as_ref().and_then(|id| layout.forms.get(id)) {
            Some(form) => models::build_form(form, paint, self.variant),
            None => models::build(&self.kind, paint, self.variant)?,
        })
    }
}

fn build_model(key: &ModelKey, layout: &Layout, meshes: &mut Assets<Mesh>) -> Option<BuiltModel> {
    let model = key.build(layout)?;
    let mut add = |g: models::Geometry| (!g.is_empty()).then(|| meshes.add(g.into_mesh()));
    let solid = add(model.solid);
    let glow = add(model.glow);
    let spinner = match (add(model.spinner), model.spin) {
        (Some(mesh), Some((pivot, axis, rate))) => Some((mesh, pivot, axis, rate)),
        _ => None,
    };
    Some(BuiltModel { solid, glow, spinner, lights: model.lights })
}

/// The instances whose lamps become real lights: those nearest the spawn, up to `budget`
/// lights; `carried[i]` is how many lights instance `i`'s model has.
pub fn nearest_lights(layout: &Layout, carried: &[usize], budget: usize) -> Vec<usize> {
    let spawn = Vec3::from(layout.spawn.position);
    let mut with_lights: Vec<(f32, usize, usize)> = layout
        .instances
        .iter()
        .zip(carried)
        .enumerate()
        .filter(|(_, (_, n))| **n > 0)
        .map(|(i, (inst, n))| (Vec3::from(inst.position).distance(spawn), i, *n))
        .collect();
    with_lights.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut budget = budget;
    let mut chosen = Vec::new();
    for (_, i, n) in with_lights {
        if n <= budget {
            budget -= n;
            chosen.push(i);
        }
    }
    chosen
}

fn spawn_light(parent: &mut ChildSpawnerCommands, light: &LightSpec) {
    let color = Color::srgb(light.color[0], light.color[1], light.color[2]);
    let at = Transform::from_translation(light.offset);
    match light.aim {
        Some(aim) => {
            parent.spawn((
                SpotLight {
                    color,
                    intensity: light.intensity,
                    range: light.range,
                    outer_angle: 0.45,
                    inner_angle: 0.3,
                    shadow_maps_enabled: false,
                    ..default()
                },
                at.looking_to(aim, Vec3::Y),
            ));
        }
        None => {
            parent
                .spawn((PointLight { color, intensity: light.intensity, range: light.range, shadow_maps_enabled: false, ..default() }, at));
        }
    }
}

/// Lamps and windows glow faintly by day and fully at night.
fn dim_glow(lighting: Res<CurrentLighting>, shared: Option<Res<ModelMaterials>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    let Some(shared) = shared else { return };
    if !lighting.is_changed() {
        return;
    }
    if let Some(mut m) = materials.get_mut(&shared.glow) {
        let g = lighting.0.glow;
        m.base_color = Color::srgb(g, g, g);
    }
}
