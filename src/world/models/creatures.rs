//! Living things: people, animals on land, birds, sea creatures.

use bevy::prelude::*;

use super::nature::ring;
use super::palette::*;
use super::{Build, Layer, Rgb};

pub fn build(kind: &str, b: &mut Build) -> bool {
    match kind {
        "crowd" => {
            let shirts = [[0.75, 0.15, 0.15], [0.15, 0.35, 0.75], [0.92, 0.85, 0.25], [0.15, 0.15, 0.15]];
            let shirt = b.m.paint(shirts[b.variant as usize % 4]);
            person(b, shirt, [0.2, 0.2, 0.35], Arms::Raised);
        }
        "musician" => {
            let shirt = b.m.paint([[0.1, 0.1, 0.1], [0.6, 0.1, 0.1], [0.9, 0.9, 0.9], [0.2, 0.2, 0.5]][b.variant as usize % 4]);
            person(b, shirt, [0.1, 0.1, 0.15], Arms::Forward);
            b.m.ball([0.22, 0.3, 0.07], [0.05, 0.95, -0.22], [0.75, 0.25, 0.1]);
            b.m.beam(0.03, [0.1, 1.05, -0.25], [-0.45, 1.35, -0.25], DARK_WOOD);
        }
        "knight" => {
            let armour = b.m.paint(STEEL);
            person(b, armour, armour, Arms::Down);
            b.m.ball([0.15, 0.17, 0.15], [0.0, 1.66, 0.0], armour);
            b.m.block([0.5, 0.6, 0.06], [-0.3, 1.1, -0.12], [0.6, 0.1, 0.1]);
            b.m.beam(0.03, [0.28, 0.95, -0.1], [0.3, 1.9, -0.3], STEEL);
        }
        "soldier" => {
            let uniform = b.m.paint(KHAKI);
            person(b, uniform, uniform, Arms::Forward);
            b.m.rod(0.2, 0.06, [0.0, 1.78, 0.0], Quat::IDENTITY, [0.35, 0.36, 0.28]);
            b.m.beam(0.03, [0.2, 1.0, 0.1], [-0.1, 1.3, -0.7], DARK_WOOD);
        }
        "ghost" => {
            b.m.layer(Layer::Glow);
            let pale = b.m.paint([0.70, 0.78, 0.85]);
            b.m.cone(0.45, 1.5, [0.0, 0.2, 0.0], pale).ball([0.28, 0.32, 0.28], [0.0, 1.6, 0.0], pale);
            b.m.layer(Layer::Solid);
            for x in [-0.1, 0.1] {
                b.m.ball([0.05, 0.07, 0.03], [x, 1.65, -0.26], BLACK);
            }
        }
        "snowman" => {
            for (y, r) in [(0.4, 0.45), (1.05, 0.33), (1.55, 0.22)] {
                b.m.ball([r; 3], [0.0, y, 0.0], SNOW);
            }
            b.m.cone_turned(0.05, 0.3, [0.0, 1.55, -0.32], Quat::from_rotation_x(-std::f32::consts::FRAC_PI_2), [1.0, 0.5, 0.1]);
            b.m.rod(0.2, 0.25, [0.0, 1.85, 0.0], Quat::IDENTITY, BLACK).rod(0.3, 0.03, [0.0, 1.73, 0.0], Quat::IDENTITY, BLACK);
            b.m.rod(0.35, 0.1, [0.0, 1.28, 0.0], Quat::IDENTITY, b.m.paint(RED));
        }
        "cow" => quadruped(
            b,
            Beast { length: 2.0, height: 1.5, color: [0.93, 0.92, 0.9], spots: Some(BLACK), neck: 0.3, ears: 0.12, hump: false },
        ),
        "horse" => {
            quadruped(b, Beast { length: 1.9, height: 1.65, color: [0.45, 0.28, 0.15], spots: None, neck: 0.7, ears: 0.1, hump: false })
        }
        "sheep" => {
            let wool = b.m.paint([0.92, 0.90, 0.85]);
            b.m.ball([0.45, 0.38, 0.6], [0.0, 0.6, 0.0], wool);
            b.m.ball([0.15, 0.18, 0.2], [0.0, 0.72, -0.62], BLACK);
            for (x, z) in [(-0.2, -0.35), (0.2, -0.35), (-0.2, 0.35), (0.2, 0.35)] {
                b.m.post(0.05, 0.35, [x, 0.0, z], BLACK);
            }
        }
        "dog" => {
            quadruped(b, Beast { length: 0.8, height: 0.65, color: [0.6, 0.42, 0.22], spots: None, neck: 0.2, ears: 0.08, hump: false })
        }
        "camel" => {
            quadruped(b, Beast { length: 2.2, height: 2.2, color: [0.76, 0.60, 0.38], spots: None, neck: 0.9, ears: 0.08, hump: true })
        }
        "deer" => {
            quadruped(b, Beast { length: 1.3, height: 1.4, color: [0.55, 0.35, 0.18], spots: None, neck: 0.5, ears: 0.1, hump: false });
            for side in [-1.0, 1.0] {
                b.m.beam(0.025, [side * 0.08, 1.55, -0.75], [side * 0.35, 1.95, -0.7], [0.8, 0.75, 0.6]);
                b.m.beam(0.02, [side * 0.22, 1.75, -0.72], [side * 0.2, 2.0, -0.9], [0.8, 0.75, 0.6]);
            }
        }
        "seagull" => bird(b, 0.5, WHITE, [0.55, 0.57, 0.6], true),
        "parrot" => {
            bird(b, 0.3, [0.85, 0.1, 0.1], [0.15, 0.35, 0.85], false);
            b.m.block([0.06, 0.25, 0.04], [0.0, 0.08, 0.12], [0.2, 0.6, 0.2]);
        }
        "crow" => bird(b, 0.3, [0.08, 0.08, 0.1], [0.06, 0.06, 0.08], false),
        "owl" => {
            let brown = b.m.paint([0.5, 0.38, 0.25]);
            b.m.ball([0.14, 0.2, 0.13], [0.0, 0.22, 0.0], brown).ball([0.13; 3], [0.0, 0.42, 0.0], brown);
            for x in [-0.05, 0.05] {
                b.m.layer(Layer::Glow).ball([0.035; 3], [x, 0.45, -0.11], [1.0, 0.8, 0.2]).layer(Layer::Solid);
            }
        }
        "chicken" => {
            let white = b.m.paint(WHITE);
            b.m.ball([0.13, 0.13, 0.17], [0.0, 0.2, 0.0], white).ball([0.07; 3], [0.0, 0.34, -0.12], white);
            b.m.block([0.02, 0.06, 0.06], [0.0, 0.42, -0.12], RED);
            b.m.cone_turned(0.025, 0.06, [0.0, 0.34, -0.2], Quat::from_rotation_x(-std::f32::consts::FRAC_PI_2), [1.0, 0.7, 0.1]);
        }
        "bat" => {
            let black = b.m.paint([0.1, 0.08, 0.1]);
            b.m.ball([0.04, 0.04, 0.07], [0.0, 0.1, 0.0], black);
            for side in [-1.0, 1.0] {
                b.m.tri([0.0, 0.1, -0.03], [side * 0.3, 0.14, 0.0], [side * 0.15, 0.08, 0.08], black);
            }
        }
        "bird_flock" => {
            let color = b.m.paint([0.15, 0.15, 0.18]);
            for (i, (x, z)) in ring(9, 2.5, 0.0).enumerate() {
                let (x, z, y) = (x * (0.4 + (i % 3) as f32 * 0.3), z * (0.5 + (i % 2) as f32 * 0.4), 0.5 + (i % 4) as f32 * 0.4);
                b.m.ball([0.05, 0.05, 0.12], [x, y, z], color);
                b.m.tri([x, y, z], [x - 0.35, y + 0.1, z + 0.05], [x, y, z + 0.1], color);
                b.m.tri([x, y, z], [x, y, z + 0.1], [x + 0.35, y + 0.1, z + 0.05], color);
            }
        }
        "fish_school" => {
            let colors = [b.m.paint([0.95, 0.6, 0.15]), [0.3, 0.6, 0.9], [0.9, 0.9, 0.4]];
            for (i, (x, z)) in ring(14, 1.0, 0.0).enumerate() {
                let r = 0.4 + (i % 4) as f32 * 0.35;
                let at = [x * r * 1.4, 0.6 + (i % 3) as f32 * 0.4, z * r];
                b.m.ball([0.06, 0.1, 0.2], at, colors[i % 3]);
                b.m.tri(
                    [at[0], at[1], at[2] + 0.18],
                    [at[0], at[1] + 0.1, at[2] + 0.32],
                    [at[0], at[1] - 0.1, at[2] + 0.32],
                    colors[i % 3],
                );
            }
        }
        "shark" => sea_creature(b, 2.0, [0.45, 0.5, 0.55], true),
        "dolphin" => sea_creature(b, 1.5, [0.45, 0.5, 0.6], true),
        "whale" => sea_creature(b, 8.0, [0.22, 0.25, 0.32], false),
        _ => return false,
    }
    true
}

