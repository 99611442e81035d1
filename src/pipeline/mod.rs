//! The pipeline as one library API: words (typed or spoken) → a valid scene → a laid-out world.
//!
//! The command line, the window, the headset and the generation service all call [`Pipeline`];
//! none of them strings the stages together on its own. A pipeline keeps its models loaded
//! between requests, so the second scenario costs only its own work.

mod edit;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use crate::generate::default_model_path;
pub use crate::progress::{Progress, Stage};
pub use edit::Said;

use crate::generate::openai::OpenAiClient;
use crate::generate::service::{ServiceClient, ServiceError};
use crate::generate::{GenerateError, check_request};
use crate::plan::{Layout, lay_out};
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

/// How a [`Pipeline`] works: the backend and the speech recogniser's settings. What changes
/// from one request to the next (its seed, its time limit) is the [`Request`]'s.
#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    pub backend: Backend,
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
    /// An instruction inside a world that changes nothing; the reason, for the person.
    #[error("{0}")]
    NotAnEdit(String),
    /// An instruction inside a world that cannot be done (a thing that is not there).
    #[error(transparent)]
    CannotEdit(#[from] crate::scene::ops::OpError),
    /// A bug: an edited scene always serialises.
    #[error("the edited scene does not serialise")]
    Serialise(#[source] serde_json::Error),
}

/// What a request starts from.
// A recording is far larger than words, but a request is made once and moved a few times: boxing
// it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Input {
    /// Words in any language.
    Words(String),
    /// A recording of someone saying them.
    Speech(Clip),
    /// A scene already made (a file), laid out through its edit history.
    Scene(Scene),
}

/// One request: what it starts from, its seed, and when it must be done.
#[derive(Debug, Clone)]
pub struct Request {
    pub input: Input,
    /// Makes generation and layout repeatable.
    pub seed: u32,
    /// The on-device model stops at this instant with [`GenerateError::TimedOut`] (a service's
    /// job time limit); `None`: no limit.
    pub deadline: Option<Instant>,
}

impl Request {
    pub fn new(input: Input) -> Request {
        Request { input, seed: 0, deadline: None }
    }

    pub fn words(text: impl Into<String>) -> Request {
        Request::new(Input::Words(text.into()))
    }

    pub fn speech(clip: Clip) -> Request {
        Request::new(Input::Speech(clip))
    }

    pub fn scene(scene: Scene) -> Request {
        Request::new(Input::Scene(scene))
    }

    pub fn with_seed(self, seed: u32) -> Request {
        Request { seed, ..self }
    }

    pub fn with_deadline(self, deadline: Option<Instant>) -> Request {
        Request { deadline, ..self }
    }
}

/// A scene and the world laid out from it, with the seed it was laid out with (edits re-plan
/// with the same seed, so what they do not touch stays where it stood).
#[derive(Debug, Clone)]
pub struct World {
    pub scene: Scene,
    pub layout: Layout,
    pub seed: u32,
}

impl World {
    /// A scene laid out as the person sees it: through its edit history, if it has one. Every
    /// front end lays files out here (the planner's one history-aware entry), so the window,
    /// the renderer, `sayscape plan` and the service put every thing in the same place.
    pub fn of(scene: Scene, seed: u32) -> World {
        let layout = lay_out(&scene, seed as u64);
        World { scene, layout, seed }
    }
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
}

impl Pipeline {
    pub fn new(config: PipelineConfig) -> Pipeline {
        Pipeline {
            config,
            #[cfg(feature = "llama")]
            local: None,
            ears: None,
            last_tokens_per_s: None,
        }
    }

