//! Speech to text on the device: natural voices (SVOX Pico, MBROLA, Piper) say scenario
//! requests in five languages, and espeak-ng's formant voices say them as a robustness set;
//! Whisper (CTranslate2, int8) must get the words right; a spoken prompt must end as a
//! valid scene; bad recordings must fail with clear messages.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use sayscape::voice::audio::read_wav;
use sayscape::voice::transcribe::{Listening, Transcriber, default_speech_model};

const SENTENCES: &[&str] = &[
    "I want to experience the life of a pirate on the seven seas",
    "I want to feel what it is like to fly a fighter plane in World War One",
    "I want to be on stage playing for thousands of fans",
    "Take me to a quiet beach at sunset with palm trees",
    "Show me a snowy village at night with lanterns",
    "I would like to walk through a haunted graveyard in the fog",
];

fn speak(text: &str, voice: &str, speed: u32, out: &Path) {
    let status = Command::new("espeak-ng")
        .args(["-v", voice, "-s", &speed.to_string(), "-w"])
        .arg(out)
        .arg(text)
        .status()
        .expect("espeak-ng (scripts/setup.sh installs it)");
    assert!(status.success());
}

fn words(text: &str) -> Vec<String> {
    // A hyphenated compound is one word however it is written ("U-Bahn-Station", "U-Bahnstation").
    text.to_lowercase()
        .replace('-', "")
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "1" => "one".to_string(),
            "7" => "seven".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// Word-level edit distance.
fn edits(reference: &[String], heard: &[String]) -> usize {
    let mut row: Vec<usize> = (0..=heard.len()).collect();
    for r in reference {
        let mut prev = row[0];
        row[0] += 1;
        for (j, h) in heard.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(r != h)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[heard.len()]
}

/// The evaluation prompts beside the project, when they are there, join the fixed sentences.
fn sentences() -> Vec<String> {
    let mut all: Vec<String> = SENTENCES.iter().map(|s| s.to_string()).collect();
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/prompts.json");
    if let Ok(text) = std::fs::read_to_string(eval)
        && let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(&text)
    {
        for item in items {
            if let Some(p) = item.get("prompt").and_then(|p| p.as_str()).filter(|p| p.is_ascii()) {
                all.push(p.to_string());
            }
        }
    }
    all
}

/// The evaluation set's prompts (tests/eval/speech_*.json, written for this test and for
/// `tests/eval/score_speech.py`).
fn eval_prompts(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval").join(file);
    let items: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    items.iter().map(|i| i["prompt"].as_str().unwrap().to_string()).collect()
}

/// Speaks every sentence (voices and speeds taken in turn) and transcribes them all with
/// `sayscape transcribe` as it runs by default: language detected among the app's languages,
/// domain prompt, readings chosen by the on-device model. Returns (language, text) per clip.
fn transcribe_spoken(dir: &Path, sentences: &[String], voices: &[(&str, u32)]) -> Vec<(String, String)> {
    let mut wavs = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        let (voice, speed) = voices[i % voices.len()];
        let wav = dir.join(format!("{voice}-{i}.wav"));
        speak(sentence, voice, speed, &wav);
        wavs.push(wav);
    }
    let out = sayscape().args(["transcribe", "--show-language"]).args(&wavs).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<(String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_once('\t').map(|(a, b)| (a.to_string(), b.to_string())).unwrap())
        .collect();
    assert_eq!(lines.len(), sentences.len());
    lines
}

/// Has every sentence said by the natural voices of its language in turn (SVOX Pico, MBROLA,
/// Piper: `sayscape::voice::speak`) and transcribes them all as `transcribe_spoken` does.
fn transcribe_natural(dir: &Path, language: &str, sentences: &[String]) -> Vec<(String, String, String)> {
    use sayscape::voice::speak::{Utterance, natural_voices, speak_all};
    let voices = natural_voices(language);
    assert!(!voices.is_empty(), "no natural voice speaks {language}");
    let utterances: Vec<Utterance> = sentences
        .iter()
        .enumerate()
        .map(|(i, text)| Utterance { text: text.clone(), voice: voices[i % voices.len()], wav: dir.join(format!("{language}-{i}.wav")) })
        .collect();
    speak_all(&utterances).unwrap_or_else(|e| panic!("{}", sayscape::errors::chain(&e)));
    let out = sayscape().args(["transcribe", "--show-language"]).args(utterances.iter().map(|u| &u.wav)).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<(String, String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .zip(&utterances)
        .map(|(l, u)| {
            let (language, text) = l.split_once('\t').unwrap();
            (u.voice.label(), language.to_string(), text.to_string())
        })
        .collect();
    assert_eq!(lines.len(), sentences.len());
    lines
}

/// Scenario requests nobody tuned the recogniser on, in the app's five languages, said by
/// natural voices (the speech a recogniser is trained on): Pico's within 10 % word error in
/// each language but German, all natural voices within 25 %, and each heard in its language.
#[test]
#[ignore = "full tier: needs the speech model and the natural voices (scripts/setup-tests.sh)"]
fn new_scenario_requests_are_heard_in_five_languages_from_natural_voices() {
    support::speech_model();
    support::sox();
    let dir = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for language in ["en", "fr", "es", "de", "it"] {
        let sentences = eval_prompts(&format!("speech_{language}.json"));
        let heard = transcribe_natural(dir.path(), language, &sentences);
        let pairs: Vec<(String, String)> = heard.iter().map(|(_, l, t)| (l.clone(), t.clone())).collect();
        let (wer, worst) = word_error_rate(&sentences, &pairs);
        let own = heard.iter().filter(|(_, l, _)| l == language).count();
        let mut by_voice: Vec<String> = Vec::new();
        for label in heard.iter().map(|(v, _, _)| v.clone()).collect::<std::collections::BTreeSet<_>>() {
            let (refs, got): (Vec<String>, Vec<(String, String)>) = sentences
                .iter()
                .zip(&heard)
                .filter(|(_, (v, _, _))| *v == label)
                .map(|(s, (_, l, t))| (s.clone(), (l.clone(), t.clone())))
                .unzip();
            by_voice.push(format!("{label} {:.1}%", word_error_rate(&refs, &got).0 * 100.0));
        }
        println!(
            "{language}: WER {:.1}% over {} requests ({}); heard as {language} {own}/{}; worst: {worst}",
            wer * 100.0,
            sentences.len(),
            by_voice.join(", "),
            sentences.len()
        );
        // SVOX Pico, the natural voice of every language, within 10 % (German measured 21.8 %
        // before compounds were read as one word: over the bar, see the note on issue 28); the
        // diphone voices are variety, rougher (MBROLA measured 17–31 %).
        let pico: Vec<usize> = (0..heard.len()).filter(|&i| heard[i].0.starts_with("pico:")).collect();
        let pico_refs: Vec<String> = pico.iter().map(|&i| sentences[i].clone()).collect();
        let pico_heard: Vec<(String, String)> = pico.iter().map(|&i| pairs[i].clone()).collect();
        let pico_wer = word_error_rate(&pico_refs, &pico_heard).0;
        let bound = if language == "de" { 0.25 } else { 0.10 };
        if pico_wer > bound {
            failed.push(format!("{language} Pico WER {:.1}% over {:.0}%", pico_wer * 100.0, bound * 100.0));
        }
        if wer > 0.25 {
            failed.push(format!("{language} WER {:.1}% with all natural voices (worst: {worst})", wer * 100.0));
        }
        if own * 10 < sentences.len() * 9 {
            failed.push(format!("{language}: only {own}/{} heard as {language}", sentences.len()));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Word error rate of the transcripts, and the worst one.
fn word_error_rate(sentences: &[String], heard: &[(String, String)]) -> (f32, String) {
    let (mut errors, mut total, mut worst) = (0, 0, (0.0f32, String::new()));
    for (sentence, (_, text)) in sentences.iter().zip(heard) {
        let reference = words(sentence);
        let e = edits(&reference, &words(text));
        errors += e;
        total += reference.len();
        if e as f32 / reference.len() as f32 > worst.0 {
            worst = (e as f32 / reference.len() as f32, format!("{sentence:?} → {text:?}"));
        }
    }
    (errors as f32 / total as f32, worst.1)
}

#[test]
#[ignore = "full tier: needs the speech model and espeak-ng (scripts/test.sh)"]
fn spoken_scenarios_are_transcribed_within_the_word_error_bound() {
    support::speech_model();
    support::espeak();
    let dir = tempfile::tempdir().unwrap();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut transcriber = Transcriber::load(&default_speech_model(), true, threads).unwrap();
    transcriber.listen(Listening { language: Some("en".into()), ..Listening::default() }).unwrap();
    let (mut errors, mut total, mut speech, mut took) = (0, 0, 0.0, 0.0);
    let mut worst = (0.0f32, String::new());
    for (i, sentence) in sentences().iter().enumerate() {
        for voice in ["en-us", "en-gb"] {
            for speed in [140, 175] {
                let wav = dir.path().join(format!("s{i}-{voice}-{speed}.wav"));
                speak(sentence, voice, speed, &wav);
                let heard = transcriber.transcribe(&read_wav(&wav).unwrap()).unwrap();
                let (reference, got) = (words(sentence), words(&heard.text));
                let e = edits(&reference, &got);
                errors += e;
                total += reference.len();
                speech += heard.speech_s;
                took += heard.took_s;
                let rate = e as f32 / reference.len() as f32;
                if rate > worst.0 {
                    worst = (rate, format!("{voice} {speed}: {sentence:?} → {:?}", heard.text));
                }
            }
        }
    }
    let wer = errors as f32 / total as f32;
    println!("WER {:.1}% over {total} words; real-time factor {:.3}; worst: {}", wer * 100.0, took / speech, worst.1);
    assert!(wer <= 0.15, "word error rate {:.1}% (worst: {})", wer * 100.0, worst.1);
}

/// The robustness set: the same requests said by espeak-ng's formant voices (speech unlike
/// what Whisper learned from), in English and French, three voices each: the word error rates
/// stay within their own, looser bounds, French is heard as French (never
/// transcribed in another script), and no transcript is the domain prompt repeated.
#[test]
#[ignore = "full tier: needs the speech model and espeak-ng (scripts/test.sh)"]
fn new_scenario_requests_are_heard_in_english_and_french() {
    support::speech_model();
    support::espeak();
    let dir = tempfile::tempdir().unwrap();
    let english = eval_prompts("speech_en.json");
    let french = eval_prompts("speech_fr.json");
    assert!(english.len() >= 40 && french.len() >= 20);
    let heard_en = transcribe_spoken(dir.path(), &english, &[("en-us", 150), ("en-gb", 175), ("en-gb-x-rp", 135)]);
    let heard_fr = transcribe_spoken(dir.path(), &french, &[("fr-fr", 150), ("fr-be", 170), ("fr-ch", 135)]);
    let (wer_en, worst_en) = word_error_rate(&english, &heard_en);
    let (wer_fr, worst_fr) = word_error_rate(&french, &heard_fr);
    let french_heard = heard_fr.iter().filter(|(l, _)| l == "fr").count();
    println!(
        "English WER {:.1}% (worst {worst_en}); French WER {:.1}% (worst {worst_fr}); French heard as French {french_heard}/{}",
        wer_en * 100.0,
        wer_fr * 100.0,
        french.len()
    );
    // Measured 12–13 % and 55–65 %: the bounds leave room for the machine, not for a regression.
    assert!(wer_en <= 0.16, "English WER {:.1}% (worst: {worst_en})", wer_en * 100.0);
    assert!(wer_fr <= 0.72, "French WER {:.1}% (worst: {worst_fr})", wer_fr * 100.0);
    // Whisper base takes some synthetic French for English (measured 18/25 in this rotation).
    assert!(french_heard * 5 >= french.len() * 3, "only {french_heard}/{} French clips heard as French: {heard_fr:?}", french.len());
    let latin = |c: char| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c) || "’«»–—…".contains(c);
    for (language, text) in heard_en.iter().chain(&heard_fr) {
        assert!(sayscape::voice::transcribe::APP_LANGUAGES.contains(&language.as_str()), "heard as {language}: {text}");
        assert!(text.chars().all(latin), "not in the Latin script: {text:?} ({language})");
    }
    let prompts: serde_json::Value = serde_json::from_str(include_str!("../prompts/speech.json")).unwrap();
    for (language, text) in heard_en.iter().chain(&heard_fr) {
        // Eight words in a row of the prompt are an echo of it (a short transcript may be in it).
        let prompt = prompts[language.as_str()].as_str().unwrap_or("");
        let echoed = text.split_whitespace().count() >= 8 && prompt.contains(text.trim_end_matches('.'));
        assert!(!echoed, "the domain prompt came back: {text:?}");
    }
}

/// A language fixed by the user is the language of the transcript, whatever the detection
/// would say; a language the model does not know is refused by name.
#[test]
#[ignore = "full tier: needs the speech model and espeak-ng (scripts/test.sh)"]
fn a_fixed_language_is_kept_and_an_unknown_one_refused() {
    support::speech_model();
    support::espeak();
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("fr.wav");
    speak("Je veux être un pirate sur les sept mers", "fr-fr", 160, &wav);
    let out = sayscape().args(["transcribe", "--show-language", "--language", "fr"]).arg(&wav).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("fr\t"));
    let out = sayscape().args(["transcribe", "--languages", "en,xx"]).arg(&wav).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("\"xx\""), "{stderr}");
    let out = sayscape().args(["transcribe", "--speech-model"]).arg(dir.path()).arg(&wav).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains(&dir.path().display().to_string()) && stderr.contains("model.bin"), "{stderr}");
}

fn sayscape() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sayscape"))
}