enum Arms {
    Raised,
    Forward,
    Down,
}

/// A standing person 1.8 m tall, facing -Z.
fn person(b: &mut Build, shirt: Rgb, trousers: Rgb, arms: Arms) {
    for x in [-0.1, 0.1] {
        b.m.block([0.13, 0.85, 0.15], [x, 0.43, 0.0], trousers);
    }
    b.m.block([0.4, 0.6, 0.22], [0.0, 1.15, 0.0], shirt);
    b.m.small_ball([0.12, 0.14, 0.13], [0.0, 1.6, 0.0], SKIN);
    b.m.small_ball([0.125, 0.08, 0.13], [0.0, 1.68, 0.02], [0.25, 0.16, 0.1]);
    for side in [-1.0, 1.0] {
        let shoulder = [side * 0.25, 1.38, 0.0];
        let hand = match arms {
            Arms::Raised => [side * 0.42, 2.0, -0.05],
            Arms::Forward => [side * 0.18, 1.05, -0.35],
            Arms::Down => [side * 0.3, 0.8, 0.0],
        };
        b.m.strut(0.1, shoulder, hand, shirt);
    }
}

struct Beast {
    length: f32,
    height: f32,
    color: Rgb,
    spots: Option<Rgb>,
    /// Neck length as a share of the body length.
    neck: f32,
    ears: f32,
    hump: bool,
}

