//! Audio in: WAV files of any common kind, resampled to the recogniser's 16 kHz mono.

use std::path::Path;

use super::VoiceError;

/// The rate Whisper listens at.
pub const SPEECH_RATE: u32 = 16_000;

/// Mono samples in [-1, 1] at a rate.
#[derive(Debug, Clone)]
pub struct Clip {
    pub samples: Vec<f32>,
    pub rate: u32,
}

impl Clip {
    pub fn seconds(&self) -> f32 {
        self.samples.len() as f32 / self.rate.max(1) as f32
    }
}

/// What is wrong with WAV bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    #[error("not a WAV file (no RIFF/WAVE header)")]
    NotWav,
    #[error("no 'fmt ' chunk: the file is damaged")]
    NoFormat,
    #[error("no 'data' chunk: the file is damaged")]
    NoData,
    #[error("unusable format: {channels} channels at {rate} Hz")]
    Unusable { channels: u16, rate: u32 },
    #[error("unsupported encoding (format tag {tag}, {bits} bits): use PCM or 32-bit float")]
    Encoding { tag: u16, bits: u16 },
}

/// Reads a PCM (8/16/24/32-bit) or float (32-bit) WAV, any rate and channel count, as mono.
pub fn read_wav(path: &Path) -> Result<Clip, VoiceError> {
    let bytes = std::fs::read(path).map_err(|source| VoiceError::Read { path: path.to_path_buf(), source })?;
    parse_wav(&bytes).map_err(|source| VoiceError::Wav { origin: path.display().to_string(), source })
}

/// Reads WAV bytes (a file's or a request body's); the error names what is wrong.
pub fn parse_wav(bytes: &[u8]) -> Result<Clip, WavError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let (mut format, mut data) = (None, None);
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let (id, len) = (&bytes[at..at + 4], u32_at(at + 4) as usize);
        let body = at + 8;
        let end = body.saturating_add(len).min(bytes.len());
        match id {
            b"fmt " if end - body >= 16 => format = Some((u16_at(body), u16_at(body + 2), u32_at(body + 4), u16_at(body + 14))),
            b"data" => data = Some(&bytes[body..end]),
            _ => {}
        }
        at = body.saturating_add(len + (len & 1));
    }
    let (tag, channels, rate, bits) = format.ok_or(WavError::NoFormat)?;
    let data = data.ok_or(WavError::NoData)?;
    if channels == 0 || rate == 0 || !(1000..=384_000).contains(&rate) {
        return Err(WavError::Unusable { channels, rate });
    }
    // 0xFFFE (extensible) is read as PCM; 32-bit float files use tag 3.
    let float = match (tag, bits) {
        (1 | 0xFFFE, 8 | 16 | 24 | 32) => false,
        (3, 32) => true,
        _ => return Err(WavError::Encoding { tag, bits }),
    };
    let width = bits as usize / 8;
    let frame = width * channels as usize;
    let sample = |s: &[u8]| -> f32 {
        match (width, float) {
            (1, _) => (s[0] as f32 - 128.0) / 128.0,
            (2, _) => i16::from_le_bytes([s[0], s[1]]) as f32 / 32768.0,
            (3, _) => (i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8) as f32 / 8_388_608.0,
            (4, true) => f32::from_le_bytes([s[0], s[1], s[2], s[3]]),
            _ => i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as f32 / 2_147_483_648.0,
        }
    };
    let samples: Vec<f32> = data
        .chunks_exact(frame)
        .map(|f| f.chunks_exact(width).map(sample).sum::<f32>() / channels as f32)
        .map(|s| if s.is_finite() { s.clamp(-1.0, 1.0) } else { 0.0 })
        .collect();
    Ok(Clip { samples, rate })
}

/// Resamples to `rate` with a windowed-sinc filter (which also removes what the new rate
/// cannot carry).
pub fn resample(clip: &Clip, rate: u32) -> Clip {
    if clip.rate == rate {
        return clip.clone();
    }
    const HALF: isize = 16;
    let step = clip.rate as f64 / rate as f64;
    let cutoff = (1.0 / step).min(1.0);
    let n = (clip.samples.len() as f64 / step).floor() as usize;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let centre = i as f64 * step;
        let base = centre.floor() as isize;
        let (mut acc, mut norm) = (0.0f64, 0.0f64);
        for k in base - HALF + 1..=base + HALF {
            let x = centre - k as f64;
            let sinc = if x.abs() < 1e-9 { 1.0 } else { (std::f64::consts::PI * x * cutoff).sin() / (std::f64::consts::PI * x * cutoff) };
            let window = 0.5 + 0.5 * (std::f64::consts::PI * x / HALF as f64).cos();
            let w = sinc * window;
            norm += w;
            if let Some(&s) = usize::try_from(k).ok().and_then(|k| clip.samples.get(k)) {
                acc += s as f64 * w;
            }
        }
        out.push((acc / norm.max(1e-9)) as f32);
    }
    Clip { samples: out, rate }
}
