//! The on-device generator: ranking + grammar-constrained writing on one llama.cpp model.

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::compose::{Written, compose};
use super::grammar::schema_to_gbnf;
use super::llama::{From, LocalModel};
use super::rank::{RankPrompts, Ranking};
use super::{GenerateError, check_request};
use crate::scene::{Scene, scene_from_value};

/// Tokens the model may write for the title and role.
const WRITE_TOKENS: usize = 40;

/// What one generation cost, for progress lines and the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerationStats {
    pub rank_s: f64,
    pub write_s: f64,
    pub total_s: f64,
    pub written_tokens: usize,
}

pub struct LocalGenerator {
    pub model: LocalModel,
    prompts: RankPrompts,
    lists: Vec<(String, String, Vec<(String, String)>)>,
    /// Scores under the neutral request: the same for every request, computed once.
    neutral: Option<Vec<Vec<f32>>>,
    model_path: std::path::PathBuf,
    write_grammar: String,
    /// Whether neutral scores are read from (and kept in) the disk cache.
    neutral_on_disk: bool,
}

impl LocalGenerator {
    pub fn load(path: &Path, threads: i32) -> Result<LocalGenerator, GenerateError> {
        if !path.exists() {
            return Err(GenerateError::Model {
                path: path.display().to_string(),
                reason: "no such file; run scripts/setup.sh to fetch the default model, or pass --model PATH".into(),
            });
        }
        let model = LocalModel::load(path, threads)?;
        let prompts = RankPrompts::builtin();
        let lists = prompts.option_lists();
        let write_grammar = schema_to_gbnf(&json!({
            "type": "object",
            "properties": {
                "title": {"type": "string", "maxLength": 32},
                "role": {"type": "string", "maxLength": 20}
            },
            "required": ["title", "role"]
        }))
        .map_err(GenerateError::Grammar)?;
        Ok(LocalGenerator { model, prompts, lists, neutral: None, model_path: path.to_path_buf(), write_grammar, neutral_on_disk: true })
    }

    /// The fixed prompt prefix, evaluated once per process, and the neutral scores, computed
    /// once per model and prompt version and kept on disk (they never depend on the request).
    pub fn warm_up(&mut self) -> Result<(), GenerateError> {
        self.cache_fixed_prompts()?;
        if self.neutral.is_none() {
            let cache = self.neutral_cache_path().filter(|_| self.neutral_on_disk);
            let cached: Option<Vec<Vec<f32>>> = cache.as_ref().and_then(|p| std::fs::read(p).ok()).and_then(|b| serde_json::from_slice(&b).ok());
            let fits = |n: &Vec<Vec<f32>>| n.len() == self.lists.len() && n.iter().zip(&self.lists).all(|(s, (_, _, o))| s.len() == o.len());
            let neutral = match cached.filter(fits) {
                Some(n) => n,
                None => {
                    let context = self.prompts.context_for(&self.prompts.neutral_request);
                    let n = self.score(&context)?;
                    if let Some(p) = &cache {
                        store(p, &n); // a cache: failing to write it only costs time next run
                    }
                    n
                }
            };
            self.neutral = Some(neutral);
        }
        Ok(())
    }

    /// The fixed prompts in the KV cache: the ranking prefix, and after it the writing
    /// examples on their own sequence. Evaluated once per process; later calls only compare
    /// the texts.
    pub fn cache_fixed_prompts(&mut self) -> Result<(), GenerateError> {
        self.model.set_prefix(&self.prompts.prefix)?;
        self.model.set_continuation(write_examples(&self.prompts.write))
    }

    /// Forgets the neutral scores (and bypasses their disk cache) so that the next request
    /// computes them again: the benchmark's cold first request.
    pub fn forget_neutral(&mut self) {
        self.neutral = None;
        self.neutral_on_disk = false;
    }

    /// Neutral scores depend on the model file and on every prompt text and option.
    fn neutral_cache_path(&self) -> Option<std::path::PathBuf> {
        use std::hash::{Hash, Hasher};
        let meta = std::fs::metadata(&self.model_path).ok()?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.model_path.as_os_str(), meta.len(), meta.modified().ok()).hash(&mut h);
        (&self.prompts.prefix, &self.prompts.context, &self.prompts.neutral_request, &self.lists).hash(&mut h);
        Some(super::sayscape_home().join("cache").join(format!("neutral-{:016x}.json", h.finish())))
    }

    fn score(&mut self, context: &str) -> Result<Vec<Vec<f32>>, GenerateError> {
        let questions: Vec<(&str, Vec<String>)> =
            self.lists.iter().map(|(_, q, opts)| (q.as_str(), opts.iter().map(|(_, p)| p.clone()).collect())).collect();
        self.model.score(context, &questions)
    }

    /// Ranks every enumerated choice for a request.
    pub fn rank(&mut self, request: &str) -> Result<Ranking, GenerateError> {
        self.warm_up()?;
        let request_scores = self.score(&self.prompts.context_for(request))?;
        let neutral = self.neutral.as_ref().expect("set by warm_up");
        Ok(Ranking::from_scores(&self.lists, &request_scores, neutral))
    }

    /// The title and role, written by the model under a grammar.
    pub fn write(&mut self, request: &str, seed: u32) -> Result<(Written, usize), GenerateError> {
        self.cache_fixed_prompts()?;
        let ask = self.prompts.write[write_examples(&self.prompts.write).len()..].replace("{request}", &self.prompts.context_for(request));
        let grammar = self.write_grammar.clone();
        let (text, n) = self.model.complete(From::Continuation, &ask, Some(&grammar), WRITE_TOKENS, seed)?;
        // The grammar guarantees the shape; a run cut short by the token limit writes nothing.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim().to_string();
        Ok((Written { title: field("title"), role: snake_case(&field("role")) }, n))
    }

    /// Request → valid scene.
    pub fn generate(&mut self, request: &str, seed: u32) -> Result<(Scene, GenerationStats), GenerateError> {
        let request = check_request(request)?;
        let t0 = Instant::now();
        let ranking = self.rank(request)?;
        let rank_s = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let (written, written_tokens) = self.write(request, seed)?;
        let write_s = t1.elapsed().as_secs_f64();
        let scene = compose(request, &ranking, &written);
        // The same gate as a scene file: a bug in composition is an error, never a bad world.
        let value = serde_json::to_value(&scene).map_err(|e| GenerateError::Invalid(e.to_string()))?;
        let scene = scene_from_value(&value, "generated scene").map_err(|e| GenerateError::Invalid(e.to_string()))?;
        Ok((scene, GenerationStats { rank_s, write_s, total_s: t0.elapsed().as_secs_f64(), written_tokens }))
    }
}

/// The fixed start of the writing prompt (its instructions and examples), cached once.
fn write_examples(write: &str) -> &str {
    &write[..write.find("{request}").unwrap_or(write.len())]
}

fn store(path: &Path, scores: &[Vec<f32>]) {
    let Some(dir) = path.parent() else { return };
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    let ok = std::fs::create_dir_all(dir).is_ok()
        && serde_json::to_vec(scores).ok().is_some_and(|b| std::fs::write(&tmp, b).is_ok())
        && std::fs::rename(&tmp, path).is_ok();
    if !ok {
        tracing::warn!("could not cache neutral scores at {}", path.display());
    }
}

/// "Pirate Captain!" → "pirate_captain".
pub fn snake_case(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(3)
        .map(|w| w.to_lowercase())
        .collect();
    words.join("_")
}