/// A four-legged animal facing -Z.
fn quadruped(b: &mut Build, a: Beast) {
    let color = b.m.paint(a.color);
    let leg = a.height * 0.5;
    let body_y = leg + a.height * 0.15;
    let (half, girth) = (a.length / 2.0, a.height * 0.22);
    b.m.ball([girth * 0.9, girth, half], [0.0, body_y, 0.0], color);
    if let Some(spots) = a.spots {
        b.m.ball([girth * 0.92, girth * 0.6, half * 0.3], [0.0, body_y + 0.05, 0.2], spots);
    }
    if a.hump {
        b.m.ball([girth * 0.6, girth * 0.9, half * 0.35], [0.0, body_y + girth, 0.0], color);
    }
    for (x, z) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
        b.m.post(girth * 0.22, leg, [x * girth * 0.5, 0.0, z * half * 0.7], color);
    }
    let neck_top = [0.0, body_y + a.length * a.neck * 0.8, -half - a.length * a.neck * 0.35];
    b.m.beam(girth * 0.35, [0.0, body_y + girth * 0.3, -half * 0.8], neck_top, color);
    b.m.ball([girth * 0.4, girth * 0.42, girth * 0.8], [neck_top[0], neck_top[1], neck_top[2] - girth * 0.4], color);
    for side in [-1.0, 1.0] {
        b.m.ball([a.ears, a.ears * 0.5, a.ears * 0.5], [side * girth * 0.45, neck_top[1] + girth * 0.2, neck_top[2]], color);
    }
    b.m.beam(0.03, [0.0, body_y + girth * 0.5, half * 0.95], [0.0, body_y - girth * 0.6, half * 1.1], color);
}

/// A bird of `size` metres wingspan with wings spread (flying) or folded (perched).
fn bird(b: &mut Build, size: f32, body: Rgb, wings: Rgb, spread: bool) {
    let body = b.m.paint(body);
    let s = size;
    b.m.ball([s * 0.12, s * 0.13, s * 0.3], [0.0, s * 0.4, 0.0], body);
    b.m.ball([s * 0.1; 3], [0.0, s * 0.55, -s * 0.25], body);
    b.m.cone_turned(s * 0.04, s * 0.12, [0.0, s * 0.53, -s * 0.38], Quat::from_rotation_x(-std::f32::consts::FRAC_PI_2), [0.95, 0.7, 0.15]);
    for side in [-1.0, 1.0] {
        if spread {
            b.m.tri([0.0, s * 0.45, -s * 0.1], [side * s, s * 0.6, s * 0.05], [0.0, s * 0.45, s * 0.15], wings);
        } else {
            b.m.ball([s * 0.05, s * 0.1, s * 0.25], [side * s * 0.11, s * 0.42, s * 0.05], wings);
        }
    }
}

/// A streamlined swimmer facing -Z: body, tail flukes and (for sharks, dolphins) a dorsal fin.
fn sea_creature(b: &mut Build, length: f32, color: Rgb, fin: bool) {
    let color = b.m.paint(color);
    let l = length;
    b.m.ball([l * 0.14, l * 0.15, l * 0.5], [0.0, l * 0.2, 0.0], color);
    b.m.ball([l * 0.1, l * 0.06, l * 0.3], [0.0, l * 0.12, -l * 0.05], [0.85, 0.85, 0.85]);
    if fin {
        b.m.tri([0.0, l * 0.3, -l * 0.05], [0.0, l * 0.55, l * 0.12], [0.0, l * 0.3, l * 0.2], color);
    }
    for side in [-1.0, 1.0] {
        b.m.tri([0.0, l * 0.2, l * 0.45], [side * l * 0.25, l * 0.22, l * 0.62], [0.0, l * 0.2, l * 0.58], color);
    }
}
