//! HTTP requests → the service's router (`sayscape serve` in-process, without a model): the
//! API, the library on a scratch folder, the token and CORS layers. Input: a request as it is
//! written on the wire (`METHOD TARGET`, header lines, a blank line, the body); a request with
//! an `Authorization` header goes to a server that requires a token and allows one origin.
//!
//! Whatever is asked, the service answers, never panics nor hangs; a 500 is kept for the
//! server's own failures (the missing model, the renderer that cannot start).

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request};
use libfuzzer_sys::fuzz_target;
use sayscape::pipeline::PipelineConfig;
use sayscape::serve::api::Service;
use sayscape::serve::jobs::Queue;
use sayscape::serve::library::Library;
use sayscape::serve::media::Renderer;
use sayscape::serve::metrics::Metrics;
use tower::ServiceExt;

const TOKEN: &str = "fuzz-token-0123456789abcdef";
const SEEDED: [&str; 2] = ["pirate_seven_seas", "jazz_club"];

struct Harness {
    runtime: tokio::runtime::Runtime,
    open: Router,
    guarded: Router,
    library: PathBuf,
    _scratch: tempfile::TempDir,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        // No models: every job fails at once with the set-up step, as on a fresh machine.
        // SAFETY: set before any thread of ours starts, on the fuzzer's one thread.
        unsafe { std::env::set_var("SAYSCAPE_HOME", scratch.path().join("home")) };
        unsafe { std::env::remove_var("SAYSCAPE_MODEL") };
        let library_dir = scratch.path().join("library");
        let library = Arc::new(Library::open(&library_dir).expect("the scratch library"));
        let metrics = Arc::new(Metrics::default());
        let service = Arc::new(Service {
            queue: Queue::start(PipelineConfig::default(), 0, 2, library.clone(), metrics.clone()),
            renderer: Renderer::new(scratch.path().join("no-renderer"), metrics.clone()),
            library,
            metrics,
            job_time_limit: Duration::from_secs(10),
            backend: "fuzz".into(),
        });
        while !service.queue.is_ready() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let open = sayscape::serve::router(service.clone(), None, None);
        let origin = HeaderValue::from_static("http://studio.example");
        let guarded = sayscape::serve::router(service, Some(TOKEN.into()), Some(origin));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        Harness { runtime, open, guarded, library: library_dir, _scratch: scratch }
    })
}

/// The library as each run starts it: the two seeded scenes, nothing else.
fn reset(library: &Path) {
    for entry in std::fs::read_dir(library).expect("the scratch library").flatten() {
        let _ = std::fs::remove_file(entry.path());
    }
    let scenes = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenes");
    for name in SEEDED {
        std::fs::copy(scenes.join(format!("{name}.json")), library.join(format!("{name}.json"))).expect("a seeded scene");
    }
}

/// The request written in `data`, or `None` when it is not one.
fn request(data: &[u8]) -> Option<Request<Body>> {
    let end = data.windows(2).position(|w| w == b"\n\n").map(|i| (i, i + 2));
    let end = end.or_else(|| data.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, i + 4)));
    let (head, body) = match end {
        Some((h, b)) => (&data[..h], &data[b..]),
        None => (data, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, target) = lines.next()?.split_once(' ')?;
    let mut builder = Request::builder().method(method).uri(target.trim_end_matches(" HTTP/1.1"));
    for line in lines {
        let (name, value) = line.split_once(':')?;
        builder = builder.header(name.trim(), value.trim());
    }
    builder.body(Body::from(body.to_vec())).ok()
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let Some(request) = request(data) else { return };
    reset(&h.library);
    let router = if request.headers().contains_key("authorization") { h.guarded.clone() } else { h.open.clone() };
    h.runtime.block_on(async move {
        let response = router.oneshot(request).await.expect("the router is infallible");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 64 << 20).await.expect("the answer's body reads");
        if status.is_server_error() {
            let text = String::from_utf8_lossy(&body);
            let expected = ["model", "render", "speech", "stopping", "time limit"];
            assert!(expected.iter().any(|w| text.contains(w)), "{status}: {text}");
        }
    });
});
