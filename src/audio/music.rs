//! Music made in code: a bed for each mood (chords, pads, plucks, drums), and the band
//! sounds a scene can attach to its musicians (drums, guitar, choir).

use super::dsp::*;
use super::voices::{Voice, voice_from};
use crate::scene::MusicMood;

/// A steady clock of beats at `bpm`, with `steps` subdivisions per beat.
struct Beat {
    phase: Phase,
    hz: f32,
    last: f32,
    pub step: u32,
}

impl Beat {
    fn new(bpm: f32, steps: u32) -> Beat {
        Beat { phase: Phase(0.999), hz: bpm / 60.0 * steps as f32, last: 1.0, step: u32::MAX }
    }

    /// True at the start of each step.
    fn tick(&mut self) -> bool {
        let p = self.phase.advance(self.hz);
        let new = p < self.last;
        self.last = p;
        if new {
            self.step = self.step.wrapping_add(1);
        }
        new
    }
}

/// A kick, snare and hi-hat pattern (rock when `backbeat`, else a march).
pub fn drum_loop(seed: u64, bpm: f32, backbeat: bool) -> Box<dyn Voice> {
    let mut rng = Rng::new(seed);
    let mut beat = Beat::new(bpm, 4);
    let (mut kick_osc, mut kick, mut kick_hz) = (Sine::default(), Decay::new(0.25), 50.0f32);
    let (mut snare, mut snare_tone, mut snare_band) = (Decay::new(0.18), Sine::default(), BandPass::new(2500.0, 0.8));
    let (mut hat, mut hat_hp) = (Decay::new(0.04), HighPass::new(7000.0));
    voice_from(move || {
        if beat.tick() {
            let s = beat.step % 16;
            let kick_at = if backbeat { matches!(s, 0 | 6 | 8 | 10) } else { s.is_multiple_of(4) };
            let snare_at = if backbeat { matches!(s, 4 | 12) } else { matches!(s, 4 | 12 | 14) };
            if kick_at {
                kick.hit(1.0);
                kick_hz = 130.0;
            }
            if snare_at {
                snare.hit(0.8);
            }
            if s.is_multiple_of(2) {
                hat.hit(if s.is_multiple_of(4) { 0.4 } else { 0.25 });
            }
        }
        kick_hz = 48.0 + (kick_hz - 48.0) * 0.9993;
        let k = kick_osc.next(kick_hz) * kick.sample() * 1.4;
        let sn = snare_band.next(rng.signed()) * snare.sample() * 1.3 + snare_tone.next(190.0) * snare.sample() * 0.3;
        let h = hat_hp.next(rng.signed()) * hat.sample() * 0.5;
        k + sn + h
    })
}

/// Distorted power chords on the beat: E5, C5, D5, A5.
pub fn power_chords(seed: u64) -> Box<dyn Voice> {
    let mut beat = Beat::new(118.0, 2);
    let mut strings: Vec<Pluck> = (0..3).map(|i| Pluck::new(seed + i)).collect();
    let roots = [40.0, 36.0, 38.0, 45.0];
    let mut tone = LowPass::new(3000.0);
    voice_from(move || {
        if beat.tick() {
            let root = roots[(beat.step / 8) as usize % roots.len()];
            for (i, s) in strings.iter_mut().enumerate() {
                s.pluck(midi(root + [0.0, 7.0, 12.0][i]), 0.9);
            }
        }
        let raw: f32 = strings.iter_mut().map(Pluck::sample).sum();
        tone.next((raw * 4.0).tanh()) * 0.6
    })
}

/// A choir singing "aah" on slowly changing chords.
pub fn choir(seed: u64) -> Box<dyn Voice> {
    pad(seed, &[[57.0, 60.0, 64.0], [53.0, 57.0, 60.0], [55.0, 59.0, 62.0], [52.0, 55.0, 59.0]], 4.0, true)
}

