//! Generation with the embedded default model (fetched by scripts/setup.sh): real scenes,
//! validated; and every bad input a clear message with a non-zero exit.

use std::path::PathBuf;
use std::process::{Command, Output};

fn sayscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sayscape")).args(args).output().expect("run sayscape")
}

fn model() -> PathBuf {
    let p = sayscape::generate::default_model_path();
    assert!(p.exists(), "{} is missing: run scripts/setup.sh", p.display());
    p
}

fn generate(prompt: &str, seed: &str) -> serde_json::Value {
    let m = model();
    let out = sayscape(&["generate", prompt, "--seed", seed, "--model", m.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let scene: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON scene on stdout");
    // The same gate as files: validate what came out.
    sayscape::scene::scene_from_value(&scene, "generated").unwrap_or_else(|e| panic!("{e}"));
    scene
}

fn kinds(scene: &serde_json::Value) -> Vec<String> {
    scene["entities"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_three_scenarios_become_faithful_scenes_in_english_and_french() {
    let pirate = generate("I want to experience the life of a pirate on the seven seas", "1");
    assert!(kinds(&pirate).contains(&"sailing_ship".to_string()), "{:?}", kinds(&pirate));
    assert_eq!(pirate["player"]["on"], "sailing_ship");
    assert_eq!(pirate["setting"]["water"]["kind"], "ocean");

    let pirate_fr = generate("Je veux faire l'expérience de la vie d'un pirate sur les sept mers", "1");
    assert!(kinds(&pirate_fr).contains(&"sailing_ship".to_string()), "{:?}", kinds(&pirate_fr));

    let plane = generate("I want to feel what it is like to fly a fighter plane in World War One", "1");
    assert!(kinds(&plane).contains(&"biplane".to_string()), "{:?}", kinds(&plane));

    let stage = generate("I want to be on stage playing for thousands of fans", "1");
    let k = kinds(&stage);
    assert!(k.contains(&"stage".to_string()) && k.contains(&"crowd".to_string()), "{k:?}");
}

#[test]
fn the_same_seed_gives_the_same_scene() {
    let a = generate("a lighthouse on a cliff at dusk", "5");
    let b = generate("a lighthouse on a cliff at dusk", "5");
    assert_eq!(a, b);
}

#[test]
fn generated_scenes_plan_without_warnings() {
    let scene = generate("a farm with horses and a windmill", "2");
    let scene = sayscape::scene::scene_from_value(&scene, "generated").unwrap();
    let layout = sayscape::plan::plan(&scene, 0);
    assert!(!layout.instances.is_empty());
    assert!(layout.warnings.is_empty(), "the planner warned: {:?}", layout.warnings);
}

#[test]
fn bad_prompts_and_models_fail_with_clear_messages_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("scene.json");
    let out = out_file.to_str().unwrap();
    let m = model();
    let m = m.to_str().unwrap();
    let long = "pirates ".repeat(1300);
    let corrupt = dir.path().join("corrupt.gguf");
    std::fs::write(&corrupt, b"GGUF\x03\x00\x00\x00 truncated").unwrap();
    let not_gguf = dir.path().join("notes.gguf");
    std::fs::write(&not_gguf, "just text").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["generate", "   ", "--model", m, "--out", out], "the prompt is empty"),
        (vec!["generate", &long, "--model", m, "--out", out], "at most 2000 are accepted"),
        (vec!["generate", "a beach", "--model", "/nonexistent/model.gguf", "--out", out], "/nonexistent/model.gguf: no such file"),
        (vec!["generate", "a beach", "--model", corrupt.to_str().unwrap(), "--out", out], "llama.cpp could not load it"),
        (vec!["generate", "a beach", "--model", not_gguf.to_str().unwrap(), "--out", out], "not a GGUF model file"),
        (vec!["generate", "a beach", "--backend", "openai", "--out", out], "--backend openai needs --url"),
    ];
    for (args, expect) in cases {
        let o = sayscape(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out_file.exists(), "nothing is written on failure");
    }
}
