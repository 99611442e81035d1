//! The world benchmark: each scene shown for a number of frames at its spawn, measured, once
//! with its real models and once all procedural when the caller asks for both.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use bevy::prelude::*;

use super::window::bevy_plugins;
use super::{AppError, SayscapePlugins, Shared, Size, display, take_shared};
use crate::plan::Layout;
use crate::state::{CurrentLayout, ModelsLoading, RealModelsChoice, ShowLayout};
use crate::world::stats::{FrameStats, StatsPlugin};

/// A scene to benchmark.
pub struct BenchScene {
    pub name: String,
    pub layout: Layout,
    pub plan_ms: f64,
    /// Built from the real models where set-up converted them, or all procedural.
    pub real_models: bool,
}

/// What one scene cost in the benchmark.
#[derive(Debug, Clone)]
pub struct SceneFigures {
    pub name: String,
    pub real_models: bool,
    pub plan_ms: f64,
    pub spawn_ms: f64,
    /// From asking for the world to its model files attached (loaded off the frame loop).
    pub ready_ms: f64,
    pub entities: usize,
    pub instances: usize,
    pub real_instances: usize,
    pub draw_calls: usize,
    pub triangles: usize,
    /// Mean and worst CPU milliseconds of our per-frame systems.
    pub systems_ms_mean: f64,
    pub systems_ms_max: f64,
    /// Mean wall time per frame on this machine's renderer (lavapipe here: a CPU).
    pub frame_ms: f64,
}

#[derive(Resource)]
struct Bench {
    scenes: Vec<BenchScene>,
    frames_per_scene: u32,
    current: usize,
    /// The world asked for and not yet measured.
    shown: Option<Arc<Layout>>,
    asked: Option<Instant>,
    ready_ms: f64,
    frame: u32,
    /// Frames the current scene waited to be installed and for its model files.
    waited: u32,
    systems: Vec<f64>,
    started: Option<Instant>,
    results: Shared<Vec<SceneFigures>>,
}

/// Shows each scene for `frames_per_scene` frames at its spawn and measures it.
pub fn bench(scenes: Vec<BenchScene>, frames_per_scene: u32, size: Size) -> Result<Vec<SceneFigures>, AppError> {
    let _display = display::ensure_display()?;
    let results = Arc::new(Mutex::new(Vec::new()));
    let mut app = App::new();
    // No start: the benchmark shows each scene in turn.
    app.add_plugins(bevy_plugins("benchmark", size, true)).add_plugins(SayscapePlugins { start: None, live: None });
    // Only the benchmark counts draw calls and triangles: a window need not pay for it.
    app.add_plugins(StatsPlugin)
        .insert_resource(Bench {
            scenes,
            frames_per_scene: frames_per_scene.max(8),
            current: 0,
            shown: None,
            asked: None,
            ready_ms: f64::NAN,
            frame: 0,
            waited: 0,
            systems: Vec::new(),
            started: None,
            results: results.clone(),
        })
        .add_systems(Last, step_bench);
    app.run();
    take_shared(&results, "benchmark")
}

fn step_bench(
    mut bench: ResMut<Bench>,
    stats: Res<FrameStats>,
    loading: Res<ModelsLoading>,
    current: Option<Res<CurrentLayout>>,
    mut choice: ResMut<RealModelsChoice>,
    mut show: MessageWriter<ShowLayout>,
    mut exit: MessageWriter<AppExit>,
) {
    let bench = &mut *bench;
    if bench.current >= bench.scenes.len() {
        exit.write(AppExit::Success);
        return;
    }
    let Some(shown) = bench.shown.clone() else {
        let scene = &bench.scenes[bench.current];
        choice.0 = scene.real_models;
        let layout = Arc::new(scene.layout.clone());
        show.write(ShowLayout(layout.clone()));
        bench.shown = Some(layout);
        bench.systems.clear();
        bench.frame = 0;
        bench.waited = 0;
        bench.asked = Some(Instant::now());
        bench.ready_ms = f64::NAN;
        return;
    };
    // Frames count once the world is in and its model files attached.
    let installed = current.is_some_and(|c| Arc::ptr_eq(&c.0, &shown));
    if (!installed || loading.0 > 0) && bench.waited < super::snapshot::MODEL_WAIT_FRAMES {
        bench.waited += 1;
        return;
    }
    if bench.frame == 0 {
        bench.ready_ms = bench.asked.map_or(f64::NAN, |a| a.elapsed().as_secs_f64() * 1e3);
    }
    if bench.frame > 1 {
        bench.systems.push(stats.systems_ms);
        if bench.frame == 2 {
            bench.started = Some(Instant::now());
        }
    }
    bench.frame += 1;
    if bench.frame > bench.frames_per_scene {
        let scene = &bench.scenes[bench.current];
        let measured = bench.systems.len().max(1) as f64;
        let figures = SceneFigures {
            name: scene.name.clone(),
            real_models: scene.real_models,
            plan_ms: scene.plan_ms,
            spawn_ms: stats.spawn_ms.unwrap_or(f64::NAN),
            ready_ms: bench.ready_ms,
            entities: stats.entities,
            instances: stats.instances,
            real_instances: stats.real_instances,
            draw_calls: stats.draw_calls,
            triangles: stats.triangles,
            systems_ms_mean: bench.systems.iter().sum::<f64>() / measured,
            systems_ms_max: bench.systems.iter().cloned().fold(0.0, f64::max),
            frame_ms: bench.started.map_or(f64::NAN, |s| s.elapsed().as_secs_f64() * 1e3 / measured),
        };
        eprintln!(
            "[bench world] {} ({}): {} entities, {} draw calls, {} triangles",
            figures.name,
            if figures.real_models { "real models" } else { "procedural" },
            figures.entities,
            figures.draw_calls,
            figures.triangles
        );
        if let Ok(mut r) = bench.results.lock() {
            r.push(figures);
        }
        bench.current += 1;
        bench.shown = None;
    }
}
