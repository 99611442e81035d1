//! Sky dome, sun or moon, stars, clouds, sunlight and ambient light, following the current
//! [`Lighting`] (which the weather plugin blends when the weather changes).

use bevy::light::{CascadeShadowConfigBuilder, NotShadowCaster};
use bevy::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::lighting::{Lighting, color};
use super::models::{Geometry, unit};
use super::weather::CurrentLighting;
use super::{CurrentLayout, WorldPart, WorldSpawn, WorldSystems};

/// Radius of the dome; the camera's far plane reaches past it.
pub const SKY_RADIUS: f32 = 4500.0;

pub struct SkyPlugin;

impl Plugin for SkyPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ClearColor(Color::BLACK))
            .add_systems(Update, spawn_sky.in_set(WorldSpawn))
            .add_systems(Update, (follow_camera, apply_lighting).in_set(WorldSystems));
    }
}

#[derive(Component)]
struct SkyDome;
#[derive(Component)]
struct Stars;
#[derive(Component)]
struct SunDisc;
#[derive(Component)]
struct Clouds;
#[derive(Component)]
pub struct Sun;

/// Things that stay at a fixed offset from the viewer (the dome, stars, sun disc).
#[derive(Component, Default)]
pub(super) struct FollowsViewer(pub Vec3);

fn unlit(color: Color) -> StandardMaterial {
    StandardMaterial { base_color: color, unlit: true, fog_enabled: false, ..default() }
}

