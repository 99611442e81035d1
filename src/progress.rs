//! What a request is going through, reported while the person waits: the pipeline sends it,
//! the window, the headset and the service show it. A leaf, so the world can show progress
//! without reaching the pipeline.

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

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 9] = [
        Stage::LoadingSpeechModel,
        Stage::Transcribing,
        Stage::Heard,
        Stage::LoadingModel,
        Stage::Asking,
        Stage::Ranking,
        Stage::Writing,
        Stage::Understanding,
        Stage::Planning,
    ];

    /// The stage's name on the wire (the generation service's event names).
    pub fn name(self) -> &'static str {
        match self {
            Stage::LoadingSpeechModel => "loading_speech_model",
            Stage::Transcribing => "transcribing",
            Stage::Heard => "heard",
            Stage::LoadingModel => "loading_model",
            Stage::Asking => "asking",
            Stage::Ranking => "ranking",
            Stage::Writing => "writing",
            Stage::Understanding => "understanding",
            Stage::Planning => "planning",
        }
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }
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
