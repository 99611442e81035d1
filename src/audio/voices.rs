//! One synthesised voice per [`SoundKind`]: every sound of the scene format is made in code,
//! so no scene is ever silent for want of a file. Voices are mono, at [`SAMPLE_RATE`].

use super::dsp::*;
use crate::scene::SoundKind;

/// A mono sound source.
pub trait Voice: Send {
    fn next(&mut self) -> f32;

    fn fill(&mut self, out: &mut [f32]) {
        for s in out {
            *s = self.next();
        }
    }
}

struct Closure<F>(F);

impl<F: FnMut() -> f32 + Send> Voice for Closure<F> {
    fn next(&mut self) -> f32 {
        (self.0)()
    }
}

pub fn voice_from(f: impl FnMut() -> f32 + Send + 'static) -> Box<dyn Voice> {
    Box::new(Closure(f))
}

/// Fires at random intervals between `lo` and `hi` seconds.
pub struct Every {
    rng: Rng,
    countdown: u32,
    lo: f32,
    hi: f32,
}

impl Every {
    pub fn new(seed: u64, lo: f32, hi: f32) -> Every {
        let mut rng = Rng::new(seed ^ 0xE7E7);
        let countdown = samples(rng.range(0.0, lo.max(0.01)));
        Every { rng, countdown, lo, hi }
    }

    /// Fires first after `first` seconds (a phone set ringing by a beat rings at once), then
    /// at random intervals between `lo` and `hi`.
    pub fn first_after(seed: u64, first: f32, lo: f32, hi: f32) -> Every {
        Every { rng: Rng::new(seed ^ 0xE7E7), countdown: (first.max(0.0) * SAMPLE_RATE) as u32, lo, hi }
    }

    pub fn tick(&mut self) -> bool {
        if self.countdown == 0 {
            self.countdown = samples(self.rng.range(self.lo, self.hi));
            return true;
        }
        self.countdown -= 1;
        false
    }
}

/// The voice of a sound kind; `seed` varies its details.
pub fn voice(kind: SoundKind, seed: u64) -> Box<dyn Voice> {
    match kind {
        SoundKind::Waves => waves(seed),
        SoundKind::Wind => wind(seed),
        SoundKind::Rain => rain(seed),
        SoundKind::Thunder => booms(seed, 6.0, 14.0, 120.0, 4.0),
        SoundKind::CrowdMurmur => crowd(seed, false),
        SoundKind::CrowdCheer => crowd(seed, true),
        SoundKind::Engine => engine(seed, 45.0, 0.0),
        SoundKind::Propeller => engine(seed, 85.0, 24.0),
        SoundKind::JetEngine => jet(seed),
        SoundKind::Fire => fire(seed),
        SoundKind::Birds => chirps(seed, 2500.0, 5500.0, 0.06, 0.25, 0.8),
        SoundKind::Seagulls => gulls(seed),
        SoundKind::CreakingWood => creaks(seed),
        SoundKind::Gunfire => gunfire(seed),
        SoundKind::Flak => booms(seed, 1.2, 3.5, 300.0, 0.9),
        SoundKind::Cannon => booms(seed, 7.0, 14.0, 220.0, 1.8),
        SoundKind::Bells => bells(seed),
        SoundKind::Owl => hoots(seed),
        SoundKind::Crickets => crickets(seed),
        SoundKind::Frogs => frogs(seed),
        SoundKind::Insects => insects(seed),
        SoundKind::Bubbles => bubbles(seed, 0.08, 0.5),
        SoundKind::Drips => bubbles(seed, 0.6, 2.0),
        SoundKind::Moo => moos(seed),
        SoundKind::Drums => super::music::drum_loop(seed, 118.0, true),
        SoundKind::Guitar => super::music::power_chords(seed),
        SoundKind::Choir => super::music::choir(seed),
        SoundKind::Stream => stream(seed),
        SoundKind::Roar => roars(seed),
        SoundKind::Hooves => hooves(seed),
        SoundKind::Wings => wingbeats(seed),
        SoundKind::Alarm => alarm_bell(seed),
        SoundKind::Siren => siren(seed),
        SoundKind::Beeping => beeps(seed),
        SoundKind::Phone => phone(seed),
        SoundKind::Footsteps => footsteps(seed),
        SoundKind::Hum => hum(seed),
        SoundKind::Typing => typing(seed),
        SoundKind::Clatter => clatter(seed),
        SoundKind::Rumble => rumble(seed),
        SoundKind::Ticking => ticking(seed),
        SoundKind::Sizzle => sizzle(seed),
        SoundKind::Chime => chime(seed),
        SoundKind::Applause => applause(seed),
        SoundKind::Splash => splash(seed),
    }
}

