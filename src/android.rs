//! The Quest's entry point. Android starts a native app by loading the crate's `cdylib` and
//! calling `android_main`, which Bevy's `#[bevy_main]` writes around [`main`] on Android (and
//! leaves out elsewhere, so this file is compiled and checked on every platform).

use bevy::prelude::bevy_main;

use crate::app::{Live, ViewStart};
use crate::pipeline::{Pipeline, PipelineConfig};

/// The scene a headset opens on, before the person says anything.
const FIRST_SCENE: &str = include_str!("../scenes/pirate_seven_seas.json");

/// Opens the first scene in the headset; the person then holds A or X and says a scenario.
#[bevy_main]
pub fn main() {
    let scene =
        crate::scene::parse_scene(FIRST_SCENE.as_bytes(), "scenes/pirate_seven_seas.json").expect("the built-in scene is valid (tested)");
    let pipeline = Pipeline::new(PipelineConfig::default());
    let start = ViewStart::Layout(crate::pipeline::World::of(scene, 0).layout.into());
    let live = Live { pipeline, save_to: None, world: None, seed: 0 };
    if let Err(e) = crate::app::run_headset(start, live, None, std::time::Duration::MAX) {
        bevy::log::error!("{}", crate::errors::chain(&e));
    }
}
