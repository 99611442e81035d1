//! Landscape and plants: trees, rocks, dunes, mountains, islands, reefs, clouds, fields.

use std::f32::consts::TAU;

use bevy::prelude::*;

use super::palette::*;
use super::{Build, Layer, Rgb, unit};

pub fn build(kind: &str, b: &mut Build) -> bool {
    match kind {
        "palm_tree" => palm_tree(b),
        "pine_tree" => pine_tree(b, 12.0, DARK_LEAF),
        "christmas_tree" => christmas_tree(b),
        "oak_tree" => oak_tree(b),
        "jungle_tree" => jungle_tree(b),
        "dead_tree" => dead_tree(b),
        "bush" => bush(b),
        "cactus" => cactus(b),
        "rock" => rock(b),
        "dune" => dune(b),
        "mountain" => mountain(b, false),
        "volcano" => mountain(b, true),
        "island" => island(b),
        "coral" => coral(b),
        "seaweed" => seaweed(b),
        "cloud" => cloud(b),
        "field" => field(b),
        "oasis_pond" => pond(b),
        _ => return false,
    }
    true
}

/// Points around a circle: (x, z) at `radius` for `n` steps, starting at `offset` radians.
pub fn ring(n: usize, radius: f32, offset: f32) -> impl Iterator<Item = (f32, f32)> {
    (0..n).map(move |i| {
        let a = offset + i as f32 / n as f32 * TAU;
        (a.cos() * radius, a.sin() * radius)
    })
}

fn palm_tree(b: &mut Build) {
    // A curved trunk of segments leaning one way, fronds drooping all around.
    let mut p = Vec3::ZERO;
    for i in 0..6 {
        let next = p + Vec3::new(0.22 - i as f32 * 0.02, 1.45, 0.0);
        b.m.beam(0.2 - i as f32 * 0.015, p.into(), next.into(), [0.50, 0.38, 0.24]);
        p = next;
    }
    let leaf = b.m.paint(LEAF);
    for (i, (x, z)) in ring(8, 1.0, 0.3).enumerate() {
        let dir = Vec3::new(x, 0.0, z);
        let droop = if i % 2 == 0 { -0.35 } else { -0.15 };
        let tip = p + dir * 3.6 + Vec3::Y * (droop * 4.0);
        let side = dir.cross(Vec3::Y) * 0.55;
        b.m.tri(p.into(), (p + dir * 1.8 + side + Vec3::Y * 0.3).into(), tip.into(), leaf);
        b.m.tri(p.into(), tip.into(), (p + dir * 1.8 - side + Vec3::Y * 0.3).into(), leaf);
    }
    for (x, z) in ring(3, 0.3, 0.0) {
        b.m.ball([0.18; 3], [p.x + x, p.y - 0.3, p.z + z], [0.35, 0.25, 0.1]);
    }
}

fn pine_tree(b: &mut Build, height: f32, color: Rgb) {
    let color = b.m.paint(color);
    b.m.post(0.25, height * 0.3, [0.0, 0.0, 0.0], BARK);
    for (i, frac) in [0.18, 0.42, 0.64].iter().enumerate() {
        let r = 2.0 * (1.0 - i as f32 * 0.25);
        b.m.cone(r, height * 0.42, [0.0, height * frac, 0.0], color);
    }
}

fn christmas_tree(b: &mut Build) {
    pine_tree(b, 6.0, [0.05, 0.35, 0.12]);
    b.m.layer(Layer::Glow);
    let colors = [[1.0, 0.2, 0.2], [1.0, 0.85, 0.3], [0.3, 0.5, 1.0], [0.9, 0.9, 0.9]];
    for level in 0..4 {
        let y = 1.4 + level as f32 * 1.05;
        let r = 1.75 - level as f32 * 0.38;
        for (i, (x, z)) in ring(7, r, level as f32).enumerate() {
            b.m.ball([0.11; 3], [x, y, z], colors[(i + level) % 4]);
        }
    }
    b.m.ball([0.25, 0.3, 0.1], [0.0, 6.25, 0.0], GOLD);
    b.m.layer(Layer::Solid);
    b.light([0.0, 3.0, 0.0], [1.0, 0.8, 0.5], 6000.0, 15.0, None);
}

