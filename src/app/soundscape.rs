//! The soundscape on the sound card while the world runs: rebuilt with each world, the
//! listener at the camera. With no audio device the app runs silent, with one warning.

use std::sync::Arc;

use bevy::prelude::*;
use kira::DefaultBackend;

use crate::audio::engine::{Ear, Soundscape};
use crate::state::{CurrentLayout, SceneClock, WorldSystems, world_replaced};

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
    warned: bool,
}

fn restart_soundscape(layout: Res<CurrentLayout>, mut audio: NonSendMut<LiveAudio>) {
    // Stop the old world's sounds before starting the new one's.
    audio.scape = None;
    match Soundscape::<DefaultBackend>::new(Default::default(), Arc::clone(&layout.0)) {
        Ok(scape) => audio.scape = Some(scape),
        Err(e) if !audio.warned => {
            warn!("{e}; running silent");
            audio.warned = true;
        }
        Err(_) => {}
    }
}

fn follow_listener(clock: Res<SceneClock>, camera: Query<&GlobalTransform, With<Camera3d>>, mut audio: NonSendMut<LiveAudio>) {
    let (Some(scape), Some(head)) = (audio.scape.as_mut(), camera.iter().next()) else { return };
    let (_, rotation, position) = head.to_scale_rotation_translation();
    scape.update(clock.t, Ear { position: position.into(), rotation: rotation.to_array() });
}
