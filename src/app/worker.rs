//! The scene worker: requests (typed or spoken) go to a thread that owns the [`Pipeline`] and
//! the world shown now; its progress and results come back through a channel. The frame never
//! waits for it: in a headset a stalled frame freezes tracking. Once a world is there, what the
//! person says changes it (an edit, shown in place) unless it names a new scenario.

use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use bevy::prelude::*;

use super::Live;
use crate::edit::Understood;
use crate::pipeline::{Pipeline, PipelineError, Progress, Request, Said, Stage, World};
use crate::plan::Layout;
use crate::state::{EditLayout, HistoryStep, LastHeard, PromptSubmitted, ShowLayout, SpokenLanguage, Status};
use crate::voice::audio::Clip;

/// A recording of someone saying a scenario, to be transcribed and built.
#[derive(Message, Clone)]
pub struct SpeechRecorded(pub Clip);

/// What the person asked the worker for.
enum Ask {
    Prompt(String),
    Speech(Clip),
    Step(HistoryStep),
    /// The spoken language from now on (`None`: detected).
    Language(Option<String>),
}

enum News {
    Progress(Progress),
    /// A world to show: in place (an edit) or through a fade, and a line saying what happened.
    Ready {
        layout: Box<Layout>,
        in_place: bool,
        line: String,
    },
    Failed(String),
}

#[derive(Resource)]
struct Worker {
    requests: Sender<Ask>,
    news: Mutex<Receiver<News>>,
}

pub struct WorkerPlugin(Mutex<Option<Live>>);

impl WorkerPlugin {
    pub fn new(live: Live) -> WorkerPlugin {
        WorkerPlugin(Mutex::new(Some(live)))
    }
}

impl Plugin for WorkerPlugin {
    fn build(&self, app: &mut App) {
        let live = self.0.lock().ok().and_then(|mut l| l.take()).expect("the worker plugin is added once");
        crate::state::ensure_state(app);
        let language = SpokenLanguage(live.pipeline.config().listening.language.clone());
        app.add_message::<SpeechRecorded>()
            .insert_resource(language)
            .insert_resource(spawn_worker(live))
            .add_systems(Update, (send_prompts, send_speech, send_steps, send_language, receive_news));
    }
}

fn spawn_worker(live: Live) -> Worker {
    let Live { mut pipeline, save_to, world, seed } = live;
    let (requests, inbox) = channel::<Ask>();
    let (outbox, news) = channel();
    std::thread::Builder::new()
        .name("scene-worker".into())
        .spawn(move || {
            let mut current = world;
            for ask in inbox {
                if let Ask::Language(language) = ask {
                    if let Err(e) = pipeline.set_language(language) {
                        let _ = outbox.send(News::Failed(crate::errors::chain(&e)));
                    }
                    continue;
                }
                let mut progress = |p: Progress| {
                    let _ = outbox.send(News::Progress(p));
                };
                let news = match serve(&mut pipeline, current.as_ref(), ask, seed, save_to.as_deref(), &mut progress) {
                    Ok(said) => {
                        let news =
                            News::Ready { layout: Box::new(said.world().layout.clone()), in_place: said.in_place(), line: said.line() };
                        current = Some(said.world().clone());
                        news
                    }
                    Err(e) => News::Failed(crate::errors::chain(&e)),
                };
                if outbox.send(news).is_err() {
                    break;
                }
            }
        })
        .expect("the worker thread starts");
    Worker { requests, news: Mutex::new(news) }
}

/// Why a request to the worker gave no world; its chain is the line the person reads.
#[derive(Debug, thiserror::Error)]
enum Unserved {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("there is no world to undo in yet")]
    NoWorld,
    #[error(transparent)]
    Save(#[from] crate::scene::SceneError),
}

