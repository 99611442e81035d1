//! `sayscape validate`: every bad input gets a line naming the file, the JSON path and the reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sayscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sayscape")).args(args).output().expect("run sayscape")
}

fn scenes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes")
}

/// Writes a variant of the pirate scene, changed by `edit`, and returns its path.
fn variant(dir: &tempfile::TempDir, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let text = std::fs::read_to_string(scenes_dir().join("pirate_seven_seas.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    let path = dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path
}

fn stderr_of(path: &Path) -> String {
    let out = sayscape(&["validate", path.to_str().unwrap()]);
    assert!(!out.status.success(), "{} should be invalid", path.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn library_scenes_are_valid() {
    let files: Vec<String> = std::fs::read_dir(scenes_dir()).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    assert!(files.len() >= 12);
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let out = sayscape(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn malformed_json_reports_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\n  \"format\": \"sayscape.scene/1\",\n  \"title\": oops\n}").unwrap();
    let err = stderr_of(&path);
    assert!(err.contains("broken.json: line 3, column 12: malformed JSON"), "{err}");
}

#[test]
fn each_problem_is_one_line_with_file_path_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = variant(&dir, "many.json", |v| {
        v["entities"][1]["kind"] = "pirate_galleon".into();
        v["entities"][2]["count"] = 5000.into();
        v["entities"][3]["placement"]["target"] = "nowhere".into();
        v["timeline"][1]["at"] = (-3.0).into();
        v["setting"]["fog"] = "thick".into();
    });
    let err = stderr_of(&path);
    // Structural problems come first; fix them and the semantic ones are reported.
    assert!(err.contains("many.json: $.entities[2].count: 5000 is out of range: the maximum is 2000"), "{err}");
    assert!(err.contains("many.json: $.setting.fog: expected a number, found the string \"thick\""), "{err}");
    let path = variant(&dir, "semantic.json", |v| {
        v["entities"][1]["kind"] = "pirate_galleon".into();
        v["entities"][3]["placement"]["target"] = "nowhere".into();
        v["timeline"][1]["at"] = (-3.0).into();
    });
    let err = stderr_of(&path);
    assert!(err.contains("semantic.json: $.entities[1].kind: unknown kind \"pirate_galleon\"; did you mean \"sailing_ship\"?"), "{err}");
    assert!(err.contains("semantic.json: $.entities[3].placement.target: no entity has the id \"nowhere\""), "{err}");
    assert!(err.contains("semantic.json: $.timeline[1].at: negative time -3 s"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with(path.to_str().unwrap())).count(), 3, "{err}");
}

#[test]
fn a_noun_with_a_form_validates_and_a_bad_form_is_named_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let good = variant(&dir, "okapi.json", |v| {
        v["entities"][1]["kind"] = "okapi".into();
        v["entities"][1]["form"] = serde_json::json!({"family": "quadruped", "size": 2.0, "shape": {"neck": 0.5}, "pattern": "stripes",
            "colors": ["#5a3a2a", "#f0f0f0"]});
    });
    let out = sayscape(&["validate", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = variant(&dir, "bad_form.json", |v| {
        v["entities"][1]["kind"] = "okapi".into();
        v["entities"][1]["form"] = serde_json::json!({"family": "quadruped", "size": 2.0, "shape": {"nek": 0.5, "tail": 9.0},
            "parts": ["rotor"], "colors": ["brown"]});
    });
    let err = stderr_of(&bad);
    assert!(err.contains("bad_form.json: $.entities[1].form.shape.nek: a quadruped has no proportion \"nek\""), "{err}");
    assert!(err.contains("bad_form.json: $.entities[1].form.shape.tail: 9 is outside 0 to 1.5"), "{err}");
    assert!(err.contains("bad_form.json: $.entities[1].form.parts[0]: a quadruped cannot have rotor"), "{err}");
    assert!(err.contains("bad_form.json: $.entities[1].form.colors[0]: \"brown\" is not a colour"), "{err}");
    let unknown_family = variant(&dir, "no_family.json", |v| {
        v["entities"][1]["kind"] = "okapi".into();
        v["entities"][1]["form"] = serde_json::json!({"family": "mammal", "size": 2.0});
    });
    let err = stderr_of(&unknown_family);
    assert!(err.contains("no_family.json: $.entities[1].form.family"), "{err}");
}

#[test]
fn type_errors_unknown_fields_and_missing_fields_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = variant(&dir, "types.json", |v| {
        v["entities"][0]["count"] = "six".into();
        v["player"]["vantge"] = "deck".into();
        v["setting"].as_object_mut().unwrap().remove("terrain");
        v["setting"]["weather"] = "sunny".into();
    });
    let err = stderr_of(&path);
    assert!(err.contains("$.entities[0].count: expected an integer, found the string \"six\""), "{err}");
    assert!(err.contains("$.player.vantge: unknown field \"vantge\"; did you mean \"vantage\"?"), "{err}");
    assert!(err.contains("$.setting: missing required field \"terrain\""), "{err}");
    assert!(err.contains("$.setting.weather: \"sunny\" is not one of: clear, cloudy"), "{err}");
}

#[test]
fn references_ids_and_event_fields_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = variant(&dir, "refs.json", |v| {
        v["entities"][1]["id"] = "flagship".into();
        v["player"]["on"] = "ghost_ship".into();
        v["timeline"][0] = serde_json::json!({"at": 1, "event": "weather"});
        v["soundscape"]["emitters"][0]["entity"] = "nobody".into();
    });
    let err = stderr_of(&path);
    assert!(err.contains("$.entities[1].id: duplicate id \"flagship\""), "{err}");
    assert!(err.contains("$.player.on: no entity has the id \"ghost_ship\""), "{err}");
    assert!(err.contains("$.timeline[0].weather: event \"weather\" needs a weather"), "{err}");
    assert!(err.contains("$.soundscape.emitters[0].entity: no entity has the id \"nobody\""), "{err}");
}

#[test]
fn garbage_empty_huge_and_missing_files_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>()).unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let huge = dir.path().join("huge.json");
    std::fs::write(&huge, format!("[{}0]", "0,".repeat(5_000_000))).unwrap();
    let deep = dir.path().join("deep.json");
    std::fs::write(&deep, "[".repeat(100_000)).unwrap();
    let wrong_root = dir.path().join("array.json");
    std::fs::write(&wrong_root, "[1, 2, 3]").unwrap();
    for (path, expect) in [
        (&garbage, "malformed JSON"),
        (&empty, "line 1, column 0: malformed JSON: EOF while parsing"),
        (&huge, "file is too large"),
        (&deep, "recursion limit exceeded"),
        (&wrong_root, "$: expected an object, found an array of 3 items"),
    ] {
        let err = stderr_of(path);
        assert!(err.contains(expect), "{}: {err}", path.display());
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = sayscape(&["validate", "/nonexistent/scene.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/scene.json: cannot read"));
}

#[test]
fn one_bad_file_among_good_ones_fails_the_run_and_names_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = variant(&dir, "bad.json", |v| v["format"] = "sayscape.scene/9".into());
    let good = scenes_dir().join("farm.json");
    let out = sayscape(&["validate", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json: $.format: must be \"sayscape.scene/1\""), "{err}");
    assert!(!err.contains("farm.json"), "{err}");
}

