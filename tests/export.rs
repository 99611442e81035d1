//! The world as binary glTF: library scenes and a composed indoor scene exported through the
//! library, checked against Khronos' glTF-Validator (npm `gltf-validator`, installed by
//! scripts/setup-tests.sh) for zero errors, and read back: a node per entity named by its id,
//! instances sharing meshes, the spawn camera, the lights.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sayscape::export::{self, glb::json_chunk};
use sayscape::generate::compose::{Asked, Written, compose};
use sayscape::generate::named::raise_named;
use sayscape::generate::rank::Ranking;
use sayscape::lexicon::lexicon;
use sayscape::pipeline::World;
use sayscape::scene::models::{ALLOWED_LICENSES, RealModels};
use sayscape::scene::{Scene, load_scene};
use serde_json::Value;

fn library_scene(name: &str) -> Scene {
    load_scene(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes").join(format!("{name}.json"))).unwrap()
}

/// A scene composed from a place kit, as the generator composes one without the model's help.
fn composed(text: &str) -> Scene {
    let spans = lexicon().read(text);
    let mut ranking = Ranking::default();
    let named: Vec<(&str, &str)> = spans.iter().map(|(f, v, _)| (*f, *v)).collect();
    raise_named(&mut ranking, &named);
    let written = Written::default();
    let counts = lexicon().counts(text);
    let asked = Asked { text, ranking: &ranking, spans: &spans, written: &written, counts: &counts, written_kinds: &[], new_things: &[] };
    compose(&asked).unwrap().0
}

/// The validator's module, where the set-up installed it.
fn validator() -> PathBuf {
    let home = std::env::var_os("SAYSCAPE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/sayscape"));
    let module = home.join("node/node_modules/gltf-validator");
    assert!(module.join("package.json").exists(), "{}: no glTF-Validator; run scripts/setup-tests.sh", module.display());
    module
}

/// glTF-Validator's report on a GLB file, asserted free of errors.
fn validate_without_errors(name: &str, glb: &Path) -> Value {
    let report = validate(glb);
    let issues = &report["issues"];
    let errors: Vec<&Value> = issues["messages"].as_array().unwrap().iter().filter(|m| m["severity"] == 0).collect();
    assert_eq!(issues["numErrors"], 0, "{name}: glTF-Validator found errors: {errors:#?}");
    report
}

/// glTF-Validator's report on a GLB file.
fn validate(glb: &Path) -> Value {
    let script = r#"
        const v = require(process.argv[1]);
        const bytes = new Uint8Array(require("fs").readFileSync(process.argv[2]));
        v.validateBytes(bytes, { maxIssues: 200 }).then(
            (r) => console.log(JSON.stringify(r)),
            (e) => { console.error(String(e)); process.exit(2); });
    "#;
    let out = Command::new("node").arg("-e").arg(script).arg(validator()).arg(glb).output().expect("node (Debian's nodejs)");
    assert!(out.status.success(), "the validator failed on {}: {}", glb.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn nodes_named<'a>(doc: &'a Value, name: &str) -> Vec<&'a Value> {
    doc["nodes"].as_array().unwrap().iter().filter(|n| n["name"] == name).collect()
}

/// The nodes of instances (those with an index among their extras).
fn instance_nodes(doc: &Value) -> impl Iterator<Item = &Value> {
    doc["nodes"].as_array().unwrap().iter().filter(|n| n["extras"]["index"].is_u64())
}

/// The mesh an instance is drawn with: its own node's (a procedural model), or its first model
/// part's (a real model's, on a node under it), or its body's (a person's).
fn instance_mesh(doc: &Value, instance: &Value) -> Option<u64> {
    instance["mesh"].as_u64().or_else(|| {
        let mut parts = model_parts(doc, instance);
        parts.extend(parts_named(doc, instance, "body"));
        parts.first().and_then(|p| p["mesh"].as_u64())
    })
}

fn model_parts<'a>(doc: &'a Value, instance: &Value) -> Vec<&'a Value> {
    parts_named(doc, instance, "model")
}

/// The nodes under an instance that are its `part`.
fn parts_named<'a>(doc: &'a Value, instance: &Value, part: &str) -> Vec<&'a Value> {
    let children = instance["children"].as_array().map_or(&[][..], Vec::as_slice);
    children.iter().map(|c| &doc["nodes"][c.as_u64().unwrap() as usize]).filter(|c| c["extras"]["part"] == part).collect()
}

