//! The world: a planned [`Layout`] turned into Bevy entities — terrain, water, sky and
//! weather, a model for every instance (a real one where set-up converted it), motion,
//! timeline — shown in a window or rendered headless. One plugin per concern, each in its own file; this file wires them together.
//! What the world shares with the other stages (the current layout, the clock, the system
//! sets, the status) lives in [`crate::state`]; the world imports neither audio nor voice.

mod fade;
mod hud;
mod instances;
pub mod lighting;
pub mod models;
mod motion;
mod player;
mod power;
mod real;
pub mod rigs;
mod room;
mod sky;
mod sky_features;
pub mod stats;
mod terrain;
mod timeline;
mod water;
mod weather;

use bevy::prelude::*;

pub use hud::{HudPlugin, displayable};
pub use instances::{MAX_LIGHTS, ModelKey, Placed, nearest_lights, real_model};
pub use motion::placed_transform;
pub use player::{Controls, Headset, Player, PlayerPose, ViewPoint, eye_height};
pub use real::{BuiltFrom, asset_plugin};
pub use rigs::Rigged;
pub use room::{ROOM_ROUGHNESS, RoomPart, RoomParts, room_parts};
pub use terrain::{GROUND_ROUGHNESS, Ground, Lava, ground};
pub use water::{WATER_ROUGHNESS, Water, water};

pub(crate) use crate::state::{
    CurrentLayout, ModelsLoading, RealModelsChoice, SceneClock, ShowLayout, WorldSpawn, WorldSystems, world_replaced,
};

/// Building for a standalone headset (Quest: Android, a mobile GPU): fewer shadow cascades
/// and real lights; everything else is already within its budgets.
pub const MOBILE_GPU: bool = cfg!(target_os = "android");

/// Every entity that belongs to the current world; despawned when the world is replaced.
#[derive(Component)]
pub struct WorldPart;

/// Everything that builds and animates the world (no window, camera controls or capture).
pub struct WorldPlugin;

impl Plugin for WorldPlugin {
    fn build(&self, app: &mut App) {
        crate::state::ensure_state(app);
        app.configure_sets(Update, (WorldSpawn.run_if(world_replaced), WorldSystems).chain())
            .add_systems(Update, tick_clock.before(WorldSpawn))
            .add_plugins((
                fade::FadePlugin,
                sky::SkyPlugin,
                terrain::TerrainPlugin,
                water::WaterPlugin,
                weather::WeatherPlugin,
                instances::InstancesPlugin,
                real::RealModelsPlugin,
                motion::MotionPlugin,
                timeline::TimelinePlugin,
                player::PlayerPlugin,
                power::PowerPlugin,
                room::RoomPlugin,
                sky_features::SkyFeaturesPlugin,
                rigs::RigsPlugin,
            ));
    }
}

fn tick_clock(time: Res<Time>, mut clock: ResMut<SceneClock>) {
    if !clock.frozen {
        clock.t += time.delta_secs();
    }
}

/// Bevy's rotation for a heading in degrees clockwise from north (-Z), with pitch and roll.
pub fn heading(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> Quat {
    Quat::from_rotation_y(-yaw_deg.to_radians())
        * Quat::from_rotation_x(pitch_deg.to_radians())
        * Quat::from_rotation_z(-roll_deg.to_radians())
}
