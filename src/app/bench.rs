//! The world benchmark: each scene shown for a number of frames at its spawn, measured.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use bevy::prelude::*;

use super::window::bevy_plugins;
use super::{AppError, SayscapePlugins, Shared, Size, display, take_shared};
use crate::plan::Layout;
use crate::state::ShowLayout;
use crate::world::stats::{FrameStats, StatsPlugin};

/// A scene to benchmark.
pub struct BenchScene {
    pub name: String,
    pub layout: Layout,
    pub plan_ms: f64,
}

/// What one scene cost in the benchmark.
#[derive(Debug, Clone)]
pub struct SceneFigures {
    pub name: String,
    pub plan_ms: f64,
    pub spawn_ms: f64,
    pub entities: usize,
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
    frame: u32,
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
            frame: 0,
            systems: Vec::new(),
            started: None,
            results: results.clone(),
        })
        .add_systems(Last, step_bench);
    app.run();
    take_shared(&results, "benchmark")
}

fn step_bench(mut bench: ResMut<Bench>, stats: Res<FrameStats>, mut show: MessageWriter<ShowLayout>, mut exit: MessageWriter<AppExit>) {
    let bench = &mut *bench;
    if bench.current >= bench.scenes.len() {
        exit.write(AppExit::Success);
        return;
    }
    if bench.frame == 0 {
        show.write(ShowLayout(Arc::new(bench.scenes[bench.current].layout.clone())));
        bench.systems.clear();
    } else if bench.frame > 3 {
        bench.systems.push(stats.systems_ms);
        if bench.frame == 4 {
            bench.started = Some(Instant::now());
        }
    }
    bench.frame += 1;
    if bench.frame > bench.frames_per_scene {
        let scene = &bench.scenes[bench.current];
        let measured = bench.systems.len().max(1) as f64;
        let figures = SceneFigures {
            name: scene.name.clone(),
            plan_ms: scene.plan_ms,
            spawn_ms: stats.spawn_ms.unwrap_or(f64::NAN),
            entities: stats.entities,
            draw_calls: stats.draw_calls,
            triangles: stats.triangles,
            systems_ms_mean: bench.systems.iter().sum::<f64>() / measured,
            systems_ms_max: bench.systems.iter().cloned().fold(0.0, f64::max),
            frame_ms: bench.started.map_or(f64::NAN, |s| s.elapsed().as_secs_f64() * 1e3 / measured),
        };
        eprintln!(
            "[bench world] {}: {} entities, {} draw calls, {} triangles",
            figures.name, figures.entities, figures.draw_calls, figures.triangles
        );
        if let Ok(mut r) = bench.results.lock() {
            r.push(figures);
        }
        bench.current += 1;
        bench.frame = 0;
    }
}
