//! The on-device generator: ranking + grammar-constrained writing on one llama.cpp model.

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::compose::{Asked, Explanation, Written, compose};
use super::grammar::schema_to_gbnf;
use super::llama::{From, LocalModel};
use super::named;
use super::rank::{OptionList, RankPrompts, Ranking, kinds_of_raised_groups};
use super::things::{self, Thing};
use super::{GenerateError, check_request};
use crate::scene::Scene;

/// Tokens the model may write for the title, role, things and place.
const WRITE_TOKENS: usize = 80;

/// The lift a kind the model wrote for the request gets: what a clear implication has.
const EXPLICIT_KIND: f32 = 5.0;

/// The groups of things (savanna animals, dinosaurs…) whose catalog kinds the second stage of
/// the ranking scores: the best two, when the request raises them at least this much (nats).
const RAISED_GROUPS: usize = 2;
const GROUP_LIFT: f32 = 1.0;

/// The steps of one generation, reported as they start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Ranking,
    Writing,
}

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
    pub(crate) prompts: RankPrompts,
    lists: Vec<OptionList>,
    /// Every catalog kind, scored for a request only when its group is raised.
    pool: OptionList,
    /// Scores under the neutral request of `lists` and then `pool`: the same for every
    /// request, computed once.
    neutral: Option<Vec<Vec<f32>>>,
    model_path: std::path::PathBuf,
    write_grammar: String,
    /// Whether neutral scores are read from (and kept in) the disk cache.
    neutral_on_disk: bool,
    /// Neutral scores of the edit questions, by question and options (see `crate::edit::judge`).
    pub(crate) edit_neutral: std::collections::HashMap<u64, Vec<f32>>,
    /// Why the last scene is as it is (`sayscape generate --explain`).
    pub last_explanation: Option<Explanation>,
}

