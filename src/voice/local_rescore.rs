//! The on-device model's part in hearing ([`crate::voice::rescore::Rescore`]): how likely
//! each of the recogniser's readings is as a scenario request.

use super::VoiceError;
use super::rescore::Rescore;
use crate::generate::local::LocalGenerator;

impl Rescore for LocalGenerator {
    fn likelihoods(&mut self, language: &str, start: &str, endings: &[String]) -> Result<Vec<f32>, VoiceError> {
        let failed = |e| VoiceError::Rescore(Box::new(e));
        self.cache_fixed_prompts().map_err(failed)?;
        let name = crate::language::language_name(language);
        let question = format!("Someone says to the app, in {name}, the scenario they want to live: \"{start}");
        // The closing quote ends the request: a reading cut short is not favoured for it.
        let options: Vec<(String, String)> = endings.iter().map(|e| (e.clone(), format!("{}\"", e.trim_end()))).collect();
        let list = vec![("heard".to_string(), question, options)];
        let mut scores = self.score("", &list).map_err(failed)?;
        Ok(scores.pop().unwrap_or_default())
    }
}
