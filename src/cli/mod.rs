//! Command-line verbs. `sayscape "PROMPT"` is short for `sayscape run "PROMPT"`.

mod audio_cmds;
mod bench_cmd;
mod edit_cmd;
mod export_cmd;
mod generate_cmd;
mod scene_cmds;
mod serve_cmd;
mod sheet_cmd;
mod voice_cmd;
mod world_cmds;
mod xr_cmd;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "sayscape", version, about = "Say a scenario, stand inside it.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the JSON Schema of the scene format.
    Schema,
    /// List the catalog: every kind the world can build.
    Catalog {
        /// Print the catalog as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Who made the real 3D models and under which licence.
    Credits {
        /// Print Markdown (docs/credits.md) instead of one line per model.
        #[arg(long)]
        markdown: bool,
    },
    /// List the place kits (what a place of each purpose holds); exits non-zero on a broken kit.
    Places {
        /// Print the kits as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Validate scene files; prints one line per problem and exits non-zero if any.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Generate a scene from a prompt and print it as JSON.
    Generate(generate_cmd::GenerateArgs),
    /// Change a scene file by instruction ("make it night", "enlève les bateaux"); undo, redo.
    Edit(edit_cmd::EditArgs),
    /// The main job: a scenario in words → a world in a window (a PNG when there is no display).
    Run(world_cmds::RunArgs),
    /// Open a window on a scene file: mouse-look, WASD, Enter to say a new scenario.
    View(world_cmds::ViewArgs),
    /// Speech to text on the device: a WAV file (or the microphone) → the words.
    Transcribe(voice_cmd::TranscribeArgs),
    /// The world in a headset (OpenXR); the desktop view when no runtime is there.
    Xr(xr_cmd::XrArgs),
    /// Render a scene's soundscape offline to a WAV file and print its levels and spectrum.
    Soundscape(audio_cmds::SoundscapeArgs),
    /// Render a scene file to a PNG without a window (a private Xvfb when there is no display).
    Render(world_cmds::RenderArgs),
    /// Export a scene file's world as one binary glTF 2.0 file (Blender, game engines, WebXR).
    Export(export_cmd::ExportArgs),
    /// Render a contact sheet of kinds or families to a PNG, to look at what the world builds.
    Sheet(sheet_cmd::SheetArgs),
    /// The generation service for headsets on the LAN, and the scenario studio at its root.
    Serve(serve_cmd::ServeArgs),
    /// Benchmarks that print figures and ratios.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Lay out a scene and print the layout as JSON.
    Plan {
        file: PathBuf,
        #[arg(long, default_value_t = 0)]
        seed: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Prefill and decode speed, grammar overhead, time to a valid scene, peak memory.
    Generate(bench_cmd::BenchArgs),
    /// Plan + spawn time, entities, draw calls, triangles and our systems' CPU time per scene.
    World(world_cmds::BenchWorldArgs),
    /// Speech recognition speed: real-time factor (int8 and float32), end of speech → text.
    Voice(voice_cmd::BenchVoiceArgs),
    /// Offline render speed of an eight-layer soundscape, as a multiple of real time.
    Audio(audio_cmds::BenchAudioArgs),
    /// Layout and glTF export time and size per scene, largest first.
    Export(export_cmd::BenchExportArgs),
    /// Instruction → edited, planned scene: time per instruction, median and p95.
    Edit(edit_cmd::BenchEditArgs),
    /// The service: validate and plan requests/s, generation latency with 1 and 4 clients
    /// against the CLI's own time, the server's peak memory.
    Serve(serve_cmd::BenchServeArgs),
}

const VERBS: &[&str] = &[
    "schema",
    "catalog",
    "credits",
    "places",
    "validate",
    "plan",
    "help",
    "run",
    "generate",
    "edit",
    "bench",
    "view",
    "render",
    "export",
    "soundscape",
    "xr",
    "transcribe",
    "sheet",
    "serve",
];

/// Lets `sayscape "a pirate ship"` mean `sayscape run "a pirate ship"`.
pub fn with_default_verb(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.collect();
    if let Some(first) = args.get(1).and_then(|a| a.to_str())
        && !first.starts_with('-')
        && !VERBS.contains(&first)
    {
        args.insert(1, "run".into());
    }
    args
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAYSCAPE_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Schema => scene_cmds::schema(),
        Command::Catalog { json } => scene_cmds::catalog(json),
        Command::Credits { markdown } => scene_cmds::credits(markdown),
        Command::Places { json } => scene_cmds::places(json),
        Command::Validate { files } => scene_cmds::validate(&files),
        Command::Plan { file, seed } => scene_cmds::plan(&file, seed),
        Command::Generate(args) => generate_cmd::generate(&args),
        Command::Edit(args) => edit_cmd::edit(&args),
        Command::Bench(BenchCommand::Edit(args)) => edit_cmd::bench(&args),
        Command::Run(args) => world_cmds::run(&args),
        Command::View(args) => world_cmds::view(&args),
        Command::Render(args) => world_cmds::render(&args),
        Command::Export(args) => export_cmd::export(&args),
        Command::Bench(BenchCommand::Export(args)) => export_cmd::bench(&args),
        Command::Sheet(args) => sheet_cmd::sheet(&args),
        Command::Bench(BenchCommand::World(args)) => world_cmds::bench(&args),
        Command::Bench(BenchCommand::Audio(args)) => audio_cmds::bench(&args),
        Command::Soundscape(args) => audio_cmds::soundscape(&args),
        Command::Xr(args) => xr_cmd::xr(&args),
        Command::Serve(args) => serve_cmd::serve_command(&args),
        Command::Bench(BenchCommand::Serve(args)) => serve_cmd::bench(&args),
        Command::Transcribe(args) => voice_cmd::transcribe(&args),
        Command::Bench(BenchCommand::Voice(args)) => voice_cmd::bench(&args),
        Command::Bench(BenchCommand::Generate(args)) => bench_cmd::generate(&args),
    }
}
