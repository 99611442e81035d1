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

use thiserror::Error;

#[derive(Debug, Error)]
pub enum VoiceError {
    #[error("{0}")]
    Audio(String),
    #[error("no speech found in the recording (silence, noise, or a sound that is not a voice): say the scenario again")]
    NoSpeech,
    #[error("{seconds:.0} s of speech: a scenario is a sentence or two, at most 60 s")]
    TooLong { seconds: f32 },
    #[error("{0}")]
    Model(String),
    #[error("{0}")]
    Microphone(String),
}
