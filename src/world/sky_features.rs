//! What a scene hangs in its sky besides the sun and the stars: the aurora, the Earth seen from
//! the moon, a ringed planet, two moons, a volcano's eruption plume, shooting stars and
//! fireworks. In open space the first planet is the world below instead, filling the view
//! under the player.

use bevy::light::{NotShadowCaster, NotShadowReceiver};
use bevy::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::lighting::color;
use super::models::{Geometry, unit};
use super::sky::{FollowsViewer, SKY_RADIUS};
use super::weather::CurrentLighting;
use super::{CurrentLayout, SceneClock, WorldPart, WorldSpawn, WorldSystems};
use crate::plan::Surface;
use crate::scene::{SkyFeature, Terrain};

pub struct SkyFeaturesPlugin;

impl Plugin for SkyFeaturesPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, spawn_features.in_set(WorldSpawn))
            .add_systems(Update, (show_at_night, animate_meteors, animate_fireworks, drift_plume).in_set(WorldSystems));
    }
}

/// Seen only when the sky is dark enough (the aurora, meteors, fireworks).
#[derive(Component)]
struct NightOnly;

#[derive(Component)]
struct Meteor {
    from: Vec3,
    to: Vec3,
    /// Seconds between two passes, and this one's offset in that cycle.
    period: f32,
    phase: f32,
}

#[derive(Component)]
struct Burst {
    centre: Vec3,
    period: f32,
    phase: f32,
    radius: f32,
}

#[derive(Component)]
struct PlumePuff {
    base: Vec3,
    rise: f32,
    phase: f32,
}

/// How long a shooting star or a firework burst lasts, seconds.
const STREAK_S: f32 = 1.2;
const BURST_S: f32 = 2.2;

fn additive(materials: &mut Assets<StandardMaterial>) -> Handle<StandardMaterial> {
    materials.add(StandardMaterial { base_color: Color::WHITE, unlit: true, fog_enabled: false, alpha_mode: AlphaMode::Add, ..default() })
}

fn unlit(materials: &mut Assets<StandardMaterial>) -> Handle<StandardMaterial> {
    materials.add(StandardMaterial { base_color: Color::WHITE, unlit: true, fog_enabled: false, ..default() })
}

/// A direction in the sky from a compass heading (degrees clockwise from north) and an
/// elevation above the horizon.
fn sky_dir(heading_deg: f32, elevation_deg: f32) -> Vec3 {
    let (h, e) = (heading_deg.to_radians(), elevation_deg.to_radians());
    Vec3::new(h.sin() * e.cos(), e.sin(), -h.cos() * e.cos())
}

