//! The light of a setting: sky colours, sun, ambient, fog and how far you can see, from the
//! time of day and the weather. A pure function, so every plugin agrees on one answer.

use bevy::prelude::*;

use crate::scene::{Setting, Terrain, TimeOfDay, Weather};

#[derive(Debug, Clone, Copy)]
pub struct Lighting {
    pub zenith: Vec3,
    pub horizon: Vec3,
    /// Unit vector towards the sun (below the horizon at night).
    pub sun_dir: Vec3,
    pub sun_color: Vec3,
    /// Direct light in lux (moonlight at night).
    pub sun_lux: f32,
    pub ambient: Vec3,
    /// cd/m².
    pub ambient_brightness: f32,
    /// The share of `ambient_brightness` that a room's lamps add (their light off the walls);
    /// what is left when they go out is the daylight through the windows.
    pub lamp_ambient: f32,
    pub fog_color: Vec3,
    /// Metres at which things fade into the fog.
    pub visibility: f32,
    pub cloud_color: Vec3,
    /// 0 by day, 1 on a clear night.
    pub stars: f32,
    /// Brightness of glowing parts (lamps, windows): dim by day, full at night.
    pub glow: f32,
}

fn rgb(r: f32, g: f32, b: f32) -> Vec3 {
    Vec3::new(r, g, b)
}

impl Lighting {
    pub fn of(setting: &Setting, weather: Weather) -> Lighting {
        let time = setting.time_of_day;
        // (zenith, horizon, sun colour, lux, ambient colour, ambient cd/m²)
        let (zenith, horizon, sun_color, sun_lux, ambient, ambient_brightness) = match time {
            TimeOfDay::Dawn => (rgb(0.25, 0.35, 0.6), rgb(0.95, 0.62, 0.45), rgb(1.0, 0.7, 0.5), 3000.0, rgb(0.8, 0.7, 0.75), 350.0),
            TimeOfDay::Morning => (rgb(0.22, 0.45, 0.85), rgb(0.72, 0.82, 0.92), rgb(1.0, 0.95, 0.85), 9000.0, rgb(0.75, 0.82, 1.0), 600.0),
            TimeOfDay::Noon => (rgb(0.16, 0.40, 0.85), rgb(0.68, 0.82, 0.95), rgb(1.0, 0.98, 0.94), 11000.0, rgb(0.75, 0.85, 1.0), 700.0),
            TimeOfDay::Afternoon => (rgb(0.2, 0.42, 0.82), rgb(0.75, 0.82, 0.9), rgb(1.0, 0.93, 0.8), 9000.0, rgb(0.8, 0.82, 0.95), 600.0),
            TimeOfDay::Dusk => (rgb(0.2, 0.22, 0.45), rgb(0.98, 0.5, 0.28), rgb(1.0, 0.55, 0.3), 2500.0, rgb(0.8, 0.6, 0.65), 300.0),
            TimeOfDay::Evening => (rgb(0.05, 0.07, 0.2), rgb(0.3, 0.22, 0.35), rgb(0.5, 0.55, 0.8), 700.0, rgb(0.4, 0.45, 0.7), 260.0),
            TimeOfDay::Night => (rgb(0.01, 0.015, 0.05), rgb(0.05, 0.07, 0.13), rgb(0.55, 0.62, 0.85), 600.0, rgb(0.35, 0.42, 0.7), 220.0),
        };
        let night = matches!(time, TimeOfDay::Evening | TimeOfDay::Night);
        let elevation = if night { 35.0f32 } else { time.sun_elevation_deg() }.to_radians();
        // The sun (or the moon at night) comes from the south-east in the morning, west later.
        let azimuth_deg: f32 = match time {
            TimeOfDay::Dawn | TimeOfDay::Morning => 120.0,
            TimeOfDay::Noon => 170.0,
            TimeOfDay::Afternoon | TimeOfDay::Dusk => 240.0,
            TimeOfDay::Evening | TimeOfDay::Night => 200.0,
        };
        let azimuth = azimuth_deg.to_radians();
        let sun_dir = Vec3::new(azimuth.sin() * elevation.cos(), elevation.sin(), -azimuth.cos() * elevation.cos()).normalize();
        let mut l = Lighting {
            zenith,
            horizon,
            sun_dir,
            sun_color,
            sun_lux,
            ambient,
            ambient_brightness,
            lamp_ambient: 0.0,
            fog_color: horizon,
            visibility: 4000.0,
            cloud_color: if night { rgb(0.08, 0.09, 0.12) } else { horizon.lerp(rgb(1.0, 1.0, 1.0), 0.6) },
            stars: if night { 1.0 } else { 0.0 },
            glow: if night {
                1.0
            } else if matches!(time, TimeOfDay::Dawn | TimeOfDay::Dusk) {
                0.8
            } else {
                0.55
            },
        };
        l.apply_weather(weather, setting.cloud_cover);
        l.visibility = l.visibility.min(4000.0 * (1.0 - setting.fog).powi(2) + 40.0);
        l.apply_world(setting.terrain, night);
        if let Some(room) = &setting.room {
            // Indoors the lamps are the light: the sky only comes in through the windows.
            let daylight = (0.15 + 0.025 * room.windows as f32).min(0.45);
            l.ambient_brightness *= daylight;
            if room.lights != crate::scene::Light::None {
                // Light bounced off the walls fills the room.
                let lit = l.ambient_brightness.max(160.0);
                l.lamp_ambient = lit - l.ambient_brightness;
                l.ambient_brightness = lit;
            }
            l.ambient = l.ambient.lerp(Vec3::from(room.lights.rgb()), 0.3);
            l.glow = 1.0;
            // The weather's haze is outside: across a room the air is clear.
            l.visibility = l.visibility.max(room.reach() * 6.0 + 200.0);
        }
        l
    }

