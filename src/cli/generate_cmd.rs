//! `sayscape generate` and `sayscape run`: a request → a scene (→ a layout).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use sayscape::generate::openai::OpenAiClient;
use sayscape::scene::Scene;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// llama.cpp in this process, on the CPU.
    Local,
    /// An OpenAI-compatible chat-completions server.
    Openai,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The scenario, in any language.
    pub prompt: String,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    #[arg(long, value_enum, default_value_t = Backend::Local)]
    pub backend: Backend,
    /// GGUF model file (local backend); default: SAYSCAPE_MODEL or the embedded default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Threads for llama.cpp (default: all cores).
    #[arg(long)]
    pub threads: Option<i32>,
    /// Server base URL (openai backend), e.g. http://127.0.0.1:8080
    #[arg(long)]
    pub url: Option<String>,
    #[arg(long, env = "SAYSCAPE_API_KEY")]
    pub api_key: Option<String>,
    /// Model name sent to the server.
    #[arg(long, default_value = "default")]
    pub remote_model: String,
    /// Seconds to wait for the server.
    #[arg(long, default_value_t = 120.0)]
    pub timeout: f64,
    /// Write the scene to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn threads(asked: Option<i32>) -> i32 {
    asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get() as i32))
}

/// Generates one scene with the chosen backend, with progress on stderr.
pub fn generate_scene(args: &GenerateArgs) -> anyhow::Result<Scene> {
    match args.backend {
        Backend::Openai => {
            let url = args.url.clone().context("--backend openai needs --url URL")?;
            let client = OpenAiClient {
                url,
                api_key: args.api_key.clone(),
                model: args.remote_model.clone(),
                timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
            };
            eprintln!("[generate] asking {} …", client.url);
            Ok(client.generate(&args.prompt, args.seed)?)
        }
        Backend::Local => local(args),
    }
}

#[cfg(feature = "llama")]
fn local(args: &GenerateArgs) -> anyhow::Result<Scene> {
    use sayscape::generate::{check_request, default_model_path, local::LocalGenerator};
    check_request(&args.prompt)?;
    let path = args.model.clone().unwrap_or_else(default_model_path);
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner.set_message(format!("loading {}", path.display()));
    let t0 = std::time::Instant::now();
    let mut generator = LocalGenerator::load(&path, threads(args.threads))?;
    spinner.set_message("reading the prompt prefix");
    generator.warm_up()?;
    let load_s = t0.elapsed().as_secs_f64();
    spinner.set_message("imagining the scene");
    let (scene, stats) = generator.generate(&args.prompt, args.seed)?;
    spinner.finish_and_clear();
    eprintln!(
        "[generate] model ready in {load_s:.2} s; scene in {:.2} s (ranking {:.2} s, writing {:.2} s, {} tokens)",
        stats.total_s, stats.rank_s, stats.write_s, stats.written_tokens
    );
    Ok(scene)
}

#[cfg(not(feature = "llama"))]
fn local(_: &GenerateArgs) -> anyhow::Result<Scene> {
    anyhow::bail!("this build has no llama.cpp (feature \"llama\"); use --backend openai")
}

pub fn generate(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let scene = generate_scene(args)?;
    let text = serde_json::to_string_pretty(&scene)? + "\n";
    match &args.out {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The main job: generate, lay out, and (until the world can show it) save both.
pub fn run(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let scene = generate_scene(args)?;
    let layout = sayscape::plan::plan(&scene, args.seed as u64);
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("sayscape-scene.json"));
    write_atomically(&out, (serde_json::to_string_pretty(&scene)? + "\n").as_bytes())?;
    let kinds: Vec<String> = scene.entities.iter().map(|e| format!("{} × {}", e.count, e.kind)).collect();
    eprintln!("[run] {}: {:?} terrain, {:?}, {:?}", scene.title, scene.setting.terrain, scene.setting.time_of_day, scene.setting.weather);
    eprintln!("[run] you stand: {:?}{}", scene.player.vantage, scene.player.on.as_deref().map(|o| format!(" on the {o}")).unwrap_or_default());
    eprintln!("[run] around you: {}", kinds.join(", "));
    eprintln!("[run] laid out {} instances; scene saved to {}", layout.instances.len(), out.display());
    for w in &layout.warnings {
        eprintln!("warning: {w}");
    }
    println!("{}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Writes a file so that readers never see half of it: a temporary beside it, then a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("out")));
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}