fn spawn_features(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    lighting: Res<CurrentLighting>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let setting = &layout.0.setting;
    let mut rng = ChaCha8Rng::seed_from_u64(layout.0.seed ^ 0x5f1e);
    let sun = lighting.0.sun_dir;
    let space = setting.terrain == Terrain::Space;
    // In open space a planet fills the view below; the first one the scene names, else Earth.
    let below = space
        .then(|| setting.sky.iter().copied().find(|f| matches!(f, SkyFeature::Earth | SkyFeature::Planet)).unwrap_or(SkyFeature::Earth));
    if let Some(planet) = below {
        // Ahead and below, its limb a few degrees above the horizon: seen through a bridge's
        // windows and from a station's deck.
        let distance = SKY_RADIUS * 0.73;
        let radius = distance * 40f32.to_radians().sin();
        let g = planet_geometry(planet, sun, &mut rng);
        commands.spawn((
            WorldPart,
            FollowsViewer(sky_dir(0.0, -35.0) * distance),
            NotShadowCaster,
            NotShadowReceiver,
            Mesh3d(meshes.add(g.into_mesh())),
            MeshMaterial3d(unlit(&mut materials)),
            Transform::from_scale(Vec3::splat(radius * 2.0)),
        ));
    }
    for (k, &feature) in setting.sky.iter().enumerate() {
        if Some(feature) == below {
            continue;
        }
        match feature {
            SkyFeature::Earth | SkyFeature::Planet | SkyFeature::Moons => {
                let bodies: Vec<(f32, f32, f32)> = match feature {
                    // (heading, elevation, angular radius in degrees)
                    // In front of a player facing north, the usual spawn, high enough to clear
                    // what stands ahead.
                    SkyFeature::Earth => vec![(15.0, 24.0, 3.5)],
                    SkyFeature::Planet => vec![(-25.0 + k as f32 * 30.0, 17.0, 8.0)],
                    _ => vec![(40.0, 38.0, 2.2), (-35.0, 22.0, 1.4)],
                };
                for (heading, elevation, size) in bodies {
                    let dir = sky_dir(heading, elevation);
                    let distance = SKY_RADIUS * 0.85;
                    let radius = distance * size.to_radians().tan();
                    let g = planet_geometry(feature, sun, &mut rng);
                    commands.spawn((
                        WorldPart,
                        FollowsViewer(dir * distance),
                        NotShadowCaster,
                        NotShadowReceiver,
                        Mesh3d(meshes.add(g.into_mesh())),
                        MeshMaterial3d(unlit(&mut materials)),
                        Transform::from_scale(Vec3::splat(radius * 2.0)),
                    ));
                }
            }
            SkyFeature::Aurora => {
                commands.spawn((
                    WorldPart,
                    NightOnly,
                    FollowsViewer::default(),
                    NotShadowCaster,
                    NotShadowReceiver,
                    Mesh3d(meshes.add(aurora_geometry(&mut rng).into_mesh())),
                    MeshMaterial3d(additive(&mut materials)),
                    Transform::default(),
                ));
            }
            SkyFeature::Meteors => {
                let streak = meshes.add(streak_geometry().into_mesh());
                let material = additive(&mut materials);
                for m in 0..14 {
                    // Mostly ahead of a player facing north, and low enough to be in view.
                    let heading = rng.random_range(-80.0..80.0);
                    let (e0, e1) = (rng.random_range(22.0..40.0), rng.random_range(6.0..18.0));
                    let turn = rng.random_range(-25.0..25.0);
                    commands.spawn((
                        WorldPart,
                        NightOnly,
                        Meteor {
                            from: sky_dir(heading, e0) * SKY_RADIUS * 0.8,
                            to: sky_dir(heading + turn, e1) * SKY_RADIUS * 0.8,
                            period: rng.random_range(2.0..4.5),
                            phase: m as f32 * 0.37,
                        },
                        FollowsViewer::default(),
                        NotShadowCaster,
                        Mesh3d(streak.clone()),
                        MeshMaterial3d(material.clone()),
                        Transform::from_scale(Vec3::ZERO),
                    ));
                }
            }
            SkyFeature::Fireworks => {
                let palette = [[1.0, 0.3, 0.3], [0.3, 1.0, 0.4], [0.4, 0.6, 1.0], [1.0, 0.85, 0.3], [1.0, 0.4, 1.0], [1.0, 1.0, 1.0]];
                for b in 0..8 {
                    let colour = palette[b % palette.len()];
                    let heading = rng.random_range(-50.0..50.0f32);
                    let distance = rng.random_range(220.0..360.0);
                    // 10–25° above the horizon: in view from the ground.
                    let centre = Vec3::new(
                        heading.to_radians().sin() * distance,
                        rng.random_range(50.0..120.0),
                        -heading.to_radians().cos() * distance,
                    );
                    commands.spawn((
                        WorldPart,
                        NightOnly,
                        // Phases spread so that some bursts are open at any moment, the first too.
                        Burst {
                            centre,
                            period: rng.random_range(2.6..4.0),
                            phase: 0.4 + b as f32 * 0.45,
                            radius: rng.random_range(25.0..45.0),
                        },
                        NotShadowCaster,
                        NotShadowReceiver,
                        Mesh3d(meshes.add(burst_geometry(colour, &mut rng).into_mesh())),
                        MeshMaterial3d(additive(&mut materials)),
                        Transform::from_translation(centre).with_scale(Vec3::ZERO),
                    ));
                }
            }
            SkyFeature::Plume => {
                let surface = Surface::new(setting, layout.0.seed);
                let [x, z] = if setting.terrain == Terrain::Volcanic { surface.volcano() } else { [0.0, -setting.area_radius * 0.9] };
                let base = Vec3::new(x, surface.ground_height(x, z), z);
                let puff = meshes.add(unit::sphere(10, 7).into_mesh());
                let ash = materials.add(StandardMaterial {
                    base_color: Color::srgb(0.09, 0.085, 0.085),
                    perceptual_roughness: 1.0,
                    reflectance: 0.0,
                    // Dark against the sky however far: the horizon's haze would wash it pale.
                    fog_enabled: false,
                    ..default()
                });
                let lit = materials.add(StandardMaterial {
                    base_color: Color::srgb(0.3, 0.12, 0.05),
                    emissive: LinearRgba::rgb(3.0, 0.7, 0.08),
                    fog_enabled: false,
                    ..default()
                });
                for p in 0..28 {
                    let rise = p as f32 / 28.0;
                    let material = if rise < 0.12 { lit.clone() } else { ash.clone() };
                    commands.spawn((
                        WorldPart,
                        PlumePuff { base, rise, phase: rng.random_range(0.0..std::f32::consts::TAU) },
                        NotShadowCaster,
                        Mesh3d(puff.clone()),
                        MeshMaterial3d(material),
                        Transform::from_translation(base),
                    ));
                }
            }
        }
    }
}

