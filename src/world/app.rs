//! The three ways to run the world: a window to walk around in (with scenarios generated on a
//! worker thread), a headless snapshot to PNG, and the benchmark over many scenes.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use bevy::log::LogPlugin;
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::WindowResolution;

use super::hud::{HudPlugin, PromptSubmitted, Status};
use super::player::{Controls, ViewPoint};
use super::stats::{FrameStats, StatsPlugin};
use super::{CurrentLayout, SceneClock, ShowLayout, WorldPlugin, display};
use crate::plan::Layout;
use crate::voice::audio::Clip;
use crate::voice::capture::Recorder;

/// Size of the window or snapshot, in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// `snapshot`: compile every shader before drawing with it, so a captured frame is complete
/// (a window instead shows frames while shaders compile in the background).
fn base_app(title: &str, size: Size, snapshot: bool) -> App {
    let mut app = App::new();
    let window = Window {
        title: format!("sayscape — {title}"),
        resolution: WindowResolution::new(size.width, size.height).with_scale_factor_override(1.0),
        ..default()
    };
    // Logging is set up by the command line (tracing), not by Bevy.
    let render = RenderPlugin { synchronous_pipeline_compilation: snapshot, ..default() };
    app.add_plugins(DefaultPlugins.build().disable::<LogPlugin>().set(WindowPlugin { primary_window: Some(window), ..default() }).set(render))
        .add_plugins(WorldPlugin);
    app
}

fn show_at_start(app: &mut App, layout: Layout) {
    let layout = Arc::new(layout);
    app.add_systems(Startup, move |mut show: MessageWriter<ShowLayout>| {
        show.write(ShowLayout(layout.clone()));
    });
}

/// Turns a spoken or typed scenario into a laid-out world; runs on a worker thread.
pub trait SceneSource: Send + 'static {
    fn layout_for(&mut self, prompt: &str, progress: &mut dyn FnMut(String)) -> anyhow::Result<Layout>;

    /// The words said in a recording (push-to-talk).
    fn heard(&mut self, _speech: &Clip, _progress: &mut dyn FnMut(String)) -> anyhow::Result<String> {
        anyhow::bail!("speech input is not available here")
    }
}

/// A recording of someone saying a scenario (push-to-talk on a key or a controller).
#[derive(Message, Clone)]
pub struct SpeechRecorded(pub Clip);

/// What the window asks the worker for.
enum Request {
    Prompt(String),
    Speech(Clip),
}

/// How the window starts: with a world, or with a scenario still to generate.
pub enum ViewStart {
    Layout(Layout),
    Prompt(String),
}

enum WorkerNews {
    Progress(String),
    Ready(Layout),
    Failed(String),
}

#[derive(Resource)]
struct Worker {
    requests: Sender<Request>,
    news: Mutex<Receiver<WorkerNews>>,
}

/// Opens a window on the world; returns when it is closed.
pub fn view(start: ViewStart, source: Option<Box<dyn SceneSource>>, size: Size) -> anyhow::Result<()> {
    if !display::has_display() {
        anyhow::bail!("no display (DISPLAY is not set); use `sayscape render FILE --out PNG` for a snapshot");
    }
    let title = match &start {
        ViewStart::Layout(l) => l.title.clone(),
        ViewStart::Prompt(p) => p.clone(),
    };
    let mut app = base_app(&title, size, false);
    app.add_plugins((HudPlugin, crate::audio::live::LiveAudioPlugin)).insert_resource(Controls { enabled: true, typing: false });
    start_with(&mut app, start, source);
    app.run();
    Ok(())
}

/// Shows the first world (or asks the worker for it) and wires scenario requests to the
/// worker thread. Needs the [`HudPlugin`] (or another source of [`PromptSubmitted`]).
pub fn start_with(app: &mut App, start: ViewStart, source: Option<Box<dyn SceneSource>>) {
    app.add_message::<SpeechRecorded>();
    if let Some(source) = source {
        app.insert_resource(spawn_worker(source))
            .insert_non_send(PushToTalk::default())
            .add_systems(Update, (push_to_talk, send_prompts, send_speech, receive_news));
    }
    match start {
        ViewStart::Layout(layout) => show_at_start(app, layout),
        ViewStart::Prompt(prompt) => {
            app.add_systems(Startup, move |mut submitted: MessageWriter<PromptSubmitted>| {
                submitted.write(PromptSubmitted(prompt.clone()));
            });
        }
    }
}

