//! The scene graph of an exported world: the ground, water and room, the sun, the player's
//! spawn as a camera, and a node per entity (named by its id, its kind and placement in
//! `extras`) holding a node per instance. Instances of one model share one mesh: a procedural
//! model's on the instance's node, a real model's on a part node under it (a node per mesh of
//! the file, sized to the kind), with the model's file and licence in the instance's `extras`.
//! People are skinned: their skeleton and body under the instance, their clips one animation.

use std::collections::HashMap;

use bevy::prelude::*;
use serde_json::{Value, json};

use super::glb::{Document, Primitive};
use super::materials::{self, Materials, linear};
use super::people::People;
use super::real::{self, Part};
use super::source::{MeshSource, ModelParts, procedural_name, procedural_parts};
use crate::pipeline::World;
use crate::plan::{Layout, Motions};
use crate::scene::Entity;
use crate::scene::models::{Manifest, RealModel};
use crate::world::lighting::Lighting;
use crate::world::models::{Geometry, LightSpec};
use crate::world::{MAX_LIGHTS, ModelKey, eye_height, heading, nearest_lights, placed_transform};

/// The value of `extras.format` on an exported scene.
pub const WORLD_FORMAT: &str = "sayscape.world/1";
/// The player's field of view (vertical), as the window's camera has it.
const FOV_DEG: f32 = 70.0;
/// Where the player looks at the start: a little down.
const SPAWN_PITCH_DEG: f32 = -4.0;

/// A procedural model's shared mesh: its index (none when the model is empty) and its
/// spinner's mesh, pivot, axis and turns per second.
struct Shared {
    mesh: Option<usize>,
    spinner: Option<(usize, Vec3, Vec3, f32)>,
}

/// Builds the document of a world and returns it with its root nodes.
pub fn build(world: &World) -> (Document, Vec<usize>) {
    let layout = &world.layout;
    let setting = &layout.setting;
    let lighting = Lighting::of(setting, setting.weather);
    let mut doc = Document::default();
    let materials = Materials::add(&mut doc, &lighting);
    let mut roots = Vec::new();

    if let Some(ground) = crate::world::ground(setting, layout.seed) {
        let mesh = add_geometry(&mut doc, "ground", &ground.geometry, materials.ground);
        roots.push(part_node(&mut doc, "ground", "terrain", mesh, None));
        if let Some(lava) = ground.lava {
            let material = materials::lava(&mut doc, lava.base, lava.emissive);
            let mesh = add_geometry(&mut doc, "lava", &lava.geometry, material);
            roots.push(part_node(&mut doc, "lava", "lava", mesh, None));
            let (at, color, lumens, range) = lava.light;
            let light = point_light(&mut doc, "crater", color, lumens, range);
            roots.push(doc.add_node(json!({"name": "crater light", "translation": at.to_array(), "extensions": light})));
        }
    }
    if let Some(water) = crate::world::water(setting, layout.seed) {
        let material = materials::water(&mut doc, water.deep);
        let mesh = add_geometry(&mut doc, "water", &water.geometry(0.0), material);
        roots.push(part_node(&mut doc, "water", "water", mesh, None));
    }
    if let Some(room) = crate::world::room_parts(setting, layout.seed) {
        let mut children = Vec::new();
        for (part, geometry) in &room.surfaces {
            let mesh = add_geometry(&mut doc, part.kind(), geometry, materials.room);
            children.push(part_node(&mut doc, part.kind(), part.kind(), mesh, None));
        }
        let lamps = mesh_of(&mut doc, "room lamps", &room.fittings, materials.room, &room.glow, materials.room_glow);
        children.push(part_node(&mut doc, "room lamps", "room_lamps", lamps, None));
        for (k, (at, lumens, range)) in room.lights.iter().enumerate() {
            let light = point_light(&mut doc, &format!("room lamp {}", k + 1), room.light, *lumens, *range);
            children
                .push(doc.add_node(json!({"name": format!("room light {}", k + 1), "translation": at.to_array(), "extensions": light})));
        }
        let node = doc.add_node(json!({"name": "room", "translation": [0.0, room.floor_y, 0.0], "extras": {"part": "room"}}));
        doc.set_children(node, children);
        roots.push(node);
    }
    roots.push(sun(&mut doc, &lighting));
    roots.push(spawn_camera(&mut doc, layout));
    roots.extend(entities(&mut doc, world, &materials));
    (doc, roots)
}

