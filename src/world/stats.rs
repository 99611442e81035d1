//! What a frame costs: entities, draw calls and triangles in view, and the CPU time of our
//! own systems. Draw calls are counted the way Bevy batches: one per distinct (mesh,
//! material) pair among the meshes in view (instances of a model share both).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use bevy::camera::visibility::VisibilitySystems;
use bevy::prelude::*;

use super::{WorldSpawn, WorldSystems};

pub struct StatsPlugin;

impl Plugin for StatsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<FrameStats>()
            .add_systems(Update, begin_spawn.before(WorldSpawn))
            .add_systems(Update, (end_spawn.after(WorldSpawn).before(WorldSystems), begin_systems.after(end_spawn).before(WorldSystems)))
            .add_systems(Update, end_systems.after(WorldSystems))
            .add_systems(PostUpdate, count_in_view.after(VisibilitySystems::CheckVisibility));
    }
}

#[derive(Resource, Default, Debug, Clone)]
pub struct FrameStats {
    pub entities: usize,
    /// Planned instances in the world, and how many of them are built from a real model.
    pub instances: usize,
    pub real_instances: usize,
    pub draw_calls: usize,
    pub triangles: usize,
    /// Milliseconds our per-frame systems took this frame.
    pub systems_ms: f64,
    /// Milliseconds the last world took to spawn (building models included).
    pub spawn_ms: Option<f64>,
    started: Option<Instant>,
    triangles_of: HashMap<AssetId<Mesh>, usize>,
}

fn begin_spawn(mut stats: ResMut<FrameStats>) {
    stats.started = Some(Instant::now());
}

fn end_spawn(mut stats: ResMut<FrameStats>, layout: Option<Res<super::CurrentLayout>>) {
    if layout.is_some_and(|l| l.is_changed()) {
        stats.spawn_ms = stats.started.map(|s| s.elapsed().as_secs_f64() * 1e3);
    }
}

fn begin_systems(mut stats: ResMut<FrameStats>) {
    stats.started = Some(Instant::now());
}

fn end_systems(mut stats: ResMut<FrameStats>) {
    stats.systems_ms = stats.started.map_or(0.0, |s| s.elapsed().as_secs_f64() * 1e3);
}

fn count_in_view(
    mut stats: ResMut<FrameStats>,
    all: Query<Entity>,
    placed: Query<Has<super::BuiltFrom>, With<super::Placed>>,
    meshes_in_view: Query<(&ViewVisibility, &Mesh3d, &MeshMaterial3d<StandardMaterial>)>,
    meshes: Res<Assets<Mesh>>,
) {
    let stats = &mut *stats;
    stats.entities = all.iter().count();
    stats.instances = placed.iter().count();
    stats.real_instances = placed.iter().filter(|real| *real).count();
    let mut batches = HashSet::new();
    let mut triangles = 0;
    for (visible, mesh, material) in &meshes_in_view {
        if !visible.get() {
            continue;
        }
        batches.insert((mesh.id(), material.id()));
        triangles += *stats
            .triangles_of
            .entry(mesh.id())
            .or_insert_with(|| meshes.get(&mesh.0).map_or(0, |m| m.indices().map_or(m.count_vertices(), |i| i.len()) / 3));
    }
    stats.draw_calls = batches.len();
    stats.triangles = triangles;
}