fn spawn_worker(mut source: Box<dyn SceneSource>) -> Worker {
    let (requests, inbox) = channel::<Request>();
    let (outbox, news) = channel();
    std::thread::Builder::new()
        .name("scene-worker".into())
        .spawn(move || {
            for request in inbox {
                let mut progress = |line: String| {
                    let _ = outbox.send(WorkerNews::Progress(line));
                };
                let prompt = match request {
                    Request::Prompt(prompt) => Ok(prompt),
                    Request::Speech(clip) => source.heard(&clip, &mut progress),
                };
                let news = match prompt.and_then(|prompt| source.layout_for(&prompt, &mut progress)) {
                    Ok(layout) => WorkerNews::Ready(layout),
                    Err(e) => WorkerNews::Failed(format!("{e:#}")),
                };
                if outbox.send(news).is_err() {
                    break;
                }
            }
        })
        .expect("the worker thread starts");
    Worker { requests, news: Mutex::new(news) }
}

/// The microphone while the talk key is held.
#[derive(Default)]
pub struct PushToTalk(Option<Recorder>);

impl PushToTalk {
    /// Starts listening (talk button pressed).
    pub fn press(&mut self, status: &mut Status) {
        if self.0.is_some() {
            return;
        }
        match Recorder::start() {
            Ok(recorder) => {
                self.0 = Some(recorder);
                status.0 = "Listening … (let go when you have said it)".into();
            }
            Err(e) => status.0 = format!("Cannot listen: {e}"),
        }
    }

    /// Stops listening (talk button released) and hands over what was said.
    pub fn release(&mut self, status: &mut Status, said: &mut MessageWriter<SpeechRecorded>) {
        if let Some(recorder) = self.0.take() {
            status.0 = "Understanding what you said …".into();
            said.write(SpeechRecorded(recorder.stop()));
        }
    }
}

/// Hold V to speak a new scenario; it is transcribed and built when the key is released.
fn push_to_talk(keys: Res<ButtonInput<KeyCode>>, controls: Res<Controls>, mut status: ResMut<Status>, mut mic: NonSendMut<PushToTalk>, mut said: MessageWriter<SpeechRecorded>) {
    if controls.typing {
        return;
    }
    if keys.just_pressed(KeyCode::KeyV) {
        mic.press(&mut status);
    }
    if keys.just_released(KeyCode::KeyV) {
        mic.release(&mut status, &mut said);
    }
}

fn send_speech(mut said: MessageReader<SpeechRecorded>, worker: Res<Worker>) {
    for SpeechRecorded(clip) in said.read() {
        let _ = worker.requests.send(Request::Speech(clip.clone()));
    }
}

fn send_prompts(mut submitted: MessageReader<PromptSubmitted>, worker: Res<Worker>, mut status: ResMut<Status>) {
    for PromptSubmitted(prompt) in submitted.read() {
        status.0 = format!("Imagining “{prompt}” …");
        if worker.requests.send(Request::Prompt(prompt.clone())).is_err() {
            status.0 = "The scene worker has stopped; restart sayscape".into();
        }
    }
}

/// Applies what the worker reports; the frame never waits for it.
fn receive_news(worker: Res<Worker>, mut status: ResMut<Status>, mut show: MessageWriter<ShowLayout>) {
    let Ok(news) = worker.news.lock() else { return };
    while let Ok(item) = news.try_recv() {
        match item {
            WorkerNews::Progress(line) => status.0 = line,
            WorkerNews::Ready(layout) => {
                status.0.clear();
                show.write(ShowLayout(Arc::new(layout)));
            }
            WorkerNews::Failed(error) => status.0 = format!("Could not build that scenario: {error}"),
        }
    }
}

/// A headless snapshot.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub out: PathBuf,
    pub view: ViewPoint,
    pub size: Size,
    /// Scenario time to show, in seconds.
    pub time: f32,
    /// Frames to render before capturing (pipelines compile in the background).
    pub warmup_frames: u32,
}

#[derive(Resource)]
struct Snapshot {
    out: PathBuf,
    warmup_frames: u32,
    frames: u32,
    result: Arc<Mutex<Option<anyhow::Result<()>>>>,
}

/// Renders `layout` to a PNG (through a private Xvfb when there is no display).
pub fn render(layout: Layout, options: &RenderOptions) -> anyhow::Result<()> {
    let _display = display::ensure_display()?;
    let result = Arc::new(Mutex::new(None));
    let mut app = base_app(&layout.title, options.size, true);
    app.insert_resource(options.view)
        .insert_resource(SceneClock { t: options.time, frozen: true })
        .insert_resource(Snapshot { out: options.out.clone(), warmup_frames: options.warmup_frames, frames: 0, result: result.clone() })
        .add_systems(Last, take_snapshot);
    show_at_start(&mut app, layout);
    app.run();
    let outcome = result.lock().map_err(|_| anyhow::anyhow!("the renderer panicked"))?.take();
    outcome.unwrap_or_else(|| Err(anyhow::anyhow!("the window closed before the snapshot was taken")))
}