fn oak_tree(b: &mut Build) {
    b.m.post(0.45, 4.5, [0.0, 0.0, 0.0], BARK);
    b.m.beam(0.2, [0.0, 3.5, 0.0], [1.6, 5.5, 0.4], BARK);
    let leaf = b.m.paint(LEAF);
    for (x, y, z, r) in [(0.0, 7.0, 0.0, 2.8), (1.8, 6.2, 0.6, 2.0), (-1.7, 6.0, -0.5, 2.1), (0.3, 6.3, -1.8, 1.9), (-0.4, 8.3, 0.8, 1.8)] {
        b.m.ball([r, r * 0.85, r], [x, y, z], leaf);
    }
}

fn jungle_tree(b: &mut Build) {
    b.m.post(0.55, 13.0, [0.0, 0.0, 0.0], [0.40, 0.32, 0.22]);
    for (x, z) in ring(4, 1.0, 0.4) {
        b.m.beam(0.18, [x * 0.5, 1.4, z * 0.5], [x * 1.4, 0.0, z * 1.4], [0.40, 0.32, 0.22]);
    }
    let leaf = b.m.paint([0.10, 0.38, 0.10]);
    for (x, z) in ring(5, 2.4, 0.0) {
        b.m.ball([2.6, 1.1, 2.6], [x, 13.8, z], leaf);
    }
    b.m.ball([2.5, 1.4, 2.5], [0.0, 15.0, 0.0], leaf);
    for (x, z) in ring(3, 2.8, 1.0) {
        b.m.beam(0.05, [x, 13.2, z], [x * 1.05, 5.0, z * 1.05], [0.2, 0.45, 0.15]);
    }
}

fn dead_tree(b: &mut Build) {
    let wood = b.m.paint([0.30, 0.27, 0.24]);
    b.m.beam(0.35, [0.0, 0.0, 0.0], [0.3, 5.5, 0.0], wood);
    for (from, to) in [
        ([0.15, 3.0, 0.0], [-2.0, 5.5, 0.5]),
        ([0.25, 4.3, 0.0], [2.2, 6.8, -0.6]),
        ([0.3, 5.4, 0.0], [0.0, 8.0, 1.2]),
        ([-1.2, 4.5, 0.3], [-2.6, 4.8, 1.6]),
        ([1.3, 5.6, -0.3], [2.9, 5.4, 0.8]),
    ] {
        b.m.beam(0.1, from, to, wood);
    }
}

fn bush(b: &mut Build) {
    let leaf = b.m.paint([0.22, 0.45, 0.16]);
    for (x, y, z, r) in [(0.0, 0.55, 0.0, 0.7), (0.45, 0.45, 0.2, 0.5), (-0.4, 0.4, -0.2, 0.5)] {
        b.m.ball([r, r * 0.9, r], [x, y, z], leaf);
    }
}

fn cactus(b: &mut Build) {
    let green = b.m.paint([0.25, 0.50, 0.25]);
    b.m.post(0.3, 2.7, [0.0, 0.0, 0.0], green).ball([0.3; 3], [0.0, 2.7, 0.0], green);
    for (side, y, h) in [(-1.0, 1.0, 1.0), (1.0, 1.4, 0.8)] {
        b.m.beam(0.18, [0.0, y, 0.0], [side * 0.7, y, 0.0], green);
        b.m.post(0.18, h, [side * 0.7, y, 0.0], green).ball([0.18; 3], [side * 0.7, y + h, 0.0], green);
    }
}

fn rock(b: &mut Build) {
    let grey = b.m.paint(STONE);
    b.m.ball_turned([1.5, 1.2, 1.2], [0.0, 0.5, 0.0], Quat::from_rotation_y(0.5), grey);
    b.m.ball([0.7, 0.6, 0.7], [0.9, 0.3, 0.6], DARK_STONE);
}

fn dune(b: &mut Build) {
    let sand = b.m.paint(SAND);
    b.m.ball([20.0, 6.0, 12.0], [0.0, 0.0, 0.0], sand);
    b.m.ball([12.0, 4.5, 8.0], [8.0, 0.0, 5.0], [0.82, 0.70, 0.46]);
}