    /// What the world itself does to the light: no air on the moon or in space (a black sky
    /// with stars by day, hard sunlight, dark shadows), Mars's dusty sky, the glow of lava,
    /// the green of water overhead.
    fn apply_world(&mut self, terrain: Terrain, night: bool) {
        match terrain {
            Terrain::Underwater => {
                self.fog_color = rgb(0.05, 0.3, 0.38) * if night { 0.2 } else { 1.0 };
                self.horizon = self.fog_color;
                self.visibility = self.visibility.min(70.0);
                self.sun_color *= rgb(0.6, 0.9, 1.0);
            }
            Terrain::Moon | Terrain::Space => {
                self.zenith = rgb(0.0, 0.0, 0.0);
                self.horizon = rgb(0.004, 0.004, 0.008);
                self.fog_color = self.horizon;
                self.visibility = 4000.0;
                self.stars = 1.0;
                self.cloud_color = rgb(0.0, 0.0, 0.0);
                if night {
                    // Earthshine.
                    self.sun_color = rgb(0.6, 0.7, 0.95);
                    self.sun_lux = 500.0;
                } else {
                    self.sun_color = rgb(1.0, 1.0, 0.98);
                    self.sun_lux = 12000.0;
                }
                self.ambient = rgb(0.7, 0.75, 0.85);
                self.ambient_brightness = 60.0;
            }
            Terrain::Mars if !night => {
                self.zenith = self.zenith.lerp(rgb(0.55, 0.40, 0.28), 0.85);
                self.horizon = self.horizon.lerp(rgb(0.85, 0.62, 0.42), 0.85);
                self.fog_color = self.horizon;
                self.sun_color *= rgb(1.0, 0.9, 0.8);
                self.ambient = self.ambient.lerp(rgb(0.95, 0.7, 0.5), 0.6);
                self.cloud_color = self.horizon;
            }
            Terrain::Volcanic => {
                // Ash in the air and the red of the lava on the underside of everything.
                self.horizon = self.horizon.lerp(rgb(0.55, 0.28, 0.18), 0.5);
                self.zenith = self.zenith.lerp(rgb(0.25, 0.2, 0.2), 0.4);
                self.fog_color = self.horizon;
                self.ambient = self.ambient.lerp(rgb(1.0, 0.5, 0.3), 0.4);
                self.visibility = self.visibility.min(2500.0);
            }
            _ => {}
        }
    }

    /// Cloud and precipitation grey the sky, dim the sun and close in the horizon.
    fn apply_weather(&mut self, weather: Weather, cloud_cover: f32) {
        let (grey, dim, visibility) = match weather {
            Weather::Clear => (cloud_cover * 0.15, 1.0 - cloud_cover * 0.2, 4000.0),
            Weather::Cloudy => (0.45, 0.55, 2500.0),
            Weather::Windy => (0.2, 0.9, 3000.0),
            Weather::Foggy => (0.6, 0.5, 90.0),
            Weather::Rain => (0.65, 0.35, 700.0),
            Weather::Storm => (0.8, 0.2, 450.0),
            Weather::Snow => (0.6, 0.45, 350.0),
        };
        let luminance = |c: Vec3| c.dot(rgb(0.3, 0.59, 0.11));
        let overcast = |c: Vec3| c.lerp(Vec3::splat(luminance(c) * 0.9), grey);
        self.zenith = overcast(self.zenith) * (1.0 - grey * 0.35);
        self.horizon = overcast(self.horizon);
        self.fog_color = self.horizon;
        self.cloud_color = overcast(self.cloud_color) * (1.0 - grey * 0.4);
        self.sun_lux *= dim;
        self.ambient_brightness *= 1.0 - grey * 0.3;
        self.visibility = visibility;
        self.stars *= 1.0 - grey;
    }
}

/// A colour from a linear-ish RGB vector.
pub fn color(v: Vec3) -> Color {
    Color::srgb(v.x.clamp(0.0, 1.0), v.y.clamp(0.0, 1.0), v.z.clamp(0.0, 1.0))
}