    /// Loads the generator now rather than on the first request (a service warms up before it
    /// takes work).
    pub fn prepare(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<(), PipelineError> {
        #[cfg(feature = "llama")]
        if matches!(self.local_backend(), Backend::Local { .. }) {
            self.local_generator(None, progress)?;
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

    /// Why the last scene the on-device model composed is as it is (`generate --explain`).
    pub fn last_explanation(&self) -> Option<&crate::generate::compose::Explanation> {
        #[cfg(feature = "llama")]
        return self.local.as_ref().and_then(|g| g.last_explanation.as_ref());
        #[cfg(not(feature = "llama"))]
        None
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
            let generator = self.local_generator(None, progress)?;
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

    /// The scene of a request: generated from its words (heard first when it is speech), or
    /// the scene it carries.
    pub fn scene(&mut self, request: Request, progress: &mut dyn FnMut(Progress)) -> Result<Scene, PipelineError> {
        let Request { input, seed, deadline } = request;
        match input {
            Input::Scene(scene) => Ok(scene),
            Input::Words(words) => self.scene_of_words(&words, seed, deadline, progress),
            Input::Speech(clip) => {
                let heard = self.hear(&clip, progress)?;
                self.scene_of_words(&heard.text, seed, deadline, progress)
            }
        }
    }

    /// A request → its scene and the world laid out from it (history-aware for a scene file).
    pub fn world(&mut self, request: Request, progress: &mut dyn FnMut(Progress)) -> Result<World, PipelineError> {
        let seed = request.seed;
        let scene = self.scene(request, progress)?;
        progress(Progress::new(Stage::Planning, "Laying out the world …"));
        Ok(World::of(scene, seed))
    }

    /// One valid scene for words in any language.
    fn scene_of_words(
        &mut self,
        request: &str,
        seed: u32,
        deadline: Option<Instant>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Scene, PipelineError> {
        let request = check_request(request)?;
        match &self.config.backend {
            Backend::Remote(client) => {
                progress(Progress::new(Stage::Asking, format!("Asking {} …", client.url)));
                Ok(client.generate(request, seed)?)
            }
            Backend::Local { .. } => self.local_scene(request, seed, deadline, progress),
            Backend::Service { client, fallback } => {
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
                        let why = crate::errors::chain(&e);
                        tracing::warn!("{why}; using the on-device model");
                        progress(Progress::new(Stage::Asking, format!("{why}; using the on-device model")));
                        match fallback.as_ref() {
                            Backend::Remote(other) => Ok(other.generate(request, seed)?),
                            _ => self.local_scene(request, seed, deadline, progress),
                        }
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// The on-device generator, loaded (and warmed up) the first time it is needed.
    #[cfg(feature = "llama")]
    fn local_generator(
        &mut self,
        deadline: Option<Instant>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<&mut crate::generate::local::LocalGenerator, PipelineError> {
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
        // Every use of the model goes through here: a request's deadline, or none.
        let generator = self.local.as_mut().expect("loaded above");
        generator.model.deadline = deadline;
        Ok(generator)
    }

    #[cfg(feature = "llama")]
    fn local_scene(
        &mut self,
        request: &str,
        seed: u32,
        deadline: Option<Instant>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Scene, PipelineError> {
        use crate::generate::local::Step;
        let generator = self.local_generator(deadline, progress)?;
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
    fn local_scene(&mut self, _: &str, _: u32, _: Option<Instant>, _: &mut dyn FnMut(Progress)) -> Result<Scene, PipelineError> {
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

    /// The embedded model (fetched by the set-up script): a request past its deadline stops,
    /// and what it had evaluated does not leak into the next request.
    #[test]
    #[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
    fn a_request_past_its_deadline_stops_and_the_next_one_is_unharmed() {
        let model = crate::generate::default_model_path();
        assert!(model.exists(), "needs the embedded model at {}: run scripts/setup.sh", model.display());
        let mut pipeline = Pipeline::new(PipelineConfig::default());
        pipeline.prepare(&mut |_| {}).unwrap();
        pipeline.scene(Request::words("a quiet farm at dawn"), &mut |_| {}).unwrap(); // fills the prompt caches
        let before = pipeline.scene(Request::words("a pirate ship at sea"), &mut |_| {}).unwrap();

        // A deadline already past: the model stops before its first decode.
        let late = Request::words("a jazz club in the 1920s").with_deadline(Some(Instant::now()));
        let error = pipeline.scene(late, &mut |_| {}).unwrap_err();
        assert!(matches!(error, PipelineError::Generate(GenerateError::TimedOut)), "{error}");

        let after = pipeline.scene(Request::words("a pirate ship at sea"), &mut |_| {}).unwrap();
        assert_eq!(serde_json::to_value(&before).unwrap(), serde_json::to_value(&after).unwrap());
    }
}
