//! Clips: what a person's joints do, as pure functions of time, so a snapshot at t shows what
//! a viewer sees at t. A clip is a body (what the legs and trunk do: stand, walk, sit…) and
//! hands (what the arms do: rest, talk, work, cheer…); [`choose`] picks one from what the
//! person is doing, how fast they move, the timeline's beats and their role, and [`sample`]
//! turns it into joint rotations at a moment. Feet and hands are placed by two-bone inverse
//! kinematics, so feet stay on the floor and strides match the speed.

use std::f32::consts::{PI, TAU};

use bevy::prelude::*;

use super::skeleton::{ANKLE_Y, HIP_Y, Joint, Pose, SIDES, Skeleton, arm, leg};
use crate::scene::Activity;

/// Below this ground speed (m/s) a person stands; above [`RUN_SPEED`] they run.
pub const MOVING_SPEED: f32 = 0.3;
pub const RUN_SPEED: f32 = 2.0;
/// A chair's seat height (m), for people told to sit with nothing under them.
pub const CHAIR_HEIGHT: f32 = 0.45;
/// How an arm that carries something is held (degrees): the upper arm a little forward, the
/// forearm level; what a hand carries is built to stand upright then.
pub const CARRY_FLEX: f32 = 12.0;
pub const CARRY_ELBOW: f32 = 70.0;

/// What the legs and trunk do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Body {
    Stand,
    Walk,
    Run,
    Sit,
    Lie,
    Crouch,
    /// Astride an animal.
    Ride,
    Swim,
    Fly,
    Dance,
    /// Bouncing on the spot (cheering), or landing from the jumps a cheer motion makes.
    Bounce,
}

/// What the arms and head do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hands {
    /// Hanging, or what the body's gait does with them (swinging when walking).
    Rest,
    Talk,
    Argue,
    /// Busy at what is in front of them (a desk, a bed, a stove).
    Work,
    Wait,
    Cheer,
    /// Strumming what they carry.
    Guitar,
    /// Playing keys or drums in front of them.
    Keys,
    Dance,
    Row,
    /// Covering the head (an earthquake).
    Cover,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Clip {
    pub body: Body,
    pub hands: Hands,
}

impl Clip {
    pub const fn new(body: Body, hands: Hands) -> Clip {
        Clip { body, hands }
    }
}

/// What the timeline says right now about this person.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Beats {
    /// A `cheer` beat names their entity and is under way.
    pub cheer: bool,
    /// The ground shakes (a `shake` beat is under way).
    pub shake: bool,
}

/// What they stand, sit or lie on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Support {
    #[default]
    Ground,
    /// Something with a seat, deck or mattress (a chair, a bed, a stage).
    Deck,
    /// An animal they ride.
    Mount,
    /// A boat they may row.
    Boat,
}

/// Who they are, as far as a clip cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Role {
    /// They carry an instrument.
    pub instrument: bool,
    /// Dancers, ballerinas, acrobats.
    pub dancer: bool,
    /// Their motion is a cheer (crowds at a concert).
    pub cheers: bool,
    pub support: Support,
    /// In the water (swimmers, divers).
    pub swims: bool,
    /// Winged and in the sky.
    pub flies: bool,
}

/// The clip for a person doing `activity` (when the scene says), moving over the ground at
/// `speed` m/s, under the timeline's `beats`, in `role`. Moving wins over what they were told
/// to do (a nurse told to walk walks while her path moves her, and stands when it does not);
/// a shake makes everyone crouch who is not lying down; a cheer beat makes its crowd cheer.
pub fn choose(activity: Option<Activity>, speed: f32, beats: Beats, role: &Role) -> Clip {
    use Activity as A;
    if role.swims {
        return Clip::new(Body::Swim, Hands::Rest);
    }
    if role.flies {
        return Clip::new(Body::Fly, Hands::Rest);
    }
    let lying = activity == Some(A::Lie);
    if beats.shake && !lying {
        return Clip::new(Body::Crouch, Hands::Cover);
    }
    let riding = role.support == Support::Mount;
    if speed > MOVING_SPEED && !riding {
        let body = if speed > RUN_SPEED { Body::Run } else { Body::Walk };
        let hands = match activity {
            Some(A::Talk) => Hands::Talk,
            Some(A::Argue) => Hands::Argue,
            Some(A::Play) if role.instrument => Hands::Guitar,
            _ => Hands::Rest,
        };
        return Clip::new(body, hands);
    }
    if beats.cheer {
        let body = if matches!(activity, Some(A::Sit)) || riding { Body::Sit } else { Body::Bounce };
        return Clip::new(if riding { Body::Ride } else { body }, Hands::Cheer);
    }
    let seated = role.support == Support::Deck;
    let at_rest = if riding { Body::Ride } else { Body::Stand };
    let play = if role.instrument { Hands::Guitar } else { Hands::Keys };
    match activity {
        Some(A::Sit) => Clip::new(if riding { Body::Ride } else { Body::Sit }, Hands::Rest),
        Some(A::Lie) => Clip::new(Body::Lie, Hands::Rest),
        Some(A::Work) => Clip::new(if seated { Body::Sit } else { at_rest }, Hands::Work),
        Some(A::Talk) => Clip::new(at_rest, Hands::Talk),
        Some(A::Argue) => Clip::new(at_rest, Hands::Argue),
        Some(A::Wait) => Clip::new(at_rest, Hands::Wait),
        Some(A::Cheer) => Clip::new(Body::Bounce, Hands::Cheer),
        Some(A::Play) => Clip::new(at_rest, play),
        Some(A::Dance) => Clip::new(Body::Dance, Hands::Dance),
        Some(A::Crouch) => Clip::new(Body::Crouch, Hands::Rest),
        Some(A::Stand | A::Walk | A::Run) => Clip::new(at_rest, Hands::Rest),
        None if riding => Clip::new(Body::Ride, Hands::Rest),
        None if role.support == Support::Boat => Clip::new(Body::Sit, Hands::Row),
        None if role.instrument => Clip::new(if role.cheers { Body::Bounce } else { Body::Stand }, Hands::Guitar),
        None if role.dancer => Clip::new(Body::Dance, Hands::Dance),
        None if role.cheers => Clip::new(Body::Bounce, Hands::Cheer),
        None => Clip::new(Body::Stand, Hands::Rest),
    }
}

