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
    /// Instances of one entity.
    pub fn instances_of<'a>(&'a self, entity: &'a str) -> impl Iterator<Item = (usize, &'a Instance)> + 'a {
        self.instances.iter().enumerate().filter(move |(_, i)| i.entity == entity)
    }
}
