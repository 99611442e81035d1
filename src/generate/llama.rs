//! llama.cpp in-process: model loading, a shared-prefix KV cache, batched option scoring and
//! grammar-constrained text decoding.
//!
//! One `LocalModel` keeps one context for the whole process. Sequence 0 holds the fixed prompt
//! prefix, evaluated once; each request is appended after it and removed afterwards, so the
//! prefix is never evaluated twice.

use std::num::NonZeroU32;
use std::path::Path;
use std::time::{Duration, Instant};

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;

use super::{GenerateError, ModelError};

const CONTEXT_TOKENS: u32 = 4096;
const BATCH_TOKENS: usize = 1024;
/// Option sequences scored per decode call (sequence ids 2..2+CHUNK).
const CHUNK: usize = 48;
const PREFIX_SEQ: i32 = 0;
const QUESTION_SEQ: i32 = 1;
/// The prefix followed by a second fixed prompt (see `set_continuation`).
const CONTINUATION_SEQ: i32 = 2 + CHUNK as i32;

/// Counters for the benchmark: tokens evaluated and the time spent.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub prefill_tokens: usize,
    pub prefill: Duration,
    pub decode_tokens: usize,
    pub decode: Duration,
}

/// Which cached prompt a completion continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    Prefix,
    Continuation,
}

/// A prompt held in the KV cache: its text, to tell a change without tokenizing again, and its
/// length in tokens.
struct CachedPrompt {
    text: String,
    tokens: usize,
}

/// A GGUF model with one context whose sequence 0 holds a cached prompt prefix.
pub struct LocalModel {
    /// Borrows the model. The model and the backend are leaked to `'static` (they live for the
    /// rest of the process), so no drop order between these fields matters.
    ctx: LlamaContext<'static>,
    model: &'static LlamaModel,
    _backend: &'static LlamaBackend,
    /// The prompt in sequence 0.
    prefix: Option<CachedPrompt>,
    /// The prompt after the prefix in `CONTINUATION_SEQ`.
    continuation: Option<CachedPrompt>,
    /// Batch row of the last token evaluated with logits.
    last_row: i32,
    pub timings: Timings,
    /// When set and passed, the next decode fails with `TimedOut` (checked before each one,
    /// so a request stops within one token or batch of its time limit).
    pub deadline: Option<Instant>,
}

// The context is only used from the thread that owns the LocalModel.
unsafe impl Send for LocalModel {}

