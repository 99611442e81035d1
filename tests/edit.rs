//! Spoken edits: `sayscape edit` on real scene files with the embedded default model (fetched
//! by scripts/setup.sh), undo, redo and replay through the file's own history, refusals that
//! print nothing on stdout, and a spoken instruction.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

use sayscape::edit::{Op, Understood, WordsOnly, history, understand};
use sayscape::scene::{Catalog, TimeOfDay, Weather, load_scene, validate::check_semantics};

fn sayscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sayscape")).args(args).env("SAYSCAPE_MODEL", support::model()).output().expect("run sayscape")
}

fn scene_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes").join(format!("{name}.json"))
}

/// A copy of a library scene in a temporary folder.
fn copy_of(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.json"));
    std::fs::copy(scene_file(name), &path).unwrap();
    (dir, path)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn an_edit_changes_the_file_and_undo_redo_and_replay_go_through_its_history() {
    let (_dir, path) = copy_of("pirate_seven_seas");
    let file = path.to_str().unwrap();
    let original = load_scene(&path).unwrap();

    let out = sayscape(&["edit", file, "make it night and add two dragons", "--out", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "--out writes the file, not stdout");
    assert!(text(&out.stderr).contains("night"), "the summary names the change: {}", text(&out.stderr));
    let night = load_scene(&path).unwrap();
    assert_eq!(night.setting.time_of_day, TimeOfDay::Night);
    assert_eq!(night.entities.iter().filter(|e| e.kind == "dragon").map(|e| e.count).sum::<u32>(), 2);
    // Nothing it was not asked to change.
    assert_eq!(night.setting.weather, original.setting.weather);
    assert_eq!(&night.entities[..original.entities.len()], &original.entities[..]);
    assert_eq!(night.edits.done.len(), 1);

    let out = sayscape(&["edit", file, "a storm is coming", "--out", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(load_scene(&path).unwrap().setting.weather, Weather::Storm);

    // Undo twice: the original world; redo once: night and dragons again.
    for _ in 0..2 {
        let out = sayscape(&["edit", file, "--undo", "--out", file]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let back = load_scene(&path).unwrap();
    assert_eq!((&back.setting, &back.entities, &back.soundscape), (&original.setting, &original.entities, &original.soundscape));
    let out = sayscape(&["edit", file, "--undo"]);
    assert!(!out.status.success() && out.stdout.is_empty(), "nothing left to undo");
    assert!(text(&out.stderr).contains(file), "the message names the file: {}", text(&out.stderr));
    let out = sayscape(&["edit", file, "--redo", "--out", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(load_scene(&path).unwrap().setting, night.setting);

    // The saved history replays on a fresh copy of the original.
    let (_other_dir, fresh) = copy_of("pirate_seven_seas");
    let out = sayscape(&["edit", fresh.to_str().unwrap(), "--replay", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(replayed["setting"]["time_of_day"], "night");
}

#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn what_changes_nothing_is_refused_with_a_reason_and_nothing_on_stdout() {
    let (_dir, path) = copy_of("concert_stage");
    let file = path.to_str().unwrap();
    let before = std::fs::read(&path).unwrap();
    for instruction in ["tell me a joke", "wie spät ist es?", "blibber the frobnitz", "take me to the moon"] {
        let out = sayscape(&["edit", file, instruction, "--out", file]);
        assert!(!out.status.success(), "{instruction:?} was taken as an edit: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{instruction:?} printed something");
        assert!(!text(&out.stderr).trim().is_empty(), "{instruction:?} gave no reason");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "a refused edit leaves the file as it was");
    let out = sayscape(&["edit", file, "take me to the moon"]);
    assert!(text(&out.stderr).contains("new scenario"), "{}", text(&out.stderr));
    let out = sayscape(&["edit", "no/such/scene.json", "make it night"]);
    assert!(!out.status.success() && text(&out.stderr).contains("no/such/scene.json"));
}

#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn the_model_reads_what_the_words_leave_open() {
    // No weather is named: the model's likelihoods choose one, and it is a change.
    let out = sayscape(&["edit", scene_file("tropical_beach").to_str().unwrap(), "could you change the weather"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let scene: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let before = load_scene(&scene_file("tropical_beach")).unwrap();
    let ops: Vec<Op> = serde_json::from_value(scene["edits"]["done"][0]["ops"].clone()).unwrap();
    assert!(matches!(ops[..], [Op::Weather { .. }]), "{ops:?}");
    assert_ne!(scene["setting"]["weather"], serde_json::json!(sayscape::scene::value_name(&before.setting.weather)));
}

#[test]
#[ignore = "full tier: needs the embedded model, the speech model and espeak-ng (scripts/test.sh)"]
fn a_spoken_instruction_edits_the_world() {
    support::speech_model();
    support::espeak();
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("storm.wav");
    let spoke = Command::new("espeak-ng").args(["-v", "en", "-w"]).arg(&wav).arg("a storm is coming").status().expect("espeak-ng");
    assert!(spoke.success());
    let out = sayscape(&["edit", scene_file("regatta").to_str().unwrap(), "--audio", wav.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("heard"), "the transcript is shown: {}", text(&out.stderr));
    let scene: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(scene["setting"]["weather"], "storm");
}

/// Every scene in the library, in every format version it was written in, takes common edits
/// in four languages and stays valid; undo gives back exactly the file's world.
#[test]
fn every_library_scene_takes_edits_and_gives_them_back() {
    let instructions = ["make it night", "fais tomber la neige", "más niebla", "mach die Musik ruhig", "add two horses"];
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes")).unwrap() {
        let path = entry.unwrap().path();
        let scene = load_scene(&path).unwrap();
        for instruction in instructions {
            let Understood::Edit(ops) = understand(&scene, instruction, &mut WordsOnly).unwrap() else { continue };
            let Ok(edited) = history::record(&scene, instruction, ops.clone()) else { continue };
            let problems = check_semantics(&edited, Catalog::builtin());
            assert!(problems.is_empty(), "{}: {instruction:?} → {ops:?}: {problems:?}", path.display());
            let undone = history::undo(&edited).unwrap();
            assert_eq!(
                (&undone.setting, &undone.entities, &undone.player, &undone.soundscape, &undone.timeline),
                (&scene.setting, &scene.entities, &scene.player, &scene.soundscape, &scene.timeline),
                "{}: undo of {instruction:?}",
                path.display()
            );
        }
    }
}
