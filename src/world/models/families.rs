//! Models built from a form: one builder per family, driven by the form's size, proportions,
//! parts, pattern and colours (see `docs/forms.md`). Every builder works in metres, base at
//! y = 0, facing -Z, and keeps to a few hundred triangles per part so herds and crowds batch.

use std::f32::consts::{FRAC_PI_2, PI, TAU};

use bevy::prelude::*;

use super::nature::ring;
use super::palette::*;
use super::vehicles::hull;
use super::{Build, Layer, Rgb, unit};
use crate::scene::form::{Family, Form, Part, Pattern, SolidShape};

/// Builds the model of a form.
pub fn build(form: &Form, b: &mut Build) {
    match form.family {
        Family::Quadruped => quadruped(form, b),
        Family::Humanoid => humanoid(form, b),
        Family::Bird => bird(form, b),
        Family::Dragon => dragon(form, b),
        Family::Fish => fish(form, b),
        Family::Insect => insect(form, b),
        Family::Boat => boat(form, b),
        Family::Aircraft => aircraft(form, b),
        Family::Vehicle => vehicle(form, b),
        Family::Spacecraft => spacecraft(form, b),
        Family::Building => building(form, b),
        Family::Plant => plant(form, b),
        Family::Prop => prop(form, b),
    }
}

/// The form's main colour (the scene's paint when it asked for one), then its others.
fn colors(form: &Form, b: &Build, defaults: [Rgb; 3]) -> [Rgb; 3] {
    [b.m.paint(form.color(0, defaults[0])), form.color(1, defaults[1]), form.color(2, defaults[2])]
}

/// Marks on an ellipsoid body (centre `c`, half-axes `r`, long along Z) in the pattern's style.
fn pattern(form: &Form, b: &mut Build, c: Vec3, r: Vec3, color: Rgb) {
    match form.pattern {
        Pattern::Plain => {}
        Pattern::Stripes => {
            for i in 0..7 {
                let t = -0.75 + i as f32 * 0.25;
                let squeeze = (1.0 - t * t).sqrt();
                let at = c + Vec3::new(0.0, 0.0, t * r.z);
                b.m.ball([r.x * squeeze * 1.04, r.y * squeeze * 1.04, r.z * 0.05], at.into(), color);
            }
        }
        Pattern::Spots | Pattern::Patches => {
            let (n, size) = if form.pattern == Pattern::Spots { (10, 0.18) } else { (7, 0.32) };
            for i in 0..n {
                // A golden-angle spiral over the body's sides and back.
                let a = i as f32 * 2.4;
                let t = -0.7 + 1.4 * (i as f32 + 0.5) / n as f32;
                let around = Vec3::new(a.cos(), a.sin().abs() * 0.8 + 0.2, 0.0).normalize();
                let squeeze = (1.0 - t * t).sqrt();
                let at = c + Vec3::new(around.x * r.x * squeeze, around.y * r.y * squeeze, t * r.z);
                let s = r.min_element().max(r.z * 0.3) * size;
                b.m.ball([s, s, s * 1.3], at.into(), color);
            }
        }
    }
}

fn quadruped(f: &Form, b: &mut Build) {
    let [body, second, accent] = colors(f, b, [[0.55, 0.42, 0.3], [0.3, 0.22, 0.15], [0.9, 0.87, 0.78]]);
    let l = f.size;
    let (leg, th, tw) = f.quadruped_torso();
    let body_y = leg + th;
    let centre = Vec3::new(0.0, body_y, 0.0);
    let radii = Vec3::new(tw, th, l * 0.4);
    b.m.ball(radii.into(), centre.into(), body);
    pattern(f, b, centre, radii, second);
    for (x, z) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
        b.m.post((tw * 0.24).max(l * 0.02), body_y, [x * tw * 0.55, 0.0, z * l * 0.27], body);
    }
    // Neck and head.
    let neck = f.get("neck");
    let hl = l * f.get("head") * 0.5;
    let head = if neck > 0.02 {
        let start = Vec3::new(0.0, body_y + th * 0.3, -l * 0.32);
        let angle = (25.0 + 50.0 * neck).to_radians();
        let len = neck * l * 0.75;
        let end = start + Vec3::new(0.0, angle.sin(), -angle.cos()) * len;
        b.m.beam((tw * (0.5 - 0.2 * neck)).max(l * 0.045), start.into(), end.into(), body);
        if f.has(Part::Mane) {
            b.m.beam(tw * 0.3, (start + Vec3::new(0.0, th * 0.5, l * 0.05)).into(), (end + Vec3::Y * hl * 0.3).into(), second);
        }
        end + Vec3::new(0.0, 0.0, -hl * 0.6)
    } else {
        Vec3::new(0.0, body_y + th * 0.15, -l * 0.4 - hl * 0.5)
    };
    let hr = Vec3::new(hl * 0.55, hl * 0.55, hl);
    b.m.ball(hr.into(), head.into(), body);
    if f.has(Part::Mane) {
        b.m.ball([hl * 1.05, hl * 1.1, hl * 0.7], (head + Vec3::new(0.0, hl * 0.1, hl * 0.75)).into(), second);
    }
    let ears = f.get("ears");
    if ears > 0.0 {
        let e = l * 0.18 * ears + hl * 0.15;
        for side in [-1.0, 1.0] {
            b.m.ball([e * 0.15, e, e * 0.8], (head + Vec3::new(side * (hr.x + e * 0.1), hr.y * 0.2, hl * 0.5)).into(), body);
        }
    }
    let front = head + Vec3::new(0.0, 0.0, -hl);
    if f.has(Part::Trunk) {
        let mut p = front + Vec3::new(0.0, -hl * 0.1, 0.0);
        let reach = (p.y - l * 0.04).max(0.1);
        for i in 0..3 {
            let next = p + Vec3::new(0.0, -reach / 3.0, -reach * 0.06 * (2 - i) as f32);
            b.m.beam(hl * (0.28 - i as f32 * 0.06), p.into(), next.into(), body);
            p = next;
        }
    }
    if f.has(Part::Tusks) {
        for side in [-1.0, 1.0] {
            let root = front + Vec3::new(side * hr.x * 0.6, -hr.y * 0.5, hl * 0.3);
            b.m.beam(hl * 0.08, root.into(), (root + Vec3::new(0.0, -hl * 0.5, -hl * 1.2)).into(), accent);
        }
    }
    if f.has(Part::Beak) {
        b.m.cone_turned(hl * 0.35, hl * 0.9, front.into(), Quat::from_rotation_x(-FRAC_PI_2), accent);
    }
    if f.has(Part::Horns) {
        // Forward-pointing horns on a frilled head (triceratops), upward ones otherwise.
        let forward = f.has(Part::Frill);
        for (side, dz) in [(-1.0, 0.2), (1.0, 0.2), (0.0, -0.7)] {
            if side == 0.0 && !forward {
                continue;
            }
            let root = head + Vec3::new(side * hr.x * 0.6, hr.y * 0.6, hl * dz);
            let dir = if forward { Vec3::new(side * 0.1, 0.45, -1.0) } else { Vec3::new(side * 0.5, 1.0, -0.2) }.normalize();
            let len = hl * if forward { 1.1 } else { 0.8 };
            b.m.cone_turned(hl * 0.12, len, (root + dir * len * 0.5).into(), Quat::from_rotation_arc(Vec3::Y, dir), accent);
        }
    }
    if f.has(Part::Frill) {
        let at = head + Vec3::new(0.0, hr.y * 0.8, hl * 0.9);
        b.m.rod(hl * 1.1, hl * 0.12, at.into(), Quat::from_rotation_x(FRAC_PI_2 - 0.5), second);
    }
    if f.has(Part::Antlers) {
        for side in [-1.0, 1.0] {
            let root = head + Vec3::new(side * hr.x * 0.5, hr.y * 0.8, hl * 0.3);
            let tip = root + Vec3::new(side * hl * 1.0, hl * 1.5, hl * 0.3);
            b.m.beam(hl * 0.05, root.into(), tip.into(), accent);
            for k in [0.4, 0.7] {
                let fork = root.lerp(tip, k);
                b.m.beam(hl * 0.04, fork.into(), (fork + Vec3::new(side * hl * 0.2, hl * 0.6, -hl * 0.3)).into(), accent);
            }
        }
    }
    if f.has(Part::Hump) {
        b.m.ball([tw * 0.6, th * 0.8, l * 0.15], [0.0, body_y + th * 0.85, -l * 0.05], body);
    }
    if f.has(Part::Shell) {
        b.m.ball([tw * 1.25, th * 1.4, l * 0.55], [0.0, body_y + th * 0.1, 0.0], second);
    }
    if f.has(Part::Plates) || f.has(Part::Spikes) {
        let color = if f.has(Part::Plates) { second } else { accent };
        for i in 0..7 {
            let z = -l * 0.35 + i as f32 * l * 0.11;
            let s = th * (0.9 - (i as f32 - 3.0).abs() * 0.15) * if f.has(Part::Plates) { 1.0 } else { 0.6 };
            let y = body_y + th * 0.9;
            b.m.tri([0.0, y, z - s * 0.5], [0.0, y + s, z], [0.0, y, z + s * 0.5], color);
        }
    }
    let tail = f.get("tail");
    if tail > 0.0 {
        let root = Vec3::new(0.0, body_y + th * 0.3, l * 0.38);
        let len = tail * l;
        // Long tails (lizards, sauropods) stream out behind; short ones hang down.
        let droop = if tail > 0.7 { 0.25 } else { 1.2 };
        let tip = root + Vec3::new(0.0, -droop, 1.0).normalize() * len;
        let mid = root.lerp(tip, 0.5) + Vec3::Y * len * 0.05;
        b.m.beam((tw * 0.35 * tail).max(l * 0.015), root.into(), mid.into(), body);
        b.m.beam((tw * 0.18 * tail).max(l * 0.01), mid.into(), tip.into(), body);
    }
}

