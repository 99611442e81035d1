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
    // A crowd of a thousand must stay well inside the triangle budget.
    let person = models::build("crowd", None, 0).unwrap().triangles();
    assert!(person * 1000 <= 400_000, "a crowd member has {person} triangles");
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
