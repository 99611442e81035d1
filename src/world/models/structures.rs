//! Built things: buildings, stages and their gear, props, war works, tracks and monuments.

use std::f32::consts::{FRAC_PI_2, PI};

use bevy::prelude::*;

use super::nature::ring;
use super::palette::*;
use super::{Build, Layer, unit};

pub fn build(kind: &str, b: &mut Build) -> bool {
    match kind {
        "barrel" => barrel(b),
        "crate" => {
            let c = b.m.paint(PALE_WOOD);
            b.m.block([0.9, 0.9, 0.9], [0.0, 0.45, 0.0], c).block([0.95, 0.1, 0.95], [0.0, 0.85, 0.0], WOOD).block(
                [0.95, 0.1, 0.95],
                [0.0, 0.05, 0.0],
                WOOD,
            );
        }
        "treasure_chest" => treasure_chest(b),
        "cannon" => cannon(b),
        "dock" => dock(b),
        "lighthouse" => lighthouse(b),
        "buoy" => {
            b.m.cone(0.35, 1.0, [0.0, -0.2, 0.0], b.m.paint(RED)).post(0.04, 0.6, [0.0, 0.8, 0.0], IRON);
            b.m.layer(Layer::Glow).ball([0.08; 3], [0.0, 1.45, 0.0], [0.3, 1.0, 0.3]).layer(Layer::Solid);
        }
        "trench" => trench(b),
        "flak_burst" => {
            for (x, y, z, r) in [(0.0, 1.5, 0.0, 1.3), (0.8, 1.9, 0.4, 0.9), (-0.7, 1.2, -0.3, 1.0)] {
                b.m.ball([r; 3], [x, y, z], [0.18, 0.17, 0.16]);
            }
            b.m.layer(Layer::Glow).ball([0.5; 3], [0.0, 1.5, -0.9], [1.0, 0.55, 0.15]).layer(Layer::Solid);
        }
        "barbed_wire" => {
            for x in [-3.6, -1.2, 1.2, 3.6] {
                b.m.beam(0.05, [x - 0.3, 0.0, -0.3], [x + 0.3, 1.0, 0.3], DARK_WOOD).beam(
                    0.05,
                    [x + 0.3, 0.0, -0.3],
                    [x - 0.3, 1.0, 0.3],
                    DARK_WOOD,
                );
            }
            for y in [0.3, 0.6, 0.85] {
                b.m.beam(0.015, [-3.9, y, 0.0], [3.9, y, 0.0], IRON);
            }
        }
        "sandbags" => {
            for row in 0..3 {
                for i in 0..(4 - row) {
                    let x = -1.2 + i as f32 * 0.8 + row as f32 * 0.4;
                    b.m.ball([0.42, 0.17, 0.28], [x, 0.17 + row as f32 * 0.3, 0.0], b.m.paint([0.65, 0.58, 0.42]));
                }
            }
        }
        "windmill" => windmill(b),
        "stage" => stage(b),
        "truss" => truss(b, 9.0),
        "spotlight" => spotlight(b),
        "speaker" => {
            b.m.block([1.0, 2.8, 0.9], [0.0, 1.4, 0.0], b.m.paint(BLACK));
            for y in [0.6, 1.4, 2.2] {
                b.m.rod(0.3, 0.05, [0.0, y, -0.46], Quat::from_rotation_x(FRAC_PI_2), [0.25, 0.25, 0.27]);
            }
        }
        "drum_kit" => drum_kit(b),
        "guitar" => {
            b.m.post(0.04, 0.3, [0.0, 0.0, 0.0], IRON);
            b.m.ball([0.2, 0.24, 0.06], [0.0, 0.45, 0.0], b.m.paint([0.8, 0.2, 0.1])).block([0.06, 0.5, 0.04], [0.0, 0.9, 0.0], DARK_WOOD);
        }
        "microphone" => {
            b.m.rod(0.2, 0.04, [0.0, 0.02, 0.0], Quat::IDENTITY, IRON).post(0.015, 1.5, [0.0, 0.0, 0.0], IRON);
            b.m.ball([0.04, 0.06, 0.04], [0.0, 1.55, -0.05], b.m.paint(STEEL));
        }
        "piano" => {
            let c = b.m.paint(BLACK);
            b.m.block([1.6, 0.35, 1.4], [0.0, 0.85, 0.0], c).block([1.5, 0.05, 0.25], [0.0, 0.72, -0.8], WHITE);
            for x in [-0.6, 0.6] {
                b.m.post(0.05, 0.7, [x, 0.0, 0.3], c);
            }
            b.m.block_turned([1.5, 0.04, 1.2], [0.0, 1.35, 0.3], Quat::from_rotation_x(0.6), c);
        }
        "video_screen" => {
            b.m.block([10.5, 6.3, 0.4], [0.0, 4.5, 0.2], BLACK);
            for x in [-4.0, 4.0] {
                b.m.post(0.2, 1.4, [x, 0.0, 0.3], IRON);
            }
            let screen = b.m.paint([0.35, 0.55, 0.95]);
            b.m.layer(Layer::Glow).block([10.0, 5.8, 0.05], [0.0, 4.5, -0.02], screen).layer(Layer::Solid);
        }
        "house" | "cottage" => house(b, kind == "cottage"),
        "skyscraper" => skyscraper(b),
        "castle" => castle(b),
        "tower" => {
            b.m.post(1.5, 13.0, [0.0, 0.0, 0.0], b.m.paint(STONE)).cone(1.8, 3.5, [0.0, 13.0, 0.0], ROOF_RED);
            crenellate(b, 1.6, 13.0, 8);
        }
        "control_tower" => {
            b.m.post(1.5, 20.0, [0.0, 0.0, 0.0], b.m.paint(WHITE));
            let cab = Transform::from_xyz(0.0, 21.5, 0.0).with_scale(Vec3::new(6.0, 3.0, 6.0));
            b.m.layer(Layer::Glow).shape(&unit::frustum(0.8, 1.0, 8), cab, [0.35, 0.6, 0.75]).layer(Layer::Solid);
            b.m.rod(3.3, 0.6, [0.0, 23.3, 0.0], Quat::IDENTITY, WHITE).post(0.05, 2.0, [0.0, 23.6, 0.0], RED);
        }
        "hangar" => {
            let c = b.m.paint([0.55, 0.56, 0.55]);
            b.m.rod(10.0, 24.0, [0.0, 0.0, 0.0], Quat::from_rotation_x(FRAC_PI_2), c);
            b.m.block([12.0, 8.0, 0.2], [0.0, 4.0, -12.0], [0.25, 0.25, 0.27]);
        }
        "runway" => {
            b.m.block([40.0, 0.1, 120.0], [0.0, 0.05, 0.0], b.m.paint([0.22, 0.22, 0.23]));
            for i in 0..12 {
                b.m.block([0.6, 0.12, 5.0], [0.0, 0.06, -55.0 + i as f32 * 10.0], WHITE);
            }
            for x in [-17.0, 17.0] {
                b.m.block([0.5, 0.12, 118.0], [x, 0.06, 0.0], WHITE);
            }
        }
        "tent" => {
            let colors = [[0.85, 0.35, 0.15], [0.2, 0.5, 0.3], [0.25, 0.35, 0.7], [0.85, 0.75, 0.3]];
            b.m.roof(3.0, 2.2, 3.6, [0.0, 0.0, 0.0], b.m.paint(colors[b.variant as usize % 4]));
        }
        "campfire" => campfire(b),
        "lantern" => {
            b.m.post(0.06, 1.9, [0.0, 0.0, 0.0], IRON).block([0.35, 0.06, 0.35], [0.0, 2.25, 0.0], IRON);
            let flame = b.m.paint(WARM_LIGHT);
            b.m.layer(Layer::Glow).block([0.25, 0.3, 0.25], [0.0, 2.05, 0.0], flame).layer(Layer::Solid);
            b.light([0.0, 2.0, 0.0], WARM_LIGHT, 3000.0, 12.0, None);
        }
        "fence" => {
            let c = b.m.paint(PALE_WOOD);
            for x in [-3.0, -1.5, 0.0, 1.5, 3.0] {
                b.m.post(0.07, 1.2, [x, 0.0, 0.0], c);
            }
            for y in [0.5, 1.0] {
                b.m.block([6.2, 0.12, 0.05], [0.0, y, 0.0], c);
            }
        }
        "barn" => {
            let red = b.m.paint([0.62, 0.14, 0.10]);
            b.m.block([10.0, 5.5, 14.0], [0.0, 2.75, 0.0], red).roof(11.0, 3.5, 14.6, [0.0, 5.5, 0.0], [0.3, 0.3, 0.32]);
            b.m.block([4.0, 4.0, 0.1], [0.0, 2.0, -7.02], WHITE).block([3.6, 3.6, 0.12], [0.0, 2.0, -7.04], red);
            b.m.beam(0.1, [-1.8, 0.2, -7.1], [1.8, 3.8, -7.1], WHITE).beam(0.1, [1.8, 0.2, -7.1], [-1.8, 3.8, -7.1], WHITE);
        }
        "race_track" => race_track(b),
        "grandstand" => {
            let c = b.m.paint([0.6, 0.6, 0.62]);
            for step in 0..6 {
                let y = step as f32 * 0.9;
                b.m.block([22.0, 0.9, 1.6], [0.0, y + 0.45, step as f32 * 1.5], c);
                b.m.block([21.5, 0.3, 0.5], [0.0, y + 1.05, step as f32 * 1.5 + 0.4], [0.15, 0.3, 0.65]);
            }
            b.m.block([22.0, 5.4, 0.4], [0.0, 2.7, 8.4], c).block([23.0, 0.3, 10.0], [0.0, 8.0, 3.8], RED);
        }
        "igloo" => {
            let snow = b.m.paint(SNOW);
            b.m.ball([2.3, 2.1, 2.3], [0.0, 0.0, 0.0], snow).ball([0.7, 0.8, 0.9], [0.0, 0.0, -2.2], snow);
            b.m.block([0.6, 0.8, 0.1], [0.0, 0.4, -3.05], BLACK);
        }
        "church" => church(b),
        "gravestone" => {
            let stone = b.m.paint(STONE);
            b.m.block([0.6, 0.85, 0.15], [0.0, 0.42, 0.0], stone).rod(0.3, 0.15, [0.0, 0.85, 0.0], Quat::from_rotation_x(FRAC_PI_2), stone);
            b.m.block([0.8, 0.05, 1.6], [0.0, 0.02, 0.9], [0.28, 0.22, 0.16]);
        }
        "temple" => {
            let stone = b.m.paint([0.62, 0.58, 0.48]);
            for step in 0..5 {
                let w = 22.0 - step as f32 * 3.6;
                b.m.block([w, 2.2, w], [0.0, 1.1 + step as f32 * 2.2, 0.0], stone);
            }
            b.m.block([4.5, 3.2, 4.5], [0.0, 12.6, 0.0], DARK_STONE).block([1.6, 2.2, 0.2], [0.0, 12.1, -2.3], BLACK);
            b.m.block([3.0, 11.0, 9.0], [0.0, 5.5, -9.0], [0.55, 0.52, 0.44]);
        }
        "statue" => {
            let stone = b.m.paint([0.72, 0.70, 0.64]);
            b.m.block([1.3, 1.4, 1.3], [0.0, 0.7, 0.0], DARK_STONE);
            b.m.block([0.45, 1.2, 0.3], [0.0, 2.2, 0.0], stone).ball([0.16, 0.19, 0.16], [0.0, 3.0, 0.0], stone);
            b.m.beam(0.07, [0.28, 2.7, 0.0], [0.5, 3.6, -0.1], stone).beam(0.08, [-0.12, 1.4, 0.0], [-0.14, 1.7, 0.0], stone);
        }
        "ruin_column" => {
            let stone = b.m.paint([0.80, 0.77, 0.68]);
            b.m.block([1.3, 0.4, 1.3], [0.0, 0.2, 0.0], stone).post(0.42, 3.6, [0.0, 0.4, 0.0], stone);
            b.m.block_turned([1.2, 0.5, 1.2], [0.0, 4.2, 0.1], Quat::from_rotation_z(0.12), stone);
            b.m.post(0.4, 0.6, [1.6, 0.0, 0.8], stone);
        }
        "fountain" => {
            let stone = b.m.paint(STONE);
            b.m.rod(2.8, 0.6, [0.0, 0.3, 0.0], Quat::IDENTITY, stone).rod(2.5, 0.1, [0.0, 0.58, 0.0], Quat::IDENTITY, WATER);
            b.m.post(0.3, 1.6, [0.0, 0.6, 0.0], stone).rod(0.9, 0.2, [0.0, 2.0, 0.0], Quat::IDENTITY, stone);
            b.m.layer(Layer::Glow).cone(0.35, 0.6, [0.0, 2.1, 0.0], [0.6, 0.8, 0.95]).layer(Layer::Solid);
        }
        "bridge" => {
            let stone = b.m.paint(STONE);
            b.m.block([4.0, 0.6, 24.0], [0.0, 3.6, 0.0], stone);
            for side in [-1.0, 1.0] {
                b.m.block([0.3, 0.8, 24.0], [side * 1.9, 4.3, 0.0], stone);
            }
            for z in [-7.0, 0.0, 7.0] {
                b.m.block([3.6, 3.4, 1.2], [0.0, 1.7, z], DARK_STONE);
            }
        }
        "market_stall" => {
            b.m.block([3.0, 0.9, 1.4], [0.0, 0.45, 0.0], WOOD);
            for (x, z) in [(-1.4, -0.6), (1.4, -0.6), (-1.4, 0.6), (1.4, 0.6)] {
                b.m.post(0.05, 2.4, [x, 0.0, z], DARK_WOOD);
            }
            let canopy = b.m.paint([0.8, 0.2, 0.15]);
            for i in 0..6 {
                let c = if i % 2 == 0 { canopy } else { WHITE };
                b.m.block_turned([0.52, 0.05, 1.8], [-1.3 + i as f32 * 0.52, 2.45, 0.0], Quat::from_rotation_x(0.2), c);
            }
            for (i, x) in [-1.0, -0.3, 0.4, 1.1].iter().enumerate() {
                b.m.ball([0.25, 0.15, 0.25], [*x, 1.0, 0.0], [[0.9, 0.5, 0.1], [0.7, 0.1, 0.1], [0.4, 0.7, 0.2], [0.9, 0.8, 0.2]][i]);
            }
        }
        _ => return false,
    }
    true
}