fn spawn_sky(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    mut lighting: ResMut<CurrentLighting>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let l = lighting.0;
    let dome = meshes.add(dome_geometry(&l).into_mesh());
    let white = materials.add(unlit(Color::WHITE));
    commands.spawn((
        WorldPart,
        SkyDome,
        FollowsViewer::default(),
        NotShadowCaster,
        Mesh3d(dome),
        MeshMaterial3d(white.clone()),
        Transform::default(),
    ));

    let mut rng = ChaCha8Rng::seed_from_u64(layout.0.seed ^ 0x5747);
    commands.spawn((
        WorldPart,
        Stars,
        FollowsViewer::default(),
        NotShadowCaster,
        Mesh3d(meshes.add(stars_geometry(&mut rng).into_mesh())),
        MeshMaterial3d(white.clone()),
        Transform::default(),
        visibility(l.stars > 0.05),
    ));

    let disc = unit::sphere(12, 8);
    let mut sun = Geometry::default();
    sun.push(&disc, &Transform::default(), [1.0, 1.0, 1.0]);
    let sun_material = materials.add(unlit(Color::WHITE));
    commands.spawn((
        WorldPart,
        SunDisc,
        FollowsViewer::default(),
        NotShadowCaster,
        Mesh3d(meshes.add(sun.into_mesh())),
        MeshMaterial3d(sun_material),
        Transform::default(),
    ));

    let setting = &layout.0.setting;
    let cloud_material = materials.add(StandardMaterial { base_color: color(l.cloud_color), unlit: true, ..default() });
    commands.spawn((
        WorldPart,
        Clouds,
        NotShadowCaster,
        Mesh3d(meshes.add(clouds_geometry(if setting.terrain.is_airless() { 0.0 } else { setting.cloud_cover }, &mut rng).into_mesh())),
        MeshMaterial3d(cloud_material),
        Transform::default(),
    ));

    let cascades = CascadeShadowConfigBuilder {
        num_cascades: if super::MOBILE_GPU { 1 } else { 2 },
        first_cascade_far_bound: 40.0,
        maximum_distance: if super::MOBILE_GPU { 80.0 } else { 250.0 },
        ..default()
    }
    .build();
    commands.spawn((
        WorldPart,
        Sun,
        DirectionalLight { illuminance: l.sun_lux, color: color(l.sun_color), shadow_maps_enabled: true, ..default() },
        cascades,
        Transform::from_translation(l.sun_dir).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    // Let apply_lighting place the sun disc and colour everything on this frame.
    lighting.set_changed();
}

fn visibility(shown: bool) -> Visibility {
    if shown { Visibility::Inherited } else { Visibility::Hidden }
}

/// A dome coloured from the horizon to the zenith, glowing towards the sun; inside faces out.
fn dome_geometry(l: &Lighting) -> Geometry {
    let mut g = unit::sphere(32, 16);
    for (p, c) in g.positions.iter_mut().zip(g.colors.iter_mut()) {
        let dir = Vec3::from(*p).normalize();
        *p = (dir * SKY_RADIUS).into();
        let up = dir.y.max(0.0);
        let mut rgb = l.horizon.lerp(l.zenith, up.powf(0.55));
        if dir.y < 0.0 {
            rgb = l.horizon * (1.0 + dir.y * 0.5);
        }
        let towards_sun = dir.dot(l.sun_dir).max(0.0);
        let glow = if l.stars > 0.5 { 0.0 } else { towards_sun.powf(8.0) * 0.5 };
        rgb += l.sun_color * glow;
        let lin = color(rgb).to_linear();
        *c = [lin.red, lin.green, lin.blue, 1.0];
    }
    for n in g.normals.iter_mut() {
        *n = (-Vec3::from(*n)).into();
    }
    for tri in g.indices.chunks_mut(3) {
        tri.swap(1, 2);
    }
    g
}

fn stars_geometry(rng: &mut ChaCha8Rng) -> Geometry {
    let mut g = Geometry::default();
    let quad = unit::cube();
    for _ in 0..700 {
        let (a, z): (f32, f32) = (rng.random_range(0.0..std::f32::consts::TAU), rng.random_range(0.05..1.0));
        let r = (1.0 - z * z).sqrt();
        let dir = Vec3::new(a.cos() * r, z, a.sin() * r);
        let size = rng.random_range(3.0..9.0);
        let brightness = rng.random_range(0.5..1.0);
        let t = Transform::from_translation(dir * SKY_RADIUS * 0.95).looking_to(dir, Vec3::Y).with_scale(Vec3::splat(size));
        g.push(&quad, &t, [brightness, brightness, brightness * 1.05]);
    }
    g
}

fn clouds_geometry(cover: f32, rng: &mut ChaCha8Rng) -> Geometry {
    let mut g = Geometry::default();
    let blob = unit::sphere(10, 6);
    let count = (cover * 70.0).round() as usize;
    for _ in 0..count {
        let (a, d): (f32, f32) = (rng.random_range(0.0..std::f32::consts::TAU), rng.random_range(200.0..2600.0));
        let centre = Vec3::new(a.cos() * d, rng.random_range(280.0..520.0), a.sin() * d);
        let size = rng.random_range(60.0..160.0);
        for _ in 0..rng.random_range(3..6) {
            let offset = Vec3::new(rng.random_range(-1.0..1.0), rng.random_range(-0.1..0.3), rng.random_range(-0.6..0.6)) * size;
            let scale = Vec3::new(size * rng.random_range(0.7..1.2), size * 0.28, size * rng.random_range(0.5..0.9));
            g.push(&blob, &Transform::from_translation(centre + offset).with_scale(scale), [1.0, 1.0, 1.0]);
        }
    }
    g
}

fn follow_camera(camera: Query<&GlobalTransform, With<Camera3d>>, mut followers: Query<(&mut Transform, &FollowsViewer)>) {
    let Some(eye) = camera.iter().next().map(|c| c.translation()) else { return };
    for (mut t, follow) in &mut followers {
        t.translation = eye + follow.0;
    }
}

/// Pushes the current lighting into the sun, ambient light, dome, sun disc, stars and clouds.
// Bevy systems name their queries' filters in full; that is the engine's idiom, not complexity.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn apply_lighting(
    lighting: Res<CurrentLighting>,
    mut ambient: ResMut<GlobalAmbientLight>,
    mut sun: Query<(&mut DirectionalLight, &mut Transform), (With<Sun>, Without<SunDisc>)>,
    dome: Query<&Mesh3d, With<SkyDome>>,
    mut disc: Query<(&mut Transform, &mut FollowsViewer, &MeshMaterial3d<StandardMaterial>), (With<SunDisc>, Without<Sun>)>,
    mut stars: Query<&mut Visibility, With<Stars>>,
    clouds: Query<&MeshMaterial3d<StandardMaterial>, With<Clouds>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    if !lighting.is_changed() {
        return;
    }
    let l = lighting.0;
    // The brightness is the weather's to set, every frame (lightning, the lamps going out).
    ambient.color = color(l.ambient);
    for (mut light, mut t) in &mut sun {
        light.illuminance = l.sun_lux;
        light.color = color(l.sun_color);
        *t = Transform::from_translation(l.sun_dir).looking_at(Vec3::ZERO, Vec3::Y);
    }
    for mesh in &dome {
        if let Some(mut m) = meshes.get_mut(&mesh.0) {
            let g = dome_geometry(&l);
            m.insert_attribute(Mesh::ATTRIBUTE_COLOR, g.colors);
        }
    }
    for (mut t, mut follow, material) in &mut disc {
        let night = l.stars > 0.5;
        t.scale = Vec3::splat(if night { 120.0 } else { 220.0 });
        // The disc sits just inside the dome, in the sun's (or moon's) direction.
        follow.0 = l.sun_dir * SKY_RADIUS * 0.9;
        if let Some(mut m) = materials.get_mut(&material.0) {
            let c = if night { Vec3::new(0.85, 0.88, 0.95) } else { (l.sun_color * 1.2).min(Vec3::ONE) };
            m.base_color = color(c * (l.sun_lux / 8000.0).clamp(0.35, 1.0));
        }
    }
    for mut v in &mut stars {
        *v = visibility(l.stars > 0.05);
    }
    for material in &clouds {
        if let Some(mut m) = materials.get_mut(&material.0) {
            m.base_color = color(l.cloud_color);
        }
    }
}
