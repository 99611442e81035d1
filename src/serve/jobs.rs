//! Generation jobs: a bounded queue in front of the one worker thread that owns the model.
//!
//! The model is loaded once, by the worker, and is never shared: jobs wait their turn. A full
//! queue refuses new jobs at once (the caller answers 503), so a crowd of clients never piles
//! up unbounded work. Each job streams its progress to its own channel and ends with exactly
//! one final event: the scene, or the error.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc;

use super::library::{Library, LibraryError};
use super::metrics::{Metrics, Outcome};
use crate::errors::chain;
use crate::generate::GenerateError;
use crate::language::language_name;
use crate::pipeline::{Pipeline, PipelineConfig, PipelineError, Progress, Request, Stage};
use crate::scene::Scene;
use crate::voice::audio::Clip;

/// What a job is asked: words, or speech to hear first.
pub enum Input {
    Text(String),
    Speech(Clip),
}

pub struct Job {
    pub input: Input,
    pub seed: Option<u32>,
    /// Also keep the scene in the library under this (checked) name.
    pub save_as: Option<String>,
    pub events: mpsc::UnboundedSender<JobEvent>,
    pub arrived: Instant,
    pub deadline: Instant,
}

/// What a job reports, in order; `Done` or `Failed` comes last, once.
#[derive(Debug, Clone)]
pub enum JobEvent {
    /// A stage of the pipeline (`queued`, `transcribing`, `heard`, `ranking`, `writing`,
    /// `planning`, `saved`) and a line for the person; `detail` adds fields to the event's data
    /// (`heard`: the `text` and its `language`; `saved`: the `name`).
    Progress {
        stage: &'static str,
        message: String,
        detail: Option<serde_json::Value>,
    },
    Done(Box<Scene>),
    /// The HTTP status that fits (400 a bad request, 500 the model failed, 503 the server is
    /// stopping, 504 the time limit) and the message.
    Failed {
        status: u16,
        message: String,
    },
}

impl JobEvent {
    pub fn is_final(&self) -> bool {
        !matches!(self, JobEvent::Progress { .. })
    }
}

/// Why a job was not queued.
pub enum Refusal {
    Full,
    Stopping,
}

/// A job in the line, and who answers it: the worker that takes it, or the stop that turns it
/// away. Whoever sets `claimed` first sends the job's final event; the other leaves it alone.
struct Queued {
    job: Job,
    claimed: Arc<AtomicBool>,
}

/// What the stop needs of a waiting job to turn it away without the worker.
struct Waiting {
    events: mpsc::UnboundedSender<JobEvent>,
    claimed: Arc<AtomicBool>,
}

const STOPPING: &str = "the server is stopping; the request was not started: send it again later";

/// The queue's end that request handlers hold.
pub struct Queue {
    sender: mpsc::Sender<Queued>,
    pub capacity: usize,
    metrics: Arc<Metrics>,
    stopping: Arc<AtomicBool>,
    /// The running job's events, so that a server that stops before the job ends can say so.
    running: Arc<Mutex<Option<mpsc::UnboundedSender<JobEvent>>>>,
    /// The jobs in the line, so that a stop answers them at once rather than after the
    /// running job (which may outlast the grace period and the connections).
    waiting: Arc<Mutex<Vec<Waiting>>>,
    ready: Arc<AtomicBool>,
}

impl Queue {
    /// Starts the worker thread; it loads the model before taking the first job.
    pub fn start(config: PipelineConfig, default_seed: u32, capacity: usize, library: Arc<Library>, metrics: Arc<Metrics>) -> Queue {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let queue = Queue {
            sender,
            capacity: capacity.max(1),
            metrics: metrics.clone(),
            stopping: Arc::new(AtomicBool::new(false)),
            running: Arc::new(Mutex::new(None)),
            waiting: Arc::new(Mutex::new(Vec::new())),
            ready: Arc::new(AtomicBool::new(false)),
        };
        let worker = Worker {
            default_seed,
            pipeline: Pipeline::new(config),
            receiver,
            library,
            metrics,
            stopping: queue.stopping.clone(),
            running: queue.running.clone(),
            waiting: queue.waiting.clone(),
            ready: queue.ready.clone(),
        };
        std::thread::Builder::new().name("sayscape-generation".into()).spawn(move || worker.run()).expect("a thread can be started");
        queue
    }

