//! Voice-activity detection: where in a recording someone speaks. Energy over 20 ms frames
//! against the recording's own noise floor, so it works at any input gain.

/// Frame length in seconds.
const FRAME_S: f32 = 0.02;
/// Speech must stand this far above the noise floor (dB)…
const ABOVE_FLOOR_DB: f32 = 12.0;
/// …and above this absolute level (dBFS).
const ABSOLUTE_DB: f32 = -50.0;
/// Kept before the first and after the last speech frame (seconds).
const PAD_S: f32 = 0.2;
/// Shorter bursts are clicks, not words.
const MIN_SPEECH_S: f32 = 0.15;

/// The span [start, end) of samples that holds speech, or `None` for silence or steady noise.
pub fn speech_span(samples: &[f32], rate: u32) -> Option<(usize, usize)> {
    let frame = ((rate as f32 * FRAME_S) as usize).max(1);
    let levels: Vec<f32> =
        samples.chunks(frame).map(|f| 10.0 * (f.iter().map(|s| s * s).sum::<f32>() / f.len() as f32 + 1e-12).log10()).collect();
    if levels.is_empty() {
        return None;
    }
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted[sorted.len() / 10];
    let threshold = (floor + ABOVE_FLOOR_DB).max(ABSOLUTE_DB);
    let loud: Vec<usize> = levels.iter().enumerate().filter(|(_, l)| **l > threshold).map(|(i, _)| i).collect();
    if loud.len() as f32 * FRAME_S < MIN_SPEECH_S {
        return None;
    }
    let pad = (PAD_S / FRAME_S) as usize;
    let first = loud[0].saturating_sub(pad) * frame;
    let last = ((loud[loud.len() - 1] + 1 + pad) * frame).min(samples.len());
    Some((first, last))
}