fn humanoid(f: &Form, b: &mut Build) {
    let [clothes, legs, skin] = colors(f, b, [[0.45, 0.35, 0.6], [0.25, 0.22, 0.2], SKIN]);
    let accent = f.color(3, STEEL);
    let k = f.size / 1.8;
    let w = f.get("build");
    let head_r = 0.12 * f.get("head");
    let at = |x: f32, y: f32, z: f32| [x * k, y * k, z * k];
    if f.has(Part::Robe) {
        b.m.cone(0.38 * w * k, 1.45 * k, [0.0, 0.0, 0.0], clothes);
    } else {
        for x in [-0.1, 0.1] {
            b.m.block([0.13 * w * k, 0.85 * k, 0.15 * k], at(x * w, 0.43, 0.0), legs);
        }
    }
    b.m.block([0.4 * w * k, 0.6 * k, 0.24 * w * k], at(0.0, 1.15, 0.0), clothes);
    let head = Vec3::from(at(0.0, 1.45 + head_r * 1.1, 0.0));
    b.m.small_ball([head_r * k, head_r * 1.15 * k, head_r * 1.05 * k], head.into(), skin);
    let top = head + Vec3::Y * head_r * k;
    // Arms: the right hand holds what the form carries, forward; the left hangs or holds a shield.
    let holds = [Part::Sword, Part::Spear, Part::Staff, Part::Torch, Part::Bow, Part::Instrument].into_iter().find(|p| f.has(*p));
    let right_hand = Vec3::from(if holds.is_some() { at(0.3 * w, 1.0, -0.3) } else { at(0.3 * w, 0.8, 0.0) });
    let left_hand = Vec3::from(if f.has(Part::Shield) { at(-0.3 * w, 1.05, -0.25) } else { at(-0.3 * w, 0.8, 0.0) });
    for (side, hand) in [(1.0, right_hand), (-1.0, left_hand)] {
        b.m.strut(0.1 * w * k, at(side * 0.25 * w, 1.38, 0.0), hand.into(), clothes);
        b.m.small_ball([0.05 * k; 3], hand.into(), skin);
    }
    match holds {
        Some(Part::Sword) => {
            b.m.beam(0.025 * k, right_hand.into(), (right_hand + Vec3::new(0.0, 0.9, -0.25) * k).into(), STEEL);
        }
        Some(Part::Spear) => {
            b.m.beam(0.02 * k, (right_hand - Vec3::Y * 0.9 * k).into(), (right_hand + Vec3::Y * 1.3 * k).into(), DARK_WOOD);
            b.m.cone(0.05 * k, 0.25 * k, (right_hand + Vec3::Y * 1.3 * k).into(), STEEL);
        }
        Some(Part::Staff) => {
            b.m.beam(0.025 * k, (right_hand - Vec3::Y * 0.95 * k).into(), (right_hand + Vec3::Y * 0.9 * k).into(), WOOD);
            b.m.layer(Layer::Glow).ball([0.07 * k; 3], (right_hand + Vec3::Y * 0.95 * k).into(), accent).layer(Layer::Solid);
        }
        Some(Part::Torch) => {
            b.m.beam(0.025 * k, right_hand.into(), (right_hand + Vec3::new(0.0, 0.5, -0.1) * k).into(), DARK_WOOD);
            let flame = right_hand + Vec3::new(0.0, 0.62, -0.12) * k;
            b.m.layer(Layer::Glow).ball([0.07 * k, 0.12 * k, 0.07 * k], flame.into(), [1.0, 0.6, 0.15]).layer(Layer::Solid);
            b.light(flame.into(), WARM_LIGHT, 4000.0, 8.0, None);
        }
        Some(Part::Bow) => {
            let c = right_hand + Vec3::new(0.0, 0.0, -0.05 * k);
            b.m.beam(0.015 * k, (c + Vec3::new(0.0, 0.6, 0.15) * k).into(), (c + Vec3::new(0.0, 0.0, -0.1) * k).into(), WOOD);
            b.m.beam(0.015 * k, (c + Vec3::new(0.0, 0.0, -0.1) * k).into(), (c + Vec3::new(0.0, -0.6, 0.15) * k).into(), WOOD);
        }
        Some(_) => {
            b.m.ball([0.2 * k, 0.26 * k, 0.07 * k], (right_hand + Vec3::new(-0.2, -0.05, 0.0) * k).into(), accent);
            b.m.beam(
                0.03 * k,
                (right_hand + Vec3::new(-0.1, 0.0, 0.0) * k).into(),
                (right_hand + Vec3::new(-0.6, 0.3, 0.0) * k).into(),
                DARK_WOOD,
            );
        }
        None => {}
    }
    if f.has(Part::Shield) {
        b.m.rod(0.28 * k, 0.05 * k, (left_hand + Vec3::new(-0.04, 0.0, -0.05) * k).into(), Quat::from_rotation_z(FRAC_PI_2), accent);
    }
    if f.has(Part::Helmet) {
        b.m.ball([head_r * 1.15 * k, head_r * 1.1 * k, head_r * 1.15 * k], (head + Vec3::Y * head_r * 0.25 * k).into(), accent);
    }
    if f.has(Part::Crown) {
        b.m.rod(head_r * 0.95 * k, head_r * 0.6 * k, (top + Vec3::Y * head_r * 0.1 * k).into(), Quat::IDENTITY, GOLD);
    }
    if f.has(Part::Hat) {
        if f.has(Part::Robe) {
            b.m.cone(head_r * 1.3 * k, 0.45 * k, (top - Vec3::Y * head_r * 0.3 * k).into(), accent);
        } else {
            b.m.rod(head_r * 1.9 * k, 0.02 * k, top.into(), Quat::IDENTITY, accent);
            b.m.rod(head_r * 1.0 * k, 0.14 * k, (top + Vec3::Y * 0.07 * k).into(), Quat::IDENTITY, accent);
        }
    }
    if f.has(Part::Hood) {
        b.m.ball([head_r * 1.25 * k, head_r * 1.25 * k, head_r * 1.2 * k], (head + Vec3::new(0.0, 0.02, 0.03) * k).into(), clothes);
    }
    if f.has(Part::Beard) {
        b.m.cone_turned(
            head_r * 0.8 * k,
            0.3 * k,
            (head + Vec3::new(0.0, -0.15, -0.06) * k).into(),
            Quat::from_rotation_x(PI),
            [0.8, 0.8, 0.78],
        );
    }
    if f.has(Part::Cape) {
        b.m.panel(0.5 * w * k, 1.1 * k, at(0.0, 0.85, 0.16 * w), Quat::from_rotation_x(-0.08), accent);
    }
    if f.has(Part::Wings) {
        for side in [-1.0, 1.0] {
            b.m.tri(at(side * 0.1, 1.3, 0.15), at(side * 0.9, 1.9, 0.3), at(side * 0.5, 0.6, 0.3), accent);
        }
    }
    if f.has(Part::Tail) {
        b.m.beam(0.05 * k, at(0.0, 0.9, 0.12), at(0.0, 0.2, 0.7), clothes);
    }
    if f.has(Part::Horns) {
        for side in [-1.0, 1.0] {
            b.m.cone_turned(
                head_r * 0.3 * k,
                head_r * 1.6 * k,
                (top + Vec3::new(side * head_r * 0.8, 0.0, 0.0) * k).into(),
                Quat::from_rotation_z(-side * 0.5),
                accent,
            );
        }
    }
    if f.has(Part::Beak) {
        b.m.cone_turned(
            head_r * 0.4 * k,
            head_r * 1.2 * k,
            (head + Vec3::new(0.0, 0.0, -head_r * 1.3) * k).into(),
            Quat::from_rotation_x(-FRAC_PI_2),
            accent,
        );
    }
    if f.has(Part::Crest) || f.has(Part::Spikes) {
        b.m.tri(
            (top + Vec3::new(0.0, 0.0, -0.1) * k).into(),
            (top + Vec3::new(0.0, 0.25, 0.1) * k).into(),
            (top + Vec3::new(0.0, -0.05, 0.2) * k).into(),
            accent,
        );
    }
}

