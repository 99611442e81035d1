//! `sayscape transcribe` (speech to text on the device), `sayscape bench voice`, and the
//! speech options every command that listens shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use clap::Args;
use sayscape::pipeline::{Backend, Pipeline, PipelineConfig, PipelineError};
use sayscape::voice::VoiceError;
use sayscape::voice::audio::{Clip, read_wav};
use sayscape::voice::capture::Recorder;
use sayscape::voice::transcribe::{Listening, Transcript};

/// How speech is heard: the model, the language, the domain prompt.
#[derive(Args, Debug, Clone, Default)]
pub struct SpeechArgs {
    /// The spoken language ("en", "fr", …); detected from the audio when omitted.
    #[arg(long, env = "SAYSCAPE_LANGUAGE")]
    pub language: Option<String>,
    /// The languages a detection chooses among, comma-separated [default: en,fr,es,de,it].
    #[arg(long, env = "SAYSCAPE_LANGUAGES", value_name = "CODES")]
    pub languages: Option<String>,
    /// A Whisper model folder in CTranslate2 format [default: SAYSCAPE_SPEECH_MODEL, or the
    /// Whisper base the set-up script fetched].
    #[arg(long, value_name = "DIR")]
    pub speech_model: Option<PathBuf>,
    /// Transcribe without the app's domain prompt (to measure what it does).
    #[arg(long)]
    pub no_domain_prompt: bool,
    /// Take the recogniser's best reading as it is, without the language model choosing
    /// among its readings (to measure what that does).
    #[arg(long)]
    pub no_rescore: bool,
}

impl SpeechArgs {
    /// Settings for commands that take no speech options (the window's defaults).
    pub fn from_env() -> SpeechArgs {
        SpeechArgs {
            language: std::env::var("SAYSCAPE_LANGUAGE").ok().filter(|l| !l.is_empty()),
            languages: std::env::var("SAYSCAPE_LANGUAGES").ok().filter(|l| !l.is_empty()),
            ..SpeechArgs::default()
        }
    }

    pub fn listening(&self) -> Listening {
        Listening {
            domain_prompt: !self.no_domain_prompt,
            rescore: !self.no_rescore,
            ..Listening::new(self.language.clone(), self.languages.as_deref())
        }
    }

    /// A pipeline's settings with these speech options.
    pub fn config(&self, backend: Backend) -> PipelineConfig {
        PipelineConfig { backend, speech_model: self.speech_model.clone(), listening: self.listening() }
    }

    /// A pipeline that hears this way; `model` (or the default one) chooses among the
    /// recogniser's readings unless rescoring is off.
    pub fn pipeline(&self, model: Option<&Path>) -> Pipeline {
        Pipeline::new(self.config(Backend::Local { model: model.map(Path::to_path_buf), threads: None }))
    }
}

/// Speech → transcript as the pipeline hears it; the time includes the rescoring.
fn hear(pipeline: &mut Pipeline, clip: &Clip) -> Result<Transcript, PipelineError> {
    let t0 = Instant::now();
    let mut heard = pipeline.hear(clip, &mut |_| {})?;
    heard.took_s = t0.elapsed().as_secs_f32();
    Ok(heard)
}

/// A failure that belongs to one recording (nothing said, too long): the others are still
/// worth transcribing. Anything else (the model) would fail them all alike.
fn is_the_clip_s(error: &PipelineError) -> bool {
    matches!(error, PipelineError::Voice(VoiceError::NoSpeech | VoiceError::TooLong { .. }))
}

#[derive(Args, Debug)]
pub struct TranscribeArgs {
    /// WAV files (any rate, PCM or float), one transcript line each; omit with --mic.
    #[arg(required_unless_present = "mic")]
    pub wavs: Vec<PathBuf>,
    /// Record this many seconds from the microphone instead.
    #[arg(long, conflicts_with = "wavs")]
    pub mic: Option<f32>,
    /// Print the language heard before each transcript ("fr\tla vie d'un pirate").
    #[arg(long)]
    pub show_language: bool,
    /// Print the beam's readings, with their scores, on stderr.
    #[arg(long)]
    pub hypotheses: bool,
    /// GGUF model that chooses among the readings [default: SAYSCAPE_MODEL or the embedded
    /// default model].
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub speech: SpeechArgs,
}

