//! A real `sayscape serve` on a loopback port it chooses itself (`--addr 127.0.0.1:0`, read
//! back from its first line), and a plain HTTP client for it: shared by the service's tests and
//! the studio's browser test.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    pub url: String,
    pub child: Child,
    pub library: PathBuf,
    /// What the server wrote on stderr, collected by a thread.
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts the server on `library` with extra arguments; waits until it listens.
    ///
    /// The time limits are long unless a test sets them: the suite runs servers side by side
    /// on a loaded machine, and a test about something else must not fail on the clock.
    pub fn start(library: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(library, extra, &[])
    }

    /// [`Server::start`] with variables added to the server's environment.
    pub fn start_with_env(library: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Server {
        let mut limits = Vec::new();
        for (flag, seconds) in [("--job-timeout", "900"), ("--grace", "600")] {
            if !extra.contains(&flag) {
                limits.extend([flag, seconds]);
            }
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_sayscape"))
            .args(["serve", "--addr", "127.0.0.1:0", "--library"])
            .arg(library)
            .args(limits)
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sayscape serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("no address on stdout: {line:?}")).to_string();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server { url, child, library: library.to_path_buf(), stderr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill").args(["-s", name, &self.pid().to_string()]).status().unwrap().success();
        assert!(ok, "kill -s {name}");
    }

    /// Waits for the process to end; its exit status.
    pub fn wait(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let t0 = std::time::Instant::now();
        while t0.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Waits until the model is loaded (requests before that only queue up).
    pub fn wait_until_ready(&self) {
        let t0 = std::time::Instant::now();
        while get(&format!("{}/healthz", self.url)).json()["model_ready"] != true {
            assert!(t0.elapsed() < Duration::from_secs(600), "the model never loaded");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(300))).build().into()
}

/// An answer: status, headers we look at, body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    /// Every header, names in lower case.
    pub headers: std::collections::HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `method url` with optional headers and body.
pub fn call(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let request = ureq::http::Request::builder().method(method).uri(url);
    let request = headers.iter().fold(request, |r, (k, v)| r.header(*k, *v));
    let response = match body {
        Some(bytes) => agent().run(request.body(bytes.to_vec()).unwrap()),
        None => agent().run(request.body(()).unwrap()),
    }
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (status, content_type, retry_after) =
        (response.status().as_u16(), header("content-type").unwrap_or_default(), header("retry-after"));
    let headers = response.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let mut body = Vec::new();
    response.into_body().into_reader().read_to_end(&mut body).unwrap();
    Answer { status, content_type, retry_after, headers, body }
}

pub fn get(url: &str) -> Answer {
    call("GET", url, &[], None)
}

/// One server-sent event, read by the library's own client.
pub use sayscape::generate::service::Event;

/// `POST /v1/generate` as an event stream: the status and every event (none when refused).
pub fn generate_events(url: &str, body: &serde_json::Value) -> (u16, Option<String>, Vec<Event>) {
    let answer = call(
        "POST",
        &format!("{url}/v1/generate"),
        &[("Accept", "text/event-stream"), ("Content-Type", "application/json")],
        Some(body.to_string().as_bytes()),
    );
    if answer.status != 200 {
        return (answer.status, answer.retry_after, Vec::new());
    }
    assert!(answer.content_type.starts_with("text/event-stream"), "{}", answer.content_type);
    (answer.status, None, parse_events(&answer.text()))
}

/// `POST /v1/generate` as an event stream read as it arrives: `on_event` sees each event
/// before the next is read. The status and every event (none when refused).
pub fn generate_streaming(url: &str, body: &serde_json::Value, on_event: &mut dyn FnMut(&Event)) -> (u16, Vec<Event>) {
    let request = ureq::http::Request::post(format!("{url}/v1/generate"))
        .header("Accept", "text/event-stream")
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .unwrap();
    let response = agent().run(request).unwrap_or_else(|e| panic!("POST {url}/v1/generate: {e}"));
    let status = response.status().as_u16();
    let mut events = Vec::new();
    if status == 200 {
        let reader = std::io::BufReader::new(response.into_body().into_reader());
        sayscape::generate::service::read_events(reader, &mut |event| {
            on_event(&event);
            events.push(event);
            true
        })
        .unwrap();
    }
    (status, events)
}

pub fn parse_events(text: &str) -> Vec<Event> {
    let mut events = Vec::new();
    sayscape::generate::service::read_events(text.as_bytes(), &mut |event| {
        events.push(event);
        true
    })
    .unwrap();
    events
}

/// A library folder with two of the repository's scenes in it.
pub fn library_with_scenes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["pirate_seven_seas", "jazz_club"] {
        std::fs::copy(scene_file(name), dir.path().join(format!("{name}.json"))).unwrap();
    }
    dir
}

pub fn scene_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes").join(format!("{name}.json"))
}
