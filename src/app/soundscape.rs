//! The soundscape on the sound card while the world runs: rebuilt with each world, the
//! listener at the camera; after an edit the old one fades out while the new one fades in.
//! With no audio device the app runs silent, with one warning.

use std::sync::Arc;

use bevy::prelude::*;
use kira::DefaultBackend;

use crate::audio::engine::{Ear, Soundscape};
use crate::state::{CurrentLayout, SceneClock, WorldChange, WorldSystems, world_replaced};

/// Seconds an edit's crossfade takes.
const CROSSFADE_S: f32 = 1.5;
/// Silence, for the start and end of a crossfade.
const SILENT_DB: f32 = -60.0;

pub struct LiveSoundscapePlugin;

impl Plugin for LiveSoundscapePlugin {
    fn build(&self, app: &mut App) {
        app.insert_non_send(LiveAudio::default())
            .add_systems(Update, (restart_soundscape.run_if(world_replaced), follow_listener).chain().in_set(WorldSystems));
    }
}

#[derive(Default)]
struct LiveAudio {
    scape: Option<Soundscape<DefaultBackend>>,
    /// The soundscape before an edit, fading out, and when it goes.
    fading: Option<(Soundscape<DefaultBackend>, std::time::Instant)>,
    warned: bool,
}

fn restart_soundscape(layout: Res<CurrentLayout>, change: Res<WorldChange>, mut audio: NonSendMut<LiveAudio>) {
    // A new world stops the old world's sounds first; an edit crossfades them.
    let old = audio.scape.take();
    audio.fading = None;
    if let (true, Some(mut old)) = (change.in_place, old) {
        old.fade_to(SILENT_DB, CROSSFADE_S);
        audio.fading = Some((old, std::time::Instant::now() + std::time::Duration::from_secs_f32(CROSSFADE_S)));
    }
    match Soundscape::<DefaultBackend>::new(Default::default(), Arc::clone(&layout.0)) {
        Ok(mut scape) => {
            if change.in_place {
                scape.fade_to(SILENT_DB, 0.0);
                scape.fade_to(0.0, CROSSFADE_S);
            }
            audio.scape = Some(scape);
        }
        Err(e) if !audio.warned => {
            warn!("{}; running silent", crate::errors::chain(&e));
            audio.warned = true;
        }
        Err(_) => {}
    }
}

fn follow_listener(clock: Res<SceneClock>, camera: Query<&GlobalTransform, With<Camera3d>>, mut audio: NonSendMut<LiveAudio>) {
    if audio.fading.as_ref().is_some_and(|(_, until)| std::time::Instant::now() >= *until) {
        audio.fading = None;
    }
    let Some(head) = camera.iter().next() else { return };
    let (_, rotation, position) = head.to_scale_rotation_translation();
    let ear = Ear { position: position.into(), rotation: rotation.to_array() };
    if let Some((old, _)) = audio.fading.as_mut() {
        old.update(clock.t, ear);
    }
    if let Some(scape) = audio.scape.as_mut() {
        scape.update(clock.t, ear);
    }
}