/// A planet's sphere (unit diameter), coloured and lit from the sun's side.
fn planet_geometry(kind: SkyFeature, sun: Vec3, rng: &mut ChaCha8Rng) -> Geometry {
    let mut g = unit::sphere(48, 32);
    let seed: f32 = rng.random_range(0.0..100.0);
    for (p, c) in g.positions.iter().zip(g.colors.iter_mut()) {
        let n = Vec3::from(*p).normalize();
        let wave = |a: f32, b: f32| ((n.x * a + seed).sin() * (n.z * b + seed * 0.7).cos() + (n.y * (a + b) * 0.5 + seed).sin()) * 0.5;
        let base = match kind {
            SkyFeature::Earth => {
                let land = wave(4.0, 5.0);
                let cloud = wave(9.0, 7.0);
                let mut rgb = if land > 0.25 { Vec3::new(0.35, 0.45, 0.22) } else { Vec3::new(0.08, 0.22, 0.55) };
                if n.y.abs() > 0.85 {
                    rgb = Vec3::splat(0.95);
                }
                rgb.lerp(Vec3::splat(0.95), (cloud - 0.3).clamp(0.0, 0.6))
            }
            SkyFeature::Planet => {
                let band = (n.y * 14.0 + wave(3.0, 2.0) * 1.5).sin();
                Vec3::new(0.85, 0.65, 0.42).lerp(Vec3::new(0.6, 0.38, 0.25), band * 0.5 + 0.5)
            }
            _ => Vec3::splat(0.72 + 0.12 * wave(6.0, 5.0)),
        };
        // Day side lit, night side dark, with a soft terminator.
        let light = (n.dot(sun) * 1.5 + 0.35).clamp(0.3, 1.0);
        let lin = color(base * light).to_linear();
        *c = [lin.red, lin.green, lin.blue, 1.0];
    }
    if kind == SkyFeature::Planet {
        // Rings: a flat annulus tilted a little.
        let ring = unit::frustum(1.0, 1.0, 64);
        let tilt = Quat::from_rotation_z(0.35) * Quat::from_rotation_x(0.2);
        for (r, shade) in [(1.15, 0.75), (1.35, 0.6), (1.5, 0.5)] {
            let t = Transform { rotation: tilt, scale: Vec3::new(r * 2.0, 0.002, r * 2.0), ..default() };
            g.push(&ring, &t, [0.85 * shade, 0.75 * shade, 0.6 * shade]);
        }
    }
    g
}

/// Curtains of light low over the northern horizon: green at the foot, fading up to red.
fn aurora_geometry(rng: &mut ChaCha8Rng) -> Geometry {
    let mut g = Geometry::default();
    for band in 0..3 {
        let (start, span) = (rng.random_range(-70.0..-20.0) + band as f32 * 25.0, rng.random_range(60.0..100.0));
        let foot = rng.random_range(10.0..20.0);
        let steps = 40;
        let base = g.positions.len() as u32;
        for s in 0..=steps {
            let heading = start + span * s as f32 / steps as f32;
            let fold = ((s as f32 * 0.45 + band as f32).sin() * 6.0) + ((s as f32 * 0.13).cos() * 4.0);
            let height = rng.random_range(18.0..30.0);
            let brightness = 0.6 + 0.4 * (s as f32 * 0.3 + band as f32 * 2.0).sin().abs();
            for (elevation, rgb) in [(foot, [0.15, 1.0, 0.45]), (foot + height, [0.5, 0.2, 0.6])] {
                let dir = sky_dir(heading + fold * 0.2, elevation + fold * 0.1);
                g.positions.push((dir * SKY_RADIUS * 0.88).into());
                g.normals.push((-dir).into());
                let k = if elevation > foot { 0.35 } else { 1.0 } * brightness;
                let lin = Color::srgb(rgb[0] * k, rgb[1] * k, rgb[2] * k).to_linear();
                g.colors.push([lin.red, lin.green, lin.blue, 1.0]);
            }
        }
        for s in 0..steps {
            let (a, b) = (base + s * 2, base + s * 2 + 2);
            // Both sides: the curtain is seen from the viewer, inside the dome.
            g.indices.extend([a, b, b + 1, a, b + 1, a + 1, a, b + 1, b, a, a + 1, b + 1]);
        }
    }
    g
}