/// A fire alarm: an electric bell's clapper striking about 18 times a second, in bursts of a
/// few seconds with short gaps (the temporal pattern of evacuation alarms).
fn alarm_bell(seed: u64) -> Box<dyn Voice> {
    let ratios = [1.0, 2.76, 5.4];
    let base = 950.0 * Rng::new(seed).range(0.95, 1.05);
    let mut partials: Vec<(Sine, f32)> = ratios.iter().map(|r| (Sine::default(), *r)).collect();
    // It rings from its first sample: an alarm set off at a beat is heard at that beat.
    let (mut strike, mut clapper, mut cycle) = (Decay::new(0.05), Phase(0.0), Phase(0.0));
    let mut last = 1.0;
    voice_from(move || {
        // 4 s cycles: ringing for 3.2 s, then silence.
        let ringing = cycle.advance(0.25) < 0.8;
        let c = clapper.advance(18.0);
        if c < last && ringing {
            strike.hit(1.0);
        }
        last = c;
        let env = strike.sample();
        partials.iter_mut().enumerate().map(|(i, (osc, r))| osc.next(base * *r) / (1.0 + i as f32)).sum::<f32>() * env * 0.8
    })
}

/// An emergency vehicle's wail: a tone sweeping up and down between 650 and 1500 Hz every
/// few seconds, with the harmonics of a horn speaker.
fn siren(seed: u64) -> Box<dyn Voice> {
    let (mut sweep, mut tone) = (Phase(Rng::new(seed).unit()), Phase(0.0));
    let mut horn = BandPass::new(1200.0, 0.8);
    voice_from(move || {
        let s = sine(sweep.advance(0.22)) * 0.5 + 0.5;
        let hz = 650.0 + 850.0 * s;
        let p = tone.advance(hz);
        let raw = sine(p) * 0.7 + sine(p * 2.0 % 1.0) * 0.2 + saw(p) * 0.15;
        horn.next(raw) * 1.6
    })
}

/// A patient monitor (or a till's scanner): a short pure beep about once a second.
fn beeps(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let hz = [880.0, 960.0, 1040.0][(rng.unit() * 2.99) as usize];
    let period = samples(rng.range(0.75, 1.1));
    let (mut osc, mut n) = (Sine::default(), samples(rng.range(0.0, 0.8)));
    let length = samples(0.09);
    voice_from(move || {
        n = (n + 1) % period;
        if n < length {
            // A soft edge at either end so the beep does not click.
            let edge = (n.min(length - n) as f32 / samples(0.005) as f32).min(1.0);
            osc.next(hz) * edge * 0.6
        } else {
            0.0
        }
    })
}

/// A telephone: two tones together (440 and 480 Hz, the ring of North American phones), two
/// rings of 1.6 s, from the start and again every 6 to 16 s.
fn phone(seed: u64) -> Box<dyn Voice> {
    let (mut a, mut b, mut warble) = (Sine::default(), Sine::default(), Phase(0.0));
    let mut ring = Every::first_after(seed, 0.0, 6.0, 16.0);
    let mut left = 0u32;
    voice_from(move || {
        if ring.tick() {
            left = samples(4.0);
        }
        if left == 0 {
            return 0.0;
        }
        left -= 1;
        // Two 1.6 s rings with a short gap between them.
        let t = samples(4.0) - left;
        let on = t < samples(1.6) || (t > samples(2.0) && t < samples(3.6));
        let w = 0.6 + 0.4 * sine(warble.advance(20.0));
        if on { (a.next(440.0) + b.next(480.0)) * 0.35 * w } else { 0.0 }
    })
}

