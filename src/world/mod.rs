//! The world: a planned [`Layout`] turned into Bevy entities — terrain, water, sky and
//! weather, a model for every instance, motion, timeline — shown in a window or rendered
//! headless. One plugin per concern, each in its own file; this file wires them together.

pub mod app;
pub mod display;
mod fade;
pub mod hud;
mod instances;
pub mod models;
mod motion;
mod lighting;
mod player;
mod sky;
pub mod stats;
mod terrain;
mod timeline;
mod water;
mod weather;

use std::sync::Arc;

use bevy::prelude::*;

pub use player::{Headset, Player, PlayerPose, ViewPoint};

use crate::plan::Layout;

/// Building for a standalone headset (Quest: Android, a mobile GPU): fewer shadow cascades
/// and real lights; everything else is already within its budgets.
pub const MOBILE_GPU: bool = cfg!(target_os = "android");

/// The layout the world shows now. Replacing it rebuilds the world.
#[derive(Resource, Clone)]
pub struct CurrentLayout(pub Arc<Layout>);

/// Ask for a new world (from a file, the model, or the bench); it comes in through a fade.
#[derive(Message, Clone)]
pub struct ShowLayout(pub Arc<Layout>);

/// Every entity that belongs to the current world; despawned when the world is replaced.
#[derive(Component)]
pub struct WorldPart;

/// Scenario time: seconds since the world appeared, or a fixed time for snapshots.
#[derive(Resource, Default)]
pub struct SceneClock {
    pub t: f32,
    /// A snapshot holds the clock at the asked time.
    pub frozen: bool,
}

/// Systems that build the parts of a new world; they run on the frame it is installed.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorldSpawn;

/// Our own per-frame systems, timed together by the stats.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorldSystems;

/// Everything that builds and animates the world (no window, camera controls or capture).
pub struct WorldPlugin;

impl Plugin for WorldPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<ShowLayout>()
            .init_resource::<SceneClock>()
            .configure_sets(Update, (WorldSpawn.run_if(world_replaced), WorldSystems).chain())
            .add_systems(Update, tick_clock.before(WorldSpawn))
            .add_plugins((
                fade::FadePlugin,
                sky::SkyPlugin,
                terrain::TerrainPlugin,
                water::WaterPlugin,
                weather::WeatherPlugin,
                instances::InstancesPlugin,
                motion::MotionPlugin,
                timeline::TimelinePlugin,
                player::PlayerPlugin,
            ));
    }
}

fn tick_clock(time: Res<Time>, mut clock: ResMut<SceneClock>) {
    if !clock.frozen {
        clock.t += time.delta_secs();
    }
}

/// Run condition: the world was just replaced.
pub fn world_replaced(layout: Option<Res<CurrentLayout>>) -> bool {
    layout.is_some_and(|l| l.is_changed())
}

/// Bevy's rotation for a heading in degrees clockwise from north (-Z), with pitch and roll.
pub fn heading(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> Quat {
    Quat::from_rotation_y(-yaw_deg.to_radians()) * Quat::from_rotation_x(pitch_deg.to_radians()) * Quat::from_rotation_z(-roll_deg.to_radians())
}