impl LocalModel {
    /// Loads a GGUF file after checking that it looks like one.
    pub fn load(path: &Path, threads: i32) -> Result<LocalModel, GenerateError> {
        check_gguf(path)?;
        let backend = backend()?;
        let params = LlamaModelParams::default();
        let model = LlamaModel::load_from_file(backend, path, &params)
            .map_err(|e| GenerateError::Model { path: path.display().to_string(), source: ModelError::Load(Box::new(e)) })?;
        // The model lives for the rest of the process, like the backend.
        let model: &'static LlamaModel = Box::leak(Box::new(model));
        let ctx_params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(CONTEXT_TOKENS))
            .with_n_batch(BATCH_TOKENS as u32)
            .with_n_ubatch(512)
            .with_n_seq_max(CONTINUATION_SEQ as u32 + 1)
            .with_kv_unified(true)
            .with_n_threads(threads)
            .with_n_threads_batch(threads);
        let ctx = model
            .new_context(backend, ctx_params)
            .map_err(|e| GenerateError::Model { path: path.display().to_string(), source: ModelError::Context(Box::new(e)) })?;
        Ok(LocalModel {
            ctx,
            model,
            _backend: backend,
            prefix: None,
            continuation: None,
            last_row: 0,
            timings: Timings::default(),
            deadline: None,
        })
    }

    pub fn tokenize(&self, text: &str, bos: bool) -> Vec<LlamaToken> {
        self.model.vocab().tokenize(text.as_bytes(), bos, false)
    }

    pub fn piece(&self, token: LlamaToken) -> String {
        String::from_utf8_lossy(&self.model.vocab().token_to_piece(token, false, None)).into_owned()
    }

    /// Makes `text` the cached prefix of sequence 0; a no-op when it already is.
    pub fn set_prefix(&mut self, text: &str) -> Result<(), GenerateError> {
        if self.prefix.as_ref().is_some_and(|p| p.text == text) {
            return Ok(());
        }
        self.ctx.clear_kv_cache();
        self.prefix = None;
        self.continuation = None;
        let tokens = self.tokenize(text, true);
        self.eval(&tokens, 0, &[PREFIX_SEQ], false)?;
        self.prefix = Some(CachedPrompt { text: text.to_string(), tokens: tokens.len() });
        Ok(())
    }

    /// Makes `text` a second cached prompt after the prefix, on its own sequence, for
    /// completions that start `From::Continuation`; a no-op when it already is.
    pub fn set_continuation(&mut self, text: &str) -> Result<(), GenerateError> {
        if self.continuation.as_ref().is_some_and(|c| c.text == text) {
            return Ok(());
        }
        self.continuation = None;
        let base = self.prefix_len();
        self.ctx.clear_kv_cache_seq(Some(CONTINUATION_SEQ as u32), None, None).map_err(kv)?;
        self.ctx.copy_kv_cache_seq(PREFIX_SEQ, CONTINUATION_SEQ, None, Some(base as u32)).map_err(kv)?;
        let tokens = self.tokenize(text, base == 0);
        self.eval(&tokens, base, &[CONTINUATION_SEQ], false)?;
        self.continuation = Some(CachedPrompt { text: text.to_string(), tokens: tokens.len() });
        Ok(())
    }

    pub fn prefix_len(&self) -> usize {
        self.prefix.as_ref().map_or(0, |p| p.tokens)
    }

    /// Scores continuations after `context` (appended to the cached prefix). For each question
    /// text, every option gets log P(option | prefix + context + question), in nats.
    pub fn score(&mut self, context: &str, questions: &[(&str, Vec<String>)]) -> Result<Vec<Vec<f32>>, GenerateError> {
        let base = self.prefix_len();
        let context_tokens = self.tokenize(context, false);
        self.eval(&context_tokens, base, &[PREFIX_SEQ], false)?;
        let after_context = base + context_tokens.len();
        let mut all = Vec::with_capacity(questions.len());
        for (question, options) in questions {
            self.ctx.copy_kv_cache_seq(PREFIX_SEQ, QUESTION_SEQ, None, None).map_err(kv)?;
            let q = self.tokenize(question, false);
            // Logits of the question's last token predict every option's first token.
            self.eval(&q, after_context, &[QUESTION_SEQ], true)?;
            let first_logits = self.ctx.get_logits_ith(self.last_output());
            let lse = log_sum_exp(first_logits);
            let start = after_context + q.len();
            let option_tokens: Vec<Vec<LlamaToken>> = options.iter().map(|o| self.tokenize(o, false)).collect();
            let mut scores: Vec<f32> =
                option_tokens.iter().map(|t| t.first().map_or(f32::NEG_INFINITY, |t| first_logits[t.0 as usize] - lse)).collect();
            let multi: Vec<usize> = (0..options.len()).filter(|&i| option_tokens[i].len() > 1).collect();
            for chunk in multi.chunks(CHUNK) {
                self.score_tails(chunk, &option_tokens, start, &mut scores)?;
            }
            self.ctx.clear_kv_cache_seq(Some(QUESTION_SEQ as u32), None, None).map_err(kv)?;
            all.push(scores);
        }
        // Drop the request, keep the prefix.
        self.ctx.clear_kv_cache_seq(Some(PREFIX_SEQ as u32), Some(base as u32), None).map_err(kv)?;
        Ok(all)
    }

    /// Adds log P of each option's second and later tokens, one sequence per option.
    fn score_tails(&mut self, chunk: &[usize], options: &[Vec<LlamaToken>], start: usize, scores: &mut [f32]) -> Result<(), GenerateError> {
        self.check_deadline()?;
        let t0 = Instant::now();
        let mut batch = LlamaBatch::new(BATCH_TOKENS.max(chunk.iter().map(|&i| options[i].len()).sum()), 1);
        let mut rows = Vec::new(); // (option, token index predicted, batch row)
        for (slot, &i) in chunk.iter().enumerate() {
            let seq = 2 + slot as i32;
            self.ctx.copy_kv_cache_seq(QUESTION_SEQ, seq, None, None).map_err(kv)?;
            let toks = &options[i];
            for (k, &t) in toks[..toks.len() - 1].iter().enumerate() {
                rows.push((i, k + 1, batch.n_tokens()));
                batch.add(t, (start + k) as i32, &[seq], true).map_err(engine("a batch"))?;
            }
        }
        self.ctx.decode(&mut batch).map_err(engine("decode"))?;
        for &(i, k, row) in &rows {
            let logits = self.ctx.get_logits_ith(row);
            scores[i] += logits[options[i][k].0 as usize] - log_sum_exp(logits);
        }
        for slot in 0..chunk.len() {
            self.ctx.clear_kv_cache_seq(Some(2 + slot as u32), None, None).map_err(kv)?;
        }
        self.timings.prefill_tokens += rows.len();
        self.timings.prefill += t0.elapsed();
        Ok(())
    }

    /// Generates text after the cached prefix + `prompt`, constrained by a GBNF grammar when
    /// one is given. Returns the text and the number of tokens decoded.
    ///
    /// Sampling is top-k with temperature over one pass of the logits. The grammar is checked
    /// lazily, as llama.cpp's common sampler does: the token chosen without it is tested alone
    /// against the grammar, and only when the grammar rejects it is the grammar applied to the
    /// whole vocabulary. So a grammar costs little while the model already writes valid text.
    pub fn complete(
        &mut self,
        from: From,
        prompt: &str,
        grammar: Option<&str>,
        max_tokens: usize,
        seed: u32,
    ) -> Result<(String, usize), GenerateError> {
        let (seq, base) = match (from, &self.continuation) {
            (From::Prefix, _) => (PREFIX_SEQ, self.prefix_len()),
            (From::Continuation, Some(c)) => (CONTINUATION_SEQ, self.prefix_len() + c.tokens),
            (From::Continuation, None) => return Err(GenerateError::NoContinuation),
        };
        let prompt_tokens = self.tokenize(prompt, base == 0);
        self.eval(&prompt_tokens, base, &[seq], true)?;
        let mut grammar = match grammar {
            Some(g) => Some(LlamaSampler::grammar(self.model, g, "root").map_err(engine("grammar sampler"))?),
            None => None,
        };
        let mut rng = SplitMix(seed as u64 ^ 0x5eed);
        let mut pos = base + prompt_tokens.len();
        let mut out = String::new();
        let mut n = 0;
        let t0 = Instant::now();
        let vocab = self.model.vocab();
        while n < max_tokens {
            let logits = self.ctx.get_logits_ith(self.last_output());
            let mut token = sample_top_k(logits.iter().copied().enumerate(), &mut rng);
            if let Some(g) = grammar.as_mut() {
                let mut single = LlamaTokenDataArray::from_iter([LlamaTokenData::new(token, logits[token.0 as usize], 0.0)], false);
                single.apply_sampler(g);
                if !single.data[0].logit().is_finite() {
                    // Narrow first: the grammar usually allows one of the most likely tokens.
                    // Only when none of those passes is the whole vocabulary checked.
                    let mut narrowed = LlamaTokenDataArray::from_iter(
                        top_n(logits, NARROW).into_iter().map(|(id, l)| LlamaTokenData::new(LlamaToken::new(id as i32), l, 0.0)),
                        false,
                    );
                    narrowed.apply_sampler(g);
                    let mut allowed: Vec<(usize, f32)> =
                        narrowed.data.iter().filter(|d| d.logit().is_finite()).map(|d| (d.id().0 as usize, d.logit())).collect();
                    if allowed.is_empty() {
                        let mut all = LlamaTokenDataArray::from_iter(self.ctx.candidates_ith(self.last_output()), false);
                        all.apply_sampler(g);
                        allowed = all.data.iter().filter(|d| d.logit().is_finite()).map(|d| (d.id().0 as usize, d.logit())).collect();
                    }
                    token = sample_top_k(allowed.into_iter(), &mut rng);
                }
            }
            if vocab.is_eog(token) {
                break;
            }
            if let Some(g) = grammar.as_mut() {
                g.accept(token);
            }
            out.push_str(&self.piece(token));
            n += 1;
            if grammar.is_some() && object_closed(&out) {
                break;
            }
            self.eval_one(token, pos, seq)?;
            pos += 1;
        }
        self.timings.decode_tokens += n;
        self.timings.decode += t0.elapsed();
        self.ctx.clear_kv_cache_seq(Some(seq as u32), Some(base as u32), None).map_err(kv)?;
        Ok((out, n))
    }

    fn eval_one(&mut self, token: LlamaToken, pos: usize, seq: i32) -> Result<(), GenerateError> {
        self.check_deadline()?;
        let mut batch = LlamaBatch::new(1, 1);
        batch.add(token, pos as i32, &[seq], true).map_err(engine("a batch"))?;
        self.ctx.decode(&mut batch).map_err(engine("decode"))?;
        self.last_row = 0;
        Ok(())
    }

    /// Evaluates tokens on the given sequences, in batches; logits only for the last one.
    fn eval(&mut self, tokens: &[LlamaToken], start: usize, seqs: &[i32], last_logits: bool) -> Result<(), GenerateError> {
        self.check_deadline()?;
        check_room(start + tokens.len())?;
        let t0 = Instant::now();
        let mut batch = LlamaBatch::new(BATCH_TOKENS, seqs.len() as i32);
        for (c, chunk) in tokens.chunks(BATCH_TOKENS).enumerate() {
            batch.clear();
            let last_chunk = (c + 1) * BATCH_TOKENS >= tokens.len();
            for (k, &t) in chunk.iter().enumerate() {
                let logits = last_logits && last_chunk && k + 1 == chunk.len();
                batch.add(t, (start + c * BATCH_TOKENS + k) as i32, seqs, logits).map_err(engine("a batch"))?;
            }
            self.ctx.decode(&mut batch).map_err(engine("decode"))?;
            self.last_row = batch.n_tokens() - 1;
        }
        self.timings.prefill_tokens += tokens.len();
        self.timings.prefill += t0.elapsed();
        Ok(())
    }

    fn last_output(&self) -> i32 {
        self.last_row
    }

    /// Fails with `TimedOut` once the deadline has passed, after dropping what the request had
    /// evaluated: the cached prompts stay, so the next request starts clean.
    fn check_deadline(&mut self) -> Result<(), GenerateError> {
        if self.deadline.is_none_or(|d| Instant::now() < d) {
            return Ok(());
        }
        self.forget_request();
        Err(GenerateError::TimedOut)
    }

    fn forget_request(&mut self) {
        let Some(prefix) = &self.prefix else {
            self.ctx.clear_kv_cache();
            return;
        };
        let base = prefix.tokens as u32;
        let after_continuation = self.continuation.as_ref().map(|c| base + c.tokens as u32);
        // Clearing a range that holds nothing is not an error worth reporting here.
        let _ = self.ctx.clear_kv_cache_seq(Some(PREFIX_SEQ as u32), Some(base), None);
        for seq in QUESTION_SEQ..CONTINUATION_SEQ {
            let _ = self.ctx.clear_kv_cache_seq(Some(seq as u32), None, None);
        }
        let _ = self.ctx.clear_kv_cache_seq(Some(CONTINUATION_SEQ as u32), after_continuation, None);
    }
}

