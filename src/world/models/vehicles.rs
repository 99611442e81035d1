//! Things that carry people: ships and boats, aircraft, land vehicles.

use std::f32::consts::FRAC_PI_2;

use bevy::prelude::*;

use super::palette::*;
use super::{Build, Layer, Rgb};

pub fn build(kind: &str, b: &mut Build) -> bool {
    match kind {
        "sailing_ship" => sailing_ship(b),
        "rowboat" => rowboat(b),
        "sailboat" => sailboat(b),
        "shipwreck" => shipwreck(b),
        "biplane" => biplane(b),
        "airliner" => airliner(b),
        "observation_balloon" => balloon(b),
        "tank" => tank(b),
        "car" => car(b),
        "race_car" => race_car(b),
        "truck" => truck(b),
        "tractor" => tractor(b),
        "cart" => cart(b),
        _ => return false,
    }
    true
}

/// A hull from y = `keel` to the deck at `deck`, pointed at the bow (-Z).
pub(super) fn hull(b: &mut Build, width: f32, length: f32, keel: f32, deck: f32, color: Rgb, deck_color: Rgb) {
    let h = deck - keel;
    let body = length * 0.72;
    let z_mid = length * 0.08;
    b.m.block([width, h, body], [0.0, keel + h / 2.0, z_mid], color);
    // The bow: a wedge made of two slanted sides meeting at the stem.
    let bow_z = z_mid - body / 2.0;
    let stem = [0.0, deck, -length / 2.0];
    let keel_stem = [0.0, keel + h * 0.3, -length / 2.0 + length * 0.08];
    for side in [-1.0, 1.0] {
        let (top, low) = ([side * width / 2.0, deck, bow_z], [side * width / 2.0, keel, bow_z]);
        b.m.tri(top, low, keel_stem, color).tri(top, keel_stem, stem, color);
    }
    b.m.tri([-width / 2.0, deck, bow_z], stem, [width / 2.0, deck, bow_z], deck_color);
    b.m.block([width * 0.96, 0.08, body], [0.0, deck, z_mid], deck_color);
}

fn sailing_ship(b: &mut Build) {
    let hull_color = b.m.paint(DARK_WOOD);
    hull(b, 6.0, 28.0, -2.0, 3.0, hull_color, [0.55, 0.40, 0.24]);
    // A painted stripe along the gun deck, with gun ports.
    b.m.block([6.05, 0.5, 19.0], [0.0, 1.6, 2.3], [0.75, 0.62, 0.25]);
    for i in 0..6 {
        let z = -5.0 + i as f32 * 3.0;
        b.m.block([6.1, 0.45, 0.5], [0.0, 1.6, z], BLACK);
    }
    // Rails, and the raised stern castle with its lanterns.
    for side in [-1.0, 1.0] {
        b.m.block([0.15, 0.9, 19.0], [side * 2.9, 3.45, 2.3], DARK_WOOD);
    }
    // (The captain stands aft on the main deck, about 8 m behind the middle: keep it clear.)
    b.m.block([6.0, 2.2, 3.2], [0.0, 4.1, 12.2], DARK_WOOD);
    b.m.block([6.2, 0.3, 3.4], [0.0, 5.3, 12.2], PALE_WOOD);
    b.m.layer(Layer::Glow);
    for side in [-1.2, 1.2] {
        b.m.block([0.35, 0.5, 0.35], [side, 6.0, 13.6], WARM_LIGHT);
    }
    b.m.layer(Layer::Solid);
    b.light([0.0, 6.2, 13.0], WARM_LIGHT, 8000.0, 25.0, None);
    // Three masts with yards and square sails, a bowsprit, and a black flag on top.
    let sail = b.m.paint(CANVAS);
    for (z, height, span) in [(-8.0, 20.0, 10.0), (-1.5, 24.0, 12.0), (4.2, 18.0, 9.0)] {
        b.m.post(0.28, height, [0.0, 3.0, z], WOOD);
        for (k, frac) in [0.45, 0.72, 0.93].iter().enumerate() {
            let y = 3.0 + height * frac;
            let w = span * (1.0 - k as f32 * 0.22);
            b.m.rod(0.12, w + 0.8, [0.0, y, z], Quat::from_rotation_z(FRAC_PI_2), WOOD);
            let drop = height * 0.24;
            // Sails bellied forward: a slightly slanted panel.
            b.m.panel(w, drop, [0.0, y - drop / 2.0, z - 0.35], Quat::from_rotation_x(-0.12), sail);
        }
    }
    b.m.beam(0.18, [0.0, 3.4, -14.0], [0.0, 7.0, -19.0], WOOD);
    b.m.tri([0.0, 3.5, -14.0], [0.0, 6.8, -18.6], [0.0, 18.0, -8.0], sail);
    b.m.panel(2.2, 1.4, [1.1, 27.3, -1.5], Quat::IDENTITY, BLACK);
    b.m.ball([0.35, 0.35, 0.1], [1.1, 27.4, -1.56], WHITE);
}

