//! An instruction said inside a world → operations, by the words alone (`WordsOnly`: no
//! model), on one of the repository's scenes. Input: the scene's name on the first line (an
//! unknown name picks a scene by its bytes), the instruction after it.
//!
//! Whatever is said, the reader answers an edit, undo, redo, a new scenario or a reason,
//! never a panic; an edit it reads applies to the scene or is refused with an error, and
//! undoing it gives the scene back.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sayscape::edit::{Understood, WordsOnly, history, understand};
use sayscape::scene::{Scene, load_scene};

fn scenes() -> &'static Vec<(String, Scene)> {
    static SCENES: OnceLock<Vec<(String, Scene)>> = OnceLock::new();
    SCENES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenes");
        let mut all: Vec<(String, Scene)> = std::fs::read_dir(&dir)
            .expect("the repository's scenes/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), load_scene(&p).expect("a library scene is valid")))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, instruction) = text.split_once('\n').unwrap_or(("", &text));
    let all = scenes();
    let scene = match all.iter().find(|(n, _)| n == name.trim()) {
        Some((_, scene)) => scene,
        None => &all[name.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize)) % all.len()].1,
    };
    let Ok(Understood::Edit(ops)) = understand(scene, instruction, &mut WordsOnly) else { return };
    let Ok(edited) = history::record(scene, instruction, ops) else { return };
    let back = history::undo(&edited).expect("an edit was recorded");
    assert_eq!(back.setting, scene.setting, "undo gives the setting back");
    assert_eq!(back.entities, scene.entities, "undo gives the things back");
    assert_eq!(back.player, scene.player, "undo gives the player back");
});
