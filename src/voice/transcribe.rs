//! Speech to text on the device: Whisper (CTranslate2 format) through ct2rs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ct2rs::{ComputeType, Config, WhisperOptions};

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
    whisper: ct2rs::sys::Whisper,
    tokenizer: ct2rs::tokenizers::hf::Tokenizer,
    features: MelFeatures,
    options: WhisperOptions,
    language: Option<String>,
}

impl Transcriber {
    /// Loads the model; `int8` quantises the weights at load time (faster on a CPU).
    pub fn load(dir: &Path, int8: bool, threads: usize) -> Result<Transcriber, VoiceError> {
        let missing =
            ["model.bin", "config.json", "tokenizer.json", "preprocessor_config.json"].into_iter().find(|f| !dir.join(f).exists());
        if let Some(file) = missing {
            return Err(VoiceError::Model(format!(
                "{}: no {file}; run scripts/setup.sh to fetch the speech model, or set SAYSCAPE_SPEECH_MODEL",
                dir.display()
            )));
        }
        let bad = |e: &dyn std::fmt::Display| VoiceError::Model(format!("{}: the speech model does not load: {e}", dir.display()));
        let config = Config {
            compute_type: if int8 { ComputeType::INT8 } else { ComputeType::FLOAT32 },
            num_threads_per_replica: threads,
            ..Default::default()
        };
        let whisper = ct2rs::sys::Whisper::new(dir, config).map_err(|e| bad(&e))?;
        let tokenizer = ct2rs::tokenizers::hf::Tokenizer::new(dir).map_err(|e| bad(&e))?;
        let features = MelFeatures::read(&dir.join("preprocessor_config.json"), whisper.n_mels()).map_err(|e| bad(&e))?;
        // Beam search (5, Whisper's own default): greedy decoding missed words on synthetic voices.
        let options = WhisperOptions { beam_size: 5, ..Default::default() };
        Ok(Transcriber { whisper, tokenizer, features, options, language: None })
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
        let text = self.recognise(speech)?;
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(VoiceError::NoSpeech);
        }
        Ok(Transcript { text, speech_s, took_s: t0.elapsed().as_secs_f32() })
    }

    /// Speech (16 kHz) → text on a window fitted to the speech. A short window can send the
    /// decoder into a loop; such a transcript is redone on the standard 30 s window, the way
    /// Whisper's own decoder falls back when its output repeats itself.
    fn recognise(&self, speech: &[f32]) -> Result<String, VoiceError> {
        let speech_s = speech.len() as f32 / SPEECH_RATE as f32;
        let text = self.recognise_in(speech, false)?;
        if !looks_degenerate(&text, speech_s) {
            return Ok(text);
        }
        tracing::debug!("short-window transcript looks degenerate ({text:?}); redoing it on 30 s windows");
        self.recognise_in(speech, true)
    }

    /// One encoder pass, language detection on that encoding when no language is given, then
    /// beam search.
    fn recognise_in(&self, speech: &[f32], full_window: bool) -> Result<String, VoiceError> {
        let (mut mel, shape) = self.features.windows(speech, full_window);
        let mel = ct2rs::sys::StorageView::new(&shape, &mut mel, Default::default()).map_err(failed)?;
        let encoded = self.whisper.encode(&mel, false).map_err(failed)?;
        let mut prompt = vec!["<|startoftranscript|>".to_string()];
        // An English-only model has no language or task tokens.
        if self.whisper.is_multilingual() {
            let language = match &self.language {
                Some(code) => format!("<|{code}|>"),
                None => self
                    .whisper
                    .detect_language(&encoded)
                    .map_err(failed)?
                    .into_iter()
                    .next()
                    .and_then(|ranked| ranked.into_iter().next())
                    .map(|best| best.language)
                    .ok_or_else(|| failed("no language detected"))?,
            };
            prompt.extend([language, "<|transcribe|>".to_string()]);
        }
        prompt.push("<|notimestamps|>".to_string());
        // A loop costs time in proportion to its length: no speech needs more tokens than this.
        let seconds = speech.len() as f32 / SPEECH_RATE as f32 / shape[0] as f32;
        let options = WhisperOptions { max_length: (MAX_TOKENS_PER_S * seconds) as usize + 24, ..self.options.clone() };
        let mut parts = Vec::new();
        for result in self.whisper.generate(&encoded, &vec![prompt; shape[0]], &options).map_err(failed)? {
            let tokens = result.sequences.into_iter().next().unwrap_or_default();
            parts.push(ct2rs::Tokenizer::decode(&self.tokenizer, tokens).map_err(failed)?);
        }
        Ok(parts.join(" "))
    }
}

/// CTranslate2's errors, as the recogniser's.
fn failed(e: impl std::fmt::Display) -> VoiceError {
    VoiceError::Model(format!("the recogniser failed: {e}"))
}

