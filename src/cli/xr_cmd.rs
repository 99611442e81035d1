//! `sayscape xr`: the world in a headset through OpenXR, or the desktop view without one.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use sayscape::app::{self, Size, ViewStart};

use super::generate_cmd::{GenerateArgs, RemoteArgs};
use super::world_cmds::{live, world_of};

#[derive(Args, Debug)]
pub struct XrArgs {
    /// A scene file, or a scenario in words.
    pub scene: String,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Stop after this many frames in focus and print the frame timings (tests, benchmarks).
    #[arg(long)]
    pub frames: Option<u32>,
    /// With --frames: give up after this many seconds.
    #[arg(long, default_value_t = 120.0)]
    pub timeout: f64,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

pub fn xr(args: &XrArgs) -> anyhow::Result<ExitCode> {
    let file = Path::new(&args.scene);
    let is_file = file.extension().is_some_and(|e| e == "json") || file.exists();
    let world = if is_file { Some(world_of(file, args.seed)?) } else { None };
    let start = match &world {
        Some(world) => ViewStart::Layout(world.layout.clone().into()),
        None => ViewStart::Prompt(args.scene.clone()),
    };
    let live = live(&GenerateArgs::defaults(args.seed, args.remote.clone()), None, world)?;
    if let Err(reason) = sayscape::xr::runtime_available() {
        eprintln!("{}: showing the desktop view instead", sayscape::errors::chain(&reason));
        app::view(start, live, Size { width: 1280, height: 720 })?;
        return Ok(ExitCode::SUCCESS);
    }
    let report = app::run_headset(start, live, args.frames, Duration::from_secs_f64(args.timeout.max(1.0)))?;
    if let Some(n) = args.frames {
        let Some(focused) = report.focused_after_s else {
            anyhow::bail!(
                "the XR session never reached FOCUSED (last state: {})",
                if report.last_state.is_empty() { "none" } else { &report.last_state }
            );
        };
        let mut ms = report.frame_ms.clone();
        ms.sort_by(f64::total_cmp);
        let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
        let p95 = ms.get((ms.len() as f64 * 0.95) as usize).or(ms.last()).copied().unwrap_or(f64::NAN);
        println!("session FOCUSED after {focused:.1} s");
        println!(
            "{} frames (asked {n}): mean {mean:.1} ms ({:.1} frames/s), p95 {p95:.1} ms, worst {:.1} ms",
            ms.len(),
            1e3 / mean,
            ms.last().copied().unwrap_or(f64::NAN)
        );
        if (ms.len() as u32) < n {
            anyhow::bail!("only {} of {n} frames before the timeout", ms.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
