//! The HTTP API under `/v1` (described in `openapi.json`): the library, a scene's layout,
//! render, glTF world and soundscape, validation, generation with progress as server-sent events, and the
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
use crate::errors::chain;
use crate::pipeline::World;
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
    ApiError::new(status, message).into_response()
}

/// An error answer: its status, a message naming the argument, field or limit, and for an
/// invalid scene every problem with its JSON path and line.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    problems: Option<Vec<ProblemAt>>,
}

/// What a handler answers.
type Answer = Result<Response, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), problems: None }
    }

    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 422 with every problem; `more` ends the message (what was not done).
    fn invalid(problems: Vec<ProblemAt>, more: &str) -> ApiError {
        let n = problems.len();
        let message = format!("the scene is invalid: {n} problem{}{more}", if n == 1 { "" } else { "s" });
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, message, problems: Some(problems) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message, "status": self.status.as_u16()});
        if let Some(problems) = self.problems {
            body["problems"] = json!(problems);
        }
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<LibraryError> for ApiError {
    fn from(error: LibraryError) -> ApiError {
        match error {
            LibraryError::BadName { .. } => ApiError::bad(error.to_string()),
            LibraryError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, error.to_string()),
            LibraryError::Scene(e) => ApiError::invalid(super::library::problems_at(&e, b""), ""),
            LibraryError::Io { .. } => ApiError::internal(error.to_string()),
        }
    }
}

/// The body, or 413 naming the cap when it is larger. An oversized body is still read (up to
/// four times the cap, then the connection is dropped) so that a client that writes its whole
/// request before reading gets the 413 instead of a broken pipe.
async fn read_body(body: Body, limit: usize, what: &str) -> Result<Bytes, ApiError> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let (mut bytes, mut seen) = (Vec::new(), 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad(format!("the body could not be read: {e}")))?;
        seen += chunk.len();
        if seen <= limit {
            bytes.extend_from_slice(&chunk);
        } else if seen > 4 * limit {
            break;
        }
    }
    if seen > limit {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is too large: {what} are at most {limit} bytes")));
    }
    Ok(bytes.into())
}

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// An optional number in the query, or 400 naming the parameter.
fn number<T: std::str::FromStr>(query: &HashMap<String, String>, key: &str) -> Result<Option<T>, ApiError> {
    query.get(key).map(|v| v.parse::<T>().map_err(|_| ApiError::bad(format!("{key}={v:?}: not a number of the right kind")))).transpose()
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

pub async fn list_scenes(State(s): State<Shared>) -> Answer {
    Ok(axum::Json(json!({"scenes": s.library.list()?})).into_response())
}

pub async fn get_scene(State(s): State<Shared>, Path(name): Path<String>) -> Answer {
    Ok(json_bytes(StatusCode::OK, s.library.read(&name)?))
}

pub async fn put_scene(State(s): State<Shared>, Path(name): Path<String>, body: Body) -> Answer {
    check_name(&name)?;
    let text = read_body(body, MAX_SCENE_BYTES as usize, "scenes").await?;
    let library = s.library.clone();
    let (name, written) =
        tokio::task::spawn_blocking(move || library.write(&name, &text).map(|r| (name, r))).await.expect("the write task ran")?;
    let how = written.map_err(|problems| ApiError::invalid(problems, &format!("; nothing was written to {name}.json")))?;
    let status = if how == Written::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(json!({"name": name, "created": how == Written::Created}))).into_response())
}

pub async fn delete_scene(State(s): State<Shared>, Path(name): Path<String>) -> Answer {
    s.library.delete(&name)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- a scene's layout, picture and sound: of a library scene, or of a scene sent -------------

/// A library scene's text and its validated scene.
fn library_scene(library: &Library, name: &str) -> Result<(Vec<u8>, Scene), ApiError> {
    let text = library.read(name)?;
    let scene = validate_text(&text, &format!("{name}.json")).map_err(|problems| ApiError::invalid(problems, ""))?;
    Ok((text, scene))
}

/// A scene sent in the body, validated.
async fn sent_scene(body: Body) -> Result<(Bytes, Scene), ApiError> {
    let text = read_body(body, MAX_SCENE_BYTES as usize, "scenes").await?;
    let scene = validate_text(&text, "the request body").map_err(|problems| ApiError::invalid(problems, ""))?;
    Ok((text, scene))
}

pub async fn validate(body: Body) -> Answer {
    let (_, scene) = sent_scene(body).await?;
    Ok(axum::Json(json!({"valid": true, "title": scene.title, "problems": []})).into_response())
}

fn layout_of(scene: &Scene, query: &HashMap<String, String>) -> Answer {
    let seed = number::<u32>(query, "seed")?.unwrap_or(0);
    // Through its edit history: where the window and the renderer put every thing.
    Ok(axum::Json(World::of(scene.clone(), seed).layout).into_response())
}

pub async fn scene_layout(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Answer {
    layout_of(&library_scene(&s.library, &name)?.1, &q)
}

pub async fn layout(Query(q): Query<HashMap<String, String>>, body: Body) -> Answer {
    layout_of(&sent_scene(body).await?.1, &q)
}

async fn render_of(s: &Service, text: &[u8], query: &HashMap<String, String>) -> Answer {
    let seed = number::<u64>(query, "seed")?;
    let shot = Shot::parse(query.get("view").map(String::as_str), query.get("size").map(String::as_str), seed)
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let png = s.renderer.render(text, shot).await.map_err(|e| ApiError::internal(chain(&e)))?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png.as_ref().clone()).into_response())
}

