//! Scene text → parse and validate, as a file, the model's reply or a studio PUT is read.
//!
//! Whatever the bytes, the reader answers a scene or problems, never a panic. And what it
//! accepts holds: a valid scene written back reads back the same, its problems placed on
//! lines never panic, and its recorded history can be undone and redone (the file carries it).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sayscape::scene::{history, parse_scene};
use sayscape::serve::library::validate_text;

fuzz_target!(|data: &[u8]| {
    // The studio's path: the problems with their lines.
    let placed = validate_text(data, "fuzz");
    let Ok(scene) = parse_scene(data, "fuzz") else {
        assert!(placed.is_err(), "the library accepted what the reader refused");
        return;
    };
    assert!(placed.is_ok(), "the library refused what the reader accepted");
    let text = serde_json::to_string_pretty(&scene).expect("a valid scene serialises");
    let again = parse_scene(text.as_bytes(), "written").unwrap_or_else(|e| panic!("a valid scene written back is refused: {e}\n{text}"));
    assert_eq!(again, scene, "a valid scene written back reads back different");
    if let Some(before) = history::undo(&scene) {
        if let Some(redone) = history::redo(&before) {
            let _ = redone;
        }
    }
    if let Some(Ok(redone)) = history::redo(&scene) {
        let _ = history::undo(&redone);
    }
});
