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

#[derive(Args, Debug, Clone)]
pub struct GenerateArgs {
    /// The scenario, in any language.
    #[arg(required_unless_present = "audio", default_value = "")]
    pub prompt: String,
    /// Take the scenario from speech in this WAV file instead (transcribed on the device).
    #[arg(long, conflicts_with = "prompt")]
    pub audio: Option<PathBuf>,
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

impl GenerateArgs {
    /// Settings for scenarios asked for later (typed or spoken in the view): the defaults.
    pub fn for_prompts(seed: u32) -> GenerateArgs {
        GenerateArgs {
            prompt: String::new(),
            audio: None,
            seed,
            backend: Backend::Local,
            model: None,
            threads: None,
            url: None,
            api_key: std::env::var("SAYSCAPE_API_KEY").ok(),
            remote_model: "default".into(),
            timeout: 120.0,
            out: None,
        }
    }
}

pub fn threads(asked: Option<i32>) -> i32 {
    asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get() as i32))
}

/// A generator that keeps its model loaded between requests (the view asks for many scenes).
pub struct Session {
    args: GenerateArgs,
    #[cfg(feature = "llama")]
    local: Option<sayscape::generate::local::LocalGenerator>,
}

impl Session {
    pub fn new(args: GenerateArgs) -> Session {
        Session {
            args,
            #[cfg(feature = "llama")]
            local: None,
        }
    }

    pub fn seed(&self) -> u32 {
        self.args.seed
    }

    /// One scene for `prompt`, reporting each stage through `progress`.
    pub fn scene(&mut self, prompt: &str, progress: &mut dyn FnMut(String)) -> anyhow::Result<Scene> {
        sayscape::generate::check_request(prompt)?;
        match self.args.backend {
            Backend::Openai => {
                let url = self.args.url.clone().context("--backend openai needs --url URL")?;
                let client = OpenAiClient {
                    url,
                    api_key: self.args.api_key.clone(),
                    model: self.args.remote_model.clone(),
                    timeout: Duration::from_secs_f64(self.args.timeout.max(0.1)),
                };
                progress(format!("Asking {} …", client.url));
                Ok(client.generate(prompt, self.args.seed)?)
            }
            Backend::Local => self.local(prompt, progress),
        }
    }

    #[cfg(feature = "llama")]
    fn local(&mut self, prompt: &str, progress: &mut dyn FnMut(String)) -> anyhow::Result<Scene> {
        use sayscape::generate::{default_model_path, local::LocalGenerator};
        if self.local.is_none() {
            let path = self.args.model.clone().unwrap_or_else(default_model_path);
            progress(format!("Loading the model {} …", path.display()));
            let t0 = std::time::Instant::now();
            let mut generator = LocalGenerator::load(&path, threads(self.args.threads))?;
            progress("Reading the prompt prefix …".into());
            generator.warm_up()?;
            eprintln!("[generate] model ready in {:.2} s", t0.elapsed().as_secs_f64());
            self.local = Some(generator);
        }
        let generator = self.local.as_mut().expect("loaded above");
        progress(format!("Imagining “{prompt}” …"));
        let (scene, stats) = generator.generate(prompt, self.args.seed)?;
        eprintln!(
            "[generate] scene in {:.2} s (ranking {:.2} s, writing {:.2} s, {} tokens)",
            stats.total_s, stats.rank_s, stats.write_s, stats.written_tokens
        );
        Ok(scene)
    }

    #[cfg(not(feature = "llama"))]
    fn local(&mut self, _: &str, _: &mut dyn FnMut(String)) -> anyhow::Result<Scene> {
        anyhow::bail!("this build has no llama.cpp (feature \"llama\"); use --backend openai")
    }
}

/// The scenario: the prompt as given, or what was said in `--audio`.
pub fn prompt_of(args: &GenerateArgs) -> anyhow::Result<String> {
    let Some(wav) = &args.audio else { return Ok(args.prompt.clone()) };
    let heard = super::voice_cmd::transcribe_file(wav, None, true)?;
    eprintln!("[voice] heard: {} ({:.1} s of speech in {:.2} s)", heard.text, heard.speech_s, heard.took_s);
    Ok(heard.text)
}

/// Generates one scene with the chosen backend, with a spinner on stderr.
pub fn generate_scene(args: &GenerateArgs) -> anyhow::Result<Scene> {
    let prompt = prompt_of(args)?;
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(Duration::from_millis(120));
    let scene = Session::new(args.clone()).scene(&prompt, &mut |line| spinner.set_message(line));
    spinner.finish_and_clear();
    scene
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

/// Writes a file so that readers never see half of it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    sayscape::files::write_atomically(path, bytes).with_context(|| format!("{}: cannot write", path.display()))
}
