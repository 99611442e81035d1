//! Weather: the current lighting (blended when the weather changes), fog on the camera, rain
//! and snow around the viewer, lightning flashes in storms and on timeline beats.

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::lighting::{Lighting, color};
use super::models::{Geometry, unit};
use super::{CurrentLayout, SceneClock, WorldPart, WorldSpawn, WorldSystems, world_replaced};
use crate::plan::timeline::lamps_on_at;
use crate::scene::{Setting, Terrain, TimeOfDay, Weather};

/// Seconds a weather change takes to blend.
const WEATHER_BLEND_S: f32 = 4.0;
/// Side and height of the box of falling drops around the viewer.
const PRECIP_BOX: f32 = 36.0;

pub struct WeatherPlugin;

impl Plugin for WeatherPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<CurrentLighting>()
            .init_resource::<WeatherNow>()
            .init_resource::<LightningFlash>()
            .add_systems(Update, reset_weather.run_if(world_replaced).before(WorldSpawn))
            .add_systems(Update, spawn_precipitation.in_set(WorldSpawn))
            .add_systems(Update, (blend_weather, apply_fog, fall_precipitation, storm_flashes, flash_light).chain().in_set(WorldSystems));
    }
}

/// The lighting the world shows now.
#[derive(Resource)]
pub struct CurrentLighting(pub Lighting);

impl Default for CurrentLighting {
    fn default() -> Self {
        let setting: Setting =
            serde_json::from_value(serde_json::json!({"terrain": "grassland", "time_of_day": "noon"})).expect("a minimal setting parses");
        CurrentLighting(Lighting::of(&setting, Weather::Clear))
    }
}

/// The weather now, and the blend towards it after a change.
#[derive(Resource)]
pub struct WeatherNow {
    pub weather: Weather,
    from: Lighting,
    /// Scenario time the change started.
    since: f32,
}

impl Default for WeatherNow {
    fn default() -> Self {
        WeatherNow { weather: Weather::Clear, from: CurrentLighting::default().0, since: f32::NEG_INFINITY }
    }
}

impl WeatherNow {
    /// Starts a blend to `weather` at scenario time `t`.
    pub fn change(&mut self, weather: Weather, current: &Lighting, t: f32) {
        if weather != self.weather {
            self.weather = weather;
            self.from = *current;
            self.since = t;
        }
    }
}

/// A lightning flash: strength fading out by `until` (scenario seconds).
#[derive(Resource, Default)]
pub struct LightningFlash {
    pub at: f32,
    pub strength: f32,
}

impl LightningFlash {
    pub fn strike(&mut self, t: f32) {
        self.at = t;
        self.strength = 1.0;
    }

    /// 0..1 now: two quick pulses over 0.4 s.
    fn level(&self, t: f32) -> f32 {
        let dt = t - self.at;
        if !(0.0..0.45).contains(&dt) {
            return 0.0;
        }
        self.strength * if dt < 0.08 || (0.18..0.3).contains(&dt) { 1.0 } else { 0.25 }
    }
}

fn reset_weather(
    layout: Res<CurrentLayout>,
    mut weather: ResMut<WeatherNow>,
    mut lighting: ResMut<CurrentLighting>,
    mut flash: ResMut<LightningFlash>,
) {
    let setting = &layout.0.setting;
    lighting.0 = Lighting::of(setting, setting.weather);
    *weather = WeatherNow { weather: setting.weather, from: lighting.0, since: f32::NEG_INFINITY };
    *flash = LightningFlash::default();
}

fn blend_weather(
    clock: Res<SceneClock>,
    layout: Option<Res<CurrentLayout>>,
    weather: Res<WeatherNow>,
    mut lighting: ResMut<CurrentLighting>,
) {
    let Some(layout) = layout else { return };
    let k = (clock.t - weather.since) / WEATHER_BLEND_S;
    if !(0.0..=1.0 + 1.0 / WEATHER_BLEND_S).contains(&k) {
        return;
    }
    let to = Lighting::of(&layout.0.setting, weather.weather);
    lighting.0 = blend(&weather.from, &to, k.clamp(0.0, 1.0));
}

fn blend(a: &Lighting, b: &Lighting, k: f32) -> Lighting {
    Lighting {
        zenith: a.zenith.lerp(b.zenith, k),
        horizon: a.horizon.lerp(b.horizon, k),
        sun_dir: b.sun_dir,
        sun_color: a.sun_color.lerp(b.sun_color, k),
        sun_lux: a.sun_lux + (b.sun_lux - a.sun_lux) * k,
        ambient: a.ambient.lerp(b.ambient, k),
        ambient_brightness: a.ambient_brightness + (b.ambient_brightness - a.ambient_brightness) * k,
        lamp_ambient: a.lamp_ambient + (b.lamp_ambient - a.lamp_ambient) * k,
        fog_color: a.fog_color.lerp(b.fog_color, k),
        visibility: a.visibility + (b.visibility - a.visibility) * k,
        cloud_color: a.cloud_color.lerp(b.cloud_color, k),
        stars: a.stars + (b.stars - a.stars) * k,
        glow: a.glow + (b.glow - a.glow) * k,
    }
}