fn bird(f: &Form, b: &mut Build) {
    let [body, belly, beak] = colors(f, b, [[0.4, 0.32, 0.25], [0.85, 0.82, 0.75], [0.95, 0.7, 0.15]]);
    let s = f.size;
    let bl = s * f.get("body");
    let leg = s * f.get("legs") * 0.45;
    let r = Vec3::new(bl * 0.22, bl * 0.25, bl * 0.5);
    let c = Vec3::new(0.0, leg + r.y, 0.0);
    b.m.ball(r.into(), c.into(), body);
    b.m.ball([r.x * 0.85, r.y * 0.7, r.z * 0.8], (c - Vec3::new(0.0, r.y * 0.3, 0.0)).into(), belly);
    pattern(f, b, c, r, belly);
    let neck = f.get("neck");
    let neck_top = c + Vec3::new(0.0, r.y * 0.5 + neck * bl * 1.2, -r.z * 0.8 - neck * bl * 0.2);
    if neck > 0.05 {
        b.m.beam(r.x * 0.35, (c + Vec3::new(0.0, r.y * 0.4, -r.z * 0.6)).into(), neck_top.into(), body);
    }
    let hr = (bl * 0.16).max(r.x * 0.6);
    b.m.ball([hr; 3], neck_top.into(), body);
    let long = if f.has(Part::Beak) { 2.5 } else { 1.0 };
    let bill = hr * 1.2 * long;
    b.m.cone_turned(hr * 0.4, bill, (neck_top + Vec3::new(0.0, 0.0, -hr - bill * 0.45)).into(), Quat::from_rotation_x(-FRAC_PI_2), beak);
    if f.has(Part::Crest) {
        b.m.tri(
            (neck_top + Vec3::Y * hr * 0.5).into(),
            (neck_top + Vec3::new(0.0, hr * 2.0, hr * 1.5)).into(),
            (neck_top + Vec3::new(0.0, hr * 0.2, hr * 1.2)).into(),
            beak,
        );
    }
    if f.has(Part::Horns) {
        for side in [-1.0, 1.0] {
            b.m.cone_turned(
                hr * 0.15,
                hr * 0.8,
                (neck_top + Vec3::new(side * hr * 0.5, hr * 0.8, 0.0)).into(),
                Quat::from_rotation_z(-side * 0.4),
                beak,
            );
        }
    }
    if leg > 0.0 {
        for side in [-1.0, 1.0] {
            b.m.beam((s * 0.008).max(0.005), [side * r.x * 0.4, leg + r.y * 0.2, 0.0], [side * r.x * 0.4, 0.0, -r.z * 0.1], beak);
        }
    }
    let spread = f.get("spread");
    let half = s * 0.5;
    for side in [-1.0, 1.0] {
        if spread >= 0.5 {
            let root_front = c + Vec3::new(0.0, r.y * 0.3, -r.z * 0.3);
            let root_back = c + Vec3::new(0.0, r.y * 0.3, r.z * 0.3);
            let elbow = c + Vec3::new(side * half * 0.5, r.y * 0.3 + half * 0.08, -r.z * 0.1);
            let tip = c + Vec3::new(side * half, r.y * 0.3 + half * 0.05, r.z * 0.4);
            b.m.tri(root_front.into(), elbow.into(), root_back.into(), body);
            b.m.tri(elbow.into(), tip.into(), (root_back + Vec3::new(side * half * 0.5, 0.0, r.z * 0.3)).into(), body);
        } else {
            b.m.ball([r.x * 0.3, r.y * 0.7, r.z * 0.85], (c + Vec3::new(side * r.x * 0.85, r.y * 0.1, r.z * 0.1)).into(), body);
        }
    }
    let tail = f.get("tail") * bl;
    if tail > 0.0 {
        let root = c + Vec3::new(0.0, 0.0, r.z * 0.8);
        b.m.tri(root.into(), (root + Vec3::new(-tail * 0.4, 0.0, tail)).into(), (root + Vec3::new(tail * 0.4, 0.0, tail)).into(), body);
    }
}

fn dragon(f: &Form, b: &mut Build) {
    let [body, membrane, horn] = colors(f, b, [[0.2, 0.45, 0.2], [0.6, 0.2, 0.15], [0.9, 0.85, 0.7]]);
    let l = f.size;
    let (girth, leg) = f.dragon_body();
    let legs = f.get("legs").round() as u32;
    let tail_share = f.get("tail");
    let neck = f.get("neck");
    let torso = (l * (1.0 - tail_share) * 0.55).max(girth * 2.0);
    let y = leg + girth;
    if legs == 0 && f.get("wings") < 0.05 {
        // A serpent: a chain of segments winding along the ground.
        let n = 9;
        let mut p = Vec3::new(0.0, girth, -l * 0.45);
        for i in 0..n {
            let t = (i + 1) as f32 / n as f32;
            let next = Vec3::new((t * TAU * 1.3).sin() * l * 0.08, girth * (1.0 - t * 0.5), -l * 0.45 + t * l * 0.9);
            b.m.beam(girth * (1.0 - t * 0.7), p.into(), next.into(), body);
            p = next;
        }
        let head = Vec3::new(0.0, girth * 1.6, -l * 0.47);
        b.m.ball([girth * 1.2, girth, girth * 1.6], head.into(), body);
        crown_of_horns(f, b, head, girth, horn);
        return;
    }
    let c = Vec3::new(0.0, y, 0.0);
    let r = Vec3::new(girth * 1.05, girth, torso * 0.5);
    b.m.ball(r.into(), c.into(), body);
    b.m.ball([r.x * 0.85, r.y * 0.6, r.z * 0.9], (c - Vec3::Y * girth * 0.4).into(), membrane);
    pattern(f, b, c, r, membrane);
    // Neck up and forward, in two segments, then the head.
    let base = c + Vec3::new(0.0, girth * 0.4, -r.z * 0.85);
    let len = (neck * l * 0.3).max(girth * 0.8);
    let mid = base + Vec3::new(0.0, len * 0.55, -len * 0.5);
    let top = mid + Vec3::new(0.0, len * 0.35, -len * 0.55);
    b.m.beam(girth * 0.42, base.into(), mid.into(), body).beam(girth * 0.3, mid.into(), top.into(), body);
    let hl = (l * 0.07).max(girth * 0.9) * if legs == 2 { 1.5 } else { 1.0 };
    let head = top + Vec3::new(0.0, 0.0, -hl * 0.5);
    b.m.ball([hl * 0.45, hl * 0.4, hl * 0.9], head.into(), body);
    b.m.ball([hl * 0.35, hl * 0.15, hl * 0.7], (head + Vec3::new(0.0, -hl * 0.35, -hl * 0.2)).into(), membrane);
    for side in [-1.0, 1.0] {
        b.m.layer(Layer::Glow).ball([hl * 0.07; 3], (head + Vec3::new(side * hl * 0.35, hl * 0.15, -hl * 0.35)).into(), [1.0, 0.75, 0.1]);
        b.m.layer(Layer::Solid);
    }
    crown_of_horns(f, b, head, hl * 0.5, horn);
    // Tail: tapering segments swinging gently to one side.
    let mut p = c + Vec3::new(0.0, 0.0, r.z * 0.9);
    let tail = (l * tail_share).max(girth);
    for i in 0..4 {
        let t = (i + 1) as f32 / 4.0;
        let next =
            c + Vec3::new((t * PI).sin() * tail * 0.15, -girth * 0.5 * t + if legs == 2 { girth * 0.3 } else { 0.0 }, r.z * 0.9 + t * tail);
        b.m.beam(girth * (0.7 - 0.6 * t).max(0.08), p.into(), next.into(), body);
        p = next;
    }
    if f.has(Part::Spikes) || f.has(Part::Crest) {
        for i in 0..8 {
            let z = -r.z * 0.8 + i as f32 * (r.z * 1.6 + tail * 0.5) / 8.0;
            let s = girth * 0.5;
            let yy = if z < r.z { y + girth * 0.95 } else { y };
            b.m.tri([0.0, yy, z - s * 0.4], [0.0, yy + s, z + s * 0.2], [0.0, yy, z + s * 0.5], horn);
        }
    }
    // Legs: hind pair always; a front pair when four. A biped's arms are small.
    let positions: &[(f32, f32, f32)] = match legs {
        0 => &[],
        1 | 2 => &[(-1.0, 0.4, 1.0), (1.0, 0.4, 1.0), (-1.0, -0.8, 0.35), (1.0, -0.8, 0.35)],
        _ => &[(-1.0, 0.6, 1.0), (1.0, 0.6, 1.0), (-1.0, -0.6, 1.0), (1.0, -0.6, 1.0)],
    };
    // In flight the legs fold back under the body instead of standing.
    let flying = f.habitat() == crate::scene::Habitat::Sky;
    for &(side, zf, full) in positions {
        let hip = c + Vec3::new(side * r.x * 0.7, -girth * 0.3, zf * r.z);
        let foot = if flying {
            hip + Vec3::new(0.0, -girth * 0.5, girth * 1.2)
        } else if full >= 1.0 {
            Vec3::new(hip.x * 1.1, 0.0, hip.z - girth * 0.2)
        } else {
            hip + Vec3::new(0.0, -girth * 0.8, -girth * 0.6)
        };
        b.m.beam(girth * 0.3 * full, hip.into(), foot.into(), body);
    }
    let wings = f.get("wings");
    if wings > 0.05 {
        let span = l * wings * 0.55;
        for side in [-1.0, 1.0] {
            let shoulder = c + Vec3::new(side * r.x * 0.6, girth * 0.8, -r.z * 0.4);
            let elbow = shoulder + Vec3::new(side * span * 0.5, span * 0.35, span * 0.05);
            let tip = shoulder + Vec3::new(side * span, span * 0.15, span * 0.35);
            let trail = c + Vec3::new(side * r.x * 0.5, girth * 0.6, r.z * 0.7);
            b.m.beam(girth * 0.15, shoulder.into(), elbow.into(), body).beam(girth * 0.1, elbow.into(), tip.into(), body);
            b.m.tri(shoulder.into(), elbow.into(), trail.into(), membrane);
            b.m.tri(elbow.into(), tip.into(), (trail + Vec3::new(side * span * 0.55, 0.0, span * 0.15)).into(), membrane);
            b.m.tri(elbow.into(), (trail + Vec3::new(side * span * 0.55, 0.0, span * 0.15)).into(), trail.into(), membrane);
        }
    }
}