const TOP_K: usize = 20;
/// Candidates checked against the grammar before the whole vocabulary is.
const NARROW: usize = 512;

/// The `n` highest logits with their token ids, in one pass.
fn top_n(logits: &[f32], n: usize) -> Vec<(usize, f32)> {
    let mut idx: Vec<(usize, f32)> = logits.iter().copied().enumerate().collect();
    let n = n.min(idx.len());
    if n == 0 {
        return idx;
    }
    idx.select_nth_unstable_by(n - 1, |a, b| b.1.total_cmp(&a.1));
    idx.truncate(n);
    idx
}
const TEMPERATURE: f32 = 0.6;

/// Samples among the `TOP_K` highest logits, softened by `TEMPERATURE`, in one pass.
fn sample_top_k(logits: impl Iterator<Item = (usize, f32)>, rng: &mut SplitMix) -> LlamaToken {
    let mut top: Vec<(usize, f32)> = Vec::with_capacity(TOP_K + 1);
    for (id, l) in logits {
        if top.len() < TOP_K || l > top[top.len() - 1].1 {
            let at = top.partition_point(|&(_, x)| x >= l);
            top.insert(at, (id, l));
            top.truncate(TOP_K);
        }
    }
    let Some(&(_, max)) = top.first() else { return LlamaToken::new(0) };
    let weights: Vec<f32> = top.iter().map(|&(_, l)| ((l - max) / TEMPERATURE).exp()).collect();
    let mut pick = rng.next_f32() * weights.iter().sum::<f32>();
    for (&(id, _), w) in top.iter().zip(&weights) {
        if pick < *w {
            return LlamaToken::new(id as i32);
        }
        pick -= w;
    }
    LlamaToken::new(top[0].0 as i32)
}