/// The scene's own extras: what a viewer needs to light and frame it like the world.
pub fn scene_extras(world: &World) -> Value {
    let layout = &world.layout;
    let l = Lighting::of(&layout.setting, layout.setting.weather);
    let v = |v: Vec3| [v.x, v.y, v.z];
    json!({
        "format": WORLD_FORMAT,
        "title": layout.title,
        "seed": layout.seed,
        "terrain": layout.setting.terrain,
        "time_of_day": layout.setting.time_of_day,
        "weather": layout.setting.weather,
        "indoors": layout.setting.room.is_some(),
        "sky": {
            "zenith": v(l.zenith), "horizon": v(l.horizon), "fog_color": v(l.fog_color), "visibility_m": l.visibility,
            "ambient": v(l.ambient), "ambient_cd_m2": l.ambient_brightness, "sun_lux": l.sun_lux,
        },
    })
}

/// Normals of unit length (glTF requires it; a degenerate face's zero normal points up).
fn unit_normals(normals: &[[f32; 3]]) -> Vec<[f32; 3]> {
    normals.iter().map(|n| Vec3::from(*n).try_normalize().unwrap_or(Vec3::Y).to_array()).collect()
}

fn primitive<'a>(g: &'a Geometry, normals: &'a [[f32; 3]], material: usize) -> Primitive<'a> {
    Primitive { positions: &g.positions, normals, colors: Some(&g.colors), indices: &g.indices, material, skin: None }
}

fn add_geometry(doc: &mut Document, name: &str, g: &Geometry, material: usize) -> Option<usize> {
    let normals = unit_normals(&g.normals);
    doc.add_mesh(name, &[primitive(g, &normals, material)])
}

/// One mesh of a lit part and a glowing part.
fn mesh_of(
    doc: &mut Document,
    name: &str,
    solid: &Geometry,
    solid_material: usize,
    glow: &Geometry,
    glow_material: usize,
) -> Option<usize> {
    let (n1, n2) = (unit_normals(&solid.normals), unit_normals(&glow.normals));
    doc.add_mesh(name, &[primitive(solid, &n1, solid_material), primitive(glow, &n2, glow_material)])
}

fn part_node(doc: &mut Document, name: &str, part: &str, mesh: Option<usize>, translation: Option<Vec3>) -> usize {
    let mut node = json!({"name": name, "extras": {"part": part}});
    if let Some(mesh) = mesh {
        node["mesh"] = json!(mesh);
    }
    if let Some(t) = translation {
        node["translation"] = json!(t.to_array());
    }
    doc.add_node(node)
}

/// A point light's node extension. glTF point lights are in candela; the world's in lumens
/// (a point light spreads its lumens over 4π steradians).
fn point_light(doc: &mut Document, name: &str, srgb: [f32; 3], lumens: f32, range: f32) -> Value {
    let light = doc.add_light(json!({
        "name": name, "type": "point", "color": linear(srgb), "intensity": lumens / (4.0 * std::f32::consts::PI), "range": range.max(0.01),
    }));
    json!({"KHR_lights_punctual": {"light": light}})
}

/// The sun (or the moon): a directional light shining along -Z of its node, turned to shine
/// away from the sun's direction. Intensity in lux, as in the world.
fn sun(doc: &mut Document, l: &Lighting) -> usize {
    let light = doc.add_light(json!({
        "name": "sun", "type": "directional", "color": l.sun_color.clamp(Vec3::ZERO, Vec3::ONE).to_array(), "intensity": l.sun_lux,
    }));
    let rotation = Transform::IDENTITY.looking_to(-l.sun_dir, Vec3::Y).rotation.normalize();
    doc.add_node(json!({
        "name": "sun", "rotation": rotation.to_array(), "extensions": {"KHR_lights_punctual": {"light": light}}, "extras": {"part": "sun"},
    }))
}

/// The player's eyes at the start: where the window's camera stands, a perspective camera
/// named `spawn`.
fn spawn_camera(doc: &mut Document, layout: &Layout) -> usize {
    let spawn = &layout.spawn;
    let pose = Motions::new(layout).spawn_pose(0.0);
    let eyes = eye_height(spawn.vantage);
    let at = Vec3::from(pose.position) + Vec3::Y * eyes;
    let rotation = heading(pose.yaw_deg, SPAWN_PITCH_DEG, 0.0).normalize();
    let camera = doc.add_camera(json!({
        "name": "player", "type": "perspective",
        "perspective": {"yfov": FOV_DEG.to_radians(), "znear": 0.1, "zfar": 6000.0, "aspectRatio": 16.0 / 9.0},
    }));
    doc.add_node(json!({
        "name": "spawn", "camera": camera, "translation": at.to_array(), "rotation": rotation.to_array(),
        "extras": {
            "part": "spawn", "eye_height": eyes, "feet": pose.position, "yaw_deg": pose.yaw_deg,
            "vantage": spawn.vantage, "locomotion": spawn.locomotion, "role": spawn.role,
            "rides": spawn.parent.map(|p| layout.instances[p].entity.clone()),
        },
    }))
}

