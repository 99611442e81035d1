//! sayscape: say a scenario, stand inside it.
//!
//! The pipeline runs one way: `voice → text → spec → plan → world + soundscape`.
//! [`scene`] is the data model every stage reads; [`plan`] lays a scene out; [`generate`]
//! turns words into a scene; [`edit`] changes a scene by instruction; [`pipeline`] strings the stages together as one API; [`serve`] offers it over HTTP; [`export`] writes a world as glTF; [`world`],
//! [`audio`] and [`xr`] build what the person sees and hears; [`state`] is what they share
//! while the app runs; [`app`] composes them into the window, the snapshot and the headset.

pub mod app;
pub mod audio;
pub mod edit;
pub mod errors;
pub mod export;
pub mod files;
pub mod generate;
pub mod language;
pub mod lexicon;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod scene;
pub mod serve;
pub mod state;
pub mod voice;
pub mod world;
pub mod xr;

/// The Quest's entry point (`android_main`, written by `#[bevy_main]` on Android only).
pub mod android;
