//! 16-bit PCM WAV files, written so that no reader ever sees half of one.

use std::path::Path;

/// Writes interleaved stereo samples (−1..1) as 16-bit PCM at `rate`.
pub fn write_wav(path: &Path, stereo: &[f32], rate: u32) -> std::io::Result<()> {
    crate::files::write_atomically(path, &wav_bytes(stereo, rate))
}

/// Interleaved stereo samples (−1..1) as the bytes of a 16-bit PCM WAV file at `rate`.
pub fn wav_bytes(stereo: &[f32], rate: u32) -> Vec<u8> {
    let data_len = (stereo.len() * 2) as u32;
    let mut bytes = Vec::with_capacity(44 + data_len as usize);
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
    bytes.extend_from_slice(&2u16.to_le_bytes()); // channels
    bytes.extend_from_slice(&rate.to_le_bytes());
    bytes.extend_from_slice(&(rate * 4).to_le_bytes());
    bytes.extend_from_slice(&4u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    for s in stereo {
        bytes.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes());
    }
    bytes
}
