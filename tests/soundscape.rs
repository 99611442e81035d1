//! The soundscape rendered offline through kira, checked on its signal: level, clipping,
//! spectrum, stereo placement, weather crossfades; and every sound kind actually sounds.

use std::path::Path;
use std::process::Command;

use sayscape::audio::analysis::{Figures, analyse};
use sayscape::audio::offline::{OUTPUT_RATE, render};
use sayscape::audio::voices::voice;
use sayscape::plan::plan;
use sayscape::scene::{SoundKind, load_scene, scene_from_value};

fn scene_figures(name: &str, seconds: f32) -> Figures {
    let scene = load_scene(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes").join(name)).unwrap();
    let recording = render(&plan(&scene, 0), seconds).unwrap();
    analyse(&recording.samples, OUTPUT_RATE)
}

#[test]
fn the_three_scenarios_are_audible_unclipped_and_sound_different() {
    let sea = scene_figures("pirate_seven_seas.json", 12.0);
    let stage = scene_figures("concert_stage.json", 12.0);
    let sky = scene_figures("ww1_fighter_plane.json", 12.0);
    for (name, f) in [("pirate", &sea), ("concert", &stage), ("ww1", &sky)] {
        assert!(f.rms_dbfs > -35.0, "{name}: too quiet ({:.1} dBFS)", f.rms_dbfs);
        assert!(f.rms_dbfs < -6.0, "{name}: too loud ({:.1} dBFS)", f.rms_dbfs);
        assert_eq!(f.clipped, 0, "{name}: {} clipped samples", f.clipped);
        assert!(f.peak < 0.95, "{name}: peak {:.3}", f.peak);
    }
    // The sea is a low roar; a rock concert has far more energy up high.
    assert!(stage.centroid_hz > sea.centroid_hz * 1.3, "concert centroid {:.0} Hz vs sea {:.0} Hz", stage.centroid_hz, sea.centroid_hz);
    assert!(sea.bands[0] > stage.bands[0], "sea low band {:.2} vs concert {:.2}", sea.bands[0], stage.bands[0]);
    assert!(stage.bands[2] > sea.bands[2] * 2.0, "concert high band {:.3} vs sea {:.3}", stage.bands[2], sea.bands[2]);
}

#[test]
fn every_sound_kind_makes_a_sound() {
    let kinds: Vec<SoundKind> = serde_json::from_value(sayscape::scene::scene_schema()["$defs"]["SoundKind"]["enum"].clone()).unwrap();
    assert!(kinds.len() >= 28, "all sound kinds are enumerated");
    for kind in kinds {
        let mut v = voice(kind, 3);
        let mut buf = vec![0.0f32; OUTPUT_RATE as usize * 8];
        v.fill(&mut buf);
        assert!(buf.iter().all(|s| s.is_finite()), "{kind:?}: not finite");
        let rms = (buf.iter().map(|s| s * s).sum::<f32>() / buf.len() as f32).sqrt();
        assert!(rms > 1e-3, "{kind:?}: silent (RMS {rms})");
    }
}

fn one_emitter_scene(x: f32) -> serde_json::Value {
    serde_json::json!({
        "format": "sayscape.scene/1", "title": "a fire to one side",
        "setting": {"terrain": "grassland", "time_of_day": "noon", "wind": 0.0},
        "player": {"vantage": "ground"},
        "entities": [{"id": "fire", "kind": "campfire", "placement": {"relation": "at", "position": [x, 0.0, 0.0]}}],
        "soundscape": {"emitters": [{"entity": "fire", "sound": "fire", "level": 1.0}]}
    })
}

#[test]
fn a_source_to_the_right_is_heard_on_the_right() {
    for (x, right_louder) in [(12.0, true), (-12.0, false)] {
        let scene = scene_from_value(&one_emitter_scene(x), "test").unwrap();
        let recording = render(&plan(&scene, 0), 3.0).unwrap();
        let energy = |c: usize| recording.samples.iter().skip(c).step_by(2).map(|s| s * s).sum::<f32>();
        let (left, right) = (energy(0), energy(1));
        let db = 10.0 * (right / left).log10();
        assert!(if right_louder { db > 3.0 } else { db < -3.0 }, "fire at x = {x}: right-left {db:.1} dB");
    }
}

#[test]
fn a_weather_beat_fades_the_storm_in() {
    let scene = scene_from_value(
        &serde_json::json!({
            "format": "sayscape.scene/1", "title": "a storm comes",
            "setting": {"terrain": "grassland", "time_of_day": "noon", "weather": "clear", "wind": 0.1},
            "player": {"vantage": "ground"}, "entities": [],
            "timeline": [{"at": 2.0, "event": "weather", "weather": "storm"}]
        }),
        "test",
    )
    .unwrap();
    let recording = render(&plan(&scene, 0), 9.0).unwrap();
    let rate = OUTPUT_RATE as usize * 2;
    let before = analyse(&recording.samples[..rate * 2], OUTPUT_RATE);
    let after = analyse(&recording.samples[rate * 7..], OUTPUT_RATE);
    assert!(after.rms_dbfs > before.rms_dbfs + 6.0, "before {:.1} dBFS, after {:.1} dBFS", before.rms_dbfs, after.rms_dbfs);
    assert!(after.bands[2] > before.bands[2], "rain adds high frequencies");
}

#[test]
fn the_command_writes_a_wav_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sea.wav");
    let bin = env!("CARGO_BIN_EXE_sayscape");
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/pirate_seven_seas.json");
    let ok = Command::new(bin).arg("soundscape").arg(&scene).args(["--seconds", "2", "--out"]).arg(&out).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(bytes.len(), 44 + 2 * 2 * 2 * OUTPUT_RATE as usize, "2 s of 16-bit stereo");
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(stderr.contains("dBFS") && stderr.contains("centroid"), "prints its figures: {stderr}");

    let bad =
        Command::new(bin).arg("soundscape").arg(&scene).args(["--seconds", "-1", "--out"]).arg(dir.path().join("x.wav")).output().unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("--seconds"));
    let missing = Command::new(bin)
        .arg("soundscape")
        .arg(dir.path().join("nope.json"))
        .args(["--out"])
        .arg(dir.path().join("y.wav"))
        .output()
        .unwrap();
    assert!(!missing.status.success() && String::from_utf8_lossy(&missing.stderr).contains("nope.json"));
    assert!(!dir.path().join("x.wav").exists() && !dir.path().join("y.wav").exists(), "nothing written on failure");
}

