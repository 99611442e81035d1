//! Generation: a request in the user's words → a valid `Scene`.
//!
//! Locally (llama.cpp), the model ranks every enumerated choice by likelihood ([`rank`]), the
//! ranking picks the scenario template that explains it best ([`template`]: the scene library),
//! the model writes the free-text parts under a grammar, and [`adapt`] changes the template
//! where the request is explicit. Remotely ([`openai`]), a bigger model writes the whole scene under the JSON Schema.
//! Either way the result passes the same validation as a scene file.

pub mod adapt;
pub mod grammar;
#[cfg(feature = "llama")]
pub mod judge;
#[cfg(feature = "llama")]
pub mod llama;
#[cfg(feature = "llama")]
pub mod local;
pub mod named;
pub mod openai;
pub mod rank;
#[cfg(feature = "llama")]
pub mod rescore;
pub mod service;
pub mod template;
pub mod things;

use std::path::PathBuf;

/// The longest request accepted, in bytes (a spoken scenario is a sentence or two).
pub const MAX_REQUEST_BYTES: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("model {path}: {reason}")]
    Model { path: String, reason: String },
    #[error("prompt: {0}")]
    Prompt(String),
    #[error(transparent)]
    Grammar(#[from] grammar::GrammarError),
    #[error("llama.cpp: {0}")]
    Engine(String),
    #[error("server {url}: {reason}")]
    Remote { url: String, reason: String },
    /// The request's time limit passed (a service's job); what it had evaluated is dropped.
    #[error("the time limit passed before the scene was finished")]
    TimedOut,
    /// The scene failed validation; the source keeps every problem with its JSON path.
    #[error("the generated scene is invalid")]
    Invalid(#[source] crate::scene::SceneError),
}

/// Checks a request before any model sees it.
pub fn check_request(request: &str) -> Result<&str, GenerateError> {
    let trimmed = request.trim();
    if trimmed.is_empty() {
        return Err(GenerateError::Prompt("the prompt is empty: say what scenario you want".into()));
    }
    if trimmed.len() > MAX_REQUEST_BYTES {
        return Err(GenerateError::Prompt(format!(
            "the prompt is {} bytes; at most {MAX_REQUEST_BYTES} are accepted (describe the scenario in a few sentences)",
            trimmed.len()
        )));
    }
    Ok(trimmed)
}

/// Where sayscape keeps models and caches: `SAYSCAPE_HOME`, else `~/.cache/sayscape`.
pub fn sayscape_home() -> PathBuf {
    std::env::var_os("SAYSCAPE_HOME").map(PathBuf::from).unwrap_or_else(default_home)
}

/// On a Quest the app's external files folder (adb push the model there); elsewhere ~/.cache.
fn default_home() -> PathBuf {
    if cfg!(target_os = "android") {
        PathBuf::from("/sdcard/Android/data/org.sayscape.app/files")
    } else {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/sayscape")
    }
}

/// The embedded default model: `SAYSCAPE_MODEL`, else where the set-up script puts it.
pub fn default_model_path() -> PathBuf {
    match std::env::var_os("SAYSCAPE_MODEL") {
        Some(p) => PathBuf::from(p),
        None => sayscape_home().join("models/gemma-3-270m-q4_k_m.gguf"),
    }
}
