//! Where a planned instance is at a given time: the one definition of motion that the world
//! (transforms) and the soundscape (moving emitters) both follow.

use std::f32::consts::TAU;

use super::layout::{Instance, Layout, Shaken};
use super::place::{forward, to_world};
use super::surface::{Surface, wave_height};
use super::timeline::{shaking_at, tremor};
use crate::scene::{Habitat, MotionKind};

/// Seconds a collapsing person takes to reach the floor.
pub const FALL_S: f32 = 0.8;
/// A crouching person's height, relative to standing.
pub const CROUCH: f32 = 0.6;

/// A pose: base position, heading and the small tilts motion adds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    pub position: [f32; 3],
    /// Degrees clockwise from north (-Z).
    pub yaw_deg: f32,
    /// Nose up, degrees.
    pub pitch_deg: f32,
    /// Right side down, degrees.
    pub roll_deg: f32,
    /// Height relative to the model's own: below 1 while a person crouches.
    pub stature: f32,
}

/// Evaluates motion for a whole layout; cheap enough to call for every instance every frame.
pub struct Motions<'a> {
    layout: &'a Layout,
    surface: Surface,
}

impl<'a> Motions<'a> {
    pub fn new(layout: &'a Layout) -> Motions<'a> {
        Motions { layout, surface: Surface::new(&layout.setting, layout.seed) }
    }

    /// Whether instance `i` ever moves (still things never need updating): its own motion,
    /// the waves, or what a situation makes it do.
    pub fn moves(&self, i: usize) -> bool {
        let inst = &self.layout.instances[i];
        inst.motion.kind != MotionKind::None || (inst.habitat == Habitat::Water && inst.parent.is_none()) || !inst.reactions.is_none()
    }

    /// Where the player's feet are at `t` (carried along when standing on something that
    /// moves), and where they face.
    pub fn spawn_pose(&self, t: f32) -> Pose {
        let spawn = &self.layout.spawn;
        let still = Pose { position: spawn.position, yaw_deg: spawn.yaw_deg, pitch_deg: 0.0, roll_deg: 0.0, stature: 1.0 };
        let Some(p) = spawn.parent.filter(|&p| p < self.layout.instances.len() && self.moves(p)) else { return still };
        let carrier = &self.layout.instances[p];
        let local = super::place::from_world(carrier.position, carrier.yaw_deg, spawn.position);
        let pose = self.pose(p, t);
        Pose {
            position: to_world(pose.position, pose.yaw_deg, local),
            yaw_deg: pose.yaw_deg + spawn.yaw_deg - carrier.yaw_deg,
            pitch_deg: pose.pitch_deg,
            roll_deg: pose.roll_deg,
            stature: 1.0,
        }
    }

    /// The carrier that instance `i` rides on, when that carrier moves.
    pub fn carrier(&self, i: usize) -> Option<usize> {
        let inst = &self.layout.instances[i];
        inst.parent.filter(|&p| p != i && inst.local.is_some() && self.layout.instances[p].motion.kind != MotionKind::None)
    }

    /// The pose of instance `i` at `t` seconds in world coordinates.
    pub fn pose(&self, i: usize, t: f32) -> Pose {
        let own = self.local_pose(i, t);
        match self.carrier(i) {
            Some(p) => {
                let carrier = self.pose(p, t);
                Pose {
                    position: to_world(carrier.position, carrier.yaw_deg, own.position),
                    yaw_deg: carrier.yaw_deg + own.yaw_deg,
                    pitch_deg: carrier.pitch_deg + own.pitch_deg,
                    roll_deg: carrier.roll_deg + own.roll_deg,
                    stature: own.stature,
                }
            }
            None => own,
        }
    }

    /// The pose of instance `i` in its carrier's frame (x right, z back, yaw relative to the
    /// carrier) when it rides a moving one, else in world coordinates. The world parents riders
    /// to their carriers so they also tilt with them.
    pub fn local_pose(&self, i: usize, t: f32) -> Pose {
        let inst = &self.layout.instances[i];
        let mut own = self.own_pose(inst, i, t);
        if let (Some(p), Some(local)) = (self.carrier(i), inst.local) {
            let lift = own.position[1] - inst.position[1];
            own.position = [local[0], local[1] + lift, local[2]];
            own.yaw_deg -= self.layout.instances[p].yaw_deg;
        }
        own
    }

    fn own_pose(&self, inst: &Instance, i: usize, t: f32) -> Pose {
        let m = &inst.motion;
        // A per-instance phase so a crowd does not move as one.
        let phase = (i as f32 * 0.618_034).fract() * TAU;
        let mut pose = Pose { position: inst.position, yaw_deg: inst.yaw_deg, pitch_deg: 0.0, roll_deg: 0.0, stature: 1.0 };
        if m.is_path() {
            let [cx, cz] = m.centre;
            let [x, _, z] = inst.position;
            let a0 = (z - cz).atan2(x - cx);
            // Turn the way the heading points at t = 0.
            let (fx, fz) = forward(inst.yaw_deg);
            let dir = if fx * -a0.sin() + fz * a0.cos() >= 0.0 { 1.0 } else { -1.0 };
            let a = a0 + dir * m.speed / m.radius * t;
            let (px, pz) = (cx + m.radius * a.cos(), cz + m.radius * a.sin());
            let (tx, tz) = (-a.sin() * dir, a.cos() * dir);
            pose.position = [px, inst.position[1], pz];
            pose.yaw_deg = tx.atan2(-tz).to_degrees();
            match inst.habitat {
                Habitat::Ground if inst.parent.is_none() => pose.position[1] = self.surface.ground_height(px, pz),
                Habitat::Sky if m.kind == MotionKind::FlyCircuit => {
                    // Bank into the turn: tan(roll) = v² / (g r).
                    pose.roll_deg = -dir * (m.speed * m.speed / (9.81 * m.radius)).atan().to_degrees().min(35.0);
                }
                _ => {}
            }
        }
        match m.kind {
            MotionKind::Cheer => {
                let hop = (t * 2.0 * TAU * m.speed.max(0.2) / 2.0 + phase).sin().abs();
                pose.position[1] += 0.25 * hop;
            }
            MotionKind::Spin => pose.yaw_deg += t * 90.0 * m.speed,
            MotionKind::Sway => pose.roll_deg += 3.0 * (t * 0.8 * m.speed + phase).sin(),
            MotionKind::Swim | MotionKind::Orbit if inst.habitat != Habitat::Ground => {
                pose.position[1] += 0.3 * (t * 1.3 + phase).sin();
            }
            _ => {}
        }
        if inst.habitat == Habitat::Water && inst.parent.is_none() {
            // Floating things ride the same waves the water surface shows.
            let [x, _, z] = pose.position;
            let waves = self.layout.setting.water.waves;
            let span = inst.radius.max(1.0);
            let (f_x, f_z) = forward(pose.yaw_deg);
            let ahead = wave_height(x + f_x * span, z + f_z * span, t, waves);
            let behind = wave_height(x - f_x * span, z - f_z * span, t, waves);
            let left = wave_height(x + f_z * span, z - f_x * span, t, waves);
            let right = wave_height(x - f_z * span, z + f_x * span, t, waves);
            pose.position[1] += (ahead + behind + left + right) * 0.25;
            pose.pitch_deg += ((ahead - behind) / (2.0 * span)).atan().to_degrees();
            pose.roll_deg += ((left - right) / (2.0 * span)).atan().to_degrees();
        }
        if !inst.reactions.is_none() {
            self.react(inst, phase, t, &mut pose);
        }
        pose
    }

    /// What the timeline's situations do to a pose: walking out along the exit (until a fall
    /// stops the walk), crouching or rattling while the ground shakes, falling to the floor.
    fn react(&self, inst: &Instance, phase: f32, t: f32, pose: &mut Pose) {
        let r = &inst.reactions;
        if let Some(exit) = &r.exit {
            let until = r.falls_at.map_or(t, |fall| t.min(fall));
            if let Some(([x, z], heading)) = exit.point(until) {
                // The walk out replaces the instance's own motion.
                *pose = Pose {
                    position: [x, self.surface.ground_height(x, z), z],
                    yaw_deg: heading,
                    pitch_deg: 0.0,
                    roll_deg: 0.0,
                    stature: 1.0,
                };
            }
        }
        let shaking = if r.shaken.is_still() { 0.0 } else { shaking_at(self.layout, t) };
        match r.shaken {
            Shaken::Crouch => pose.stature *= 1.0 - (1.0 - CROUCH) * (shaking * 3.0).min(1.0),
            Shaken::Rattle if shaking > 0.0 => {
                // A few centimetres and a degree or so, each thing its own way.
                let [a, b, c] = tremor(t, phase);
                let size = (inst.radius * 0.02).clamp(0.005, 0.02) * shaking;
                pose.position[0] += a * size;
                pose.position[2] += b * size;
                pose.yaw_deg += c * 1.5 * shaking;
                pose.roll_deg += b * 1.0 * shaking;
            }
            _ => {}
        }
        if let Some(fall) = r.falls_at
            && t >= fall
        {
            // Falling backwards about the feet, faster and faster, onto the back; lifted by
            // half the body's depth so that it lies on the floor, not through it.
            let k = ((t - fall) / FALL_S).min(1.0).powi(2);
            pose.pitch_deg = 90.0 * k;
            pose.position[1] += inst.height * 0.07 * k;
            pose.stature = 1.0;
        }
    }
}
