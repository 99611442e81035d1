//! The HTTP API under `/v1` (described in `openapi.json`): the library, a scene's layout,
//! render and soundscape, validation, generation with progress as server-sent events, and the
//! service's health and metrics.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::jobs::{Input, Job, JobEvent, Queue, Refusal};
use super::library::{Library, LibraryError, ProblemAt, Written, check_name, validate_text};
use super::media::{MAX_SOUNDSCAPE_S, Renderer, Shot, soundscape_wav};
use super::metrics::Metrics;
use crate::plan::plan;
use crate::scene::validate::MAX_SCENE_BYTES;
use crate::scene::{Catalog, Scene, scene_schema};
use crate::voice::audio::parse_wav;

/// Longest speech a generation request may send.
pub const MAX_SPEECH_S: f32 = 60.0;
/// A WAV body's cap: 60 s of 48 kHz stereo 32-bit float, with room for its header.
pub const MAX_SPEECH_BYTES: usize = 24 << 20;
/// A JSON generation request's cap (the prompt itself is at most a few kB).
const MAX_REQUEST_BYTES: usize = 64 << 10;

/// What every handler shares.
pub struct Service {
    pub library: Arc<Library>,
    pub queue: Queue,
    pub renderer: Renderer,
    pub metrics: Arc<Metrics>,
    /// From a request's arrival to its scene, queue included.
    pub job_time_limit: Duration,
    /// What makes the scenes, for `/healthz`.
    pub backend: String,
}

pub type Shared = Arc<Service>;

/// `{"error": message}` with a status.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": message, "status": status.as_u16()}))).into_response()
}

fn problems_response(problems: Vec<ProblemAt>) -> Response {
    problems_response_saying(problems, "")
}

/// 422 with every problem; `more` ends the message (what was not done).
fn problems_response_saying(problems: Vec<ProblemAt>, more: &str) -> Response {
    let n = problems.len();
    let message = format!("the scene is invalid: {n} problem{}{more}", if n == 1 { "" } else { "s" });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(json!({"error": message, "status": 422, "problems": problems}))).into_response()
}

