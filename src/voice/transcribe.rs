//! Speech to text on the device: Whisper (CTranslate2 format) through ct2rs.

pub use crate::language::{APP_LANGUAGES, language_name};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ct2rs::{ComputeType, Config, WhisperOptions};

use super::VoiceError;
use super::audio::{Clip, SPEECH_RATE, resample};
use super::domain::DomainPrompts;
use super::mel::MelFeatures;
use super::vad::speech_span;

/// A spoken scenario is a sentence or two; longer recordings are refused, not cut.
pub const MAX_SPEECH_S: f32 = 60.0;

/// Where the set-up script puts the Whisper base model.
pub fn default_speech_model() -> PathBuf {
    match std::env::var_os("SAYSCAPE_SPEECH_MODEL") {
        Some(p) => PathBuf::from(p),
        None => crate::files::sayscape_home().join("models/whisper-base"),
    }
}

/// One reading of the speech, with the recogniser's score (mean log-probability per token).
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    pub text: String,
    pub score: f32,
    /// Tokens in the reading (the score's length).
    pub tokens: usize,
}

/// What one transcription gave and cost.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// The best reading.
    pub text: String,
    /// Every reading the beam search ended with, best first (the text's among them); one
    /// unless rescoring is on ([`Listening::rescore`]).
    pub hypotheses: Vec<Hypothesis>,
    /// The language it was heard in ("en", "fr", …): given, or detected.
    pub language: String,
    /// Seconds of speech found (after trimming silence).
    pub speech_s: f32,
    /// Seconds the recogniser took.
    pub took_s: f32,
    /// Whisper's probability that the recording holds no speech at all (its no-speech token).
    pub no_speech: f32,
}

impl Transcript {
    /// Real-time factor: processing time over speech time (lower is faster).
    pub fn real_time_factor(&self) -> f32 {
        self.took_s / self.speech_s.max(1e-3)
    }
}

/// How the recogniser listens: the language, if the user fixed it; the languages a detection
/// may choose from; whether the app's domain prompt conditions the decoding; whether the
/// on-device language model chooses among the beam's readings ([`super::rescore`]).
#[derive(Debug, Clone)]
pub struct Listening {
    pub language: Option<String>,
    pub languages: Vec<String>,
    pub domain_prompt: bool,
    pub rescore: bool,
}

/// Readings kept for rescoring (the beam's width).
pub const RESCORED_HYPOTHESES: usize = 5;

impl Default for Listening {
    fn default() -> Self {
        Listening { language: None, languages: APP_LANGUAGES.iter().map(|c| c.to_string()).collect(), domain_prompt: true, rescore: true }
    }
}

impl Listening {
    /// The user's settings: `language` fixes it; `languages` (comma-separated codes, also
    /// `SAYSCAPE_LANGUAGES`) narrows or widens the detection; the app's five by default.
    pub fn new(language: Option<String>, languages: Option<&str>) -> Listening {
        let mut listening = Listening { language: language.map(|c| c.trim().to_lowercase()), ..Listening::default() };
        if let Some(list) = languages {
            listening.languages = list.split(',').map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).collect();
        }
        listening
    }
}

/// What one decoding gives: the readings, best first, and the no-speech probability.
struct Decoded {
    hypotheses: Vec<Hypothesis>,
    no_speech: f32,
}

pub struct Transcriber {
    whisper: ct2rs::sys::Whisper,
    tokenizer: ct2rs::tokenizers::hf::Tokenizer,
    features: MelFeatures,
    options: WhisperOptions,
    domain: DomainPrompts,
    listening: Listening,
}

