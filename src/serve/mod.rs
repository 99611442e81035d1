//! `sayscape serve`: the generation service for headsets on the LAN, and the scenario studio.
//!
//! One long-running process on tokio (axum over hyper): the model loads once into the
//! generation worker ([`jobs`]), the library is a folder of scene files ([`library`]), the
//! API is in [`api`] and described by [`openapi`], renders and soundscapes come from
//! [`media`], who may call it is [`security`]'s business, and [`studio`] is the page at `/`.

pub mod api;
pub mod jobs;
pub mod library;
pub mod media;
pub mod metrics;
pub mod openapi;
pub mod security;
pub mod studio;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};

use crate::pipeline::{Backend, PipelineConfig};
use api::{Service, Shared};
use jobs::Queue;
use library::Library;
use media::Renderer;
use metrics::Metrics;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub addr: SocketAddr,
    /// The folder of scene files.
    pub library: PathBuf,
    pub pipeline: PipelineConfig,
    /// The seed of a job that names none.
    pub seed: u32,
    /// Required on every API request when set; required to listen beyond loopback.
    pub token: Option<String>,
    /// Generation jobs that may wait for the model; more are refused with 503.
    pub queue: usize,
    /// From a request's arrival to its scene.
    pub job_time_limit: Duration,
    /// After SIGINT/SIGTERM, how long the running job may take to finish.
    pub grace: Duration,
    /// The one origin whose pages may call the API from a browser (CORS); none by default.
    pub cors_origin: Option<String>,
    /// The program that renders scenes (`sayscape` itself).
    pub render_program: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Refused(#[from] security::StartRefused),
    #[error("--addr {addr}: cannot listen: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Library(#[from] library::LibraryError),
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the service until SIGINT or SIGTERM. `on_listening` gets the bound address (the
/// port chosen when `addr` asks for port 0).
pub fn serve(config: ServeConfig, on_listening: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    security::check_start(&config.addr, config.token.as_deref())?;
    let cors = match &config.cors_origin {
        Some(origin) => {
            Some(HeaderValue::from_str(origin).map_err(|source| security::StartRefused::BadOrigin { origin: origin.clone(), source })?)
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().thread_name("sayscape-http").build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|source| ServeError::Bind { addr: config.addr, source })?;
        let bound = listener.local_addr()?;
        let metrics = Arc::new(Metrics::default());
        let library = Arc::new(Library::open(&config.library)?);
        let service: Shared = Arc::new(Service {
            queue: Queue::start(config.pipeline.clone(), config.seed, config.queue, library.clone(), metrics.clone()),
            renderer: Renderer::new(config.render_program.clone(), metrics.clone()),
            library,
            metrics,
            job_time_limit: config.job_time_limit,
            backend: describe(&config.pipeline.backend),
        });
        let app = router(service.clone(), config.token.clone(), cors);
        on_listening(bound);
        let stop = stop_signal(service.clone());
        let server = axum::serve(listener, app).with_graceful_shutdown(stop);
        // After the signal, open streams get `grace` to end (the running job finishing);
        // then the running job's client is told, and the process exits.
        let mut server = std::pin::pin!(server.into_future());
        tokio::select! {
            result = &mut server => result?,
            () = grace_expired(service.clone(), config.grace) => {
                service.queue.abandon_running(&format!(
                    "the server stopped before the scene was finished (it waited {} s): send the request again",
                    config.grace.as_secs()
                ));
                // Let the stream carry that last event out before the connections close.
                let _ = tokio::time::timeout(Duration::from_millis(500), &mut server).await;
            }
        }
        eprintln!("[serve] stopped");
        Ok(())
    })
}

fn describe(backend: &Backend) -> String {
    match backend {
        Backend::Local { model, .. } => {
            format!("local {}", model.clone().unwrap_or_else(crate::generate::default_model_path).display())
        }
        Backend::Remote(client) => format!("openai {}", client.url),
        Backend::Service { client, .. } => format!("service {}", client.url),
    }
}

/// Resolves on SIGINT or SIGTERM, after telling the queue to stop taking work.
async fn stop_signal(service: Shared) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    let name = tokio::select! {
        _ = interrupt => "SIGINT",
        () = terminate => "SIGTERM",
    };
    eprintln!("[serve] {name}: no new work; finishing the running job");
    service.queue.stop();
}

/// Resolves `grace` after the queue was told to stop.
async fn grace_expired(service: Shared, grace: Duration) {
    while !service.queue.is_stopping() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(grace).await;
}

/// Every route; the token and CORS layers around them; each answer counted.
pub fn router(service: Shared, token: Option<String>, cors: Option<HeaderValue>) -> Router {
    Router::new()
        .route("/", get(studio::page))
        .route("/studio.js", get(studio::script))
        .route("/studio.css", get(studio::style))
        .route("/world.js", get(studio::world_script))
        .route("/vendor/three/{*path}", get(studio::vendor))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .route("/v1/openapi.json", get(api::openapi))
        .route("/v1/schema", get(api::schema))
        .route("/v1/catalog", get(api::catalog))
        .route("/v1/scenes", get(api::list_scenes))
        .route("/v1/scenes/{name}", get(api::get_scene).put(api::put_scene).delete(api::delete_scene))
        .route("/v1/scenes/{name}/layout", get(api::scene_layout))
        .route("/v1/scenes/{name}/render", get(api::scene_render))
        .route("/v1/scenes/{name}/soundscape", get(api::scene_soundscape))
        .route("/v1/scenes/{name}/world.glb", get(api::scene_world))
        .route("/v1/validate", post(api::validate))
        .route("/v1/layout", post(api::layout))
        .route("/v1/render", post(api::render))
        .route("/v1/soundscape", post(api::soundscape))
        .route("/v1/export", post(api::export))
        .route("/v1/generate", post(api::generate))
        .fallback(not_found)
        .layer(from_fn_with_state(token, security::require_token))
        .layer(from_fn_with_state(cors, security::allow_origin))
        .layer(from_fn_with_state(service.clone(), count_response))
        .with_state(service)
}

async fn not_found(request: Request) -> Response {
    api::error_response(
        axum::http::StatusCode::NOT_FOUND,
        &format!("no such endpoint: {} {} (the API is described at /v1/openapi.json)", request.method(), request.uri().path()),
    )
}

async fn count_response(State(service): State<Shared>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    service.metrics.response(response.status().as_u16());
    response
}
