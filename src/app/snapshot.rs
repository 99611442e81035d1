//! A headless snapshot: one frame of a world, saved as a PNG.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::coverage::{Coverage, count, kinds_of, paint_identities, real_models_of};
use super::window::bevy_plugins;
use super::{AppError, SayscapePlugins, Shared, Size, SnapshotError, ViewStart, display, take_shared};
use crate::plan::Layout;
use crate::state::{CurrentLayout, ModelsLoading, RealModelsChoice, SceneClock};
use crate::world::ViewPoint;
use crate::world::{BuiltFrom, Placed};

/// What to capture.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub out: PathBuf,
    pub view: ViewPoint,
    pub size: Size,
    /// Scenario time to show, in seconds.
    pub time: f32,
    /// Frames to render before capturing (pipelines compile in the background).
    pub warmup_frames: u32,
    /// Also measure what the picture shows: each kind's share of its pixels.
    pub report: bool,
    /// Build kinds from their real models where set-up converted them (else all procedural).
    pub real_models: bool,
}

#[derive(Resource)]
struct Snapshot {
    out: PathBuf,
    warmup_frames: u32,
    report: bool,
    frames: u32,
    /// Frames spent waiting for model files before the warm-up could start.
    waited: u32,
    result: Shared<Option<Result<(), SnapshotError>>>,
    visible: Shared<Option<Result<Vec<Coverage>, SnapshotError>>>,
}

/// Frames drawn after repainting for the coverage count, before its capture.
const IDENTITY_FRAMES: u32 = 4;

/// The most frames a snapshot waits for model files before it goes on without them (those
/// still loading then are missing from the picture, and a warning says so).
pub(super) const MODEL_WAIT_FRAMES: u32 = 900;

/// Renders `layout` to a PNG (through a private Xvfb when there is no display); with
/// `options.report`, returns what the picture shows, largest share first.
pub fn render(layout: Layout, options: &RenderOptions) -> Result<Vec<Coverage>, AppError> {
    let _display = display::ensure_display()?;
    let result = Arc::new(Mutex::new(None));
    let visible = Arc::new(Mutex::new(None));
    let mut app = App::new();
    app.add_plugins(bevy_plugins(&layout.title, options.size, true))
        .add_plugins(SayscapePlugins { start: Some(ViewStart::Layout(Arc::new(layout))), live: None })
        .insert_resource(options.view)
        .insert_resource(SceneClock { t: options.time, frozen: true })
        .insert_resource(RealModelsChoice(options.real_models))
        .insert_resource(Snapshot {
            out: options.out.clone(),
            warmup_frames: options.warmup_frames,
            report: options.report,
            frames: 0,
            waited: 0,
            result: result.clone(),
            visible: visible.clone(),
        })
        .add_systems(Last, take_snapshot);
    app.run();
    let failed = |source| AppError::Snapshot { path: options.out.clone(), source };
    take_shared(&result, "renderer")?.unwrap_or(Err(SnapshotError::Closed)).map_err(failed)?;
    match take_shared(&visible, "renderer")? {
        Some(counted) => counted.map_err(failed),
        None if options.report => Err(failed(SnapshotError::NoCoverage)),
        None => Ok(Vec::new()),
    }
}

fn take_snapshot(
    mut commands: Commands,
    mut snapshot: ResMut<Snapshot>,
    layout: Option<Res<CurrentLayout>>,
    loading: Res<ModelsLoading>,
    built: Query<(&Placed, &BuiltFrom)>,
    mut exit: MessageWriter<AppExit>,
) {
    if layout.is_none() {
        return;
    }
    if snapshot.frames == 0 && loading.0 > 0 {
        snapshot.waited += 1;
        if snapshot.waited < MODEL_WAIT_FRAMES {
            return;
        }
        warn!("{} instances' model files are still loading; the snapshot goes on without them", loading.0);
    }
    snapshot.frames += 1;
    if snapshot.frames == snapshot.warmup_frames {
        let (out, result, report) = (snapshot.out.clone(), snapshot.result.clone(), snapshot.report);
        commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
            let saved = save_png(&captured.image, &out);
            if let Ok(mut slot) = result.lock() {
                *slot = Some(saved);
            }
            if !report {
                exit.write(AppExit::Success);
            }
        });
    }
    if snapshot.report && snapshot.frames == snapshot.warmup_frames + 2 {
        commands.run_system_cached(paint_identities);
    }
    if snapshot.report && snapshot.frames == snapshot.warmup_frames + 2 + IDENTITY_FRAMES {
        let (visible, kinds) = (snapshot.visible.clone(), layout.as_ref().map(|l| kinds_of(l)).unwrap_or_default());
        let models = layout.as_ref().map(|l| real_models_of(l, &built)).unwrap_or_default();
        commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
            if let Ok(mut slot) = visible.lock() {
                *slot = Some(count(&captured.image, &kinds, &models));
            }
            exit.write(AppExit::Success);
        });
    }
    if snapshot.frames > snapshot.warmup_frames + 300 {
        if let Ok(mut slot) = snapshot.result.lock() {
            *slot = Some(Err(SnapshotError::NoScreenshot));
        }
        exit.write(AppExit::error());
    }
}

/// Encodes the image and writes it atomically: never a half-written PNG.
pub(super) fn save_png(image: &Image, out: &Path) -> Result<(), SnapshotError> {
    let rgb = image.clone().try_into_dynamic().map_err(|e| SnapshotError::Format { what: "screenshot", source: Box::new(e) })?.to_rgb8();
    let mut png = std::io::Cursor::new(Vec::new());
    let format = bevy::image::ImageFormat::Png.as_image_crate_format().expect("PNG support is built in");
    rgb.write_to(&mut png, format).map_err(|e| SnapshotError::Encode(Box::new(e)))?;
    crate::files::write_atomically(out, png.get_ref()).map_err(SnapshotError::Write)
}
