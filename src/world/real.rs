//! Real models: the GLB files set-up converted (see [`crate::scene::models`]), loaded through
//! Bevy's glTF loader and attached to the instances that asked for them. Each file is loaded
//! once and its meshes and materials shared by every instance, so Bevy batches them; a far
//! version, where there is one, takes over at a distance. A file that fails to load is logged
//! once and its instances get their procedural model instead: the render loop never waits on,
//! or breaks over, a model file.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bevy::asset::{AssetMetaCheck, RecursiveDependencyLoadState};
use bevy::camera::visibility::VisibilityRange;
use bevy::gltf::{Gltf, GltfAssetLabel, GltfMesh, GltfNode};
use bevy::prelude::*;

use super::{ModelsLoading, WorldSystems};
use crate::scene::models::RealModel;

pub struct RealModelsPlugin;

impl Plugin for RealModelsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ModelFiles>().add_systems(Update, attach_models.in_set(WorldSystems));
    }
}

/// The asset plugin the world loads its model files with: rooted at `SAYSCAPE_HOME` (where
/// set-up puts them), no `.meta` files looked for.
pub fn asset_plugin() -> AssetPlugin {
    AssetPlugin { file_path: crate::files::sayscape_home().to_string_lossy().into_owned(), meta_check: AssetMetaCheck::Never, ..default() }
}

/// An instance waiting for its model file (and its far version's), to be attached when loaded.
#[derive(Component, Clone, Debug)]
pub struct AwaitingModel {
    pub near: String,
    /// The far version and the distance it takes over from.
    pub far: Option<(String, f32)>,
    /// Scales the model (metres, as converted) to the instance's kind.
    pub scale: f32,
}

/// Put on an instance built from a real model: the asset it was built from.
#[derive(Component, Clone, Debug)]
pub struct BuiltFrom(pub String);

/// Put on an instance whose model file failed: the instances plugin builds its procedural model.
#[derive(Component)]
pub struct ModelFailed;

/// One drawable part of a model: a mesh, its material, where it sits in the model.
#[derive(Clone)]
struct Part {
    mesh: Handle<Mesh>,
    material: Handle<StandardMaterial>,
    transform: Transform,
}

enum FileState {
    Loading(Handle<Gltf>),
    /// The parts, and the file's handle (kept so its meshes and materials stay loaded).
    Ready(Arc<[Part]>, #[allow(dead_code)] Handle<Gltf>),
    Failed,
}

/// Every model file asked for in this run, by asset path: loaded once, kept across worlds.
#[derive(Resource, Default)]
pub struct ModelFiles {
    files: HashMap<String, FileState>,
    warned: HashSet<String>,
}

impl ModelFiles {
    /// Starts loading `asset` unless it is loading or loaded already.
    pub fn request(&mut self, server: &AssetServer, asset: &str) {
        self.files.entry(asset.to_string()).or_insert_with(|| FileState::Loading(server.load(asset.to_string())));
    }

