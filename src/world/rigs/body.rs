//! The procedural person: a skinned body shaped like the world's humanoid but rounded (tubes
//! for limbs and trunk, an ellipsoid head with hair, hands and shoes), in the form's colours,
//! with what the form wears and carries attached to the joint that moves it (a hat to the
//! head, a sword to the right hand, a guitar to the chest). Built at two levels of detail
//! from the same rings so that both follow the same skeleton.

use std::f32::consts::{FRAC_PI_2, PI};

use bevy::prelude::*;

use super::clips::{CARRY_ELBOW, CARRY_FLEX};
use super::skeleton::{ANKLE_Y, Joint, LEG_TOP, SIDES, Skeleton, arm, leg};
use super::skin::{Influences, Ring, SkinnedGeometry, blend, only};
use crate::scene::form::{Family, Form, Part};
use crate::world::models::palette::*;
use crate::world::models::{Layer, ModelBuilder, Rgb};

/// How finely a body is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    /// Seen up close: smooth limbs, a face, hands.
    Near,
    /// Seen across a room or a crowd: about three hundred triangles.
    Mid,
    /// Seen from afar: under two hundred triangles.
    Far,
}

impl Detail {
    pub const ALL: [Detail; 3] = [Detail::Near, Detail::Mid, Detail::Far];
}

/// Everything that decides how a person looks.
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    /// Height in metres.
    pub size: f32,
    pub build: f32,
    pub head: f32,
    pub parts: Vec<Part>,
    pub clothes: Rgb,
    pub legs: Rgb,
    pub skin: Rgb,
    pub accent: Rgb,
    pub hair: Rgb,
    pub shoes: Rgb,
    /// 0 short, 1 long, 2 tied back, 3 cropped.
    pub hair_style: u8,
    /// A rifle in the right hand (soldiers).
    pub rifle: bool,
}

const HAIR: [Rgb; 6] =
    [[0.16, 0.1, 0.06], [0.05, 0.04, 0.04], [0.62, 0.47, 0.25], [0.35, 0.18, 0.08], [0.22, 0.14, 0.08], [0.08, 0.06, 0.05]];
const SKIN_TONES: [Rgb; 5] = [[0.87, 0.67, 0.52], [0.55, 0.38, 0.26], [0.95, 0.78, 0.66], [0.36, 0.24, 0.16], [0.76, 0.57, 0.4]];
const SHIRTS: [Rgb; 6] =
    [[0.75, 0.15, 0.15], [0.15, 0.35, 0.75], [0.92, 0.85, 0.25], [0.15, 0.15, 0.15], [0.9, 0.9, 0.88], [0.2, 0.55, 0.3]];

impl Look {
    /// The look of a humanoid form (the scene's paint on its clothes), varied by `variant`:
    /// hair, skin tone and a little height and build, so that a crowd of one kind is not a
    /// crowd of twins.
    pub fn of_form(kind: &str, form: &Form, paint: Option<Rgb>, variant: u32) -> Look {
        let v = variant as usize;
        let own_skin = form.color(2, SKIN);
        let skin = if v == 0 { own_skin } else { SKIN_TONES[v % SKIN_TONES.len()] };
        let old = kind.starts_with("old_") || kind.contains("elder") || kind.contains("grand");
        Look {
            size: form.size * (1.0 + 0.025 * ((v * 3) % 5) as f32 - 0.05),
            build: form.get("build") * (1.0 + 0.04 * ((v * 2) % 3) as f32 - 0.04),
            head: form.get("head"),
            parts: form.parts.clone(),
            clothes: paint.unwrap_or(form.color(0, [0.45, 0.35, 0.6])),
            legs: form.color(1, [0.25, 0.22, 0.2]),
            skin,
            accent: form.color(3, STEEL),
            hair: if old { [0.78, 0.77, 0.74] } else { HAIR[(v + kind.len()) % HAIR.len()] },
            shoes: if v.is_multiple_of(2) { [0.08, 0.06, 0.05] } else { [0.3, 0.2, 0.12] },
            hair_style: ((v + kind.len()) % 4) as u8,
            rifle: false,
        }
    }

