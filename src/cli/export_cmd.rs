//! `sayscape export` (a scene file → a binary glTF world) and `sayscape bench export`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use sayscape::export;
use sayscape::pipeline::World;
use sayscape::scene::load_scene;

use super::world_cmds::{scene_files, world_of};

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// A scene file (sayscape.scene/1), laid out through its edit history.
    pub file: PathBuf,
    /// The binary glTF file to write (.glb).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
}

#[derive(Args, Debug)]
pub struct BenchExportArgs {
    /// Scene files or folders of them (default: scenes/).
    #[arg(default_value = "scenes")]
    pub scenes: Vec<PathBuf>,
    /// Exports per scene; the figures are the fastest.
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
}

pub fn export(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if args.out.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("glb")) {
        anyhow::bail!("--out {}: the world is written as binary glTF; give a name ending in .glb", args.out.display());
    }
    let t0 = Instant::now();
    let world = world_of(&args.file, args.seed)?;
    let laid_out = t0.elapsed();
    let exported = export::write(&world, &args.out).with_context(|| format!("exporting {}", args.file.display()))?;
    let c = exported.counts;
    eprintln!(
        "[export] {}: {} instances, {} meshes, {} nodes, {} lights, {:.2} MB; laid out in {:.0} ms, exported in {:.0} ms",
        args.out.display(),
        world.layout.instances.len(),
        c.meshes,
        c.nodes,
        c.lights,
        exported.glb.len() as f64 / 1e6,
        laid_out.as_secs_f64() * 1e3,
        (t0.elapsed() - laid_out).as_secs_f64() * 1e3
    );
    println!("{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Layout and export time and size of each scene, largest file first.
pub fn bench(args: &BenchExportArgs) -> anyhow::Result<ExitCode> {
    struct Row {
        name: String,
        instances: usize,
        meshes: usize,
        nodes: usize,
        bytes: usize,
        layout_ms: f64,
        export_ms: f64,
    }
    let mut rows = Vec::new();
    for file in scene_files(&args.scenes)? {
        let scene = load_scene(&file)?;
        let (mut layout_ms, mut export_ms) = (f64::INFINITY, f64::INFINITY);
        let mut last = None;
        for _ in 0..args.runs.max(1) {
            let t0 = Instant::now();
            let world = World::of(scene.clone(), 0);
            let t1 = Instant::now();
            let exported = export::export(&world);
            layout_ms = layout_ms.min((t1 - t0).as_secs_f64() * 1e3);
            export_ms = export_ms.min(t1.elapsed().as_secs_f64() * 1e3);
            last = Some((world.layout.instances.len(), exported));
        }
        let (instances, exported) = last.expect("at least one run");
        let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("scene").to_string();
        let c = exported.counts;
        rows.push(Row { name, instances, meshes: c.meshes, nodes: c.nodes, bytes: exported.glb.len(), layout_ms, export_ms });
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.bytes));
    println!("scene                      instances  meshes  nodes   layout ms  export ms  total/1000ms    MB    MB/20");
    for r in &rows {
        let total = r.layout_ms + r.export_ms;
        let mb = r.bytes as f64 / 1e6;
        println!(
            "{:<26} {:>9}  {:>6}  {:>5}  {:>10.1}  {:>9.1}  {:>12.3}  {:>5.2}  {:>7.3}",
            r.name,
            r.instances,
            r.meshes,
            r.nodes,
            r.layout_ms,
            r.export_ms,
            total / 1000.0,
            mb,
            mb / 20.0
        );
    }
    let total_mb: f64 = rows.iter().map(|r| r.bytes as f64 / 1e6).sum();
    println!(
        "({} scenes, {:.1} MB in all; fastest of {} runs; ratios are figure / budget (1 s, 20 MB): ≤ 1 meets it)",
        rows.len(),
        total_mb,
        args.runs.max(1)
    );
    Ok(ExitCode::SUCCESS)
}