fn library_error(error: LibraryError) -> Response {
    match error {
        LibraryError::BadName { .. } => error_response(StatusCode::BAD_REQUEST, &error.to_string()),
        LibraryError::NotFound(_) => error_response(StatusCode::NOT_FOUND, &error.to_string()),
        LibraryError::Scene(e) => problems_response(super::library::problems_at(&e, b"")),
        LibraryError::Io { .. } => error_response(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// The body, or 413 naming the cap when it is larger.
async fn read_body(body: Body, limit: usize, what: &str) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| error_response(StatusCode::PAYLOAD_TOO_LARGE, &format!("the body is too large: {what} are at most {limit} bytes")))
}

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn bad_request(message: String) -> Response {
    error_response(StatusCode::BAD_REQUEST, &message)
}

/// An optional number in the query, or 400 naming the parameter.
fn number<T: std::str::FromStr>(query: &HashMap<String, String>, key: &str) -> Result<Option<T>, Response> {
    query.get(key).map(|v| v.parse::<T>().map_err(|_| bad_request(format!("{key}={v:?}: not a number of the right kind")))).transpose()
}

// --- the service ----------------------------------------------------------------------------

pub async fn healthz(State(s): State<Shared>) -> Response {
    axum::Json(json!({
        "status": if s.queue.is_stopping() { "stopping" } else { "ok" },
        "model_ready": s.queue.is_ready(),
        "backend": s.backend,
        "queue": {"waiting": s.metrics.waiting.load(std::sync::atomic::Ordering::Relaxed), "capacity": s.queue.capacity},
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

pub async fn metrics(State(s): State<Shared>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.text()).into_response()
}

pub async fn openapi() -> Response {
    json_bytes(StatusCode::OK, super::openapi::document().to_string().into_bytes())
}

pub async fn schema() -> Response {
    axum::Json(scene_schema().clone()).into_response()
}

pub async fn catalog() -> Response {
    axum::Json(serde_json::to_value(Catalog::builtin().kinds()).expect("the catalog serialises")).into_response()
}

// --- the library ----------------------------------------------------------------------------

pub async fn list_scenes(State(s): State<Shared>) -> Response {
    match s.library.list() {
        Ok(entries) => axum::Json(json!({"scenes": entries})).into_response(),
        Err(e) => library_error(e),
    }
}

pub async fn get_scene(State(s): State<Shared>, Path(name): Path<String>) -> Response {
    match s.library.read(&name) {
        Ok(text) => json_bytes(StatusCode::OK, text),
        Err(e) => library_error(e),
    }
}

pub async fn put_scene(State(s): State<Shared>, Path(name): Path<String>, body: Body) -> Response {
    if let Err(e) = check_name(&name) {
        return library_error(e);
    }
    let text = match read_body(body, MAX_SCENE_BYTES as usize, "scenes").await {
        Ok(text) => text,
        Err(response) => return response,
    };
    let library = s.library.clone();
    let written = tokio::task::spawn_blocking(move || library.write(&name, &text).map(|r| (name, r))).await.expect("the write task ran");
    match written {
        Ok((name, Ok(how))) => {
            let status = if how == Written::Created { StatusCode::CREATED } else { StatusCode::OK };
            (status, axum::Json(json!({"name": name, "created": how == Written::Created}))).into_response()
        }
        Ok((name, Err(problems))) => problems_response_saying(problems, &format!("; nothing was written to {name}.json")),
        Err(e) => library_error(e),
    }
}

pub async fn delete_scene(State(s): State<Shared>, Path(name): Path<String>) -> Response {
    match s.library.delete(&name) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => library_error(e),
    }
}

// --- a scene's layout, picture and sound: of a library scene, or of a scene sent -------------

/// A library scene's text and its validated scene.
fn library_scene(library: &Library, name: &str) -> Result<(Vec<u8>, Scene), Response> {
    let text = library.read(name).map_err(library_error)?;
    let scene = validate_text(&text, &format!("{name}.json")).map_err(problems_response)?;
    Ok((text, scene))
}

/// A scene sent in the body, validated.
async fn sent_scene(body: Body) -> Result<(Bytes, Scene), Response> {
    let text = read_body(body, MAX_SCENE_BYTES as usize, "scenes").await?;
    let scene = validate_text(&text, "the request body").map_err(problems_response)?;
    Ok((text, scene))
}

pub async fn validate(body: Body) -> Response {
    match sent_scene(body).await {
        Ok((_, scene)) => axum::Json(json!({"valid": true, "title": scene.title, "problems": []})).into_response(),
        Err(response) => response,
    }
}

fn layout_of(scene: &Scene, query: &HashMap<String, String>) -> Response {
    match number::<u64>(query, "seed") {
        Ok(seed) => axum::Json(plan(scene, seed.unwrap_or(0))).into_response(),
        Err(response) => response,
    }
}

pub async fn scene_layout(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Response {
    match library_scene(&s.library, &name) {
        Ok((_, scene)) => layout_of(&scene, &q),
        Err(response) => response,
    }
}

pub async fn layout(Query(q): Query<HashMap<String, String>>, body: Body) -> Response {
    match sent_scene(body).await {
        Ok((_, scene)) => layout_of(&scene, &q),
        Err(response) => response,
    }
}

async fn render_of(s: &Service, text: &[u8], query: &HashMap<String, String>) -> Response {
    let shot = match number::<u64>(query, "seed").and_then(|seed| {
        Shot::parse(query.get("view").map(String::as_str), query.get("size").map(String::as_str), seed).map_err(bad_request)
    }) {
        Ok(shot) => shot,
        Err(response) => return response,
    };
    match s.renderer.render(text, shot).await {
        Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png.as_ref().clone()).into_response(),
        Err(message) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &message),
    }
}

pub async fn scene_render(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Response {
    match library_scene(&s.library, &name) {
        Ok((text, _)) => render_of(&s, &text, &q).await,
        Err(response) => response,
    }
}

pub async fn render(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Body) -> Response {
    match sent_scene(body).await {
        Ok((text, _)) => render_of(&s, &text, &q).await,
        Err(response) => response,
    }
}

async fn soundscape_of(s: &Service, scene: Scene, query: &HashMap<String, String>) -> Response {
    let (seconds, seed) = match (number::<f32>(query, "seconds"), number::<u64>(query, "seed")) {
        (Ok(seconds), Ok(seed)) => (seconds.unwrap_or(10.0), seed.unwrap_or(0)),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    if !(0.1..=MAX_SOUNDSCAPE_S).contains(&seconds) {
        return bad_request(format!("seconds={seconds}: give a length from 0.1 to {MAX_SOUNDSCAPE_S}"));
    }
    let rendered = tokio::task::spawn_blocking(move || soundscape_wav(&scene, seconds, seed)).await.expect("the soundscape task ran");
    s.metrics.soundscape();
    match rendered {
        Ok(wav) => ([(header::CONTENT_TYPE, "audio/wav")], wav).into_response(),
        Err(message) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &message),
    }
}

pub async fn scene_soundscape(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Response {
    match library_scene(&s.library, &name) {
        Ok((_, scene)) => soundscape_of(&s, scene, &q).await,
        Err(response) => response,
    }
}

pub async fn soundscape(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Body) -> Response {
    match sent_scene(body).await {
        Ok((_, scene)) => soundscape_of(&s, scene, &q).await,
        Err(response) => response,
    }
}

// --- generation -------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerateRequest {
    prompt: String,
    #[serde(default)]
    seed: Option<u32>,
    /// Also keep the scene in the library under this name.
    #[serde(default)]
    save_as: Option<String>,
}

fn is_wav(headers: &HeaderMap) -> bool {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let kind = kind.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(kind.as_str(), "audio/wav" | "audio/wave" | "audio/x-wav" | "audio/vnd.wave")
}

fn wants_events(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/event-stream"))
}

/// The job a request asks for: its input, seed and name to save under.
async fn read_request(
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    body: Body,
) -> Result<(Input, Option<u32>, Option<String>), Response> {
    if is_wav(headers) {
        let bytes = read_body(body, MAX_SPEECH_BYTES, "speech recordings").await?;
        let clip = parse_wav(&bytes).map_err(|reason| bad_request(format!("the body is not usable speech: {reason}")))?;
        if clip.seconds() > MAX_SPEECH_S {
            return Err(error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the speech is {:.1} s long; at most {MAX_SPEECH_S} s are accepted", clip.seconds()),
            ));
        }
        let save_as = query.get("save_as").cloned();
        return Ok((Input::Speech(clip), number::<u32>(query, "seed")?, save_as));
    }
    let bytes = read_body(body, MAX_REQUEST_BYTES, "generation requests").await?;
    let mut reader = serde_json::Deserializer::from_slice(&bytes);
    let request: GenerateRequest = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." { "$".to_string() } else { format!("$.{path}") };
        bad_request(format!("{at}: {} (send {{\"prompt\": \"…\"}} as JSON, or a WAV with Content-Type: audio/wav)", e.inner()))
    })?;
    if let Err(e) = crate::generate::check_request(&request.prompt) {
        let reason = match e {
            crate::generate::GenerateError::Prompt(reason) => reason,
            other => other.to_string(),
        };
        return Err(bad_request(format!("$.prompt: {reason}")));
    }
    Ok((Input::Text(request.prompt), request.seed, request.save_as))
}