/// People walking on a hard floor: heel and toe, at a walking pace, several walkers at once.
fn footsteps(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut walkers: Vec<(Every, Decay, BandPass)> =
        (0..3).map(|i| (Every::new(seed + i, 0.45, 0.62), Decay::new(0.03), BandPass::new(rng.range(600.0, 1400.0), 1.5))).collect();
    let mut low = LowPass::new(3500.0);
    voice_from(move || {
        let mut out = 0.0;
        for (step, heel, band) in &mut walkers {
            if step.tick() {
                heel.hit(rng.range(0.4, 1.0));
            }
            out += band.next(rng.signed() * heel.sample());
        }
        low.next(out) * 2.2
    })
}

/// Machines and ventilation: the mains hum (50 Hz and its harmonics) over a steady airy hiss.
fn hum(seed: u64) -> Box<dyn Voice> {
    let (mut h1, mut h2, mut h3) = (Sine::default(), Sine::default(), Sine::default());
    let (mut air, mut band, mut drift) = (Pink::new(seed), BandPass::new(400.0, 0.7), Drift::new(seed + 1, 6.0));
    voice_from(move || {
        let mains = h1.next(50.0) * 0.5 + h2.next(100.0) * 0.35 + h3.next(150.0) * 0.15;
        mains * 0.6 + band.next(air.sample()) * (0.5 + 0.2 * drift.sample())
    })
}

/// Typing on keyboards: quick bursts of key clicks, with pauses between words and sentences.
fn typing(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let (mut click, mut band) = (Decay::new(0.012), BandPass::new(3000.0, 2.0));
    let (mut key, mut pause) = (Every::new(seed, 0.06, 0.16), 0u32);
    voice_from(move || {
        if pause > 0 {
            pause -= 1;
        } else if key.tick() {
            click.hit(rng.range(0.5, 1.0));
            band.set(rng.range(2000.0, 4500.0));
            if rng.chance(0.12) {
                pause = samples(rng.range(0.3, 1.5));
            }
        }
        band.next(rng.signed() * click.sample()) * 3.0
    })
}

/// Dishes, pans and tools: bright metallic knocks that ring briefly, at random.
fn clatter(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut knock = Every::new(seed, 0.15, 1.4);
    let mut rings: Vec<(Sine, Decay, f32)> = (0..3).map(|_| (Sine::default(), Decay::new(0.15), 1000.0)).collect();
    let (mut noise_hit, mut band) = (Decay::new(0.01), BandPass::new(4000.0, 1.5));
    voice_from(move || {
        if knock.tick() {
            let base = rng.range(900.0, 2600.0);
            for (i, (_, d, hz)) in rings.iter_mut().enumerate() {
                *hz = base * [1.0, 2.32, 3.9][i];
                d.hit(rng.range(0.3, 1.0) / (1.0 + i as f32));
            }
            noise_hit.hit(1.0);
        }
        let tone: f32 = rings.iter_mut().map(|(osc, d, hz)| osc.next(*hz) * d.sample()).sum();
        tone * 0.5 + band.next(rng.signed() * noise_hit.sample()) * 1.5
    })
}

/// An earthquake: a deep rumble that swells and fades, with creaks of the building.
fn rumble(seed: u64) -> Box<dyn Voice> {
    let (mut deep, mut low, mut swell) = (Brown::new(seed), LowPass::new(90.0), Drift::new(seed + 1, 1.5));
    let (mut rattle, mut rattle_band, mut rng) = (Decay::new(0.02), BandPass::new(1500.0, 3.0), Rng::new(seed + 2));
    voice_from(move || {
        let s = swell.sample();
        if rng.chance(0.002 * s) {
            rattle.hit(rng.range(0.3, 1.0));
            rattle_band.set(rng.range(800.0, 2500.0));
        }
        low.next(deep.sample()) * (1.5 + 2.5 * s) + rattle_band.next(rng.signed() * rattle.sample()) * 1.2
    })
}

/// A clock (or a countdown): a dry tick every second, the tock a little lower.
fn ticking(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    // Each tick is the escapement's short ring (a decaying tone, so every tick peaks alike)
    // with a touch of click noise on its attack; tick and tock differ in pitch.
    let (mut ring, mut tone, mut click, mut band) = (Decay::new(0.012), Sine::default(), Decay::new(0.002), BandPass::new(3200.0, 4.0));
    let (mut n, mut tock) = (0u32, false);
    voice_from(move || {
        n += 1;
        if n >= samples(1.0) {
            n = 0;
            tock = !tock;
            band.set(if tock { 2400.0 } else { 3200.0 });
            ring.hit(1.0);
            click.hit(1.0);
        }
        let hz = if tock { 2400.0 } else { 3200.0 };
        tone.next(hz) * ring.sample() + band.next(rng.signed() * click.sample()) * 1.5
    })
}