pub async fn scene_render(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Answer {
    render_of(&s, &library_scene(&s.library, &name)?.0, &q).await
}

pub async fn render(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Body) -> Answer {
    render_of(&s, &sent_scene(body).await?.0, &q).await
}

/// The binary glTF content type (RFC of the glTF media types).
pub const GLB_TYPE: &str = "model/gltf-binary";

async fn export_of(s: &Service, text: &[u8], query: &HashMap<String, String>) -> Answer {
    let seed = number::<u32>(query, "seed")?.unwrap_or(0);
    let glb = s.renderer.export(text, seed).await.map_err(|e| ApiError::internal(chain(&e)))?;
    Ok(([(header::CONTENT_TYPE, GLB_TYPE)], glb.as_ref().clone()).into_response())
}

pub async fn scene_world(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Answer {
    export_of(&s, &library_scene(&s.library, &name)?.0, &q).await
}

pub async fn export(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Body) -> Answer {
    export_of(&s, &sent_scene(body).await?.0, &q).await
}

async fn soundscape_of(s: &Service, scene: Scene, query: &HashMap<String, String>) -> Answer {
    let seconds = number::<f32>(query, "seconds")?.unwrap_or(10.0);
    let seed = number::<u32>(query, "seed")?.unwrap_or(0);
    if !(0.1..=MAX_SOUNDSCAPE_S).contains(&seconds) {
        return Err(ApiError::bad(format!("seconds={seconds}: give a length from 0.1 to {MAX_SOUNDSCAPE_S}")));
    }
    let rendered = tokio::task::spawn_blocking(move || soundscape_wav(&scene, seconds, seed)).await.expect("the soundscape task ran");
    s.metrics.soundscape();
    Ok(([(header::CONTENT_TYPE, "audio/wav")], rendered.map_err(|e| ApiError::internal(chain(&e)))?).into_response())
}

pub async fn scene_soundscape(State(s): State<Shared>, Path(name): Path<String>, Query(q): Query<HashMap<String, String>>) -> Answer {
    soundscape_of(&s, library_scene(&s.library, &name)?.1, &q).await
}

pub async fn soundscape(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Body) -> Answer {
    soundscape_of(&s, sent_scene(body).await?.1, &q).await
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
) -> Result<(Input, Option<u32>, Option<String>), ApiError> {
    if is_wav(headers) {
        let bytes = read_body(body, MAX_SPEECH_BYTES, "speech recordings").await?;
        let clip = parse_wav(&bytes).map_err(|e| ApiError::bad(format!("the body is not usable speech: {e}")))?;
        if clip.seconds() > MAX_SPEECH_S {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the speech is {:.1} s long; at most {MAX_SPEECH_S} s are accepted", clip.seconds()),
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
        ApiError::bad(format!("{at}: {} (send {{\"prompt\": \"…\"}} as JSON, or a WAV with Content-Type: audio/wav)", e.inner()))
    })?;
    if let Err(e) = crate::generate::check_request(&request.prompt) {
        let reason = match e {
            crate::generate::GenerateError::Prompt(reason) => reason,
            other => other.to_string(),
        };
        return Err(ApiError::bad(format!("$.prompt: {reason}")));
    }
    Ok((Input::Text(request.prompt), request.seed, request.save_as))
}

pub async fn generate(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, headers: HeaderMap, body: Body) -> Response {
    if s.queue.is_stopping() {
        return busy(&s, "the server is stopping: send the request to another server or later");
    }
    let (input, seed, save_as) = match read_request(&headers, &q, body).await {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    if let Some(name) = &save_as
        && let Err(e) = check_name(name)
    {
        return ApiError::bad(format!("save_as: {e}")).into_response();
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