/// World transforms of every instance at the start: a rider's is its carrier's times its own,
/// as the world's hierarchy composes them.
fn world_transforms(layout: &Layout) -> Vec<Transform> {
    let motions = Motions::new(layout);
    let local: Vec<Transform> = (0..layout.instances.len()).map(|i| placed_transform(layout, &motions, i, 0.0)).collect();
    let mut global: Vec<Option<Transform>> = vec![None; local.len()];
    fn resolve(i: usize, motions: &Motions, local: &[Transform], global: &mut [Option<Transform>], depth: usize) -> Transform {
        if let Some(t) = global[i] {
            return t;
        }
        let t = match motions.carrier(i).filter(|_| depth < 16) {
            Some(p) => resolve(p, motions, local, global, depth + 1).mul_transform(local[i]),
            None => local[i],
        };
        global[i] = Some(t);
        t
    }
    (0..local.len()).map(|i| resolve(i, &motions, &local, &mut global, 0)).collect()
}

/// A node per entity, in the order of the scene (then any the planner added), each holding a
/// node per instance.
fn entities(doc: &mut Document, world: &World, materials: &Materials) -> Vec<usize> {
    let layout = &world.layout;
    let transforms = world_transforms(layout);
    let sources: Vec<MeshSource> = (0..layout.instances.len()).map(|i| MeshSource::of(layout, i)).collect();
    // Every instance's procedural model, as the world builds them: a real model's instance
    // still carries its procedural lamps, and falls back to it when its file cannot be read.
    let keys: Vec<ModelKey> = (0..layout.instances.len()).map(|i| ModelKey::of(layout, i)).collect();
    let mut built: HashMap<ModelKey, Option<ModelParts>> = HashMap::new();
    for key in &keys {
        built.entry(key.clone()).or_insert_with(|| procedural_parts(key, layout));
    }
    // The same lamps as the world lights: those nearest the spawn, within its budget.
    let carried: Vec<usize> = keys.iter().map(|k| built[k].as_ref().map_or(0, |p| p.lights.len())).collect();
    let lit = nearest_lights(layout, &carried, MAX_LIGHTS);
    let mut shared: HashMap<ModelKey, Shared> = HashMap::new();
    // Each model file is copied once, by asset path; `None`: it could not be.
    let mut copied: HashMap<&str, Option<Vec<Part>>> = HashMap::new();
    let motions = Motions::new(layout);
    let mut people = People::new(layout);

    let mut order: Vec<&str> = world.scene.entities.iter().map(|e| e.id.as_str()).collect();
    for inst in &layout.instances {
        if !order.contains(&inst.entity.as_str()) {
            order.push(&inst.entity);
        }
    }
    let mut roots = Vec::new();
    for id in order {
        let entity = world.scene.entities.iter().find(|e| e.id == id);
        let mut children = Vec::new();
        for (i, inst) in layout.instances_of(id) {
            let t = transforms[i];
            let mut node = json!({
                "name": format!("{id}#{}", inst.index),
                "translation": t.translation.to_array(),
                "rotation": t.rotation.normalize().to_array(),
                "scale": t.scale.to_array(),
                "extras": {
                    "entity": id, "index": inst.index, "kind": inst.kind, "habitat": inst.habitat, "motion": inst.motion.kind,
                    "position": inst.position, "yaw_deg": inst.yaw_deg, "scale": inst.scale, "color": inst.color,
                    "rides": inst.parent.map(|p| layout.instances[p].entity.clone()),
                },
            });
            let body = match &sources[i] {
                MeshSource::Rigged => people.person(doc, layout, &motions, i, (materials.model, materials.glow)),
                _ => None,
            };
            let real = match &sources[i] {
                MeshSource::Real { model, scale } => copied
                    .entry(model.asset.as_str())
                    .or_insert_with(|| copy_model(doc, model))
                    .as_ref()
                    .map(|parts| (*model, *scale, parts.clone())),
                _ => None,
            };
            let key = &keys[i];
            let mut parts = Vec::new();
            match (body, real) {
                (Some(skeleton_and_body), _) => parts.extend(skeleton_and_body),
                (None, Some((model, scale, model_parts))) => {
                    node["extras"]["model"] = json!(model.asset);
                    if let Some(source) = Manifest::builtin().models.get(&model.id) {
                        node["extras"]["license"] = json!(Manifest::builtin().license_of(source));
                        node["extras"]["credit"] = json!(source.credit);
                    }
                    parts.extend(model_parts.iter().map(|part| model_part_node(doc, &model.id, scale, part)));
                }
                (None, None) => {
                    let share = shared.entry(key.clone()).or_insert_with(|| write_model(doc, key, built[key].as_ref(), materials));
                    if let Some(mesh) = share.mesh {
                        node["mesh"] = json!(mesh);
                    } else if built[key].is_none() {
                        node["extras"]["no_model"] = json!(true);
                    }
                    if let Some((mesh, pivot, axis, rate)) = share.spinner {
                        let blades = doc.add_node(json!({"name": "blades", "mesh": mesh, "translation": (-pivot).to_array()}));
                        let hub = doc.add_node(json!({
                            "name": "spinner", "translation": pivot.to_array(),
                            "extras": {"spin_axis": axis.to_array(), "turns_per_s": rate},
                        }));
                        doc.set_children(hub, vec![blades]);
                        parts.push(hub);
                    }
                }
            }
            // A real lamp lights where its procedural one would, as in the world.
            if let Some(model) = built[key].as_ref().filter(|_| lit.contains(&i)) {
                for (k, light) in model.lights.iter().enumerate() {
                    parts.push(model_light(doc, &format!("{id}#{} light {}", inst.index, k + 1), light));
                }
            }
            let node = doc.add_node(node);
            doc.set_children(node, parts);
            children.push(node);
        }
        let extras = entity_extras(id, entity, children.len());
        let node = doc.add_node(json!({"name": id, "extras": extras}));
        doc.set_children(node, children);
        roots.push(node);
    }
    people.finish(doc, layout, &motions);
    roots
}

