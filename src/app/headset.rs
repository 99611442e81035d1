//! The world in a headset: the same plugin group as the window, on an OpenXR session.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bevy::prelude::*;

use super::{AppError, Live, SayscapePlugins, ViewStart, take_shared};
use crate::xr::{HeadsetPlugin, XrReport, xr_bevy_plugins};

/// Runs the world in an OpenXR session; returns what it measured when it ends.
pub fn run_headset(start: ViewStart, live: Live, frames: Option<u32>, timeout: Duration) -> Result<XrReport, AppError> {
    let report = Arc::new(Mutex::new(XrReport::default()));
    let mut app = App::new();
    app.add_plugins(xr_bevy_plugins()).add_plugins(SayscapePlugins { start: Some(start), live: Some(live) }).add_plugins(HeadsetPlugin {
        frames,
        timeout,
        report: report.clone(),
    });
    app.run();
    take_shared(&report, "XR session")
}