/// Rain on a village heard in the open, then from inside a stone tavern: the walls take the
/// highs off the rain, and the room rings (a longer tail after a sound stops).
#[test]
fn indoors_the_weather_is_muffled_and_the_room_rings() {
    let scene = |room: bool| {
        let mut v = serde_json::json!({
            "format": "sayscape.scene/1", "title": "rain",
            "setting": {"terrain": "grassland", "time_of_day": "evening", "weather": "rain", "wind": 0.1, "area_radius": 60},
            "player": {"vantage": "ground"}, "entities": [],
            "timeline": [{"at": 1.0, "event": "sound", "sound": "bells"}]
        });
        if room {
            v["setting"]["room"] = serde_json::json!({"purpose": "tavern", "size": [14, 20, 6], "walls": "stone", "floor": "stone", "ceiling": "stone", "windows": 2});
        }
        scene_from_value(&v, "test").unwrap()
    };
    let (outside, inside) = (render(&plan(&scene(false), 0), 8.0).unwrap(), render(&plan(&scene(true), 0), 8.0).unwrap());
    let rate = OUTPUT_RATE as usize * 2;
    // Before the bells: only the rain.
    let (rain_out, rain_in) = (analyse(&outside.samples[..rate], OUTPUT_RATE), analyse(&inside.samples[..rate], OUTPUT_RATE));
    assert!(
        rain_in.centroid_hz < rain_out.centroid_hz * 0.7,
        "rain centroid inside {:.0} Hz vs outside {:.0} Hz",
        rain_in.centroid_hz,
        rain_out.centroid_hz
    );
    assert!(
        rain_in.rms_dbfs < rain_out.rms_dbfs - 4.0,
        "rain inside {:.1} dBFS vs outside {:.1} dBFS",
        rain_in.rms_dbfs,
        rain_out.rms_dbfs
    );
    let acoustics = sayscape::audio::mix::Acoustics::of(scene(true).setting.room.as_ref().unwrap());
    assert!(acoustics.reverb_s > 1.0, "a stone hall rings for more than a second: {:.2} s", acoustics.reverb_s);
}