impl LocalGenerator {
    pub fn load(path: &Path, threads: i32) -> Result<LocalGenerator, GenerateError> {
        if !path.exists() {
            return Err(GenerateError::Model { path: path.display().to_string(), source: super::ModelError::Missing });
        }
        let model = LocalModel::load(path, threads)?;
        let prompts = RankPrompts::builtin();
        let lists = prompts.option_lists();
        let pool = prompts.kind_pool();
        let write_grammar = schema_to_gbnf(&json!({
            "type": "object",
            "properties": {
                "title": {"type": "string", "maxLength": 32},
                "role": {"type": "string", "maxLength": 20},
                "things": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 18}},
                "place": {"type": "string", "maxLength": 24}
            },
            "required": ["title", "role", "things", "place"]
        }))?;
        Ok(LocalGenerator {
            model,
            prompts,
            lists,
            pool,
            neutral: None,
            model_path: path.to_path_buf(),
            write_grammar,
            neutral_on_disk: true,
            edit_neutral: Default::default(),
            last_explanation: None,
        })
    }

    /// The fixed prompt prefix, evaluated once per process, and the neutral scores, computed
    /// once per model and prompt version and kept on disk (they never depend on the request).
    pub fn warm_up(&mut self) -> Result<(), GenerateError> {
        self.cache_fixed_prompts()?;
        if self.neutral.is_none() {
            let cache = self.neutral_cache_path().filter(|_| self.neutral_on_disk);
            let cached: Option<Vec<Vec<f32>>> =
                cache.as_ref().and_then(|p| std::fs::read(p).ok()).and_then(|b| serde_json::from_slice(&b).ok());
            let all = self.neutral_lists();
            let fits = |n: &Vec<Vec<f32>>| n.len() == all.len() && n.iter().zip(&all).all(|(s, (_, _, o))| s.len() == o.len());
            let neutral = match cached.filter(fits) {
                Some(n) => n,
                None => {
                    let context = self.prompts.context_for(&self.prompts.neutral_request);
                    let n = self.score(&context, &all)?;
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

    /// Neutral scores depend on the model file and on every prompt text and option. The key is
    /// a digest that is the same in every build and Rust release (not `DefaultHasher`).
    fn neutral_cache_path(&self) -> Option<std::path::PathBuf> {
        let meta = std::fs::metadata(&self.model_path).ok()?;
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        let mut key = Fnv1a::default();
        key.add(self.model_path.to_string_lossy().as_bytes()).add(&meta.len().to_le_bytes()).add(&modified.to_le_bytes());
        for text in [&self.prompts.prefix, &self.prompts.context, &self.prompts.neutral_request] {
            key.add(text.as_bytes());
        }
        for (field, question, options) in &self.neutral_lists() {
            key.add(field.as_bytes()).add(question.as_bytes());
            for (value, phrase) in options {
                key.add(value.as_bytes()).add(phrase.as_bytes());
            }
        }
        Some(crate::files::sayscape_home().join("cache").join(format!("neutral-{:016x}.json", key.0)))
    }

    /// The lists scored under the neutral request: the first stage's, then the kind pool.
    fn neutral_lists(&self) -> Vec<OptionList> {
        self.lists.iter().cloned().chain(std::iter::once(self.pool.clone())).collect()
    }

    pub(crate) fn score(&mut self, context: &str, lists: &[OptionList]) -> Result<Vec<Vec<f32>>, GenerateError> {
        let questions: Vec<(&str, Vec<String>)> =
            lists.iter().map(|(_, q, opts)| (q.as_str(), opts.iter().map(|(_, p)| p.clone()).collect())).collect();
        self.model.score(context, &questions)
    }

    /// Ranks every enumerated choice for a request, in two stages so that the cost does not
    /// grow with the catalog: the library's kinds and the groups of things first, then the
    /// catalog kinds of the groups the request raises.
    pub fn rank(&mut self, request: &str) -> Result<Ranking, GenerateError> {
        self.warm_up()?;
        let context = self.prompts.context_for(request);
        let lists = self.lists.clone();
        let request_scores = self.score(&context, &lists)?;
        let neutral = self.neutral.as_ref().expect("set by warm_up");
        let mut ranking = Ranking::from_scores(&self.lists, &request_scores, &neutral[..self.lists.len()]);
        let scored: std::collections::HashSet<&str> = ranking.ranked("kind").iter().map(|(k, _)| k.as_str()).collect();
        let wanted: Vec<&str> =
            kinds_of_raised_groups(&ranking, RAISED_GROUPS, GROUP_LIFT).into_iter().filter(|k| !scored.contains(k)).collect();
        if !wanted.is_empty() {
            let (field, question, all) = self.pool.clone();
            let picked: Vec<usize> = (0..all.len()).filter(|&i| wanted.contains(&all[i].0.as_str())).collect();
            let options: Vec<(String, String)> = picked.iter().map(|&i| all[i].clone()).collect();
            let stage_two = vec![(field, question, options)];
            let scores = self.score(&context, &stage_two)?;
            let pool_neutral = self.neutral.as_ref().expect("set by warm_up").last().expect("the pool is scored");
            let lifts = picked.iter().zip(&scores[0]).map(|(&i, r)| (all[i].0.clone(), r - pool_neutral[i]));
            let kinds = ranking.fields.entry("kind".into()).or_default();
            kinds.extend(lifts);
            kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        Ok(ranking)
    }

    /// The title, role and things, written by the model under a grammar.
    pub fn write(&mut self, request: &str, seed: u32) -> Result<(Written, usize), GenerateError> {
        self.cache_fixed_prompts()?;
        let ask = self.prompts.write[write_examples(&self.prompts.write).len()..].replace("{request}", &self.prompts.context_for(request));
        let grammar = self.write_grammar.clone();
        let (text, n) = self.model.complete(From::Continuation, &ask, Some(&grammar), WRITE_TOKENS, seed)?;
        // The grammar guarantees the shape; a run cut short by the token limit writes nothing.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim().to_string();
        let things = v.get("things").and_then(|t| t.as_array()).map(|t| t.iter().filter_map(|x| x.as_str()).map(str::to_string).collect());
        let written = Written {
            title: field("title"),
            role: super::compose::snake_case(&field("role")),
            things: things.unwrap_or_default(),
            place: field("place"),
        };
        Ok((written, n))
    }

    /// Request → valid scene.
    pub fn generate(&mut self, request: &str, seed: u32) -> Result<(Scene, GenerationStats), GenerateError> {
        self.generate_reporting(request, seed, &mut |_| {})
    }

    /// Request → valid scene, telling `on_step` as each step starts.
    pub fn generate_reporting(
        &mut self,
        request: &str,
        seed: u32,
        on_step: &mut dyn FnMut(Step),
    ) -> Result<(Scene, GenerationStats), GenerateError> {
        let request = check_request(request)?;
        let t0 = Instant::now();
        on_step(Step::Ranking);
        let mut ranking = self.rank(request)?;
        let lexicon = crate::lexicon::lexicon();
        let spans = lexicon.read(request);
        let mut named: Vec<(&str, &str)> = Vec::new();
        for (field, value, _) in &spans {
            if !named.contains(&(*field, *value)) {
                named.push((*field, *value));
            }
        }
        named::raise_named(&mut ranking, &named);
        let rank_s = t0.elapsed().as_secs_f64();
        on_step(Step::Writing);
        let t1 = Instant::now();
        let (written, written_tokens) = self.write(request, seed)?;
        // The things the model wrote: catalog kinds count as implied (explicit enough to add),
        // nouns the catalog lacks get a form of their own.
        let (context, neutral) = (self.prompts.context_for(request), self.prompts.context_for(&self.prompts.neutral_request));
        let resolved = things::resolve(&mut self.model, request, &context, &neutral, &written.things)?;
        let (mut written_kinds, mut new_things) = (Vec::new(), Vec::new());
        for thing in resolved {
            match thing {
                Thing::Kind(kind) => {
                    raise_implied(&mut ranking, &kind);
                    written_kinds.push(kind);
                }
                Thing::New(kind, form) => new_things.push((kind, form)),
            }
        }
        let counts = lexicon.counts(request);
        let write_s = t1.elapsed().as_secs_f64();
        if tracing::enabled!(tracing::Level::DEBUG) {
            for (field, options) in &ranking.fields {
                let best: Vec<String> = options.iter().take(6).map(|(v, s)| format!("{v} {s:.1}")).collect();
                tracing::debug!("{field}: {}", best.join(", "));
            }
            tracing::debug!(
                "written: {:?} at {:?}; counts: {counts:?}; new things: {:?}",
                written.things,
                written.place,
                new_things.iter().map(|(k, _)| k).collect::<Vec<_>>()
            );
        }
        let asked = Asked {
            text: request,
            ranking: &ranking,
            spans: &spans,
            written: &written,
            counts: &counts,
            written_kinds: &written_kinds,
            new_things: &new_things,
        };
        // The same gate as a scene file: a bug in composition is an error, never a bad world.
        let (scene, explanation) = compose(&asked).map_err(GenerateError::Compose)?;
        self.last_explanation = Some(explanation);
        Ok((scene, GenerationStats { rank_s, write_s, total_s: t0.elapsed().as_secs_f64(), written_tokens }))
    }
}

/// A kind the model wrote for the request, raised to at least the lift that makes a kind
/// explicit enough to count as asked for ([`EXPLICIT_KIND`]), below what named words get.
fn raise_implied(ranking: &mut Ranking, kind: &str) {
    let kinds = ranking.fields.entry("kind".into()).or_default();
    match kinds.iter_mut().find(|(k, _)| k == kind) {
        Some((_, lift)) => *lift = lift.max(EXPLICIT_KIND),
        None => kinds.push((kind.to_string(), EXPLICIT_KIND)),
    }
    kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// The fixed start of the writing prompt (its instructions and examples), cached once.
fn write_examples(write: &str) -> &str {
    &write[..write.find("{request}").unwrap_or(write.len())]
}

fn store(path: &Path, scores: &[Vec<f32>]) {
    let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| {
        let bytes = serde_json::to_vec(scores).expect("scores serialise");
        crate::files::write_atomically(path, &bytes)
    });
    if let Err(e) = written {
        tracing::warn!("could not cache neutral scores at {}: {e}", path.display());
    }
}

/// FNV-1a, 64 bits: a digest defined by its constants, stable across builds. Each piece is
/// followed by its length so that ("ab", "c") and ("a", "bc") differ.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv1a(pub(crate) u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub(crate) fn add(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes.iter().chain(&(bytes.len() as u64).to_le_bytes()) {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv1a;

    #[test]
    fn the_cache_digest_is_fixed_and_separates_pieces() {
        // A fixed value: the neutral-score cache must find its file again in any later build.
        assert_eq!(Fnv1a::default().add(b"").0, 0xa8c7_f832_281a_39c5);
        let mut ab_c = Fnv1a::default();
        ab_c.add(b"ab").add(b"c");
        let mut a_bc = Fnv1a::default();
        a_bc.add(b"a").add(b"bc");
        assert_ne!(ab_c.0, a_bc.0);
    }
}