/// Spaces collapsed, ends trimmed.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Transcriber {
    /// Loads the model; `int8` quantises the weights at load time (faster on a CPU).
    pub fn load(dir: &Path, int8: bool, threads: usize) -> Result<Transcriber, VoiceError> {
        let missing =
            ["model.bin", "config.json", "tokenizer.json", "preprocessor_config.json"].into_iter().find(|f| !dir.join(f).exists());
        if let Some(file) = missing {
            return Err(VoiceError::ModelMissing { dir: dir.to_path_buf(), file });
        }
        let bad = |source: crate::voice::Cause| VoiceError::ModelLoad { dir: dir.to_path_buf(), source };
        let config = Config {
            compute_type: if int8 { ComputeType::INT8 } else { ComputeType::FLOAT32 },
            num_threads_per_replica: threads,
            ..Default::default()
        };
        let whisper = ct2rs::sys::Whisper::new(dir, config).map_err(|e| bad(e.into()))?;
        let tokenizer = ct2rs::tokenizers::hf::Tokenizer::new(dir).map_err(|e| bad(e.into()))?;
        let features = MelFeatures::read(&dir.join("preprocessor_config.json"), whisper.n_mels()).map_err(|e| bad(Box::new(e)))?;
        let domain = DomainPrompts::load(&tokenizer)?;
        // Beam search (5, Whisper's own default): greedy decoding missed words on synthetic voices.
        let options = WhisperOptions { beam_size: 5, ..Default::default() };
        Ok(Transcriber { whisper, tokenizer, features, options, domain, listening: Listening::default() })
    }

    /// Listen this way from now on. A language the model does not know is refused by name.
    pub fn listen(&mut self, listening: Listening) -> Result<(), VoiceError> {
        if self.whisper.is_multilingual() {
            for code in listening.language.iter().chain(&listening.languages) {
                if self.tokenizer.token_to_id(&format!("<|{code}|>")).is_none() {
                    return Err(VoiceError::UnknownLanguage(code.clone()));
                }
            }
            if listening.language.is_none() && listening.languages.is_empty() {
                return Err(VoiceError::NoLanguage);
            }
        }
        // The beam's best readings, for rescoring, or only the best one.
        self.options.num_hypotheses = if listening.rescore { RESCORED_HYPOTHESES.min(self.options.beam_size) } else { 1 };
        self.listening = listening;
        Ok(())
    }

    pub fn listening(&self) -> &Listening {
        &self.listening
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
        let (Decoded { hypotheses, no_speech }, language) = self.recognise(speech)?;
        let text = hypotheses.first().map(|h| h.text.clone()).unwrap_or_default();
        if text.is_empty() || is_caption(&text) {
            tracing::debug!("not taken as speech: {text:?} (no-speech probability {no_speech:.2})");
            return Err(VoiceError::NoSpeech);
        }
        Ok(Transcript { text, hypotheses, language, speech_s, took_s: t0.elapsed().as_secs_f32(), no_speech })
    }

    /// Speech (16 kHz) → its readings, and the language it was heard in: one encoder pass,
    /// language detection on that encoding (unless the language is fixed), then beam search.
    fn recognise(&self, speech: &[f32]) -> Result<(Decoded, String), VoiceError> {
        let speech_s = speech.len() as f32 / SPEECH_RATE as f32;
        let (mut mel, shape) = self.features.windows(speech);
        let mel = ct2rs::sys::StorageView::new(&shape, &mut mel, Default::default()).map_err(failed)?;
        let encoded = self.whisper.encode(&mel, false).map_err(failed)?;
        // An English-only model has no language or task tokens.
        let language = if self.whisper.is_multilingual() { self.language_of(&encoded)? } else { "en".to_string() };
        Ok((self.recognise_in(&encoded, shape[0], speech_s, &language)?, language))
    }

    /// The readings of the encoded speech in one language. A decoder can fall into a loop
    /// ("ma ma ma ma …"); such a transcript is decoded again with repeats forbidden, the way
    /// Whisper's own decoder falls back when its output repeats itself.
    fn recognise_in(
        &self,
        encoded: &ct2rs::sys::StorageView,
        windows: usize,
        speech_s: f32,
        language: &str,
    ) -> Result<Decoded, VoiceError> {
        let mut prompt = self.prompt(language);
        // A loop costs time in proportion to its length: no speech needs more tokens than this;
        // CTranslate2 counts the prompt in the length.
        let seconds = speech_s / windows as f32;
        let limit = |prompt: &[String]| prompt.len() + (MAX_TOKENS_PER_S * seconds) as usize + 24;
        let mut options = WhisperOptions { max_length: limit(&prompt), ..self.options.clone() };
        let mut decoded = self.decode(encoded, &prompt, windows, &options)?;
        // Unclear speech can make the decoder repeat its prompt instead of the speech.
        if let Some(domain) = self.domain_text(language)
            && decoded.hypotheses.first().is_some_and(|best| echoes(&best.text, domain))
        {
            tracing::debug!("the transcript repeats the domain prompt ({:?}); decoding again without it", decoded.hypotheses[0].text);
            prompt = self.prompt_without_domain(language);
            options.max_length = limit(&prompt);
            decoded = self.decode(encoded, &prompt, windows, &options)?;
        }
        if !decoded.hypotheses.first().is_some_and(|best| looks_degenerate(&best.text, speech_s)) {
            return Ok(decoded);
        }
        tracing::debug!("the transcript looks degenerate ({:?}); decoding again without repeats", decoded.hypotheses[0].text);
        let strict = WhisperOptions { no_repeat_ngram_size: 3, repetition_penalty: 1.2, ..options };
        self.decode(encoded, &prompt, windows, &strict)
    }

    /// Whisper's prompt: the domain text of the language as the previous text, then the
    /// start of a transcript in that language without timestamps.
    fn prompt(&self, language: &str) -> Vec<String> {
        let mut prompt = Vec::new();
        if self.listening.domain_prompt
            && let Some(domain) = self.domain.for_language(language)
        {
            prompt.push("<|startofprev|>".to_string());
            prompt.extend(domain.iter().cloned());
        }
        prompt.extend(self.prompt_without_domain(language));
        prompt
    }

    /// The domain text used for this language, if any.
    fn domain_text(&self, language: &str) -> Option<&str> {
        self.listening.domain_prompt.then(|| self.domain.text(language)).flatten()
    }

    /// The start of a transcript in `language`, without timestamps.
    fn prompt_without_domain(&self, language: &str) -> Vec<String> {
        let mut prompt = vec!["<|startoftranscript|>".to_string()];
        if self.whisper.is_multilingual() {
            prompt.extend([format!("<|{language}|>"), "<|transcribe|>".to_string()]);
        }
        prompt.push("<|notimestamps|>".to_string());
        prompt
    }

    /// Beam search over every window of the encoding. One window: its readings, best first;
    /// several (over 30 s of speech): the best reading of each, joined.
    fn decode(
        &self,
        encoded: &ct2rs::sys::StorageView,
        prompt: &[String],
        windows: usize,
        options: &WhisperOptions,
    ) -> Result<Decoded, VoiceError> {
        let options = WhisperOptions { return_scores: true, return_no_speech_prob: true, ..options.clone() };
        let mut per_window = Vec::new();
        let mut no_speech = Vec::new();
        for result in self.whisper.generate(encoded, &vec![prompt.to_vec(); windows], &options).map_err(failed)? {
            no_speech.push(result.no_speech_prob);
            let mut readings = Vec::new();
            for (tokens, score) in result.sequences.into_iter().zip(result.scores) {
                let count = tokens.len();
                let text = tidy(&ct2rs::Tokenizer::decode(&self.tokenizer, tokens).map_err(failed)?);
                readings.push(Hypothesis { text, score, tokens: count });
            }
            per_window.push(readings);
        }
        // A recording holds speech when any of its windows does.
        let no_speech = no_speech.into_iter().fold(1.0f32, f32::min);
        if per_window.len() == 1 {
            return Ok(Decoded { hypotheses: per_window.remove(0), no_speech });
        }
        let best: Vec<&Hypothesis> = per_window.iter().filter_map(|r| r.first()).collect();
        let tokens = best.iter().map(|h| h.tokens).sum::<usize>().max(1);
        let joined = Hypothesis {
            text: tidy(&best.iter().map(|h| h.text.as_str()).collect::<Vec<_>>().join(" ")),
            score: best.iter().map(|h| h.score * h.tokens as f32).sum::<f32>() / tokens as f32,
            tokens,
        };
        Ok(Decoded { hypotheses: vec![joined], no_speech })
    }

    /// The language fixed by the user, or the likeliest of the languages they speak. Whisper's
    /// detection ranks all of its ~100 languages; a clip of synthetic French can rank Thai or
    /// Burmese first, and a transcript forced into a language nobody here speaks comes out in
    /// its script. Only the expected languages are candidates. (Decoding in the two likeliest
    /// when the detection was unsure, and keeping the surer reading, was measured: French WER
    /// 62.7 % → 64.3 % choosing by the recogniser's score, → 74.0 % by the language model's
    /// too, which prefers English; so it is not done.)
    fn language_of(&self, encoded: &ct2rs::sys::StorageView) -> Result<String, VoiceError> {
        if let Some(code) = &self.listening.language {
            return Ok(code.clone());
        }
        let ranked = self.whisper.detect_language(encoded).map_err(failed)?.into_iter().next().unwrap_or_default();
        let code_of = |token: &str| token.trim_start_matches("<|").trim_end_matches("|>").to_string();
        ranked
            .iter()
            .map(|r| code_of(&r.language))
            .find(|code| self.listening.languages.contains(code))
            .ok_or(VoiceError::LanguageNotDetected)
    }
}

