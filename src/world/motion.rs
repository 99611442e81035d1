//! Motion in the world: every moving instance follows [`Motions`] (the planner's definition,
//! shared with the soundscape), spinning parts turn, flickering things pulse.

use std::f32::consts::TAU;

use bevy::prelude::*;

use super::instances::{Placed, Spinner};
use super::{CurrentLayout, SceneClock, WorldSystems, heading};
use crate::plan::{Layout, Motions};
use crate::scene::MotionKind;

pub struct MotionPlugin;

impl Plugin for MotionPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (move_instances, spin_parts).in_set(WorldSystems));
    }
}

/// The transform of instance `i` at scenario time `t`: world space, or its carrier's space
/// when it rides a moving carrier (the carrier's scale divided out).
pub fn placed_transform(layout: &Layout, motions: &Motions, i: usize, t: f32) -> Transform {
    let inst = &layout.instances[i];
    let pose = motions.local_pose(i, t);
    let carrier_scale = motions.carrier(i).map_or(1.0, |p| layout.instances[p].scale);
    let pulse =
        if inst.motion.kind == MotionKind::Flicker { 1.0 + 0.12 * (t * 9.0 * inst.motion.speed.max(0.2) + i as f32).sin() } else { 1.0 };
    Transform::from_translation(Vec3::from(pose.position) / carrier_scale)
        .with_rotation(heading(pose.yaw_deg, pose.pitch_deg, pose.roll_deg))
        .with_scale(Vec3::splat(inst.scale * pulse / carrier_scale) * Vec3::new(1.0, pose.stature, 1.0))
}

pub(super) fn move_instances(clock: Res<SceneClock>, layout: Option<Res<CurrentLayout>>, mut placed: Query<(&Placed, &mut Transform)>) {
    let Some(layout) = layout else { return };
    let layout: &Layout = &layout.0;
    let motions = Motions::new(layout);
    for (Placed(i), mut transform) in &mut placed {
        if *i < layout.instances.len() && motions.moves(*i) {
            *transform = placed_transform(layout, &motions, *i, clock.t);
        }
    }
}

fn spin_parts(clock: Res<SceneClock>, mut spinners: Query<(&Spinner, &mut Transform)>) {
    for (spinner, mut t) in &mut spinners {
        t.rotation = Quat::from_axis_angle(spinner.axis, (clock.t * spinner.turns_per_s * TAU).rem_euclid(TAU));
    }
}
