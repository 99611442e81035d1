//! A new world replaces the old one through black: the view fades out, the world is swapped
//! while nothing is seen, and it fades back in. In a headset a sudden jump of everything
//! around you is jarring; a short fade is the comfortable way. An edit of the world is swapped
//! in place instead: nothing it did not touch moves, so there is nothing to hide.

use std::sync::Arc;

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::models::{Geometry, unit};
use super::{CurrentLayout, SceneClock, ShowLayout, WorldPart};
use crate::plan::Layout;
use crate::state::{EditLayout, WorldChange};

/// Seconds to fade out, and again to fade in.
const FADE_S: f32 = 0.4;

pub struct FadePlugin;

impl Plugin for FadePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Fade>()
            .add_systems(Startup, spawn_veil)
            .add_systems(PreUpdate, (ask_for_world, swap_through_black, swap_in_place).chain());
    }
}

#[derive(Resource, Default)]
struct Fade {
    /// The world waiting for the view to go black.
    pending: Option<Arc<Layout>>,
    /// 0: clear, 1: black.
    level: f32,
}

/// A small black sphere around the viewer whose opacity is the fade.
#[derive(Component)]
struct Veil;

fn spawn_veil(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    let mut inside = Geometry::default();
    inside.push(&unit::sphere(12, 8), &Transform::from_scale(Vec3::splat(0.6)), [0.0, 0.0, 0.0]);
    for tri in inside.indices.chunks_mut(3) {
        tri.swap(1, 2);
    }
    let material = materials.add(StandardMaterial {
        base_color: Color::BLACK.with_alpha(0.0),
        alpha_mode: AlphaMode::Blend,
        unlit: true,
        fog_enabled: false,
        ..default()
    });
    commands.spawn((
        Veil,
        NotShadowCaster,
        Mesh3d(meshes.add(inside.into_mesh())),
        MeshMaterial3d(material),
        Transform::default(),
        Visibility::Hidden,
    ));
}

fn ask_for_world(mut asked: MessageReader<ShowLayout>, mut fade: ResMut<Fade>) {
    if let Some(ShowLayout(layout)) = asked.read().last() {
        fade.pending = Some(layout.clone());
    }
}

#[allow(clippy::too_many_arguments)]
fn swap_through_black(
    mut commands: Commands,
    time: Res<Time>,
    mut fade: ResMut<Fade>,
    mut clock: ResMut<SceneClock>,
    current: Option<Res<CurrentLayout>>,
    parts: Query<Entity, With<WorldPart>>,
    camera: Query<&GlobalTransform, With<Camera3d>>,
    mut veil: Query<(&mut Transform, &mut Visibility, &MeshMaterial3d<StandardMaterial>), With<Veil>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    // Snapshots and the first world need no fade out: nothing is on screen yet to hide.
    let instant = clock.frozen || current.is_none();
    let step = time.delta_secs() / FADE_S;
    if fade.pending.is_some() {
        fade.level = if instant { 1.0 } else { (fade.level + step).min(1.0) };
        if fade.level >= 1.0 {
            let layout = fade.pending.take().expect("checked above");
            for entity in &parts {
                commands.entity(entity).despawn();
            }
            if !clock.frozen {
                clock.t = 0.0;
            }
            commands.insert_resource(CurrentLayout(layout));
            commands.insert_resource(WorldChange { in_place: false });
            if clock.frozen {
                fade.level = 0.0;
            }
        }
    } else {
        fade.level = (fade.level - step).max(0.0);
    }
    let Ok((mut t, mut visibility, material)) = veil.single_mut() else { return };
    *visibility = if fade.level > 0.0 { Visibility::Inherited } else { Visibility::Hidden };
    if let Some(eye) = camera.iter().next() {
        t.translation = eye.translation();
    }
    if let Some(mut m) = materials.get_mut(&material.0) {
        m.base_color = Color::BLACK.with_alpha(fade.level);
    }
}

/// An edited world replaces the current one on this frame, with the clock running on, unless a
/// new world is on its way through black (which then wins).
fn swap_in_place(
    mut commands: Commands,
    mut edited: MessageReader<EditLayout>,
    fade: Res<Fade>,
    current: Option<Res<CurrentLayout>>,
    parts: Query<Entity, With<WorldPart>>,
) {
    let Some(EditLayout(layout)) = edited.read().last() else { return };
    if fade.pending.is_some() || current.is_none() {
        return;
    }
    for entity in &parts {
        commands.entity(entity).despawn();
    }
    commands.insert_resource(CurrentLayout(layout.clone()));
    commands.insert_resource(WorldChange { in_place: true });
}
