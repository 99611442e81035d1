//! The application: the stages composed into something a person uses. One plugin group
//! ([`SayscapePlugins`]) serves the desktop window, the headless snapshot, the benchmark and the
//! headset session alike; around it live the scene worker (requests → [`Pipeline`] on a
//! thread), push-to-talk, and the live soundscape. The stages below (world, audio, voice, xr)
//! never import this module: they talk through [`crate::state`].

mod bench;
mod coverage;
pub mod display;
mod gallery;
mod headset;
mod snapshot;
mod soundscape;
mod speech;
mod window;
mod worker;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bevy::app::PluginGroupBuilder;
use bevy::prelude::*;

pub use bench::{BenchScene, SceneFigures, bench};
pub use coverage::Coverage;
pub use gallery::{SCENE_CROP, THINGS_CROP, Tile, contact_sheet};
pub use headset::run_headset;
pub use snapshot::{RenderOptions, render};
pub use window::view;

use crate::pipeline::Pipeline;
use crate::plan::Layout;
use crate::state::{PromptSubmitted, ShowLayout, StatePlugin};
use crate::world::{HudPlugin, WorldPlugin};

/// Size of the window or snapshot, in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// How the app starts: with a world, or with a scenario still to generate.
#[derive(Clone)]
pub enum ViewStart {
    Layout(Arc<Layout>),
    Prompt(String),
}

impl ViewStart {
    fn title(&self) -> &str {
        match self {
            ViewStart::Layout(layout) => &layout.title,
            ViewStart::Prompt(prompt) => prompt,
        }
    }
}

/// What a person can do in a live session (a window or a headset): say or type scenarios
/// that the pipeline turns into worlds, and hear the soundscape.
pub struct Live {
    pub pipeline: Pipeline,
    /// Each generated or edited scene is saved here (atomically) before it is shown.
    pub save_to: Option<PathBuf>,
    /// The world shown at the start, when it came from a file: what the first edit changes.
    pub world: Option<crate::pipeline::World>,
    /// The seed of the scenarios made in this session (`--seed`).
    pub seed: u32,
}

/// Everything sayscape adds to Bevy's own plugins: the shared state and the world; with
/// `live`, the HUD, the live soundscape, push-to-talk and the scene worker.
pub struct SayscapePlugins {
    /// The first world, or the first scenario to generate; `None`: the caller shows one.
    pub start: Option<ViewStart>,
    pub live: Option<Live>,
}

impl PluginGroup for SayscapePlugins {
    fn build(self) -> PluginGroupBuilder {
        let mut group = PluginGroupBuilder::start::<Self>().add(StatePlugin).add(WorldPlugin);
        if let Some(start) = self.start {
            group = group.add(StartPlugin(start));
        }
        match self.live {
            None => group,
            Some(live) => {
                group.add(HudPlugin).add(soundscape::LiveSoundscapePlugin).add(speech::SpeechPlugin).add(worker::WorkerPlugin::new(live))
            }
        }
    }
}

/// Shows the first world, or asks for the first scenario, at start-up.
struct StartPlugin(ViewStart);

impl Plugin for StartPlugin {
    fn build(&self, app: &mut App) {
        match self.0.clone() {
            ViewStart::Layout(layout) => {
                app.add_systems(Startup, move |mut show: MessageWriter<ShowLayout>| {
                    show.write(ShowLayout(layout.clone()));
                });
            }
            ViewStart::Prompt(prompt) => {
                app.add_systems(Startup, move |mut submitted: MessageWriter<PromptSubmitted>| {
                    submitted.write(PromptSubmitted(prompt.clone()));
                });
            }
        }
    }
}

/// Why a window, a snapshot or a session could not run.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no display (DISPLAY is not set); use `sayscape render FILE --out PNG` for a snapshot")]
    NoDisplay,
    #[error("cannot start a private X server for headless rendering")]
    Display(#[source] display::DisplayError),
    #[error("{}", path.display())]
    Snapshot { path: PathBuf, source: SnapshotError },
    #[error("the {0} stopped unexpectedly (a panic in the render loop)")]
    Panicked(&'static str),
}

/// Why a picture (a snapshot, a contact sheet) was not written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the window closed before the snapshot was taken")]
    Closed,
    #[error("the screenshot never arrived")]
    NoScreenshot,
    #[error("the coverage frame never arrived")]
    NoCoverage,
    #[error("{missing} of {total} tiles were never captured")]
    Tiles { missing: usize, total: usize },
    #[error("{what} in an unexpected format")]
    Format { what: &'static str, source: Box<dyn std::error::Error + Send + Sync> },
    #[error("cannot encode the PNG")]
    Encode(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("cannot write")]
    Write(#[source] std::io::Error),
}

/// A value shared between the app's systems and the function that ran the app.
type Shared<T> = Arc<Mutex<T>>;

/// Takes the value a finished app left behind.
fn take_shared<T: Default>(shared: &Shared<T>, what: &'static str) -> Result<T, AppError> {
    shared.lock().map(|mut v| std::mem::take(&mut *v)).map_err(|_| AppError::Panicked(what))
}
