//! Verbs over scene files: schema, catalog, validate, plan.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use sayscape::scene::{Catalog, load_scene, scene_schema};

pub fn schema() -> anyhow::Result<ExitCode> {
    print_json(scene_schema())?;
    Ok(ExitCode::SUCCESS)
}

pub fn catalog(json: bool) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::builtin();
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, catalog.kinds())?;
        writeln!(out)?;
    } else {
        for k in catalog.kinds() {
            let habitat = serde_json::to_value(k.habitat)?;
            writeln!(out, "{:<20} {:<10} {:>6.1} m  {}", k.kind, habitat.as_str().unwrap_or(""), k.footprint, k.synonyms.join(", "))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The place kits, one line each (or JSON); a broken kit file is an error naming it.
pub fn places(json: bool) -> anyhow::Result<ExitCode> {
    let kits = sayscape::scene::places::load_kits()?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &kits)?;
        writeln!(out)?;
    } else {
        for k in &kits {
            let names = k.names.get("en").map(|n| n.join(", ")).unwrap_or_default();
            let things: u32 = k.holds.iter().map(|h| h.count).sum();
            writeln!(out, "{:<26} {:<12} {:>4} things  {names}", k.place, k.group, things)?;
        }
        writeln!(out, "{} place kits", kits.len())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Validates every file; each problem is one line on stderr naming file, JSON path and reason.
pub fn validate(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = 0;
    for file in files {
        match load_scene(file) {
            Ok(_) => println!("{}: ok", file.display()),
            Err(err) => {
                failed += 1;
                eprintln!("{err}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} files invalid", files.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn plan(file: &Path, seed: u32) -> anyhow::Result<ExitCode> {
    // Through its edit history: the positions the window, the renderer and the service show.
    let layout = sayscape::pipeline::World::of(load_scene(file)?, seed).layout;
    for w in &layout.warnings {
        eprintln!("warning: {}: {w}", file.display());
    }
    print_json(&layout).context("writing the layout")?;
    Ok(ExitCode::SUCCESS)
}

pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
