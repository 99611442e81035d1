//! Generation: a request in the user's words → a valid `Scene`.
//!
//! Locally (llama.cpp), the model ranks every enumerated choice by likelihood ([`rank`]) and
//! writes the free-text parts under a grammar (the title, the role, the things and the place,
//! as English nouns: [`things`]); the words of the request are read by [`crate::lexicon`]; then
//! [`compose`] builds the scene from parts: a place (a kit, a template that fits whole, a plain
//! room or open ground), what it holds, what the request names, the setting and what happens.
//! Remotely ([`openai`]), a bigger model writes the whole scene under the JSON Schema. Either
//! way the result passes the same validation as a scene file.

pub mod compose;
pub mod grammar;
#[cfg(feature = "llama")]
pub mod llama;
#[cfg(feature = "llama")]
pub mod local;
pub mod named;
pub mod openai;
pub mod rank;
pub mod service;
pub mod template;
pub mod things;

use std::path::PathBuf;

/// The longest request accepted, in bytes (a spoken scenario is a sentence or two).
pub const MAX_REQUEST_BYTES: usize = 2000;

/// A cause from llama.cpp's bindings (their error types differ by call).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("model {path}")]
    Model { path: String, source: ModelError },
    /// What is wrong with the request itself, for the person who made it.
    #[error("prompt: {0}")]
    Prompt(String),
    #[error(transparent)]
    Grammar(#[from] grammar::GrammarError),
    /// A call into llama.cpp failed (`what`: the decode, the kv cache, a batch, a sampler).
    #[error("llama.cpp: {what}")]
    Engine { what: &'static str, source: Cause },
    #[error("llama.cpp: no continuation prompt is cached")]
    NoContinuation,
    #[error("server {url}")]
    Remote { url: String, source: openai::RemoteError },
    /// The request's time limit passed (a service's job); what it had evaluated is dropped.
    #[error("the time limit passed before the scene was finished")]
    TimedOut,
    /// The scene failed validation; the source keeps every problem with its JSON path.
    #[error("the generated scene is invalid")]
    Invalid(#[source] crate::scene::SceneError),
    /// Composition made a scene that does not validate: a bug, with its cause.
    #[error(transparent)]
    Compose(#[from] compose::ComposeError),
}

/// What is wrong with a model file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("no such file; run scripts/setup.sh to fetch the default model, or pass --model PATH")]
    Missing,
    #[error("cannot open")]
    Open(#[source] std::io::Error),
    #[error("too short to be a GGUF model")]
    TooShort(#[source] std::io::Error),
    #[error("not a GGUF model file (wrong magic bytes)")]
    NotGguf,
    #[error("llama.cpp could not load it (is the file complete?)")]
    Load(#[source] Cause),
    #[error("cannot create a context")]
    Context(#[source] Cause),
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

/// The embedded default model: `SAYSCAPE_MODEL`, else where the set-up script puts it.
pub fn default_model_path() -> PathBuf {
    match std::env::var_os("SAYSCAPE_MODEL") {
        Some(p) => PathBuf::from(p),
        None => crate::files::sayscape_home().join("models/gemma-3-270m-q4_k_m.gguf"),
    }
}

#[cfg(test)]
mod tests {
    use super::GenerateError;
    use crate::errors::chain;
    use crate::scene::{SceneError, parse_scene};
    use std::error::Error;

    #[test]
    fn a_generation_error_keeps_every_problem_of_the_scene_with_its_path() {
        let bad = br#"{"format": "sayscape.scene/1", "title": "x", "setting": {"terrain": "lava", "time_of_day": "teatime"}, "player": {"vantage": "deck"}}"#;
        let error = GenerateError::Invalid(parse_scene(bad, "model reply").unwrap_err());
        let Some(SceneError::Invalid { problems, .. }) = error.source().and_then(|s| s.downcast_ref::<SceneError>()) else {
            panic!("the scene error is kept as the source: {error:?}");
        };
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"$.setting.terrain") && paths.contains(&"$.setting.time_of_day"), "{paths:?}");
        let text = chain(&error);
        assert!(text.starts_with("the generated scene is invalid: model reply: $.setting."), "{text}");
    }
}