fn rowboat(b: &mut Build) {
    let c = b.m.paint(WOOD);
    hull(b, 1.4, 3.6, -0.25, 0.5, c, PALE_WOOD);
    b.m.block([1.3, 0.08, 0.3], [0.0, 0.55, 0.2], DARK_WOOD);
    for side in [-1.0, 1.0] {
        b.m.beam(0.04, [side * 0.6, 0.7, 0.2], [side * 1.9, -0.05, 0.6], PALE_WOOD);
    }
}

fn sailboat(b: &mut Build) {
    let c = b.m.paint(WHITE);
    hull(b, 2.5, 8.0, -0.6, 1.0, c, PALE_WOOD);
    b.m.block([2.5, 0.2, 5.8], [0.0, 0.6, 0.6], [0.15, 0.25, 0.55]);
    b.m.post(0.08, 11.0, [0.0, 1.0, -0.5], STEEL);
    b.m.rod(0.06, 3.6, [0.0, 2.0, 1.3], Quat::from_rotation_x(FRAC_PI_2), STEEL);
    b.m.tri([0.0, 1.9, -0.4], [0.0, 11.8, -0.45], [0.0, 2.0, 3.1], CANVAS);
    b.m.tri([0.0, 1.6, -0.7], [0.0, 10.5, -0.6], [0.0, 1.3, -3.8], CANVAS);
}

fn shipwreck(b: &mut Build) {
    // A broken hull lying on its side on the sea floor, a snapped mast beside it.
    let tilt = Quat::from_rotation_z(0.6) * Quat::from_rotation_x(0.08);
    b.m.block_turned([4.0, 3.0, 12.0], [0.0, 1.5, 0.0], tilt, [0.22, 0.2, 0.15]);
    b.m.block_turned([4.2, 0.2, 12.0], [-0.9, 3.0, 0.0], tilt, [0.30, 0.26, 0.18]);
    for i in 0..5 {
        let z = -4.5 + i as f32 * 2.2;
        b.m.beam(0.15, [1.2, 0.5, z], [2.6, 4.6 - i as f32 * 0.3, z + 0.3], [0.2, 0.18, 0.13]);
    }
    b.m.beam(0.25, [-1.0, 2.0, -2.0], [-4.5, 0.4, -7.5], [0.25, 0.2, 0.14]);
    b.m.block([0.9, 0.7, 0.6], [2.8, 0.35, 3.5], [0.35, 0.25, 0.1]);
}

fn biplane(b: &mut Build) {
    let body = b.m.paint([0.62, 0.10, 0.08]);
    // Fuselage along Z, cockpit at deck height 1.2 just behind the upper wing.
    b.m.rod(0.55, 5.0, [0.0, 1.2, 0.3], Quat::from_rotation_x(FRAC_PI_2), body);
    b.m.cone_turned(0.55, 1.6, [0.0, 1.2, 3.6], Quat::from_rotation_x(FRAC_PI_2), body);
    b.m.rod(0.6, 0.6, [0.0, 1.2, -2.4], Quat::from_rotation_x(FRAC_PI_2), IRON);
    b.m.block([0.9, 0.2, 0.9], [0.0, 1.68, 0.3], BLACK);
    let wing = [0.78, 0.72, 0.55];
    // Wings ahead of the cockpit so the pilot sees over the lower one and under the upper.
    for y in [0.55, 2.35] {
        b.m.block([9.0, 0.12, 1.6], [0.0, y, -1.7], wing);
    }
    for x in [-3.6, -1.2, 1.2, 3.6] {
        b.m.beam(0.04, [x, 0.6, -1.7], [x, 2.3, -1.7], DARK_WOOD);
    }
    // Roundels under the upper wing and a tail with rudder.
    for x in [-3.2, 3.2] {
        b.m.rod(0.5, 0.02, [x, 2.42, -1.7], Quat::IDENTITY, WHITE);
        b.m.rod(0.25, 0.03, [x, 2.43, -1.7], Quat::IDENTITY, BLACK);
    }
    b.m.block([3.0, 0.08, 0.9], [0.0, 1.3, 3.7], wing);
    b.m.tri([0.0, 1.3, 3.3], [0.0, 2.6, 4.2], [0.0, 1.3, 4.4], body);
    for x in [-0.8, 0.8] {
        b.m.beam(0.04, [x * 0.5, 0.9, -1.6], [x, 0.35, -1.6], IRON);
        b.m.rod(0.32, 0.12, [x, 0.35, -1.6], Quat::from_rotation_z(FRAC_PI_2), BLACK);
    }
    b.m.layer(Layer::Spinner);
    b.m.block([0.16, 2.6, 0.06], [0.0, 1.2, -2.8], DARK_WOOD);
    b.m.block([0.14, 0.14, 0.1], [0.0, 1.2, -2.82], IRON);
    b.m.layer(Layer::Solid);
    b.spin = Some((Vec3::new(0.0, 1.2, -2.8), Vec3::Z, 12.0));
}

