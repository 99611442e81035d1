//! What the full tier's tests need, checked before they start. Tests that need a set-up
//! resource are `#[ignore = "full tier: …"]`: plain `cargo test` runs the self-contained tier,
//! and `scripts/test.sh` (`cargo test -- --include-ignored`) runs everything after setting it
//! all up. Run by hand without the set-up, each of these stops its test with one line naming
//! what is missing and the step that provides it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

fn missing(what: &str, step: &str) -> ! {
    panic!("needs {what}: run {step}")
}

/// A program on `PATH`, by name.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

fn program(name: &str, package: &str, step: &str) -> PathBuf {
    on_path(name).unwrap_or_else(|| missing(&format!("{name} on PATH (Debian's {package})"), step))
}

fn file(path: &Path, what: &str, step: &str) -> PathBuf {
    if !path.exists() {
        missing(&format!("{what} at {}", path.display()), step);
    }
    path.to_path_buf()
}

/// The embedded default model (Gemma 3 270M).
pub fn model() -> PathBuf {
    file(&sayscape::generate::default_model_path(), "the embedded model", "scripts/setup.sh")
}

/// The speech model (Whisper base, CTranslate2 format).
pub fn speech_model() -> PathBuf {
    let dir = sayscape::voice::transcribe::default_speech_model();
    file(&dir.join("model.bin"), "the speech model", "scripts/setup.sh");
    dir
}

/// espeak-ng, which speaks the test sentences.
pub fn espeak() {
    program("espeak-ng", "espeak-ng", "scripts/setup.sh");
}

/// sox, which makes the test's tones.
pub fn sox() {
    program("sox", "sox", "scripts/setup.sh");
}

/// A display for renders: the one in `DISPLAY`, or else a private one ([`headless`]).
pub fn display() {
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        headless();
    }
}

/// A private display without a screen or a GPU: Xvfb, and Mesa's lavapipe (Vulkan on the CPU).
pub fn headless() {
    program("Xvfb", "xvfb", "scripts/setup.sh");
    let icds = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d"];
    let lavapipe = icds.iter().filter_map(|d| std::fs::read_dir(d).ok()).flatten().flatten().any(|e| {
        let name = e.file_name();
        name.to_str().is_some_and(|n| n.starts_with("lvp_icd"))
    });
    if !lavapipe {
        missing("Mesa's lavapipe Vulkan driver (Debian's mesa-vulkan-drivers)", "scripts/setup.sh");
    }
}

/// Headless Chromium and its WebDriver.
pub fn browser() {
    program("chromium", "chromium", "scripts/setup-tests.sh");
    program("chromedriver", "chromium-driver", "scripts/setup-tests.sh");
}

/// llama.cpp's llama-server, built by the tests' set-up.
pub fn llama_server() -> PathBuf {
    file(&sayscape::files::sayscape_home().join("llama-server/bin/llama-server"), "llama-server", "scripts/setup-tests.sh")
}

/// The Debian root with Monado, and root to enter it (bind mounts, chroot).
pub fn xr_root() {
    let ready = sayscape::files::sayscape_home().join("xr-root/.sayscape-ready");
    file(&ready, "the Monado root", "scripts/setup-tests.sh as root");
    let uid = std::process::Command::new("id").arg("-u").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if uid.as_deref() != Some("0") {
        missing("root (bind mounts and chroot into the Monado root)", "scripts/test.sh as root");
    }
}
