//! Text in the headset: what was heard, the status line and the spoken language, on a panel
//! under the progress ring. The window's overlay is not in a headset's view; this panel is its
//! counterpart, drawn by a UI camera into a texture shown on a quad that follows the gaze.

use bevy::asset::RenderAssetUsages;
use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat, TextureUsages};

use crate::state::{LastHeard, SpokenLanguage, Status, WorldSystems};
use crate::world::PlayerPose;

pub struct CaptionPlugin;

impl Plugin for CaptionPlugin {
    fn build(&self, app: &mut App) {
        crate::state::ensure_state(app);
        app.add_systems(Startup, spawn_caption).add_systems(Update, show_caption.after(WorldSystems));
    }
}

#[derive(Component)]
struct CaptionText;
#[derive(Component)]
struct CaptionPanel;

/// Texture size in pixels; the quad keeps its aspect.
const WIDTH: u32 = 1024;
const HEIGHT: u32 = 192;
/// The quad's width in metres, 1.2 m ahead and a little below the eyes: about 36° of view.
const PANEL_M: f32 = 0.8;

fn spawn_caption(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let mut image = Image::new_fill(
        Extent3d { width: WIDTH, height: HEIGHT, ..default() },
        TextureDimension::D2,
        &[0, 0, 0, 0],
        TextureFormat::Bgra8UnormSrgb,
        RenderAssetUsages::default(),
    );
    image.texture_descriptor.usage = TextureUsages::TEXTURE_BINDING | TextureUsages::COPY_DST | TextureUsages::RENDER_ATTACHMENT;
    let texture = images.add(image);
    let camera = commands
        .spawn((
            Camera2d,
            Camera { order: -1, clear_color: ClearColorConfig::Custom(Color::srgba(0.0, 0.0, 0.0, 0.55)), ..default() },
            RenderTarget::Image(texture.clone().into()),
        ))
        .id();
    commands
        .spawn((
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                padding: UiRect::all(Val::Px(16.0)),
                justify_content: JustifyContent::Center,
                align_items: AlignItems::Center,
                ..default()
            },
            UiTargetCamera(camera),
        ))
        .with_children(|panel| {
            panel.spawn((CaptionText, Text::new(""), TextFont { font_size: FontSize::Px(34.0), ..default() }, TextColor::WHITE));
        });
    let material = materials.add(StandardMaterial {
        base_color_texture: Some(texture),
        unlit: true,
        fog_enabled: false,
        alpha_mode: AlphaMode::Blend,
        ..default()
    });
    let height_m = PANEL_M * HEIGHT as f32 / WIDTH as f32;
    commands.spawn((
        CaptionPanel,
        Mesh3d(meshes.add(Rectangle::new(PANEL_M, height_m))),
        MeshMaterial3d(material),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// The caption's lines: what was heard (until the next request), then the status, or the
/// controls when nothing is going on.
pub fn caption_lines(heard: &LastHeard, status: &Status, language: &SpokenLanguage) -> String {
    let status_line =
        status.line().unwrap_or_else(|| format!("Hold A to speak · B: undo · left stick click: language ({})", language.label()));
    match &heard.0 {
        Some(heard) => format!("{heard}\n{status_line}"),
        None => status_line,
    }
}

fn show_caption(
    heard: Res<LastHeard>,
    status: Res<Status>,
    language: Res<SpokenLanguage>,
    pose: Res<PlayerPose>,
    mut text: Query<&mut Text, With<CaptionText>>,
    mut panel: Query<(&mut Transform, &mut Visibility), With<CaptionPanel>>,
) {
    if let Ok(mut text) = text.single_mut()
        && (heard.is_changed() || status.is_changed() || language.is_changed())
    {
        text.0 = crate::world::displayable(&caption_lines(&heard, &status, &language));
    }
    let Ok((mut t, mut visibility)) = panel.single_mut() else { return };
    *visibility = Visibility::Inherited;
    let eye = pose.feet + pose.frame * Vec3::Y * 1.6;
    let ahead = pose.frame * pose.body * Vec3::NEG_Z;
    let at = eye + ahead * 1.2 - pose.frame * Vec3::Y * 0.35;
    // The quad's front (+Z) faces the eyes.
    *t = Transform::from_translation(at).looking_to(-ahead, pose.frame * Vec3::Y);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caption_shows_what_was_heard_above_the_status() {
        let heard = LastHeard(Some("Heard “a pirate ship in a storm” (English)".into()));
        let failed = Status::Failed("the model stopped".into());
        assert_eq!(
            caption_lines(&heard, &failed, &SpokenLanguage::default()),
            "Heard “a pirate ship in a storm” (English)\nCould not do that: the model stopped"
        );
        let idle = caption_lines(&LastHeard::default(), &Status::Idle, &SpokenLanguage(Some("fr".into())));
        assert!(idle.contains("language (French)"), "{idle}");
    }
}