/// One request through the pipeline.
fn serve(
    pipeline: &mut Pipeline,
    current: Option<&World>,
    ask: Ask,
    seed: u32,
    save_to: Option<&Path>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Said, Unserved> {
    let result = match (ask, current) {
        (Ask::Step(step), Some(world)) => {
            let understood = if step == HistoryStep::Undo { Understood::Undo } else { Understood::Redo };
            pipeline.carry_out(world, "", understood, progress)?
        }
        (Ask::Step(_), None) => return Err(Unserved::NoWorld),
        (ask, current) => {
            let words = match ask {
                Ask::Prompt(prompt) => prompt,
                Ask::Speech(clip) => pipeline.hear(&clip, progress)?.text,
                Ask::Step(_) | Ask::Language(_) => unreachable!("handled before"),
            };
            match current {
                Some(world) => pipeline.edit(world, &words, progress)?,
                None => Said::New(pipeline.world(Request::words(words).with_seed(seed), progress)?),
            }
        }
    };
    if let Some(path) = save_to {
        crate::scene::save_scene(&result.world().scene, path)?;
    }
    Ok(result)
}

impl Worker {
    /// Hands a request to the worker thread; the status says it is on its way, or that the
    /// worker is gone.
    fn submit(&self, ask: Ask, first: Progress) -> Status {
        match self.requests.send(ask) {
            Ok(()) => Status::Working(first),
            Err(_) => Status::Failed("the scene worker has stopped; restart sayscape".into()),
        }
    }
}

fn send_prompts(
    mut submitted: MessageReader<PromptSubmitted>,
    worker: Res<Worker>,
    mut status: ResMut<Status>,
    mut heard: ResMut<LastHeard>,
) {
    for PromptSubmitted(prompt) in submitted.read() {
        heard.0 = None;
        *status = worker.submit(Ask::Prompt(prompt.clone()), Progress::new(Stage::Ranking, format!("Imagining “{prompt}” …")));
    }
}

fn send_speech(mut said: MessageReader<SpeechRecorded>, worker: Res<Worker>, mut status: ResMut<Status>, mut heard: ResMut<LastHeard>) {
    for SpeechRecorded(clip) in said.read() {
        heard.0 = None;
        *status = worker.submit(Ask::Speech(clip.clone()), Progress::new(Stage::Transcribing, "Understanding what you said …"));
    }
}

fn send_steps(mut steps: MessageReader<HistoryStep>, worker: Res<Worker>, mut status: ResMut<Status>) {
    for step in steps.read() {
        let line = if *step == HistoryStep::Undo { "Undoing …" } else { "Redoing …" };
        *status = worker.submit(Ask::Step(*step), Progress::new(Stage::Understanding, line));
    }
}

/// The language setting changed (L, or the left thumbstick's click): the worker listens
/// that way from the next utterance on.
fn send_language(language: Res<SpokenLanguage>, worker: Res<Worker>, mut status: ResMut<Status>) {
    if language.is_changed() && !language.is_added() {
        if worker.requests.send(Ask::Language(language.0.clone())).is_err() {
            *status = Status::Failed("the scene worker has stopped; restart sayscape".into());
        } else if !status.is_busy() {
            *status = Status::Done(format!("Spoken language: {}", language.label()));
        }
    }
}

/// Applies what the worker reports; the frame never waits for it.
fn receive_news(
    worker: Res<Worker>,
    mut status: ResMut<Status>,
    mut heard: ResMut<LastHeard>,
    mut show: MessageWriter<ShowLayout>,
    mut edit: MessageWriter<EditLayout>,
) {
    let Ok(news) = worker.news.lock() else { return };
    while let Ok(item) = news.try_recv() {
        match item {
            News::Progress(progress) => {
                if progress.stage == Stage::Heard {
                    heard.0 = Some(progress.message.clone());
                }
                *status = Status::Working(progress);
            }
            News::Ready { layout, in_place, line } => {
                *status = Status::Done(line);
                if in_place {
                    edit.write(EditLayout(Arc::new(*layout)));
                } else {
                    show.write(ShowLayout(Arc::new(*layout)));
                }
            }
            News::Failed(error) => *status = Status::Failed(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::pipeline::PipelineConfig;

    /// What the test saw, frame by frame.
    #[derive(Resource, Default)]
    struct Seen {
        frame: u32,
        heard: Option<(u32, String)>,
        shown: Option<u32>,
    }

    fn note(heard: Res<LastHeard>, mut shown: MessageReader<ShowLayout>, mut seen: ResMut<Seen>) {
        seen.frame += 1;
        if let (None, Some(line)) = (&seen.heard, &heard.0) {
            seen.heard = Some((seen.frame, line.clone()));
        }
        if shown.read().next().is_some() && seen.shown.is_none() {
            seen.shown = Some(seen.frame);
        }
    }

    /// A spoken scenario, through the real worker and models: the transcript reaches the
    /// overlay's line (and the headset's caption) frames before the world is shown, so a
    /// mishearing can be seen and said again.
    #[test]
    #[ignore = "full tier: needs the embedded model, the speech model and espeak-ng (scripts/test.sh)"]
    fn what_was_heard_is_shown_before_the_world() {
        let model = crate::pipeline::default_model_path();
        assert!(model.exists(), "needs the embedded model at {}: run scripts/setup.sh", model.display());
        let speech = crate::voice::transcribe::default_speech_model().join("model.bin");
        assert!(speech.exists(), "needs the speech model at {}: run scripts/setup.sh", speech.display());
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("lighthouse.wav");
        let spoke =
            std::process::Command::new("espeak-ng").args(["-v", "en-us", "-w"]).arg(&wav).arg("a lighthouse in a storm at night").status();
        assert!(spoke.is_ok_and(|s| s.success()), "needs espeak-ng: run scripts/setup.sh");
        let clip = crate::voice::audio::read_wav(&wav).unwrap();
        let live = Live { pipeline: Pipeline::new(PipelineConfig::default()), save_to: None, world: None, seed: 0 };
        let mut app = App::new();
        app.add_plugins(MinimalPlugins).add_plugins(WorkerPlugin::new(live)).init_resource::<Seen>().add_systems(PostUpdate, note);
        app.world_mut().write_message(SpeechRecorded(clip));
        let deadline = Instant::now() + Duration::from_secs(300);
        while app.world().resource::<Seen>().shown.is_none() && Instant::now() < deadline {
            app.update();
            std::thread::sleep(Duration::from_millis(5));
        }
        let seen = app.world().resource::<Seen>();
        let (heard_at, line) = seen.heard.clone().expect("a transcript was shown");
        let shown_at = seen.shown.expect("the world came");
        assert!(heard_at < shown_at, "heard at frame {heard_at}, world at {shown_at}");
        assert!(line.to_lowercase().contains("lighthouse") && line.contains("(English)"), "{line}");
        assert!(matches!(app.world().resource::<Status>(), Status::Done(_)));
    }
}