/// Sustained chords of detuned saws, optionally through vowel formants.
fn pad(seed: u64, chords: &[[f32; 3]], seconds_per_chord: f32, vowel: bool) -> Box<dyn Voice> {
    let chords = chords.to_vec();
    let mut oscs: Vec<Phase> = (0..6).map(|i| Phase(i as f32 * 0.17)).collect();
    let (mut f1, mut f2, mut soft) = (BandPass::new(750.0, 4.0), BandPass::new(1200.0, 5.0), LowPass::new(1400.0));
    let (mut n, per) = (0u32, samples(seconds_per_chord));
    let mut glide: [f32; 3] = chords[0].map(midi);
    let mut swell = Drift::new(seed, 2.0);
    voice_from(move || {
        let chord = chords[(n / per) as usize % chords.len()].map(midi);
        n = n.wrapping_add(1);
        for (g, c) in glide.iter_mut().zip(chord) {
            *g += (c - *g) * 0.0005;
        }
        let mut s = 0.0;
        for (i, osc) in oscs.iter_mut().enumerate() {
            let detune = if i % 2 == 0 { 1.003 } else { 0.997 };
            s += saw(osc.advance(glide[i % 3] * detune));
        }
        let body = if vowel { f1.next(s) + f2.next(s) * 0.6 } else { soft.next(s) * 0.5 };
        body * (0.6 + 0.4 * swell.sample()) * 0.5
    })
}

/// Plucked notes cycling through a chord's tones.
fn arpeggio(seed: u64, chords: &[[f32; 3]], bpm: f32, steps_per_chord: u32) -> Box<dyn Voice> {
    let chords = chords.to_vec();
    let mut beat = Beat::new(bpm, 2);
    let mut string = Pluck::new(seed);
    voice_from(move || {
        if beat.tick() {
            let chord = chords[(beat.step / steps_per_chord) as usize % chords.len()];
            let note = chord[beat.step as usize % 3] + if beat.step % 6 >= 3 { 12.0 } else { 0.0 };
            string.pluck(midi(note), 0.6);
        }
        string.sample() * 0.7
    })
}

/// Several voices summed with gains.
fn layered(mut parts: Vec<(Box<dyn Voice>, f32)>) -> Box<dyn Voice> {
    voice_from(move || parts.iter_mut().map(|(v, g)| v.next() * *g).sum())
}

/// The music bed of a mood; `None` for silence.
pub fn music_bed(mood: MusicMood, seed: u64) -> Option<Box<dyn Voice>> {
    const MINOR: [[f32; 3]; 4] = [[50.0, 53.0, 57.0], [46.0, 50.0, 53.0], [48.0, 52.0, 55.0], [45.0, 49.0, 52.0]];
    const MAJOR: [[f32; 3]; 4] = [[48.0, 52.0, 55.0], [53.0, 57.0, 60.0], [55.0, 59.0, 62.0], [48.0, 52.0, 55.0]];
    const DARK: [[f32; 3]; 2] = [[45.0, 48.0, 51.0], [44.0, 47.0, 51.0]];
    Some(match mood {
        MusicMood::None => return None,
        MusicMood::Adventurous => layered(vec![
            (arpeggio(seed, &MINOR, 132.0, 12), 0.9),
            (pad(seed + 1, &MINOR, 3.3, false), 0.5),
            (drum_loop(seed + 2, 66.0, false), 0.35),
        ]),
        MusicMood::Epic => layered(vec![(pad(seed, &MINOR, 4.0, true), 0.8), (drum_loop(seed + 1, 60.0, false), 0.6)]),
        MusicMood::Calm => layered(vec![(pad(seed, &MAJOR, 6.0, false), 0.7), (arpeggio(seed + 1, &MAJOR, 70.0, 12), 0.5)]),
        MusicMood::Tense => layered(vec![(pad(seed, &DARK, 5.0, false), 0.8), (drum_loop(seed + 1, 50.0, false), 0.3)]),
        MusicMood::Spooky => layered(vec![(pad(seed, &DARK, 7.0, true), 0.7), (arpeggio(seed + 1, &DARK, 50.0, 6), 0.4)]),
        MusicMood::Festive => layered(vec![(arpeggio(seed, &MAJOR, 150.0, 8), 0.8), (drum_loop(seed + 1, 120.0, true), 0.5)]),
        MusicMood::Rock => layered(vec![(power_chords(seed), 0.7), (drum_loop(seed + 1, 118.0, true), 0.8)]),
        MusicMood::Melancholic => layered(vec![(pad(seed, &MINOR, 6.0, false), 0.7), (arpeggio(seed + 1, &MINOR, 60.0, 12), 0.5)]),
    })
}
