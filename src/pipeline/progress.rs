//! What a request is going through, reported while the person waits.

use std::fmt;

/// The stages of a request, in the order they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    LoadingSpeechModel,
    Transcribing,
    /// The transcript is ready: shown before the world so a mishearing can be said again.
    Heard,
    LoadingModel,
    /// Waiting for a remote server.
    Asking,
    Ranking,
    Writing,
    /// Reading an instruction said inside a world (an edit).
    Understanding,
    Planning,
}

/// One progress report: the stage and a line for the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub stage: Stage,
    pub message: String,
}

impl Progress {
    pub fn new(stage: Stage, message: impl Into<String>) -> Progress {
        Progress { stage, message: message.into() }
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