    /// Queues a job; its place in the line (1: next) or why not.
    pub fn submit(&self, job: Job) -> Result<usize, Refusal> {
        // Under the lock that `stop` takes after raising its flag: a job is either refused
        // here or registered in time to be turned away by the stop.
        let mut waiting = self.waiting.lock().expect("queue lock");
        if self.stopping.load(Ordering::SeqCst) {
            self.metrics.job(Outcome::Rejected, None);
            return Err(Refusal::Stopping);
        }
        // Counted and registered before sending, so the worker never sees the job first.
        let place = self.metrics.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        let claimed = Arc::new(AtomicBool::new(false));
        waiting.push(Waiting { events: job.events.clone(), claimed: claimed.clone() });
        match self.sender.try_send(Queued { job, claimed }) {
            Ok(()) => Ok(place),
            Err(e) => {
                waiting.pop();
                self.metrics.waiting.fetch_sub(1, Ordering::SeqCst);
                self.metrics.job(Outcome::Rejected, None);
                Err(match e {
                    mpsc::error::TrySendError::Full(_) => Refusal::Full,
                    mpsc::error::TrySendError::Closed(_) => Refusal::Stopping,
                })
            }
        }
    }

    /// True once the model is loaded (or failed to load: jobs then fail with the reason).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Stops taking work: queued jobs are failed with a message now, the running one finishes.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        for waiting in self.waiting.lock().expect("queue lock").drain(..) {
            if !waiting.claimed.swap(true, Ordering::SeqCst) {
                let _ = waiting.events.send(JobEvent::Failed { status: 503, message: STOPPING.into() });
                self.metrics.job(Outcome::Rejected, None);
            }
        }
    }

    /// Tells the running job's client that the server stopped before its scene was made.
    pub fn abandon_running(&self, why: &str) {
        if let Some(events) = self.running.lock().expect("queue lock").take() {
            let _ = events.send(JobEvent::Failed { status: 503, message: why.into() });
            self.metrics.job(Outcome::Failed, None);
        }
    }
}

struct Worker {
    pipeline: Pipeline,
    /// The seed of a job that names none (the server's `--seed`).
    default_seed: u32,
    receiver: mpsc::Receiver<Queued>,
    library: Arc<Library>,
    metrics: Arc<Metrics>,
    stopping: Arc<AtomicBool>,
    running: Arc<Mutex<Option<mpsc::UnboundedSender<JobEvent>>>>,
    waiting: Arc<Mutex<Vec<Waiting>>>,
    ready: Arc<AtomicBool>,
}

impl Worker {
    fn run(mut self) {
        let t0 = Instant::now();
        match self.pipeline.prepare(&mut |p| tracing::info!("{p}")) {
            Ok(()) => eprintln!("[serve] model ready in {:.1} s", t0.elapsed().as_secs_f64()),
            // Each job will fail with the reason; the library and the rest still work.
            Err(e) => eprintln!("[serve] the model did not load: {}", chain(&e)),
        }
        self.ready.store(true, Ordering::SeqCst);
        while let Some(Queued { job, claimed }) = self.receiver.blocking_recv() {
            self.metrics.waiting.fetch_sub(1, Ordering::SeqCst);
            self.waiting.lock().expect("queue lock").retain(|w| !Arc::ptr_eq(&w.claimed, &claimed));
            if !claimed.swap(true, Ordering::SeqCst) {
                self.take(job);
            }
        }
    }