fn barrel(b: &mut Build) {
    let c = b.m.paint(WOOD);
    let body = Transform::from_xyz(0.0, 0.5, 0.0).with_scale(Vec3::new(0.8, 1.0, 0.8));
    b.m.shape(&unit::frustum(0.85, 0.85, 10), body, c);
    b.m.rod(0.42, 0.55, [0.0, 0.5, 0.0], Quat::IDENTITY, c);
    for y in [0.15, 0.85] {
        b.m.rod(0.36, 0.06, [0.0, y, 0.0], Quat::IDENTITY, IRON);
    }
}

fn treasure_chest(b: &mut Build) {
    let c = b.m.paint(WOOD);
    b.m.block([1.2, 0.55, 0.75], [0.0, 0.28, 0.0], c);
    b.m.rod(0.375, 1.2, [0.0, 0.55, 0.0], Quat::from_rotation_z(FRAC_PI_2), c);
    for x in [-0.45, 0.0, 0.45] {
        b.m.block([0.08, 0.62, 0.78], [x, 0.3, 0.0], GOLD);
    }
    b.m.block([0.16, 0.2, 0.05], [0.0, 0.5, -0.4], GOLD);
    b.m.layer(Layer::Glow);
    for (x, z) in ring(5, 0.45, 0.3) {
        b.m.rod(0.07, 0.03, [x * 1.3 + 0.2, 0.02, z - 0.6], Quat::IDENTITY, GOLD);
    }
    b.m.layer(Layer::Solid);
}