/// Horns or a frill on a head of radius `r`.
fn crown_of_horns(f: &Form, b: &mut Build, head: Vec3, r: f32, color: Rgb) {
    if f.has(Part::Horns) {
        for side in [-1.0, 1.0] {
            let root = head + Vec3::new(side * r * 0.6, r * 0.6, r * 0.6);
            let dir = Vec3::new(side * 0.3, 0.6, 1.0).normalize();
            b.m.cone_turned(r * 0.18, r * 1.6, (root + dir * r * 0.8).into(), Quat::from_rotation_arc(Vec3::Y, dir), color);
        }
    }
    if f.has(Part::Frill) || f.has(Part::Fins) {
        for side in [-1.0, 1.0] {
            b.m.tri(
                (head + Vec3::new(side * r * 0.7, 0.0, r * 0.4)).into(),
                (head + Vec3::new(side * r * 1.8, r * 0.8, r * 1.2)).into(),
                (head + Vec3::new(side * r * 0.6, r * 0.3, r * 1.5)).into(),
                color,
            );
        }
    }
}

fn fish(f: &Form, b: &mut Build) {
    let [body, second, fins] = colors(f, b, [[0.45, 0.5, 0.58], [0.85, 0.85, 0.82], [0.4, 0.45, 0.52]]);
    let l = f.size;
    if f.has(Part::Tentacles) {
        // Octopus or jellyfish: a mantle with arms hanging below.
        let r = l * 0.25;
        let c = Vec3::new(0.0, l * 0.55, 0.0);
        b.m.ball([r, r * 1.1 * (0.5 + f.get("depth")), r], c.into(), body);
        for (x, z) in ring(8, r * 0.6, 0.2) {
            let root = c + Vec3::new(x, -r * 0.4, z);
            let mid = root + Vec3::new(x * 0.6, -l * 0.25, z * 0.6);
            b.m.beam(r * 0.1, root.into(), mid.into(), body).beam(
                r * 0.06,
                mid.into(),
                (mid + Vec3::new(x * 0.4, -l * 0.2, z * 0.4)).into(),
                second,
            );
        }
        return;
    }
    let r = Vec3::new(l * f.get("width") * 0.5, l * f.get("depth") * 0.5, l * 0.5);
    let c = Vec3::new(0.0, r.y, 0.0);
    b.m.ball(r.into(), c.into(), body);
    b.m.ball([r.x * 0.9, r.y * 0.5, r.z * 0.85], (c - Vec3::Y * r.y * 0.45).into(), second);
    pattern(f, b, c, r, second);
    let tail = f.get("tail") * l * 0.35;
    if tail > 0.0 {
        let root = c + Vec3::new(0.0, 0.0, r.z * 0.9);
        // Whales and dolphins have flat flukes; fish an upright fork.
        if f.has(Part::Flippers) {
            for side in [-1.0, 1.0] {
                b.m.tri(
                    root.into(),
                    (root + Vec3::new(side * tail, 0.0, tail * 0.6)).into(),
                    (root + Vec3::new(0.0, 0.0, tail * 0.4)).into(),
                    fins,
                );
            }
        } else {
            b.m.tri(root.into(), (root + Vec3::new(0.0, tail * 0.7, tail)).into(), (root + Vec3::new(0.0, 0.0, tail * 0.5)).into(), fins);
            b.m.tri(root.into(), (root + Vec3::new(0.0, 0.0, tail * 0.5)).into(), (root + Vec3::new(0.0, -tail * 0.7, tail)).into(), fins);
        }
    }
    let fin = f.get("fins") * l * 0.25;
    if fin > 0.0 {
        b.m.tri(
            (c + Vec3::new(0.0, r.y * 0.9, -r.z * 0.2)).into(),
            (c + Vec3::new(0.0, r.y + fin, r.z * 0.15)).into(),
            (c + Vec3::new(0.0, r.y * 0.9, r.z * 0.35)).into(),
            fins,
        );
        for side in [-1.0, 1.0] {
            let root = c + Vec3::new(side * r.x * 0.8, -r.y * 0.3, -r.z * 0.35);
            b.m.tri(
                root.into(),
                (root + Vec3::new(side * fin, -fin * 0.3, fin * 0.6)).into(),
                (root + Vec3::new(0.0, 0.0, fin * 0.7)).into(),
                fins,
            );
        }
    }
    let snout = f.get("snout") * l * 0.5;
    if snout > 0.02 * l {
        b.m.cone_turned(
            r.x.min(r.y) * 0.35,
            snout,
            (c + Vec3::new(0.0, 0.0, -r.z - snout * 0.4)).into(),
            Quat::from_rotation_x(-FRAC_PI_2),
            body,
        );
    }
    if f.has(Part::Shell) {
        b.m.ball([r.x * 1.25, r.y * 1.3, r.z * 0.75], (c + Vec3::Y * r.y * 0.25).into(), second);
        b.m.ball([r.x * 0.3, r.y * 0.45, r.z * 0.22], (c + Vec3::new(0.0, 0.0, -r.z * 0.8)).into(), body);
    }
    if f.has(Part::Flippers) || f.has(Part::Shell) {
        for (side, z) in [(-1.0, -0.4), (1.0, -0.4), (-1.0, 0.45), (1.0, 0.45)] {
            let s = if z < 0.0 { 1.0 } else { 0.6 };
            b.m.ball([r.x * 0.9 * s, r.y * 0.12, r.z * 0.18 * s], (c + Vec3::new(side * r.x * 1.3, -r.y * 0.3, z * r.z)).into(), body);
        }
    }
    if f.has(Part::Spikes) {
        for (x, z) in ring(8, 1.0, 0.0) {
            let dir = Vec3::new(x, 0.3, z * 0.6).normalize();
            b.m.cone_turned(r.y * 0.08, r.y * 0.5, (c + dir * r.y * 1.1).into(), Quat::from_rotation_arc(Vec3::Y, dir), fins);
        }
    }
    if f.has(Part::Horns) {
        b.m.cone_turned(
            r.y * 0.08,
            l * 0.4,
            (c + Vec3::new(0.0, 0.0, -r.z - l * 0.2)).into(),
            Quat::from_rotation_x(-FRAC_PI_2),
            [0.9, 0.88, 0.8],
        );
    }
}

