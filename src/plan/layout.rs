//! The planner's output: every instance with a transform, ready for the world and the audio.

use serde::{Deserialize, Serialize};

use crate::scene::{Activity, Beat, Color, Habitat, Locomotion, MotionKind, Setting, SoundKind, Vantage};

/// The value of `"format"` in every layout.
pub const LAYOUT_FORMAT: &str = "sayscape.layout/1";

/// A scene laid out: positions for everything, the spawn, and what the world needs to animate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub format: String,
    pub title: String,
    pub seed: u64,
    pub setting: Setting,
    pub spawn: Spawn,
    pub instances: Vec<Instance>,
    /// The forms scene entities carry (entity id → form), for things the catalog has no model of.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub forms: std::collections::BTreeMap<String, crate::scene::Form>,
    /// Sound sources at instances (from the soundscape's emitters and the catalog's sounds).
    pub emitters: Vec<PlacedEmitter>,
    pub ambience: Vec<crate::scene::Ambience>,
    pub music: crate::scene::MusicMood,
    pub timeline: Vec<Beat>,
    /// What the planner could not do exactly as asked (an area too full, say).
    pub warnings: Vec<String>,
}

/// Where the player's feet are at the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spawn {
    pub position: [f32; 3],
    /// Heading in degrees clockwise from north (-Z).
    pub yaw_deg: f32,
    /// The instance the player stands on, whose motion carries the player.
    pub parent: Option<usize>,
    pub vantage: Vantage,
    pub locomotion: Locomotion,
    pub role: String,
}

/// One placed thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// The scene entity it comes from, and which of its `count` it is.
    pub entity: String,
    pub index: u32,
    pub kind: String,
    pub habitat: Habitat,
    /// World position at time 0, in metres; y is the base of the model.
    pub position: [f32; 3],
    /// Heading in degrees clockwise from north (-Z).
    pub yaw_deg: f32,
    pub scale: f32,
    /// Footprint radius and height, scaled.
    pub radius: f32,
    pub height: f32,
    /// The instance this one stands on; it moves with it.
    pub parent: Option<usize>,
    /// Offset from the parent in the parent's own frame (x right, y up, z back).
    pub local: Option<[f32; 3]>,
    pub motion: PlannedMotion,
    pub color: Option<Color>,
    /// Ground cover (a field, a runway): others may stand on it.
    pub flat: bool,
    /// What a person is doing (the scene entity's activity): the world poses them by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    /// What the timeline's situations make it do (leave, fall, crouch, rattle); resolved at
    /// plan time so that motion stays a function of (layout, t).
    #[serde(default, skip_serializing_if = "Reactions::is_none")]
    pub reactions: Reactions,
}

/// An instance's part in the scene's situations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reactions {
    /// Its way out when an evacuation concerns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<Exit>,
    /// When it falls to the floor (a collapse beat), in scenario seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub falls_at: Option<f32>,
    /// What it does while the ground shakes.
    #[serde(default, skip_serializing_if = "Shaken::is_still")]
    pub shaken: Shaken,
}

impl Reactions {
    pub fn is_none(&self) -> bool {
        self == &Reactions::default()
    }
}

/// What the ground shaking does to an instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shaken {
    /// Nothing (buildings, the ground, what flies or floats).
    #[default]
    Still,
    /// A person: crouches, taking cover.
    Crouch,
    /// A loose thing (furniture, props): rattles in place.
    Rattle,
}

impl Shaken {
    pub fn is_still(&self) -> bool {
        *self == Shaken::Still
    }
}

/// A way out: from where the instance stands when it sets off, along waypoints that keep
/// clear of the furniture, through a door (or to the edge of the area), at a hurried walk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exit {
    /// Scenario seconds at which it sets off.
    pub at: f32,
    /// Metres per second.
    pub speed: f32,
    /// World (x, z) waypoints: the first where it stands at `at`, the last beyond the door.
    pub path: Vec<[f32; 2]>,
}

impl Exit {
    /// Length of the walk in metres.
    pub fn length(&self) -> f32 {
        self.path.windows(2).map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])).sum()
    }

    /// Scenario seconds at which it is through the door (and out of the world).
    pub fn gone_at(&self) -> f32 {
        self.at + self.length() / self.speed.max(0.1)
    }

    /// Where it is (x, z) and which way it walks (degrees clockwise from north) at `t`, once
    /// set off; `None` before.
    pub fn point(&self, t: f32) -> Option<([f32; 2], f32)> {
        if t < self.at || self.path.len() < 2 {
            return None;
        }
        let mut left = (t - self.at) * self.speed;
        let last = self.path.len() - 2;
        for (k, w) in self.path.windows(2).enumerate() {
            let (dx, dz) = (w[1][0] - w[0][0], w[1][1] - w[0][1]);
            let len = dx.hypot(dz);
            if left <= len || k == last {
                let f = if len > 1e-6 { (left / len).min(1.0) } else { 1.0 };
                let heading = dx.atan2(-dz).to_degrees().rem_euclid(360.0);
                return Some(([w[0][0] + dx * f, w[0][1] + dz * f], heading));
            }
            left -= len;
        }
        None
    }
}

/// A motion resolved to numbers the world can follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedMotion {
    pub kind: MotionKind,
    /// Metres per second along a path, or a rate for bob, cheer and spin.
    pub speed: f32,
    /// Circuit radius for paths that loop (sail, fly_circuit, orbit, drive, walk, swim).
    pub radius: f32,
    /// Centre of the loop in world xz.
    pub centre: [f32; 2],
}

impl PlannedMotion {
    pub fn still() -> PlannedMotion {
        PlannedMotion { kind: MotionKind::None, speed: 0.0, radius: 0.0, centre: [0.0, 0.0] }
    }

    /// Whether the motion moves the instance along a loop.
    pub fn is_path(&self) -> bool {
        self.radius > 0.0 && self.kind.follows_path()
    }
}

/// A sound source attached to an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedEmitter {
    pub instance: usize,
    pub sound: SoundKind,
    pub level: f32,
}

impl Layout {
    /// Whether instance `i` has left the world by `t`: walked out through a door in an
    /// evacuation (unless it fell on the way).
    pub fn has_left(&self, i: usize, t: f32) -> bool {
        let Some(inst) = self.instances.get(i) else { return false };
        let Some(exit) = &inst.reactions.exit else { return false };
        let gone = exit.gone_at();
        t >= gone && inst.reactions.falls_at.is_none_or(|fall| fall > gone)
    }

    /// Instances of one entity.
    pub fn instances_of<'a>(&'a self, entity: &'a str) -> impl Iterator<Item = (usize, &'a Instance)> + 'a {
        self.instances.iter().enumerate().filter(move |(_, i)| i.entity == entity)
    }
}