fn airliner(b: &mut Build) {
    let body = b.m.paint(WHITE);
    b.m.rod(2.0, 30.0, [0.0, 4.0, 0.0], Quat::from_rotation_x(FRAC_PI_2), body);
    b.m.ball([2.0, 2.0, 4.0], [0.0, 4.0, -15.0], body);
    b.m.cone_turned(2.0, 6.0, [0.0, 4.3, 18.0], Quat::from_rotation_x(FRAC_PI_2), body);
    b.m.block([1.6, 0.5, 0.3], [0.0, 5.1, -17.2], BLACK);
    for side in [-1.0, 1.0] {
        let root = [side * 1.8, 3.2, -1.0];
        let tip = [side * 17.0, 3.8, 5.0];
        b.m.tri(root, tip, [side * 1.8, 3.2, 5.0], STEEL).tri(root, [side * 17.0, 3.8, 6.5], tip, STEEL);
        b.m.rod(0.8, 3.5, [side * 6.5, 2.3, -1.0], Quat::from_rotation_x(FRAC_PI_2), [0.4, 0.4, 0.45]);
        b.m.tri([side * 0.5, 4.5, 15.0], [side * 6.0, 4.8, 19.0], [side * 0.5, 4.5, 19.0], STEEL);
    }
    b.m.tri([0.0, 5.5, 13.0], [0.0, 12.0, 19.5], [0.0, 5.5, 19.0], [0.15, 0.25, 0.6]);
}

fn balloon(b: &mut Build) {
    b.m.ball([2.6, 2.6, 5.5], [0.0, 8.5, 0.0], [0.55, 0.55, 0.48]);
    b.m.tri([0.0, 8.5, 4.5], [0.0, 11.0, 6.5], [0.0, 8.5, 6.8], [0.5, 0.5, 0.44]);
    for (x, z) in [(-0.5, -0.5), (0.5, -0.5), (-0.5, 0.5), (0.5, 0.5)] {
        b.m.beam(0.02, [x, 1.2, z], [x * 3.0, 6.2, z * 3.0], BLACK);
    }
    b.m.block([1.1, 1.0, 1.1], [0.0, 0.5, 0.0], [0.5, 0.38, 0.2]);
}

fn wheels(b: &mut Build, radius: f32, width: f32, track: f32, axles: &[f32]) {
    for &z in axles {
        for side in [-1.0, 1.0] {
            b.m.rod(radius, width, [side * track / 2.0, radius, z], Quat::from_rotation_z(FRAC_PI_2), BLACK);
        }
    }
}

fn tank(b: &mut Build) {
    let hull = b.m.paint([0.38, 0.40, 0.28]);
    // A WW1 rhomboid: tracks wrapping the whole side, a gun sponson, a cab on top.
    for side in [-1.0, 1.0] {
        b.m.block([0.8, 2.0, 7.0], [side * 1.7, 1.2, 0.0], IRON);
        b.m.block_turned([0.8, 1.0, 1.6], [side * 1.7, 2.0, -3.6], Quat::from_rotation_x(0.6), IRON);
        b.m.block([0.7, 0.9, 1.4], [side * 2.3, 1.4, -0.3], hull);
        b.m.rod(0.12, 1.4, [side * 2.9, 1.5, -0.6], Quat::from_rotation_z(FRAC_PI_2), IRON);
    }
    b.m.block([2.6, 2.0, 6.0], [0.0, 1.4, 0.0], hull);
    b.m.block([1.6, 0.8, 1.8], [0.0, 2.8, -0.8], hull);
}

