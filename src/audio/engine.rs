//! The soundscape on kira: every layer on its own track (spatial when it sounds from an
//! instance), the listener at the player's head, weather crossfades, cues at their beats,
//! and a limiter on the main track. Generic over kira's backend: a sound card or offline.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use kira::backend::Backend;
use kira::effect::filter::{FilterBuilder, FilterMode};
use kira::effect::reverb::ReverbBuilder;
use kira::effect::{Effect, EffectBuilder};
use kira::info::Info;
use kira::listener::ListenerHandle;
use kira::sound::{Sound, SoundData};
use kira::track::{MainTrackBuilder, SpatialTrackBuilder, SpatialTrackDistances, SpatialTrackHandle, TrackBuilder, TrackHandle};
use kira::{AudioManager, AudioManagerSettings, Capacities, Decibels, Frame, Mix, Tween};

use super::dsp::SAMPLE_RATE;
use super::mix::{Cue, Layer, LayerSound, MixPlan, OUTSIDE_CUTOFF_HZ, layer_db_at};
use super::music::music_bed;
use super::voices::{Voice, voice};
use crate::plan::timeline::hidden_at;
use crate::plan::{Layout, Motions};

/// Every voice is scaled to this RMS level at 0 dB.
const REFERENCE_RMS: f32 = 0.06;
/// Seconds of a voice measured to calibrate it (long enough for sparse sounds to occur).
const CALIBRATION_S: f32 = 8.0;

/// The loudest a calibrated sound may peak (full scale is 1), before the mix.
const PEAK_CEILING: f32 = 0.7;

/// The gain that brings a sound's RMS to the reference, measured once per sound.
pub fn calibration(sound: LayerSound) -> f32 {
    static GAINS: OnceLock<Mutex<HashMap<String, f32>>> = OnceLock::new();
    let key = format!("{sound:?}");
    let gains = GAINS.get_or_init(Default::default);
    if let Some(g) = gains.lock().ok().and_then(|g| g.get(&key).copied()) {
        return g;
    }
    let mut v = make_voice(sound, 7);
    let n = (CALIBRATION_S * SAMPLE_RATE) as usize;
    let (mut energy, mut peak) = (0.0f64, 0.0f32);
    for _ in 0..n {
        let x = v.next();
        energy += (x as f64).powi(2);
        peak = peak.max(x.abs());
    }
    let rms = (energy / n as f64).sqrt() as f32;
    // Sparse sounds are loud when they happen: cap the boost, and keep their transients (a
    // footstep) clear of clipping.
    let gain = (REFERENCE_RMS / rms.max(1e-6)).min(20.0).min(PEAK_CEILING / peak.max(1e-6));
    if let Ok(mut g) = gains.lock() {
        g.insert(key, gain);
    }
    gain
}

fn make_voice(sound: LayerSound, seed: u64) -> Box<dyn Voice> {
    match sound {
        LayerSound::Sound(kind) => voice(kind, seed),
        LayerSound::Music(mood) => music_bed(mood, seed).unwrap_or_else(|| super::voices::voice_from(|| 0.0)),
    }
}

/// A voice as a kira sound: resampled to the backend's rate, for ever or for a while.
struct VoiceSound {
    voice: Box<dyn Voice>,
    gain: f32,
    /// Voice samples left (one-shots), with a short fade at the end.
    left: Option<u32>,
    fade: u32,
    position: f64,
    previous: f32,
    current: f32,
}

impl Sound for VoiceSound {
    fn process(&mut self, out: &mut [Frame], dt: f64, _info: &Info) {
        let step = dt * SAMPLE_RATE as f64;
        for frame in out {
            self.position += step;
            while self.position >= 1.0 {
                self.position -= 1.0;
                self.previous = self.current;
                self.current = self.voice.next();
                if let Some(left) = &mut self.left {
                    *left = left.saturating_sub(1);
                }
            }
            let fade = self.left.map_or(1.0, |l| (l as f32 / self.fade as f32).min(1.0));
            let s = self.previous + (self.current - self.previous) * self.position as f32;
            *frame = Frame::from_mono(s * self.gain * fade);
        }
    }

    fn finished(&self) -> bool {
        self.left == Some(0)
    }
}

struct PlayVoice(VoiceSound);

impl SoundData for PlayVoice {
    type Error = ();
    type Handle = ();

    fn into_sound(self) -> Result<(Box<dyn Sound>, ()), ()> {
        Ok((Box::new(self.0), ()))
    }
}

fn play_voice(sound: LayerSound, seed: u64, seconds: Option<f32>) -> PlayVoice {
    let fade = (0.4 * SAMPLE_RATE) as u32;
    PlayVoice(VoiceSound {
        voice: make_voice(sound, seed),
        gain: calibration(sound),
        left: seconds.map(|s| (s * SAMPLE_RATE) as u32),
        fade,
        position: 0.0,
        previous: 0.0,
        current: 0.0,
    })
}

