//! The soundscape: every scene sounds like its scenario. Voices are synthesised in code
//! (`voices`, `music`, on the blocks of `dsp`), mixed by a plan drawn from the layout (`mix`),
//! played through kira with spatial sources and a listener at the player's head (`engine`),
//! rendered offline to memory and WAV (`offline`, `wav`); the app plays it live on a sound card.
//! Nothing here knows about the world or Bevy: the soundscape is built from a planned layout.

pub mod analysis;
pub mod dsp;
pub mod engine;
pub mod mix;
pub mod music;
pub mod offline;
pub mod voices;
pub mod wav;
