//! What the app knows about what people say to it, told to the recogniser.
//!
//! A scenario request is a narrow domain: ships, dragons, safaris, storms at night. Whisper
//! conditions its decoding on "what was said before" (the `<|startofprev|>` prompt); giving it
//! a short text of scenario requests in the spoken language makes it hear "galleon" rather than
//! "gallon" and "biplane" rather than "bye plane". The texts live in `prompts/speech.json`.

use std::collections::HashMap;

use super::VoiceError;

const SPEECH_PROMPTS: &str = include_str!("../../prompts/speech.json");

/// Whisper reads at most this many prompt tokens (half its text context, less one).
const MAX_PROMPT_TOKENS: usize = 223;

/// Domain prompts per language code, as the model's token strings.
#[derive(Debug, Clone, Default)]
pub struct DomainPrompts {
    by_language: HashMap<String, (String, Vec<String>)>,
}

impl DomainPrompts {
    /// The prompts of `prompts/speech.json`, tokenised with the model's own tokenizer.
    pub fn load(tokenizer: &ct2rs::tokenizers::hf::Tokenizer) -> Result<DomainPrompts, VoiceError> {
        let texts = prompt_texts();
        let mut by_language = HashMap::new();
        for (language, text) in texts {
            // A leading space: the prompt is a run of words, as Whisper's own previous text is.
            let encoding = tokenizer
                .encode(format!(" {}", text.trim()), false)
                .map_err(|source| VoiceError::Prompt { language: language.clone(), source })?;
            let mut tokens = encoding.get_tokens().to_vec();
            // Whisper keeps the end of a long previous text.
            if tokens.len() > MAX_PROMPT_TOKENS {
                tokens.drain(..tokens.len() - MAX_PROMPT_TOKENS);
            }
            by_language.insert(language, (text, tokens));
        }
        Ok(DomainPrompts { by_language })
    }

    /// The prompt for a language, if the app has one.
    pub fn for_language(&self, language: &str) -> Option<&[String]> {
        self.by_language.get(language).map(|(_, tokens)| tokens.as_slice())
    }

    /// The prompt's text for a language.
    pub fn text(&self, language: &str) -> Option<&str> {
        self.by_language.get(language).map(|(text, _)| text.as_str())
    }
}

/// Language code → prompt text (the file's other keys are notes).
fn prompt_texts() -> Vec<(String, String)> {
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(SPEECH_PROMPTS).expect("prompts/speech.json is checked by the tests");
    all.into_iter()
        .filter(|(key, _)| key.len() == 2)
        .filter_map(|(key, value)| value.as_str().map(|text| (key, text.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::prompt_texts;

    #[test]
    fn every_language_the_app_reads_has_a_short_prompt() {
        let texts = prompt_texts();
        for code in super::super::transcribe::APP_LANGUAGES {
            let (_, text) = texts.iter().find(|(c, _)| c == code).unwrap_or_else(|| panic!("no speech prompt for {code}"));
            // About 1.3 tokens a word: 110 words stay well under Whisper's 223 tokens.
            assert!(text.split_whitespace().count() <= 110, "{code}: {} words", text.split_whitespace().count());
        }
    }
}
