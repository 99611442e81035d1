//! Every catalog kind has a model the renderer can draw, within a triangle budget; shared
//! motion puts riders on their carriers; the water and floating things agree.

use sayscape::plan::{Motions, plan, wave_height};
use sayscape::scene::{Catalog, load_scene};
use sayscape::world::models;

#[test]
fn every_catalog_kind_has_a_well_formed_model() {
    let mut too_tall = Vec::new();
    for kind in Catalog::builtin().kinds() {
        let model = models::build(&kind.kind, None, 0).unwrap_or_else(|| panic!("no model for {}", kind.kind));
        assert!(model.triangles() > 0, "{}: empty model", kind.kind);
        for (layer, g) in [("solid", &model.solid), ("glow", &model.glow), ("spinner", &model.spinner)] {
            let n = g.positions.len();
            assert!(g.normals.len() == n && g.colors.len() == n, "{} {layer}: attribute lengths differ", kind.kind);
            assert!(g.indices.iter().all(|&i| (i as usize) < n), "{} {layer}: index out of range", kind.kind);
            assert!(g.positions.iter().flatten().all(|v| v.is_finite()), "{} {layer}: non-finite vertex", kind.kind);
        }
        // The model fits its catalog size (within a margin: masts, wings and flags stick out).
        let top = model.solid.positions.iter().chain(&model.glow.positions).map(|p| p[1]).fold(f32::MIN, f32::max);
        if top > kind.height * 1.35 + 1.0 {
            too_tall.push(format!("{}: {top:.1} m tall, catalog says {:.1} m", kind.kind, kind.height));
        }
        assert!(model.triangles() <= 12_000, "{}: {} triangles", kind.kind, model.triangles());
        assert!(model.spinner.is_empty() == model.spin.is_none(), "{}: a spinner needs a pivot", kind.kind);
    }
    assert!(too_tall.is_empty(), "models taller than their catalog size: {too_tall:#?}");
    // A crowd of 1 200 must stay well inside the 300 k triangle budget in view.
    let person = models::build("crowd", None, 0).unwrap().triangles();
    assert!(person * 1200 <= 220_000, "a crowd member has {person} triangles");
}

/// Every family builds a non-empty, well-formed, bounded model at its extremes: every
/// proportion at its minimum and at its maximum, with every part, at the smallest and largest
/// size, and its model stays inside the size its form claims (the planner spaces by that).
#[test]
fn every_family_builds_a_bounded_model_at_its_extremes() {
    use sayscape::scene::Family;
    for family in Family::ALL {
        for mut form in family.extremes() {
            for size in [0.05, family.typical_size(), 500.0] {
                form.size = size;
                let model = models::build_form(&form, None, 0);
                let name = format!("{family:?} size {size} shape {:?} parts {:?}", form.shape, form.parts);
                assert!(model.triangles() > 0, "{name}: empty");
                assert!(model.triangles() <= 12_000, "{name}: {} triangles", model.triangles());
                let (radius, height) = form.extent();
                for g in [&model.solid, &model.glow, &model.spinner] {
                    assert!(g.indices.iter().all(|&i| (i as usize) < g.positions.len()), "{name}: index out of range");
                    for p in &g.positions {
                        assert!(p.iter().all(|v| v.is_finite()), "{name}: non-finite vertex");
                        // Wings, tails, sails and rotors stick out; nothing goes far beyond.
                        let across = (p[0] * p[0] + p[2] * p[2]).sqrt();
                        assert!(across <= radius * 3.0 + size * 0.8, "{name}: a vertex {across:.2} m out, footprint {radius:.2} m");
                        assert!(p[1] <= height * 1.6 + size * 0.5, "{name}: a vertex at {:.2} m, height {height:.2} m", p[1]);
                        assert!(p[1] >= -size * 0.5 - 0.1, "{name}: a vertex {:.2} m under the ground", p[1]);
                    }
                }
                assert!(model.spinner.is_empty() == model.spin.is_none(), "{name}: a spinner needs a pivot");
            }
        }
    }
}

#[test]
fn a_scene_colour_paints_the_model() {
    let plain = models::build("car", None, 0).unwrap();
    let red = models::build("car", Some([1.0, 0.0, 0.0]), 0).unwrap();
    assert_ne!(plain.solid.colors, red.solid.colors);
}

#[test]
fn riders_move_with_their_carrier_and_ships_ride_the_waves() {
    let scene = load_scene(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes/pirate_seven_seas.json"))).unwrap();
    let layout = plan(&scene, 0);
    let motions = Motions::new(&layout);
    let ship = layout.spawn.parent.expect("the player stands on the flagship");
    let riders: Vec<usize> = (0..layout.instances.len()).filter(|&i| motions.carrier(i) == Some(ship)).collect();
    assert!(!riders.is_empty(), "cannons and barrels ride the flagship");
    for t in [0.0, 7.5, 40.0] {
        let s = motions.pose(ship, t);
        for &r in &riders {
            let p = motions.pose(r, t);
            let d = ((p.position[0] - s.position[0]).powi(2) + (p.position[2] - s.position[2]).powi(2)).sqrt();
            assert!(d < 16.0, "rider {r} is {d:.1} m from its ship at t = {t}");
        }
        let [x, y, z] = s.position;
        let sea = wave_height(x, z, t, layout.setting.water.waves);
        assert!((y - sea).abs() < 1.5, "the ship floats at {y:.2} where the sea is {sea:.2}");
    }
    let (a, b) = (motions.pose(ship, 0.0).position, motions.pose(ship, 20.0).position);
    assert!(((a[0] - b[0]).powi(2) + (a[2] - b[2]).powi(2)).sqrt() > 10.0, "the flagship sails");
}

/// Every library scene stays inside the world's budgets even counting everything it holds, in
/// view or not: at most 300 k triangles and 150 distinct meshes (an upper bound of the draw
/// calls, which Bevy batches per mesh and material). `sayscape bench world` measures what is
/// in view.
#[test]
fn every_library_scene_fits_the_triangle_and_draw_call_budgets() {
    use std::collections::HashMap;
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes"));
    let mut over = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let layout = plan(&load_scene(&path).unwrap(), 0);
        let mut models: HashMap<(String, u32, Option<sayscape::scene::Color>), (usize, usize)> = HashMap::new();
        let mut triangles = 0;
        for inst in &layout.instances {
            let variant = inst.index % models::variants(&inst.kind);
            let own_form = if layout.forms.contains_key(&inst.entity) { inst.entity.as_str() } else { "" };
            let key = (format!("{}#{own_form}", inst.kind), variant, inst.color);
            let (tris, _) = *models.entry(key).or_insert_with(|| {
                let m = match layout.forms.get(&inst.entity) {
                    Some(form) => models::build_form(form, None, variant),
                    None => models::build(&inst.kind, None, variant).unwrap(),
                };
                (m.triangles(), [&m.solid, &m.glow, &m.spinner].iter().filter(|g| !g.is_empty()).count())
            });
            triangles += tris;
        }
        let meshes: usize = models.values().map(|(_, m)| m).sum();
        if triangles > 300_000 || meshes > 150 {
            over.push(format!("{}: {triangles} triangles, {meshes} meshes", path.display()));
        }
    }
    assert!(over.is_empty(), "over budget: {over:#?}");
}