#[test]
fn exported_worlds_pass_the_khronos_validator_and_keep_entities_instances_and_spawn() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export");
    std::fs::create_dir_all(&dir).unwrap();
    let scenes = [
        ("concert_stage", library_scene("concert_stage")),         // the most instances: a crowd
        ("pirate_seven_seas", library_scene("pirate_seven_seas")), // open sea, riders on a ship
        ("volcano_eruption", library_scene("volcano_eruption")),   // lava and its light
        ("windmill_countryside", library_scene("windmill_countryside")), // spinning sails
        ("jazz_club", library_scene("jazz_club")),                 // a room and its lamps
        ("composed_dentist", composed("I want to be in a dentist's office")),
    ];
    for (name, scene) in scenes {
        let world = World::of(scene, 0);
        let path = dir.join(format!("{name}.glb"));
        let exported = export::write(&world, &path).unwrap();
        let report = validate_without_errors(name, &path);
        let issues = &report["issues"];
        eprintln!(
            "{name}: {} bytes, {} warnings, {} infos, {} meshes, {} nodes, {} lights",
            exported.glb.len(),
            issues["numWarnings"],
            issues["numInfos"],
            exported.counts.meshes,
            exported.counts.nodes,
            exported.counts.lights
        );

        let doc = json_chunk(&exported.glb).unwrap();
        assert_eq!(doc["scenes"][0]["extras"]["format"], export::WORLD_FORMAT);
        // A node per entity, named by its id, with its kind and placement.
        for entity in &world.scene.entities {
            let found = nodes_named(&doc, &entity.id);
            let node = found
                .iter()
                .find(|n| n["extras"]["entity"] == entity.id.as_str())
                .unwrap_or_else(|| panic!("{name}: no node {}", entity.id));
            assert_eq!(node["extras"]["kind"], entity.kind.as_str(), "{name}: {}", entity.id);
            assert_eq!(node["extras"]["relation"], serde_json::to_value(entity.placement.relation).unwrap());
            let instances = world.layout.instances_of(&entity.id).count();
            assert_eq!(node["children"].as_array().map_or(0, Vec::len), instances, "{name}: {} instances", entity.id);
        }
        // Instances share meshes: fewer meshes than instances with a mesh.
        let with_mesh: Vec<u64> = instance_nodes(&doc).filter_map(|n| instance_mesh(&doc, n)).collect();
        assert!(with_mesh.len() >= world.layout.instances.len() * 9 / 10, "{name}: most instances have a mesh");
        let meshes: BTreeSet<u64> = with_mesh.iter().copied().collect();
        if world.layout.instances.len() > 100 {
            assert!(meshes.len() * 5 < with_mesh.len(), "{name}: {} meshes for {} instances", meshes.len(), with_mesh.len());
        }
        // People are skinned on seventeen joints, and their clips play in one animation.
        let people: Vec<&Value> = instance_nodes(&doc).filter(|n| !parts_named(&doc, n, "body").is_empty()).collect();
        if name == "concert_stage" {
            assert!(people.len() > 500, "{name}: {} people", people.len());
        }
        for person in &people {
            let body = parts_named(&doc, person, "body")[0];
            let skin = &doc["skins"][body["skin"].as_u64().unwrap() as usize];
            assert_eq!(skin["joints"].as_array().unwrap().len(), 17, "{name}: {}", person["name"]);
        }
        if !people.is_empty() {
            let animation = &doc["animations"][0];
            assert_eq!(animation["name"], "people");
            let input = &doc["accessors"][animation["samplers"][0]["input"].as_u64().unwrap() as usize];
            assert_eq!(input["max"][0].as_f64(), Some(export::people::CLIP_S as f64), "{name}: a clip of its seconds");
            let moved: BTreeSet<u64> =
                animation["channels"].as_array().unwrap().iter().map(|c| c["target"]["node"].as_u64().unwrap()).collect();
            assert_eq!(moved.len(), 17 * people.len().min(export::people::ANIMATED_PEOPLE), "{name}: the joints animated");
        }

        // The spawn: a camera at the player's eyes.
        let spawn = nodes_named(&doc, "spawn")[0];
        assert!(spawn["camera"].is_u64());
        let feet = world.layout.spawn.position;
        let eyes = spawn["translation"][1].as_f64().unwrap() as f32;
        assert!(eyes > feet[1] && eyes < feet[1] + 3.0, "{name}: eyes at {eyes}, feet at {feet:?}");
        // The sun, at least, is a light.
        assert!(doc["extensions"]["KHR_lights_punctual"]["lights"].as_array().unwrap().iter().any(|l| l["type"] == "directional"));
        if world.scene.setting.room.is_some() {
            for part in ["room_floor", "room_walls", "room_ceiling"] {
                assert!(nodes_named(&doc, part)[0]["mesh"].is_u64(), "{name}: no {part}");
            }
        }
    }
}

