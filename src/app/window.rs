//! The desktop window: a world to walk around in, scenarios typed (Enter) or said (hold V).

use bevy::log::LogPlugin;
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::window::WindowResolution;

use super::{AppError, Live, SayscapePlugins, Size, ViewStart, display};
use crate::world::Controls;

/// Bevy's own plugins for a window titled `title` (or the snapshot's hidden one). `snapshot`:
/// compile every shader before drawing with it, so a captured frame is complete (a window
/// instead shows frames while shaders compile in the background).
pub(super) fn bevy_plugins(title: &str, size: Size, snapshot: bool) -> bevy::app::PluginGroupBuilder {
    let window = Window {
        title: format!("sayscape — {title}"),
        resolution: WindowResolution::new(size.width, size.height).with_scale_factor_override(1.0),
        ..default()
    };
    let render = RenderPlugin { synchronous_pipeline_compilation: snapshot, ..default() };
    // Logging is set up by the command line (tracing), not by Bevy; assets (the real models)
    // come from sayscape's home.
    DefaultPlugins
        .build()
        .disable::<LogPlugin>()
        .set(WindowPlugin { primary_window: Some(window), ..default() })
        .set(render)
        .set(crate::world::asset_plugin())
}

/// Opens a window on the world; returns when it is closed.
pub fn view(start: ViewStart, live: Live, size: Size) -> Result<(), AppError> {
    if !display::has_display() {
        return Err(AppError::NoDisplay);
    }
    let mut app = App::new();
    app.add_plugins(bevy_plugins(start.title(), size, false))
        .add_plugins(SayscapePlugins { start: Some(start), live: Some(live) })
        .insert_resource(Controls { enabled: true, typing: false });
    app.run();
    Ok(())
}