fn insect(f: &Form, b: &mut Build) {
    let [body, second, wing] = colors(f, b, [[0.15, 0.12, 0.1], [0.8, 0.6, 0.1], [0.85, 0.88, 0.92]]);
    let l = f.size;
    let g = l * f.get("bulk") * 0.5;
    let y = g * 1.4;
    let (head, thorax, abdomen) = (Vec3::new(0.0, y, -l * 0.4), Vec3::new(0.0, y, -l * 0.15), Vec3::new(0.0, y, l * 0.22));
    b.m.ball([g * 0.6; 3], head.into(), body);
    b.m.ball([g * 0.8, g * 0.8, l * 0.15], thorax.into(), body);
    let ar = Vec3::new(g, g, l * 0.28);
    b.m.ball(ar.into(), abdomen.into(), body);
    pattern(f, b, abdomen, ar, second);
    if f.has(Part::Shell) {
        b.m.ball([g * 1.4, g * 0.9, l * 0.42], (thorax + Vec3::new(0.0, g * 0.2, l * 0.15)).into(), second);
    }
    let legs = f.get("legs").round() as usize;
    for i in 0..legs {
        let side = if i % 2 == 0 { -1.0 } else { 1.0 };
        let z = thorax.z - l * 0.12 + (i / 2) as f32 * l * 0.12;
        let knee = Vec3::new(side * (g + l * 0.25), y + g * 0.8, z);
        b.m.beam(l * 0.015, [side * g * 0.6, y, z], knee.into(), body);
        b.m.beam(l * 0.012, knee.into(), [side * (g + l * 0.4), 0.0, z + (i / 2) as f32 * l * 0.05 - l * 0.05], body);
    }
    let span = f.get("wingspan") * l * 0.5;
    if f.has(Part::Wings) || span > 0.0 {
        let span = span.max(l * 0.5);
        for side in [-1.0, 1.0] {
            let root = thorax + Vec3::new(0.0, g * 0.7, 0.0);
            b.m.tri(
                root.into(),
                (root + Vec3::new(side * span, span * 0.15, -span * 0.35)).into(),
                (root + Vec3::new(side * span * 0.8, span * 0.1, span * 0.4)).into(),
                wing,
            );
            b.m.tri(
                root.into(),
                (root + Vec3::new(side * span * 0.8, span * 0.1, span * 0.4)).into(),
                (root + Vec3::new(side * span * 0.3, 0.0, span * 0.7)).into(),
                wing,
            );
        }
    }
    if f.has(Part::Antennae) {
        for side in [-1.0, 1.0] {
            b.m.beam(
                l * 0.008,
                (head + Vec3::new(side * g * 0.2, g * 0.4, -g * 0.3)).into(),
                (head + Vec3::new(side * l * 0.15, l * 0.25, -l * 0.25)).into(),
                body,
            );
        }
    }
    if f.has(Part::Stinger) {
        let tip = abdomen + Vec3::new(0.0, l * 0.25, l * 0.3);
        b.m.beam(g * 0.3, (abdomen + Vec3::Z * ar.z).into(), tip.into(), body);
        b.m.cone_turned(g * 0.2, l * 0.1, tip.into(), Quat::from_rotation_x(-0.6), second);
    }
    if f.has(Part::Pincers) {
        for side in [-1.0, 1.0] {
            let arm = head + Vec3::new(side * g * 1.4, 0.0, -l * 0.15);
            b.m.beam(l * 0.03, (thorax + Vec3::X * side * g).into(), arm.into(), body);
            b.m.ball([g * 0.5, g * 0.35, l * 0.12], (arm + Vec3::new(0.0, 0.0, -l * 0.08)).into(), second);
        }
    }
    if f.has(Part::Horns) {
        b.m.cone_turned(g * 0.2, l * 0.3, (head + Vec3::new(0.0, g * 0.6, -g * 0.3)).into(), Quat::from_rotation_x(-0.5), body);
    }
}

fn boat(f: &Form, b: &mut Build) {
    let [hull_color, deck, rig] = colors(f, b, [DARK_WOOD, PALE_WOOD, CANVAS]);
    let l = f.size;
    let w = l * f.get("beam");
    let fb = l * f.get("freeboard");
    hull(b, w, l, -fb * 0.6, fb, hull_color, deck);
    if f.has(Part::Cabin) {
        let h = (fb * 1.2).max(l * 0.06);
        b.m.block([w * 0.7, h, l * 0.25], [0.0, fb + h / 2.0, l * 0.15], deck);
        b.m.layer(Layer::Glow).block([w * 0.72, h * 0.25, l * 0.2], [0.0, fb + h * 0.65, l * 0.15], [0.9, 0.85, 0.6]).layer(Layer::Solid);
    }
    let funnels = f.get("funnels").round() as usize;
    for i in 0..funnels {
        let z = -l * 0.15 + i as f32 * l * 0.4 / funnels.max(1) as f32;
        b.m.post(w * 0.12, l * 0.18, [0.0, fb, z], rig).post(w * 0.125, l * 0.03, [0.0, fb + l * 0.16, z], BLACK);
    }
    let masts = f.get("masts").round() as usize;
    for i in 0..masts {
        let z = -l * 0.3 + (i as f32 + 0.5) * l * 0.65 / masts as f32;
        let h = l * (0.75 - 0.1 * (i as f32 - (masts as f32 - 1.0) / 2.0).abs());
        b.m.post(w * 0.04, h, [0.0, fb, z], DARK_WOOD);
        if f.has(Part::Sails) || masts > 0 {
            for (k, y) in [(1.0, 0.3), (0.85, 0.58)] {
                b.m.panel(w * 1.3 * k, h * 0.25, [0.0, fb + h * y, z + w * 0.05], Quat::IDENTITY, rig);
            }
        }
    }
    if f.has(Part::Oars) {
        for i in 0..6 {
            let z = -l * 0.25 + i as f32 * l * 0.1;
            for side in [-1.0, 1.0] {
                b.m.beam(w * 0.02, [side * w * 0.45, fb * 0.9, z], [side * w * 1.1, -fb * 0.4, z + l * 0.03], WOOD);
            }
        }
    }
    if f.has(Part::Figurehead) {
        b.m.beam(w * 0.08, [0.0, fb, -l * 0.48], [0.0, fb + l * 0.12, -l * 0.55], hull_color);
        b.m.ball([w * 0.1, w * 0.12, w * 0.16], [0.0, fb + l * 0.13, -l * 0.57], rig);
    }
}

