//! `sayscape transcribe` (speech to text on the device) and `sayscape bench voice`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use sayscape::voice::audio::read_wav;
use sayscape::voice::capture::Recorder;
use sayscape::voice::transcribe::{Transcriber, Transcript, default_speech_model};

#[derive(Args, Debug)]
pub struct TranscribeArgs {
    /// A WAV file (any rate, PCM or float); omit with --mic.
    #[arg(required_unless_present = "mic")]
    pub wav: Option<PathBuf>,
    /// Record this many seconds from the microphone instead.
    #[arg(long, conflicts_with = "wav")]
    pub mic: Option<f32>,
    /// The spoken language ("en", "fr", …); detected when omitted.
    #[arg(long)]
    pub language: Option<String>,
}

fn load(int8: bool) -> anyhow::Result<Transcriber> {
    Ok(Transcriber::load(&default_speech_model(), int8, sayscape::pipeline::cores() as usize)?)
}

/// Transcribes the speech in a WAV file with the on-device model.
pub fn transcribe_file(wav: &Path, language: Option<String>, int8: bool) -> anyhow::Result<Transcript> {
    let clip = read_wav(wav)?;
    let transcriber = load(int8)?.with_language(language);
    transcriber.transcribe(&clip).map_err(|e| anyhow::anyhow!("{}: {e}", wav.display()))
}

pub fn transcribe(args: &TranscribeArgs) -> anyhow::Result<ExitCode> {
    let heard = match (&args.wav, args.mic) {
        (Some(wav), _) => transcribe_file(wav, args.language.clone(), true)?,
        (None, Some(seconds)) => {
            if !(0.5..=60.0).contains(&seconds) {
                anyhow::bail!("--mic {seconds}: record from 0.5 to 60 seconds");
            }
            let recorder = Recorder::start()?;
            eprintln!("[voice] listening for {seconds:.0} s …");
            std::thread::sleep(std::time::Duration::from_secs_f32(seconds));
            let clip = recorder.stop();
            load(true)?.with_language(args.language.clone()).transcribe(&clip)?
        }
        (None, None) => anyhow::bail!("give a WAV file or --mic SECONDS"),
    };
    eprintln!("[voice] {:.1} s of speech in {:.2} s (real-time factor {:.2})", heard.speech_s, heard.took_s, heard.real_time_factor());
    println!("{}", heard.text);
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct BenchVoiceArgs {
    /// WAV files of speech to time.
    #[arg(required = true)]
    pub wavs: Vec<PathBuf>,
    /// The spoken language; detected (one more encoder pass) when omitted.
    #[arg(long)]
    pub language: Option<String>,
}

/// Real-time factor of the recogniser, int8 against float32, and the time from the end of
/// speech to the transcript.
pub fn bench(args: &BenchVoiceArgs) -> anyhow::Result<ExitCode> {
    let clips: Vec<_> = args.wavs.iter().map(|w| read_wav(w)).collect::<Result<_, _>>()?;
    for (name, int8) in [("float32", false), ("int8", true)] {
        let t0 = Instant::now();
        let transcriber = load(int8)?.with_language(args.language.clone());
        let load_s = t0.elapsed().as_secs_f32();
        // One warm-up so the figures are steady-state.
        transcriber.transcribe(&clips[0])?;
        let (mut speech, mut took, mut worst) = (0.0f32, 0.0f32, 0.0f32);
        for clip in &clips {
            let heard = transcriber.transcribe(clip)?;
            speech += heard.speech_s;
            took += heard.took_s;
            worst = worst.max(heard.took_s);
        }
        println!(
            "{name:>7}: load {load_s:.2} s; {:.1} s of speech in {took:.2} s: real-time factor {:.3} (target ≤ 0.2: ratio {:.2}); end of speech → transcript: mean {:.2} s, worst {worst:.2} s",
            speech,
            took / speech,
            took / speech / 0.2,
            took / clips.len() as f32
        );
    }
    Ok(ExitCode::SUCCESS)
}
