//! The layout of the code is part of its design: each stage imports only the stages to its
//! left, the data model and the shared state. These rules are checked on the source text.

use std::path::Path;

/// Every `.rs` file under `src/<dir>`, with its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

/// Lines of `dir` that reach into one of `forbidden` (as `crate::x` or `sayscape::x`).
fn reaches(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in sources(dir) {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for module in forbidden {
                if code.contains(&format!("crate::{module}::"))
                    || code.contains(&format!("crate::{module};"))
                    || code.contains(&format!("crate::{module}}}"))
                {
                    found.push(format!("{file}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn stages_never_reach_up_the_pipeline() {
    for stage in ["world", "audio", "voice"] {
        let bad = reaches(stage, &["xr", "app", "cli", "pipeline"]);
        assert!(bad.is_empty(), "src/{stage} imports the layers above it:\n{}", bad.join("\n"));
    }
    let bad = reaches("xr", &["app", "cli", "pipeline"]);
    assert!(bad.is_empty(), "src/xr imports the app layer:\n{}", bad.join("\n"));
}

#[test]
fn the_world_does_not_import_audio_or_voice_and_audio_knows_no_world() {
    let bad = reaches("world", &["audio", "voice"]);
    assert!(bad.is_empty(), "src/world imports audio or voice:\n{}", bad.join("\n"));
    let bad = reaches("audio", &["world", "state"]);
    assert!(bad.is_empty(), "src/audio imports the world:\n{}", bad.join("\n"));
}

#[test]
fn the_library_below_the_app_has_no_bevy_in_its_data_stages() {
    for stage in ["scene", "plan", "generate", "pipeline"] {
        let bevy: Vec<String> = sources(stage)
            .into_iter()
            .filter(|(_, text)| text.lines().any(|l| l.trim_start().starts_with("use bevy")))
            .map(|(file, _)| file)
            .collect();
        assert!(bevy.is_empty(), "src/{stage} uses Bevy: {bevy:?}");
    }
}

#[test]
fn the_command_line_only_parses_and_prints() {
    // Turning words into a scene is the pipeline's job: the CLI never drives the generator,
    // the planner's relations or the worker itself (the generation benchmark measures the
    // generator's parts, so it may).
    for (file, text) in sources("cli") {
        if file.ends_with("bench_cmd.rs") {
            continue;
        }
        for needle in ["LocalGenerator", "compose(", "OpenAiClient", "Ranking"] {
            assert!(!text.contains(needle), "{file} drives the pipeline itself ({needle})");
        }
    }
}

#[test]
fn the_service_serves_the_pipeline_and_never_runs_a_world_in_its_process() {
    // A Bevy app owns its process's event loop and starts once: the service renders through a
    // child `sayscape render`, and makes scenes only through the pipeline.
    let bad = reaches("serve", &["app", "world", "xr", "cli"]);
    assert!(bad.is_empty(), "src/serve reaches the app or the world:\n{}", bad.join("\n"));
    let bevy: Vec<String> = sources("serve").into_iter().filter(|(_, t)| t.contains("bevy")).map(|(f, _)| f).collect();
    assert!(bevy.is_empty(), "src/serve uses Bevy: {bevy:?}");
    for (file, text) in sources("serve") {
        for needle in ["LocalGenerator", "OpenAiClient", "ServiceClient"] {
            assert!(!text.contains(needle), "{file} drives a generator itself ({needle}) instead of the pipeline");
        }
    }
}
