//! The scene worker: requests (typed or spoken) go to a thread that owns the [`Pipeline`];
//! its progress and results come back through a channel. The frame never waits for it: in a
//! headset a stalled frame freezes tracking.

use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use bevy::prelude::*;

use super::Live;
use crate::pipeline::{Pipeline, PipelineError, Progress, Stage};
use crate::plan::Layout;
use crate::state::{PromptSubmitted, ShowLayout, Status};
use crate::voice::audio::Clip;

/// A recording of someone saying a scenario, to be transcribed and built.
#[derive(Message, Clone)]
pub struct SpeechRecorded(pub Clip);

enum Request {
    Prompt(String),
    Speech(Clip),
}

enum News {
    Progress(Progress),
    Ready(Box<Layout>),
    Failed(String),
}

#[derive(Resource)]
struct Worker {
    requests: Sender<Request>,
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
        app.add_message::<SpeechRecorded>()
            .insert_resource(spawn_worker(live))
            .add_systems(Update, (send_prompts, send_speech, receive_news));
    }
}

fn spawn_worker(live: Live) -> Worker {
    let Live { mut pipeline, save_to } = live;
    let (requests, inbox) = channel::<Request>();
    let (outbox, news) = channel();
    std::thread::Builder::new()
        .name("scene-worker".into())
        .spawn(move || {
            for request in inbox {
                let mut progress = |p: Progress| {
                    let _ = outbox.send(News::Progress(p));
                };
                let news = match serve(&mut pipeline, request, save_to.as_deref(), &mut progress) {
                    Ok(layout) => News::Ready(Box::new(layout)),
                    Err(e) => News::Failed(e),
                };
                if outbox.send(news).is_err() {
                    break;
                }
            }
        })
        .expect("the worker thread starts");
    Worker { requests, news: Mutex::new(news) }
}

/// One request through the pipeline; the error is the line the person reads.
fn serve(pipeline: &mut Pipeline, request: Request, save_to: Option<&Path>, progress: &mut dyn FnMut(Progress)) -> Result<Layout, String> {
    let said = |e: PipelineError| crate::errors::chain(&e);
    let prompt = match request {
        Request::Prompt(prompt) => prompt,
        Request::Speech(clip) => pipeline.hear(&clip, progress).map_err(said)?.text,
    };
    let world = pipeline.world(&prompt, progress).map_err(said)?;
    if let Some(path) = save_to {
        crate::scene::save_scene(&world.scene, path).map_err(|e| crate::errors::chain(&e))?;
    }
    Ok(world.layout)
}

impl Worker {
    /// Hands a request to the worker thread; the status says it is on its way, or that the
    /// worker is gone.
    fn submit(&self, request: Request, first: Progress) -> Status {
        match self.requests.send(request) {
            Ok(()) => Status::Working(first),
            Err(_) => Status::Failed("the scene worker has stopped; restart sayscape".into()),
        }
    }
}

fn send_prompts(mut submitted: MessageReader<PromptSubmitted>, worker: Res<Worker>, mut status: ResMut<Status>) {
    for PromptSubmitted(prompt) in submitted.read() {
        *status = worker.submit(Request::Prompt(prompt.clone()), Progress::new(Stage::Ranking, format!("Imagining “{prompt}” …")));
    }
}

fn send_speech(mut said: MessageReader<SpeechRecorded>, worker: Res<Worker>, mut status: ResMut<Status>) {
    for SpeechRecorded(clip) in said.read() {
        *status = worker.submit(Request::Speech(clip.clone()), Progress::new(Stage::Transcribing, "Understanding what you said …"));
    }
}

/// Applies what the worker reports; the frame never waits for it.
fn receive_news(worker: Res<Worker>, mut status: ResMut<Status>, mut show: MessageWriter<ShowLayout>) {
    let Ok(news) = worker.news.lock() else { return };
    while let Ok(item) = news.try_recv() {
        match item {
            News::Progress(progress) => *status = Status::Working(progress),
            News::Ready(layout) => {
                *status = Status::Idle;
                show.write(ShowLayout(Arc::new(*layout)));
            }
            News::Failed(error) => *status = Status::Failed(error),
        }
    }
}