    /// What an instance of `model` at `scale` waits for; asks for its files.
    pub fn awaiting(&mut self, server: &AssetServer, model: &RealModel, scale: f32) -> AwaitingModel {
        self.request(server, &model.asset);
        if let Some((far, _, _)) = &model.far {
            self.request(server, far);
        }
        AwaitingModel { near: model.asset.clone(), far: model.far.as_ref().map(|(f, from, _)| (f.clone(), *from)), scale }
    }
}

/// Moves loading files on, then attaches every waiting instance whose files are settled.
#[allow(clippy::too_many_arguments)]
fn attach_models(
    mut commands: Commands,
    server: Res<AssetServer>,
    gltfs: Res<Assets<Gltf>>,
    nodes: Res<Assets<GltfNode>>,
    meshes: Res<Assets<GltfMesh>>,
    mut files: ResMut<ModelFiles>,
    waiting: Query<(Entity, &AwaitingModel)>,
    mut loading: ResMut<ModelsLoading>,
) {
    let files = &mut *files;
    for (asset, state) in files.files.iter_mut() {
        let FileState::Loading(handle) = state else { continue };
        let handle = handle.clone();
        match server.get_recursive_dependency_load_state(&handle) {
            Some(RecursiveDependencyLoadState::Loaded) => {
                *state = match gltfs.get(&handle).and_then(|g| parts_of(g, &nodes, &meshes, &server)) {
                    Some(parts) if !parts.is_empty() => FileState::Ready(parts.into(), handle.clone()),
                    _ => {
                        if files.warned.insert(asset.clone()) {
                            warn!("{asset}: loaded, but holds no mesh; its kind keeps its procedural model");
                        }
                        FileState::Failed
                    }
                };
            }
            Some(RecursiveDependencyLoadState::Failed(e)) => {
                if files.warned.insert(asset.clone()) {
                    warn!("{asset}: cannot load ({e}); its kind keeps its procedural model");
                }
                *state = FileState::Failed;
            }
            // Not started yet, or loading.
            _ => {}
        }
    }
    let mut still = 0;
    for (entity, awaiting) in &waiting {
        let near = files.files.get(&awaiting.near);
        let far = awaiting.far.as_ref().map(|(f, from)| (files.files.get(f), *from));
        let settled = |s: Option<&FileState>| !matches!(s, Some(FileState::Loading(_)));
        if !settled(near) || far.as_ref().is_some_and(|(f, _)| !settled(*f)) {
            still += 1;
            continue;
        }
        let mut instance = commands.entity(entity);
        instance.remove::<AwaitingModel>();
        let Some(FileState::Ready(near, _)) = near else {
            instance.insert(ModelFailed);
            continue;
        };
        instance.insert(BuiltFrom(awaiting.near.clone()));
        let scale = Transform::from_scale(Vec3::splat(awaiting.scale));
        let far = match far {
            Some((Some(FileState::Ready(parts, _)), from)) => Some((parts.clone(), from)),
            _ => None,
        };
        instance.with_children(|children| {
            let near_range = far.as_ref().map(|(_, from)| VisibilityRange::abrupt(0.0, *from));
            for part in near.iter() {
                let mut e = children.spawn((Mesh3d(part.mesh.clone()), MeshMaterial3d(part.material.clone()), scale * part.transform));
                if let Some(range) = &near_range {
                    e.insert(range.clone());
                }
            }
            if let Some((parts, from)) = &far {
                for part in parts.iter() {
                    children.spawn((
                        Mesh3d(part.mesh.clone()),
                        MeshMaterial3d(part.material.clone()),
                        scale * part.transform,
                        VisibilityRange::abrupt(*from, f32::MAX),
                    ));
                }
            }
        });
    }
    if loading.0 != still {
        loading.0 = still;
    }
}

/// The meshes of a loaded file with their materials and their place in the model (the node
/// hierarchy walked from its roots).
fn parts_of(gltf: &Gltf, nodes: &Assets<GltfNode>, meshes: &Assets<GltfMesh>, server: &AssetServer) -> Option<Vec<Part>> {
    let children: HashSet<AssetId<GltfNode>> =
        gltf.nodes.iter().filter_map(|h| nodes.get(h)).flat_map(|n| n.children.iter().map(|c| c.id())).collect();
    let mut stack: Vec<(&Handle<GltfNode>, Transform)> =
        gltf.nodes.iter().filter(|h| !children.contains(&h.id())).map(|h| (h, Transform::IDENTITY)).collect();
    let mut parts = Vec::new();
    while let Some((handle, parent)) = stack.pop() {
        let node = nodes.get(handle)?;
        let at = parent * node.transform;
        if let Some(mesh) = node.mesh.as_ref().and_then(|m| meshes.get(m)) {
            for primitive in &mesh.primitives {
                // The loader makes a StandardMaterial of each glTF material, labelled beside it.
                let label = match primitive.material.as_ref().and_then(|m| m.path()) {
                    Some(path) => path.clone().with_label(format!("{}/std", path.label()?)),
                    None => handle.path()?.clone().with_label(format!("{}/std", GltfAssetLabel::DefaultMaterial)),
                };
                parts.push(Part { mesh: primitive.mesh.clone(), material: server.get_handle(label)?, transform: at });
            }
        }
        stack.extend(node.children.iter().map(|c| (c, at)));
    }
    Some(parts)
}