    fn take(&mut self, job: Job) {
        let fail = |job: &Job, status, message: String, outcome| {
            let _ = job.events.send(JobEvent::Failed { status, message });
            self.metrics.job(outcome, None);
        };
        if job.events.is_closed() {
            self.metrics.job(Outcome::Abandoned, None);
            return;
        }
        if self.stopping.load(Ordering::SeqCst) {
            return fail(&job, 503, STOPPING.into(), Outcome::Rejected);
        }
        if Instant::now() >= job.deadline {
            return fail(&job, 504, "the request waited in the queue past its time limit".into(), Outcome::TimedOut);
        }
        *self.running.lock().expect("queue lock") = Some(job.events.clone());
        self.metrics.running.store(1, Ordering::SeqCst);
        let result = self.generate(&job);
        self.metrics.running.store(0, Ordering::SeqCst);
        let still_ours = self.running.lock().expect("queue lock").take().is_some();
        if !still_ours {
            return; // the server stopped meanwhile and already told the client
        }
        let seconds = job.arrived.elapsed().as_secs_f64();
        let event = match result {
            Ok(scene) if Instant::now() <= job.deadline => {
                self.metrics.job(Outcome::Done, Some(seconds));
                JobEvent::Done(Box::new(scene))
            }
            Ok(_) => {
                eprintln!("[serve] a scene was finished {seconds:.1} s after its request arrived, past its time limit: dropped");
                self.metrics.job(Outcome::TimedOut, Some(seconds));
                JobEvent::Failed { status: 504, message: format!("the scene took {seconds:.1} s, past the request's time limit") }
            }
            Err(error) if error.status() == 504 => {
                eprintln!("[serve] a job was stopped at its time limit, {seconds:.1} s after its request arrived");
                self.metrics.job(Outcome::TimedOut, Some(seconds));
                JobEvent::Failed { status: 504, message: chain(&error) }
            }
            Err(error) => {
                self.metrics.job(Outcome::Failed, Some(seconds));
                JobEvent::Failed { status: error.status(), message: chain(&error) }
            }
        };
        let _ = job.events.send(event);
    }

    fn generate(&mut self, job: &Job) -> Result<Scene, JobError> {
        let events = job.events.clone();
        let send = |stage, message, detail| {
            let _ = events.send(JobEvent::Progress { stage, message, detail });
        };
        // `heard` is sent below, with the transcript as data of its own.
        let mut progress = |p: Progress| {
            if p.stage != Stage::Heard {
                send(p.stage.name(), p.message, None);
            }
        };
        let words = match &job.input {
            Input::Text(text) => text.clone(),
            Input::Speech(clip) => {
                let heard = self.pipeline.hear(clip, &mut progress)?;
                let message = format!("Heard “{}” ({})", heard.text, language_name(&heard.language));
                send(Stage::Heard.name(), message, Some(serde_json::json!({"text": heard.text, "language": heard.language})));
                heard.text
            }
        };
        // The model itself stops at the time limit (within a token), so a late job frees the
        // worker for the next one instead of running to its end.
        let request = Request::words(words).with_seed(job.seed.unwrap_or(self.default_seed)).with_deadline(Some(job.deadline));
        let world = self.pipeline.world(request, &mut progress)?;
        if let Some(tokens_per_s) = self.pipeline.last_tokens_per_s() {
            self.metrics.tokens_per_s(tokens_per_s);
        }
        if let Some(name) = &job.save_as {
            let written = self.library.save(name, &world.scene)?;
            let created = written == super::library::Written::Created;
            send("saved", format!("Saved {name}.json"), Some(serde_json::json!({"name": name, "created": created})));
        }
        Ok(world.scene)
    }
}

/// Why a job gave no scene.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The scene was made but could not be kept under the name asked for.
    #[error(transparent)]
    Save(#[from] LibraryError),
}

impl JobError {
    /// The HTTP status that fits: the request's fault, the time limit, or the server's.
    fn status(&self) -> u16 {
        match self {
            JobError::Pipeline(PipelineError::Generate(GenerateError::Prompt(_)) | PipelineError::Voice(_)) => 400,
            JobError::Pipeline(PipelineError::Generate(GenerateError::TimedOut)) => 504,
            _ => 500,
        }
    }
}