/// Fast speech is about 4 words (6 tokens) a second; twice that is the cap.
const MAX_TOKENS_PER_S: f32 = 12.0;

/// A transcript that repeats a run of three words three times, or has more words than anyone
/// says in that time, comes from a decoder loop, not from the speech.
fn looks_degenerate(text: &str, speech_s: f32) -> bool {
    let words: Vec<String> = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
    if words.len() as f32 > 6.0 * speech_s + 4.0 {
        return true;
    }
    let mut seen = std::collections::HashMap::new();
    words.windows(3).any(|w| {
        let n = seen.entry(w).or_insert(0);
        *n += 1;
        *n >= 3
    })
}

/// Whisper's log-mel features, over a window fitted to the speech instead of always 30 s.
///
/// The encoder's cost grows with its window, and a spoken scenario is a few seconds long: a
/// 30 s window spends most of the time on padding. CTranslate2 accepts any window up to 30 s;
/// the speech is followed by `TAIL_S` of padding, as Whisper saw in training, so the last word
/// is not cut.
struct MelFeatures {
    n_fft: usize,
    hop: usize,
    /// Frames of one full (30 s) window.
    max_frames: usize,
    filters: ndarray::Array2<f64>,
}

/// Padding after the speech, in seconds. Measured over 72 clips: 3 s gave 9.2 % WER; 2 s
/// sent the decoder into loops ("take take take…"), 5 s gave 11.3 %.
const TAIL_S: f32 = 3.0;
/// Windows are whole seconds, at least this long.
const MIN_WINDOW_S: usize = 3;

impl MelFeatures {
    fn read(path: &Path, n_mels: usize) -> Result<MelFeatures, VoiceError> {
        #[derive(serde::Deserialize)]
        struct Preprocessor {
            n_fft: usize,
            hop_length: usize,
            sampling_rate: usize,
            nb_max_frames: usize,
        }
        let bad = |reason: String| VoiceError::Model(format!("{}: {reason}", path.display()));
        let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let p: Preprocessor = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if p.sampling_rate != SPEECH_RATE as usize {
            return Err(bad(format!("sampling rate {} (expected {SPEECH_RATE})", p.sampling_rate)));
        }
        let filters = mel_spec::mel::mel(p.sampling_rate as f64, p.n_fft, n_mels, None, None, false, true);
        Ok(MelFeatures { n_fft: p.n_fft, hop: p.hop_length, max_frames: p.nb_max_frames, filters })
    }

    /// Features of `speech` as a batch of windows: (data, [windows, n_mels, frames]). Speech
    /// longer than one full window is cut into full windows; `full` gives 30 s windows always.
    fn windows(&self, speech: &[f32], full: bool) -> (Vec<f32>, [usize; 3]) {
        let frames_per_s = SPEECH_RATE as usize / self.hop;
        let chunk_samples = self.max_frames * self.hop;
        let chunks: Vec<&[f32]> = speech.chunks(chunk_samples).collect();
        let needed = chunks.iter().map(|c| c.len().div_ceil(self.hop)).max().unwrap_or(0);
        let seconds = (needed as f32 / frames_per_s as f32 + TAIL_S).ceil() as usize;
        let frames = if full { self.max_frames } else { (seconds.max(MIN_WINDOW_S) * frames_per_s).min(self.max_frames) };
        let n_mels = self.filters.nrows();
        let mut data = vec![0.0f32; chunks.len() * n_mels * frames];
        for (w, chunk) in chunks.iter().enumerate() {
            let window = &mut data[w * n_mels * frames..(w + 1) * n_mels * frames];
            let mut stft = mel_spec::stft::Spectrogram::new(self.n_fft, self.hop);
            for (i, hop) in chunk.chunks(self.hop).enumerate().take(frames) {
                if let Some(fft) = stft.add(hop) {
                    let mel = mel_spec::mel::norm_mel(&mel_spec::mel::log_mel_spectrogram(&fft, &self.filters));
                    for m in 0..n_mels {
                        window[m * frames + i] = mel[[m, 0]] as f32;
                    }
                }
            }
        }
        (data, [chunks.len(), n_mels, frames])
    }
}

#[cfg(test)]
mod tests {
    use super::looks_degenerate;

    #[test]
    fn decoder_loops_are_recognised() {
        assert!(!looks_degenerate("I want to experience the life of a pirate on the seven seas", 3.4));
        assert!(looks_degenerate("Take me take me take take take take take take take", 3.0));
        assert!(looks_degenerate("Peaceful lake at sunrise. Peaceful lake at sunrise. Peaceful lake at sunrise.", 2.0));
        assert!(looks_degenerate("one two three four five six seven eight nine ten eleven twelve thirteen", 1.0));
    }
}