/// Copies a model file into the document; `None` (its instances keep their procedural model,
/// as in the world) when it cannot be read or holds no mesh.
fn copy_model(doc: &mut Document, model: &RealModel) -> Option<Vec<Part>> {
    match real::import(doc, &model.path) {
        Ok(parts) if !parts.is_empty() => Some(parts),
        Ok(_) => {
            warn!("{}: holds no mesh; its kind keeps its procedural model", model.path.display());
            None
        }
        Err(e) => {
            warn!("{e}; its kind keeps its procedural model");
            None
        }
    }
}

/// A node of one mesh of a real model under its instance, sized to the kind as the world
/// sizes it (the scale times the part's place in the file).
fn model_part_node(doc: &mut Document, model_id: &str, scale: f32, part: &Part) -> usize {
    let t = Transform::from_matrix(Mat4::from_scale(Vec3::splat(scale)) * part.transform);
    doc.add_node(json!({
        "name": model_id, "mesh": part.mesh,
        "translation": t.translation.to_array(), "rotation": t.rotation.normalize().to_array(), "scale": t.scale.to_array(),
        "extras": {"part": "model"},
    }))
}

/// What the scene says of an entity: its kind, count and placement.
fn entity_extras(id: &str, entity: Option<&Entity>, instances: usize) -> Value {
    match entity {
        Some(e) => json!({
            "entity": id, "kind": e.kind, "count": e.count, "instances": instances,
            "relation": e.placement.relation, "target": e.placement.target, "distance": e.placement.distance,
            "position": e.placement.position, "scale": e.scale, "color": e.color, "activity": e.activity,
        }),
        None => json!({"entity": id, "instances": instances}),
    }
}

/// Writes a procedural model's meshes once; every instance of it refers to them.
fn write_model(doc: &mut Document, key: &ModelKey, parts: Option<&ModelParts>, materials: &Materials) -> Shared {
    let Some(parts) = parts else { return Shared { mesh: None, spinner: None } };
    let name = procedural_name(key);
    let mesh = mesh_of(doc, &name, &parts.solid, materials.model, &parts.glow, materials.glow);
    let spinner = parts.spinner.as_ref().and_then(|(g, pivot, axis, rate)| {
        add_geometry(doc, &format!("{name} spinner"), g, materials.model).map(|m| (m, *pivot, *axis, *rate))
    });
    Shared { mesh, spinner }
}

/// A lamp a model carries: a point light, or a spot aimed along its direction.
fn model_light(doc: &mut Document, name: &str, light: &LightSpec) -> usize {
    let candela = light.intensity / (4.0 * std::f32::consts::PI);
    let mut spec = json!({"name": name, "color": linear(light.color), "intensity": candela, "range": light.range.max(0.01)});
    let mut node = json!({"name": name, "translation": light.offset.to_array()});
    match light.aim.and_then(|a| a.try_normalize()) {
        Some(aim) => {
            // As the world's spot lights: 0.3 rad inside, 0.45 rad outside.
            spec["type"] = json!("spot");
            spec["spot"] = json!({"innerConeAngle": 0.3, "outerConeAngle": 0.45});
            node["rotation"] = json!(
                Transform::IDENTITY.looking_to(aim, if aim.y.abs() > 0.99 { Vec3::Z } else { Vec3::Y }).rotation.normalize().to_array()
            );
        }
        None => spec["type"] = json!("point"),
    }
    let index = doc.add_light(spec);
    node["extensions"] = json!({"KHR_lights_punctual": {"light": index}});
    doc.add_node(node)
}