/// A peak limiter on the main track: the output never exceeds [`CEILING`]. The gain follows
/// the loudest recent peak at once and recovers over about 150 ms.
struct Limiter {
    envelope: f32,
}

/// Highest output sample, a little under full scale.
const CEILING: f32 = 0.89;

impl Effect for Limiter {
    fn process(&mut self, input: &mut [Frame], dt: f64, _info: &Info) {
        let release = (-(dt as f32) / 0.15).exp();
        for f in input {
            let peak = f.left.abs().max(f.right.abs());
            self.envelope = if peak > self.envelope { peak } else { self.envelope * release + peak * (1.0 - release) };
            let gain = if self.envelope > CEILING { CEILING / self.envelope } else { 1.0 };
            f.left *= gain;
            f.right *= gain;
        }
    }
}

struct LimiterBuilder;

impl EffectBuilder for LimiterBuilder {
    type Handle = ();
    fn build(self) -> (Box<dyn Effect>, ()) {
        (Box::new(Limiter { envelope: 0.0 }), ())
    }
}

enum Track {
    Everywhere(TrackHandle),
    At(SpatialTrackHandle, usize),
}

impl Track {
    fn set_volume(&mut self, db: f32, tween: Tween) {
        match self {
            Track::Everywhere(t) => t.set_volume(Decibels(db), tween),
            Track::At(t, _) => t.set_volume(Decibels(db), tween),
        }
    }
}

struct Playing {
    layer: Layer,
    track: Track,
    db: f32,
}

fn vec3(p: [f32; 3]) -> mint::Vector3<f32> {
    mint::Vector3 { x: p[0], y: p[1], z: p[2] }
}

/// Where the listener is: the player's head, and which way it faces.
#[derive(Debug, Clone, Copy)]
pub struct Ear {
    pub position: [f32; 3],
    /// Rotation (x, y, z, w) of the head, Bevy's convention (looking along -Z).
    pub rotation: [f32; 4],
}

impl Ear {
    /// The player's head at the spawn (carried by a moving carrier) at time `t`.
    pub fn at_spawn(layout: &Layout, t: f32) -> Ear {
        let pose = Motions::new(layout).spawn_pose(t);
        let [x, y, z] = pose.position;
        let half = -pose.yaw_deg.to_radians() / 2.0;
        Ear { position: [x, y + 1.7, z], rotation: [0.0, half.sin(), 0.0, half.cos()] }
    }
}

/// A live soundscape of one layout.
pub struct Soundscape<B: Backend> {
    manager: AudioManager<B>,
    listener: ListenerHandle,
    playing: Vec<Playing>,
    cues: Vec<Cue>,
    next_cue: usize,
    layout: std::sync::Arc<Layout>,
    seed: u64,
}

/// Why the soundscape could not start or play a sound.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio output")]
    Output(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// What kira refused (a track, a listener, a sound), and its reason.
    #[error("kira: {what}")]
    Engine {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("kira did not start the renderer")]
    NotStarted,
}

/// Keeps kira's error as the cause of what it refused.
fn engine<E: std::error::Error + Send + Sync + 'static>(what: &'static str) -> impl FnOnce(E) -> AudioError {
    move |e| AudioError::Engine { what, source: Box::new(e) }
}