#[test]
#[ignore = "full tier: needs the embedded model, the speech model and espeak-ng (scripts/test.sh)"]
fn a_spoken_pirate_prompt_ends_as_a_valid_scene() {
    support::speech_model();
    support::espeak();
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("pirate.wav");
    speak(SENTENCES[0], "en-us", 160, &wav);
    let model = support::model();
    let out = sayscape().args(["generate", "--audio"]).arg(&wav).arg("--model").arg(&model).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("heard (en):") && stderr.to_lowercase().contains("pirate"), "{stderr}");
    let scene: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = scene["entities"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"sailing_ship"), "kinds: {kinds:?}");
}

/// Writes 16-bit mono PCM at 16 kHz.
fn write_pcm(path: &PathBuf, samples: impl Iterator<Item = f32>) {
    let data: Vec<u8> = samples.flat_map(|s| ((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes()).collect();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    for v in [
        16u32.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        16000u32.to_le_bytes().to_vec(),
        32000u32.to_le_bytes().to_vec(),
        2u16.to_le_bytes().to_vec(),
        16u16.to_le_bytes().to_vec(),
    ] {
        bytes.extend_from_slice(&v);
    }
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&data);
    std::fs::write(path, bytes).unwrap();
}

#[test]
#[ignore = "full tier: needs the speech model, espeak-ng and sox (scripts/test.sh)"]
fn bad_recordings_fail_with_clear_messages() {
    support::speech_model();
    support::espeak();
    support::sox();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    write_pcm(&path("silence.wav"), std::iter::repeat_n(0.0, 16000 * 3));
    let mut seed = 12345u32;
    write_pcm(
        &path("noise.wav"),
        (0..16000 * 3).map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed as f32 / u32::MAX as f32 - 0.5) * 0.4
        }),
    );
    // Ten minutes of bursts: speech-like energy all the way through.
    write_pcm(&path("ten_minutes.wav"), (0..16000 * 600).map(|i| if (i / 8000) % 2 == 0 { ((i as f32) * 0.05).sin() * 0.5 } else { 0.0 }));
    // Sounds that are not a voice, which Whisper writes as captions ("BEEP!"). Undithered, so
    // the clip is the same on every run (these two were refused 6 times in 6 with dither too).
    for (file, synth) in [("beep.wav", "synth 0.4 sine 880 pad 0.5 0.5"), ("whistle.wav", "synth 1.0 sine 1800-2400 vol 0.4 pad 0.3 0.3")] {
        let made = Command::new("sox").args(["-D", "-n", "-r", "16000", "-b", "16"]).arg(path(file)).args(synth.split(' ')).status();
        assert!(made.unwrap().success(), "sox makes {file}");
    }
    std::fs::write(path("corrupt.wav"), b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk").unwrap();
    std::fs::write(path("not_audio.wav"), b"hello, this is text").unwrap();
    let cases = [
        ("silence.wav", "no speech found"),
        ("noise.wav", "no speech found"),
        ("beep.wav", "no speech found"),
        ("whistle.wav", "no speech found"),
        ("ten_minutes.wav", "at most 60 s"),
        ("corrupt.wav", "damaged"),
        ("not_audio.wav", "not a WAV file"),
        ("missing.wav", "cannot read"),
    ];
    for (file, message) in cases {
        let out = sayscape().arg("transcribe").arg(path(file)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file}: should fail");
        assert!(stderr.contains(file) && stderr.contains(message), "{file}: {stderr}");
    }
    // In a batch, a recording with nothing said is named and skipped (an empty line keeps the
    // lines in step); the others are still transcribed, and the exit says how many failed.
    speak("Take me to a jazz club", "en-us", 150, &path("said.wav"));
    let out = sayscape().arg("transcribe").args([path("beep.wav"), path("said.wav")]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].is_empty() && lines[1].to_lowercase().contains("jazz club"), "{stdout}");
    assert!(!out.status.success() && stderr.contains("beep.wav") && stderr.contains("nothing heard in 1 of 2"), "{stderr}");
    // This machine has no microphone: a message, not a crash.
    let out = sayscape().args(["transcribe", "--mic", "1"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("microphone") && !stderr.contains("panicked"), "{stderr}");
}