pub fn transcribe(args: &TranscribeArgs) -> anyhow::Result<ExitCode> {
    let clips: Vec<(String, Clip)> = match args.mic {
        Some(seconds) => {
            if !(0.5..=60.0).contains(&seconds) {
                bail!("--mic {seconds}: record from 0.5 to 60 seconds");
            }
            let recorder = Recorder::start()?;
            eprintln!("[voice] listening for {seconds:.0} s …");
            std::thread::sleep(std::time::Duration::from_secs_f32(seconds));
            vec![("the microphone".to_string(), recorder.stop())]
        }
        // Every file is read before the model loads, so a bad one fails fast.
        None => args.wavs.iter().map(|w| Ok((w.display().to_string(), read_wav(w)?))).collect::<anyhow::Result<_>>()?,
    };
    let mut pipeline = args.speech.pipeline(args.model.as_deref());
    let mut unheard = Vec::new();
    for (name, clip) in &clips {
        let heard = match hear(&mut pipeline, clip) {
            Ok(heard) => heard,
            // Still one line per recording on stdout (empty), so scripts stay in step.
            Err(e) if is_the_clip_s(&e) => {
                eprintln!("error: {name}: {e}");
                println!();
                unheard.push(name.as_str());
                continue;
            }
            Err(e) => return Err(anyhow::Error::new(e).context(name.clone())),
        };
        if args.hypotheses {
            for h in &heard.hypotheses {
                eprintln!("[voice]   {:.3} × {} tokens: {}", h.score, h.tokens, h.text);
            }
        }
        eprintln!(
            "[voice] {name}: {:.1} s of speech in {:.2} s (real-time factor {:.2}), {}, no-speech probability {:.2}",
            heard.speech_s,
            heard.took_s,
            heard.real_time_factor(),
            heard.language,
            heard.no_speech
        );
        if args.show_language {
            println!("{}\t{}", heard.language, heard.text);
        } else {
            println!("{}", heard.text);
        }
    }
    if !unheard.is_empty() {
        bail!("nothing heard in {} of {} recordings: {}", unheard.len(), clips.len(), unheard.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// Speaks `text` with espeak-ng into a WAV file (benchmarks and tests).
pub fn espeak(text: &str, voice: &str, words_per_minute: u32, wav: &Path) -> anyhow::Result<()> {
    let spoke =
        std::process::Command::new("espeak-ng").args(["-v", voice, "-s", &words_per_minute.to_string(), "-w"]).arg(wav).arg(text).status();
    if !spoke.is_ok_and(|s| s.success()) {
        bail!("espeak-ng could not speak {text:?} (is it installed? scripts/setup.sh installs it)");
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct BenchVoiceArgs {
    /// WAV files of speech to time [default: scenario sentences spoken by espeak-ng, 3–5 s each].
    pub wavs: Vec<PathBuf>,
    /// GGUF model that chooses among the readings [default: SAYSCAPE_MODEL or the embedded
    /// default model].
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub speech: SpeechArgs,
}

/// Scenario requests of about 4 s when espeak-ng speaks them, in English and French.
const BENCH_SENTENCES: &[(&str, &str)] = &[
    ("en-us", "I want to sail a pirate ship through a storm at night"),
    ("en-gb", "take me to a jazz club in New York in the twenties"),
    ("en-us", "show me three dragons flying over a snowy castle"),
    ("fr-fr", "je veux voler en biplan au-dessus des tranchées"),
    ("fr-fr", "emmène-moi sur la Lune avec les astronautes"),
    ("en-gb", "an elephant herd at a waterhole at sunset"),
];

/// Real-time factor of the recogniser and the time from the end of speech to the transcript:
/// as the app hears (int8, domain prompt, readings rescored), with the prompt only, and
/// without the domain help.
pub fn bench(args: &BenchVoiceArgs) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let wavs: Vec<PathBuf> = if args.wavs.is_empty() {
        let mut wavs = Vec::new();
        for (i, (voice, sentence)) in BENCH_SENTENCES.iter().enumerate() {
            let wav = dir.path().join(format!("{i}.wav"));
            espeak(sentence, voice, 160, &wav)?;
            wavs.push(wav);
        }
        wavs
    } else {
        args.wavs.clone()
    };
    let clips: Vec<_> = wavs.iter().map(|w| read_wav(w)).collect::<Result<_, _>>()?;
    for (name, prompt, rescore) in [("prompt + rescoring", true, true), ("prompt only", true, false), ("no domain help", false, false)] {
        let t0 = Instant::now();
        let speech = SpeechArgs { no_domain_prompt: !prompt, no_rescore: !rescore, ..args.speech.clone() };
        let mut pipeline = speech.pipeline(args.model.as_deref());
        // The first clip loads the models and warms them up: the figures are steady-state.
        hear(&mut pipeline, &clips[0])?;
        let load_s = t0.elapsed().as_secs_f32();
        let (mut spoken, mut took, mut worst, mut per_4s) = (0.0f32, 0.0f32, 0.0f32, Vec::new());
        for clip in &clips {
            let heard = hear(&mut pipeline, clip)?;
            spoken += heard.speech_s;
            took += heard.took_s;
            worst = worst.max(heard.took_s);
            // End of speech → transcript, scaled to a 4 s clip: the yardstick.
            per_4s.push(heard.took_s * 4.0 / heard.speech_s);
        }
        let mean_4s = per_4s.iter().sum::<f32>() / per_4s.len() as f32;
        println!(
            "int8, {name:>18}: load and first clip {load_s:.2} s; {spoken:.1} s of speech in {took:.2} s: real-time factor {:.3} (target ≤ 0.2: ratio {:.2}); end of speech → transcript: mean {:.2} s, worst {worst:.2} s, per 4 s of speech {mean_4s:.2} s (target ≤ 0.8: ratio {:.2})",
            took / spoken,
            took / spoken / 0.2,
            took / clips.len() as f32,
            mean_4s / 0.8
        );
    }
    Ok(ExitCode::SUCCESS)
}