/// A thin bright streak one unit long along +Z, fading towards its tail.
fn streak_geometry() -> Geometry {
    let mut g = Geometry::default();
    g.push(&unit::cube(), &Transform::from_xyz(0.0, 0.0, 0.25).with_scale(Vec3::new(1.0, 1.0, 0.5)), [1.0, 1.0, 0.95]);
    g.push(&unit::cube(), &Transform::from_xyz(0.0, 0.0, -0.25).with_scale(Vec3::new(0.6, 0.6, 0.5)), [0.45, 0.5, 0.6]);
    g
}

/// Sparks on a unit sphere, in one colour with a white core.
fn burst_geometry(colour: [f32; 3], rng: &mut ChaCha8Rng) -> Geometry {
    let mut g = Geometry::default();
    let spark = unit::cube();
    for s in 0..90 {
        let (a, z): (f32, f32) = (rng.random_range(0.0..std::f32::consts::TAU), rng.random_range(-1.0..1.0));
        let r = (1.0 - z * z).sqrt();
        let dir = Vec3::new(a.cos() * r, z, a.sin() * r);
        let c = if s % 9 == 0 { [1.0, 1.0, 1.0] } else { colour };
        g.push(&spark, &Transform::from_translation(dir).looking_to(dir, Vec3::Y).with_scale(Vec3::new(0.025, 0.025, 0.12)), c);
    }
    g
}

fn show_at_night(lighting: Res<CurrentLighting>, mut shown: Query<&mut Visibility, With<NightOnly>>) {
    if !lighting.is_changed() {
        return;
    }
    let night = lighting.0.stars > 0.3;
    for mut v in &mut shown {
        *v = if night { Visibility::Inherited } else { Visibility::Hidden };
    }
}

fn animate_meteors(clock: Res<SceneClock>, mut meteors: Query<(&Meteor, &mut Transform, &mut FollowsViewer)>) {
    for (m, mut t, mut follow) in &mut meteors {
        let u = ((clock.t + m.phase) % m.period) / STREAK_S;
        if u > 1.0 {
            t.scale = Vec3::ZERO;
            continue;
        }
        let at = m.from.lerp(m.to, u);
        let along = (m.to - m.from).normalize_or_zero();
        follow.0 = at;
        t.rotation = Transform::IDENTITY.looking_to(-along, Vec3::Y).rotation;
        t.scale = Vec3::new(16.0, 16.0, 600.0 * (1.0 - (u - 0.5).abs()));
    }
}

fn animate_fireworks(clock: Res<SceneClock>, mut bursts: Query<(&Burst, &mut Transform)>) {
    for (b, mut t) in &mut bursts {
        let u = ((clock.t + b.phase) % b.period) / BURST_S;
        if u > 1.0 {
            t.scale = Vec3::ZERO;
            continue;
        }
        // Sparks fly out fast, slow down, and fall a little.
        let r = b.radius * (1.0 - (1.0 - u).powi(3));
        t.translation = b.centre - Vec3::Y * 8.0 * u * u;
        t.scale = Vec3::splat(r.max(0.01));
    }
}

fn drift_plume(clock: Res<SceneClock>, mut puffs: Query<(&PlumePuff, &mut Transform)>) {
    for (p, mut t) in &mut puffs {
        // Each puff climbs the column and starts again at the vent; the column leans downwind.
        let u = (p.rise + clock.t * 0.01).fract();
        let height = u * 900.0;
        let lean = Vec3::new(height * 0.25, 0.0, height * 0.05);
        let wobble = Vec3::new((clock.t * 0.2 + p.phase).sin(), 0.0, (clock.t * 0.17 + p.phase).cos()) * (10.0 + height * 0.06);
        t.translation = p.base + Vec3::Y * height + lean + wobble;
        t.scale = Vec3::splat(40.0 + height * 0.45) * Vec3::new(1.0, 0.8, 1.0);
    }
}