fn mountain(b: &mut Build, volcano: bool) {
    let (rock, height) = if volcano { ([0.25, 0.22, 0.21], 160.0) } else { ([0.42, 0.40, 0.38], 180.0) };
    let rock = b.m.paint(rock);
    let top = if volcano { 0.22 } else { 0.0 };
    let body = Transform::from_xyz(0.0, height / 2.0, 0.0).with_scale(Vec3::new(240.0, height, 240.0));
    b.m.shape(&unit::frustum(1.0, top, 14), body, rock);
    // Shoulders so the silhouette is not a perfect cone.
    b.m.cone(80.0, height * 0.55, [70.0, 0.0, 30.0], rock).cone(70.0, height * 0.45, [-60.0, 0.0, -40.0], rock);
    if volcano {
        b.m.layer(Layer::Glow);
        b.m.rod(24.0, 2.0, [0.0, height - 3.0, 0.0], Quat::IDENTITY, [1.0, 0.35, 0.05]);
        b.m.layer(Layer::Solid);
        b.light([0.0, height + 10.0, 0.0], [1.0, 0.4, 0.1], 2.0e6, 300.0, None);
    } else {
        let cap = Transform::from_xyz(0.0, height * 0.85, 0.0).with_scale(Vec3::new(72.0 * 1.05, height * 0.3, 72.0 * 1.05));
        b.m.shape(&unit::frustum(1.0, 0.0, 14), cap, SNOW);
    }
}

fn island(b: &mut Build) {
    // A sandy rim rising from the sea to a grassy plateau at deck height 2, a hill inland.
    let shore = Transform::from_xyz(0.0, -1.0, 0.0).with_scale(Vec3::new(84.0, 6.0, 84.0));
    b.m.shape(&unit::frustum(1.0, 0.85, 24), shore, SAND);
    b.m.rod(31.0, 0.2, [0.0, 2.0, 0.0], Quat::IDENTITY, b.m.paint(GRASS));
    b.m.ball([16.0, 10.0, 13.0], [8.0, 2.0, 12.0], [0.28, 0.48, 0.2]);
    b.m.ball([6.0, 4.0, 6.0], [-14.0, 2.0, 16.0], DARK_STONE);
}

fn coral(b: &mut Build) {
    let colors = [b.m.paint([0.95, 0.45, 0.45]), [0.95, 0.62, 0.25], [0.75, 0.35, 0.70], [0.95, 0.85, 0.55]];
    b.m.ball([1.0, 0.5, 0.9], [0.0, 0.3, 0.0], colors[3]);
    for (i, (x, z)) in ring(6, 0.7, 0.2).enumerate() {
        let top = [x * 1.6, 1.0 + (i % 3) as f32 * 0.3, z * 1.6];
        b.m.beam(0.1, [x * 0.4, 0.3, z * 0.4], top, colors[i % 3]);
        b.m.ball([0.22; 3], top, colors[i % 3]);
    }
}

fn seaweed(b: &mut Build) {
    let green = b.m.paint([0.15, 0.45, 0.25]);
    for (i, (x, z)) in ring(5, 0.25, 0.0).enumerate() {
        let h = 2.0 + (i % 3) as f32 * 0.5;
        b.m.block_turned([0.18, h, 0.04], [x, h / 2.0, z], Quat::from_rotation_y(i as f32) * Quat::from_rotation_z(0.1), green);
    }
}

fn cloud(b: &mut Build) {
    let white = b.m.paint([0.96, 0.96, 0.98]);
    for (x, y, z, r) in
        [(0.0, 6.0, 0.0, 11.0), (12.0, 4.5, 3.0, 8.0), (-12.0, 4.0, -2.0, 8.5), (4.0, 9.0, -3.0, 7.0), (-5.0, 3.5, 6.0, 7.0)]
    {
        b.m.ball([r * 1.3, r * 0.6, r], [x, y, z], white);
    }
}

fn field(b: &mut Build) {
    // Crop rows in stripes, a furrow between them.
    let crop = b.m.paint([0.80, 0.68, 0.28]);
    b.m.block([60.0, 0.1, 60.0], [0.0, 0.05, 0.0], [0.40, 0.30, 0.18]);
    for i in 0..20 {
        let x = -28.5 + i as f32 * 3.0;
        b.m.block([1.8, 0.25, 58.0], [x, 0.15, 0.0], crop);
    }
}

fn pond(b: &mut Build) {
    b.m.rod(10.0, 0.3, [0.0, -0.1, 0.0], Quat::IDENTITY, [0.78, 0.70, 0.48]);
    b.m.rod(8.5, 0.1, [0.0, 0.08, 0.0], Quat::IDENTITY, b.m.paint(WATER));
    for (x, z) in ring(7, 9.2, 0.3) {
        b.m.ball([0.5, 0.8, 0.5], [x, 0.3, z], [0.3, 0.5, 0.2]);
    }
}