/// Food frying: a dense high crackle over a hiss.
fn sizzle(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let (mut hiss, mut soft, mut drift) = (HighPass::new(3000.0), LowPass::new(9000.0), Drift::new(seed + 1, 2.0));
    let (mut pop, mut pop_band) = (Decay::new(0.003), BandPass::new(5000.0, 2.0));
    voice_from(move || {
        if rng.chance(0.006) {
            pop.hit(rng.range(0.3, 1.0));
            pop_band.set(rng.range(3000.0, 8000.0));
        }
        soft.next(hiss.next(rng.signed())) * (0.35 + 0.2 * drift.sample()) + pop_band.next(rng.signed() * pop.sample()) * 3.0
    })
}

/// A public-address chime: three falling notes (a station's or an airport's announcement),
/// from the start and again every 14 to 30 s.
fn chime(seed: u64) -> Box<dyn Voice> {
    let notes = [midi(76.0), midi(72.0), midi(67.0)];
    let mut every = Every::first_after(seed, 0.0, 14.0, 30.0);
    let (mut osc, mut overtone, mut ring) = (Sine::default(), Sine::default(), Decay::new(0.9));
    let (mut at, mut note) = (0u32, 3usize);
    voice_from(move || {
        if every.tick() {
            (at, note) = (0, 0);
            ring.hit(1.0);
        }
        at += 1;
        if note < 3 && at >= samples(0.55) {
            (at, note) = (0, note + 1);
            if note < 3 {
                ring.hit(1.0);
            }
        }
        let hz = notes[note.min(2)];
        (osc.next(hz) + overtone.next(hz * 3.0) * 0.2) * ring.sample() * 0.6
    })
}

/// Applause: many hands clapping, each a short noise burst, dense enough to become a roar.
fn applause(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut hands: Vec<(Every, Decay, BandPass)> =
        (0..24).map(|i| (Every::new(seed + i, 0.18, 0.3), Decay::new(0.012), BandPass::new(rng.range(900.0, 2600.0), 1.2))).collect();
    voice_from(move || {
        let mut out = 0.0;
        for (clap, d, band) in &mut hands {
            if clap.tick() {
                d.hit(rng.range(0.4, 1.0));
            }
            out += band.next(rng.signed() * d.sample());
        }
        out * 0.9
    })
}

/// Water splashing (a pool, a fountain): bursts of bright noise with bubbling tones.
fn splash(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let (mut burst, mut band, mut every) = (Decay::new(0.25), BandPass::new(1500.0, 0.8), Every::new(seed, 0.4, 2.5));
    let (mut bubble, mut tone, mut hz) = (Decay::new(0.05), Sine::default(), 600.0f32);
    let mut bed = (Pink::new(seed + 1), HighPass::new(800.0));
    voice_from(move || {
        if every.tick() {
            burst.hit(rng.range(0.4, 1.0));
            band.set(rng.range(900.0, 2500.0));
        }
        if rng.chance(0.0015) {
            bubble.hit(rng.range(0.2, 0.6));
            hz = rng.range(400.0, 1400.0);
        }
        hz *= 1.00002;
        band.next(rng.signed() * burst.sample()) * 1.5 + tone.next(hz) * bubble.sample() * 0.4 + bed.1.next(bed.0.sample()) * 0.12
    })
}

fn waves(seed: u64) -> Box<dyn Voice> {
    // A low roar that swells with each wave, and a hiss of foam as it breaks.
    let (mut roar, mut foam) = (Brown::new(seed), Pink::new(seed + 1));
    let (mut low, mut hiss) = (LowPass::new(500.0), HighPass::new(1800.0));
    let (mut swell, mut wave_phase) = (Drift::new(seed + 2, 3.0), Phase(0.0));
    voice_from(move || {
        let p = wave_phase.advance(0.11);
        let surge = (sine(p) * 0.5 + 0.5).powf(2.0);
        let body = low.next(roar.sample()) * (0.4 + 0.6 * surge);
        let crash = hiss.next(foam.sample()) * surge.powf(3.0) * (0.5 + swell.sample());
        body * 1.6 + crash * 0.9
    })
}