#[test]
fn schema_and_plan_commands_print_json() {
    let out = sayscape(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["$defs"]["Entity"]["properties"]["kind"]["enum"].as_array().unwrap().len() >= 40);

    let pirate = scenes_dir().join("pirate_seven_seas.json");
    let a = sayscape(&["plan", pirate.to_str().unwrap(), "--seed", "7"]);
    let b = sayscape(&["plan", pirate.to_str().unwrap(), "--seed", "7"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout, "same seed, same layout");
    let layout: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(layout["format"], "sayscape.layout/1");
    assert!(layout["instances"].as_array().unwrap().iter().any(|i| i["kind"] == "sailing_ship"));

    let out = sayscape(&["plan", "/nonexistent.json"]);
    assert!(!out.status.success());
}

#[test]
fn rooms_and_airless_worlds_are_checked_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let room = variant(&dir, "room.json", |v| {
        v["setting"]["terrain"] = "city".into();
        v["setting"]["area_radius"] = 20.into();
        v["setting"]["room"] = serde_json::json!({"purpose": "", "size": [40, 1, 3], "windows": 3});
        v["player"]["on"] = serde_json::Value::Null;
        v["player"]["position"] = serde_json::json!([30, 0, 0]);
        v["entities"] = serde_json::json!([{"id": "bar", "kind": "bar_counter", "placement": {"relation": "along_wall"}}]);
        v["soundscape"]["emitters"] = serde_json::json!([]);
        v["timeline"] = serde_json::json!([]);
    });
    let err = stderr_of(&room);
    assert!(err.contains("$.setting.room.size[1]: a room's length is 2 to 400 m, not 1"), "{err}");
    assert!(err.contains("$.setting.room.purpose"), "{err}");
    assert!(err.contains("$.setting.room.size: the room reaches"), "{err}");
    assert!(err.contains("$.player.position: the player at (30, 0) stands outside the room's walls"), "{err}");

    let outdoors = variant(&dir, "wall.json", |v| {
        v["entities"][1]["placement"] = serde_json::json!({"relation": "along_wall"});
    });
    assert!(stderr_of(&outdoors).contains("$.entities[1].placement.relation: relation \"along_wall\" is for indoor scenes"));

    let moon = variant(&dir, "moon.json", |v| {
        v["setting"]["terrain"] = "moon".into();
        v["setting"]["weather"] = "rain".into();
        v["setting"]["water"] = serde_json::json!({"kind": "none"});
        v["entities"] = serde_json::json!([{"id": "lander", "kind": "lunar_lander"}]);
        v["player"]["on"] = serde_json::Value::Null;
        v["soundscape"] = serde_json::json!({"ambience": [{"sound": "wind"}]});
        v["timeline"] = serde_json::json!([{"at": 3, "event": "weather", "weather": "storm"}]);
    });
    let err = stderr_of(&moon);
    assert!(err.contains("$.setting.weather: there is no weather on terrain \"moon\" (no air)"), "{err}");
    assert!(err.contains("$.soundscape.ambience[0].sound: \"wind\" cannot be heard on terrain \"moon\""), "{err}");
    assert!(err.contains("$.timeline[0].weather"), "{err}");
}
