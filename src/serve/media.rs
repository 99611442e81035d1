//! A scene's picture, world and sound for the service: a headless render to PNG, the world as
//! binary glTF, and the soundscape to WAV.
//!
//! A render runs `sayscape render` in a child process: a Bevy app owns its process's event
//! loop and can start only once, and a renderer that crashes must not take the service with
//! it. An export runs `sayscape export` the same way (the world's builders stay out of the
//! service's process). Renders go one at a time (the software renderer uses every core),
//! exports two at a time beside them (a fraction of a second each), and both are remembered
//! by their scene text and options, so a library's thumbnails and worlds cost one run each.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::metrics::Metrics;
use crate::audio::offline::{OUTPUT_RATE, render as render_sound};
use crate::audio::wav::wav_bytes;
use crate::pipeline::World;
use crate::scene::Scene;

/// Longest soundscape the service renders.
pub const MAX_SOUNDSCAPE_S: f32 = 60.0;
/// Largest render, pixels per side.
pub const MAX_RENDER_SIDE: u32 = 2048;
/// A render that takes longer than this is stopped.
const RENDER_TIME_LIMIT: Duration = Duration::from_secs(180);
/// An export that takes longer than this is stopped (the largest library scene takes well
/// under a second).
const EXPORT_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Renders remembered (a library's thumbnails and the studio's last previews).
const REMEMBERED: usize = 128;

/// A render parameter that is not usable; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShotError {
    #[error("view={0:?}: give spawn or overview")]
    View(String),
    #[error("size={0:?}: give WIDTHxHEIGHT, each from 16 to {MAX_RENDER_SIDE}")]
    Size(String),
}

/// Why a render or a soundscape was not made (the server's side, not the request's).
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the service is stopping")]
    Stopping,
    #[error("a temporary folder for the {what}")]
    Folder { what: &'static str, source: std::io::Error },
    #[error("{}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("the {what} took over {seconds} s and was stopped")]
    TooLong { what: &'static str, seconds: u64 },
    #[error("cannot start `{} {what}`", program.display())]
    Start { program: PathBuf, what: &'static str, source: std::io::Error },
    #[error("the {what} failed ({status}): {last}")]
    Failed { what: &'static str, status: std::process::ExitStatus, last: String },
    #[error("the {what} wrote no {file}")]
    NoOutput { what: &'static str, file: &'static str, source: std::io::Error },
    #[error("the soundscape")]
    Sound(#[from] crate::audio::engine::AudioError),
}

/// What a render shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shot {
    /// `spawn` (the player's eyes) or `overview`.
    pub view: &'static str,
    pub width: u32,
    pub height: u32,
    pub seed: u64,
}

impl Shot {
    /// Reads `view=spawn|overview` and `size=WxH`; the reason names the bad parameter.
    pub fn parse(view: Option<&str>, size: Option<&str>, seed: Option<u64>) -> Result<Shot, ShotError> {
        let view = match view.unwrap_or("spawn") {
            "spawn" => "spawn",
            "overview" => "overview",
            other => return Err(ShotError::View(other.into())),
        };
        let (width, height) = match size {
            None => (640, 360),
            Some(text) => {
                let parsed = text.split_once(['x', 'X']).and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)));
                match parsed {
                    Some((w, h)) if (16..=MAX_RENDER_SIDE).contains(&w) && (16..=MAX_RENDER_SIDE).contains(&h) => (w, h),
                    _ => return Err(ShotError::Size(text.into())),
                }
            }
        };
        Ok(Shot { view, width, height, seed: seed.unwrap_or(0) })
    }
}

/// What a child run makes: its cache key's tag, the verb, the file it writes, its time limit.
struct Product {
    verb: &'static str,
    file: &'static str,
    limit: Duration,
}

const RENDER: Product = Product { verb: "render", file: "render.png", limit: RENDER_TIME_LIMIT };
const EXPORT: Product = Product { verb: "export", file: "world.glb", limit: EXPORT_TIME_LIMIT };

pub struct Renderer {
    /// The sayscape program that renders and exports (this very binary).
    program: PathBuf,
    one_at_a_time: Semaphore,
    exports: Semaphore,
    remembered: Mutex<HashMap<u64, Arc<Vec<u8>>>>,
    metrics: Arc<Metrics>,
}

impl Renderer {
    pub fn new(program: PathBuf, metrics: Arc<Metrics>) -> Renderer {
        Renderer { program, one_at_a_time: Semaphore::new(1), exports: Semaphore::new(2), remembered: Mutex::new(HashMap::new()), metrics }
    }