fn wind(seed: u64) -> Box<dyn Voice> {
    let mut noise = Pink::new(seed);
    let (mut band, mut gust, mut pitch) = (BandPass::new(500.0, 2.5), Drift::new(seed + 1, 2.2), Drift::new(seed + 2, 1.3));
    let mut n = 0u32;
    voice_from(move || {
        let g = gust.sample();
        let p = pitch.sample();
        n = n.wrapping_add(1);
        if n.is_multiple_of(32) {
            band.set(250.0 + 700.0 * p * (0.5 + g));
        }
        band.next(noise.sample()) * (0.25 + 0.9 * g * g) * 2.0
    })
}

fn rain(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut hiss = HighPass::new(1200.0);
    let mut soft = LowPass::new(6000.0);
    let mut drop = Decay::new(0.012);
    let mut drop_tone = BandPass::new(3000.0, 4.0);
    voice_from(move || {
        if rng.chance(0.004) {
            drop.hit(rng.range(0.3, 1.0));
            drop_tone.set(rng.range(1500.0, 5000.0));
        }
        let patter = drop_tone.next(rng.signed() * drop.sample()) * 3.0;
        soft.next(hiss.next(rng.signed())) * 0.35 + patter
    })
}

/// Distant explosions (thunder, flak, cannon): a crack, then a low rumble dying away.
fn booms(seed: u64, lo: f32, hi: f32, cutoff: f32, seconds: f32) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, lo, hi);
    let (mut noise, mut low) = (Brown::new(seed + 1), LowPass::new(cutoff));
    let (mut body, mut crack) = (Decay::new(seconds), Decay::new(0.05));
    let (mut thump, mut thump_env) = (Sine::default(), Decay::new(seconds * 0.3));
    voice_from(move || {
        if every.tick() {
            let strength = rng.range(0.6, 1.0);
            body.hit(strength);
            crack.hit(strength);
            thump_env.hit(strength);
        }
        let rumble = low.next(noise.sample()) * body.sample() * 4.0;
        rumble + rng.signed() * crack.sample() * 0.6 + thump.next(48.0) * thump_env.sample() * 0.7
    })
}

fn crowd(seed: u64, cheering: bool) -> Box<dyn Voice> {
    // Many talkers: noise through vowel-like band-passes, each with its own syllable rhythm.
    let mut talkers: Vec<(Pink, BandPass, Drift, Phase, f32)> = (0..7)
        .map(|i| {
            let s = seed + i * 31;
            let centre = [350.0, 550.0, 800.0, 1100.0, 1500.0, 2200.0, 2800.0][i as usize];
            (Pink::new(s), BandPass::new(centre, 3.0), Drift::new(s + 1, 0.4), Phase(i as f32 * 0.13), 3.0 + i as f32 * 0.7)
        })
        .collect();
    let (mut roar, mut roar_band, mut swell) = (Pink::new(seed + 99), BandPass::new(1200.0, 0.8), Drift::new(seed + 98, 1.5));
    let (mut whistle, mut whistle_env, mut every) = (Sine::default(), Decay::new(0.6), Every::new(seed, 0.8, 3.0));
    let mut whistle_hz = 2500.0;
    voice_from(move || {
        let mut sum = 0.0;
        for (noise, band, drift, phase, rate) in talkers.iter_mut() {
            let syllable = (sine(phase.advance(*rate)) * 0.5 + 0.5) * drift.sample();
            sum += band.next(noise.sample()) * syllable;
        }
        if !cheering {
            return sum * 1.2;
        }
        if every.tick() {
            whistle_env.hit(0.5);
            whistle_hz = 2200.0 + 800.0 * swell.sample();
        }
        whistle_hz *= 0.99999;
        let cheer = roar_band.next(roar.sample()) * (0.6 + 0.8 * swell.sample());
        sum * 0.8 + cheer * 2.5 + whistle.next(whistle_hz) * whistle_env.sample() * 0.3
    })
}

