//! Spoken edits: an instruction said inside a world changes that world instead of replacing it.
//!
//! [`understand`] reads the instruction into operations ([`ops`]): the words first, the model
//! where they leave a choice. [`history`] applies them with undo and redo, and keeps the
//! history inside the scene. The planner then lays out only what changed
//! ([`crate::plan::replan`]), so everything else keeps its place and its motion.

pub mod cues;
pub mod history;
pub mod ops;
pub mod understand;

pub use history::{EditRecord, History};
pub use ops::{Op, OpError, apply, summary};
pub use understand::{Judge, Understood, WordsOnly, understand};
