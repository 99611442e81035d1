//! Command-line verbs. `sayscape "PROMPT"` is short for `sayscape run "PROMPT"`.

mod bench_cmd;
mod generate_cmd;
mod scene_cmds;

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
    /// Validate scene files; prints one line per problem and exits non-zero if any.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Generate a scene from a prompt and print it as JSON.
    Generate(generate_cmd::GenerateArgs),
    /// The main job: generate a scene from a prompt and lay it out.
    Run(generate_cmd::GenerateArgs),
    /// Benchmarks that print figures and ratios.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Lay out a scene and print the layout as JSON.
    Plan {
        file: PathBuf,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Prefill and decode speed, grammar overhead, time to a valid scene, peak memory.
    Generate(bench_cmd::BenchArgs),
}

const VERBS: &[&str] = &["schema", "catalog", "validate", "plan", "help", "run", "generate", "bench"];

/// Lets `sayscape "a pirate ship"` mean `sayscape run "a pirate ship"`.
pub fn with_default_verb(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.collect();
    if let Some(first) = args.get(1).and_then(|a| a.to_str()) {
        if !first.starts_with('-') && !VERBS.contains(&first) {
            args.insert(1, "run".into());
        }
    }
    args
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAYSCAPE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Schema => scene_cmds::schema(),
        Command::Catalog { json } => scene_cmds::catalog(json),
        Command::Validate { files } => scene_cmds::validate(&files),
        Command::Plan { file, seed } => scene_cmds::plan(&file, seed),
        Command::Generate(args) => generate_cmd::generate(&args),
        Command::Run(args) => generate_cmd::run(&args),
        Command::Bench(BenchCommand::Generate(args)) => bench_cmd::generate(&args),
    }
}