fn cannon(b: &mut Build) {
    b.m.block([0.8, 0.35, 1.4], [0.0, 0.35, 0.1], DARK_WOOD);
    for (x, z) in [(-0.45, -0.4), (0.45, -0.4), (-0.45, 0.5), (0.45, 0.5)] {
        b.m.rod(0.22, 0.1, [x, 0.22, z], Quat::from_rotation_z(FRAC_PI_2), WOOD);
    }
    let barrel =
        Transform::from_xyz(0.0, 0.72, -0.2).with_rotation(Quat::from_rotation_x(-FRAC_PI_2 + 0.05)).with_scale(Vec3::new(0.5, 2.2, 0.5));
    b.m.shape(&unit::frustum(1.0, 0.7, 10), barrel, b.m.paint(IRON));
    b.m.ball([0.27; 3], [0.0, 0.72, 0.85], IRON);
}

fn dock(b: &mut Build) {
    let c = b.m.paint(WOOD);
    b.m.block([5.0, 0.25, 16.0], [0.0, 1.4, 0.0], c);
    for i in 0..16 {
        b.m.block([5.0, 0.05, 0.05], [0.0, 1.53, -7.5 + i as f32], DARK_WOOD);
    }
    for z in [-7.5, -2.5, 2.5, 7.5] {
        for side in [-1.0, 1.0] {
            b.m.post(0.15, 4.0, [side * 2.4, -2.5, z], DARK_WOOD);
        }
    }
    b.m.post(0.06, 2.0, [2.2, 1.5, -7.6], IRON);
    b.m.layer(Layer::Glow).block([0.25, 0.3, 0.25], [2.2, 3.6, -7.6], WARM_LIGHT).layer(Layer::Solid);
}