fn aircraft(f: &Form, b: &mut Build) {
    let [body, wings, accent] = colors(f, b, [[0.75, 0.76, 0.78], [0.7, 0.72, 0.75], [0.7, 0.12, 0.1]]);
    let l = f.size;
    if f.has(Part::Balloon) {
        // A balloon or an airship: the envelope carries a gondola.
        let round = f.get("wingspan") < 0.01 && f.get("body") > 0.5;
        let r = if round { Vec3::splat(l * 0.5) } else { Vec3::new(l * f.get("body") * 0.5, l * f.get("body") * 0.5, l * 0.5) };
        let c = Vec3::new(0.0, l * 0.15 + r.y * 1.3, 0.0);
        b.m.ball(r.into(), c.into(), body);
        pattern(f, b, c, r, accent);
        let basket = Vec3::new(0.0, l * 0.06, if round { 0.0 } else { -l * 0.05 });
        b.m.block([l * 0.1, l * 0.1, if round { l * 0.1 } else { l * 0.25 }], basket.into(), WOOD);
        for (x, z) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
            b.m.beam(
                l * 0.005,
                (basket + Vec3::new(x * l * 0.05, l * 0.05, z * l * 0.05)).into(),
                (c + Vec3::new(x * r.x * 0.5, -r.y * 0.8, z * r.z * 0.3)).into(),
                DARK_WOOD,
            );
        }
        if !round {
            for side in [-1.0, 1.0] {
                b.m.tri(
                    (c + Vec3::new(0.0, 0.0, r.z * 0.7)).into(),
                    (c + Vec3::new(side * r.x * 1.3, 0.0, r.z * 1.05)).into(),
                    (c + Vec3::new(0.0, 0.0, r.z * 1.05)).into(),
                    accent,
                );
            }
        }
        return;
    }
    let rb = l * f.get("body") * 0.5;
    let y = rb * 1.3;
    b.m.ball([rb, rb * 1.1, l * 0.5], [0.0, y, 0.0], body);
    if f.has(Part::Cabin) || !f.has(Part::Rotor) {
        b.m.layer(Layer::Glow).ball([rb * 0.7, rb * 0.5, l * 0.08], [0.0, y + rb * 0.7, -l * 0.3], [0.55, 0.7, 0.85]).layer(Layer::Solid);
    }
    let span = l * f.get("wingspan");
    let stacked = f.get("wings").round().max(1.0) as usize;
    if span > 0.0 {
        for i in 0..stacked {
            let wy = y - rb * 0.3 + i as f32 * l * 0.14;
            b.m.block([span, l * 0.015, l * 0.17], [0.0, wy, -l * 0.08], wings);
            if i > 0 {
                for side in [-1.0, 1.0] {
                    b.m.beam(l * 0.006, [side * span * 0.35, wy - l * 0.14, -l * 0.08], [side * span * 0.35, wy, -l * 0.08], DARK_WOOD);
                }
            }
        }
    }
    // Tail: a stabiliser and a fin.
    b.m.block([span.max(l * 0.3) * 0.3, l * 0.012, l * 0.1], [0.0, y, l * 0.44], wings);
    b.m.tri([0.0, y, l * 0.35], [0.0, y + l * 0.18, l * 0.5], [0.0, y, l * 0.5], accent);
    let engines = f.get("engines").round() as usize;
    if f.has(Part::Jet) {
        for i in 0..engines {
            let side = if i % 2 == 0 { -1.0 } else { 1.0 };
            let x = if engines == 1 { 0.0 } else { side * span * (0.18 + 0.12 * (i / 2) as f32) };
            let at = if engines == 1 { [0.0, y, l * 0.45] } else { [x, y - rb * 0.9, -l * 0.1] };
            b.m.rod(rb * 0.45, l * 0.15, at, Quat::from_rotation_x(FRAC_PI_2), STEEL);
        }
    }
    if f.has(Part::Propeller) {
        let hubs: Vec<Vec3> = if engines <= 1 {
            vec![Vec3::new(0.0, y, -l * 0.52)]
        } else {
            (0..engines).map(|i| Vec3::new(((i as f32 + 0.5) / engines as f32 - 0.5) * span * 0.7, y - rb * 0.2, -l * 0.22)).collect()
        };
        for hub in &hubs {
            if hub.x != 0.0 {
                b.m.rod(rb * 0.35, l * 0.15, (*hub + Vec3::Z * l * 0.07).into(), Quat::from_rotation_x(FRAC_PI_2), body);
            }
        }
        // One propeller spins about its hub; several (one pivot per model) show as blurred discs.
        let blade = l * 0.1 * if engines <= 1 { 1.3 } else { 0.8 };
        if let [hub] = hubs[..] {
            b.m.layer(Layer::Spinner);
            b.m.block([blade * 2.0, l * 0.01, l * 0.01], (hub - Vec3::Z * l * 0.01).into(), BLACK);
            b.m.layer(Layer::Solid);
            b.spin = Some((hub, Vec3::Z, 20.0));
        } else {
            for hub in &hubs {
                b.m.rod(blade, l * 0.004, (*hub - Vec3::Z * l * 0.01).into(), Quat::from_rotation_x(FRAC_PI_2), [0.25, 0.25, 0.27]);
            }
        }
    }
    if f.has(Part::Rotor) {
        let hub = Vec3::new(0.0, y + rb * 1.4, -l * 0.05);
        b.m.post(rb * 0.1, rb * 0.4, [0.0, y + rb, -l * 0.05], IRON);
        b.m.layer(Layer::Spinner);
        b.m.block([l * 0.95, l * 0.006, l * 0.04], hub.into(), BLACK).block([l * 0.04, l * 0.006, l * 0.95], hub.into(), BLACK);
        b.m.layer(Layer::Solid);
        b.spin = Some((hub, Vec3::Y, 6.0));
    }
    if f.has(Part::Floats) {
        for side in [-1.0, 1.0] {
            b.m.ball([rb * 0.35, rb * 0.3, l * 0.3], [side * span.max(l * 0.3) * 0.2, rb * 0.3, -l * 0.05], body);
            b.m.beam(l * 0.006, [side * span.max(l * 0.3) * 0.2, rb * 0.5, -l * 0.05], [side * rb * 0.5, y - rb * 0.5, -l * 0.05], IRON);
        }
    }
}

fn vehicle(f: &Form, b: &mut Build) {
    let [body, roof, wheel] = colors(f, b, [[0.6, 0.15, 0.12], [0.85, 0.83, 0.78], [0.08, 0.08, 0.08]]);
    let cars = f.get("cars").round().max(1.0) as usize;
    let l = f.size;
    let (h, w) = (l * f.get("height"), l * f.get("width"));
    let wheels = f.get("wheels").round() as usize;
    let wr = (h * 0.22).min(l * 0.15).max(l * 0.03);
    for c in 0..cars {
        let z0 = (c as f32 - (cars as f32 - 1.0) / 2.0) * l;
        let floor = wr * 0.9;
        let box_h = (h - floor).max(h * 0.4);
        let front = c == 0;
        if front && f.has(Part::Funnel) {
            // A steam engine: a boiler, a funnel and a cab at the back.
            b.m.rod(box_h * 0.38, l * 0.65, [0.0, floor + box_h * 0.4, z0 - l * 0.12], Quat::from_rotation_x(FRAC_PI_2), body);
            b.m.post(box_h * 0.12, box_h * 0.55, [0.0, floor + box_h * 0.7, z0 - l * 0.35], BLACK);
            b.m.block([w, box_h, l * 0.3], [0.0, floor + box_h / 2.0, z0 + l * 0.33], roof);
        } else {
            let top = if f.has(Part::Cover) { box_h * 0.45 } else { box_h };
            b.m.block([w, top, l * 0.96], [0.0, floor + top / 2.0, z0], body);
            if f.has(Part::Cover) {
                b.m.ball([w * 0.5, box_h * 0.6, l * 0.46], [0.0, floor + top, z0], roof);
            }
            if f.has(Part::Cabin) && front {
                b.m.block([w * 0.95, box_h * 0.5, l * 0.3], [0.0, floor + top + box_h * 0.2, z0 - l * 0.3], body);
                b.m.layer(Layer::Glow).block(
                    [w * 0.9, box_h * 0.25, l * 0.31],
                    [0.0, floor + top + box_h * 0.25, z0 - l * 0.3],
                    [0.6, 0.75, 0.85],
                );
                b.m.layer(Layer::Solid);
            }
        }
        if f.has(Part::Tracks) {
            for side in [-1.0, 1.0] {
                b.m.block([w * 0.22, wr * 2.0, l * 0.95], [side * w * 0.45, wr, z0], wheel);
            }
        } else {
            let per_side = (wheels / 2).max(if wheels > 0 { 1 } else { 0 });
            for i in 0..per_side {
                let z = z0 + if per_side == 1 { 0.0 } else { -l * 0.35 + i as f32 * l * 0.7 / (per_side - 1) as f32 };
                for side in [-1.0, 1.0] {
                    b.m.rod(wr, w * 0.12, [side * w * 0.5, wr, z], Quat::from_rotation_z(FRAC_PI_2), wheel);
                }
            }
        }
        if front && f.has(Part::Turret) {
            let ty = floor + box_h;
            b.m.block([w * 0.6, h * 0.3, l * 0.35], [0.0, ty + h * 0.15, z0 + l * 0.05], body);
            b.m.rod(h * 0.05, l * 0.6, [0.0, ty + h * 0.15, z0 - l * 0.4], Quat::from_rotation_x(FRAC_PI_2), IRON);
        }
        if front && f.has(Part::Shafts) {
            for side in [-1.0, 1.0] {
                b.m.beam(l * 0.015, [side * w * 0.3, floor + box_h * 0.3, z0 - l * 0.45], [side * w * 0.3, floor, z0 - l * 1.1], WOOD);
            }
        }
    }
}

