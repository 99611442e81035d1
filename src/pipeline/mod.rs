//! The pipeline as one library API: words (typed or spoken) → a valid scene → a laid-out world.
//!
//! The command line, the window, the headset and the generation service all call [`Pipeline`];
//! none of them strings the stages together on its own. A pipeline keeps its models loaded
//! between requests, so the second scenario costs only its own work.

mod edit;
mod progress;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use edit::Said;
pub use progress::{Progress, Stage};

use crate::generate::openai::OpenAiClient;
use crate::generate::service::{ServiceClient, ServiceError};
use crate::generate::{GenerateError, check_request};
use crate::plan::{Layout, plan};
use crate::scene::Scene;
use crate::voice::VoiceError;
use crate::voice::audio::Clip;
use crate::voice::transcribe::{Listening, Transcriber, Transcript, default_speech_model, language_name};

/// Where scenes come from.
#[derive(Debug, Clone)]
pub enum Backend {
    /// llama.cpp in this process, on the CPU.
    Local {
        /// A GGUF file; `None`: `SAYSCAPE_MODEL` or the embedded default model.
        model: Option<PathBuf>,
        /// llama.cpp threads; `None`: every core.
        threads: Option<i32>,
    },
    /// An OpenAI-compatible chat-completions server (a bigger model on a PC).
    Remote(OpenAiClient),
    /// A sayscape generation service (`sayscape serve`); when it is gone or busy, the
    /// on-device model (`fallback`) makes the scene instead, and the progress says so.
    Service { client: ServiceClient, fallback: Box<Backend> },
}

impl Default for Backend {
    fn default() -> Self {
        Backend::Local { model: None, threads: None }
    }
}

/// How a [`Pipeline`] works: the backend, the seed, and the speech recogniser's settings.
#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    pub backend: Backend,
    /// Makes generation and layout repeatable.
    pub seed: u32,
    /// Whisper model folder (CTranslate2 format); `None`: the one the set-up script fetched.
    pub speech_model: Option<PathBuf>,
    /// The spoken language, or the languages to detect it among; the domain prompt.
    pub listening: Listening,
}

impl Backend {
    /// An OpenAI-compatible server at `url`.
    pub fn remote(url: String, api_key: Option<String>, model: String, timeout: Duration) -> Backend {
        Backend::Remote(OpenAiClient { url, api_key, model, timeout })
    }
}