/// An engine: a buzzing fundamental with harmonics and rumble; `chop` adds a propeller's beat.
fn engine(seed: u64, hz: f32, chop: f32) -> Box<dyn Voice> {
    let (mut a, mut b, mut c) = (Phase(0.0), Phase(0.3), Phase(0.6));
    let (mut rumble, mut low, mut tone) = (Brown::new(seed), LowPass::new(300.0), LowPass::new(1200.0));
    let (mut wobble, mut blade) = (Drift::new(seed + 1, 0.8), Phase(0.0));
    voice_from(move || {
        let f = hz * (1.0 + 0.03 * (wobble.sample() - 0.5));
        let buzz = saw(a.advance(f)) * 0.5 + saw(b.advance(f * 2.01)) * 0.3 + sine(c.advance(f * 0.5)) * 0.4;
        let beat = if chop > 0.0 { 0.55 + 0.45 * sine(blade.advance(chop)) } else { 1.0 };
        (tone.next(buzz) * 0.8 + low.next(rumble.sample()) * 1.2) * beat
    })
}

fn jet(seed: u64) -> Box<dyn Voice> {
    let (mut white, mut brown) = (Rng::new(seed), Brown::new(seed + 1));
    let (mut hiss, mut roar, mut whine) = (BandPass::new(3000.0, 0.7), LowPass::new(250.0), Sine::default());
    voice_from(move || hiss.next(white.signed()) * 0.5 + roar.next(brown.sample()) * 2.0 + whine.next(4200.0) * 0.02)
}

fn fire(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let (mut roar, mut low) = (Brown::new(seed + 1), LowPass::new(400.0));
    let (mut pop, mut pop_band) = (Decay::new(0.008), BandPass::new(2500.0, 2.0));
    voice_from(move || {
        if rng.chance(0.0008) {
            pop.hit(rng.range(0.4, 1.0));
            pop_band.set(rng.range(1000.0, 5000.0));
        }
        low.next(roar.sample()) * 1.2 + pop_band.next(rng.signed() * pop.sample()) * 6.0
    })
}

/// Songbirds: phrases of short rising and falling chirps.
fn chirps(seed: u64, lo_hz: f32, hi_hz: f32, chirp_s: f32, gap_lo: f32, gap_hi: f32) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, gap_lo, gap_hi);
    let (mut osc, mut env) = (Sine::default(), Decay::new(chirp_s));
    let (mut hz, mut glide) = (lo_hz, 1.0);
    voice_from(move || {
        if every.tick() {
            hz = rng.range(lo_hz, hi_hz);
            glide = if rng.chance(0.5) { 1.00006 } else { 0.99994 };
            env.hit(rng.range(0.4, 1.0));
        }
        hz *= glide;
        let e = env.sample();
        osc.next(hz) * e * e.sqrt()
    })
}

fn gulls(seed: u64) -> Box<dyn Voice> {
    // "kee-ow": a bright falling call with vibrato, a few in a row, then quiet.
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, 0.35, 4.0);
    let (mut osc, mut vib, mut env, mut band) = (Phase(0.0), Sine::default(), Decay::new(0.35), BandPass::new(1800.0, 2.0));
    let mut hz = 1600.0;
    voice_from(move || {
        if every.tick() {
            hz = rng.range(1400.0, 2000.0);
            env.hit(rng.range(0.5, 1.0));
        }
        hz = (hz * 0.99997).max(700.0);
        let e = env.sample();
        band.next(saw(osc.advance(hz + 40.0 * vib.next(7.0)))) * e * 2.5
    })
}

fn creaks(seed: u64) -> Box<dyn Voice> {
    // Wood under strain: a slow, rough friction tone gliding in pitch, now and then.
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, 1.5, 5.0);
    let (mut osc, mut env, mut band, mut rough) = (Phase(0.0), Decay::new(0.9), BandPass::new(600.0, 3.0), Drift::new(seed + 1, 0.02));
    let (mut hz, mut glide, mut hold) = (120.0, 1.0, 0u32);
    voice_from(move || {
        if every.tick() {
            hz = rng.range(70.0, 220.0);
            glide = rng.range(0.99997, 1.00003);
            env.hit(rng.range(0.5, 1.0));
            hold = samples(rng.range(0.3, 0.9));
        }
        hz *= glide;
        let e = if hold > 0 {
            hold -= 1;
            0.8
        } else {
            env.sample()
        };
        // Stick-slip: pulses whose width jitters, like a bow on a string.
        let stick = if osc.advance(hz) < 0.15 + 0.2 * rough.sample() { 1.0 } else { -0.2 };
        band.next(stick) * e * 1.8
    })
}