fn lighthouse(b: &mut Build) {
    let body = Transform::from_xyz(0.0, 10.0, 0.0).with_scale(Vec3::new(5.0, 20.0, 5.0));
    b.m.shape(&unit::frustum(1.0, 0.62, 14), body, WHITE);
    let stripe = b.m.paint(RED);
    for (y, scale) in [(4.0, 0.92), (12.0, 0.76)] {
        let band = Transform::from_xyz(0.0, y, 0.0).with_scale(Vec3::new(5.0 * scale + 0.05, 2.5, 5.0 * scale + 0.05));
        b.m.shape(&unit::frustum(1.0, 0.97, 14), band, stripe);
    }
    b.m.rod(2.1, 0.4, [0.0, 20.2, 0.0], Quat::IDENTITY, IRON);
    b.m.layer(Layer::Glow).post(1.1, 2.4, [0.0, 20.4, 0.0], [1.0, 0.92, 0.6]).layer(Layer::Solid);
    b.m.cone(1.5, 1.8, [0.0, 22.8, 0.0], stripe);
    b.light([0.0, 21.6, 0.0], [1.0, 0.92, 0.6], 6.0e5, 120.0, None);
}

fn trench(b: &mut Build) {
    // Earth parapets either side of a duckboard floor, shored with planks and sandbags.
    let earth = b.m.paint([0.35, 0.27, 0.18]);
    for side in [-1.0, 1.0] {
        b.m.block_turned([1.8, 1.3, 24.0], [side * 1.9, 0.5, 0.0], Quat::from_rotation_z(side * 0.25), earth);
        b.m.block([0.1, 1.1, 24.0], [side * 0.95, 0.5, 0.0], WOOD);
        for i in 0..8 {
            b.m.ball([0.42, 0.16, 0.28], [side * 1.6, 1.35, -10.5 + i as f32 * 3.0], [0.6, 0.54, 0.4]);
        }
    }
    b.m.block([1.7, 0.08, 24.0], [0.0, 0.04, 0.0], PALE_WOOD);
}