impl<B: Backend> Soundscape<B> {
    pub fn new(backend_settings: B::Settings, layout: std::sync::Arc<Layout>) -> Result<Soundscape<B>, AudioError>
    where
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let capacities = Capacities { sub_track_capacity: 256, ..Default::default() };
        let plan = MixPlan::of(&layout);
        let mut main = MainTrackBuilder::new();
        if let Some(room) = plan.room {
            // The room rings: a longer reverberation time is a larger, more reflective room.
            let feedback = (1.0 - 0.35 / room.reverb_s.max(0.2)).clamp(0.5, 0.95) as f64;
            main.add_effect(ReverbBuilder::new().feedback(feedback).damping(0.4).mix(Mix(room.wet)));
        }
        main.add_effect(LimiterBuilder);
        let settings = AudioManagerSettings::<B> { capacities, main_track_builder: main, internal_buffer_size: 128, backend_settings };
        let mut manager = AudioManager::<B>::new(settings).map_err(|e| AudioError::Output(Box::new(e)))?;
        let ear = Ear::at_spawn(&layout, 0.0);
        let listener = manager.add_listener(vec3(ear.position), quat(ear.rotation)).map_err(engine("a listener"))?;
        let mut scape = Soundscape { manager, listener, playing: Vec::new(), cues: plan.cues, next_cue: 0, seed: layout.seed, layout };
        for (i, layer) in plan.layers.into_iter().enumerate() {
            scape.start_layer(layer, i as u64)?;
        }
        Ok(scape)
    }

    fn start_layer(&mut self, layer: Layer, n: u64) -> Result<(), AudioError> {
        let db = self.target_db(&layer, 0.0, &hidden_at(&self.layout, 0.0));
        let mut track = self.track_for(layer.instance, db, layer.outside)?;
        let data = play_voice(layer.sound, self.seed.wrapping_add(n * 7919), None);
        match &mut track {
            Track::Everywhere(t) => t.play(data).map_err(engine("a sound"))?,
            Track::At(t, _) => t.play(data).map_err(engine("a sound"))?,
        }
        self.playing.push(Playing { layer, track, db });
        Ok(())
    }

    /// A track for a layer or a cue; `muffled` ones (heard from outside the room) through a
    /// low-pass filter.
    fn track_for(&mut self, instance: Option<usize>, db: f32, muffled: bool) -> Result<Track, AudioError> {
        let muffle = || FilterBuilder::new().mode(FilterMode::LowPass).cutoff(OUTSIDE_CUTOFF_HZ as f64);
        match instance {
            None => {
                let mut builder = TrackBuilder::new().volume(Decibels(db));
                if muffled {
                    builder.add_effect(muffle());
                }
                Ok(Track::Everywhere(self.manager.add_sub_track(builder).map_err(engine("a track"))?))
            }
            Some(i) => {
                let inst = &self.layout.instances[i];
                let near = inst.radius.max(2.0);
                let mut builder = SpatialTrackBuilder::new()
                    .volume(Decibels(db))
                    .distances(SpatialTrackDistances { min_distance: near, max_distance: near * 4.0 + 250.0 });
                if muffled {
                    builder.add_effect(muffle());
                }
                let at = vec3(Motions::new(&self.layout).pose(i, 0.0).position);
                Ok(Track::At(self.manager.add_spatial_sub_track(&self.listener, at, builder).map_err(engine("a spatial track"))?, i))
            }
        }
    }

    /// The level a layer should have at `t`, given the entities the timeline hides then (and
    /// the instances that have walked out).
    fn target_db(&self, layer: &Layer, t: f32, hidden: &HashSet<String>) -> f32 {
        let gone = layer.entity.as_ref().is_some_and(|e| hidden.contains(e)) || layer.instance.is_some_and(|i| self.layout.has_left(i, t));
        if gone { -80.0 } else { layer_db_at(layer, &self.layout, t) }
    }

    /// Moves the listener and the spatial sources to time `t`, fades layers whose level
    /// changed (weather, appearing entities) and starts the cues that are due.
    pub fn update(&mut self, t: f32, ear: Ear) {
        self.listener.set_position(vec3(ear.position), Tween::default());
        self.listener.set_orientation(quat(ear.rotation), Tween::default());
        let motions = Motions::new(&self.layout);
        let fade = Tween { duration: std::time::Duration::from_secs(3), ..Default::default() };
        let hidden = hidden_at(&self.layout, t);
        for i in 0..self.playing.len() {
            let target = self.target_db(&self.playing[i].layer, t, &hidden);
            let p = &mut self.playing[i];
            if (target - p.db).abs() > 0.5 {
                p.track.set_volume(target, fade);
                p.db = target;
            }
            if let Track::At(track, instance) = &mut p.track {
                track.set_position(vec3(motions.pose(*instance, t).position), Tween::default());
            }
        }
        while self.next_cue < self.cues.len() && self.cues[self.next_cue].at <= t {
            let cue = self.cues[self.next_cue].clone();
            self.next_cue += 1;
            if t - cue.at > 1.0 {
                continue;
            }
            let _ = self.play_cue(&cue);
        }
    }

    fn play_cue(&mut self, cue: &Cue) -> Result<(), AudioError> {
        let mut track = self.track_for(cue.instance, cue.level_db, false)?;
        let data = play_voice(LayerSound::Sound(cue.sound), self.seed ^ (cue.at.to_bits() as u64), Some(cue.seconds));
        match &mut track {
            Track::Everywhere(t) => t.play(data).map_err(engine("a sound"))?,
            Track::At(t, _) => t.play(data).map_err(engine("a sound"))?,
        }
        // The track stays for the rest of this world; cues are few.
        self.playing.push(Playing {
            layer: Layer {
                sound: LayerSound::Sound(cue.sound),
                level_db: cue.level_db,
                instance: cue.instance,
                entity: None,
                weather: false,
                outside: false,
            },
            track,
            db: cue.level_db,
        });
        Ok(())
    }

    /// Fades the whole soundscape to `db` over `seconds` (an edit's crossfade: the old world's
    /// sounds fade out while the new world's fade in).
    pub fn fade_to(&mut self, db: f32, seconds: f32) {
        let tween = Tween { duration: std::time::Duration::from_secs_f32(seconds.max(0.0)), ..Default::default() };
        self.manager.main_track().set_volume(Decibels(db), tween);
    }

    pub fn layers(&self) -> usize {
        self.playing.len()
    }

    pub fn backend_mut(&mut self) -> &mut B {
        self.manager.backend_mut()
    }
}

fn quat(q: [f32; 4]) -> mint::Quaternion<f32> {
    mint::Quaternion { v: mint::Vector3 { x: q[0], y: q[1], z: q[2] }, s: q[3] }
}
