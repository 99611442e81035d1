//! The world in a headset: an OpenXR session through bevy_mod_openxr, the tracking space at
//! the player's feet (riding the ship, sitting in the cockpit), comfort-first controls
//! (teleport and snap turns), and frame timings for the test on a real runtime (Monado).

mod caption;
mod controls;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::app::PluginGroupBuilder;
use bevy::log::LogPlugin;
use bevy::prelude::*;
use bevy::render::pipelined_rendering::PipelinedRenderingPlugin;
use bevy_mod_openxr::add_xr_plugins;
use bevy_mod_openxr::poll_events::{OxrEventHandlerExt, OxrEventIn};
use bevy_mod_xr::session::XrTrackingRoot;

use crate::state::{Status, WorldSystems};
use crate::world::{Headset, PlayerPose};

/// Why no headset session can start.
#[derive(Debug, thiserror::Error)]
pub enum NoRuntime {
    #[error("no OpenXR loader")]
    Loader(#[source] openxr::LoadError),
    #[error("no OpenXR runtime")]
    Runtime(#[source] openxr::sys::Result),
}

/// Whether an OpenXR runtime answers; the reason when none does.
pub fn runtime_available() -> Result<(), NoRuntime> {
    // SAFETY: loads the system's OpenXR loader library, as every OpenXR app does.
    let entry = unsafe { openxr::Entry::load() }.map_err(NoRuntime::Loader)?;
    entry.enumerate_extensions().map(|_| ()).map_err(NoRuntime::Runtime)
}

/// What `sayscape xr --frames N` measured.
#[derive(Debug, Clone, Default)]
pub struct XrReport {
    /// Seconds from start until the runtime put the session in focus.
    pub focused_after_s: Option<f64>,
    /// Frame intervals while the session ran, in milliseconds.
    pub frame_ms: Vec<f64>,
    pub last_state: String,
}

#[derive(Resource)]
struct XrRun {
    started: Instant,
    /// Stop after this many frames in focus (a test run); run until closed otherwise.
    frames: Option<u32>,
    timeout: Duration,
    last_frame: Option<Instant>,
    result: Arc<Mutex<XrReport>>,
}

/// Bevy's plugins for an OpenXR session. Pipelined rendering is off: controller and head
/// poses are read right before rendering.
pub fn xr_bevy_plugins() -> PluginGroupBuilder {
    add_xr_plugins(DefaultPlugins.build().disable::<LogPlugin>().disable::<PipelinedRenderingPlugin>().set(crate::world::asset_plugin()))
}

/// The headset's part of a session: comfort controls, the tracking space carried with the
/// player, the progress ring, and the measurements of `sayscape xr --frames N`.
pub struct HeadsetPlugin {
    /// Stop after this many frames in focus (a test run); run until closed otherwise.
    pub frames: Option<u32>,
    pub timeout: Duration,
    /// Filled in while the session runs.
    pub report: Arc<Mutex<XrReport>>,
}

impl Plugin for HeadsetPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Headset)
            .add_plugins((controls::ControlsPlugin, caption::CaptionPlugin))
            .insert_resource(XrRun {
                started: Instant::now(),
                frames: self.frames,
                timeout: self.timeout,
                last_frame: None,
                result: self.report.clone(),
            })
            .add_oxr_event_handler(note_session_state)
            .add_systems(Startup, spawn_progress_ring)
            .add_systems(Update, (carry_tracking_space.after(WorldSystems), show_progress))
            .add_systems(Last, count_frames);
    }
}

fn note_session_state(event: OxrEventIn, run: Res<XrRun>) {
    if let openxr::Event::SessionStateChanged(change) = *event {
        let state = change.state();
        if let Ok(mut report) = run.result.lock() {
            report.last_state = format!("{state:?}");
            if state == openxr::SessionState::FOCUSED && report.focused_after_s.is_none() {
                report.focused_after_s = Some(run.started.elapsed().as_secs_f64());
            }
        }
    }
}

/// The tracking space (the room the headset tracks) sits at the player's feet, turned and
/// tilted with what carries them; the runtime adds the head's own height and motion.
fn carry_tracking_space(pose: Res<PlayerPose>, mut roots: Query<&mut Transform, With<XrTrackingRoot>>) {
    for mut root in &mut roots {
        *root = Transform::from_translation(pose.feet).with_rotation(pose.frame * pose.body);
    }
}

/// Shown in the headset while a scenario is being generated (the window's text is not).
#[derive(Component)]
struct ProgressRing;

fn spawn_progress_ring(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    let mut ring = crate::world::models::Geometry::default();
    let bead = crate::world::models::unit::sphere(8, 6);
    for i in 0..12 {
        let a = i as f32 / 12.0 * std::f32::consts::TAU;
        let glow = 0.3 + 0.7 * i as f32 / 11.0;
        ring.push(&bead, &Transform::from_xyz(a.cos() * 0.12, a.sin() * 0.12, 0.0).with_scale(Vec3::splat(0.035)), [glow, glow * 0.9, 1.0]);
    }
    let material = materials.add(StandardMaterial { base_color: Color::WHITE, unlit: true, fog_enabled: false, ..default() });
    commands.spawn((
        ProgressRing,
        Mesh3d(meshes.add(ring.into_mesh())),
        MeshMaterial3d(material),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// A ring of beads turning a metre ahead of the eyes while the model works.
fn show_progress(
    time: Res<Time>,
    status: Res<Status>,
    pose: Res<PlayerPose>,
    mut ring: Query<(&mut Transform, &mut Visibility), With<ProgressRing>>,
) {
    let Ok((mut t, mut visibility)) = ring.single_mut() else { return };
    *visibility = if status.is_busy() { Visibility::Inherited } else { Visibility::Hidden };
    let eye = pose.feet + pose.frame * Vec3::Y * 1.6;
    let ahead = pose.frame * pose.body * Vec3::NEG_Z;
    *t = Transform::from_translation(eye + ahead).looking_to(ahead, Vec3::Y)
        * Transform::from_rotation(Quat::from_rotation_z(-time.elapsed_secs() * 4.0));
}

fn count_frames(mut run: ResMut<XrRun>, mut exit: MessageWriter<AppExit>) {
    let now = Instant::now();
    let focused = run.result.lock().map(|r| r.focused_after_s.is_some()).unwrap_or(false);
    if focused {
        if let Some(last) = run.last_frame
            && let Ok(mut report) = run.result.lock()
        {
            report.frame_ms.push((now - last).as_secs_f64() * 1e3);
        }
        run.last_frame = Some(now);
    }
    let done = run.frames.is_some_and(|n| run.result.lock().map(|r| r.frame_ms.len() as u32 >= n).unwrap_or(false));
    if done || (run.frames.is_some() && run.started.elapsed() > run.timeout) {
        exit.write(AppExit::Success);
    }
}
