//! Rendering a soundscape to memory with kira's own mixer: a backend that keeps the renderer
//! kira hands it and runs it on demand, faster than real time, on the calling thread.

use std::sync::Arc;

use kira::backend::{Backend, Renderer};

use super::engine::{AudioError, Ear, Soundscape};
use crate::plan::Layout;

/// Samples per second of offline renders.
pub const OUTPUT_RATE: u32 = 48_000;
/// Frames rendered between updates of positions and cues (about 10 ms).
const BLOCK: usize = 512;

/// A kira backend with no sound card: the renderer runs when asked.
pub struct OfflineBackend {
    renderer: Option<Renderer>,
}

impl Backend for OfflineBackend {
    type Settings = ();
    type Error = std::convert::Infallible;

    fn setup(_: (), _internal_buffer_size: usize) -> Result<(Self, u32), Self::Error> {
        Ok((OfflineBackend { renderer: None }, OUTPUT_RATE))
    }

    fn start(&mut self, renderer: Renderer) -> Result<(), Self::Error> {
        self.renderer = Some(renderer);
        Ok(())
    }
}

/// Stereo audio, interleaved left/right, at [`OUTPUT_RATE`].
pub struct Recording {
    pub samples: Vec<f32>,
    pub layers: usize,
}

/// Renders `seconds` of the layout's soundscape heard from the player's place.
pub fn render(layout: &Layout, seconds: f32) -> Result<Recording, AudioError> {
    let layout = Arc::new(layout.clone());
    let mut scape = Soundscape::<OfflineBackend>::new((), layout.clone())?;
    let frames = (seconds.max(0.0) * OUTPUT_RATE as f32) as usize;
    let mut samples = vec![0.0f32; frames * 2];
    let mut t = 0.0f32;
    for block in samples.chunks_mut(BLOCK * 2) {
        scape.update(t, Ear::at_spawn(&layout, t));
        let renderer = scape.backend_mut().renderer.as_mut().ok_or(AudioError::NotStarted)?;
        renderer.on_start_processing();
        renderer.process(block, 2);
        t += (block.len() / 2) as f32 / OUTPUT_RATE as f32;
    }
    Ok(Recording { samples, layers: scape.layers() })
}
