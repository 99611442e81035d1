//! `sayscape bench generate`: speed figures of on-device generation, with ratios.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// GGUF model file; default: SAYSCAPE_MODEL or the embedded default model.
    #[arg(long)]
    pub model: Option<std::path::PathBuf>,
    #[arg(long)]
    pub threads: Option<i32>,
    /// Tokens decoded for the constrained/unconstrained comparison.
    #[arg(long, default_value_t = 48)]
    pub tokens: usize,
}

const PROMPTS: &[&str] = &[
    "I want to experience the life of a pirate on the seven seas",
    "I want to feel what it is like to fly a fighter plane in World War One",
    "I want to be on stage playing for thousands of fans",
    "Je veux faire l'expérience de la vie d'un pirate sur les sept mers",
    "a quiet fishing village in the rain",
];

#[cfg(feature = "llama")]
pub fn generate(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    use sayscape::generate::llama::Timings;
    use sayscape::generate::{default_model_path, local::LocalGenerator};
    let path = args.model.clone().unwrap_or_else(default_model_path);
    let threads = args.threads.unwrap_or_else(sayscape::pipeline::cores);
    let t0 = Instant::now();
    let mut g = LocalGenerator::load(&path, threads)?;
    let load_s = t0.elapsed().as_secs_f64();
    println!("model            {} ({threads} threads), loaded in {load_s:.2} s", path.display());

    // Prompt evaluation. The first request of a process pays for the fixed prompts (ranking
    // prefix, writing examples) and the neutral scores (computed here, not read from the disk
    // cache); the second reuses all three.
    let evaluated = |g: &LocalGenerator, before: Timings| {
        (g.model.timings.prefill_tokens - before.prefill_tokens, (g.model.timings.prefill - before.prefill).as_secs_f64())
    };
    g.forget_neutral();
    let before = g.model.timings;
    g.cache_fixed_prompts()?;
    let (fixed_tokens, fixed_s) = evaluated(&g, before);
    let before = g.model.timings;
    g.warm_up()?;
    let (neutral_tokens, neutral_s) = evaluated(&g, before);
    let request = |g: &mut LocalGenerator, prompt: &str| -> anyhow::Result<[(usize, f64); 2]> {
        let before = g.model.timings;
        g.rank(prompt)?;
        let ranking = evaluated(g, before);
        let before = g.model.timings;
        g.write(prompt, 1)?;
        Ok([ranking, evaluated(g, before)])
    };
    let [(rank1_tokens, rank1_s), (write1_tokens, write1_s)] = request(&mut g, PROMPTS[0])?;
    let [(rank2_tokens, rank2_s), (write2_tokens, write2_s)] = request(&mut g, PROMPTS[1])?;
    println!(
        "prompt eval      fixed prompts {fixed_tokens} tokens in {fixed_s:.3} s ({:.0} tok/s, once per process)",
        fixed_tokens as f64 / fixed_s
    );
    println!("                 neutral scores {neutral_tokens} tokens in {neutral_s:.3} s (once per model; kept on disk)");
    println!(
        "                 request 1: ranking {rank1_tokens} tokens in {rank1_s:.3} s, writing prompt {write1_tokens} tokens in {write1_s:.3} s"
    );
    println!(
        "                 request 2: ranking {rank2_tokens} tokens in {rank2_s:.3} s, writing prompt {write2_tokens} tokens in {write2_s:.3} s"
    );
    let first = fixed_s + neutral_s + rank1_s + write1_s;
    let second = rank2_s + write2_s;
    println!(
        "ratio            second/first request prompt evaluation = {:.3} (target <= 0.25; {:.3} with the neutral scores from disk)",
        second / first,
        second / (first - neutral_s)
    );

    // Decode: the same prompt, unconstrained and under the title/role grammar.
    let ask = "Someone describes a place: \"a pirate ship at sea\". Its title and the visitor's role, as JSON: ";
    let grammar = sayscape::generate::grammar::schema_to_gbnf(&serde_json::json!({
        "type": "object",
        "properties": {"title": {"type": "string", "maxLength": 200}, "role": {"type": "string", "maxLength": 200}},
        "required": ["title", "role"]
    }))
    .map_err(anyhow::Error::msg)?;
    let rate = |g: &mut LocalGenerator, grammar: Option<&str>| -> anyhow::Result<(f64, usize)> {
        let before = g.model.timings;
        let (_, n) = g.model.complete(sayscape::generate::llama::From::Prefix, ask, grammar, args.tokens, 7)?;
        let dt = (g.model.timings.decode - before.decode).as_secs_f64();
        Ok((n as f64 / dt, n))
    };
    // Alternating rounds, medians: single short runs on a shared 2-core machine vary by ±20 %.
    let (mut free, mut constrained, mut nf, mut nc) = (Vec::new(), Vec::new(), 0, 0);
    for _ in 0..DECODE_ROUNDS {
        let (speed, n) = rate(&mut g, None)?;
        free.push(speed);
        nf += n;
        let (speed, n) = rate(&mut g, Some(&grammar))?;
        constrained.push(speed);
        nc += n;
    }
    let (free, constrained) = (median(&mut free), median(&mut constrained));
    println!(
        "decode           unconstrained {free:.1} tok/s ({nf} tokens); grammar {constrained:.1} tok/s ({nc} tokens); medians of {DECODE_ROUNDS} alternating rounds"
    );
    println!("ratio            grammar/unconstrained decode speed = {:.2} (target >= 0.9)", constrained / free);

    let mut times = Vec::new();
    for (i, p) in PROMPTS.iter().enumerate() {
        let t = Instant::now();
        let (scene, _) = g.generate(p, i as u32)?;
        times.push(t.elapsed().as_secs_f64());
        println!(
            "scene            {:.2} s  {:<32} <- {p}",
            times[i],
            scene.entities.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>().join(",")
        );
    }
    println!("time to scene    median {:.2} s over {} prompts (model loaded; target <= 3 s)", median(&mut times), times.len());
    println!("peak RSS         {:.0} MiB", peak_rss_mib());
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "llama"))]
pub fn generate(_: &BenchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build has no llama.cpp (feature \"llama\")")
}

const DECODE_ROUNDS: usize = 5;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn peak_rss_mib() -> f64 {
    peak_rss_mib_of("self")
}

/// A process's peak resident memory (Linux; 0 elsewhere): `pid` a number or "self".
pub fn peak_rss_mib_of(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