fn windmill(b: &mut Build) {
    let body = Transform::from_xyz(0.0, 5.5, 0.0).with_scale(Vec3::new(6.0, 11.0, 6.0));
    b.m.shape(&unit::frustum(1.0, 0.6, 10), body, b.m.paint([0.85, 0.82, 0.75]));
    b.m.cone(2.2, 2.5, [0.0, 11.0, 0.0], DARK_WOOD);
    b.m.block([0.9, 1.8, 0.1], [0.0, 0.9, -2.9], DARK_WOOD);
    b.m.layer(Layer::Spinner);
    for i in 0..4 {
        let rot = Quat::from_rotation_z(i as f32 * FRAC_PI_2);
        let arm = rot * Vec3::new(0.0, 3.2, 0.0);
        let pivot = Vec3::new(0.0, 10.5, -2.6);
        b.m.block_turned([0.15, 6.4, 0.1], (pivot + arm).into(), rot, DARK_WOOD);
        b.m.block_turned([1.3, 5.0, 0.05], (pivot + rot * Vec3::new(0.75, 3.6, 0.0)).into(), rot, CANVAS);
    }
    b.m.layer(Layer::Solid);
    b.spin = Some((Vec3::new(0.0, 10.5, -2.6), Vec3::Z, 0.25));
}

