//! The player: the camera at the spawn at real scale, riding the carrier (a ship's deck, a
//! plane's cockpit) when it moves; mouse-look and WASD in a window; an overview for snapshots.

use bevy::input::mouse::AccumulatedMouseMotion;
use bevy::prelude::*;
use bevy::window::{CursorGrabMode, CursorOptions};

use super::sky::SKY_RADIUS;
use super::{CurrentLayout, SceneClock, WorldSpawn, WorldSystems, heading};
use crate::plan::place::{forward, from_world};
use crate::plan::timeline::{shaking_at, tremor};
use crate::plan::{Layout, Motions, Spawn};
use crate::scene::Vantage;

pub struct PlayerPlugin;

impl Plugin for PlayerPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ViewPoint>()
            .init_resource::<Controls>()
            .init_resource::<PlayerPose>()
            .add_systems(Startup, spawn_camera.run_if(not(resource_exists::<Headset>)))
            .add_systems(Update, place_player.in_set(WorldSpawn))
            .add_systems(Update, (grab_cursor, look_and_move, pose_player, place_camera).chain().in_set(WorldSystems));
    }
}

/// Where the camera looks from.
#[derive(Resource, Default, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ViewPoint {
    /// At the player's eyes.
    #[default]
    Spawn,
    /// Ahead of the player and above, looking back over the scene at them.
    Overview,
}

/// Whether the keyboard and mouse move the player (a window) or not (a snapshot).
#[derive(Resource, Default)]
pub struct Controls {
    pub enabled: bool,
    /// Typing a prompt: the keys go to the text, not to movement.
    pub typing: bool,
}

/// The player's body: where it stands (in the carrier's frame when riding), where it looks.
#[derive(Resource)]
pub struct Player {
    pub carrier: Option<usize>,
    /// Feet position: carrier frame (x right, y up, z back) when riding, else world.
    pub feet: Vec3,
    pub yaw_deg: f32,
    pub pitch_deg: f32,
    pub eye_height: f32,
}

#[derive(Component)]
pub struct PlayerCamera;

/// Present when a headset shows the world: it brings its own cameras, moved by the XR plugin.
#[derive(Resource)]
pub struct Headset;

/// Where the player is this frame, in world space: feet, the frame of what carries them
/// (a ship's heading and roll), and where the eyes look.
#[derive(Resource, Default, Clone, Copy)]
pub struct PlayerPose {
    pub feet: Vec3,
    pub frame: Quat,
    /// Heading of the body relative to `frame` (turning, not head tracking).
    pub body: Quat,
    pub look: Quat,
    pub eye_height: f32,
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        PlayerCamera,
        Camera3d::default(),
        Projection::Perspective(PerspectiveProjection { fov: 70f32.to_radians(), near: 0.1, far: SKY_RADIUS * 1.3, ..default() }),
        Transform::from_xyz(0.0, 1.7, 0.0),
    ));
}

/// Eye height above the feet for a vantage.
pub fn eye_height(vantage: Vantage) -> f32 {
    match vantage {
        Vantage::Cockpit | Vantage::Seat => 0.85,
        Vantage::Saddle => 2.4,
        _ => 1.7,
    }
}

pub fn player_for(layout: &Layout) -> Player {
    let spawn = &layout.spawn;
    let motions = Motions::new(layout);
    let carrier = spawn.parent.filter(|&p| p < layout.instances.len() && motions.moves(p));
    let feet = match carrier {
        Some(p) => {
            let c = &layout.instances[p];
            Vec3::from(from_world(c.position, c.yaw_deg, spawn.position))
        }
        None => Vec3::from(spawn.position),
    };
    let yaw_deg = match carrier {
        Some(p) => spawn.yaw_deg - layout.instances[p].yaw_deg,
        None => spawn.yaw_deg,
    };
    Player { carrier, feet, yaw_deg, pitch_deg: -4.0, eye_height: eye_height(spawn.vantage) }
}

/// A new world puts the player at its spawn. After an edit that left the spawn where it was,
/// the player stays where they walked to and keeps looking where they looked; only what
/// carries them is looked up again (its index in the layout may have changed).
fn place_player(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    change: Option<Res<crate::state::WorldChange>>,
    player: Option<ResMut<Player>>,
    mut last: Local<Option<Spawn>>,
) {
    let in_place = change.is_some_and(|c| c.in_place);
    let spawn = &layout.0.spawn;
    let same = |old: &Spawn| old.position == spawn.position && old.yaw_deg == spawn.yaw_deg && old.vantage == spawn.vantage;
    let fresh = player_for(&layout.0);
    match player {
        Some(mut player) if in_place && last.as_ref().is_some_and(same) && player.carrier.is_some() == fresh.carrier.is_some() => {
            player.carrier = fresh.carrier;
        }
        _ => commands.insert_resource(fresh),
    }
    *last = Some(spawn.clone());
}

fn grab_cursor(
    controls: Res<Controls>,
    mouse: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    mut cursors: Query<&mut CursorOptions>,
) {
    if !controls.enabled {
        return;
    }
    for mut cursor in &mut cursors {
        if mouse.just_pressed(MouseButton::Left) {
            cursor.grab_mode = CursorGrabMode::Locked;
            cursor.visible = false;
        }
        if keys.just_pressed(KeyCode::Escape) || controls.typing {
            cursor.grab_mode = CursorGrabMode::None;
            cursor.visible = true;
        }
    }
}

