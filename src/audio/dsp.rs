//! Signal-processing building blocks: noise, filters, oscillators, envelopes, a plucked
//! string. Plain structs that make one sample at a time, cheap enough for many layers.

use std::f32::consts::TAU;

/// The rate every voice is synthesised at.
pub const SAMPLE_RATE: f32 = 48_000.0;

/// A fast seeded random source (xorshift).
#[derive(Clone)]
pub struct Rng(u32);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(((seed ^ (seed >> 32)) as u32).wrapping_mul(0x9E37_79B9) | 1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 24) as f32
    }

    /// Uniform in [-1, 1).
    pub fn signed(&mut self) -> f32 {
        self.unit() * 2.0 - 1.0
    }

    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p` (per call).
    pub fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
}

/// Pink noise (Paul Kellet's economical filter).
pub struct Pink {
    rng: Rng,
    b: [f32; 3],
}

impl Pink {
    pub fn new(seed: u64) -> Pink {
        Pink { rng: Rng::new(seed), b: [0.0; 3] }
    }

    pub fn sample(&mut self) -> f32 {
        let w = self.rng.signed();
        self.b[0] = 0.99765 * self.b[0] + w * 0.0990460;
        self.b[1] = 0.96300 * self.b[1] + w * 0.2965164;
        self.b[2] = 0.57000 * self.b[2] + w * 1.0526913;
        (self.b[0] + self.b[1] + self.b[2] + w * 0.1848) * 0.2
    }
}

/// Brown noise: integrated white noise with a leak so it stays centred.
pub struct Brown {
    rng: Rng,
    y: f32,
}

impl Brown {
    pub fn new(seed: u64) -> Brown {
        Brown { rng: Rng::new(seed), y: 0.0 }
    }

    pub fn sample(&mut self) -> f32 {
        self.y = (self.y * 0.998 + self.rng.signed() * 0.06).clamp(-1.0, 1.0);
        self.y
    }
}

/// One-pole low-pass filter.
#[derive(Clone, Copy)]
pub struct LowPass {
    a: f32,
    y: f32,
}

impl LowPass {
    pub fn new(cutoff_hz: f32) -> LowPass {
        let mut f = LowPass { a: 0.0, y: 0.0 };
        f.set(cutoff_hz);
        f
    }

    pub fn set(&mut self, cutoff_hz: f32) {
        self.a = 1.0 - (-TAU * cutoff_hz.max(1.0) / SAMPLE_RATE).exp();
    }

    pub fn next(&mut self, x: f32) -> f32 {
        self.y += self.a * (x - self.y);
        self.y
    }
}

/// One-pole high-pass filter.
#[derive(Clone, Copy)]
pub struct HighPass {
    low: LowPass,
}

impl HighPass {
    pub fn new(cutoff_hz: f32) -> HighPass {
        HighPass { low: LowPass::new(cutoff_hz) }
    }

    pub fn next(&mut self, x: f32) -> f32 {
        x - self.low.next(x)
    }
}

/// A resonant band-pass filter (state-variable, Chamberlin), its centre movable per sample.
#[derive(Clone, Copy)]
pub struct BandPass {
    f: f32,
    damping: f32,
    low: f32,
    band: f32,
}

impl BandPass {
    /// `q`: about 0.7 (wide) to 20 (a ringing tone).
    pub fn new(centre_hz: f32, q: f32) -> BandPass {
        let mut b = BandPass { f: 0.0, damping: 1.0 / q.max(0.5), low: 0.0, band: 0.0 };
        b.set(centre_hz);
        b
    }

    pub fn set(&mut self, centre_hz: f32) {
        self.f = 2.0 * (std::f32::consts::PI * centre_hz.clamp(10.0, SAMPLE_RATE / 6.0) / SAMPLE_RATE).sin();
    }

    pub fn next(&mut self, x: f32) -> f32 {
        self.low += self.f * self.band;
        let high = x - self.low - self.damping * self.band;
        self.band += self.f * high;
        self.band
    }
}

/// A phase accumulator in [0, 1).
#[derive(Clone, Copy, Default)]
pub struct Phase(pub f32);

impl Phase {
    pub fn advance(&mut self, hz: f32) -> f32 {
        self.0 += hz / SAMPLE_RATE;
        self.0 -= self.0.floor();
        self.0
    }
}

/// A sine from a phase in [0, 1) (a parabolic approximation: cheap, clean enough).
pub fn sine(phase: f32) -> f32 {
    let x = phase * 2.0 - 1.0;
    let y = 4.0 * x * (1.0 - x.abs());
    -(0.225 * (y * y.abs() - y) + y)
}

/// A sawtooth from a phase in [0, 1).
pub fn saw(phase: f32) -> f32 {
    phase * 2.0 - 1.0
}

/// A sine oscillator.
#[derive(Clone, Copy, Default)]
pub struct Sine {
    phase: Phase,
}

impl Sine {
    pub fn next(&mut self, hz: f32) -> f32 {
        sine(self.phase.advance(hz))
    }
}

/// An exponential decay retriggered by `hit`: the shape of every drop, pop and strike.
#[derive(Clone, Copy)]
pub struct Decay {
    level: f32,
    factor: f32,
}

impl Decay {
    /// `seconds`: time to fall to about 1/1000 (−60 dB).
    pub fn new(seconds: f32) -> Decay {
        Decay { level: 0.0, factor: Self::factor(seconds) }
    }

    fn factor(seconds: f32) -> f32 {
        (-6.9 / (seconds.max(0.001) * SAMPLE_RATE)).exp()
    }

    pub fn hit(&mut self, level: f32) {
        self.level = level;
    }

    pub fn hit_with(&mut self, level: f32, seconds: f32) {
        self.level = level;
        self.factor = Self::factor(seconds);
    }

    pub fn sample(&mut self) -> f32 {
        self.level *= self.factor;
        self.level
    }

    pub fn active(&self) -> bool {
        self.level > 1e-4
    }
}

/// A slowly wandering value in [0, 1] (smoothed random steps): gusts, swells, moods.
pub struct Drift {
    rng: Rng,
    target: f32,
    value: LowPass,
    countdown: u32,
    period: u32,
}

impl Drift {
    /// `seconds`: how often it picks a new direction.
    pub fn new(seed: u64, seconds: f32) -> Drift {
        let mut rng = Rng::new(seed);
        let start = rng.unit();
        let mut value = LowPass::new(1.0 / seconds.max(0.05));
        value.y = start;
        let period = (seconds * SAMPLE_RATE) as u32;
        Drift { rng, target: start, value, countdown: 0, period: period.max(1) }
    }

    pub fn sample(&mut self) -> f32 {
        if self.countdown == 0 {
            self.target = self.rng.unit();
            self.countdown = self.period;
        }
        self.countdown -= 1;
        self.value.next(self.target)
    }
}

/// Karplus–Strong plucked string.
pub struct Pluck {
    line: Vec<f32>,
    at: usize,
    rng: Rng,
    damping: f32,
}

impl Pluck {
    pub fn new(seed: u64) -> Pluck {
        Pluck { line: vec![0.0; 2], at: 0, rng: Rng::new(seed), damping: 0.996 }
    }

    /// Starts a note at `hz`; `brightness` 0..1 shapes the attack.
    pub fn pluck(&mut self, hz: f32, brightness: f32) {
        let n = (SAMPLE_RATE / hz.max(20.0)) as usize;
        self.line.resize(n.max(2), 0.0);
        let mut smooth = 0.0;
        for v in self.line.iter_mut() {
            let x = self.rng.signed();
            smooth += (x - smooth) * (0.2 + 0.8 * brightness);
            *v = smooth;
        }
        self.at = 0;
    }

    pub fn sample(&mut self) -> f32 {
        let n = self.line.len();
        let (a, b) = (self.line[self.at], self.line[(self.at + 1) % n]);
        self.line[self.at] = (a + b) * 0.5 * self.damping;
        self.at = (self.at + 1) % n;
        a
    }
}

/// Samples of a period in seconds, at least one.
pub fn samples(seconds: f32) -> u32 {
    ((seconds * SAMPLE_RATE) as u32).max(1)
}

/// Frequency of a MIDI note number.
pub fn midi(note: f32) -> f32 {
    440.0 * 2f32.powf((note - 69.0) / 12.0)
}