    /// The PNG of a (valid) scene's text.
    pub async fn render(&self, scene_text: &[u8], shot: Shot) -> Result<Arc<Vec<u8>>, MediaError> {
        let args =
            ["--view", shot.view, "--size", &format!("{}x{}", shot.width, shot.height), "--seed", &shot.seed.to_string()].map(String::from);
        let key = remembered_key(scene_text, &(RENDER.verb, shot));
        self.made(&RENDER, &self.one_at_a_time, key, scene_text, &args).await
    }

    /// The binary glTF world of a (valid) scene's text.
    pub async fn export(&self, scene_text: &[u8], seed: u32) -> Result<Arc<Vec<u8>>, MediaError> {
        let key = remembered_key(scene_text, &(EXPORT.verb, seed));
        self.made(&EXPORT, &self.exports, key, scene_text, &["--seed".to_string(), seed.to_string()]).await
    }

    /// What a child run makes of a scene's text, from the cache or made now (waiting for a turn).
    async fn made(
        &self,
        product: &Product,
        turns: &Semaphore,
        key: u64,
        scene_text: &[u8],
        args: &[String],
    ) -> Result<Arc<Vec<u8>>, MediaError> {
        if let Some(bytes) = self.remembered.lock().expect("media cache lock").get(&key) {
            return Ok(bytes.clone());
        }
        let _turn = turns.acquire().await.map_err(|_| MediaError::Stopping)?;
        if let Some(bytes) = self.remembered.lock().expect("media cache lock").get(&key) {
            return Ok(bytes.clone());
        }
        let t0 = Instant::now();
        let bytes = Arc::new(self.run_child(product, scene_text, args).await?);
        match product.verb {
            "render" => self.metrics.render(t0.elapsed().as_secs_f64()),
            _ => self.metrics.export(t0.elapsed().as_secs_f64()),
        }
        let mut remembered = self.remembered.lock().expect("media cache lock");
        if remembered.len() >= REMEMBERED {
            remembered.clear();
        }
        remembered.insert(key, bytes.clone());
        Ok(bytes)
    }

    async fn run_child(&self, product: &Product, scene_text: &[u8], args: &[String]) -> Result<Vec<u8>, MediaError> {
        let what = product.verb;
        let dir = tempfile::tempdir().map_err(|source| MediaError::Folder { what, source })?;
        let (scene, out) = (dir.path().join("scene.json"), dir.path().join(product.file));
        std::fs::write(&scene, scene_text).map_err(|source| MediaError::Write { path: scene.clone(), source })?;
        // Below the generation worker's priority: a preview must not slow a scenario down.
        let mut command = match which_nice() {
            Some(nice) => {
                let mut c = tokio::process::Command::new(nice);
                c.args(["-n", "10"]).arg(&self.program);
                c
            }
            None => tokio::process::Command::new(&self.program),
        };
        command.arg(what).arg(&scene).arg("--out").arg(&out).args(args).stdin(std::process::Stdio::null()).kill_on_drop(true);
        let output = tokio::time::timeout(product.limit, command.output())
            .await
            .map_err(|_| MediaError::TooLong { what, seconds: product.limit.as_secs() })?
            .map_err(|source| MediaError::Start { program: self.program.clone(), what, source })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
            return Err(MediaError::Failed { what, status: output.status, last: last.to_string() });
        }
        std::fs::read(&out).map_err(|source| MediaError::NoOutput { what, file: product.file, source })
    }
}

/// The cache key of a product of a scene's text.
fn remembered_key(scene_text: &[u8], options: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (scene_text, options).hash(&mut hasher);
    hasher.finish()
}

/// `nice` (coreutils), where there is one.
fn which_nice() -> Option<&'static str> {
    ["/usr/bin/nice", "/bin/nice"].into_iter().find(|p| std::path::Path::new(p).exists())
}

/// `seconds` of a scene's soundscape, heard from the player's place, as a WAV file's bytes.
pub fn soundscape_wav(scene: &Scene, seconds: f32, seed: u32) -> Result<Vec<u8>, MediaError> {
    let layout = World::of(scene.clone(), seed).layout;
    let recording = render_sound(&layout, seconds)?;
    Ok(wav_bytes(&recording.samples, OUTPUT_RATE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shots_are_checked_by_parameter() {
        assert_eq!(Shot::parse(None, None, None).unwrap(), Shot { view: "spawn", width: 640, height: 360, seed: 0 });
        assert_eq!(Shot::parse(Some("overview"), Some("320x200"), Some(3)).unwrap().width, 320);
        assert!(Shot::parse(Some("top"), None, None).unwrap_err().to_string().starts_with("view="));
        assert!(Shot::parse(None, Some("9999x10"), None).unwrap_err().to_string().starts_with("size="));
        assert!(Shot::parse(None, Some("wide"), None).unwrap_err().to_string().starts_with("size="));
    }
}
