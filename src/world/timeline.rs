//! Timeline beats: entities appear and vanish, the weather changes, lightning strikes, crowds
//! cheer. The state at any time is a function of the beats before it, so a snapshot at 30 s
//! shows what a viewer sees after 30 s.

use std::collections::HashSet;

use bevy::prelude::*;

use super::instances::Placed;
use super::motion::placed_transform;
use super::weather::{CurrentLighting, LightningFlash, WeatherNow};
use super::{CurrentLayout, SceneClock, WorldSystems};
use crate::plan::timeline::{hidden_at, weather_at};
use crate::plan::{Layout, Motions};
use crate::scene::BeatEvent;

/// Seconds a cheer beat makes a crowd jump, and how high.
const CHEER_S: f32 = 4.0;
const CHEER_HOP_M: f32 = 0.35;

/// The entities a cheer beat makes jump at `t`.
pub(super) fn cheering_at(layout: &Layout, t: f32) -> HashSet<String> {
    layout
        .timeline
        .iter()
        .filter(|b| b.event == BeatEvent::Cheer && (b.at..b.at + CHEER_S).contains(&t))
        .filter_map(|b| b.entity.clone())
        .collect()
}

/// How high (0..1 of the jump) instance `i` of a cheering crowd is at `t`; its rig lands
/// its knees by the same curve.
pub(super) fn cheer_hop(i: usize, t: f32) -> f32 {
    (t * 7.0 + i as f32 * 1.7).sin().abs()
}

pub struct TimelinePlugin;

impl Plugin for TimelinePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (play_beats, cheer).chain().in_set(WorldSystems).after(super::motion::move_instances));
    }
}

fn play_beats(
    clock: Res<SceneClock>,
    layout: Option<Res<CurrentLayout>>,
    mut weather: ResMut<WeatherNow>,
    lighting: Res<CurrentLighting>,
    mut flash: ResMut<LightningFlash>,
    mut placed: Query<(&Placed, &mut Visibility)>,
    mut last_hidden: Local<Option<(HashSet<String>, Vec<usize>)>>,
) {
    let Some(current) = layout else { return };
    let layout: &Layout = &current.0;
    let t = clock.t;
    // Hidden: entities by their appear and vanish beats, and each instance that has walked out.
    let hidden = (hidden_at(layout, t), (0..layout.instances.len()).filter(|&i| layout.has_left(i, t)).collect::<Vec<_>>());
    if current.is_changed() || last_hidden.as_ref() != Some(&hidden) {
        for (Placed(i), mut visibility) in &mut placed {
            let shown = layout.instances.get(*i).is_some_and(|inst| !hidden.0.contains(&inst.entity)) && hidden.1.binary_search(i).is_err();
            *visibility = if shown { Visibility::Inherited } else { Visibility::Hidden };
        }
        *last_hidden = Some(hidden);
    }
    let (now, since) = weather_at(layout, t);
    if now != weather.weather {
        weather.change(now, &lighting.0, since.max(t - 10.0));
    }
    for beat in layout.timeline.iter().filter(|b| b.event == BeatEvent::Lightning) {
        if beat.at <= t && t - beat.at < 0.45 && flash.at < beat.at {
            flash.strike(beat.at);
        }
    }
}

/// Crowds named by a cheer beat jump for a few seconds after it, then land where they stood.
fn cheer(
    clock: Res<SceneClock>,
    layout: Option<Res<CurrentLayout>>,
    mut placed: Query<(&Placed, &mut Transform)>,
    mut was_cheering: Local<HashSet<String>>,
) {
    let Some(layout) = layout else { return };
    let layout: &Layout = &layout.0;
    let t = clock.t;
    let cheering = cheering_at(layout, t);
    if cheering.is_empty() && was_cheering.is_empty() {
        return;
    }
    let motions = Motions::new(layout);
    for (Placed(i), mut transform) in &mut placed {
        let Some(inst) = layout.instances.get(*i) else { continue };
        if cheering.contains(&inst.entity) || was_cheering.contains(&inst.entity) {
            *transform = placed_transform(layout, &motions, *i, t);
            if cheering.contains(&inst.entity) {
                transform.translation.y += cheer_hop(*i, t) * CHEER_HOP_M;
            }
        }
    }
    *was_cheering = cheering;
}