fn stage(b: &mut Build) {
    // An 18 × 12 m platform 1.5 m high, a black back wall, a truss frame carrying lamps.
    let deck = b.m.paint([0.28, 0.27, 0.3]);
    b.m.block([18.0, 1.5, 12.0], [0.0, 0.75, 0.0], deck);
    b.m.block([18.2, 0.06, 12.2], [0.0, 1.5, 0.0], [0.22, 0.2, 0.2]);
    b.m.block([18.0, 8.0, 0.3], [0.0, 5.5, 6.0], BLACK);
    for (x, z) in [(-8.8, -5.8), (8.8, -5.8), (-8.8, 5.8), (8.8, 5.8)] {
        b.m.post(0.25, 9.5, [x, 1.5, z], STEEL);
    }
    for z in [-5.8, 5.8] {
        b.m.block([18.0, 0.5, 0.5], [0.0, 11.0, z], STEEL);
    }
    for x in [-8.8, 8.8] {
        b.m.block([0.5, 0.5, 12.0], [x, 11.0, 0.0], STEEL);
    }
    b.m.layer(Layer::Glow);
    let colors = [[1.0, 0.3, 0.8], [0.3, 0.6, 1.0], [1.0, 0.85, 0.4], [0.4, 1.0, 0.6]];
    for i in 0..8 {
        let x = -7.0 + i as f32 * 2.0;
        b.m.rod(0.45, 0.5, [x, 10.4, -5.8], Quat::IDENTITY, colors[i % 4]);
    }
    b.m.block([16.0, 0.15, 0.15], [0.0, 1.55, -6.0], [0.9, 0.9, 1.0]);
    // An LED wall across the back, glowing in bands of colour.
    for (i, c) in [[0.95, 0.35, 0.75], [0.55, 0.45, 0.98], [0.35, 0.75, 0.98]].iter().enumerate() {
        b.m.block([15.0, 1.8, 0.05], [0.0, 3.1 + i as f32 * 1.8, 5.82], *c);
    }
    b.m.layer(Layer::Solid);
    // Coloured washes down onto the stage, a white key light on the band.
    for (i, x) in [-6.0, -2.0, 2.0, 6.0].iter().enumerate() {
        b.light([*x, 10.4, -5.8], colors[i], 1.5e6, 45.0, Some([-x * 0.05, -1.0, 0.45]));
    }
    b.light([0.0, 9.0, -9.0], [1.0, 0.95, 0.9], 1.0e6, 40.0, Some([0.0, -0.8, 0.6]));
}

fn truss(b: &mut Build, height: f32) {
    let steel = b.m.paint(STEEL);
    for (x, z) in [(-0.4, -0.4), (0.4, -0.4), (-0.4, 0.4), (0.4, 0.4)] {
        b.m.post(0.04, height, [x, 0.0, z], steel);
    }
    let mut y = 0.0;
    while y < height - 0.9 {
        b.m.beam(0.025, [-0.4, y, -0.4], [0.4, y + 0.8, -0.4], steel).beam(0.025, [0.4, y, 0.4], [-0.4, y + 0.8, 0.4], steel);
        b.m.beam(0.025, [-0.4, y, 0.4], [-0.4, y + 0.8, -0.4], steel).beam(0.025, [0.4, y, -0.4], [0.4, y + 0.8, 0.4], steel);
        y += 0.8;
    }
}

fn spotlight(b: &mut Build) {
    b.m.post(0.05, 1.3, [0.0, 0.0, 0.0], IRON);
    for (x, z) in ring(3, 0.4, 0.0) {
        b.m.beam(0.03, [0.0, 0.3, 0.0], [x, 0.0, z], IRON);
    }
    let aim = Quat::from_rotation_x(PI / 2.0 + 0.5);
    b.m.rod(0.25, 0.6, [0.0, 1.5, 0.0], aim, b.m.paint(BLACK));
    b.m.layer(Layer::Glow)
        .rod(0.2, 0.05, (Vec3::new(0.0, 1.5, 0.0) + aim * Vec3::new(0.0, -0.31, 0.0)).into(), aim, [1.0, 0.95, 0.85])
        .layer(Layer::Solid);
    b.light([0.0, 1.6, -0.3], [1.0, 0.95, 0.85], 6.0e5, 60.0, Some([0.0, 0.45, -1.0]));
}

