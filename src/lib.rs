//! sayscape: say a scenario, stand inside it.
//!
//! The pipeline runs one way: `voice → text → spec → plan → world + soundscape`.
//! [`scene`] is the data model every stage reads; [`plan`] lays a scene out.

pub mod audio;
pub mod files;
pub mod generate;
pub mod plan;
pub mod scene;
pub mod voice;
pub mod world;
pub mod xr;