/// CTranslate2's errors, as the recogniser's.
fn failed(e: impl Into<crate::voice::Cause>) -> VoiceError {
    VoiceError::Recogniser(e.into())
}

/// Whether a transcript repeats the domain prompt: a run of `ECHO_WORDS` words of it (people
/// do not say eight words in a row of it, a decoder that lost the speech does), or nothing but
/// a shorter run of it (a knock or a clap read as "Snow, rain, fog", the prompt's last words).
/// A person who did say such a run loses nothing: it is decoded again without the prompt.
fn echoes(text: &str, domain: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).filter(|w| !w.is_empty()).collect()
    };
    let (said, prompt) = (words(text), words(domain));
    let only_a_run = said.len() >= 3 && prompt.windows(said.len()).any(|p| p == said);
    only_a_run || said.windows(ECHO_WORDS).any(|run| prompt.windows(ECHO_WORDS).any(|p| p == run))
}

const ECHO_WORDS: usize = 8;

/// Whether the recogniser read a sound that is not a voice. Subtitles write sounds as captions,
/// in capitals or brackets ("BEEP!", "BELLS", "[MUSIC]", "(birds chirping)"), and Whisper,
/// trained on them, does the same for a beep, a whistle or a chord. A scene made of "BEEP!"
/// would replace the person's world for nothing.
///
/// Measured on 132 espeak-ng requests (English and French, eight voices, some under noise):
/// none was read as a caption. Synthetic sounds, six dithered takes each: a beep and a whistle
/// were refused 6 times in 6, three beeps 5, a chirp 2, a plucked chord 0. Claps, knocks, a
/// hum, a breath and noise were read as words ("I don't know what to do.", "you") and pass. Neither Whisper's confidence nor its no-speech probability
/// separates those from real speech it mishears: a Swiss French request was read as "I am" at
/// a mean log-probability of −3.9, below most of the sounds, and mistaken French reached a
/// no-speech probability of 0.6, as high as noise. So the probability is only reported
/// (`transcribe --hypotheses`).
///
/// A caption here: nothing outside brackets, or only capitals, with a word of two letters or
/// more so that a lone "I" or "A" stays speech.
fn is_caption(text: &str) -> bool {
    let (mut depth, mut starred) = (0i32, false);
    let outside: String = text
        .chars()
        .filter(|c| {
            match c {
                '[' | '(' | '{' => depth += 1,
                ']' | ')' | '}' => depth -= 1,
                '*' => starred = !starred,
                _ => return depth <= 0 && !starred && *c != '♪',
            }
            false
        })
        .collect();
    let words: Vec<&str> = outside.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return true;
    }
    let shouting = words.iter().all(|w| w.chars().all(char::is_uppercase));
    shouting && words.iter().any(|w| w.chars().count() >= 2)
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

