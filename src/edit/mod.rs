//! Spoken edits: an instruction said inside a world changes that world instead of replacing it.
//!
//! [`understand`] reads the instruction into operations (`scene::ops`): the words first, the
//! model where they leave a choice ([`judge`]). `scene::history` applies them with undo and
//! redo, and keeps the history inside the scene. The planner then lays out only what changed
//! ([`crate::plan::replan`]), so everything else keeps its place and its motion.

pub mod cues;
#[cfg(feature = "llama")]
pub mod judge;
pub mod understand;

pub use crate::scene::history::{self, EditRecord, History};
pub use crate::scene::ops::{self, Op, OpError, apply, summary};
pub use understand::{Judge, Understood, WordsOnly, understand};