/// One moment of one person: the time and what varies between people.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moment {
    /// Scenario seconds.
    pub t: f32,
    /// 0..1: where in their cycles this person is (a crowd does not move as one).
    pub phase: f32,
    /// Around 1: how fast this person does things.
    pub rate: f32,
    /// 0..3: which variant of a clip (arms up or clapping, hands clasped or crossed).
    pub style: u8,
    /// Ground speed in metres of a 1.8 m person per second (strides match it).
    pub speed: f32,
    /// 0..1: how high the cheer jump the instance makes is now; none when it does not jump.
    pub hop: Option<f32>,
    /// The seat's height above the base (0 when they sit on the deck they are placed on).
    pub seat: f32,
    /// The floor's height relative to the base (below zero when placed on a deck).
    pub floor: f32,
    /// Where the middle of what they lie on is, in the model's x and z.
    pub centre: Vec2,
    /// Whether the right and the left hand carry something (a sword, a shield): those arms
    /// are held forward when they have nothing else to do.
    pub holding: [bool; 2],
}

impl Moment {
    pub fn at(t: f32) -> Moment {
        Moment {
            t,
            phase: 0.0,
            rate: 1.0,
            style: 0,
            speed: 0.0,
            hop: None,
            seat: CHAIR_HEIGHT,
            floor: 0.0,
            centre: Vec2::ZERO,
            holding: [false; 2],
        }
    }

    /// Local time: scaled by the person's rate and shifted by their phase.
    fn time(&self) -> f32 {
        self.t * self.rate + self.phase * 37.0
    }
}

/// The pose of `clip` at `m` for `skeleton`.
pub fn sample(clip: Clip, m: &Moment, skeleton: &Skeleton) -> Pose {
    let mut p = Poser { s: skeleton, pose: Pose::rest(skeleton) };
    let t = m.time();
    let gait = match clip.body {
        Body::Stand => {
            p.stand(t, m.style);
            None
        }
        Body::Walk => Some(p.gait(m, false)),
        Body::Run => Some(p.gait(m, true)),
        Body::Sit => {
            p.sit(m);
            None
        }
        Body::Lie => {
            p.lie(t, m);
            None
        }
        Body::Crouch => {
            p.crouch(t);
            None
        }
        Body::Ride => {
            p.ride(t, m);
            None
        }
        Body::Swim => {
            p.swim(t);
            return p.pose;
        }
        Body::Fly => {
            p.fly(t);
            return p.pose;
        }
        Body::Dance => {
            p.dance(t, m.style);
            None
        }
        Body::Bounce => {
            p.bounce(t, m.hop);
            None
        }
    };
    let seated = matches!(clip.body, Body::Sit | Body::Ride);
    match clip.hands {
        Hands::Rest => {
            match gait {
                Some((swing, run)) => p.swing_arms(swing, run),
                None if seated => p.hands_on_lap(),
                None if clip.body == Body::Lie => p.arms_at_sides(t, m.style),
                None => p.hang_arms(t),
            }
            if clip.body != Body::Lie {
                p.carry(m.holding);
            }
        }
        Hands::Talk => p.talk(t, m.style, false),
        Hands::Argue => p.talk(t, m.style, true),
        Hands::Work => p.work(t, seated),
        Hands::Wait => p.wait(t, m.style),
        Hands::Cheer => p.cheer(t, m.style),
        Hands::Guitar => p.guitar(t),
        Hands::Keys => p.keys(t, seated),
        Hands::Dance => p.dance_arms(t, m.style),
        Hands::Row => p.row(t),
        Hands::Cover => p.cover(t),
    }
    p.pose
}

fn rx(deg: f32) -> Quat {
    Quat::from_rotation_x(deg.to_radians())
}
fn ry(deg: f32) -> Quat {
    Quat::from_rotation_y(deg.to_radians())
}
fn rz(deg: f32) -> Quat {
    Quat::from_rotation_z(deg.to_radians())
}
fn wave(t: f32, hz: f32) -> f32 {
    (t * hz * TAU).sin()
}
fn smooth(x: f32) -> f32 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Builds a pose joint by joint.
struct Poser<'a> {
    s: &'a Skeleton,
    pose: Pose,
}

