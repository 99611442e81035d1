//! The mix of a layout: which sounds play, where, and how loud; weather layers that fade with
//! the weather; timeline cues. Pure data, so the live and offline soundscapes share it.

use crate::plan::Layout;
use crate::plan::timeline::weather_at;
use crate::scene::{BeatEvent, MusicMood, SoundKind, Terrain, WaterKind, Weather};

/// What a layer plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LayerSound {
    Sound(SoundKind),
    Music(MusicMood),
}

/// One continuous layer of the soundscape.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub sound: LayerSound,
    /// Loudness in dB relative to the calibrated voice (0 dB: −20 dBFS RMS).
    pub level_db: f32,
    /// The instance it sounds from (spatial), or none (heard everywhere).
    pub instance: Option<usize>,
    /// The entity it belongs to (silent while a timeline beat hides it).
    pub entity: Option<String>,
    /// Follows the weather: its level is scaled by [`weather_gain`].
    pub weather: bool,
}

/// A one-shot sound at a moment of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub at: f32,
    pub sound: SoundKind,
    pub instance: Option<usize>,
    pub seconds: f32,
    pub level_db: f32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MixPlan {
    pub layers: Vec<Layer>,
    pub cues: Vec<Cue>,
}

/// Music sits under the ambience so that it accompanies rather than covers.
const MUSIC_DB: f32 = -7.0;
/// Spatial sources are heard close; their level is at their nearest.
const EMITTER_DB: f32 = 2.0;

/// A level from 0..1 to dB (0 → very quiet, not −∞: a layer asked for is heard).
pub fn level_to_db(level: f32) -> f32 {
    20.0 * level.clamp(0.03, 1.0).log10() + 4.0
}

/// How loud a weather layer is in a weather: (rain, thunder, wind) gains in dB; −60 is off.
pub fn weather_gain(sound: SoundKind, weather: Weather) -> f32 {
    use Weather::*;
    let (rain, thunder, wind) = match weather {
        Clear | Cloudy => (-60.0, -60.0, -12.0),
        Windy => (-60.0, -60.0, 0.0),
        Foggy => (-60.0, -60.0, -18.0),
        Rain => (0.0, -60.0, -8.0),
        Storm => (2.0, 0.0, 0.0),
        Snow => (-60.0, -60.0, -6.0),
    };
    match sound {
        SoundKind::Rain => rain,
        SoundKind::Thunder => thunder,
        SoundKind::Wind => wind,
        _ => 0.0,
    }
}

impl MixPlan {
    pub fn of(layout: &Layout) -> MixPlan {
        let mut plan = MixPlan::default();
        let setting = &layout.setting;
        for a in &layout.ambience {
            let weather = matches!(a.sound, SoundKind::Rain | SoundKind::Thunder | SoundKind::Wind);
            plan.add(LayerSound::Sound(a.sound), level_to_db(a.level), None, None, weather);
        }
        // The setting implies sounds the scene did not list: the sea, the weather, the deep.
        let sea = matches!(setting.terrain, Terrain::Ocean | Terrain::Beach | Terrain::Island) || setting.water.kind == WaterKind::Ocean;
        if sea && setting.terrain != Terrain::Underwater {
            plan.add_implied(SoundKind::Waves, -4.0 + 6.0 * setting.water.waves);
        }
        if setting.terrain == Terrain::Underwater {
            plan.add_implied(SoundKind::Bubbles, -4.0);
        }
        let may_storm =
            layout.timeline.iter().any(|b| b.event == BeatEvent::Weather) || matches!(setting.weather, Weather::Rain | Weather::Storm);
        for (sound, needed) in [(SoundKind::Wind, true), (SoundKind::Rain, may_storm), (SoundKind::Thunder, may_storm)] {
            if needed && !plan.layers.iter().any(|l| l.sound == LayerSound::Sound(sound)) {
                let level = if sound == SoundKind::Wind { -8.0 + 8.0 * setting.wind } else { -4.0 };
                plan.add(LayerSound::Sound(sound), level, None, None, true);
            }
        }
        if layout.music != MusicMood::None {
            plan.add(LayerSound::Music(layout.music), MUSIC_DB, None, None, false);
        }
        for e in &layout.emitters {
            let entity = layout.instances.get(e.instance).map(|i| i.entity.clone());
            plan.add(LayerSound::Sound(e.sound), level_to_db(e.level) + EMITTER_DB, Some(e.instance), entity, false);
        }
        for beat in &layout.timeline {
            let instance = beat.entity.as_deref().and_then(|e| layout.instances_of(e).map(|(i, _)| i).next());
            match (beat.event, beat.sound) {
                (BeatEvent::Sound, Some(sound)) => plan.cues.push(Cue { at: beat.at, sound, instance, seconds: 4.0, level_db: 3.0 }),
                (BeatEvent::Lightning, _) => {
                    plan.cues.push(Cue { at: beat.at + 1.2, sound: SoundKind::Thunder, instance: None, seconds: 5.0, level_db: 4.0 })
                }
                (BeatEvent::Cheer, _) => {
                    plan.cues.push(Cue { at: beat.at, sound: SoundKind::CrowdCheer, instance, seconds: 4.0, level_db: 3.0 })
                }
                _ => {}
            }
        }
        plan.cues.sort_by(|a, b| a.at.total_cmp(&b.at));
        plan
    }

    fn add(&mut self, sound: LayerSound, level_db: f32, instance: Option<usize>, entity: Option<String>, weather: bool) {
        self.layers.push(Layer { sound, level_db, instance, entity, weather });
    }

    fn add_implied(&mut self, sound: SoundKind, level_db: f32) {
        if !self.layers.iter().any(|l| l.sound == LayerSound::Sound(sound) && l.instance.is_none()) {
            self.add(LayerSound::Sound(sound), level_db, None, None, false);
        }
    }
}

/// The level of a layer at time `t`, in dB (weather layers follow the weather then).
pub fn layer_db_at(layer: &Layer, layout: &Layout, t: f32) -> f32 {
    if !layer.weather {
        return layer.level_db;
    }
    let LayerSound::Sound(sound) = layer.sound else { return layer.level_db };
    layer.level_db + weather_gain(sound, weather_at(layout, t).0)
}