fn look_and_move(
    controls: Res<Controls>,
    time: Res<Time>,
    keys: Res<ButtonInput<KeyCode>>,
    mouse: Res<AccumulatedMouseMotion>,
    cursors: Query<&CursorOptions>,
    player: Option<ResMut<Player>>,
) {
    let Some(mut player) = player else { return };
    if !controls.enabled || controls.typing {
        return;
    }
    if cursors.iter().any(|c| c.grab_mode != CursorGrabMode::None) {
        player.yaw_deg += mouse.delta.x * 0.12;
        player.pitch_deg = (player.pitch_deg - mouse.delta.y * 0.12).clamp(-85.0, 85.0);
    }
    let turn = (keys.pressed(KeyCode::ArrowRight) as i32 - keys.pressed(KeyCode::ArrowLeft) as i32) as f32;
    player.yaw_deg += turn * 90.0 * time.delta_secs();
    let ahead = (keys.pressed(KeyCode::KeyW) as i32 - keys.pressed(KeyCode::KeyS) as i32) as f32;
    let side = (keys.pressed(KeyCode::KeyD) as i32 - keys.pressed(KeyCode::KeyA) as i32) as f32;
    let up = (keys.pressed(KeyCode::KeyE) as i32 - keys.pressed(KeyCode::KeyQ) as i32) as f32;
    let speed = if keys.pressed(KeyCode::ShiftLeft) { 12.0 } else { 3.0 } * time.delta_secs();
    let (fx, fz) = forward(player.yaw_deg);
    let step = Vec3::new(fx * ahead - fz * side, up, fz * ahead + fx * side) * speed;
    player.feet += step;
}

/// Works out the player's pose for this frame's time (carried along when riding).
fn pose_player(clock: Res<SceneClock>, layout: Option<Res<CurrentLayout>>, player: Option<Res<Player>>, mut pose: ResMut<PlayerPose>) {
    let (Some(layout), Some(player)) = (layout, player) else { return };
    let layout: &Layout = &layout.0;
    let (origin, frame) = match player.carrier {
        Some(p) => {
            let carrier = Motions::new(layout).pose(p, clock.t);
            (Vec3::from(carrier.position), heading(carrier.yaw_deg, carrier.pitch_deg, carrier.roll_deg))
        }
        None => (Vec3::ZERO, Quat::IDENTITY),
    };
    *pose = PlayerPose {
        feet: origin + frame * player.feet,
        frame,
        body: heading(player.yaw_deg, 0.0, 0.0),
        look: frame * heading(player.yaw_deg, player.pitch_deg, 0.0),
        eye_height: player.eye_height,
    };
}

/// How far the eyes move when the ground shakes hardest: a few centimetres, about a degree.
const SHAKE_M: f32 = 0.035;
const SHAKE_DEG: f32 = 1.0;

/// Puts the desktop camera at the player's eyes (or the overview point); the eyes shake with
/// the ground in an earthquake.
fn place_camera(
    view: Res<ViewPoint>,
    clock: Res<SceneClock>,
    layout: Option<Res<CurrentLayout>>,
    pose: Res<PlayerPose>,
    mut camera: Query<&mut Transform, With<PlayerCamera>>,
) {
    let Some(layout) = layout else { return };
    let Ok(mut camera) = camera.single_mut() else { return };
    let feet = pose.feet;
    let look = pose.look;
    *camera = match *view {
        ViewPoint::Spawn => {
            let eyes = Transform::from_translation(feet + pose.frame * Vec3::Y * pose.eye_height).with_rotation(look);
            let shaking = shaking_at(&layout.0, clock.t);
            if shaking > 0.0 {
                let [x, y, z] = tremor(clock.t, 0.0);
                let [yaw, pitch, roll] = tremor(clock.t + 17.0, 1.3).map(|v| (v * SHAKE_DEG * shaking).to_radians());
                Transform::from_translation(eyes.translation + Vec3::new(x, y * 0.6, z) * SHAKE_M * shaking)
                    .with_rotation(eyes.rotation * Quat::from_euler(EulerRot::YXZ, yaw, pitch, roll))
            } else {
                eyes
            }
        }
        ViewPoint::Overview if layout.0.setting.room.is_some() => {
            let room = layout.0.setting.room.as_ref().expect("checked by the guard");
            // Indoors: from high in the far corner, under the ceiling, over the whole room.
            let (w, l, h) = (room.width() / 2.0, room.length() / 2.0, room.height());
            let corner = if room.width() == room.length() || room.shape != crate::scene::RoomShape::Rectangle {
                Vec3::new(w * 0.6, 0.0, -w * 0.6)
            } else {
                Vec3::new(w * 0.85, 0.0, -l * 0.9)
            };
            let floor = feet.y;
            Transform::from_translation(Vec3::new(corner.x, floor + h * 0.85, corner.z))
                .looking_at(Vec3::new(-corner.x * 0.3, floor, -corner.z * 0.3), Vec3::Y)
        }
        ViewPoint::Overview => {
            // Ahead of the player and above, looking back at them: the stage from the crowd,
            // the ship from off its bow, the plane from ahead.
            let distance = (layout.0.setting.area_radius * 0.15).clamp(30.0, 160.0);
            let ahead = look * Vec3::NEG_Z;
            let flat = Vec3::new(ahead.x, 0.0, ahead.z).normalize_or(Vec3::NEG_Z);
            let from = feet + flat * distance + Vec3::Y * distance * 0.45;
            Transform::from_translation(from).looking_at(feet + Vec3::Y * 4.0, Vec3::Y)
        }
    };
}
