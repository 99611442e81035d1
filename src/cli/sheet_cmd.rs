//! `sayscape sheet`: a contact sheet of things, to look at what the world builds for them.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::{Value, json};

use super::world_cmds::parse_size;
use sayscape::app::{self, Size, Tile};
use sayscape::pipeline::World;
use sayscape::plan::Layout;
use sayscape::scene::models::{KindRealModels, Manifest, RealModels, fit_scale, variant};
use sayscape::scene::{Catalog, Family, Form, Habitat, KindInfo, scene_from_value};

#[derive(Args, Debug)]
pub struct SheetArgs {
    /// The PNG to write.
    #[arg(long, default_value = "docs/things.png")]
    pub out: PathBuf,
    /// What to show: `families` (one tile per family: defaults, minimum and maximum proportions),
    /// `forms` (every catalog kind built from a form), `models` (every kind with a real model:
    /// its models beside its procedural form), `all` (every catalog kind), or a comma-separated
    /// list of kinds. A kind with a real model shows it, then its procedural model beside it.
    #[arg(long, default_value = "families")]
    pub show: String,
    /// Show only the procedural models (the world before the real ones).
    #[arg(long)]
    pub procedural: bool,
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

/// One tile: a title and the entities it shows side by side (each with its own form, or its
/// kind's model), built from the real models or procedurally.
struct Exhibit {
    title: String,
    things: Vec<Thing>,
    extent: f32,
    habitat: Habitat,
    real_models: bool,
}

struct Thing {
    kind: String,
    /// The entity's id: for a real model, one that picks that model among its kind's.
    id: String,
    form: Option<Form>,
}

pub fn sheet(args: &SheetArgs) -> anyhow::Result<ExitCode> {
    if !args.scenes.is_empty() {
        return scene_sheet(args);
    }
    let catalog = Catalog::builtin();
    let real = RealModels::installed();
    if let Some(why) = &real.missing {
        eprintln!("[sheet] no real models ({why}): procedural models only");
    }
    let exhibits: Vec<Exhibit> = match args.show.as_str() {
        "families" => Family::ALL
            .iter()
            .flat_map(|&family| {
                let forms = family.extremes();
                forms.into_iter().zip(["defaults", "minimum", "maximum, every part"]).map(move |(f, which)| Exhibit {
                    title: format!("{} ({which})", family.name()),
                    habitat: Habitat::Ground,
                    extent: reach(&f),
                    things: vec![Thing { kind: family.name().to_string(), id: "thing_0".into(), form: Some(f) }],
                    real_models: false,
                })
            })
            .collect(),
        which => {
            let kinds: Vec<&str> = match which {
                "forms" => catalog.kinds().iter().filter(|k| k.form.is_some()).map(|k| k.kind.as_str()).collect(),
                "models" => Manifest::builtin().kinds.keys().map(String::as_str).collect(),
                "all" => catalog.kind_names().collect(),
                list => list.split(',').map(str::trim).filter(|k| !k.is_empty()).collect(),
            };
            let mut out = Vec::new();
            for kind in kinds {
                let info = catalog.get(kind).with_context(|| format!("--show: {kind:?} is not a catalog kind"))?;
                if let Some(models) = real.for_kind(kind).filter(|_| !args.procedural) {
                    out.push(real_exhibit(kind, info, models));
                }
                out.push(procedural_exhibit(kind, info));
            }
            out
        }
    };
    let tiles = exhibits
        .iter()
        .map(|e| {
            let title = format!("{}, {:.0} m", e.title, exhibit_distance(e));
            Ok(Tile { title, layout: exhibit_layout(e)?, real_models: e.real_models })
        })
        .collect::<anyhow::Result<Vec<Tile>>>()?;
    eprintln!("[sheet] {} tiles → {}", tiles.len(), args.out.display());
    let t0 = std::time::Instant::now();
    app::contact_sheet(tiles, args.tile, args.columns, app::THINGS_CROP, &args.out)?;
    eprintln!("[sheet] {} in {:.1} s", args.out.display(), t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// A kind's real models side by side, each picked by its entity id the way the world picks.
fn real_exhibit(kind: &str, info: &KindInfo, models: &KindRealModels) -> Exhibit {
    let manifest = Manifest::builtin();
    let n = models.models.len();
    let things = (0..n)
        .map(|want| {
            let id = (0..).map(|k| format!("thing_{want}_{k}")).find(|id| variant(id, 0, n) == want).expect("some id picks each model");
            Thing { kind: kind.to_string(), id, form: None }
        })
        .collect();
    let licences: Vec<&str> = {
        let mut l: Vec<&str> = models.models.iter().filter_map(|m| manifest.models.get(&m.id)).map(|m| manifest.license_of(m)).collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    let widest = models.models.iter().map(|m| m.size[0].max(m.size[2]) * fit_scale(models.fit, m.size, info)).fold(0.0, f32::max);
    Exhibit {
        title: format!("{kind} · {n} model{} ({})", if n == 1 { "" } else { "s" }, licences.join(", ")),
        things,
        extent: (widest / 2.0).max(info.footprint).max(info.height * 0.8),
        habitat: info.habitat,
        real_models: true,
    }
}

/// A kind's procedural model: its form (shown on the ground, whatever its habitat), or the
/// hand-made model.
fn procedural_exhibit(kind: &str, info: &KindInfo) -> Exhibit {
    let (title, extent) = match &info.form {
        Some(form) => (format!("{kind} · {} form", form.family.name()), reach(form)),
        None => (format!("{kind} · hand-made"), info.footprint.max(info.height * 0.8)),
    };
    Exhibit {
        title,
        things: vec![Thing { kind: kind.to_string(), id: "thing_0".into(), form: info.form.clone() }],
        extent,
        habitat: info.habitat,
        real_models: false,
    }
}

/// A contact sheet of scene files, each seen whole from its spawn, laid out as every front end
/// lays files out (through their edit history).
fn scene_sheet(args: &SheetArgs) -> anyhow::Result<ExitCode> {
    let mut tiles = Vec::new();
    for file in &args.scenes {
        let scene = sayscape::scene::load_scene(file)?;
        let title = if scene.prompt.is_empty() { scene.title.clone() } else { scene.prompt.clone() };
        let title: String = title.chars().take(70).collect();
        tiles.push(Tile { title, layout: World::of(scene, 0).layout, real_models: true });
    }
    eprintln!("[sheet] {} scenes → {}", tiles.len(), args.out.display());
    app::contact_sheet(tiles, args.tile, args.columns, app::SCENE_CROP, &args.out)?;
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

/// How far an exhibit stands: its viewing distance, or further when its row of things is too
/// wide for the tile (the middle of the view shows about half the distance across).
fn exhibit_distance(e: &Exhibit) -> f32 {
    let row = e.extent * 2.3 * e.things.len() as f32;
    viewing_distance(e.extent).max(row * 2.0)
}

/// A small world for one exhibit: the things in a row, seen from the eye at their viewing
/// distance, on ground that suits them, at noon.
fn exhibit_layout(e: &Exhibit) -> anyhow::Result<Layout> {
    let distance = exhibit_distance(e);
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
        .map(|(i, thing)| {
            let x = (i as f32 - (n - 1.0) / 2.0) * spacing;
            let mut entity = json!({"id": thing.id, "kind": thing.kind, "motion": {"kind": "none"},
                   "placement": {"relation": "at", "position": [x, 0.0, -distance]}});
            if let Some(form) = &thing.form {
                // Flying things are shown standing, so they can be seen whole at eye height.
                let mut form = form.clone();
                if e.habitat != Habitat::Water && e.habitat != Habitat::Underwater {
                    form.habitat = Some(Habitat::Ground);
                }
                entity["form"] = json!(form);
            }
            entity
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