/// A small seeded generator: sampling must repeat exactly for a given `--seed`.
struct SplitMix(u64);

impl SplitMix {
    fn next_f32(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// The grammars used here describe one JSON object: it is complete at its closing brace.
/// Whether `out` holds a complete JSON object: its outer braces balanced, counting only braces
/// outside strings (a title may contain `}`).
fn object_closed(out: &str) -> bool {
    let (mut depth, mut in_string, mut escaped, mut opened) = (0usize, false, false, false);
    for c in out.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => {
                depth += 1;
                opened = true;
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if opened && depth == 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Refuses work that would not fit the context (with room for the answer).
fn check_room(tokens: usize) -> Result<(), GenerateError> {
    if tokens + 64 > CONTEXT_TOKENS as usize {
        return Err(GenerateError::Prompt(format!("the prompt needs {tokens} tokens; the context holds {CONTEXT_TOKENS}")));
    }
    Ok(())
}

/// Keeps llama.cpp's error as the cause of the call that failed.
fn engine<E: std::error::Error + Send + Sync + 'static>(what: &'static str) -> impl FnOnce(E) -> GenerateError {
    move |e| GenerateError::Engine { what, source: Box::new(e) }
}

fn kv<E: std::error::Error + Send + Sync + 'static>(e: E) -> GenerateError {
    engine("kv cache")(e)
}

fn backend() -> Result<&'static LlamaBackend, GenerateError> {
    // Started once per process; a failure is kept (shared) and given to every later caller.
    static BACKEND: std::sync::OnceLock<Result<LlamaBackend, std::sync::Arc<llama_cpp_2::LlamaCppError>>> = std::sync::OnceLock::new();
    BACKEND
        .get_or_init(|| {
            let mut b = LlamaBackend::init().map_err(std::sync::Arc::new)?;
            b.void_logs();
            Ok(b)
        })
        .as_ref()
        .map_err(|e| engine("backend")(e.clone()))
}

/// Refuses files that are not GGUF before llama.cpp sees them.
fn check_gguf(path: &Path) -> Result<(), GenerateError> {
    use std::io::Read;
    let bad = |source| GenerateError::Model { path: path.display().to_string(), source };
    let mut f = std::fs::File::open(path).map_err(|e| bad(ModelError::Open(e)))?;
    let mut magic = [0u8; 4];
    f.read_exact(&mut magic).map_err(|e| bad(ModelError::TooShort(e)))?;
    if &magic != b"GGUF" {
        return Err(bad(ModelError::NotGguf));
    }
    Ok(())
}

/// log Σ exp(logits): a token's log-probability is its logit minus this.
fn log_sum_exp(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|&l| (l - max).exp()).sum();
    max + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::object_closed;

    #[test]
    fn a_brace_inside_a_string_does_not_close_the_object() {
        // Decoding used to stop at the first `}` the grammar allowed, even inside a title.
        assert!(!object_closed(r#"{"title": "Curly } braces"#));
        assert!(!object_closed(r#"{"title": "a \" } b"#));
        assert!(object_closed(r#"{"title": "Curly } braces", "role": "pirate"}"#));
        assert!(object_closed(r#"{"a": {"b": 1}}"#));
        assert!(!object_closed(r#"{"a": {"b": 1}"#));
    }
}