fn gunfire(seed: u64) -> Box<dyn Voice> {
    // Bursts of distant shots.
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, 1.5, 5.0);
    let (mut shot, mut low) = (Decay::new(0.15), LowPass::new(1500.0));
    let (mut left, mut gap) = (0u32, 0u32);
    voice_from(move || {
        if every.tick() {
            left = rng.range(3.0, 9.0) as u32;
        }
        if left > 0 {
            if gap == 0 {
                shot.hit(rng.range(0.6, 1.0));
                left -= 1;
                gap = samples(rng.range(0.07, 0.14));
            } else {
                gap -= 1;
            }
        }
        low.next(rng.signed() * shot.sample()) * 2.0
    })
}

fn bells(seed: u64) -> Box<dyn Voice> {
    // A church bell: inharmonic partials, struck every few seconds, ringing long.
    let mut every = Every::new(seed, 2.5, 2.6);
    let ratios = [0.5, 1.0, 1.19, 1.56, 2.0, 2.51, 2.66];
    let mut partials: Vec<(Sine, Decay, f32)> =
        ratios.iter().enumerate().map(|(i, r)| (Sine::default(), Decay::new(4.0 / (1.0 + i as f32 * 0.5)), *r)).collect();
    let base = 330.0 * Rng::new(seed).range(0.8, 1.2);
    voice_from(move || {
        if every.tick() {
            for (i, (_, d, _)) in partials.iter_mut().enumerate() {
                d.hit(1.0 / (1.0 + i as f32 * 0.6));
            }
        }
        partials.iter_mut().map(|(osc, d, r)| osc.next(base * *r) * d.sample()).sum::<f32>() * 0.4
    })
}

fn hoots(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, 3.0, 8.0);
    let (mut osc, mut env) = (Sine::default(), LowPass::new(12.0));
    let (mut on, mut second) = (0u32, 0u32);
    voice_from(move || {
        if every.tick() {
            on = samples(0.35);
            second = samples(rng.range(0.6, 0.9));
        }
        if second > 0 {
            second -= 1;
            if second == 0 {
                on = samples(0.6);
            }
        }
        let gate = if on > 0 {
            on -= 1;
            1.0
        } else {
            0.0
        };
        osc.next(390.0) * env.next(gate) * 0.9
    })
}

fn crickets(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let (mut osc, mut pulse, mut phrase) = (Sine::default(), Phase(0.0), Phase(rng.unit()));
    let hz = rng.range(4200.0, 5200.0);
    voice_from(move || {
        let chirping = phrase.advance(1.4) < 0.35;
        let pulses = if chirping && pulse.advance(28.0) < 0.5 { 1.0 } else { 0.0 };
        osc.next(hz) * pulses * 0.5
    })
}

fn frogs(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, 0.6, 2.5);
    let (mut osc, mut band, mut pulses) = (Phase(0.0), BandPass::new(700.0, 4.0), Phase(0.0));
    let (mut on, mut hz) = (0u32, 300.0);
    voice_from(move || {
        if every.tick() {
            on = samples(rng.range(0.2, 0.5));
            hz = rng.range(180.0, 320.0);
        }
        if on == 0 {
            return 0.0;
        }
        on -= 1;
        let gate = if pulses.advance(18.0) < 0.5 { 1.0 } else { 0.2 };
        band.next(saw(osc.advance(hz))) * gate * 1.5
    })
}

fn insects(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut buzz: Vec<(Phase, f32, Drift)> = (0..4).map(|i| (Phase(0.0), rng.range(180.0, 260.0), Drift::new(seed + i, 0.7))).collect();
    let mut band = BandPass::new(3500.0, 1.5);
    voice_from(move || band.next(buzz.iter_mut().map(|(p, hz, d)| saw(p.advance(*hz)) * d.sample()).sum()) * 1.2)
}

/// Bubbles and drips: little rising plinks (a bubble's resonance rises as it closes).
fn bubbles(seed: u64, lo: f32, hi: f32) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, lo, hi);
    let (mut osc, mut env) = (Sine::default(), Decay::new(0.08));
    let mut hz = 600.0;
    voice_from(move || {
        if every.tick() {
            hz = rng.range(300.0, 1400.0);
            env.hit_with(rng.range(0.4, 1.0), rng.range(0.04, 0.12));
        }
        hz *= 1.00003;
        osc.next(hz) * env.sample()
    })
}