fn spacecraft(f: &Form, b: &mut Build) {
    let [body, accent, glow] = colors(f, b, [WHITE, [0.2, 0.2, 0.22], [0.6, 0.85, 1.0]]);
    let l = f.size;
    let w = l * f.get("width");
    if f.has(Part::Saucer) {
        let r = l * 0.5;
        b.m.ball([r, r * 0.18, r], [0.0, r * 0.3, 0.0], body);
        b.m.layer(Layer::Glow);
        b.m.ball([r * 0.4, r * 0.25, r * 0.4], [0.0, r * 0.45, 0.0], glow);
        for (x, z) in ring(8, r * 0.8, 0.0) {
            b.m.ball([r * 0.05; 3], [x, r * 0.27, z], [1.0, 0.9, 0.4]);
        }
        b.m.layer(Layer::Solid);
        return;
    }
    if f.has(Part::Ring) {
        // A station: a hub, a wheel of modules on spokes, solar wings.
        let r = l * 0.5;
        let c = Vec3::new(0.0, r, 0.0);
        b.m.rod((w * 0.1).clamp(l * 0.04, l * 0.12), l * 0.5, c.into(), Quat::from_rotation_x(FRAC_PI_2), body);
        let points: Vec<(f32, f32)> = ring(12, r * 0.8, 0.0).collect();
        for i in 0..12 {
            let (a, bb) = (points[i], points[(i + 1) % 12]);
            b.m.beam(l * 0.04, (c + Vec3::new(a.0, a.1, 0.0)).into(), (c + Vec3::new(bb.0, bb.1, 0.0)).into(), body);
            if i % 3 == 0 {
                b.m.beam(l * 0.01, c.into(), (c + Vec3::new(a.0, a.1, 0.0)).into(), accent);
            }
        }
        if f.has(Part::SolarPanels) {
            for side in [-1.0, 1.0] {
                b.m.block([l * 0.02, l * 0.25, l * 0.6], (c + Vec3::new(side * r * 1.25, 0.0, 0.0)).into(), [0.12, 0.18, 0.45]);
            }
        }
        return;
    }
    if f.get("upright") < 0.5 {
        // A shuttle or a lying craft: fuselage along Z with delta wings.
        let r = w.min(l * 0.3) * 0.5;
        b.m.ball([r, r, l * 0.5], [0.0, r * 1.2, 0.0], body);
        b.m.layer(Layer::Glow).ball([r * 0.6, r * 0.35, l * 0.06], [0.0, r * 1.9, -l * 0.35], glow).layer(Layer::Solid);
        if f.has(Part::Wings) {
            for side in [-1.0, 1.0] {
                b.m.tri([0.0, r, -l * 0.2], [side * l * 0.4, r, l * 0.4], [0.0, r, l * 0.45], accent);
            }
            b.m.tri([0.0, r * 2.0, l * 0.2], [0.0, r * 2.0 + l * 0.25, l * 0.48], [0.0, r * 2.0, l * 0.48], body);
        }
        return;
    }
    if f.has(Part::Legs) {
        // A lander: a body on four splayed legs.
        let hb = l * 0.45;
        let half = w.max(l * 0.5) * 0.5;
        b.m.block([half * 1.4, hb, half * 1.4], [0.0, l * 0.35 + hb / 2.0, 0.0], accent);
        b.m.rod(half * 0.7, hb * 0.6, [0.0, l * 0.35 + hb * 1.3, 0.0], Quat::IDENTITY, body);
        b.m.layer(Layer::Glow).block([half * 0.4, hb * 0.2, 0.05], [0.0, l * 0.35 + hb * 1.35, -half * 0.7], glow).layer(Layer::Solid);
        for (x, z) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
            b.m.beam(l * 0.02, [x * half * 0.6, l * 0.4, z * half * 0.6], [x * half * 1.4, 0.0, z * half * 1.4], [0.75, 0.75, 0.7]);
            b.m.rod(l * 0.06, l * 0.02, [x * half * 1.4, 0.01, z * half * 1.4], Quat::IDENTITY, [0.75, 0.75, 0.7]);
        }
        return;
    }
    // A rocket standing on its tail.
    let r = (w * 0.5).max(l * 0.03);
    b.m.post(r, l * 0.78, [0.0, 0.0, 0.0], body);
    b.m.cone(r, l * 0.22, [0.0, l * 0.78, 0.0], accent);
    b.m.layer(Layer::Glow).ball([r * 0.3, r * 0.3, r * 0.1], [0.0, l * 0.7, -r], glow).layer(Layer::Solid);
    if f.has(Part::Boosters) {
        for (x, z) in ring(4, r * 1.4, 0.0) {
            b.m.post(r * 0.45, l * 0.45, [x, 0.0, z], body).cone(r * 0.45, l * 0.08, [x, l * 0.45, z], accent);
        }
    } else {
        for (x, z) in ring(3, r, 0.5) {
            b.m.tri([x, l * 0.2, z], [x * 2.2, 0.0, z * 2.2], [x, 0.0, z], accent);
        }
    }
    if f.has(Part::SolarPanels) {
        for side in [-1.0, 1.0] {
            b.m.block([l * 0.5, l * 0.01, l * 0.15], [side * (r + l * 0.25), l * 0.6, 0.0], [0.12, 0.18, 0.45]);
        }
    }
}

fn building(f: &Form, b: &mut Build) {
    let [walls, roof, trim] = colors(f, b, [[0.85, 0.8, 0.7], ROOF_RED, [0.95, 0.93, 0.88]]);
    let h = f.size;
    let (w, d) = (h * f.get("width"), h * f.get("depth"));
    if f.has(Part::Pyramid) {
        let pyramid = unit::frustum(1.0, 0.0, 4);
        let t = Transform {
            translation: Vec3::Y * h / 2.0,
            rotation: Quat::from_rotation_y(PI / 4.0),
            scale: Vec3::new(w * 1.414, h, d * 1.414),
        };
        b.m.shape(&pyramid, t, walls);
        return;
    }
    let inset = if f.has(Part::Columns) { 0.82 } else { 1.0 };
    let (cw, cd) = (w * inset, d * inset);
    if f.has(Part::Columns) {
        b.m.block([w, h * 0.06, d], [0.0, h * 0.03, 0.0], trim);
        b.m.block([w, h * 0.08, d], [0.0, h * 0.96, 0.0], trim);
        let per_side = ((w / (h * 0.25)).round() as usize).clamp(3, 12);
        for i in 0..per_side {
            let x = -w * 0.45 + i as f32 * w * 0.9 / (per_side - 1) as f32;
            for z in [-d * 0.45, d * 0.45] {
                b.m.post(h * 0.045, h * 0.9, [x, h * 0.06, z], trim);
            }
        }
    }
    b.m.block([cw, h, cd], [0.0, h / 2.0, 0.0], walls);
    let floors = {
        let set = f.get("floors").round() as usize;
        if set > 0 { set } else { ((h / 3.5).round() as usize).max(1) }
    };
    if f.has(Part::Windows) || floors > 2 {
        let rows = floors.min(14);
        let cols = ((cw / 3.0).round() as usize).clamp(1, 8);
        b.m.layer(Layer::Glow);
        for r in 0..rows {
            let y = (r as f32 + 0.55) * h / rows as f32;
            for c in 0..cols {
                let x = -cw / 2.0 + (c as f32 + 0.5) * cw / cols as f32;
                b.m.block([cw / cols as f32 * 0.5, h / rows as f32 * 0.45, cd + 0.1], [x, y, 0.0], [0.85, 0.75, 0.45]);
            }
        }
        b.m.layer(Layer::Solid);
    }
    if f.has(Part::Arches) {
        let n = ((cw / (h * 0.3)).round() as usize).clamp(2, 12);
        let rows = if h > cw * 0.5 { 1 } else { 2.min(floors.max(1)) };
        for r in 0..rows {
            let y0 = r as f32 * h / rows as f32;
            let ah = h / rows as f32 * 0.7;
            for i in 0..n {
                let x = -cw / 2.0 + (i as f32 + 0.5) * cw / n as f32;
                let aw = cw / n as f32 * 0.6;
                for z in [-cd / 2.0, cd / 2.0] {
                    b.m.block([aw, ah * 0.7, 0.2], [x, y0 + ah * 0.35, z], BLACK);
                    b.m.rod(aw * 0.5, 0.2, [x, y0 + ah * 0.7, z], Quat::from_rotation_x(FRAC_PI_2), BLACK);
                }
            }
        }
    }
    let top = h;
    if f.has(Part::PitchedRoof) {
        b.m.roof(cw * 1.1, cw * f.get("roof"), cd * 1.05, [0.0, top, 0.0], roof);
    } else if f.has(Part::FlatRoof) || f.has(Part::Battlements) {
        b.m.block([cw * 1.02, h * 0.03, cd * 1.02], [0.0, top, 0.0], roof);
    }
    if f.has(Part::Battlements) {
        let m = (cw.min(cd) * 0.08).max(0.4);
        for (along_x, len, fixed) in [(true, cw, cd / 2.0), (true, cw, -cd / 2.0), (false, cd, cw / 2.0), (false, cd, -cw / 2.0)] {
            let n = ((len / (m * 2.0)) as usize).clamp(2, 16);
            for i in 0..n {
                let t = -len / 2.0 + (i as f32 + 0.5) * len / n as f32;
                let at = if along_x { [t, top + m * 0.5, fixed] } else { [fixed, top + m * 0.5, t] };
                b.m.block([m; 3], at, walls);
            }
        }
    }
    if f.has(Part::Dome) || f.has(Part::OnionDome) {
        let r = cw.min(cd) * 0.42;
        b.m.rod(r * 0.9, r * 0.4, [0.0, top + r * 0.2, 0.0], Quat::IDENTITY, walls);
        let squash = if f.has(Part::OnionDome) { 1.3 } else { 1.0 };
        b.m.ball([r, r * squash, r], [0.0, top + r * 0.4, 0.0], roof);
        if f.has(Part::OnionDome) {
            b.m.cone(r * 0.3, r * 0.9, [0.0, top + r * 1.5, 0.0], roof);
        }
    }
    if f.has(Part::Tower) {
        let tr = cw.min(cd) * 0.18;
        for (x, z) in [(-1.0, -1.0), (1.0, 1.0)] {
            let at = [x * cw / 2.0, 0.0, z * cd / 2.0];
            b.m.post(tr, h * 1.5, at, walls);
            if f.has(Part::Spire) || f.has(Part::OnionDome) {
                b.m.cone(tr * 1.2, h * 0.4, [at[0], h * 1.5, at[2]], roof);
            } else {
                b.m.rod(tr * 1.15, h * 0.08, [at[0], h * 1.54, at[2]], Quat::IDENTITY, walls);
            }
        }
    }
    if f.has(Part::Spire) && !f.has(Part::Tower) {
        let r = cw.min(cd) * 0.2;
        b.m.block([r * 2.0, h * 0.3, r * 2.0], [0.0, top + h * 0.15, -cd * 0.3], walls);
        b.m.cone(r * 1.2, h * 0.6, [0.0, top + h * 0.3, -cd * 0.3], roof);
    }
    if f.has(Part::Chimney) {
        b.m.block([cw * 0.08, h * 0.5, cw * 0.08], [cw * 0.25, top + h * 0.15, cd * 0.2], DARK_STONE);
    }
    // A door on the front.
    let door_h = (h / floors as f32 * 0.7).min(3.0).max(h * 0.05);
    b.m.block([door_h * 0.55, door_h, 0.1], [0.0, door_h / 2.0, -cd / 2.0 - 0.05], DARK_WOOD);
}