fn drum_kit(b: &mut Build) {
    let shell = b.m.paint([0.75, 0.1, 0.12]);
    b.m.rod(0.4, 0.5, [0.0, 0.45, 0.0], Quat::from_rotation_x(FRAC_PI_2), shell);
    b.m.rod(0.38, 0.02, [0.0, 0.45, -0.26], Quat::from_rotation_x(FRAC_PI_2), WHITE);
    for (x, y, z, r) in [(-0.45, 0.75, -0.25, 0.22), (0.45, 0.75, -0.25, 0.22), (0.6, 0.55, 0.25, 0.26), (-0.2, 0.95, -0.1, 0.16)] {
        b.m.rod(r, 0.3, [x, y, z], Quat::IDENTITY, shell);
        b.m.post(0.015, y - 0.15, [x, 0.0, z], STEEL);
    }
    for (x, z) in [(-0.75, -0.3), (0.8, -0.2)] {
        b.m.post(0.015, 1.2, [x, 0.0, z], STEEL).rod(0.3, 0.01, [x, 1.2, z], Quat::IDENTITY, GOLD);
    }
    b.m.block([0.35, 0.45, 0.35], [0.0, 0.22, 0.6], BLACK);
}

fn house(b: &mut Build, cottage: bool) {
    let walls = [[0.92, 0.88, 0.78], [0.85, 0.72, 0.55], [0.75, 0.78, 0.82], [0.88, 0.82, 0.65]];
    let wall = b.m.paint(walls[b.variant as usize % 4]);
    let (w, l, h) = if cottage { (6.0, 7.0, 3.2) } else { (8.0, 9.0, 4.5) };
    b.m.block([w, h, l], [0.0, h / 2.0, 0.0], wall);
    let roof = if cottage { [0.45, 0.35, 0.25] } else { ROOF_RED };
    b.m.roof(w + 0.6, h * 0.6, l + 0.6, [0.0, h, 0.0], roof);
    b.m.block([1.0, 2.0, 0.1], [0.0, 1.0, -l / 2.0 - 0.03], DARK_WOOD);
    b.m.post(0.3, h * 0.6 + 1.0, [w * 0.25, h, l * 0.2], DARK_STONE);
    b.m.layer(Layer::Glow);
    for x in [-w * 0.3, w * 0.3] {
        b.m.block([1.0, 1.0, 0.08], [x, h * 0.55, -l / 2.0 - 0.03], WARM_LIGHT);
    }
    b.m.layer(Layer::Solid);
}

fn skyscraper(b: &mut Build) {
    let c = b.m.paint([0.45, 0.5, 0.58]);
    b.m.block([22.0, 80.0, 22.0], [0.0, 40.0, 0.0], c).block([14.0, 6.0, 14.0], [0.0, 83.0, 0.0], c);
    b.m.layer(Layer::Glow);
    for floor in 0..19 {
        let y = 3.0 + floor as f32 * 4.0;
        for (size, z, x) in [([20.0, 1.4, 0.1], -11.03, 0.0), ([20.0, 1.4, 0.1], 11.03, 0.0)] {
            b.m.block(size, [x, y, z], [0.85, 0.8, 0.55]);
        }
        b.m.block([0.1, 1.4, 20.0], [-11.03, y, 0.0], [0.85, 0.8, 0.55]).block([0.1, 1.4, 20.0], [11.03, y, 0.0], [0.85, 0.8, 0.55]);
    }
    b.m.ball([0.4; 3], [0.0, 90.0, 0.0], RED);
    b.m.layer(Layer::Solid);
    b.m.post(0.2, 5.0, [0.0, 86.0, 0.0], STEEL);
}

/// Battlements around the top of a round tower.
fn crenellate(b: &mut Build, radius: f32, y: f32, n: usize) {
    let stone = b.m.paint(STONE);
    for (x, z) in ring(n, radius, 0.0) {
        b.m.block([0.6, 0.8, 0.6], [x, y + 0.4, z], stone);
    }
}