fn apply_fog(lighting: Res<CurrentLighting>, mut commands: Commands, cameras: Query<Entity, With<Camera3d>>) {
    if !lighting.is_changed() {
        return;
    }
    let l = &lighting.0;
    for camera in &cameras {
        commands.entity(camera).insert(DistanceFog {
            color: color(l.fog_color),
            directional_light_color: color(l.sun_color * 0.5).with_alpha(0.4),
            directional_light_exponent: 20.0,
            falloff: FogFalloff::from_visibility(l.visibility),
        });
    }
}

#[derive(Component)]
struct Precipitation {
    /// Metres per second downwards.
    speed: f32,
    /// 0 or 1: the two stacked copies that make the fall seamless.
    layer: f32,
}

fn spawn_precipitation(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let setting = &layout.0.setting;
    // No drops under water, indoors (the weather is outside the windows) or without air.
    if setting.terrain == Terrain::Underwater || setting.room.is_some() || setting.terrain.is_airless() {
        return;
    }
    let (size, count, speed, tint) = match setting.weather {
        Weather::Rain => ([0.015, 0.7, 0.015], 2500, 9.0, [0.7, 0.75, 0.85]),
        Weather::Storm => ([0.02, 0.9, 0.02], 4000, 12.0, [0.7, 0.75, 0.85]),
        Weather::Snow => ([0.06, 0.06, 0.06], 2500, 1.2, [1.0, 1.0, 1.0]),
        _ => return,
    };
    let mut g = Geometry::default();
    let cube = unit::cube();
    let mut seed = layout.0.seed as u32 | 1;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as f32 / u32::MAX as f32
    };
    for _ in 0..count {
        let p = Vec3::new((next() - 0.5) * PRECIP_BOX, next() * PRECIP_BOX, (next() - 0.5) * PRECIP_BOX);
        // Keep a hole around the viewer: a drop a hand's width from the eye looks like a pole.
        if p.x * p.x + p.z * p.z < 3.5 * 3.5 {
            continue;
        }
        g.push(&cube, &Transform::from_translation(p).with_scale(size.into()), tint);
    }
    let mesh = meshes.add(g.into_mesh());
    let night = matches!(setting.time_of_day, TimeOfDay::Night | TimeOfDay::Evening);
    let material = materials.add(StandardMaterial {
        base_color: Color::srgba(1.0, 1.0, 1.0, if night { 0.25 } else { 0.55 }),
        alpha_mode: AlphaMode::Blend,
        unlit: true,
        ..default()
    });
    for layer in [0.0, 1.0] {
        commands.spawn((
            WorldPart,
            Precipitation { speed, layer },
            NotShadowCaster,
            Mesh3d(mesh.clone()),
            MeshMaterial3d(material.clone()),
            Transform::default(),
        ));
    }
}

fn fall_precipitation(
    clock: Res<SceneClock>,
    camera: Query<&GlobalTransform, With<Camera3d>>,
    mut drops: Query<(&mut Transform, &Precipitation)>,
) {
    let Some(eye) = camera.iter().next().map(|c| c.translation()) else { return };
    for (mut t, p) in &mut drops {
        let fall = (clock.t * p.speed).rem_euclid(PRECIP_BOX);
        // Snap to a grid so the drops do not slide with the viewer.
        let snap = |v: f32| (v / 4.0).round() * 4.0;
        t.translation = Vec3::new(snap(eye.x), eye.y - PRECIP_BOX * 0.5 + (p.layer - 1.0) * PRECIP_BOX + PRECIP_BOX - fall, snap(eye.z));
    }
}

/// Storms flash on their own every few seconds, at times fixed by the seed.
fn storm_flashes(clock: Res<SceneClock>, weather: Res<WeatherNow>, layout: Option<Res<CurrentLayout>>, mut flash: ResMut<LightningFlash>) {
    let Some(layout) = layout else { return };
    if weather.weather != Weather::Storm {
        return;
    }
    // One strike in each 9-second slot, at a seeded moment inside it.
    let slot = (clock.t / 9.0).floor();
    let h = ((slot as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ layout.0.seed).wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 40;
    let at = slot * 9.0 + (h as f32 / (1u64 << 24) as f32) * 8.0;
    if clock.t >= at && flash.at < at {
        flash.strike(at);
    }
}

/// The ambient light every frame: the lighting's, less what the room's lamps add while they
/// are out (a power cut), brightened by a lightning flash.
fn flash_light(
    clock: Res<SceneClock>,
    flash: Res<LightningFlash>,
    lighting: Res<CurrentLighting>,
    layout: Option<Res<CurrentLayout>>,
    mut ambient: ResMut<GlobalAmbientLight>,
) {
    let level = flash.level(clock.t);
    let lamps_on = layout.is_none_or(|l| lamps_on_at(&l.0, clock.t));
    let base = lighting.0.ambient_brightness - if lamps_on { 0.0 } else { lighting.0.lamp_ambient };
    ambient.brightness = base * (1.0 + 25.0 * level);
}
