//! `sayscape view`, `render`, `bench world`, and the main job `run`: scenes into worlds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use sayscape::app::{self, BenchScene, Live, RenderOptions, Size, ViewStart, display};
use sayscape::pipeline::{Request, World};
use sayscape::plan::Layout;
use sayscape::scene::models::RealModels;
use sayscape::scene::{load_scene, save_scene};
use sayscape::world::ViewPoint;

use super::generate_cmd::{GenerateArgs, RemoteArgs, with_spinner};

pub fn parse_size(text: &str) -> Result<Size, String> {
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(|| format!("{text:?}: expected WIDTHxHEIGHT, e.g. 1280x720"))?;
    let parse = |v: &str| v.trim().parse::<u32>().ok().filter(|n| (16..=8192).contains(n));
    match (parse(w), parse(h)) {
        (Some(width), Some(height)) => Ok(Size { width, height }),
        _ => Err(format!("{text:?}: width and height must be whole numbers from 16 to 8192")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum View {
    /// From the player's eyes.
    Spawn,
    /// From above and behind the player.
    Overview,
}

#[derive(Args, Debug)]
pub struct ViewArgs {
    /// A scene file (sayscape.scene/1).
    pub file: PathBuf,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    pub size: Size,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// A scene file (sayscape.scene/1).
    pub file: PathBuf,
    /// The PNG to write.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = View::Spawn)]
    pub view: View,
    /// Image size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    pub size: Size,
    /// Scenario time to show, in seconds.
    #[arg(long, default_value_t = 0.0)]
    pub time: f32,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Frames rendered before the capture (shaders compile in the background meanwhile).
    #[arg(long, default_value_t = 12)]
    pub frames: u32,
    /// Print on stdout a JSON object: the image's path and what it shows ("visible": each
    /// kind with its share of the picture's pixels, and the real model it is built from).
    #[arg(long)]
    pub report: bool,
    /// Build every kind procedurally, ignoring the real models set-up converted (for
    /// before/after pictures).
    #[arg(long)]
    pub procedural: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub generate: GenerateArgs,
    /// Where the snapshot goes when there is no display.
    #[arg(long, default_value = "sayscape-view.png")]
    pub png: PathBuf,
}

#[derive(Args, Debug)]
pub struct BenchWorldArgs {
    /// Scene files or folders of them (default: scenes/).
    #[arg(default_value = "scenes")]
    pub scenes: Vec<PathBuf>,
    /// Frames shown per scene.
    #[arg(long, default_value_t = 20)]
    pub frames: u32,
    #[arg(long, default_value = "960x540", value_parser = parse_size)]
    pub size: Size,
    /// Which builds of each scene to measure: with its real models, procedural, or both (the
    /// ratio between them is printed).
    #[arg(long, value_enum, default_value_t = BenchModels::Both)]
    pub models: BenchModels,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchModels {
    Both,
    Real,
    Procedural,
}

/// Loads, validates and lays out a scene file: nothing invalid reaches the renderer.
pub fn layout_of(file: &Path, seed: u32) -> anyhow::Result<Layout> {
    Ok(world_of(file, seed)?.layout)
}

/// A scene file and its layout: the world a window or headset starts in, and edits change.
pub fn world_of(file: &Path, seed: u32) -> anyhow::Result<World> {
    // An edited scene is laid out through its edits: things stand where the person saw them.
    let world = World::of(load_scene(file)?, seed);
    for w in &world.layout.warnings {
        eprintln!("warning: {}: {w}", file.display());
    }
    Ok(world)
}

/// The live part of a window or headset: typed and spoken scenarios and changes go through
/// this pipeline; `world` is the one shown at the start, when it came from a file.
pub fn live(args: &GenerateArgs, save_to: Option<PathBuf>, world: Option<World>) -> anyhow::Result<Live> {
    Ok(Live { pipeline: args.pipeline()?, save_to, world, seed: args.seed })
}

pub fn view(args: &ViewArgs) -> anyhow::Result<ExitCode> {
    let world = world_of(&args.file, args.seed)?;
    let start = ViewStart::Layout(world.layout.clone().into());
    app::view(start, live(&GenerateArgs::defaults(args.seed, args.remote.clone()), None, Some(world))?, args.size)?;
    Ok(ExitCode::SUCCESS)
}

pub fn render(args: &RenderArgs) -> anyhow::Result<ExitCode> {
    if args.out.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("png")) {
        anyhow::bail!("--out {}: the snapshot is a PNG; give a name ending in .png", args.out.display());
    }
    let layout = layout_of(&args.file, args.seed)?;
    let options = RenderOptions {
        out: args.out.clone(),
        view: match args.view {
            View::Spawn => ViewPoint::Spawn,
            View::Overview => ViewPoint::Overview,
        },
        size: args.size,
        time: args.time.max(0.0),
        warmup_frames: args.frames.max(2),
        report: args.report,
        real_models: !args.procedural,
    };
    let t0 = Instant::now();
    let visible = app::render(layout, &options).with_context(|| format!("rendering {}", args.file.display()))?;
    eprintln!("[render] {} in {:.1} s", args.out.display(), t0.elapsed().as_secs_f64());
    if args.report {
        println!("{}", serde_json::json!({"image": args.out, "visible": visible}));
    } else {
        println!("{}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The main job: a scenario in words → a world in a headset or a window, or a PNG when there
/// is no display.
pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let g = &args.generate;
    let scene_file = g.out.clone().unwrap_or_else(|| PathBuf::from("sayscape-scene.json"));
    let mut pipeline = g.pipeline()?;
    let prompt = g.request(&mut pipeline)?;
    sayscape::generate::check_request(&prompt)?;
    let live = Live { pipeline, save_to: Some(scene_file.clone()), world: None, seed: g.seed };
    if sayscape::xr::runtime_available().is_ok() {
        app::run_headset(ViewStart::Prompt(prompt), live, None, std::time::Duration::MAX)?;
        return Ok(ExitCode::SUCCESS);
    }
    if display::has_display() {
        app::view(ViewStart::Prompt(prompt), live, Size { width: 1280, height: 720 })?;
        return Ok(ExitCode::SUCCESS);
    }
    let Live { mut pipeline, .. } = live;
    let world = with_spinner(|progress| pipeline.world(Request::words(prompt).with_seed(g.seed), progress))?;
    save_scene(&world.scene, &scene_file)?;
    let scene = &world.scene;
    let kinds: Vec<String> = scene.entities.iter().map(|e| format!("{} × {}", e.count, e.kind)).collect();
    eprintln!("[run] {}: {:?} terrain, {:?}, {:?}", scene.title, scene.setting.terrain, scene.setting.time_of_day, scene.setting.weather);
    eprintln!(
        "[run] you stand: {:?}{}",
        scene.player.vantage,
        scene.player.on.as_deref().map(|o| format!(" on the {o}")).unwrap_or_default()
    );
    eprintln!("[run] around you: {}", kinds.join(", "));
    eprintln!("[run] scene saved to {}; no display, so rendering a snapshot", scene_file.display());
    let options = RenderOptions {
        out: args.png.clone(),
        view: ViewPoint::Spawn,
        size: Size { width: 1280, height: 720 },
        time: 2.0,
        warmup_frames: 12,
        report: false,
        real_models: true,
    };
    app::render(world.layout, &options)?;
    println!("{}", args.png.display());
    Ok(ExitCode::SUCCESS)
}

pub fn scene_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("{}: cannot list", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

pub fn bench(args: &BenchWorldArgs) -> anyhow::Result<ExitCode> {
    let mut scenes = Vec::new();
    let (kinds, models) = RealModels::installed().counts();
    let real = kinds > 0 && args.models != BenchModels::Procedural;
    let procedural = args.models != BenchModels::Real || !real;
    match &RealModels::installed().missing {
        Some(why) if args.models != BenchModels::Procedural => eprintln!("[bench world] no real models ({why}): procedural only"),
        _ => eprintln!("[bench world] real models for {kinds} kinds ({models} files)"),
    }
    for file in scene_files(&args.scenes)? {
        let scene = load_scene(&file)?;
        let t0 = Instant::now();
        let layout = World::of(scene, 0).layout;
        let plan_ms = t0.elapsed().as_secs_f64() * 1e3;
        let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("scene").to_string();
        // Both builds of a scene side by side, in the same run: the ratio is fair.
        if real {
            scenes.push(BenchScene { name: name.clone(), layout: layout.clone(), plan_ms, real_models: true });
        }
        if procedural {
            scenes.push(BenchScene { name, layout, plan_ms, real_models: false });
        }
    }
    let figures = app::bench(scenes, args.frames, args.size)?;
    println!(
        "scene                  build  plan ms  spawn ms  plan+spawn/50ms  ready ms  real/instances  entities  draws  draws/150  triangles  tris/300k  systems ms (mean/max)  frame ms"
    );
    for f in &figures {
        let total = f.plan_ms + f.spawn_ms;
        println!(
            "{:<22} {:<5}  {:>7.2}  {:>8.1}  {:>15.2}  {:>8.0}  {:>6}/{:<7}  {:>8}  {:>5}  {:>9.2}  {:>9}  {:>9.2}  {:>10.3} / {:<8.3}  {:>8.0}",
            f.name,
            if f.real_models { "real" } else { "proc" },
            f.plan_ms,
            f.spawn_ms,
            total / 50.0,
            f.ready_ms,
            f.real_instances,
            f.instances,
            f.entities,
            f.draw_calls,
            f.draw_calls as f64 / 150.0,
            f.triangles,
            f.triangles as f64 / 300_000.0,
            f.systems_ms_mean,
            f.systems_ms_max,
            f.frame_ms
        );
    }
    let pairs: Vec<(&app::SceneFigures, &app::SceneFigures)> = figures
        .iter()
        .filter(|f| f.real_models)
        .filter_map(|r| figures.iter().find(|p| !p.real_models && p.name == r.name).map(|p| (r, p)))
        .collect();
    if !pairs.is_empty() {
        println!("\nreal models against the procedural world, same run (ratio real / procedural):");
        println!("scene                  systems ms  frame ms  draws  triangles  entities");
        let mut sum = [0.0f64; 5];
        for (r, p) in &pairs {
            let ratios = [
                r.systems_ms_mean / p.systems_ms_mean,
                r.frame_ms / p.frame_ms,
                r.draw_calls as f64 / p.draw_calls.max(1) as f64,
                r.triangles as f64 / p.triangles.max(1) as f64,
                r.entities as f64 / p.entities.max(1) as f64,
            ];
            println!("{:<22} {:>10.2}  {:>8.2}  {:>5.2}  {:>9.2}  {:>8.2}", r.name, ratios[0], ratios[1], ratios[2], ratios[3], ratios[4]);
            for (s, v) in sum.iter_mut().zip(ratios) {
                *s += v.ln();
            }
        }
        let n = pairs.len() as f64;
        let g = |i: usize| (sum[i] / n).exp();
        println!("{:<22} {:>10.2}  {:>8.2}  {:>5.2}  {:>9.2}  {:>8.2}", "geometric mean", g(0), g(1), g(2), g(3), g(4));
    }
    println!(
        "(ratios are figure / budget: ≤ 1 meets the budget; draw calls count distinct mesh+material pairs in view, as Bevy batches them; ready ms is from asking for the world to its model files attached; frame ms is this machine's software renderer)"
    );
    Ok(ExitCode::SUCCESS)
}
