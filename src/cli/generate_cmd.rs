//! `sayscape generate`: a request (typed, or spoken in a WAV file) → one valid scene as JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use sayscape::generate::service::ServiceClient;
use sayscape::pipeline::{Backend, Pipeline, Progress, Request};
use sayscape::scene::{Scene, save_scene};
use sayscape::voice::audio::read_wav;

use super::voice_cmd::SpeechArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// llama.cpp in this process, on the CPU.
    Local,
    /// An OpenAI-compatible chat-completions server.
    Openai,
}

/// Where scenes come from: the on-device model, an OpenAI-compatible server, or a sayscape
/// service (with the others as its fallback).
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    #[arg(long, value_enum, default_value_t = BackendArg::Local)]
    pub backend: BackendArg,
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
    /// Seconds to wait for the server (or the service, queue included).
    #[arg(long, default_value_t = 120.0)]
    pub timeout: f64,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// A sayscape service (`sayscape serve`) that makes the scenes; the on-device model is used
/// when it is gone or busy.
#[derive(Args, Debug, Clone, Default)]
pub struct RemoteArgs {
    /// The service's URL, e.g. http://192.168.1.20:7878
    #[arg(long, env = "SAYSCAPE_REMOTE")]
    pub remote: Option<String>,
    /// The service's token (sent as a Bearer token).
    #[arg(long, env = "SAYSCAPE_TOKEN", hide_env_values = true)]
    pub remote_token: Option<String>,
}

impl ModelArgs {
    pub fn defaults(remote: RemoteArgs) -> ModelArgs {
        ModelArgs {
            backend: BackendArg::Local,
            model: None,
            threads: None,
            url: None,
            api_key: std::env::var("SAYSCAPE_API_KEY").ok(),
            remote_model: "default".into(),
            timeout: 120.0,
            remote,
        }
    }

    /// The backend these arguments ask for.
    pub fn backend(&self) -> anyhow::Result<Backend> {
        let timeout = Duration::from_secs_f64(self.timeout.max(0.1));
        let own = match self.backend {
            BackendArg::Local => Backend::Local { model: self.model.clone(), threads: self.threads },
            BackendArg::Openai => {
                let url = self.url.clone().context("--backend openai needs --url URL")?;
                Backend::remote(url, self.api_key.clone(), self.remote_model.clone(), timeout)
            }
        };
        Ok(match &self.remote.remote {
            None => own,
            Some(url) => {
                if !url.starts_with("http://") && !url.starts_with("https://") {
                    anyhow::bail!("--remote {url:?}: give the service's URL, e.g. http://192.168.1.20:7878");
                }
                let client = ServiceClient { url: url.clone(), token: self.remote.remote_token.clone(), timeout };
                Backend::Service { client, fallback: Box::new(own) }
            }
        })
    }
}

#[derive(Args, Debug, Clone)]
pub struct GenerateArgs {
    /// The scenario, in any language.
    #[arg(required_unless_present = "audio", default_value = "")]
    pub prompt: String,
    /// Take the scenario from speech in this WAV file instead (transcribed on the device).
    #[arg(long, conflicts_with = "prompt")]
    pub audio: Option<PathBuf>,
    /// How --audio and push-to-talk are heard.
    #[command(flatten)]
    pub speech: SpeechArgs,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    #[command(flatten)]
    pub models: ModelArgs,
    /// Write the scene to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print on stderr why each part of the scene is there (the place chosen and the others
    /// considered, each thing named, from a kit, a template, the model, a situation).
    #[arg(long)]
    pub explain: bool,
}

impl GenerateArgs {
    /// Settings for scenarios asked for later (typed or spoken in a window or headset).
    pub fn defaults(seed: u32, remote: RemoteArgs) -> GenerateArgs {
        GenerateArgs {
            prompt: String::new(),
            audio: None,
            speech: SpeechArgs::from_env(),
            seed,
            models: ModelArgs::defaults(remote),
            out: None,
            explain: false,
        }
    }

    /// The pipeline these arguments ask for.
    pub fn pipeline(&self) -> anyhow::Result<Pipeline> {
        Ok(Pipeline::new(self.speech.config(self.models.backend()?)))
    }

    /// The scenario: the prompt as given, or what was said in `--audio`.
    pub fn request(&self, pipeline: &mut Pipeline) -> anyhow::Result<String> {
        let Some(wav) = &self.audio else { return Ok(self.prompt.clone()) };
        let clip = read_wav(wav)?;
        let heard = pipeline.hear(&clip, &mut |_| {}).with_context(|| wav.display().to_string())?;
        eprintln!("[voice] heard ({}): {} ({:.1} s of speech in {:.2} s)", heard.language, heard.text, heard.speech_s, heard.took_s);
        Ok(heard.text)
    }
}

/// Runs `work` with a spinner on stderr that shows the pipeline's progress.
pub fn with_spinner<T>(work: impl FnOnce(&mut dyn FnMut(Progress)) -> T) -> T {
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(Duration::from_millis(120));
    let result = work(&mut |p: Progress| spinner.set_message(p.message));
    spinner.finish_and_clear();
    result
}

/// One scene for the arguments' request, with progress on stderr.
pub fn generate_scene(args: &GenerateArgs, pipeline: &mut Pipeline) -> anyhow::Result<Scene> {
    let request = args.request(pipeline)?;
    Ok(with_spinner(|progress| pipeline.scene(Request::words(request).with_seed(args.seed), progress))?)
}

pub fn generate(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let mut pipeline = args.pipeline()?;
    let scene = generate_scene(args, &mut pipeline)?;
    if args.explain {
        match pipeline.last_explanation() {
            Some(why) => why.lines(&scene).iter().for_each(|l| eprintln!("{l}")),
            None => eprintln!("(no explanation: the scene was written whole by a remote model)"),
        }
    }
    match &args.out {
        Some(path) => save_scene(&scene, path)?,
        None => std::io::stdout().lock().write_all((serde_json::to_string_pretty(&scene)? + "\n").as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
