//! Choosing among the recogniser's readings with a language model of what people say.
//!
//! Whisper's beam ends with a few readings that differ in a word or two ("a lighthouse in a
//! storm" / "a light house in the storm"). The on-device model that writes scenes knows the
//! domain's phrasing; a reading it finds likelier as a scenario request wins, when the
//! recogniser's own scores are close.

use super::VoiceError;
use super::transcribe::{Hypothesis, Transcript};

/// Something that gives log P(text | "a person asks a VR app for a scenario, in LANGUAGE").
pub trait Rescore {
    /// Natural-log likelihoods of each ending after `start`, as a spoken request in `language`
    /// ("en", "fr" …): the readings share `start`, whose likelihood is the same for all.
    fn likelihoods(&mut self, language: &str, start: &str, endings: &[String]) -> Result<Vec<f32>, VoiceError>;
}

/// The words every text begins with (up to a space), and each text's ending after them (with
/// its leading space). Readings of a beam share most of their words: the model then weighs
/// only where they differ, a few tokens instead of whole sentences.
fn split_common_start(texts: &[String]) -> (String, Vec<String>) {
    let first = texts.first().map(String::as_str).unwrap_or("");
    let mut end = 0;
    for (i, c) in first.char_indices() {
        if c == ' ' && texts.iter().all(|t| t.len() >= i && t.as_bytes()[..i] == first.as_bytes()[..i] && t[i..].starts_with(' ')) {
            end = i;
        }
    }
    (first[..end].to_string(), texts.iter().map(|t| t[end..].to_string()).collect())
}

/// How much the language model's log-likelihood counts against the recogniser's. Measured on
/// 135 English and 75 French clips (tests/eval/score_speech.py): 0 (the recogniser alone)
/// 13.1 % / 65.5 % WER, 0.3 11.1 / 63.2, 0.6 10.8 / 62.7, 1.0 10.7 / 62.7.
pub const LM_WEIGHT: f32 = 0.6;

/// Readings whose log-probability (over the whole reading) is this far below the best one's
/// are not weighed: the model would have to prefer them by more than it ever does, and
/// weighing costs time.
pub const WITHIN_NATS: f32 = 3.0;

/// The reading with the best combined log-probability (recogniser's + weight × model's), made
/// the transcript's text. The readings weighed stay in the transcript, best first.
pub fn choose(transcript: &mut Transcript, rescorer: &mut dyn Rescore, weight: f32) -> Result<(), VoiceError> {
    let total = |h: &Hypothesis| h.score * h.tokens as f32;
    let best = transcript.hypotheses.iter().map(total).fold(f32::NEG_INFINITY, f32::max);
    transcript.hypotheses.retain(|h| total(h) >= best - WITHIN_NATS);
    if transcript.hypotheses.len() < 2 {
        return Ok(());
    }
    let texts: Vec<String> = transcript.hypotheses.iter().map(|h| h.text.clone()).collect();
    let (start, endings) = split_common_start(&texts);
    let lm = rescorer.likelihoods(&transcript.language, &start, &endings)?;
    let combined = |(h, lm): (&Hypothesis, &f32)| h.score * h.tokens as f32 + weight * lm;
    let mut scored: Vec<(f32, Hypothesis)> = transcript.hypotheses.iter().zip(&lm).map(|p| (combined(p), p.0.clone())).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    transcript.hypotheses = scored.into_iter().map(|(_, h)| h).collect();
    transcript.text = transcript.hypotheses[0].text.clone();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_weighed_where_they_differ() {
        let texts = [
            "A thunderstorm over a lighthouse at night.",
            "A thunderstorm over the lighthouse at night.",
            "A thunderstorm over a light house.",
        ]
        .map(String::from);
        let (start, endings) = split_common_start(&texts);
        assert_eq!(start, "A thunderstorm over");
        assert_eq!(endings, [" a lighthouse at night.", " the lighthouse at night.", " a light house."]);
        // Nothing in common: whole texts; a reading that is a prefix of another splits at a space.
        assert_eq!(split_common_start(&["Snow".into(), "Sun".into()]), (String::new(), vec!["Snow".to_string(), "Sun".to_string()]));
        assert_eq!(split_common_start(&["a b".into(), "a b c".into()]).0, "a");
    }

    /// A stand-in model that likes one word: the reading with it wins when the recogniser's
    /// scores are close, and not when they are far apart.
    struct Likes(&'static str);
    impl Rescore for Likes {
        fn likelihoods(&mut self, _: &str, _: &str, endings: &[String]) -> Result<Vec<f32>, VoiceError> {
            Ok(endings.iter().map(|e| if e.contains(self.0) { -1.0 } else { -6.0 }).collect())
        }
    }

    fn transcript(readings: &[(&str, f32)]) -> Transcript {
        let hypotheses: Vec<Hypothesis> = readings.iter().map(|(t, s)| Hypothesis { text: t.to_string(), score: *s, tokens: 10 }).collect();
        Transcript { text: hypotheses[0].text.clone(), hypotheses, language: "en".into(), speech_s: 3.0, took_s: 0.1, no_speech: 0.0 }
    }

    #[test]
    fn the_likelier_request_wins_when_the_recogniser_hesitates() {
        let mut close = transcript(&[("show me a bye plane", -0.50), ("show me a biplane", -0.52)]);
        choose(&mut close, &mut Likes("biplane"), LM_WEIGHT).unwrap();
        assert_eq!(close.text, "show me a biplane");
        let mut far = transcript(&[("show me a bye plane", -0.2), ("show me a biplane", -0.6)]);
        choose(&mut far, &mut Likes("biplane"), LM_WEIGHT).unwrap();
        assert_eq!(far.text, "show me a bye plane");
    }
}
