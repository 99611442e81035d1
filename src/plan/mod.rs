//! The planner: `Scene` → `Layout`, every instance with a transform. Deterministic for a seed,
//! no overlapping footprints, everything inside the play area, the spawn kept clear.

mod edited;
mod grid;
pub mod layout;
pub mod motion;
pub mod place;
pub mod situations;
pub mod surface;
pub mod timeline;
pub mod walk;

pub use edited::lay_out;
pub use layout::{Exit, Instance, Layout, PlacedEmitter, PlannedMotion, Reactions, Shaken, Spawn};
pub use motion::{Motions, Pose};
pub use place::{ROOM_CLEARANCE, SPAWN_CLEARANCE, default_speed, plan, replan};
pub use surface::{Surface, WATER_LEVEL, wave, wave_height};
