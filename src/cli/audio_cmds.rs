//! `sayscape soundscape` (a scene's soundscape to WAV, with its figures) and `bench audio`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use sayscape::audio::analysis::analyse;
use sayscape::audio::offline::{OUTPUT_RATE, render};
use sayscape::audio::wav::write_wav;
use sayscape::pipeline::World;
use sayscape::scene::{SoundKind, load_scene};

#[derive(Args, Debug)]
pub struct SoundscapeArgs {
    /// A scene file (sayscape.scene/1).
    pub file: PathBuf,
    /// Length of the recording.
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
    pub seconds: f32,
    /// The WAV to write (16-bit stereo, 48 kHz).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
}

pub fn soundscape(args: &SoundscapeArgs) -> anyhow::Result<ExitCode> {
    if !(0.1..=3600.0).contains(&args.seconds) {
        anyhow::bail!("--seconds {}: give a length from 0.1 to 3600", args.seconds);
    }
    // Laid out as the window and the renderer lay it out (through its edits): sounds come
    // from where the things stand.
    let layout = World::of(load_scene(&args.file)?, args.seed).layout;
    let t0 = Instant::now();
    let recording = render(&layout, args.seconds).with_context(|| args.file.display().to_string())?;
    let took = t0.elapsed().as_secs_f64();
    write_wav(&args.out, &recording.samples, OUTPUT_RATE).with_context(|| format!("{}: cannot write", args.out.display()))?;
    let f = analyse(&recording.samples, OUTPUT_RATE);
    eprintln!(
        "[soundscape] {} layers, {:.1} s in {:.2} s ({:.0}× real time); RMS {:.1} dBFS, peak {:.2}, {} clipped; energy <250 Hz {:.0}%, 250–2k {:.0}%, >2k {:.0}%; centroid {:.0} Hz",
        recording.layers,
        args.seconds,
        took,
        args.seconds as f64 / took,
        f.rms_dbfs,
        f.peak,
        f.clipped,
        f.bands[0] * 100.0,
        f.bands[1] * 100.0,
        f.bands[2] * 100.0,
        f.centroid_hz
    );
    println!("{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct BenchAudioArgs {
    /// Seconds rendered per run.
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f32,
}

/// Offline render speed of a soundscape of eight layers, as a multiple of real time.
pub fn bench(args: &BenchAudioArgs) -> anyhow::Result<ExitCode> {
    let sounds = [
        SoundKind::Waves,
        SoundKind::Wind,
        SoundKind::Rain,
        SoundKind::CreakingWood,
        SoundKind::Seagulls,
        SoundKind::CrowdMurmur,
        SoundKind::Fire,
        SoundKind::Birds,
    ];
    let ambience: Vec<serde_json::Value> = sounds.iter().map(|s| serde_json::json!({"sound": s, "level": 0.6})).collect();
    let scene = sayscape::scene::scene_from_value(
        &serde_json::json!({
            "format": "sayscape.scene/1", "title": "eight layers",
            "setting": {"terrain": "grassland", "time_of_day": "noon"},
            "player": {"vantage": "ground"}, "entities": [],
            "soundscape": {"ambience": ambience}
        }),
        "benchmark",
    )?;
    let layout = World::of(scene, 0).layout;
    // Calibration runs once per sound; measure it apart from the steady render.
    let t0 = Instant::now();
    render(&layout, 0.1).map_err(anyhow::Error::msg)?;
    let setup = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let recording = render(&layout, args.seconds).map_err(anyhow::Error::msg)?;
    let took = t1.elapsed().as_secs_f64();
    let speed = args.seconds as f64 / took;
    println!("layers: {}", recording.layers);
    println!("first start (calibrating every voice): {:.2} s", setup);
    println!(
        "rendered {:.0} s of audio in {:.2} s on one thread: {:.1}× real time (target ≥ 20×: ratio {:.2})",
        args.seconds,
        took,
        speed,
        speed / 20.0
    );
    Ok(ExitCode::SUCCESS)
}
