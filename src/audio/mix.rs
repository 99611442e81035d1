//! The mix of a layout: which sounds play, where, and how loud; weather layers that fade with
//! the weather; timeline cues. Pure data, so the live and offline soundscapes share it.

use crate::plan::Layout;
use crate::plan::timeline::weather_at;
use crate::scene::{BeatEvent, Material, MusicMood, Room, RoomShape, SoundKind, Terrain, WaterKind, Weather};

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
    /// Heard from outside the room, through its walls and windows: muffled.
    pub outside: bool,
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
    /// Indoors: how the room rings.
    pub room: Option<Acoustics>,
}

/// The sound of a room, from its size and what it is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Acoustics {
    /// Seconds for a sound to die away by 60 dB (Sabine's formula).
    pub reverb_s: f32,
    /// Share of the reverberated sound in the mix, 0 to 1.
    pub wet: f32,
}

impl Acoustics {
    pub fn of(room: &Room) -> Acoustics {
        let [w, l, h] = room.size;
        let (floor_area, walls_area) = match room.shape {
            RoomShape::Round | RoomShape::Cave => (std::f32::consts::PI * w * w / 4.0, std::f32::consts::PI * w * h),
            _ => (w * l, 2.0 * (w + l) * h),
        };
        let volume = floor_area * h;
        // Absorption: the walls' and ceiling's material, the floor's, and open windows.
        let absorbed = absorption(room.walls) * walls_area
            + absorption(room.ceiling) * floor_area
            + absorption(room.floor) * floor_area
            + room.windows as f32 * 2.0;
        let reverb_s = (0.161 * volume / absorbed.max(1.0)).clamp(0.2, 6.0);
        Acoustics { reverb_s, wet: (0.12 + reverb_s * 0.1).min(0.45) }
    }
}

/// Sabine absorption coefficient of a material (mid frequencies).
fn absorption(m: Material) -> f32 {
    match m {
        Material::Carpet | Material::Canvas => 0.35,
        Material::Wood => 0.1,
        Material::Plaster | Material::Panels => 0.05,
        Material::Brick | Material::Concrete | Material::Rock | Material::Stone => 0.03,
        Material::Marble | Material::Tiles | Material::Glass | Material::Metal | Material::Ice => 0.02,
    }
}

/// How much quieter a sound from outside is indoors.
pub const OUTSIDE_DB: f32 = -9.0;
/// Walls let the low frequencies through: the cutoff of what is heard from outside.
pub const OUTSIDE_CUTOFF_HZ: f32 = 700.0;

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
        let mut plan = MixPlan { room: layout.setting.room.as_ref().map(Acoustics::of), ..MixPlan::default() };
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
        // Where there is no air, nothing blows or falls.
        let air = !setting.terrain.is_airless() || setting.room.is_some();
        for (sound, needed) in [(SoundKind::Wind, air), (SoundKind::Rain, may_storm && air), (SoundKind::Thunder, may_storm && air)] {
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
                // A sound that goes on (an alarm ringing) plays for its beat's seconds.
                (BeatEvent::Sound, Some(sound)) => {
                    plan.cues.push(Cue { at: beat.at, sound, instance, seconds: beat.seconds.unwrap_or(4.0), level_db: 3.0 })
                }
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
        if let Some(room) = &setting.room {
            plan.muffle_outside(layout, room);
        }
        plan
    }

    /// Indoors, the weather, the sea and what sounds from beyond the walls is heard through
    /// them: quieter and muffled.
    fn muffle_outside(&mut self, layout: &Layout, room: &Room) {
        for layer in &mut self.layers {
            let outside = match (layer.sound, layer.instance) {
                (_, Some(i)) => layout.instances.get(i).is_some_and(|inst| !room.contains(inst.position[0], inst.position[2], 0.0)),
                (LayerSound::Sound(s), None) => {
                    layer.weather || matches!(s, SoundKind::Waves | SoundKind::Seagulls | SoundKind::Birds | SoundKind::Bubbles)
                }
                (LayerSound::Music(_), None) => false,
            };
            if outside {
                layer.outside = true;
                layer.level_db += OUTSIDE_DB;
            }
        }
    }

    fn add(&mut self, sound: LayerSound, level_db: f32, instance: Option<usize>, entity: Option<String>, weather: bool) {
        self.layers.push(Layer { sound, level_db, instance, entity, weather, outside: false });
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
