//! Where a planned instance is at a given time: the one definition of motion that the world
//! (transforms) and the soundscape (moving emitters) both follow.

use std::f32::consts::TAU;

use super::layout::{Instance, Layout};
use super::place::{forward, to_world};
use super::surface::{Surface, wave_height};
use crate::scene::{Habitat, MotionKind};

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

    /// Whether instance `i` ever moves (still things never need updating).
    pub fn moves(&self, i: usize) -> bool {
        let inst = &self.layout.instances[i];
        inst.motion.kind != MotionKind::None || (inst.habitat == Habitat::Water && inst.parent.is_none())
    }

    /// Where the player's feet are at `t` (carried along when standing on something that
    /// moves), and where they face.
    pub fn spawn_pose(&self, t: f32) -> Pose {
        let spawn = &self.layout.spawn;
        let still = Pose { position: spawn.position, yaw_deg: spawn.yaw_deg, pitch_deg: 0.0, roll_deg: 0.0 };
        let Some(p) = spawn.parent.filter(|&p| p < self.layout.instances.len() && self.moves(p)) else { return still };
        let carrier = &self.layout.instances[p];
        let local = super::place::from_world(carrier.position, carrier.yaw_deg, spawn.position);
        let pose = self.pose(p, t);
        Pose {
            position: to_world(pose.position, pose.yaw_deg, local),
            yaw_deg: pose.yaw_deg + spawn.yaw_deg - carrier.yaw_deg,
            pitch_deg: pose.pitch_deg,
            roll_deg: pose.roll_deg,
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
        let mut pose = Pose { position: inst.position, yaw_deg: inst.yaw_deg, pitch_deg: 0.0, roll_deg: 0.0 };
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
        pose
    }
}