pub async fn generate(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, headers: HeaderMap, body: Body) -> Response {
    if s.queue.is_stopping() {
        return busy(&s, "the server is stopping: send the request to another server or later");
    }
    let (input, seed, save_as) = match read_request(&headers, &q, body).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    if let Some(name) = &save_as
        && let Err(e) = check_name(name)
    {
        return bad_request(format!("save_as: {e}"));
    }
    let (events, mut receiver) = mpsc::unbounded_channel();
    let arrived = Instant::now();
    let deadline = arrived + s.job_time_limit;
    let ahead = s.metrics.waiting.load(std::sync::atomic::Ordering::SeqCst) + s.metrics.running.load(std::sync::atomic::Ordering::SeqCst);
    let queued = if ahead == 0 { "Starting …".to_string() } else { format!("Waiting for the model: {ahead} request(s) ahead …") };
    let _ = events.send(JobEvent::Progress { stage: "queued", message: queued, detail: Some(json!({"ahead": ahead})) });
    match s.queue.submit(Job { input, seed, save_as, events, arrived, deadline }) {
        Ok(_) => {}
        Err(Refusal::Full) => return busy(&s, &format!("the queue is full ({} waiting): try again later", s.queue.capacity)),
        Err(Refusal::Stopping) => return busy(&s, "the server is stopping: send the request to another server or later"),
    }
    let limit = s.job_time_limit;
    if wants_events(&headers) {
        let stream = futures_util::stream::unfold(Some(receiver), move |state| async move {
            let mut receiver = state?;
            let event = next_event(&mut receiver, deadline, limit).await;
            let go_on = !event.is_final();
            Some((Ok::<_, Infallible>(Bytes::from(sse(&event))), go_on.then_some(receiver)))
        });
        let mut response = Body::from_stream(stream).into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return response;
    }
    loop {
        match next_event(&mut receiver, deadline, limit).await {
            JobEvent::Progress { .. } => continue,
            JobEvent::Done(scene) => return axum::Json(*scene).into_response(),
            JobEvent::Failed { status, message } => {
                return error_response(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &message);
            }
        }
    }
}