#[cfg(test)]
mod tests {
    use super::looks_degenerate;

    #[test]
    fn a_transcript_that_repeats_the_domain_prompt_is_recognised() {
        let domain = "I want to be a pirate captain on a galleon on the seven seas. Take me to a castle.";
        assert!(super::echoes("I want to be a pirate captain on a galleon on the seven seas.", domain));
        assert!(!super::echoes("I want to be a pirate on the seven seas", domain));
        assert!(!super::echoes("take me to a castle with a dragon at night", domain));
        // Nothing but a shorter run of it: the prompt's words, not the speech's.
        assert!(super::echoes("On the seven seas.", domain));
        assert!(!super::echoes("The seas.", domain), "two words are too few to tell");
    }

    #[test]
    fn captions_of_sounds_are_told_from_words() {
        for caption in ["BEEP!", "BEEP, BEEP.", "BELLS", "[MUSIC]", "(birds chirping)", "♪ ♪", "*applause*"] {
            assert!(super::is_caption(caption), "{caption}");
        }
        for words in ["I", "Take me to NASA.", "Moon", "UFO over a farm", "Je veux voir la Lune.", "a stadium (full of fans)"] {
            assert!(!super::is_caption(words), "{words}");
        }
    }

    #[test]
    fn decoder_loops_are_recognised() {
        assert!(!looks_degenerate("I want to experience the life of a pirate on the seven seas", 3.4));
        assert!(looks_degenerate("Take me take me take take take take take take take", 3.0));
        assert!(looks_degenerate("Peaceful lake at sunrise. Peaceful lake at sunrise. Peaceful lake at sunrise.", 2.0));
        assert!(looks_degenerate("one two three four five six seven eight nine ten eleven twelve thirteen", 1.0));
    }
}
