//! Voice: the user speaks, the app understands. Audio in (`audio`: WAV files and resampling
//! to 16 kHz mono; `capture`: the microphone), where the speech is (`vad`), and speech to text
//! on the device (`transcribe`: Whisper through CTranslate2, `mel`: its features, `domain`: the
//! scenario vocabulary it is told to expect), and the synthetic speakers the speech tests and
//! benchmarks make their clips with (`speak`).

pub mod audio;
pub mod capture;
pub mod domain;
#[cfg(feature = "llama")]
mod local_rescore;
mod mel;
pub mod rescore;
pub mod speak;
pub mod transcribe;
pub mod vad;

use std::path::PathBuf;

use thiserror::Error;

/// A cause from a library whose errors are not one type (CTranslate2's, the tokenizer's, cpal's).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Error)]
pub enum VoiceError {
    #[error("{}: cannot read", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// A recording that is not a usable WAV; `origin` names the file or the request.
    #[error("{origin}")]
    Wav { origin: String, source: audio::WavError },
    #[error("no speech found in the recording (silence, noise, or a sound that is not a voice): say the scenario again")]
    NoSpeech,
    #[error("{seconds:.0} s of speech: a scenario is a sentence or two, at most 60 s")]
    TooLong { seconds: f32 },
    #[error(
        "{}: no {file}; a speech model is a Whisper model in CTranslate2 format (run scripts/setup.sh for the default one)",
        dir.display()
    )]
    ModelMissing { dir: PathBuf, file: &'static str },
    #[error("{}: the speech model does not load", dir.display())]
    ModelLoad { dir: PathBuf, source: Cause },
    /// The model's feature settings (`preprocessor_config.json`) are unusable.
    #[error("{}", path.display())]
    Features { path: PathBuf, source: Cause },
    #[error("the speech prompt for {language:?} does not tokenise")]
    Prompt { language: String, source: Cause },
    #[error("language {0:?}: the speech model does not know it (a code such as en, fr, es, de, it)")]
    UnknownLanguage(String),
    #[error("no language to listen for: give --language or a list of languages")]
    NoLanguage,
    #[error("the recogniser failed: none of the expected languages was among the detected ones")]
    LanguageNotDetected,
    #[error("the recogniser failed")]
    Recogniser(#[source] Cause),
    #[error("the model could not weigh what was heard")]
    Rescore(#[source] Box<crate::generate::GenerateError>),
    #[error("no microphone found")]
    NoMicrophone,
    #[error("{what}")]
    Microphone { what: &'static str, source: Cause },
    #[error("the microphone delivers {0} samples, which are not supported")]
    SampleFormat(String),
}
