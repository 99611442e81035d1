//! Whisper's log-mel features, computed here over a window fitted to the speech.

use std::path::Path;

use super::VoiceError;
use super::audio::SPEECH_RATE;

/// Whisper's log-mel features, over a window fitted to the speech instead of always 30 s.
///
/// The encoder's cost grows with its window, and a spoken scenario is a few seconds long: a
/// 30 s window spends most of the time on padding. CTranslate2 accepts any window up to 30 s;
/// the speech is followed by `TAIL_S` of padding, as Whisper saw in training, so the last word
/// is not cut.
pub(super) struct MelFeatures {
    n_fft: usize,
    hop: usize,
    /// Frames of one full (30 s) window.
    max_frames: usize,
    filters: ndarray::Array2<f64>,
}

/// Padding after the speech, in seconds. Measured with the domain prompt over 135 English and
/// 75 French clips (tests/eval/score_speech.py): 3 s gave 13.1 % / 65.5 % WER, 1 s 21.8 / 70.3,
/// 2 s 18.6 / 65.7, the full 30 s window 13.2 / 69.3.
const TAIL_S: f32 = 3.0;
/// Windows are whole seconds, at least this long.
const MIN_WINDOW_S: usize = 3;

impl MelFeatures {
    pub(super) fn read(path: &Path, n_mels: usize) -> Result<MelFeatures, VoiceError> {
        #[derive(serde::Deserialize)]
        struct Preprocessor {
            n_fft: usize,
            hop_length: usize,
            sampling_rate: usize,
            nb_max_frames: usize,
        }
        let bad = |source: super::Cause| VoiceError::Features { path: path.to_path_buf(), source };
        let bytes = std::fs::read(path).map_err(|e| bad(e.into()))?;
        let p: Preprocessor = serde_json::from_slice(&bytes).map_err(|e| bad(e.into()))?;
        if p.sampling_rate != SPEECH_RATE as usize {
            return Err(bad(format!("sampling rate {} (expected {SPEECH_RATE})", p.sampling_rate).into()));
        }
        let filters = mel_spec::mel::mel(p.sampling_rate as f64, p.n_fft, n_mels, None, None, false, true);
        Ok(MelFeatures { n_fft: p.n_fft, hop: p.hop_length, max_frames: p.nb_max_frames, filters })
    }

    /// Features of `speech` as a batch of windows: (data, [windows, n_mels, frames]). Speech
    /// longer than one full window is cut into full windows.
    pub(super) fn windows(&self, speech: &[f32]) -> (Vec<f32>, [usize; 3]) {
        let frames_per_s = SPEECH_RATE as usize / self.hop;
        let chunk_samples = self.max_frames * self.hop;
        let chunks: Vec<&[f32]> = speech.chunks(chunk_samples).collect();
        let needed = chunks.iter().map(|c| c.len().div_ceil(self.hop)).max().unwrap_or(0);
        let seconds = (needed as f32 / frames_per_s as f32 + TAIL_S).ceil() as usize;
        let frames = (seconds.max(MIN_WINDOW_S) * frames_per_s).min(self.max_frames);
        let windows = chunks.len();
        let data: Vec<f32> = chunks.into_iter().flat_map(|chunk| self.log_mel(chunk, frames)).collect();
        (data, [windows, self.filters.nrows(), frames])
    }

    /// Whisper's log-mel spectrogram of `audio` followed by silence, `frames` long, mel-major.
    ///
    /// As Whisper computes it: frames centred on every hop (the start reflected), a periodic
    /// Hann window, power spectrum, mel filters, log10 floored at 1e-10, then floored at the
    /// clip's loudest value less 8 and scaled by (x + 4) / 4. The floor is over the whole clip,
    /// not frame by frame, and the silence after the speech is computed, not left at zero:
    /// features that differ there made the decoder loop and mishear (measured: French WER
    /// fell from 81 % to … with the exact features).
    fn log_mel(&self, audio: &[f32], frames: usize) -> Vec<f32> {
        let (n_fft, half) = (self.n_fft, self.n_fft / 2);
        // Centre padding: reflected at the start; at the end the silence Whisper pads with.
        let mut padded: Vec<f32> = (1..=half).rev().map(|i| audio.get(i).copied().unwrap_or(0.0)).collect();
        padded.extend_from_slice(audio);
        padded.resize(frames * self.hop + n_fft, 0.0);
        let window: Vec<f32> = (0..n_fft).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n_fft as f32).cos()).collect();
        let fft = rustfft::FftPlanner::<f32>::new().plan_fft_forward(n_fft);
        let n_mels = self.filters.nrows();
        let bins = self.filters.ncols().min(half + 1);
        let mut spectrum = vec![rustfft::num_complex::Complex32::default(); n_fft];
        let mut power = vec![0.0f64; bins];
        let mut mel = vec![0.0f32; n_mels * frames];
        for f in 0..frames {
            let start = f * self.hop;
            for (i, c) in spectrum.iter_mut().enumerate() {
                *c = rustfft::num_complex::Complex32::new(padded[start + i] * window[i], 0.0);
            }
            fft.process(&mut spectrum);
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p = c.norm_sqr() as f64;
            }
            for m in 0..n_mels {
                let energy: f64 = self.filters.row(m).iter().zip(&power).map(|(w, p)| w * p).sum();
                mel[m * frames + f] = energy.max(1e-10).log10() as f32;
            }
        }
        let floor = mel.iter().copied().fold(f32::NEG_INFINITY, f32::max) - 8.0;
        mel.iter_mut().for_each(|x| *x = (x.max(floor) + 4.0) / 4.0);
        mel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> MelFeatures {
        let filters = mel_spec::mel::mel(16000.0, 400, 80, None, None, false, true);
        MelFeatures { n_fft: 400, hop: 160, max_frames: 3000, filters }
    }

    #[test]
    fn a_tone_lights_its_band_and_silence_sits_at_the_floor() {
        let f = features();
        // One second of a 1 kHz tone, then the window's silence.
        let tone: Vec<f32> = (0..16000).map(|i| 0.5 * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 16000.0).sin()).collect();
        let frames = 300;
        let mel = f.log_mel(&tone, frames);
        let at = |m: usize, t: usize| mel[m * frames + t];
        let loudest = (0..80).max_by(|&a, &b| at(a, 50).total_cmp(&at(b, 50))).unwrap();
        // 1 kHz is mel band 26–28 of 80 (Slaney scale, 0–8 kHz).
        assert!((25..=29).contains(&loudest), "loudest band {loudest}");
        let max = mel.iter().copied().fold(f32::MIN, f32::max);
        let min = mel.iter().copied().fold(f32::MAX, f32::min);
        assert!((max - min - 2.0).abs() < 1e-4, "range {min}..{max}: the floor is the loudest less 8 (2 after scaling)");
        // Silence after the speech is at the floor, everywhere.
        assert!((0..80).all(|m| (at(m, 250) - min).abs() < 1e-6));
    }
}