/// A fire alarm set off at 2 s that rings for a quarter of an hour: silent before its beat,
/// ringing from it on (within a block of the mixer), a bell's brightness around 1 kHz.
#[test]
fn an_alarm_beat_rings_from_its_moment_and_not_before() {
    let scene = scene_from_value(
        &serde_json::json!({
            "format": "sayscape.scene/1", "title": "the alarm goes off",
            "setting": {"terrain": "city", "time_of_day": "noon", "wind": 0.0,
                "room": {"purpose": "office", "size": [10, 12, 3], "windows": 2}},
            "player": {"vantage": "ground"}, "entities": [],
            "timeline": [{"at": 2.0, "event": "sound", "sound": "alarm", "seconds": 900}]
        }),
        "test",
    )
    .unwrap();
    let recording = render(&plan(&scene, 0), 8.0).unwrap();
    let second = OUTPUT_RATE as usize * 2;
    let before = analyse(&recording.samples[..second * 19 / 10], OUTPUT_RATE);
    let after = analyse(&recording.samples[second * 21 / 10..], OUTPUT_RATE);
    eprintln!(
        "alarm: before {:.1} dBFS, after {:.1} dBFS (peak {:.2}, {} clipped, centroid {:.0} Hz)",
        before.rms_dbfs, after.rms_dbfs, after.peak, after.clipped, after.centroid_hz
    );
    assert!(after.rms_dbfs > before.rms_dbfs + 20.0, "before {:.1} dBFS, after {:.1} dBFS", before.rms_dbfs, after.rms_dbfs);
    assert!(after.rms_dbfs > -30.0 && after.clipped == 0, "{after:?}");
    assert!((700.0..1800.0).contains(&after.centroid_hz), "a bell around 1 kHz: centroid {:.0} Hz", after.centroid_hz);
    // Where it starts: the first 10 ms that stand 20 dB above the room before it.
    let block = OUTPUT_RATE as usize / 100 * 2;
    let onset = recording
        .samples
        .chunks(block)
        .position(|b| analyse(b, OUTPUT_RATE).rms_dbfs > before.rms_dbfs + 20.0)
        .map(|k| k as f32 / 100.0)
        .unwrap();
    assert!((2.0..2.1).contains(&onset), "the bell starts at {onset:.2} s");
}

/// The sounds of situations, one by one at their calibrated level: none silent, none so
/// peaky that the limiter must pump the whole mix, each with its character (a bell near
/// 1 kHz, a rumble below 100 Hz, a siren sweeping 650–1500 Hz). Prints a table of figures.
#[test]
fn the_situation_sounds_have_their_character() {
    use sayscape::audio::analysis::{band_share, dominant_hz};
    use sayscape::audio::engine::calibration;
    use sayscape::audio::mix::LayerSound;
    let kinds = [
        SoundKind::Alarm,
        SoundKind::Siren,
        SoundKind::Beeping,
        SoundKind::Phone,
        SoundKind::Footsteps,
        SoundKind::Hum,
        SoundKind::Typing,
        SoundKind::Clatter,
        SoundKind::Rumble,
        SoundKind::Ticking,
        SoundKind::Sizzle,
        SoundKind::Chime,
        SoundKind::Applause,
        SoundKind::Splash,
    ];
    let seconds = 30.0;
    eprintln!("sound       gain   RMS dBFS  peak   crest dB  <250 Hz  250-2k  >2k   centroid Hz");
    for kind in kinds {
        let gain = calibration(LayerSound::Sound(kind));
        let mut mono = vec![0.0f32; (seconds * OUTPUT_RATE as f32) as usize];
        voice(kind, 11).fill(&mut mono);
        mono.iter_mut().for_each(|s| *s *= gain);
        let stereo: Vec<f32> = mono.iter().flat_map(|&s| [s, s]).collect();
        let f = analyse(&stereo, OUTPUT_RATE);
        let crest = 20.0 * (f.peak / 10f32.powf(f.rms_dbfs / 20.0)).log10();
        eprintln!(
            "{:<11} {gain:5.2}  {:7.1}  {:5.2}  {crest:7.1}  {:6.0}%  {:5.0}%  {:4.0}%  {:8.0}",
            format!("{kind:?}"),
            f.rms_dbfs,
            f.peak,
            f.bands[0] * 100.0,
            f.bands[1] * 100.0,
            f.bands[2] * 100.0,
            f.centroid_hz
        );
        // The reference is −24.4 dBFS; what sounds now and then averages lower.
        assert!(f.rms_dbfs > -40.0 && f.rms_dbfs < -20.0, "{kind:?}: {:.1} dBFS", f.rms_dbfs);
        assert!(f.peak < 1.0, "{kind:?}: peaks at {:.2} at its calibrated level", f.peak);
        match kind {
            SoundKind::Alarm => assert!((700.0..1800.0).contains(&f.centroid_hz), "alarm centroid {:.0} Hz", f.centroid_hz),
            SoundKind::Rumble => {
                let low = band_share(&mono, OUTPUT_RATE, 0.0, 100.0);
                eprintln!("            rumble below 100 Hz: {:.0}%", low * 100.0);
                assert!(low > 0.7, "rumble below 100 Hz: {:.0}%", low * 100.0);
            }
            SoundKind::Siren => {
                let pitches: Vec<f32> = mono.chunks_exact(4096).map(|w| dominant_hz(w, OUTPUT_RATE)).collect();
                let (lo, hi) = pitches.iter().fold((f32::MAX, 0.0f32), |(lo, hi), &p| (lo.min(p), hi.max(p)));
                eprintln!("            siren sweeps {lo:.0}–{hi:.0} Hz");
                assert!((600.0..760.0).contains(&lo) && (1380.0..1560.0).contains(&hi), "siren sweeps {lo:.0}–{hi:.0} Hz");
            }
            _ => {}
        }
    }
}
