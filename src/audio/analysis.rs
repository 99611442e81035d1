//! Numbers to listen with: level, peak, clipping and the spectrum of a recording.

/// Loudness and spectrum figures of interleaved stereo audio.
#[derive(Debug, Clone)]
pub struct Figures {
    pub rms_dbfs: f32,
    pub peak: f32,
    /// Samples at or beyond full scale.
    pub clipped: usize,
    /// Share of the energy in each band: < 250 Hz, 250–2 000 Hz, > 2 000 Hz.
    pub bands: [f32; 3],
    /// Spectral centroid in Hz: where the energy sits on average.
    pub centroid_hz: f32,
    /// Level difference between the louder and the quieter channel, in dB.
    pub stereo_db: f32,
}

pub fn analyse(stereo: &[f32], rate: u32) -> Figures {
    let n = stereo.len().max(1);
    let energy: f64 = stereo.iter().map(|&s| (s as f64).powi(2)).sum();
    let rms = (energy / n as f64).sqrt() as f32;
    let peak = stereo.iter().fold(0.0f32, |m, &s| m.max(s.abs()));
    let clipped = stereo.iter().filter(|s| s.abs() >= 0.999).count();
    let channel = |c: usize| stereo.iter().skip(c).step_by(2).map(|&s| (s as f64).powi(2)).sum::<f64>();
    let (l, r) = (channel(0).max(1e-12), channel(1).max(1e-12));
    let mono: Vec<f32> = stereo.chunks(2).map(|f| (f[0] + f.get(1).copied().unwrap_or(0.0)) * 0.5).collect();
    let (bands, centroid_hz) = spectrum(&mono, rate);
    Figures { rms_dbfs: 20.0 * rms.max(1e-9).log10(), peak, clipped, bands, centroid_hz, stereo_db: (10.0 * (l / r).log10()).abs() as f32 }
}

/// Samples per FFT frame of the spectrum.
const N: usize = 4096;

/// The power in each FFT bin (of [`N`] samples, Hann-windowed), averaged over every other frame
/// of a mono signal; bin `k` is at `k * rate / N` Hz.
fn power_spectrum(mono: &[f32]) -> Vec<f64> {
    let mut power = vec![0.0f64; N / 2];
    for frame in mono.chunks_exact(N).step_by(2) {
        let mut re: Vec<f64> =
            frame.iter().enumerate().map(|(i, &s)| s as f64 * (0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / N as f64).cos())).collect();
        let mut im = vec![0.0f64; N];
        fft(&mut re, &mut im);
        for k in 0..N / 2 {
            power[k] += re[k] * re[k] + im[k] * im[k];
        }
    }
    power
}

/// The share of a mono signal's energy between `lo` and `hi` Hz (0 for a signal shorter than
/// one frame of 4096 samples).
pub fn band_share(mono: &[f32], rate: u32, lo: f32, hi: f32) -> f32 {
    let power = power_spectrum(mono);
    let total: f64 = power.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let hz = |k: usize| k as f32 * rate as f32 / N as f32;
    (power.iter().enumerate().filter(|(k, _)| (lo..hi).contains(&hz(*k))).map(|(_, p)| p).sum::<f64>() / total) as f32
}

/// The frequency of the strongest bin of a mono signal (at least 4096 samples), in Hz: the
/// pitch of a tone.
pub fn dominant_hz(mono: &[f32], rate: u32) -> f32 {
    let power = power_spectrum(mono);
    let peak = power.iter().enumerate().skip(1).max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(k, _)| k);
    peak as f32 * rate as f32 / N as f32
}

/// Band shares and centroid from Hann-windowed FFT frames averaged over the signal.
fn spectrum(mono: &[f32], rate: u32) -> ([f32; 3], f32) {
    let power = power_spectrum(mono);
    let hz = |k: usize| k as f64 * rate as f64 / N as f64;
    let total: f64 = power.iter().sum::<f64>().max(1e-20);
    let mut bands = [0.0f32; 3];
    let mut weighted = 0.0;
    for (k, p) in power.iter().enumerate() {
        let f = hz(k);
        bands[if f < 250.0 {
            0
        } else if f < 2000.0 {
            1
        } else {
            2
        }] += (p / total) as f32;
        weighted += f * p;
    }
    (bands, (weighted / total) as f32)
}

/// In-place radix-2 FFT; the length must be a power of two.
fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let angle = -std::f64::consts::TAU / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (wr, wi) = ((angle * k as f64).cos(), (angle * k as f64).sin());
                let (a, b) = (start + k, start + k + len / 2);
                let (xr, xi) = (re[b] * wr - im[b] * wi, re[b] * wi + im[b] * wr);
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
        }
        len <<= 1;
    }
}