impl Poser<'_> {
    fn set(&mut self, j: Joint, q: Quat) {
        self.pose.rotation[j.index()] = q;
    }

    /// Model-space rotation and position of a joint under the pose so far.
    fn world(&self, j: Joint) -> (Quat, Vec3) {
        match j.parent() {
            None => (self.pose.rotation[j.index()], self.pose.hips),
            Some(p) => {
                let (pr, pp) = self.world(p);
                (pr * self.pose.rotation[j.index()], pp + pr * self.s.offset(j))
            }
        }
    }

    /// Model-space position of a point given in a joint's frame.
    fn point(&self, j: Joint, local: Vec3) -> Vec3 {
        let (r, p) = self.world(j);
        p + r * local
    }

    /// Points a two-bone limb's end at `target` (model space), bending its middle joint
    /// towards `pole`.
    fn reach(&mut self, limb: [Joint; 3], target: Vec3, pole: Vec3) {
        let [root, mid, end] = limb;
        let (parent_rot, _) = root.parent().map_or((Quat::IDENTITY, Vec3::ZERO), |p| self.world(p));
        let (_, start) = self.world(root);
        let (o1, o2) = (self.s.offset(mid), self.s.offset(end));
        let (l1, l2) = (o1.length(), o2.length());
        let to = target - start;
        let d = to.length().clamp((l1 - l2).abs() + 1e-3, l1 + l2 - 1e-3);
        let dir = to.normalize_or(Vec3::NEG_Y);
        let cos_a = ((l1 * l1 + d * d - l2 * l2) / (2.0 * l1 * d)).clamp(-1.0, 1.0);
        let side = (pole - dir * pole.dot(dir)).normalize_or(dir.any_orthonormal_vector());
        let knee = start + (dir * cos_a + side * (1.0 - cos_a * cos_a).sqrt()) * l1;
        let end_at = start + dir * d;
        let upper = Quat::from_rotation_arc((parent_rot * o1).normalize(), (knee - start).normalize()) * parent_rot;
        let lower = Quat::from_rotation_arc((upper * o2).normalize(), (end_at - knee).normalize()) * upper;
        self.set(root, parent_rot.inverse() * upper);
        self.set(mid, upper.inverse() * lower);
    }

    /// Turns a joint so that its model-space rotation is `q`.
    fn aim(&mut self, j: Joint, q: Quat) {
        let parent = j.parent().map_or(Quat::IDENTITY, |p| self.world(p).0);
        self.set(j, parent.inverse() * q);
    }

    /// The hips' heading alone (no tilt), for feet that stay flat.
    fn heading(&self) -> Quat {
        let (yaw, _, _) = self.pose.rotation[Joint::Hips.index()].to_euler(EulerRot::YXZ);
        Quat::from_rotation_y(yaw)
    }

    /// Plants a foot at `at` (the ankle, model space), flat or with its toes pitched.
    fn foot(&mut self, side: f32, at: Vec3, toe_pitch: f32) {
        let [hip, knee, ankle] = leg(side);
        let pole = self.heading() * Vec3::new(side * 0.15, 0.0, -1.0);
        self.reach([hip, knee, ankle], at, pole);
        let level = self.heading() * rx(toe_pitch);
        self.aim(ankle, level);
    }

    fn rest_foot(&self, side: f32) -> Vec3 {
        self.s.at(leg(side)[2])
    }

    /// Chest, neck and head: breathing, and a look about.
    fn breathe(&mut self, t: f32, look: f32) {
        let b = wave(t, 0.24);
        self.set(Joint::Chest, rx(-1.2 * b));
        let yaw = look * (12.0 * wave(t, 0.07) + 5.0 * wave(t + 3.1, 0.19));
        self.set(Joint::Head, ry(yaw) * rx(2.0 * wave(t + 1.3, 0.11)));
    }

    fn stand(&mut self, t: f32, style: u8) {
        let w = wave(t, 0.09) * (0.6 + 0.2 * style as f32);
        self.pose.hips += Vec3::new(0.025 * w, -0.012 - 0.01 * w.abs(), 0.0);
        self.set(Joint::Hips, rz(2.5 * w) * ry(4.0 * wave(t + 2.0, 0.05)));
        self.set(Joint::Spine, rz(-2.0 * w));
        self.breathe(t, 1.0);
        let spread = 0.02 * style as f32;
        for side in SIDES {
            let at = self.rest_foot(side) + Vec3::new(side * spread, 0.0, -0.02 * side * (style % 2) as f32);
            self.foot(side, at, 0.0);
        }
    }

    /// Walking or running at the moment's speed: feet step along the ground (stance moving
    /// back at the speed, swing lifting forward), the hips as high as the feet allow. Returns
    /// the right foot's swing (-1 back … 1 forward) for the arms.
    fn gait(&mut self, m: &Moment, run: bool) -> (f32, bool) {
        let v = m.speed.max(0.5);
        let (hz, duty, lift) = if run { (1.25 + 0.12 * v, 0.38, 0.22) } else { (0.75 + 0.3 * v.min(2.0), 0.6, 0.1) };
        let hz = hz * m.rate.sqrt();
        let travel = v * duty / hz;
        let cycle = m.t * hz + m.phase;
        let lean = if run { -10.0 } else { -2.0 };
        let (mut feet, mut swing_r) = ([Vec3::ZERO; 2], 0.0);
        for (k, side) in SIDES.into_iter().enumerate() {
            let u = (cycle + 0.5 * k as f32).rem_euclid(1.0);
            let rest = self.rest_foot(side);
            let (z, y) = if u < duty {
                ((u / duty - 0.5) * travel, 0.0)
            } else {
                let q = (u - duty) / (1.0 - duty);
                ((0.5 - smooth(q)) * travel, lift * (q * PI).sin() * if run { 2.0 - q } else { 1.0 })
            };
            feet[k] = Vec3::new(rest.x * 0.9, ANKLE_Y + y, z);
            if side > 0.0 {
                swing_r = -z / (travel * 0.5).max(1e-3);
            }
        }
        // The hips as high as a planted foot at the end of its stride allows, rising at
        // mid-stance when walking and in the flight between steps when running.
        let leg_len = 0.97 * (self.s.offset(leg(1.0)[1]).length() + self.s.offset(leg(1.0)[2]).length());
        let height = |dz: f32| ANKLE_Y + (leg_len * leg_len - dz * dz).max(0.0).sqrt() + HIP_Y - self.s.at(leg(1.0)[0]).y;
        let (low, high) = (height(travel * 0.5), height(0.0));
        let hips = if run {
            low + 0.05 * (0.5 - 0.5 * ((cycle - duty / 2.0) * 2.0 * TAU).cos())
        } else {
            low + (high - low) * (0.5 - 0.5 * ((cycle - (duty - 0.5) / 2.0) * 2.0 * TAU).cos())
        };
        // Never higher than every planted foot can reach: a stretched leg would drag its foot
        // along the floor (skating).
        let planted = feet.iter().filter(|f| f.y <= ANKLE_Y + 1e-4).map(|f| height(f.z)).fold(f32::MAX, f32::min);
        let hips = hips.min(planted);
        let twist = 5.0 * swing_r;
        self.pose.hips.y = hips.min(HIP_Y) - 0.01;
        self.set(Joint::Hips, ry(twist) * rx(lean));
        self.set(Joint::Spine, ry(-twist * 1.6) * rx(lean * 0.3));
        self.set(Joint::Chest, ry(-twist * 0.5));
        self.aim(Joint::Head, ry(2.0 * wave(m.t + m.phase * 9.0, 0.1)));
        for (k, side) in SIDES.into_iter().enumerate() {
            let toe = if feet[k].y > ANKLE_Y + 0.01 { if run { -25.0 } else { -12.0 } } else { 0.0 };
            self.foot(side, feet[k], toe);
        }
        (swing_r, run)
    }

    fn swing_arms(&mut self, swing_r: f32, run: bool) {
        for side in SIDES {
            let s = if side > 0.0 { -swing_r } else { swing_r };
            let (flex, elbow) = if run { (35.0 * s + 5.0, 85.0) } else { (22.0 * s, 12.0 + 8.0 * s.max(0.0)) };
            let [shoulder, elbow_j, hand] = arm(side);
            self.set(shoulder, rz(side * 6.0) * rx(flex));
            self.set(elbow_j, rx(elbow));
            self.set(hand, Quat::IDENTITY);
        }
    }

    fn carry(&mut self, holding: [bool; 2]) {
        for (side, holds) in SIDES.into_iter().zip(holding) {
            if holds {
                let [shoulder, elbow, hand] = arm(side);
                self.set(shoulder, rx(CARRY_FLEX));
                self.set(elbow, rx(CARRY_ELBOW));
                self.set(hand, Quat::IDENTITY);
            }
        }
    }

    fn hang_arms(&mut self, t: f32) {
        for side in SIDES {
            let [shoulder, elbow, _] = arm(side);
            self.set(shoulder, rz(side * 5.0) * rx(3.0 + 2.0 * wave(t + side, 0.2)));
            self.set(elbow, rx(10.0));
        }
    }

    fn arms_at_sides(&mut self, t: f32, style: u8) {
        for side in SIDES {
            let [shoulder, elbow, _] = arm(side);
            let folded = style % 2 == 1 && side < 0.0;
            self.set(shoulder, rz(side * 8.0) * rx(if folded { 25.0 } else { 2.0 }));
            self.set(elbow, rx(if folded { 95.0 } else { 8.0 + 2.0 * wave(t, 0.24) }));
        }
    }

    /// Hands towards `target`, elbows out and back.
    fn hand_to(&mut self, side: f32, target: Vec3) {
        let pole = self.heading() * Vec3::new(side * 0.6, -0.4, 0.7);
        self.reach(arm(side), target, pole);
    }

    /// A point in front of the chest: x right, y up, z forward (positive), model frame
    /// turned with the hips.
    fn front(&self, x: f32, y: f32, forward: f32) -> Vec3 {
        let base = Vec3::new(self.pose.hips.x, 0.0, self.pose.hips.z);
        base + self.heading() * Vec3::new(x, y, -forward)
    }

    fn hands_on_lap(&mut self) {
        let seat = self.pose.hips.y - 0.09;
        for side in SIDES {
            let target = self.front(side * 0.15, seat + 0.2, 0.3);
            self.hand_to(side, target);
        }
    }

    fn sit(&mut self, m: &Moment) {
        let t = m.time();
        let seat = m.seat;
        self.pose.hips = Vec3::new(0.0, seat + 0.09, 0.05);
        self.set(Joint::Hips, rx(4.0));
        self.set(Joint::Spine, rx(-4.0 + 1.5 * wave(t, 0.05)));
        self.breathe(t, 0.8);
        for side in SIDES {
            let rest = self.rest_foot(side);
            let at = Vec3::new(rest.x * 1.3, m.floor + ANKLE_Y, -0.42 + 0.04 * wave(t + side * 3.0, 0.03));
            self.foot(side, at, 0.0);
        }
    }

    fn lie(&mut self, t: f32, m: &Moment) {
        self.pose.hips = Vec3::new(m.centre.x, 0.13, m.centre.y + 0.05);
        self.set(Joint::Hips, rx(90.0));
        self.set(Joint::Chest, rx(-1.5 * wave(t, 0.22)));
        self.set(Joint::Neck, rx(-12.0));
        self.set(Joint::Head, ry(10.0 * wave(t, 0.02)));
        if m.style % 2 == 1 {
            let [hip, knee, _] = leg(1.0);
            self.set(hip, rx(40.0));
            self.set(knee, rx(-75.0));
        }
        for side in SIDES {
            let ankle = leg(side)[2];
            self.set(ankle, rx(-15.0));
        }
    }

    fn crouch(&mut self, t: f32) {
        let tremble = 0.8 * wave(t, 5.3);
        self.pose.hips = Vec3::new(0.0, 0.52, 0.1);
        self.set(Joint::Hips, rx(-38.0 + tremble));
        self.set(Joint::Spine, rx(-15.0));
        self.set(Joint::Chest, rx(-8.0));
        self.set(Joint::Neck, rx(25.0));
        for side in SIDES {
            let rest = self.rest_foot(side);
            self.foot(side, Vec3::new(rest.x * 1.4, ANKLE_Y, -0.05), 0.0);
        }
        self.hang_arms(t);
    }

    fn ride(&mut self, t: f32, m: &Moment) {
        self.pose.hips = Vec3::new(0.0, m.seat + 0.12 + 0.015 * wave(t, 1.6).abs(), 0.0);
        self.set(Joint::Hips, rx(6.0));
        self.breathe(t, 0.7);
        for side in SIDES {
            self.foot(side, Vec3::new(side * 0.3, m.seat - 0.48, -0.12), 0.0);
        }
    }

    fn swim(&mut self, t: f32) {
        self.pose.hips = Vec3::new(0.0, 0.35, 0.35);
        self.set(Joint::Hips, rx(-90.0) * rz(8.0 * wave(t, 0.55)));
        self.set(Joint::Neck, rx(30.0));
        for side in SIDES {
            let [shoulder, elbow, _] = arm(side);
            let a = (t * 0.55 + if side > 0.0 { 0.0 } else { 0.5 }).rem_euclid(1.0) * 360.0;
            self.set(shoulder, rz(side * 12.0) * rx(-a));
            self.set(elbow, rx(20.0 + 25.0 * (a.to_radians()).sin().max(0.0)));
            let [hip, knee, _] = leg(side);
            let kick = wave(t + if side > 0.0 { 0.0 } else { 0.33 }, 1.5);
            self.set(hip, rx(12.0 * kick));
            self.set(knee, rx(-15.0 - 12.0 * kick.max(0.0)));
        }
    }

    fn fly(&mut self, t: f32) {
        self.pose.hips = Vec3::new(0.0, 0.6 + 0.05 * wave(t, 0.4), 0.3);
        self.set(Joint::Hips, rx(-80.0));
        self.set(Joint::Neck, rx(45.0));
        for side in SIDES {
            let [shoulder, elbow, _] = arm(side);
            self.set(shoulder, rz(side * 10.0) * rx(170.0 + 4.0 * wave(t + side, 0.5)));
            self.set(elbow, rx(5.0));
            let [hip, knee, _] = leg(side);
            self.set(hip, rx(-5.0 + 4.0 * wave(t + side, 0.7)));
            self.set(knee, rx(-10.0));
        }
    }

    fn dance(&mut self, t: f32, style: u8) {
        let beat = t * (1.0 + 0.1 * style as f32);
        let b = (beat * TAU).sin();
        self.pose.hips += Vec3::new(0.07 * b, -0.05 - 0.035 * (beat * TAU).cos().abs(), 0.0);
        self.set(Joint::Hips, ry(18.0 * wave(beat, 0.5)) * rz(7.0 * b));
        self.set(Joint::Spine, rz(-9.0 * b));
        self.set(Joint::Chest, rz(-4.0 * b));
        self.aim(Joint::Head, self.heading() * rx(6.0 * (beat * 2.0 * TAU).sin()));
        for (k, side) in SIDES.into_iter().enumerate() {
            let rest = self.rest_foot(side);
            let away = if k == 0 { -b } else { b };
            let lift = 0.07 * away.max(0.0);
            self.foot(side, Vec3::new(rest.x * 1.6, ANKLE_Y + lift, -0.05 * away), -20.0 * away.max(0.0));
        }
    }

    /// Bouncing to the music; with a cheer motion the whole person already jumps, so the
    /// knees bend as they land and straighten in the air.
    fn bounce(&mut self, t: f32, hop: Option<f32>) {
        let dip = match hop {
            Some(h) => 0.1 * (1.0 - h.clamp(0.0, 1.0)).powi(3),
            None => 0.06 * wave(t, 1.1).abs(),
        };
        self.pose.hips.y -= 0.015 + dip;
        self.set(Joint::Hips, rx(-3.0));
        self.breathe(t, 0.3);
        for side in SIDES {
            let rest = self.rest_foot(side);
            self.foot(side, Vec3::new(rest.x * 1.25, ANKLE_Y, -0.03), 0.0);
        }
    }

    fn talk(&mut self, t: f32, style: u8, angry: bool) {
        let (hz, size) = if angry { (1.3, 1.8) } else { (0.7, 1.0) };
        self.breathe(t, 0.4);
        let nod = if angry { ry(14.0 * wave(t, 1.7)) * rx(-6.0) } else { rx(5.0 * wave(t, 0.8)) };
        let head = self.pose.rotation[Joint::Head.index()];
        self.set(Joint::Head, head * nod);
        if angry {
            self.set(Joint::Spine, self.pose.rotation[Joint::Spine.index()] * rx(-7.0));
        }
        for side in SIDES {
            let busy = side > 0.0 || angry || style % 2 == 1;
            if !busy {
                let [shoulder, elbow, _] = arm(side);
                self.set(shoulder, rz(side * 6.0) * rx(4.0));
                self.set(elbow, rx(12.0));
                continue;
            }
            let p = t + side * 0.37;
            let target = self.front(
                side * (0.2 + 0.05 * size * wave(p, hz)),
                1.12 + 0.07 * size * wave(p + 0.4, hz * 1.3) + if angry { 0.12 } else { 0.0 },
                0.3 + 0.05 * size * wave(p + 0.9, hz * 0.8),
            );
            self.hand_to(side, target);
        }
    }

    fn work(&mut self, t: f32, seated: bool) {
        self.breathe(t, 0.2);
        self.set(Joint::Neck, rx(-14.0));
        self.set(Joint::Head, rx(-10.0 + 3.0 * wave(t, 0.13)));
        if !seated {
            self.set(Joint::Spine, self.pose.rotation[Joint::Spine.index()] * rx(-7.0));
        }
        let height = if seated { self.pose.hips.y - 0.09 + 0.33 } else { 0.98 };
        for side in SIDES {
            let p = t * 1.1 + if side > 0.0 { 0.0 } else { 0.45 };
            let target = self.front(side * 0.17 + 0.04 * wave(p, 0.6), height + 0.03 * wave(p, 1.2).abs(), 0.4 + 0.04 * wave(p + 0.2, 0.6));
            self.hand_to(side, target);
        }
    }

    fn wait(&mut self, t: f32, style: u8) {
        match style {
            0 => {
                for side in SIDES {
                    let target = self.front(side * 0.04, 0.9, 0.14);
                    self.hand_to(side, target);
                }
            }
            1 => {
                for side in SIDES {
                    let target = self.front(side * 0.05, 0.98, -0.16);
                    let pole = self.heading() * Vec3::new(side, -0.5, 0.2);
                    self.reach(arm(side), target, pole);
                }
            }
            2 => {
                for side in SIDES {
                    let target = self.front(-side * 0.14, 1.17 - 0.02 * side, 0.16);
                    let pole = self.heading() * Vec3::new(side, -0.8, 0.0);
                    self.reach(arm(side), target, pole);
                }
            }
            _ => {
                let phone = self.front(0.04, 1.13, 0.3);
                self.hand_to(1.0, phone);
                self.hand_to(-1.0, self.front(-0.06, 1.1, 0.3));
                self.set(Joint::Neck, rx(-20.0));
                self.set(Joint::Head, rx(-15.0 + 3.0 * wave(t, 0.1)));
            }
        }
    }

    fn cheer(&mut self, t: f32, style: u8) {
        let pump = wave(t, 1.6);
        match style {
            0 | 3 => {
                let sway = if style == 3 { 25.0 * wave(t, 0.7) } else { 0.0 };
                for side in SIDES {
                    let [shoulder, elbow, _] = arm(side);
                    self.set(shoulder, rz(side * 28.0 + sway) * rx(150.0 + 12.0 * pump));
                    self.set(elbow, rx(15.0 + 25.0 * pump.max(0.0)));
                }
            }
            1 => {
                let [shoulder, elbow, _] = arm(1.0);
                self.set(shoulder, rz(15.0) * rx(155.0 + 18.0 * pump));
                self.set(elbow, rx(25.0 + 45.0 * pump.max(0.0)));
                let [shoulder, elbow, _] = arm(-1.0);
                self.set(shoulder, rz(-40.0) * rx(120.0 + 10.0 * wave(t + 0.3, 0.9)));
                self.set(elbow, rx(30.0));
            }
            _ => {
                let (_, head) = self.world(Joint::Head);
                let clap = (t * 2.2 * TAU).sin().abs();
                for side in SIDES {
                    let target = Vec3::new(side * (0.03 + 0.12 * clap), head.y + 0.42, head.z - 0.15);
                    let pole = self.heading() * Vec3::new(side, 0.0, 0.3);
                    self.reach(arm(side), target, pole);
                }
            }
        }
        let head = self.pose.rotation[Joint::Head.index()];
        self.set(Joint::Head, head * rx(12.0 + 5.0 * pump));
    }

    fn guitar(&mut self, t: f32) {
        self.breathe(t, 0.3);
        let strum = wave(t, 2.2);
        let (_, chest) = self.world(Joint::Chest);
        let neck_hand = self.point(Joint::Chest, Vec3::new(-0.42, -0.08, -0.25)).with_y(chest.y - 0.08);
        let strum_hand = self.point(Joint::Chest, Vec3::new(0.08, -0.3 + 0.05 * strum, -0.2));
        self.hand_to(-1.0, neck_hand);
        self.hand_to(1.0, strum_hand);
        self.set(Joint::Neck, rx(-10.0));
    }

    fn keys(&mut self, t: f32, seated: bool) {
        self.breathe(t, 0.2);
        let height = if seated { self.pose.hips.y + 0.28 } else { 1.0 };
        for side in SIDES {
            let p = t + if side > 0.0 { 0.0 } else { 0.31 };
            let target = self.front(side * (0.2 + 0.08 * wave(p, 0.35)), height + 0.025 * wave(p, 3.0).abs(), 0.42);
            self.hand_to(side, target);
        }
        self.set(Joint::Neck, rx(-12.0));
    }

    fn dance_arms(&mut self, t: f32, style: u8) {
        let beat = t * (1.0 + 0.1 * style as f32);
        for side in SIDES {
            let [shoulder, elbow, _] = arm(side);
            let b = ((beat + if side > 0.0 { 0.0 } else { 0.5 }) * TAU).sin();
            match style % 3 {
                0 => {
                    self.set(shoulder, rz(side * (35.0 + 20.0 * b)) * rx(100.0 + 50.0 * b));
                    self.set(elbow, rx(30.0 + 20.0 * b.abs()));
                }
                1 => {
                    self.set(shoulder, rz(side * 20.0) * rx(40.0 + 30.0 * b));
                    self.set(elbow, rx(95.0));
                }
                _ => {
                    self.set(shoulder, rz(side * (70.0 + 15.0 * b)) * rx(10.0));
                    self.set(elbow, rx(20.0));
                }
            }
        }
    }

    fn row(&mut self, t: f32) {
        let stroke = 0.5 - 0.5 * (t * 0.5 * TAU).cos();
        self.set(Joint::Spine, rx(-22.0 + 34.0 * stroke));
        let seat = self.pose.hips.y - 0.09;
        for side in SIDES {
            let target = self.front(side * 0.2, seat + 0.35, 0.6 - 0.45 * stroke);
            self.hand_to(side, target);
        }
    }

    fn cover(&mut self, t: f32) {
        for side in SIDES {
            let target = self.point(Joint::Head, Vec3::new(side * 0.09, 0.14, 0.04 + 0.01 * wave(t, 4.0)));
            let pole = self.heading() * Vec3::new(side, 0.0, -1.0);
            self.reach(arm(side), target, pole);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_BODIES: [Body; 11] = [
        Body::Stand,
        Body::Walk,
        Body::Run,
        Body::Sit,
        Body::Lie,
        Body::Crouch,
        Body::Ride,
        Body::Swim,
        Body::Fly,
        Body::Dance,
        Body::Bounce,
    ];
    const ALL_HANDS: [Hands; 11] = [
        Hands::Rest,
        Hands::Talk,
        Hands::Argue,
        Hands::Work,
        Hands::Wait,
        Hands::Cheer,
        Hands::Guitar,
        Hands::Keys,
        Hands::Dance,
        Hands::Row,
        Hands::Cover,
    ];

    fn joints(clip: Clip, m: &Moment) -> [(Quat, Vec3); 17] {
        let s = Skeleton::new(1.0);
        sample(clip, m, &s).world(&s)
    }

    fn y(j: [(Quat, Vec3); 17], joint: Joint) -> f32 {
        j[joint.index()].1.y
    }

    #[test]
    fn every_clip_gives_finite_unit_rotations() {
        for body in ALL_BODIES {
            for hands in ALL_HANDS {
                for style in 0..4 {
                    for k in 0..20 {
                        let m = Moment { style, speed: 1.4, hop: Some(0.3), ..Moment::at(k as f32 * 0.37) };
                        let pose = sample(Clip::new(body, hands), &m, &Skeleton::new(1.0));
                        for q in pose.rotation {
                            assert!(q.is_finite() && (q.length() - 1.0).abs() < 1e-3, "{body:?} {hands:?} {style}: {q}");
                        }
                        assert!(pose.hips.is_finite());
                    }
                }
            }
        }
    }

    #[test]
    fn walking_feet_stay_on_or_above_the_floor_and_one_is_down() {
        for speed in [0.8, 1.4, 2.6, 4.0] {
            let body = if speed > RUN_SPEED { Body::Run } else { Body::Walk };
            for k in 0..60 {
                let m = Moment { speed, phase: 0.3, ..Moment::at(k as f32 / 30.0) };
                let j = joints(Clip::new(body, Hands::Rest), &m);
                let (r, l) = (y(j, Joint::FootR), y(j, Joint::FootL));
                assert!(r >= ANKLE_Y - 0.02 && l >= ANKLE_Y - 0.02, "{speed} m/s at {k}: feet at {r} and {l}");
                if body == Body::Walk {
                    assert!(r.min(l) < ANKLE_Y + 0.02, "{speed} m/s at {k}: both feet off the floor ({r}, {l})");
                }
            }
        }
    }

    #[test]
    fn walking_feet_move_back_at_the_speed_while_planted() {
        // A planted foot moves backwards under the body as fast as the body moves forwards:
        // no skating.
        let speed = 1.3;
        let dt = 0.01;
        let mut checked = 0;
        for k in 0..100 {
            let t = k as f32 * 0.05;
            let a = joints(Clip::new(Body::Walk, Hands::Rest), &Moment { speed, ..Moment::at(t) });
            let b = joints(Clip::new(Body::Walk, Hands::Rest), &Moment { speed, ..Moment::at(t + dt) });
            for f in [Joint::FootR, Joint::FootL] {
                // Planted: on the floor exactly (a landing foot skims it for a moment while it
                // slows, which is not a step).
                if a[f.index()].1.y < ANKLE_Y + 1e-4 && b[f.index()].1.y < ANKLE_Y + 1e-4 {
                    let v = (b[f.index()].1.z - a[f.index()].1.z) / dt;
                    assert!((v - speed).abs() < 0.15, "planted foot moves at {v} m/s, body at {speed}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 20);
    }

    #[test]
    fn sitting_puts_the_hips_on_the_seat_and_the_feet_on_the_floor() {
        for (seat, floor) in [(CHAIR_HEIGHT, 0.0), (0.0, -0.5), (0.0, -0.45)] {
            let m = Moment { seat, floor, ..Moment::at(1.0) };
            let j = joints(Clip::new(Body::Sit, Hands::Work), &m);
            assert!((y(j, Joint::Hips) - seat - 0.09).abs() < 0.01);
            for f in [Joint::FootR, Joint::FootL] {
                assert!((j[f.index()].1.y - (floor + ANKLE_Y)).abs() < 0.03, "seat {seat}: foot at {}", j[f.index()].1.y);
            }
            // Knees in front of the hips.
            assert!(j[Joint::LowerLegR.index()].1.z < -0.3);
        }
    }

    #[test]
    fn lying_is_flat_and_cheering_raises_the_hands_above_the_head() {
        let j = joints(Clip::new(Body::Lie, Hands::Rest), &Moment::at(2.0));
        for joint in [Joint::Head, Joint::FootR, Joint::HandL, Joint::Chest] {
            assert!(y(j, joint) < 0.4, "{joint:?} at {}", y(j, joint));
        }
        assert!(j[Joint::Head.index()].1.z - j[Joint::FootR.index()].1.z > 1.4);
        for style in 0..4 {
            let j = joints(Clip::new(Body::Bounce, Hands::Cheer), &Moment { style, ..Moment::at(0.4) });
            assert!(y(j, Joint::HandR) > y(j, Joint::Head), "style {style}");
        }
    }

    #[test]
    fn hands_reach_the_work_and_crouching_is_low() {
        let j = joints(Clip::new(Body::Stand, Hands::Work), &Moment::at(3.0));
        for hand in [Joint::HandR, Joint::HandL] {
            let p = j[hand.index()].1;
            assert!((p.y - 0.98).abs() < 0.1 && p.z < -0.25, "{hand:?} at {p}");
        }
        let j = joints(Clip::new(Body::Crouch, Hands::Cover), &Moment::at(3.0));
        assert!(y(j, Joint::Head) < 1.3);
        assert!(y(j, Joint::HandR) > y(j, Joint::Neck));
    }

    #[test]
    fn the_clip_follows_activity_motion_and_beats() {
        let person = Role::default();
        let clip = |a, speed, beats| choose(a, speed, beats, &person);
        let calm = Beats::default();
        assert_eq!(clip(Some(Activity::Walk), 1.3, calm).body, Body::Walk);
        assert_eq!(clip(Some(Activity::Walk), 0.0, calm).body, Body::Stand);
        assert_eq!(clip(Some(Activity::Run), 2.6, calm).body, Body::Run);
        assert_eq!(clip(Some(Activity::Lie), 0.0, Beats { shake: true, cheer: false }).body, Body::Lie);
        assert_eq!(clip(Some(Activity::Sit), 0.0, Beats { shake: true, cheer: false }), Clip::new(Body::Crouch, Hands::Cover));
        assert_eq!(clip(None, 0.0, Beats { cheer: true, shake: false }).hands, Hands::Cheer);
        assert_eq!(clip(Some(Activity::Talk), 1.0, calm), Clip::new(Body::Walk, Hands::Talk));
        let seated = Role { support: Support::Deck, ..person };
        assert_eq!(choose(Some(Activity::Work), 0.0, calm, &seated), Clip::new(Body::Sit, Hands::Work));
        assert_eq!(choose(Some(Activity::Work), 0.0, calm, &person), Clip::new(Body::Stand, Hands::Work));
        let band = Role { instrument: true, cheers: true, ..person };
        assert_eq!(choose(None, 0.0, calm, &band), Clip::new(Body::Bounce, Hands::Guitar));
        let crowd = Role { cheers: true, ..person };
        assert_eq!(choose(None, 0.0, calm, &crowd), Clip::new(Body::Bounce, Hands::Cheer));
        let rider = Role { support: Support::Mount, ..person };
        assert_eq!(choose(None, 5.0, calm, &rider).body, Body::Ride);
    }
}
