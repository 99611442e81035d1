//! A display for machines without one: a private Xvfb server for the life of the process, so
//! `sayscape render` works on servers and in CI (with Mesa's lavapipe as the Vulkan device).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::AppError;

/// Whether a real display is there to open windows on.
pub fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// A running Xvfb, stopped when dropped.
pub struct VirtualDisplay {
    child: Child,
    pub name: String,
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why the private X server did not start.
#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    #[error("Xvfb cannot start; install it (scripts/setup.sh does) or set DISPLAY")]
    Start(#[source] std::io::Error),
    #[error("reading Xvfb's display number")]
    Read(#[source] std::io::Error),
    #[error("Xvfb did not report a display number (got {0:?})")]
    NoNumber(String),
}

/// Starts Xvfb when there is no display and points `DISPLAY` at it; `None` when a display exists.
pub fn ensure_display() -> Result<Option<VirtualDisplay>, AppError> {
    if has_display() {
        return Ok(None);
    }
    let mut child = Command::new("Xvfb")
        // `-terminate`: Xvfb quits when its last client leaves, so a renderer that is killed
        // (and never runs `Drop`) does not leave its display behind.
        .args(["-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp", "-terminate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| AppError::Display(DisplayError::Start(e)))?;
    // Xvfb writes the display number it chose once it accepts connections.
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout).read_line(&mut line).map_err(|e| AppError::Display(DisplayError::Read(e)))?;
    let number = line.trim();
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        let _ = child.kill();
        return Err(AppError::Display(DisplayError::NoNumber(line)));
    }
    let name = format!(":{number}");
    // SAFETY: called from the main thread before the renderer (or anything else that reads the
    // environment from another thread) starts.
    unsafe { std::env::set_var("DISPLAY", &name) };
    Ok(Some(VirtualDisplay { child, name }))
}
