//! The layout of the code is part of its design: the top-level modules form layers, each
//! importing only the ones below it (ARCHITECTURE.md draws them). The whole table of allowed
//! edges is here; any other import fails, and so does a table that is not a DAG. These rules
//! are checked on the source text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of the library and the modules it may import. Leaves first.
const ALLOWED: &[(&str, &[&str])] = &[
    ("errors", &[]),
    ("files", &[]),
    ("language", &[]),
    ("progress", &[]),
    ("scene", &["files", "errors"]),
    ("lexicon", &["scene"]),
    ("plan", &["scene"]),
    ("generate", &["scene", "lexicon", "plan", "files", "errors"]),
    ("edit", &["generate", "lexicon", "plan", "scene", "errors"]),
    ("voice", &["generate", "language", "files", "errors"]),
    ("pipeline", &["edit", "generate", "voice", "plan", "scene", "lexicon", "progress", "language", "files", "errors"]),
    ("state", &["plan", "scene", "progress", "language"]),
    ("world", &["state", "plan", "scene", "files"]),
    ("audio", &["plan", "scene", "files"]),
    ("xr", &["world", "state", "plan", "scene", "language", "progress"]),
    ("export", &["world", "pipeline", "plan", "scene", "files"]),
    ("serve", &["pipeline", "generate", "voice", "audio", "plan", "scene", "lexicon", "progress", "language", "files", "errors"]),
    ("app", &["world", "audio", "xr", "state", "pipeline", "edit", "voice", "plan", "scene", "progress", "language", "files", "errors"]),
    ("android", &["app", "pipeline", "scene", "errors"]),
];

/// Every `.rs` file under `src/<module>` (or `src/<module>.rs`), with its text.
fn sources(module: &str) -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.join(module), src.join(format!("{module}.rs"))];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") && path.exists() {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(!out.is_empty(), "no sources for src/{module}");
    out
}

/// The source without comments (line comments, doc comments, block comments).
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The top-level modules a text names through `crate::` (a path, or a `use crate::{…}` group
/// at any depth of braces), with the line of each.
fn imports(text: &str, modules: &BTreeSet<&str>) -> Vec<(String, usize)> {
    let text = code(text);
    let mut found = Vec::new();
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    for (at, _) in text.match_indices("crate::") {
        let after = &text[at + "crate::".len()..];
        let names: Vec<String> = match after.strip_prefix('{') {
            Some(group) => group_heads(group),
            None => vec![identifier(after)],
        };
        for name in names {
            if modules.contains(name.as_str()) {
                found.push((name, line_of(at)));
            }
        }
    }
    found
}

/// The identifier at the start of a text.
fn identifier(text: &str) -> String {
    text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// The first name of each item of a `use` group, the text after its `{`: `a::b, c, d::{e, f}}`
/// → a, c, d.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 1;
    let mut item_starts = true;
    for (i, ch) in group.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_starts = true,
            c if item_starts && depth == 1 && !c.is_whitespace() => {
                heads.push(identifier(&group[i..]));
                item_starts = false;
            }
            _ => {}
        }
    }
    heads
}

fn table() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    ALLOWED.iter().map(|(m, deps)| (*m, deps.iter().copied().collect())).collect()
}

#[test]
fn every_import_between_top_level_modules_is_in_the_table() {
    let table = table();
    let modules: BTreeSet<&str> = table.keys().copied().collect();
    // Every module of the library is in the table (a new one must say where it stands).
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in code(&lib).lines() {
        if let Some(name) = line.trim().strip_prefix("pub mod ").and_then(|r| r.strip_suffix(';')) {
            assert!(modules.contains(name), "src/lib.rs declares `{name}`, which tests/structure.rs's table does not place");
        }
    }
    let mut bad = Vec::new();
    for (module, allowed) in &table {
        for (file, text) in sources(module) {
            for (import, line) in imports(&text, &modules) {
                if import != *module && !allowed.contains(import.as_str()) {
                    bad.push(format!("{file}:{line}: {module} imports {import}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "imports outside the layers (tests/structure.rs lists the allowed ones):\n{}", bad.join("\n"));
}

#[test]
fn the_table_is_a_dag_and_the_world_never_reaches_the_models() {
    let table = table();
    // Depth-first: a module reached again while still on the path is a cycle.
    fn visit<'a>(m: &'a str, table: &BTreeMap<&'a str, BTreeSet<&'a str>>, path: &mut Vec<&'a str>, done: &mut BTreeSet<&'a str>) {
        if done.contains(m) {
            return;
        }
        assert!(!path.contains(&m), "the layers have a cycle: {} → {m}", path.join(" → "));
        path.push(m);
        for d in table.get(m).unwrap_or_else(|| panic!("{m} is not in the table")) {
            visit(d, table, path, done);
        }
        path.pop();
        done.insert(m);
    }
    let mut done = BTreeSet::new();
    for m in table.keys() {
        visit(m, &table, &mut Vec::new(), &mut done);
    }
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(m) = stack.pop() {
            for d in &table[m] {
                if seen.insert(*d) {
                    stack.push(d);
                }
            }
        }
        seen
    };
    // What the person sees and hears runs in the frame loop: it must not be able to call the
    // models or the pipeline, even through another module.
    for stage in ["world", "audio", "state", "xr"] {
        let reached = reach(stage);
        for heavy in ["pipeline", "generate", "voice", "edit", "serve", "app"] {
            assert!(!reached.contains(heavy), "{stage} reaches {heavy}");
        }
    }
    // The data model and the words know nothing of the stages that read them.
    for low in ["scene", "lexicon", "plan"] {
        let reached = reach(low);
        assert!(reached.iter().all(|m| ["scene", "lexicon", "files", "errors"].contains(m)), "{low} reaches {reached:?}");
    }
}

#[test]
fn the_import_reader_sees_groups_and_ignores_comments() {
    let modules: BTreeSet<&str> = ["scene", "plan", "edit"].into_iter().collect();
    let text = "use crate::{scene::{Scene, Entity}, plan};\n// crate::edit::X\nfn f() { crate::edit::apply(); }";
    let found: Vec<(String, usize)> = imports(text, &modules);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["scene", "plan", "edit"]);
    assert_eq!(found[2].1, 3);
}

#[test]
fn the_library_below_the_app_has_no_bevy_in_its_data_stages() {
    for stage in ["scene", "lexicon", "plan", "generate", "edit", "pipeline"] {
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
        for needle in ["LocalGenerator", "compose(", "OpenAiClient", "Ranking", "plan::plan(", "plan::replan("] {
            assert!(!text.contains(needle), "{file} drives the pipeline itself ({needle})");
        }
    }
}

#[test]
fn the_service_serves_the_pipeline_and_never_runs_a_world_in_its_process() {
    // A Bevy app owns its process's event loop and starts once: the service renders through a
    // child `sayscape render`, and makes scenes only through the pipeline.
    let bevy: Vec<String> = sources("serve").into_iter().filter(|(_, t)| t.contains("bevy")).map(|(f, _)| f).collect();
    assert!(bevy.is_empty(), "src/serve uses Bevy: {bevy:?}");
    for (file, text) in sources("serve") {
        for needle in ["LocalGenerator", "OpenAiClient", "ServiceClient", "plan::plan("] {
            assert!(!text.contains(needle), "{file} drives a generator or the planner itself ({needle}) instead of the pipeline");
        }
    }
}