/// Every library scene, with the real models set-up installed: not one validator error.
#[test]
fn every_library_scene_exports_without_a_validator_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-all");
    std::fs::create_dir_all(&dir).unwrap();
    let scenes = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&scenes).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|f| f.extension().is_some_and(|e| e == "json"));
    files.sort();
    assert!(files.len() > 50, "{} library scenes", files.len());
    for file in &files {
        let name = file.file_stem().unwrap().to_str().unwrap();
        let path = dir.join(format!("{name}.glb"));
        export::write(&World::of(load_scene(file).unwrap(), 0), &path).unwrap();
        validate_without_errors(name, &path);
    }
}

/// Where the world builds an instance from a real model (a GLB file set-up converted), so does
/// the export: the file's meshes, materials and textures copied once, every instance of the
/// model a node over the shared mesh, its file and licence in the instance's extras.
#[test]
fn real_models_are_copied_once_shared_by_their_instances_and_credited() {
    let installed = RealModels::installed();
    if let Some(missing) = &installed.missing {
        panic!("no real models installed ({}); run scripts/setup.sh", missing.replace('\n', " "));
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-real");
    std::fs::create_dir_all(&dir).unwrap();
    // Models with two instances or more, over both scenes (a kind's instances are spread over
    // its models, so a small club may hold one of each).
    let mut shared = 0;
    for (name, scene) in [("jazz_club", library_scene("jazz_club")), ("composed_office", composed("an open-plan office"))] {
        let world = World::of(scene, 0);
        let path = dir.join(format!("{name}.glb"));
        let t0 = Instant::now();
        let exported = export::write(&world, &path).unwrap();
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        let report = validate_without_errors(name, &path);
        let doc = json_chunk(&exported.glb).unwrap();

        // The world's choice, instance by instance: a model file where it builds one.
        let layout = &world.layout;
        let mut instances_of_model: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for (i, inst) in layout.instances.iter().enumerate() {
            let node = nodes_named(&doc, &format!("{}#{}", inst.entity, inst.index))[0];
            let chosen = sayscape::world::real_model(layout, i, true).map(|(model, _)| model.asset.as_str());
            assert_eq!(node["extras"]["model"].as_str(), chosen, "{name}: instance {i} ({})", inst.kind);
            if let Some(asset) = chosen {
                let license = node["extras"]["license"].as_str().unwrap_or_default();
                assert!(ALLOWED_LICENSES.contains(&license), "{name}: {asset} credited with licence {license:?}");
                assert!(!model_parts(&doc, node).is_empty(), "{name}: {asset} has no part with a mesh");
                instances_of_model.entry(asset.to_string()).or_default().push(node);
            }
        }
        assert!(!instances_of_model.is_empty(), "{name}: no instance is built from a real model");

        // Each file copied once: its instances share its meshes, as many as the file holds.
        for (asset, nodes) in &instances_of_model {
            let meshes: BTreeSet<u64> = nodes.iter().map(|n| instance_mesh(&doc, n).unwrap()).collect();
            assert_eq!(meshes.len(), 1, "{name}: the instances of {asset} use meshes {meshes:?}");
            let all_parts: BTreeSet<u64> = nodes.iter().flat_map(|n| model_parts(&doc, n)).map(|p| p["mesh"].as_u64().unwrap()).collect();
            let file = sayscape::files::sayscape_home().join(asset);
            let in_file = json_chunk(&std::fs::read(&file).unwrap()).unwrap()["meshes"].as_array().unwrap().len();
            assert_eq!(all_parts.len(), in_file, "{name}: {asset} holds {in_file} meshes, its instances use {all_parts:?}");
            shared += usize::from(nodes.len() > 1);
        }
        eprintln!(
            "{name}: {:.2} MB in {ms:.0} ms, {} models for {} instances ({} shared), {} images, {} warnings",
            exported.glb.len() as f64 / 1e6,
            instances_of_model.len(),
            instances_of_model.values().map(Vec::len).sum::<usize>(),
            instances_of_model.values().filter(|n| n.len() > 1).count(),
            doc["images"].as_array().map_or(0, Vec::len),
            report["issues"]["numWarnings"],
        );
    }
    assert!(shared > 0, "no model has two instances sharing its mesh");
}

#[test]
fn the_command_exports_an_edited_file_through_its_history() {
    use sayscape::edit::{Understood, WordsOnly, history, understand};
    let farm = library_scene("farm");
    let Understood::Edit(ops) = understand(&farm, "add two horses", &mut WordsOnly).unwrap() else { panic!("not an edit") };
    let edited = history::record(&farm, "add two horses", ops).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (file, glb) = (dir.path().join("farm.json"), dir.path().join("farm.glb"));
    sayscape::scene::save_scene(&edited, &file).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sayscape"))
        .args(["export", file.to_str().unwrap(), "--out", glb.to_str().unwrap(), "--seed", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = json_chunk(&std::fs::read(&glb).unwrap()).unwrap();

    // The world the file shows: laid out through its history, as every front end lays it out.
    let world = World::of(sayscape::scene::load_scene(&file).unwrap(), 3);
    let horses = world.scene.entities.iter().find(|e| e.kind == "horse").expect("the edit added horses");
    assert_eq!(nodes_named(&doc, &horses.id)[0]["children"].as_array().unwrap().len(), world.layout.instances_of(&horses.id).count());
    let motions = sayscape::plan::Motions::new(&world.layout);
    let mut checked = 0;
    for (i, inst) in world.layout.instances.iter().enumerate().filter(|(i, _)| !motions.moves(*i) && motions.carrier(*i).is_none()) {
        let node = nodes_named(&doc, &format!("{}#{}", inst.entity, inst.index))[0];
        let t: Vec<f32> = node["translation"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        let p = inst.position;
        assert!((t[0] - p[0]).abs() < 1e-3 && (t[1] - p[1]).abs() < 1e-3 && (t[2] - p[2]).abs() < 1e-3, "instance {i}: {t:?} vs {p:?}");
        checked += 1;
    }
    assert!(checked > 10, "{checked} still instances");

    // A name that is not .glb is refused, naming the argument.
    let out =
        Command::new(env!("CARGO_BIN_EXE_sayscape")).args(["export", file.to_str().unwrap(), "--out", "world.gltf"]).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--out world.gltf"));
}

/// Blender (Debian's, installed by scripts/setup-tests.sh) imports an exported world: its
/// objects, the spawn camera, and the people's skeletons with their animation.
#[test]
#[ignore = "full tier: needs Blender and python3-numpy (scripts/setup-tests.sh)"]
fn blender_imports_an_exported_world_with_its_camera_and_rigged_people() {
    let blender = Command::new("blender").arg("--version").output();
    assert!(blender.is_ok_and(|o| o.status.success()), "no Blender: run scripts/setup-tests.sh");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jazz_club.glb");
    let exported = export::write(&World::of(library_scene("jazz_club"), 0), &path).unwrap();
    // Debian's Blender 3.4 glTF importer still names `numpy.bool`, which numpy 1.24 removed.
    let script = format!(
        "import numpy; numpy.bool = bool\nimport bpy\nbpy.ops.wm.read_factory_settings(use_empty=True)\n\
         r = bpy.ops.import_scene.gltf(filepath={:?})\n\
         print('IMPORTED', sorted(r)[0], len(bpy.data.objects), len([o for o in bpy.data.objects if o.type == 'CAMERA']), len(bpy.data.armatures), len(bpy.data.actions))\n",
        path.to_str().unwrap()
    );
    let run = Command::new("blender").args(["-b", "--factory-startup", "--python-expr", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let line = stdout.lines().find(|l| l.starts_with("IMPORTED")).unwrap_or_else(|| panic!("Blender did not import the file:\n{stdout}"));
    let fields: Vec<&str> = line.split_whitespace().collect();
    eprintln!("Blender: {line} ({} bytes)", exported.glb.len());
    assert_eq!(fields[1], "FINISHED", "{line}");
    let count = |k: usize| fields[k].parse::<usize>().unwrap();
    assert!(count(2) >= exported.counts.meshes, "{line}: fewer objects than the file's meshes");
    assert_eq!(count(3), 1, "{line}: the spawn camera");
    assert!(count(4) > 0 && count(5) > 0, "{line}: the musicians' skeletons and their animation");
}