/// 503 with a `Retry-After` from the queue's length and the jobs' mean time.
fn busy(s: &Service, message: &str) -> Response {
    let per_job = s.metrics.mean_job_seconds().unwrap_or(5.0);
    let waiting = s.metrics.waiting.load(std::sync::atomic::Ordering::Relaxed) + 1;
    let seconds = (per_job * waiting as f64).ceil().clamp(1.0, 600.0) as u64;
    let mut response = error_response(StatusCode::SERVICE_UNAVAILABLE, message);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

async fn next_event(receiver: &mut mpsc::UnboundedReceiver<JobEvent>, deadline: Instant, limit: Duration) -> JobEvent {
    match tokio::time::timeout_at(deadline.into(), receiver.recv()).await {
        Ok(Some(event)) => event,
        Ok(None) => JobEvent::Failed { status: 500, message: "the generation worker stopped without an answer".into() },
        Err(_) => JobEvent::Failed { status: 504, message: format!("no scene within the time limit of {} s", limit.as_secs()) },
    }
}

/// One server-sent event: progress is named by its stage; the last is `done` (the scene) or
/// `error`.
pub fn sse(event: &JobEvent) -> String {
    let (name, data) = match event {
        JobEvent::Progress { stage, message, detail } => {
            let mut data = json!({"stage": stage, "message": message});
            if let (Some(Value::Object(more)), Some(data)) = (detail, data.as_object_mut()) {
                data.extend(more.clone());
            }
            (*stage, data.to_string())
        }
        // The scene itself, not through a `Value`: its numbers keep their short form (0.45).
        JobEvent::Done(scene) => ("done", serde_json::to_string(scene.as_ref()).expect("a scene serialises")),
        JobEvent::Failed { status, message } => ("error", json!({"status": status, "message": message}).to_string()),
    };
    format!("event: {name}\ndata: {data}\n\n")
}