    /// The hand-made people of the catalog (crowds, musicians, knights, soldiers) as looks.
    pub fn handmade(kind: &str, paint: Option<Rgb>, variant: u32) -> Option<Look> {
        let v = variant as usize;
        let base = |size: f32, clothes: Rgb, legs: Rgb, parts: Vec<Part>| Look {
            size,
            build: 1.0 + 0.04 * ((v * 2) % 3) as f32 - 0.04,
            head: 1.0,
            parts,
            clothes: paint.unwrap_or(clothes),
            legs,
            skin: SKIN_TONES[v % SKIN_TONES.len()],
            accent: STEEL,
            hair: HAIR[v % HAIR.len()],
            shoes: [0.08, 0.06, 0.05],
            hair_style: (v % 4) as u8,
            rifle: false,
        };
        let varied = 1.0 + 0.025 * ((v * 3) % 5) as f32 - 0.05;
        Some(match kind {
            "crowd" => {
                let jeans = [[0.2, 0.2, 0.35], [0.12, 0.12, 0.14], [0.35, 0.3, 0.22]][v % 3];
                base(1.75 * varied, SHIRTS[v % SHIRTS.len()], jeans, Vec::new())
            }
            "musician" => {
                let shirt = [[0.1, 0.1, 0.1], [0.6, 0.1, 0.1], [0.9, 0.9, 0.9], [0.2, 0.2, 0.5]][v % 4];
                Look { accent: [0.75, 0.25, 0.1], ..base(1.8, shirt, [0.1, 0.1, 0.15], vec![Part::Instrument]) }
            }
            "knight" => {
                let armour = paint.unwrap_or(STEEL);
                Look {
                    accent: [0.6, 0.1, 0.1],
                    shoes: [0.3, 0.3, 0.32],
                    ..base(1.9, armour, armour, vec![Part::Helmet, Part::Shield, Part::Sword])
                }
            }
            "soldier" => {
                let uniform = paint.unwrap_or(KHAKI);
                Look { accent: [0.35, 0.36, 0.28], rifle: true, ..base(1.8 * varied, uniform, uniform, vec![Part::Helmet]) }
            }
            _ => return None,
        })
    }

    pub fn has(&self, part: Part) -> bool {
        self.parts.contains(&part)
    }

    /// What each hand carries (right, left): those arms are held forward.
    pub fn holding(&self) -> [bool; 2] {
        let right = self.rifle || [Part::Sword, Part::Spear, Part::Staff, Part::Torch, Part::Bow].iter().any(|p| self.has(*p));
        [right, self.has(Part::Shield)]
    }

    /// The rig's size: metres per metre of a 1.8 m person.
    pub fn scale(&self) -> f32 {
        self.size / 1.8
    }
}

/// Whether a form is built as a rigged person.
pub fn is_person(form: &Form) -> bool {
    form.family == Family::Humanoid
}

/// A built body: the lit mesh and what glows (a torch's flame), both skinned, in metres.
pub struct Body {
    pub solid: SkinnedGeometry,
    pub glow: SkinnedGeometry,
}

/// How far the head's centre is above the head joint (the top of the neck), per unit of
/// head size.
const HEAD_ABOVE_NECK: f32 = 0.088;

struct Builder<'a> {
    s: &'a Skeleton,
    look: &'a Look,
    detail: Detail,
    body: Body,
}

/// Builds `look` over `skeleton` (the skeleton's rest positions, in metres of a 1.8 m
/// person; the result is scaled to the look's size).
pub fn build(look: &Look, skeleton: &Skeleton, detail: Detail) -> Body {
    let mut b = Builder { s: skeleton, look, detail, body: Body { solid: SkinnedGeometry::default(), glow: SkinnedGeometry::default() } };
    b.trunk();
    for side in SIDES {
        b.leg(side);
        b.arm(side);
    }
    b.head();
    b.parts();
    let k = look.scale();
    b.body.solid.scale(k);
    b.body.glow.scale(k);
    b.body
}

fn smooth(x: f32) -> f32 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Weights along a chain of joints by height: joint `i` takes over from the one above at the
/// height given with it, blended over `band` either side.
fn chain(y: f32, joints: &[(Joint, f32)], band: f32) -> Influences {
    for i in (1..joints.len()).rev() {
        let (j, at) = joints[i];
        if y < at + band {
            return blend(joints[i - 1].0, j, smooth((at + band - y) / (2.0 * band)));
        }
    }
    only(joints[0].0)
}