/// An animal call: a sawtooth voice through two formant bands, gated on for a while now and
/// then, its pitch gliding down as it sounds.
struct Call {
    /// Seconds between calls, and how long each lasts.
    gap: (f32, f32),
    length: (f32, f32),
    pitch: (f32, f32),
    /// Pitch multiplier per sample while sounding.
    glide: f32,
    formants: [(f32, f32); 2],
    /// How much the pitch wavers, and how much breath noise there is.
    rough: f32,
    breath: f32,
    gain: f32,
}

fn call(seed: u64, c: Call) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut every = Every::new(seed, c.gap.0, c.gap.1);
    let [(hz1, q1), (hz2, q2)] = c.formants;
    let (mut osc, mut f1, mut f2, mut env) = (Phase(0.0), BandPass::new(hz1, q1), BandPass::new(hz2, q2), LowPass::new(3.0));
    let mut waver = Drift::new(seed + 1, 0.05);
    let (mut on, mut hz) = (0u32, c.pitch.0);
    voice_from(move || {
        if every.tick() {
            on = samples(rng.range(c.length.0, c.length.1));
            hz = rng.range(c.pitch.0, c.pitch.1);
        }
        let gate = if on > 0 {
            on -= 1;
            hz *= c.glide;
            1.0
        } else {
            0.0
        };
        let s = saw(osc.advance(hz * (1.0 + c.rough * waver.sample()))) + rng.signed() * c.breath;
        (f1.next(s) + f2.next(s) * 0.5) * env.next(gate) * c.gain
    })
}

fn moos(seed: u64) -> Box<dyn Voice> {
    let formants = [(600.0, 5.0), (1100.0, 6.0)];
    call(
        seed,
        Call { gap: (4.0, 10.0), length: (1.0, 1.8), pitch: (95.0, 130.0), glide: 0.999995, formants, rough: 0.0, breath: 0.0, gain: 1.2 },
    )
}

fn roars(seed: u64) -> Box<dyn Voice> {
    // A growl: lower, rougher and breathier than a moo.
    let formants = [(400.0, 3.0), (900.0, 4.0)];
    call(
        seed,
        Call { gap: (5.0, 12.0), length: (1.2, 2.5), pitch: (55.0, 90.0), glide: 0.99999, formants, rough: 0.15, breath: 0.4, gain: 1.8 },
    )
}

fn stream(seed: u64) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let (mut band, mut wobble, mut low, mut brown) =
        (BandPass::new(1500.0, 3.0), Drift::new(seed + 1, 0.03), LowPass::new(300.0), Brown::new(seed + 2));
    let mut n = 0u32;
    voice_from(move || {
        n = n.wrapping_add(1);
        if n.is_multiple_of(16) {
            band.set(900.0 + 1800.0 * wobble.sample());
        }
        band.next(rng.signed()) * 0.6 + low.next(brown.sample()) * 0.6
    })
}

fn hooves(seed: u64) -> Box<dyn Voice> {
    // Footfalls in a loose four-beat rhythm: short thuds with a click of hoof on ground.
    let mut rng = Rng::new(seed);
    let (mut thud, mut click, mut low, mut band) = (Decay::new(0.08), Decay::new(0.02), LowPass::new(300.0), BandPass::new(2000.0, 2.0));
    let mut step = Every::new(seed, 0.18, 0.32);
    voice_from(move || {
        if step.tick() {
            thud.hit(rng.range(0.5, 1.0));
            click.hit(rng.range(0.3, 0.7));
        }
        low.next(rng.signed() * thud.sample()) * 2.5 + band.next(rng.signed() * click.sample()) * 0.8
    })
}

fn wingbeats(seed: u64) -> Box<dyn Voice> {
    // Slow beats of big wings: a whoosh of air rising and falling with each stroke.
    let mut rng = Rng::new(seed);
    let (mut stroke, mut low, mut rate) = (Phase(0.0), LowPass::new(700.0), Drift::new(seed + 1, 2.0));
    voice_from(move || {
        let p = stroke.advance(1.1 + 0.3 * rate.sample());
        let push = (sine(p) * 0.5 + 0.5).powf(3.0);
        low.next(rng.signed()) * push * 1.8
    })
}