fn plant(f: &Form, b: &mut Build) {
    let [leaf, trunk, blossom] = colors(f, b, [LEAF, BARK, [0.95, 0.6, 0.75]]);
    let h = f.size;
    let cw = h * f.get("crown") * 0.5;
    let bare = h * f.get("trunk");
    if f.has(Part::Cactus) {
        let r = (h * 0.08).max(0.05);
        b.m.post(r, h, [0.0, 0.0, 0.0], leaf).ball([r; 3], [0.0, h, 0.0], leaf);
        for (side, y) in [(-1.0, 0.4), (1.0, 0.55)] {
            let elbow = [side * r * 3.0, h * y, 0.0];
            b.m.beam(r * 0.7, [0.0, h * (y - 0.08), 0.0], elbow, leaf).post(r * 0.7, h * 0.25, elbow, leaf);
        }
        if f.has(Part::Blossom) {
            b.m.ball([r * 0.5; 3], [0.0, h + r * 0.6, 0.0], blossom);
        }
        return;
    }
    if f.has(Part::Flower) || f.has(Part::Reeds) {
        let n = if f.has(Part::Reeds) { 7 } else { 3 };
        for (i, (x, z)) in ring(n, cw.max(h * 0.1) * 0.5, 0.3).enumerate() {
            let top = [x, h * (0.8 + 0.2 * (i % 2) as f32), z];
            b.m.beam(h * 0.02, [x * 0.3, 0.0, z * 0.3], top, leaf);
            if f.has(Part::Flower) {
                b.m.ball([h * 0.12, h * 0.04, h * 0.12], top, blossom).ball([h * 0.05; 3], [top[0], top[1] + h * 0.02, top[2]], trunk);
            } else {
                b.m.ball([h * 0.025, h * 0.1, h * 0.025], top, trunk);
            }
        }
        return;
    }
    if f.has(Part::Bush) {
        for (i, (x, z)) in std::iter::once((0.0, 0.0)).chain(ring(4, cw * 0.5, 0.4)).enumerate() {
            let r = cw * if i == 0 { 0.75 } else { 0.5 };
            b.m.ball([r, h * 0.5, r], [x, h * 0.5, z], leaf);
        }
        if f.has(Part::Blossom) {
            for (x, z) in ring(8, cw * 0.8, 0.0) {
                b.m.ball([cw * 0.12; 3], [x, h * 0.7, z], blossom);
            }
        }
        return;
    }
    if f.has(Part::Palm) {
        let mut p = Vec3::ZERO;
        for i in 0..5 {
            let next = p + Vec3::new(h * 0.03, h * 0.2, 0.0);
            b.m.beam(h * (0.045 - i as f32 * 0.005), p.into(), next.into(), trunk);
            p = next;
        }
        for (x, z) in ring(8, cw.max(h * 0.25), 0.0) {
            b.m.tri(
                p.into(),
                [p.x + x, p.y - h * 0.12, p.z + z],
                [p.x + x * 0.5 - z * 0.15, p.y + h * 0.04, p.z + z * 0.5 + x * 0.15],
                leaf,
            );
        }
        return;
    }
    b.m.post((h * 0.035).max(cw * 0.08), bare.max(h * 0.05) + h * 0.1, [0.0, 0.0, 0.0], trunk);
    let crown_h = h - bare;
    if f.has(Part::ConeCrown) {
        for i in 0..3 {
            let y = bare + i as f32 * crown_h * 0.25;
            b.m.cone(cw * (1.0 - i as f32 * 0.22), crown_h * 0.5, [0.0, y, 0.0], leaf);
        }
    } else if f.has(Part::UmbrellaCrown) {
        for (x, z) in [(0.0, 0.0), (cw * 0.4, 0.0), (-cw * 0.35, cw * 0.3)] {
            b.m.ball([cw * 0.7, crown_h * 0.35, cw * 0.7], [x, h - crown_h * 0.35, z], leaf);
        }
    } else {
        b.m.ball([cw, crown_h * 0.5, cw], [0.0, bare + crown_h * 0.5, 0.0], leaf);
        b.m.ball([cw * 0.6, crown_h * 0.35, cw * 0.6], [cw * 0.4, bare + crown_h * 0.6, cw * 0.2], leaf);
    }
    if f.has(Part::Blossom) {
        for (i, (x, z)) in ring(10, cw * 0.9, 0.2).enumerate() {
            let y = bare + crown_h * (0.35 + 0.1 * (i % 4) as f32);
            b.m.ball([cw * 0.18, crown_h * 0.12, cw * 0.18], [x, y, z], blossom);
        }
    }
}

fn prop(f: &Form, b: &mut Build) {
    let h = f.size;
    if f.solids.is_empty() {
        let color = b.m.paint(f.color(0, WOOD));
        b.m.block([h * f.get("width"), h, h * f.get("depth")], [0.0, h / 2.0, 0.0], color);
        return;
    }
    let shapes = [unit::cube(), unit::frustum(1.0, 1.0, 10), unit::frustum(1.0, 0.0, 10), unit::sphere(10, 7)];
    for s in &f.solids {
        let shape = match s.shape {
            SolidShape::Box => &shapes[0],
            SolidShape::Cylinder => &shapes[1],
            SolidShape::Cone => &shapes[2],
            SolidShape::Sphere => &shapes[3],
        };
        let color = if s.color == 0 { b.m.paint(f.color(0, WOOD)) } else { f.color(s.color, WOOD) };
        let rotation = Quat::from_rotation_y(-s.yaw.to_radians()) * Quat::from_rotation_x(s.pitch.to_radians());
        let t = Transform { translation: Vec3::from(s.at) * h, rotation, scale: Vec3::from(s.size) * h };
        b.m.shape(shape, t, color);
    }
}