fn castle(b: &mut Build) {
    let stone = b.m.paint(STONE);
    // Curtain walls on a square, round towers at the corners, a keep and a gate.
    for (size, at) in [
        ([28.0, 10.0, 2.0], [0.0, 5.0, -14.0]),
        ([28.0, 10.0, 2.0], [0.0, 5.0, 14.0]),
        ([2.0, 10.0, 28.0], [-14.0, 5.0, 0.0]),
        ([2.0, 10.0, 28.0], [14.0, 5.0, 0.0]),
    ] {
        b.m.block(size, at, stone);
    }
    for i in 0..14 {
        let t = -13.0 + i as f32 * 2.0;
        for at in [[t, 10.5, -14.0], [t, 10.5, 14.0], [-14.0, 10.5, t], [14.0, 10.5, t]] {
            b.m.block([1.0, 1.0, 2.2], at, stone);
        }
    }
    for (x, z) in [(-14.0, -14.0), (14.0, -14.0), (-14.0, 14.0), (14.0, 14.0)] {
        b.m.post(3.0, 14.0, [x, 0.0, z], stone).cone(3.5, 5.0, [x, 14.0, z], [0.3, 0.3, 0.45]);
    }
    b.m.block([10.0, 18.0, 10.0], [0.0, 9.0, 2.0], DARK_STONE).cone(6.5, 5.0, [0.0, 18.0, 2.0], [0.3, 0.3, 0.45]);
    b.m.block([4.0, 6.0, 0.4], [0.0, 3.0, -15.1], DARK_WOOD);
    b.m.post(0.1, 4.0, [0.0, 23.0, 2.0], IRON).panel(2.0, 1.2, [1.0, 26.4, 2.0], Quat::IDENTITY, RED);
}

fn church(b: &mut Build) {
    let stone = b.m.paint([0.78, 0.75, 0.68]);
    b.m.block([8.0, 7.0, 14.0], [0.0, 3.5, 2.0], stone).roof(8.6, 4.0, 14.4, [0.0, 7.0, 2.0], [0.3, 0.3, 0.34]);
    b.m.block([4.0, 13.0, 4.0], [0.0, 6.5, -6.0], stone).cone(2.9, 7.0, [0.0, 13.0, -6.0], [0.3, 0.3, 0.34]);
    b.m.beam(0.08, [0.0, 20.0, -6.0], [0.0, 21.5, -6.0], GOLD).beam(0.08, [-0.5, 21.0, -6.0], [0.5, 21.0, -6.0], GOLD);
    b.m.block([1.6, 3.0, 0.1], [0.0, 1.5, -8.05], DARK_WOOD);
    b.m.layer(Layer::Glow);
    for z in [-1.0, 2.0, 5.0] {
        b.m.block([0.1, 2.5, 1.0], [-4.03, 4.0, z], [0.9, 0.6, 0.3]).block([0.1, 2.5, 1.0], [4.03, 4.0, z], [0.9, 0.6, 0.3]);
    }
    b.m.layer(Layer::Solid);
}

fn campfire(b: &mut Build) {
    for (x, z) in ring(8, 0.7, 0.0) {
        b.m.ball([0.16, 0.12, 0.16], [x, 0.08, z], DARK_STONE);
    }
    for i in 0..4 {
        let a = i as f32 * FRAC_PI_2 * 0.9;
        b.m.beam(0.07, [a.cos() * 0.5, 0.05, a.sin() * 0.5], [0.0, 0.45, 0.0], DARK_WOOD);
    }
    b.m.layer(Layer::Glow);
    b.m.cone(0.35, 0.9, [0.0, 0.1, 0.0], [1.0, 0.45, 0.08]).cone(0.2, 0.6, [0.1, 0.2, 0.05], [1.0, 0.85, 0.3]);
    b.m.layer(Layer::Solid);
    b.light([0.0, 0.8, 0.0], [1.0, 0.55, 0.2], 12000.0, 18.0, None);
}

fn race_track(b: &mut Build) {
    // An oval ring of tarmac with kerbs, built of short straight pieces.
    let tarmac = b.m.paint([0.2, 0.2, 0.22]);
    let n = 48;
    let (rx, rz) = (60.0, 60.0);
    for i in 0..n {
        let (a0, a1) = (i as f32 / n as f32 * std::f32::consts::TAU, (i + 1) as f32 / n as f32 * std::f32::consts::TAU);
        let p0 = Vec3::new(a0.cos() * rx, 0.05, a0.sin() * rz);
        let p1 = Vec3::new(a1.cos() * rx, 0.05, a1.sin() * rz);
        let mid = (p0 + p1) / 2.0;
        let rot = Quat::from_rotation_y(-(p1.z - p0.z).atan2(p1.x - p0.x));
        b.m.block_turned([p0.distance(p1) + 0.5, 0.1, 12.0], mid.into(), rot, tarmac);
        let kerb = if i % 2 == 0 { RED } else { WHITE };
        for off in [-6.2, 6.2] {
            let at = mid + rot * Vec3::new(0.0, 0.02, off);
            b.m.block_turned([p0.distance(p1), 0.12, 0.5], at.into(), rot, kerb);
        }
    }
}
