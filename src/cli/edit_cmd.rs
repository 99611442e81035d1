//! `sayscape edit FILE "INSTRUCTION"`: change a scene file by instruction (typed or spoken),
//! undo or redo its edits, or replay another file's edits on it; and `sayscape bench edit`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use sayscape::edit::{Understood, history};
use sayscape::pipeline::{Backend, Pipeline, PipelineConfig, Said, World};
use sayscape::scene::{Scene, load_scene, save_scene};
use sayscape::voice::audio::read_wav;

use super::voice_cmd::{SpeechArgs, espeak};

#[derive(Args, Debug, Clone)]
pub struct EditArgs {
    /// The scene file to change (any version of the format).
    pub file: PathBuf,
    /// What to change, in any language: "make it night", "enlève les bateaux", "más barcos".
    #[arg(required_unless_present_any = ["audio", "undo", "redo", "replay"])]
    pub instruction: Option<String>,
    /// Take the instruction from speech in this WAV file instead.
    #[arg(long, conflicts_with = "instruction")]
    pub audio: Option<PathBuf>,
    /// How --audio is heard.
    #[command(flatten)]
    pub speech: SpeechArgs,
    /// Undo the file's last edit.
    #[arg(long, conflicts_with_all = ["instruction", "audio", "redo", "replay"])]
    pub undo: bool,
    /// Redo the file's last undone edit.
    #[arg(long, conflicts_with_all = ["instruction", "audio", "replay"])]
    pub redo: bool,
    /// Make the edits recorded in this scene file again, in order, on FILE.
    #[arg(long, conflicts_with_all = ["instruction", "audio"])]
    pub replay: Option<PathBuf>,
    /// GGUF model file; default: SAYSCAPE_MODEL or the embedded default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[arg(long)]
    pub threads: Option<i32>,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Write the edited scene to this file (atomically; it may be FILE) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl EditArgs {
    fn pipeline(&self) -> Pipeline {
        let backend = Backend::Local { model: self.model.clone(), threads: self.threads };
        Pipeline::new(self.speech.config(backend))
    }
}

pub fn edit(args: &EditArgs) -> anyhow::Result<ExitCode> {
    let scene = load_scene(&args.file)?;
    let file = args.file.display().to_string();
    let (edited, summary) = if args.undo {
        (history::undo(&scene).with_context(|| format!("{file}: there is no edit to undo"))?, "undone".to_string())
    } else if args.redo {
        let redone = history::redo(&scene).with_context(|| format!("{file}: there is no undone edit to redo"))?;
        (redone.with_context(|| format!("{file}: the edit cannot be made again"))?, "redone".to_string())
    } else if let Some(other) = &args.replay {
        let edits = load_scene(other)?.edits.done;
        let replayed = history::replay(&scene, &edits).with_context(|| format!("{}: its edits do not apply to {file}", other.display()))?;
        (replayed, format!("replayed {} edits", edits.len()))
    } else {
        let mut pipeline = args.pipeline();
        let instruction = match (&args.instruction, &args.audio) {
            (_, Some(wav)) => {
                let clip = read_wav(wav)?;
                let heard = pipeline.hear(&clip, &mut |_| {}).with_context(|| wav.display().to_string())?;
                eprintln!("[voice] heard: {}", heard.text);
                heard.text
            }
            (Some(text), None) => text.clone(),
            (None, None) => unreachable!("clap requires one"),
        };
        let world = World::of(scene, args.seed);
        match pipeline.understand(&world, &instruction, &mut |_| {})? {
            Understood::NewScenario => {
                bail!("“{instruction}” names a new scenario, not a change to {file}; use `sayscape generate` for it")
            }
            Understood::Nothing(why) => bail!("{file}: nothing changed: {why}"),
            understood => match pipeline.carry_out(&world, &instruction, understood, &mut |_| {})? {
                Said::Edited { world, ops } => (world.scene, sayscape::edit::summary(&ops)),
                other => (other.world().scene.clone(), other.line()),
            },
        }
    };
    write(&edited, args.out.as_ref())?;
    eprintln!("[edit] {summary}");
    Ok(ExitCode::SUCCESS)
}

fn write(scene: &Scene, out: Option<&PathBuf>) -> anyhow::Result<()> {
    match out {
        Some(path) => save_scene(scene, path)?,
        None => std::io::stdout().lock().write_all((serde_json::to_string_pretty(scene)? + "\n").as_bytes())?,
    }
    Ok(())
}

#[derive(Args, Debug, Clone)]
pub struct BenchEditArgs {
    /// Scene file the instructions change.
    #[arg(long, default_value = "scenes/pirate_seven_seas.json")]
    pub scene: PathBuf,
    /// Times each instruction is run (after one warm-up of the model).
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Also speak each instruction with espeak-ng and time end of speech → edited scene.
    #[arg(long)]
    pub speech: bool,
}

/// Instructions of every kind the benchmark times, in four languages, with their espeak-ng
/// voice. The last ones leave a choice to the model (which thing, which mood, what to add).
const BENCH_INSTRUCTIONS: &[(&str, &str)] = &[
    ("en", "make it night"),
    ("en", "a storm is coming"),
    ("en", "add three dragons"),
    ("en", "more ships"),
    ("en", "paint the ships red"),
    ("fr", "enlève le perroquet"),
    ("fr", "fais tomber la neige et mets une musique épique"),
    ("es", "que los barcos naveguen más rápido"),
    ("de", "mehr Nebel"),
    ("en", "in ten seconds a whale shows up"),
    ("en", "play some music"),
    ("en", "make the noisy ones go away"),
    ("fr", "ajoute quelque chose d'effrayant"),
    ("en", "could you change the weather"),
];

pub fn bench(args: &BenchEditArgs) -> anyhow::Result<ExitCode> {
    let scene = load_scene(&args.scene)?;
    let mut pipeline =
        Pipeline::new(PipelineConfig { backend: Backend::Local { model: args.model.clone(), threads: None }, ..Default::default() });
    let world = World::of(scene, 0);
    let t0 = Instant::now();
    pipeline.edit(&world, "make it night", &mut |_| {})?;
    println!("model load + first edit: {:.2} s", t0.elapsed().as_secs_f64());
    println!("{:<50} {:>8} {:>8} {:>9}  result", "instruction", "read ms", "plan ms", "total ms");
    let mut totals = Vec::new();
    for (_, instruction) in BENCH_INSTRUCTIONS {
        for _ in 0..args.repeat.max(1) {
            let (read_ms, plan_ms, line) = time_edit(&mut pipeline, &world, instruction);
            totals.push(read_ms + plan_ms);
            println!("{instruction:<50} {read_ms:>8.0} {plan_ms:>8.1} {:>9.0}  {line}", read_ms + plan_ms);
        }
    }
    let (median, p95) = median_p95(&mut totals);
    println!("instruction → edited, planned scene: median {median:.3} s, p95 {p95:.2} s (target ≤ 1.5 s: {:.2}× of it)", median / 1.5);
    if args.speech {
        bench_speech(&mut pipeline, &world)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads and carries out one instruction: (ms reading it, ms applying and re-planning, the line).
fn time_edit(pipeline: &mut Pipeline, world: &World, instruction: &str) -> (f64, f64, String) {
    let t = Instant::now();
    let understood = pipeline.understand(world, instruction, &mut |_| {});
    let read_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t_plan = Instant::now();
    let result = understood.map_err(anyhow::Error::from).and_then(|u| Ok(pipeline.carry_out(world, instruction, u, &mut |_| {})?));
    let plan_ms = t_plan.elapsed().as_secs_f64() * 1000.0;
    let line = match &result {
        Ok(said) => said.line(),
        Err(e) => format!("refused: {e:#}"),
    };
    (read_ms, plan_ms, line)
}

fn median_p95(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: usize| values[(values.len() * q / 100).min(values.len() - 1)] / 1000.0;
    (at(50), at(95))
}

/// End of speech → edited scene: each instruction spoken by espeak-ng, transcribed on the
/// device, then read and carried out.
fn bench_speech(pipeline: &mut Pipeline, world: &World) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut totals = Vec::new();
    println!("{:<50} {:>8} {:>9}  heard", "spoken instruction", "hear ms", "total ms");
    for (i, (voice, instruction)) in BENCH_INSTRUCTIONS.iter().enumerate() {
        let wav = dir.path().join(format!("{i}.wav"));
        // espeak-ng's own default speed.
        espeak(instruction, voice, 175, &wav)?;
        let clip = read_wav(&wav)?;
        let t = Instant::now();
        let heard = pipeline.hear(&clip, &mut |_| {})?;
        let hear_ms = t.elapsed().as_secs_f64() * 1000.0;
        let (read_ms, plan_ms, line) = time_edit(pipeline, world, &heard.text);
        let total = hear_ms + read_ms + plan_ms;
        // The first clip also loads the speech model: not part of the steady state.
        if i > 0 {
            totals.push(total);
        }
        println!("{instruction:<50} {hear_ms:>8.0} {total:>9.0}  “{}” → {line}", heard.text);
    }
    let (median, p95) = median_p95(&mut totals);
    println!("end of speech → edited, planned scene: median {median:.2} s, p95 {p95:.2} s (target ≤ 2.5 s: {:.2}× of it)", median / 2.5);
    Ok(())
}
