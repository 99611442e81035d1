//! `sayscape sheet`: a contact sheet of things, to look at what the world builds for them.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::{Value, json};

use super::world_cmds::parse_size;
use sayscape::app::{self, Size};
use sayscape::pipeline::World;
use sayscape::plan::Layout;
use sayscape::scene::{Catalog, Family, Form, Habitat, scene_from_value};

#[derive(Args, Debug)]
pub struct SheetArgs {
    /// The PNG to write.
    #[arg(long, default_value = "docs/things.png")]
    pub out: PathBuf,
    /// What to show: `families` (one tile per family: defaults, minimum and maximum proportions),
    /// `forms` (every catalog kind built from a form), `all` (every catalog kind), or a
    /// comma-separated list of kinds.
    #[arg(long, default_value = "families")]
    pub show: String,
    /// The size of one tile.
    #[arg(long, default_value = "240x160", value_parser = parse_size)]
    pub tile: Size,
    #[arg(long, default_value_t = 8)]
    pub columns: u32,
    /// Scene files to show instead, each whole from its spawn (titled by its request, or its
    /// title): a contact sheet of worlds.
    #[arg(long, num_args = 1..)]
    pub scenes: Vec<PathBuf>,
}

/// One tile: a title and the entities it shows side by side.
struct Exhibit {
    title: String,
    things: Vec<(String, Form)>,
    extent: f32,
    habitat: Habitat,
}

pub fn sheet(args: &SheetArgs) -> anyhow::Result<ExitCode> {
    if !args.scenes.is_empty() {
        return scene_sheet(args);
    }
    let catalog = Catalog::builtin();
    let exhibits: Vec<Exhibit> = match args.show.as_str() {
        "families" => Family::ALL
            .iter()
            .flat_map(|&family| {
                let forms = family.extremes();
                forms.into_iter().zip(["defaults", "minimum", "maximum, every part"]).map(move |(f, which)| Exhibit {
                    title: format!("{} ({which})", family.name()),
                    habitat: Habitat::Ground,
                    extent: reach(&f),
                    things: vec![(family.name().to_string(), f)],
                })
            })
            .collect(),
        which => {
            let kinds: Vec<&str> = match which {
                "forms" => catalog.kinds().iter().filter(|k| k.form.is_some()).map(|k| k.kind.as_str()).collect(),
                "all" => catalog.kind_names().collect(),
                list => list.split(',').map(str::trim).filter(|k| !k.is_empty()).collect(),
            };
            let mut out = Vec::new();
            for kind in kinds {
                let info = catalog.get(kind).with_context(|| format!("--show: {kind:?} is not a catalog kind"))?;
                let Some(form) = &info.form else {
                    anyhow::bail!("--show: {kind:?} has a hand-made model, not a form; render a scene with it instead");
                };
                out.push(Exhibit {
                    title: kind.to_string(),
                    habitat: info.habitat,
                    extent: reach(form),
                    things: vec![(kind.to_string(), form.clone())],
                });
            }
            out
        }
    };
    let layouts = exhibits
        .iter()
        .map(|e| Ok((format!("{}, {:.0} m", e.title, viewing_distance(e.extent)), exhibit_layout(e)?)))
        .collect::<anyhow::Result<Vec<(String, Layout)>>>()?;
    eprintln!("[sheet] {} tiles → {}", layouts.len(), args.out.display());
    let t0 = std::time::Instant::now();
    app::contact_sheet(layouts, args.tile, args.columns, app::THINGS_CROP, &args.out)?;
    eprintln!("[sheet] {} in {:.1} s", args.out.display(), t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// A contact sheet of scene files, each seen whole from its spawn, laid out as every front end
/// lays files out (through their edit history).
fn scene_sheet(args: &SheetArgs) -> anyhow::Result<ExitCode> {
    let mut layouts = Vec::new();
    for file in &args.scenes {
        let scene = sayscape::scene::load_scene(file)?;
        let title = if scene.prompt.is_empty() { scene.title.clone() } else { scene.prompt.clone() };
        let title: String = title.chars().take(70).collect();
        layouts.push((title, World::of(scene, 0).layout));
    }
    eprintln!("[sheet] {} scenes → {}", layouts.len(), args.out.display());
    app::contact_sheet(layouts, args.tile, args.columns, app::SCENE_CROP, &args.out)?;
    Ok(ExitCode::SUCCESS)
}

/// How far a form reaches from its centre, in metres.
fn reach(form: &Form) -> f32 {
    let (radius, height) = form.extent();
    radius.max(height * 0.8)
}

/// How far from the eye an exhibit stands: 20 m for anything the size of a horse or more
/// (further for the biggest, so they fit), closer for small things so they can be seen at all.
pub fn viewing_distance(extent: f32) -> f32 {
    if extent >= 1.5 { (extent * 3.5).max(20.0) } else { (extent * 10.0).max(8.0) }
}

/// A small world for one exhibit: the things in a row, seen from the eye at their viewing
/// distance, on ground that suits them, at noon.
fn exhibit_layout(e: &Exhibit) -> anyhow::Result<Layout> {
    let distance = viewing_distance(e.extent);
    let spacing = e.extent * 2.3;
    let (terrain, water) = match e.habitat {
        Habitat::Water => ("beach", json!({"kind": "ocean", "waves": 0.2})),
        Habitat::Underwater => ("underwater", json!({"kind": "none"})),
        _ => ("grassland", json!({"kind": "none"})),
    };
    let n = e.things.len() as f32;
    let entities: Vec<Value> = e
        .things
        .iter()
        .enumerate()
        .map(|(i, (kind, form))| {
            let x = (i as f32 - (n - 1.0) / 2.0) * spacing;
            // Flying things are shown standing, so they can be seen whole at eye height.
            let mut form = form.clone();
            if e.habitat != Habitat::Water && e.habitat != Habitat::Underwater {
                form.habitat = Some(Habitat::Ground);
            }
            json!({"id": format!("thing_{i}"), "kind": kind, "form": form, "motion": {"kind": "none"},
                   "placement": {"relation": "at", "position": [x, 0.0, -distance]}})
        })
        .collect();
    let scene = json!({
        "format": "sayscape.scene/1", "title": e.title, "prompt": "",
        "setting": {"terrain": terrain, "time_of_day": "noon", "weather": "clear", "cloud_cover": 0.1, "water": water,
                    "area_radius": (distance * 2.5).clamp(60.0, 2000.0)},
        "player": {"role": "visitor", "vantage": "ground", "facing": 0.0},
        "entities": entities
    });
    let scene = scene_from_value(&scene, &format!("sheet tile {:?}", e.title))?;
    Ok(World::of(scene, 0).layout)
}
