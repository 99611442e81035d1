//! Speech to text on the device: Whisper (CTranslate2 format) through ct2rs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ct2rs::{ComputeType, Config, Whisper, WhisperOptions};

use super::VoiceError;
use super::audio::{Clip, SPEECH_RATE, resample};
use super::vad::speech_span;

/// A spoken scenario is a sentence or two; longer recordings are refused, not cut.
pub const MAX_SPEECH_S: f32 = 60.0;

/// Where the set-up script puts the Whisper base model.
pub fn default_speech_model() -> PathBuf {
    match std::env::var_os("SAYSCAPE_SPEECH_MODEL") {
        Some(p) => PathBuf::from(p),
        None => crate::generate::sayscape_home().join("models/whisper-base"),
    }
}

/// What one transcription gave and cost.
#[derive(Debug, Clone)]
pub struct Transcript {
    pub text: String,
    /// Seconds of speech found (after trimming silence).
    pub speech_s: f32,
    /// Seconds the recogniser took.
    pub took_s: f32,
}

impl Transcript {
    /// Real-time factor: processing time over speech time (lower is faster).
    pub fn real_time_factor(&self) -> f32 {
        self.took_s / self.speech_s.max(1e-3)
    }
}

pub struct Transcriber {
    whisper: Whisper,
    options: WhisperOptions,
    language: Option<String>,
}

impl Transcriber {
    /// Loads the model; `int8` quantises the weights at load time (faster on a CPU).
    pub fn load(dir: &Path, int8: bool, threads: usize) -> Result<Transcriber, VoiceError> {
        let missing = ["model.bin", "config.json", "tokenizer.json", "preprocessor_config.json"].into_iter().find(|f| !dir.join(f).exists());
        if let Some(file) = missing {
            return Err(VoiceError::Model(format!("{}: no {file}; run scripts/setup.sh to fetch the speech model, or set SAYSCAPE_SPEECH_MODEL", dir.display())));
        }
        let config = Config { compute_type: if int8 { ComputeType::INT8 } else { ComputeType::FLOAT32 }, num_threads_per_replica: threads, ..Default::default() };
        let whisper = Whisper::new(dir, config).map_err(|e| VoiceError::Model(format!("{}: the speech model does not load: {e}", dir.display())))?;
        // Beam search (5, Whisper's own default): greedy decoding missed words on synthetic voices.
        let options = WhisperOptions { beam_size: 5, ..Default::default() };
        Ok(Transcriber { whisper, options, language: None })
    }

    /// Transcribe assuming this language ("en", "fr", …) instead of detecting it.
    pub fn with_language(mut self, language: Option<String>) -> Transcriber {
        self.language = language;
        self
    }

    /// Finds the speech in a clip (any rate) and transcribes it.
    pub fn transcribe(&self, clip: &Clip) -> Result<Transcript, VoiceError> {
        let audio = resample(clip, SPEECH_RATE);
        let (start, end) = speech_span(&audio.samples, SPEECH_RATE).ok_or(VoiceError::NoSpeech)?;
        let speech = &audio.samples[start..end];
        let speech_s = speech.len() as f32 / SPEECH_RATE as f32;
        if speech_s > MAX_SPEECH_S {
            return Err(VoiceError::TooLong { seconds: speech_s });
        }
        let t0 = Instant::now();
        let parts = self
            .whisper
            .generate(speech, self.language.as_deref(), false, &self.options)
            .map_err(|e| VoiceError::Model(format!("the recogniser failed: {e}")))?;
        let text = parts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(VoiceError::NoSpeech);
        }
        Ok(Transcript { text, speech_s, took_s: t0.elapsed().as_secs_f32() })
    }
}