/// Why a request did not become a world. Each variant keeps its cause: a scene that failed
/// validation is still a list of problems with their JSON paths inside [`GenerateError`].
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Generate(#[from] GenerateError),
    #[error(transparent)]
    Voice(#[from] VoiceError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("this build has no llama.cpp (feature \"llama\"); use the remote backend")]
    NoLocalEngine,
    /// An instruction inside a world that changes nothing, or cannot be done; the reason.
    #[error("{0}")]
    NotAnEdit(String),
}

/// A scene and the world laid out from it.
#[derive(Debug, Clone)]
pub struct World {
    pub scene: Scene,
    pub layout: Layout,
}

/// Keeps the models loaded; turns requests into scenes and layouts.
pub struct Pipeline {
    config: PipelineConfig,
    #[cfg(feature = "llama")]
    local: Option<crate::generate::local::LocalGenerator>,
    /// Loaded the first time someone speaks.
    ears: Option<Transcriber>,
    /// Tokens per second of the last scene the on-device model wrote.
    last_tokens_per_s: Option<f64>,
    /// The on-device model stops at this instant (a service's job time limit).
    deadline: Option<Instant>,
}

impl Pipeline {
    pub fn new(config: PipelineConfig) -> Pipeline {
        Pipeline {
            config,
            #[cfg(feature = "llama")]
            local: None,
            ears: None,
            last_tokens_per_s: None,
            deadline: None,
        }
    }

    /// From now on the on-device model stops at `deadline` with
    /// [`GenerateError::TimedOut`] (`None`: no limit). Every use of the model goes through
    /// `local_generator`, which hands it the deadline.
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Loads the generator now rather than on the first request (a service warms up before it
    /// takes work).
    pub fn prepare(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<(), PipelineError> {
        #[cfg(feature = "llama")]
        if matches!(self.local_backend(), Backend::Local { .. }) {
            self.local_generator(progress)?;
        }
        #[cfg(not(feature = "llama"))]
        let _ = progress;
        Ok(())
    }

    /// The on-device backend: the configured one, or a service's fallback.
    fn local_backend(&self) -> &Backend {
        match &self.config.backend {
            Backend::Service { fallback, .. } => fallback,
            other => other,
        }
    }

    /// Tokens per second of the last scene the on-device model wrote (a service's metrics).
    pub fn last_tokens_per_s(&self) -> Option<f64> {
        self.last_tokens_per_s
    }

    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// The words said in a recording.
    pub fn hear(&mut self, speech: &Clip, progress: &mut dyn FnMut(Progress)) -> Result<Transcript, PipelineError> {
        if self.ears.is_none() {
            progress(Progress::new(Stage::LoadingSpeechModel, "Loading the speech model …"));
            let dir = self.config.speech_model.clone().unwrap_or_else(default_speech_model);
            let mut transcriber = Transcriber::load(&dir, true, cores() as usize)?;
            transcriber.listen(self.config.listening.clone())?;
            self.ears = Some(transcriber);
        }
        progress(Progress::new(Stage::Transcribing, "Understanding what you said …"));
        let ears = self.ears.as_ref().expect("loaded above");
        let mut heard = ears.transcribe(speech)?;
        self.choose_reading(&mut heard, progress)?;
        progress(Progress::new(Stage::Heard, format!("Heard “{}” ({})", heard.text, language_name(&heard.language))));
        Ok(heard)
    }

    /// The on-device model chooses among the recogniser's readings (when it is the backend
    /// and rescoring is on; it is loaded now, as the request needs it next anyway).
    fn choose_reading(&mut self, heard: &mut Transcript, progress: &mut dyn FnMut(Progress)) -> Result<(), PipelineError> {
        if !self.config.listening.rescore || heard.hypotheses.len() < 2 || !matches!(self.local_backend(), Backend::Local { .. }) {
            return Ok(());
        }
        #[cfg(feature = "llama")]
        {
            let generator = self.local_generator(progress)?;
            crate::voice::rescore::choose(heard, generator, crate::voice::rescore::LM_WEIGHT)?;
        }
        #[cfg(not(feature = "llama"))]
        let _ = progress;
        Ok(())
    }

    /// Fix the spoken language (`None`: detect it among the expected ones) from the next
    /// utterance on: the setting in the window and the headset.
    pub fn set_language(&mut self, language: Option<String>) -> Result<(), PipelineError> {
        let listening = Listening { language, ..self.config.listening.clone() };
        if let Some(ears) = &mut self.ears {
            ears.listen(listening.clone())?;
        }
        self.config.listening = listening;
        Ok(())
    }

    /// The seed of the next scenes and layouts (a service's clients choose theirs).
    pub fn set_seed(&mut self, seed: u32) {
        self.config.seed = seed;
    }

    /// One valid scene for a request in any language.
    pub fn scene(&mut self, request: &str, progress: &mut dyn FnMut(Progress)) -> Result<Scene, PipelineError> {
        let request = check_request(request)?;
        match &self.config.backend {
            Backend::Remote(client) => {
                progress(Progress::new(Stage::Asking, format!("Asking {} …", client.url)));
                Ok(client.generate(request, self.config.seed)?)
            }
            Backend::Local { .. } => self.local_scene(request, progress),
            Backend::Service { client, fallback } => {
                let seed = self.config.seed;
                let answer = client.generate(request, seed, &mut |stage, message| {
                    if let Some(stage) = Stage::from_name(stage) {
                        progress(Progress::new(stage, message));
                    } else if stage == "queued" {
                        progress(Progress::new(Stage::Asking, message));
                    }
                });
                match answer {
                    Ok(scene) => Ok(scene),
                    Err(e) if e.is_service_down() => {
                        tracing::warn!("{e}; using the on-device model");
                        progress(Progress::new(Stage::Asking, format!("{e}; using the on-device model")));
                        match fallback.as_ref() {
                            Backend::Remote(other) => Ok(other.generate(request, seed)?),
                            _ => self.local_scene(request, progress),
                        }
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// The scene's layout (deterministic for the pipeline's seed).
    pub fn lay_out(&self, scene: &Scene) -> Layout {
        plan(scene, self.config.seed as u64)
    }

    /// A request → its scene and the world laid out from it.
    pub fn world(&mut self, request: &str, progress: &mut dyn FnMut(Progress)) -> Result<World, PipelineError> {
        let scene = self.scene(request, progress)?;
        progress(Progress::new(Stage::Planning, "Laying out the world …"));
        let layout = self.lay_out(&scene);
        Ok(World { scene, layout })
    }

    /// The on-device generator, loaded (and warmed up) the first time it is needed.
    #[cfg(feature = "llama")]
    fn local_generator(
        &mut self,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<&mut crate::generate::local::LocalGenerator, PipelineError> {
        use crate::generate::default_model_path;
        use crate::generate::local::LocalGenerator;
        let Backend::Local { model, threads } = self.local_backend() else { unreachable!("called for the local backend") };
        if self.local.is_none() {
            let path = model.clone().unwrap_or_else(default_model_path);
            progress(Progress::new(Stage::LoadingModel, format!("Loading the model {} …", path.display())));
            let t0 = Instant::now();
            let mut generator = LocalGenerator::load(&path, threads.unwrap_or_else(cores))?;
            generator.warm_up()?;
            tracing::info!("model ready in {:.2} s", t0.elapsed().as_secs_f64());
            self.local = Some(generator);
        }
        let deadline = self.deadline;
        let generator = self.local.as_mut().expect("loaded above");
        generator.model.deadline = deadline;
        Ok(generator)
    }

    #[cfg(feature = "llama")]
    fn local_scene(&mut self, request: &str, progress: &mut dyn FnMut(Progress)) -> Result<Scene, PipelineError> {
        use crate::generate::local::Step;
        let seed = self.config.seed;
        let generator = self.local_generator(progress)?;
        let (scene, stats) = generator.generate_reporting(request, seed, &mut |step| {
            progress(match step {
                Step::Ranking => Progress::new(Stage::Ranking, format!("Imagining “{request}” …")),
                Step::Writing => Progress::new(Stage::Writing, "Naming the scenario …"),
            })
        })?;
        self.last_tokens_per_s = (stats.write_s > 0.0).then(|| stats.written_tokens as f64 / stats.write_s);
        tracing::info!(
            "scene in {:.2} s (ranking {:.2} s, writing {:.2} s, {} tokens)",
            stats.total_s,
            stats.rank_s,
            stats.write_s,
            stats.written_tokens
        );
        Ok(scene)
    }

    #[cfg(not(feature = "llama"))]
    fn local_scene(&mut self, _: &str, _: &mut dyn FnMut(Progress)) -> Result<Scene, PipelineError> {
        Err(PipelineError::NoLocalEngine)
    }
}

/// Threads for the models: every core the process may use.
pub fn cores() -> i32 {
    std::thread::available_parallelism().map_or(2, |n| n.get() as i32)
}

#[cfg(all(test, feature = "llama"))]
mod tests {
    use super::*;

    /// The embedded model (fetched by the set-up script): a request past its deadline stops
    /// within a moment, and what it had evaluated does not leak into the next request.
    #[test]
    fn a_request_past_its_deadline_stops_and_the_next_one_is_unharmed() {
        let mut pipeline = Pipeline::new(PipelineConfig::default());
        pipeline.prepare(&mut |_| {}).unwrap();
        pipeline.scene("a quiet farm at dawn", &mut |_| {}).unwrap(); // fills the prompt caches
        let before = pipeline.scene("a pirate ship at sea", &mut |_| {}).unwrap();

        pipeline.set_deadline(Some(Instant::now() + Duration::from_millis(300)));
        let t0 = Instant::now();
        let error = pipeline.scene("a jazz club in the 1920s", &mut |_| {}).unwrap_err();
        assert!(matches!(error, PipelineError::Generate(GenerateError::TimedOut)), "{error}");
        assert!(t0.elapsed() < Duration::from_secs(3), "stopped after {:?}", t0.elapsed());

        pipeline.set_deadline(None);
        let after = pipeline.scene("a pirate ship at sea", &mut |_| {}).unwrap();
        assert_eq!(serde_json::to_value(&before).unwrap(), serde_json::to_value(&after).unwrap());
    }
}