impl Builder<'_> {
    fn near(&self) -> bool {
        self.detail == Detail::Near
    }

    fn sectors(&self) -> u32 {
        match self.detail {
            Detail::Near => 12,
            Detail::Mid => 6,
            Detail::Far => 4,
        }
    }

    /// Sectors and stacks of a small ellipsoid (hands, shoes) at this detail.
    fn small(&self, near: (u32, u32)) -> (u32, u32) {
        match self.detail {
            Detail::Near => near,
            Detail::Mid => (5, 3),
            Detail::Far => (4, 2),
        }
    }

    /// Pelvis to shoulders: an elliptical tube, trousers below the belt, clothes above;
    /// following the hips, spine and chest, and near the legs and shoulders those too.
    fn trunk(&mut self) {
        let w = self.look.build;
        let (dw, dd) = (w, 0.7 + 0.3 * w);
        let robe = self.look.has(Part::Robe);
        let (c, l) = (self.look.clothes, if robe { self.look.clothes } else { self.look.legs });
        let belt = 1.04;
        let rings: &[(f32, f32, f32)] = if self.near() {
            &[
                (0.83, 0.0, 0.0),
                (0.845, 0.1, 0.07),
                (0.88, 0.15, 0.1),
                (0.95, 0.168, 0.112),
                (belt, 0.163, 0.108),
                (belt, 0.163, 0.108),
                (1.12, 0.152, 0.1),
                (1.22, 0.163, 0.106),
                (1.32, 0.182, 0.116),
                (1.41, 0.19, 0.115),
                (1.47, 0.17, 0.095),
                (1.51, 0.1, 0.065),
                (1.52, 0.0, 0.0),
            ]
        } else {
            &[
                (0.82, 0.0, 0.0),
                (0.88, 0.15, 0.1),
                (belt, 0.163, 0.108),
                (belt, 0.163, 0.108),
                (1.3, 0.18, 0.115),
                (1.46, 0.18, 0.1),
                (1.52, 0.0, 0.0),
            ]
        };
        let mut seen_belt = false;
        let rings: Vec<Ring> = rings
            .iter()
            .map(|&(y, rx, rz)| {
                let above = y > belt || (y == belt && std::mem::replace(&mut seen_belt, true));
                Ring { at: y, rx: rx * dw, rz: rz * dd, color: if above { c } else { l } }
            })
            .collect();
        let s = self.s;
        let (spine, chest) = (s.at(Joint::Spine).y, s.at(Joint::Chest).y);
        let shoulder_x = s.at(Joint::UpperArmR).x;
        let weights = move |p: Vec3| -> Influences {
            let mut w = chain(p.y, &[(Joint::Hips, 0.0), (Joint::Spine, spine - 0.02), (Joint::Chest, chest + 0.02)], 0.06);
            let side = if p.x >= 0.0 { 1.0 } else { -1.0 };
            // The seat of the trousers goes with the thigh on its side.
            let thigh = smooth((0.94 - p.y) / 0.1) * smooth(p.x.abs() / 0.08) * 0.6;
            // The shoulders go with the upper arms.
            let shoulder = smooth((p.y - 1.36) / 0.08) * smooth((p.x.abs() - (shoulder_x - 0.08)) / 0.07) * 0.55;
            if thigh > 0.0 {
                w[2] = (leg(side)[0], thigh);
            }
            if shoulder > 0.0 {
                w[3] = (arm(side)[0], shoulder);
            }
            w
        };
        self.body.solid.tube(Vec3::ZERO, Vec3::Y, Vec3::X, &rings, self.sectors(), &weights);
    }

    fn leg(&mut self, side: f32) {
        let [hip, knee, ankle] = leg(side);
        let (x, w) = (self.s.at(hip).x, self.look.build.sqrt());
        let l = self.look.legs;
        let (ky, ay) = (self.s.at(knee).y, self.s.at(ankle).y);
        let rings: &[(f32, f32)] = if self.near() {
            &[
                (LEG_TOP + 0.06, 0.07),
                (LEG_TOP - 0.01, 0.088),
                (0.8, 0.078),
                (0.64, 0.064),
                (ky, 0.056),
                (0.4, 0.058),
                (0.24, 0.046),
                (0.12, 0.04),
                (0.1, 0.036),
            ]
        } else {
            &[(LEG_TOP + 0.04, 0.08), (ky, 0.058), (0.12, 0.042)]
        };
        let rings: Vec<Ring> = rings.iter().map(|&(y, r)| Ring { at: LEG_TOP + 0.08 - y, rx: r * w, rz: r * w, color: l }).collect();
        let joints = [(Joint::Hips, 0.0), (hip, LEG_TOP - 0.02), (knee, ky), (ankle, ay + 0.03)];
        let start = Vec3::new(x, LEG_TOP + 0.08, 0.0);
        self.body.solid.tube(start, Vec3::NEG_Y, Vec3::X, &rings, self.sectors(), &|p| chain(p.y, &joints, 0.05));
        // Shoe.
        let (sectors, stacks) = self.small((10, 6));
        self.body.solid.ellipsoid(
            Vec3::new(x * 1.02, ANKLE_Y - 0.03, -0.045),
            Vec3::new(0.052 * w, 0.055, 0.125),
            Quat::IDENTITY,
            sectors,
            stacks,
            self.look.shoes,
            only(ankle),
        );
    }

    fn arm(&mut self, side: f32) {
        let [shoulder, elbow, wrist] = arm(side);
        let w = self.look.build.sqrt();
        let (sp, ep, wp) = (self.s.at(shoulder), self.s.at(elbow), self.s.at(wrist));
        let c = self.look.clothes;
        // Rings as (fraction of the way shoulder → wrist, radius).
        let rings: &[(f32, f32)] = if self.near() {
            &[
                (-0.12, 0.0),
                (-0.1, 0.045),
                (-0.04, 0.06),
                (0.1, 0.058),
                (0.3, 0.05),
                (0.5, 0.045),
                (0.7, 0.042),
                (0.92, 0.034),
                (1.0, 0.032),
            ]
        } else {
            &[(-0.1, 0.0), (-0.02, 0.058), (0.5, 0.046), (1.0, 0.034)]
        };
        let top = sp + Vec3::Y * 0.02;
        let axis = (wp - top).normalize();
        let span = wp.distance(top);
        let skin = self.look.skin;
        let far = self.detail == Detail::Far;
        let mut rings: Vec<Ring> = rings.iter().map(|&(f, r)| Ring { at: f * span, rx: r * w, rz: r * w, color: c }).collect();
        if far {
            // No hands from afar: the sleeve ends in a fist.
            rings.extend([
                Ring { at: span + 0.01, rx: 0.036 * w, rz: 0.036 * w, color: skin },
                Ring { at: span + 0.13, rx: 0.0, rz: 0.0, color: skin },
            ]);
        }
        let joints = [(Joint::Chest, 0.0), (shoulder, sp.y + 0.07), (elbow, ep.y), (wrist, wp.y + 0.01)];
        self.body.solid.tube(top, axis, Vec3::X, &rings, self.sectors(), &|p| chain(p.y, &joints, 0.05));
        if far {
            return;
        }
        // A hand: a mitten, the thumb forward.
        let hand = wp + Vec3::new(side * 0.005, -0.075, -0.005);
        let (sectors, stacks) = self.small((8, 6));
        self.body.solid.ellipsoid(hand, Vec3::new(0.028 * w, 0.078, 0.046 * w), Quat::IDENTITY, sectors, stacks, skin, only(wrist));
        if self.near() {
            let thumb = wp + Vec3::new(side * -0.005, -0.05, -0.04);
            self.body.solid.ellipsoid(thumb, Vec3::new(0.014, 0.035, 0.016), Quat::from_rotation_x(0.5), 5, 3, skin, only(wrist));
        }
    }

    fn head(&mut self) {
        let h = self.look.head.clamp(0.5, 2.5);
        let skin = self.look.skin;
        let near = self.near();
        let head = self.s.at(Joint::Head);
        // The neck.
        if near {
            let rings: Vec<Ring> = [(1.44, 0.052), (1.52, 0.05), (1.58, 0.049), (1.64, 0.045)]
                .iter()
                .map(|&(y, r)| Ring { at: y - 1.44, rx: r * self.look.build.sqrt(), rz: r, color: skin })
                .collect();
            let joints = [(Joint::Chest, 0.0), (Joint::Neck, 1.53), (Joint::Head, head.y + 0.02)];
            self.body.solid.tube(Vec3::new(0.0, 1.44, 0.005), Vec3::Y, Vec3::X, &rings, 8, &|p| chain(p.y, &joints, 0.03));
        }
        let centre = Vec3::new(0.0, head.y + HEAD_ABOVE_NECK * h, -0.005);
        let r = Vec3::new(0.09, 0.115, 0.104) * h;
        let (sectors, stacks) = match self.detail {
            Detail::Near => (14, 10),
            Detail::Mid => (6, 4),
            Detail::Far => (5, 3),
        };
        let at_head = only(Joint::Head);
        self.body.solid.ellipsoid(centre, r, Quat::IDENTITY, sectors, stacks, skin, at_head);
        if near {
            // Jaw, nose, ears and eyes.
            self.body.solid.ellipsoid(
                centre + Vec3::new(0.0, -0.06, -0.03) * h,
                Vec3::new(0.066, 0.05, 0.07) * h,
                Quat::IDENTITY,
                10,
                5,
                skin,
                at_head,
            );
            self.body.solid.ellipsoid(
                centre + Vec3::new(0.0, -0.012, -0.1) * h,
                Vec3::new(0.015, 0.026, 0.022) * h,
                Quat::from_rotation_x(-0.3),
                6,
                4,
                skin,
                at_head,
            );
            for side in SIDES {
                self.body.solid.ellipsoid(
                    centre + Vec3::new(side * 0.089, -0.005, 0.005) * h,
                    Vec3::new(0.014, 0.028, 0.02) * h,
                    Quat::IDENTITY,
                    6,
                    4,
                    skin,
                    at_head,
                );
                self.body.solid.ellipsoid(
                    centre + Vec3::new(side * 0.034, 0.012, -0.091) * h,
                    Vec3::new(0.013, 0.01, 0.008) * h,
                    Quat::IDENTITY,
                    6,
                    3,
                    [0.06, 0.05, 0.05],
                    at_head,
                );
            }
        }
        let covered = self.look.has(Part::Helmet) || self.look.has(Part::Hood);
        if covered {
            return;
        }
        // Hair: a cap over the top and back of the head, and what the style adds.
        let hair = self.look.hair;
        let (sectors, stacks) = match self.detail {
            Detail::Near => (12, 7),
            Detail::Mid => (5, 3),
            Detail::Far => (4, 2),
        };
        let style = self.look.hair_style;
        let lift = if style == 3 { 0.01 } else { 0.025 };
        self.body.solid.ellipsoid(
            centre + Vec3::new(0.0, lift, 0.016) * h,
            r * Vec3::new(1.07, 1.0, 1.05),
            Quat::IDENTITY,
            sectors,
            stacks,
            hair,
            at_head,
        );
        match style {
            1 if self.detail != Detail::Far => {
                let at = centre + Vec3::new(0.0, -0.08, 0.06) * h;
                self.body.solid.ellipsoid(
                    at,
                    Vec3::new(0.085, 0.12, 0.06) * h,
                    Quat::IDENTITY,
                    sectors,
                    stacks,
                    hair,
                    blend(Joint::Head, Joint::Neck, 0.3),
                );
            }
            2 if near => {
                let at = centre + Vec3::new(0.0, 0.02, 0.12) * h;
                self.body.solid.ellipsoid(at, Vec3::splat(0.045) * h, Quat::IDENTITY, 8, 5, hair, at_head);
            }
            _ => {}
        }
    }

    /// A rigid part built by the model builder, following `w`.
    fn attach(&mut self, w: Influences, make: impl FnOnce(&mut ModelBuilder)) {
        let mut m = ModelBuilder::new(None);
        make(&mut m);
        self.body.solid.rigid(&m.solid, &Transform::IDENTITY, w);
        self.body.glow.rigid(&m.glow, &Transform::IDENTITY, w);
    }

    /// An item held upright in a fist (grip at the origin, +y up, -z forward) attached to the
    /// hand of `side`, placed so that it stands upright when the arm carries it.
    fn hold(&mut self, side: f32, make: impl FnOnce(&mut ModelBuilder)) {
        let wrist = arm(side)[2];
        let grip = self.s.at(wrist) + Vec3::new(0.0, -0.07, -0.01);
        let turn = Quat::from_rotation_x(-(CARRY_ELBOW + CARRY_FLEX).to_radians());
        let mut m = ModelBuilder::new(None);
        make(&mut m);
        let place = Transform { translation: grip, rotation: turn, scale: Vec3::ONE };
        self.body.solid.rigid(&m.solid, &place, only(wrist));
        self.body.glow.rigid(&m.glow, &place, only(wrist));
    }

    fn parts(&mut self) {
        let look = self.look.clone();
        let h = look.head.clamp(0.5, 2.5);
        let head = self.s.at(Joint::Head);
        let centre = Vec3::new(0.0, head.y + HEAD_ABOVE_NECK * h, -0.005);
        let hr = 0.112 * h;
        let top = centre + Vec3::Y * hr;
        let at_head = only(Joint::Head);
        let (accent, clothes, w) = (look.accent, look.clothes, look.build);
        if look.has(Part::Robe) {
            let rings: Vec<Ring> = [(1.06, 0.17), (0.8, 0.24), (0.4, 0.32), (0.06, 0.36), (0.05, 0.0)]
                .iter()
                .map(|&(y, r)| Ring { at: 1.06 - y, rx: r * w, rz: r * w * 0.85, color: clothes })
                .collect();
            let weights = |p: Vec3| {
                let side = if p.x >= 0.0 { 1.0 } else { -1.0 };
                let mut infl = only(Joint::Hips);
                infl[1] = (leg(side)[0], smooth((0.95 - p.y) / 0.6) * smooth(p.x.abs() / 0.2) * 0.5);
                infl
            };
            self.body.solid.tube(Vec3::new(0.0, 1.06, 0.0), Vec3::NEG_Y, Vec3::X, &rings, self.sectors() + 2, &weights);
        }
        if look.has(Part::Helmet) {
            let centre = centre + Vec3::Y * 0.02 * h;
            self.body.solid.ellipsoid(
                centre,
                Vec3::new(0.105, 0.12, 0.115) * h,
                Quat::IDENTITY,
                if self.near() { 12 } else { 6 },
                6,
                accent,
                at_head,
            );
        }
        if look.has(Part::Hood) {
            self.body.solid.ellipsoid(
                centre + Vec3::new(0.0, 0.01, 0.03) * h,
                Vec3::new(0.118, 0.135, 0.12) * h,
                Quat::IDENTITY,
                10,
                6,
                clothes,
                at_head,
            );
        }
        if look.has(Part::Crown) {
            self.attach(at_head, |m| {
                m.rod(hr * 0.85, hr * 0.55, (top + Vec3::Y * hr * 0.05).into(), Quat::IDENTITY, GOLD);
            });
        }
        if look.has(Part::Hat) {
            let robe = look.has(Part::Robe);
            self.attach(at_head, |m| {
                if robe {
                    m.cone(hr * 1.3, 0.45, (top - Vec3::Y * hr * 0.4).into(), accent);
                } else {
                    let brim = top - Vec3::Y * hr * 0.3;
                    m.rod(hr * 1.75, 0.02, brim.into(), Quat::IDENTITY, accent);
                    m.rod(hr * 0.95, 0.13, (brim + Vec3::Y * 0.065).into(), Quat::IDENTITY, accent);
                }
            });
        }
        if look.has(Part::Beard) {
            let beard = [0.8, 0.8, 0.78];
            self.attach(at_head, |m| {
                m.cone_turned(hr * 0.7, 0.26, (centre + Vec3::new(0.0, -0.14, -0.07) * h).into(), Quat::from_rotation_x(PI - 0.25), beard);
            });
        }
        if look.has(Part::Horns) {
            self.attach(at_head, |m| {
                for side in SIDES {
                    m.cone_turned(
                        hr * 0.25,
                        hr * 1.5,
                        (top + Vec3::new(side * hr * 0.7, -0.02, 0.0)).into(),
                        Quat::from_rotation_z(-side * 0.5),
                        accent,
                    );
                }
            });
        }
        if look.has(Part::Beak) {
            self.attach(at_head, |m| {
                m.cone_turned(
                    hr * 0.4,
                    hr * 1.2,
                    (centre + Vec3::new(0.0, -0.01, -hr * 1.3)).into(),
                    Quat::from_rotation_x(-FRAC_PI_2),
                    accent,
                );
            });
        }
        if look.has(Part::Crest) || look.has(Part::Spikes) {
            self.attach(at_head, |m| {
                m.tri(
                    (top + Vec3::new(0.0, 0.0, -0.1)).into(),
                    (top + Vec3::new(0.0, 0.25, 0.1)).into(),
                    (top + Vec3::new(0.0, -0.05, 0.2)).into(),
                    accent,
                );
            });
        }
        if look.has(Part::Cape) {
            let rings: Vec<Ring> = [(1.46, 0.17), (0.9, 0.27), (0.45, 0.3)]
                .iter()
                .map(|&(y, r)| Ring { at: 1.46 - y, rx: r * w, rz: 0.012, color: accent })
                .collect();
            let weights = |p: Vec3| chain(p.y, &[(Joint::Hips, 0.0), (Joint::Spine, 1.0), (Joint::Chest, 1.25)], 0.12);
            self.body.solid.tube(Vec3::new(0.0, 1.46, 0.15 * w.sqrt()), Vec3::NEG_Y, Vec3::X, &rings, 8, &weights);
        }
        if look.has(Part::Wings) {
            self.attach(only(Joint::Chest), |m| {
                for side in SIDES {
                    m.tri([side * 0.1, 1.3, 0.15], [side * 0.9, 1.9, 0.3], [side * 0.5, 0.6, 0.3], accent);
                }
            });
        }
        if look.has(Part::Tail) {
            self.attach(only(Joint::Hips), |m| {
                m.beam(0.05, [0.0, 0.9, 0.12], [0.0, 0.2, 0.7], clothes);
            });
        }
        if look.has(Part::Instrument) {
            // A guitar on a strap across the chest: the body at the right hip, the neck up to
            // the left (where the playing hands go).
            let chest = self.s.at(Joint::Chest);
            self.attach(only(Joint::Chest), |m| {
                let body = chest + Vec3::new(0.07, -0.3, -0.16);
                m.ball_turned([0.17, 0.21, 0.055], body.into(), Quat::from_rotation_z(0.9), accent);
                m.ball([0.05, 0.05, 0.02], (body + Vec3::new(0.0, 0.0, -0.05)).into(), BLACK);
                m.beam(0.024, (body + Vec3::new(-0.12, 0.07, -0.02)).into(), (chest + Vec3::new(-0.5, -0.02, -0.2)).into(), DARK_WOOD);
                m.block([0.07, 0.1, 0.03], (chest + Vec3::new(-0.54, 0.0, -0.2)).into(), DARK_WOOD);
            });
        }
        if look.rifle {
            self.hold(1.0, |m| {
                m.beam(0.028, [0.0, -0.3, 0.02], [0.0, 0.35, 0.0], DARK_WOOD);
                m.beam(0.014, [0.0, 0.3, 0.0], [0.0, 0.85, 0.0], IRON);
            });
        }
        if look.has(Part::Sword) {
            self.hold(1.0, |m| {
                m.block([0.16, 0.025, 0.03], [0.0, 0.05, 0.0], GOLD);
                m.block([0.045, 0.8, 0.012], [0.0, 0.46, -0.05], STEEL);
            });
        } else if look.has(Part::Spear) {
            self.hold(1.0, |m| {
                m.beam(0.018, [0.0, -0.85, 0.0], [0.0, 1.3, 0.0], DARK_WOOD);
                m.cone(0.045, 0.25, [0.0, 1.3, 0.0], STEEL);
            });
        } else if look.has(Part::Staff) {
            self.hold(1.0, |m| {
                m.beam(0.022, [0.0, -0.9, 0.0], [0.0, 0.9, 0.0], WOOD);
                m.layer(Layer::Glow).ball([0.06; 3], [0.0, 0.95, 0.0], accent).layer(Layer::Solid);
            });
        } else if look.has(Part::Torch) {
            self.hold(1.0, |m| {
                m.beam(0.022, [0.0, -0.08, 0.0], [0.0, 0.45, 0.0], DARK_WOOD);
                m.layer(Layer::Glow).ball([0.06, 0.11, 0.06], [0.0, 0.55, 0.0], [1.0, 0.6, 0.15]).layer(Layer::Solid);
            });
        } else if look.has(Part::Bow) {
            self.hold(1.0, |m| {
                m.beam(0.013, [0.0, 0.6, 0.1], [0.0, 0.0, -0.06], WOOD);
                m.beam(0.013, [0.0, 0.0, -0.06], [0.0, -0.6, 0.1], WOOD);
                m.beam(0.004, [0.0, 0.6, 0.1], [0.0, -0.6, 0.1], [0.9, 0.9, 0.85]);
            });
        }
        if look.has(Part::Shield) {
            self.hold(-1.0, |m| {
                m.rod(0.27, 0.04, [0.0, 0.08, -0.06], Quat::from_rotation_x(FRAC_PI_2), accent);
                m.ball([0.05, 0.05, 0.03], [0.0, 0.08, -0.09], GOLD);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look() -> Look {
        Look::handmade("crowd", None, 1).expect("crowds are hand-made people")
    }

    #[test]
    fn bodies_are_weighted_to_at_most_four_joints_with_weights_summing_to_one() {
        for kind in ["crowd", "musician", "knight", "soldier"] {
            for detail in Detail::ALL {
                let look = Look::handmade(kind, None, 2).expect("hand-made");
                let body = build(&look, &Skeleton::new(look.build), detail);
                for (p, joints, weights) in body.solid.vertices() {
                    assert!(p.is_finite());
                    assert!(joints.iter().all(|&j| (j as usize) < super::super::skeleton::JOINTS));
                    assert!((weights.iter().sum::<f32>() - 1.0).abs() < 1e-3, "{kind}: weights {weights:?}");
                }
            }
        }
    }

    #[test]
    fn the_far_body_is_a_fraction_of_the_near_one_and_both_are_person_sized() {
        let look = look();
        let s = Skeleton::new(look.build);
        let near = build(&look, &s, Detail::Near);
        let mid = build(&look, &s, Detail::Mid);
        let far = build(&look, &s, Detail::Far);
        assert!(far.solid.triangles() <= 200, "far body has {} triangles", far.solid.triangles());
        assert!(mid.solid.triangles() <= 350, "mid body has {} triangles", mid.solid.triangles());
        assert!(near.solid.triangles() <= 2500, "near body has {} triangles", near.solid.triangles());
        assert!(far.solid.triangles() * 4 < near.solid.triangles());
        let top = near.solid.vertices().map(|(p, _, _)| p.y).fold(f32::MIN, f32::max);
        let bottom = near.solid.vertices().map(|(p, _, _)| p.y).fold(f32::MAX, f32::min);
        assert!((top - look.size).abs() < 0.08 && bottom.abs() < 0.03, "spans {bottom}..{top} for {}", look.size);
    }

    #[test]
    fn hats_follow_the_head_and_swords_the_right_hand() {
        let mut look = look();
        look.parts = vec![Part::Hat, Part::Sword];
        let s = Skeleton::new(look.build);
        let body = build(&look, &s, Detail::Near);
        let bare = build(&Look { parts: Vec::new(), ..look.clone() }, &s, Detail::Near);
        let extra: Vec<_> = body.solid.vertices().skip(bare.solid.vertices().count()).collect();
        assert!(!extra.is_empty());
        let above_head = extra.iter().filter(|(p, _, _)| p.y > 1.75 * look.scale());
        assert!(above_head.clone().count() > 0);
        assert!(above_head.clone().all(|(_, j, w)| j[0] as usize == Joint::Head.index() && w[0] > 0.99));
        assert!(extra.iter().any(|(_, j, _)| j[0] as usize == Joint::HandR.index()));
    }
}
