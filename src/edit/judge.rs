//! The on-device model's part in reading an edit ([`crate::edit::Judge`]): likelihoods of
//! options after the instruction, and naming the thing to add under the writing grammar.

use super::Judge;
use crate::generate::GenerateError;
use crate::generate::local::{Fnv1a, LocalGenerator};
use crate::generate::things::{self, Thing};

const EDIT_PROMPTS: &str = include_str!("../../prompts/edit.json");

#[derive(serde::Deserialize)]
struct EditContext {
    context: String,
    neutral_instruction: String,
}

/// `prompts/edit.json`'s context sentence and neutral instruction, read once.
fn prompts() -> &'static EditContext {
    static PROMPTS: std::sync::OnceLock<EditContext> = std::sync::OnceLock::new();
    PROMPTS.get_or_init(|| serde_json::from_str(EDIT_PROMPTS).expect("prompts/edit.json is checked by the tests"))
}

fn edit_context(instruction: &str) -> String {
    prompts().context.replace("{instruction}", &crate::generate::rank::quotable(instruction))
}

fn neutral_instruction() -> &'static str {
    &prompts().neutral_instruction
}

impl Judge for LocalGenerator {
    fn weigh(&mut self, instruction: &str, question: &str, options: &[(String, String)]) -> Result<Vec<(String, f32)>, GenerateError> {
        self.cache_fixed_prompts()?;
        let list = vec![("edit".to_string(), question.to_string(), options.to_vec())];
        let mut key = Fnv1a::default();
        key.add(question.as_bytes());
        for (v, p) in options {
            key.add(v.as_bytes()).add(p.as_bytes());
        }
        // The neutral scores depend only on the question and its options: once per process.
        let neutral = match self.edit_neutral.get(&key.0) {
            Some(n) => n.clone(),
            None => {
                let n = self.score(&edit_context(neutral_instruction()), &list)?.remove(0);
                self.edit_neutral.insert(key.0, n.clone());
                n
            }
        };
        let scores = self.score(&edit_context(instruction), &list)?.remove(0);
        let mut lifts: Vec<(String, f32)> =
            options.iter().zip(scores.iter().zip(&neutral)).map(|((v, _), (s, n))| (v.clone(), s - n)).collect();
        lifts.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(lifts)
    }

    fn name_things(&mut self, instruction: &str) -> Result<Vec<String>, GenerateError> {
        let (written, _) = self.write(instruction, 0)?;
        let context = self.prompts.context_for(instruction);
        let neutral = self.prompts.context_for(&self.prompts.neutral_request);
        let resolved = things::resolve(&mut self.model, instruction, &context, &neutral, &written.things)?;
        Ok(resolved.into_iter().filter_map(|t| if let Thing::Kind(k) = t { Some(k) } else { None }).collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_edit_context_quotes_the_instruction_safely() {
        let c = super::edit_context("make it \"night\"");
        assert!(c.contains("make it 'night'") && !super::neutral_instruction().is_empty(), "{c}");
    }
}
