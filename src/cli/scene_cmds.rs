//! Verbs over scene files and the data behind them: schema, catalog, credits, validate, plan.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use sayscape::scene::models::{Manifest, RealModels};
use sayscape::scene::{Catalog, KindInfo, load_scene, scene_schema};
use serde_json::json;

pub fn schema() -> anyhow::Result<ExitCode> {
    print_json(scene_schema())?;
    Ok(ExitCode::SUCCESS)
}

pub fn catalog(json: bool) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::builtin();
    let real = RealModels::installed();
    let mut out = std::io::stdout().lock();
    if json {
        let kinds = catalog
            .kinds()
            .iter()
            .map(|k| {
                let mut entry = serde_json::to_value(k)?;
                entry["model"] = model_of(k, real);
                Ok(entry)
            })
            .collect::<anyhow::Result<Vec<serde_json::Value>>>()?;
        serde_json::to_writer_pretty(&mut out, &kinds)?;
        writeln!(out)?;
    } else {
        for k in catalog.kinds() {
            let habitat = serde_json::to_value(k.habitat)?;
            let built = match real.for_kind(&k.kind) {
                Some(r) => format!("{} model{}", r.models.len(), if r.models.len() == 1 { "" } else { "s" }),
                None => k.form.as_ref().map_or("hand-made".to_string(), |f| format!("{} form", f.family.name())),
            };
            let line = format!(
                "{:<20} {:<10} {:>6.1} m  {:<16} {}",
                k.kind,
                habitat.as_str().unwrap_or(""),
                k.footprint,
                built,
                k.synonyms.join(", ")
            );
            writeln!(out, "{line}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What a kind is built from: its real models (the first, and every one it has) where set-up
/// converted them, else its procedural form (or the hand-made model).
fn model_of(kind: &KindInfo, real: &RealModels) -> serde_json::Value {
    let manifest = Manifest::builtin();
    match real.for_kind(&kind.kind) {
        Some(models) => {
            let variants: Vec<serde_json::Value> = models
                .models
                .iter()
                .filter_map(|m| {
                    let source = manifest.models.get(&m.id)?;
                    Some(json!({
                        "asset": m.path, "license": manifest.license_of(source), "source": manifest.origin_of(source),
                        "name": source.name, "credit": source.credit, "url": source.source, "triangles": m.triangles,
                    }))
                })
                .collect();
            let mut first = variants.first().cloned().unwrap_or_default();
            first["fit"] = json!(models.fit);
            first["variants"] = json!(variants);
            first
        }
        None => {
            let form = kind.form.as_ref().map_or("hand-made", |f| f.family.name());
            match manifest.kinds.get(&kind.kind) {
                // Mapped, but set-up has not converted it here.
                Some(_) => json!({"form": form, "real_model": "not set up (scripts/setup.sh)"}),
                None => json!({"form": form}),
            }
        }
    }
}

/// Who made the real models and under which licence: every model of the manifest, as a list
/// (or Markdown, for docs/credits.md).
pub fn credits(markdown: bool) -> anyhow::Result<ExitCode> {
    let manifest = Manifest::builtin();
    let kinds = manifest.kinds_of();
    let mut out = std::io::stdout().lock();
    if markdown {
        writeln!(out, "# Credits: 3D models\n")?;
        writeln!(
            out,
            "The world builds {} kinds from {} openly licensed models of Debian's `{}` package (the Sweet Home 3D \
             furniture libraries), converted at set-up by `scripts/models.py`: resized to the library's own size, turned \
             to face −z, their faces deduplicated and, above their triangle budget, simplified with gltfpack; far \
             versions are coarser still. None of these files is in this repository. Run `sayscape credits` for this list.\n",
            manifest.kinds.len(),
            manifest.models.len(),
            manifest.package
        )?;
        writeln!(out, "## Libraries\n")?;
        for (name, library) in &manifest.libraries {
            writeln!(out, "- **{name}** ({}): {}", library.license, library.about)?;
        }
        writeln!(out, "\n## Models\n")?;
        writeln!(out, "| model | by | licence | for | source |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for (id, m) in &manifest.models {
            let source = m.source.as_ref().map_or_else(|| format!("{}: `{}`", m.library, m.file), |url| format!("[{}]({url})", m.library));
            let used = kinds.get(id.as_str()).map(|k| k.join(", ")).unwrap_or_default();
            writeln!(out, "| {} (`{id}`) | {} | {} | {used} | {source} |", m.name, m.credit, manifest.license_of(m))?;
        }
    } else {
        for (id, m) in &manifest.models {
            let used = kinds.get(id.as_str()).map(|k| k.join(", ")).unwrap_or_default();
            let url = m.source.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            writeln!(out, "{id}\t{}\t{}\t\"{}\" by {}\t{used}\t{}{url}", manifest.license_of(m), m.library, m.name, m.credit, m.file)?;
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