fn take_snapshot(mut commands: Commands, mut snapshot: ResMut<Snapshot>, layout: Option<Res<CurrentLayout>>, mut exit: MessageWriter<AppExit>) {
    if layout.is_none() {
        return;
    }
    snapshot.frames += 1;
    if snapshot.frames == snapshot.warmup_frames {
        let (out, result) = (snapshot.out.clone(), snapshot.result.clone());
        commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
            let saved = save_png(&captured.image, &out);
            if let Ok(mut slot) = result.lock() {
                *slot = Some(saved);
            }
            exit.write(AppExit::Success);
        });
    }
    if snapshot.frames > snapshot.warmup_frames + 300 {
        if let Ok(mut slot) = snapshot.result.lock() {
            *slot = Some(Err(anyhow::anyhow!("the screenshot never arrived")));
        }
        exit.write(AppExit::error());
    }
}

/// Writes the image beside its destination, then renames: never a half-written PNG.
fn save_png(image: &Image, out: &Path) -> anyhow::Result<()> {
    let rgb = image.clone().try_into_dynamic().map_err(|e| anyhow::anyhow!("screenshot in an unexpected format: {e}"))?.to_rgb8();
    let mut png = std::io::Cursor::new(Vec::new());
    rgb.write_to(&mut png, bevy::image::ImageFormat::Png.as_image_crate_format().expect("PNG support is built in"))
        .map_err(|e| anyhow::anyhow!("{}: cannot encode the PNG: {e}", out.display()))?;
    crate::files::write_atomically(out, png.get_ref()).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", out.display()))
}

/// A scene to benchmark.
pub struct BenchScene {
    pub name: String,
    pub layout: Layout,
    pub plan_ms: f64,
}

/// What one scene cost in the benchmark.
#[derive(Debug, Clone)]
pub struct SceneFigures {
    pub name: String,
    pub plan_ms: f64,
    pub spawn_ms: f64,
    pub entities: usize,
    pub draw_calls: usize,
    pub triangles: usize,
    /// Mean and worst CPU milliseconds of our per-frame systems.
    pub systems_ms_mean: f64,
    pub systems_ms_max: f64,
    /// Mean wall time per frame on this machine's renderer (lavapipe here: a CPU).
    pub frame_ms: f64,
}

#[derive(Resource)]
struct Bench {
    scenes: Vec<BenchScene>,
    frames_per_scene: u32,
    current: usize,
    frame: u32,
    systems: Vec<f64>,
    started: Option<std::time::Instant>,
    results: Arc<Mutex<Vec<SceneFigures>>>,
}

/// Shows each scene for `frames_per_scene` frames at its spawn and measures it.
pub fn bench(scenes: Vec<BenchScene>, frames_per_scene: u32, size: Size) -> anyhow::Result<Vec<SceneFigures>> {
    let _display = display::ensure_display()?;
    let results = Arc::new(Mutex::new(Vec::new()));
    let mut app = base_app("benchmark", size, true);
    // Only the benchmark counts draw calls and triangles: a window need not pay for it.
    app.add_plugins(StatsPlugin).insert_resource(Bench { scenes, frames_per_scene: frames_per_scene.max(8), current: 0, frame: 0, systems: Vec::new(), started: None, results: results.clone() })
        .add_systems(Last, step_bench);
    app.run();
    let figures = results.lock().map_err(|_| anyhow::anyhow!("the benchmark panicked"))?.clone();
    Ok(figures)
}

fn step_bench(mut bench: ResMut<Bench>, stats: Res<FrameStats>, mut show: MessageWriter<ShowLayout>, mut exit: MessageWriter<AppExit>) {
    let bench = &mut *bench;
    if bench.current >= bench.scenes.len() {
        exit.write(AppExit::Success);
        return;
    }
    if bench.frame == 0 {
        show.write(ShowLayout(Arc::new(bench.scenes[bench.current].layout.clone())));
        bench.systems.clear();
    } else if bench.frame > 3 {
        bench.systems.push(stats.systems_ms);
        if bench.frame == 4 {
            bench.started = Some(std::time::Instant::now());
        }
    }
    bench.frame += 1;
    if bench.frame > bench.frames_per_scene {
        let scene = &bench.scenes[bench.current];
        let measured = bench.systems.len().max(1) as f64;
        let figures = SceneFigures {
            name: scene.name.clone(),
            plan_ms: scene.plan_ms,
            spawn_ms: stats.spawn_ms.unwrap_or(f64::NAN),
            entities: stats.entities,
            draw_calls: stats.draw_calls,
            triangles: stats.triangles,
            systems_ms_mean: bench.systems.iter().sum::<f64>() / measured,
            systems_ms_max: bench.systems.iter().cloned().fold(0.0, f64::max),
            frame_ms: bench.started.map_or(f64::NAN, |s| s.elapsed().as_secs_f64() * 1e3 / measured),
        };
        eprintln!("[bench world] {}: {} entities, {} draw calls, {} triangles", figures.name, figures.entities, figures.draw_calls, figures.triangles);
        if let Ok(mut r) = bench.results.lock() {
            r.push(figures);
        }
        bench.current += 1;
        bench.frame = 0;
    }
}