fn car(b: &mut Build) {
    let colors = [[0.70, 0.10, 0.08], [0.15, 0.30, 0.70], [0.85, 0.85, 0.82], [0.15, 0.15, 0.16]];
    let paint = b.m.paint(colors[b.variant as usize % colors.len()]);
    b.m.block([1.8, 0.6, 4.2], [0.0, 0.65, 0.0], paint);
    b.m.block([1.6, 0.55, 2.2], [0.0, 1.2, 0.2], paint);
    b.m.block([1.62, 0.4, 2.0], [0.0, 1.22, 0.2], [0.15, 0.2, 0.25]);
    wheels(b, 0.33, 0.25, 1.7, &[-1.3, 1.3]);
    b.m.layer(Layer::Glow);
    for x in [-0.6, 0.6] {
        b.m.block([0.3, 0.15, 0.05], [x, 0.75, -2.1], WHITE);
        b.m.block([0.3, 0.15, 0.05], [x, 0.75, 2.1], RED);
    }
    b.m.layer(Layer::Solid);
}

fn race_car(b: &mut Build) {
    let paint = b.m.paint([0.80, 0.10, 0.05]);
    b.m.block([0.9, 0.45, 4.4], [0.0, 0.45, 0.0], paint);
    b.m.cone_turned(0.45, 1.2, [0.0, 0.42, -2.7], Quat::from_rotation_x(-FRAC_PI_2), paint);
    b.m.block([1.8, 0.08, 0.5], [0.0, 0.2, -3.0], paint);
    b.m.block([1.6, 0.08, 0.6], [0.0, 1.0, 2.1], paint);
    b.m.block([0.08, 0.5, 0.5], [0.0, 0.75, 2.1], BLACK);
    b.m.ball([0.25, 0.22, 0.3], [0.0, 0.85, 0.3], [0.9, 0.9, 0.2]);
    wheels(b, 0.33, 0.35, 1.6, &[-1.5, 1.4]);
}

fn truck(b: &mut Build) {
    let paint = b.m.paint([0.20, 0.35, 0.55]);
    b.m.block([2.3, 1.9, 2.0], [0.0, 1.55, -2.6], paint);
    b.m.block([2.3, 0.6, 1.9], [0.0, 2.0, -2.65], [0.15, 0.2, 0.25]);
    b.m.block([2.4, 2.6, 5.2], [0.0, 1.9, 1.1], [0.8, 0.8, 0.78]);
    wheels(b, 0.5, 0.4, 2.1, &[-2.6, 0.8, 2.4]);
}

fn tractor(b: &mut Build) {
    let paint = b.m.paint([0.15, 0.50, 0.15]);
    b.m.block([1.1, 1.0, 2.2], [0.0, 1.3, -0.6], paint);
    b.m.block([1.3, 1.3, 1.2], [0.0, 1.9, 0.8], paint);
    b.m.block([1.2, 0.7, 1.1], [0.0, 2.3, 0.8], [0.2, 0.25, 0.3]);
    b.m.post(0.07, 0.9, [0.3, 1.8, -1.2], BLACK);
    for side in [-1.0, 1.0] {
        b.m.rod(0.8, 0.45, [side * 0.95, 0.8, 0.9], Quat::from_rotation_z(FRAC_PI_2), BLACK);
        b.m.rod(0.45, 0.3, [side * 0.8, 0.45, -1.3], Quat::from_rotation_z(FRAC_PI_2), BLACK);
    }
}

fn cart(b: &mut Build) {
    b.m.block([1.4, 0.6, 2.0], [0.0, 0.9, 0.0], b.m.paint(WOOD));
    b.m.block([1.3, 0.4, 1.6], [0.0, 1.35, 0.1], [0.75, 0.65, 0.3]);
    for side in [-1.0, 1.0] {
        b.m.rod(0.6, 0.1, [side * 0.8, 0.6, 0.2], Quat::from_rotation_z(FRAC_PI_2), DARK_WOOD);
        b.m.beam(0.05, [side * 0.4, 0.8, -1.0], [side * 0.4, 0.7, -2.4], WOOD);
    }
}
