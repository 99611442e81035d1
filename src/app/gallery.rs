//! A contact sheet: many small worlds, each shown in turn from its spawn and captured into one
//! tile of a single PNG, so a person can look at every kind and family at once.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::snapshot::save_png;
use super::window::bevy_plugins;
use super::{AppError, SayscapePlugins, Shared, Size, SnapshotError, display, take_shared};
use crate::plan::Layout;
use crate::state::{CurrentLayout, ModelsLoading, RealModelsChoice, SceneClock, ShowLayout};

/// Frames drawn after a world appears before its tile is captured (the fade-in and shaders).
const SETTLE_FRAMES: u32 = 14;

/// The share of the view (across and up) a tile of things keeps, around its centre: a tile is
/// what a person sees at the middle of their view from the spawn, not a wider lens. A tile of
/// a whole scene keeps the whole view.
pub const THINGS_CROP: f32 = 0.45;
pub const SCENE_CROP: f32 = 1.0;

/// The label of the tile being shown.
#[derive(Component)]
struct Label;

/// One tile of a sheet: its label, its world, and whether kinds are built from their real
/// models (set-up's) or procedurally.
pub struct Tile {
    pub title: String,
    pub layout: Layout,
    pub real_models: bool,
}

#[derive(Resource)]
struct Gallery {
    layouts: Vec<Arc<Layout>>,
    titles: Vec<String>,
    real: Vec<bool>,
    current: usize,
    /// Frames since the current world became the shown one; none while waiting for it.
    shown_for: Option<u32>,
    asked: bool,
    waiting: u32,
    tiles: Shared<Vec<Option<Image>>>,
}

/// Shows each tile's world at its spawn, captures the middle `crop` of the view as a
/// `tile`-sized picture labelled with its title, and writes them as one sheet of `columns` to
/// `out`.
pub fn contact_sheet(exhibits: Vec<Tile>, tile: Size, columns: u32, crop: f32, out: &std::path::Path) -> Result<(), AppError> {
    let crop = crop.clamp(0.1, 1.0);
    let _display = display::ensure_display()?;
    let n = exhibits.len();
    let tiles = Arc::new(Mutex::new(vec![None; n]));
    let real: Vec<bool> = exhibits.iter().map(|t| t.real_models).collect();
    let (titles, layouts): (Vec<String>, Vec<Layout>) = exhibits.into_iter().map(|t| (t.title, t.layout)).unzip();
    let window = Size { width: (tile.width as f32 / crop).round() as u32, height: (tile.height as f32 / crop).round() as u32 };
    let mut app = App::new();
    app.add_plugins(bevy_plugins("contact sheet", window, true))
        .add_plugins(SayscapePlugins { start: None, live: None })
        .insert_resource(SceneClock { t: 2.0, frozen: true })
        .insert_resource(Gallery {
            layouts: layouts.into_iter().map(Arc::new).collect(),
            titles,
            real,
            current: 0,
            shown_for: None,
            asked: false,
            waiting: 0,
            tiles: tiles.clone(),
        })
        .add_systems(Startup, move |commands: Commands| spawn_label(commands, crop))
        .add_systems(Last, step_gallery);
    app.run();
    let failed = |source| AppError::Snapshot { path: out.to_path_buf(), source };
    let tiles = take_shared(&tiles, "contact sheet")?;
    let missing = tiles.iter().filter(|t| t.is_none()).count();
    if missing > 0 {
        return Err(failed(SnapshotError::Tiles { missing, total: n }));
    }
    let sheet = compose(tiles.into_iter().flatten().collect(), tile, columns);
    save_png(&sheet, &PathBuf::from(out)).map_err(failed)
}

fn spawn_label(mut commands: Commands, crop: f32) {
    let margin = (1.0 - crop) * 50.0;
    commands.spawn((
        Label,
        Text::new(""),
        TextFont { font_size: FontSize::Px(15.0), ..default() },
        Node { position_type: PositionType::Absolute, left: Val::Percent(margin + 1.0), top: Val::Percent(margin + 1.0), ..default() },
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.45)),
    ));
}

#[allow(clippy::too_many_arguments)] // a Bevy system: its arguments are what it reads
fn step_gallery(
    mut commands: Commands,
    mut label: Query<&mut Text, With<Label>>,
    mut gallery: ResMut<Gallery>,
    current: Option<Res<CurrentLayout>>,
    loading: Res<ModelsLoading>,
    mut choice: ResMut<RealModelsChoice>,
    mut show: MessageWriter<ShowLayout>,
    mut exit: MessageWriter<AppExit>,
) {
    let g = &mut *gallery;
    if g.current >= g.layouts.len() {
        // The last capture arrives a few frames after it was asked for.
        g.waiting += 1;
        let done = g.tiles.lock().map(|t| t.iter().all(Option::is_some)).unwrap_or(true);
        if done || g.waiting > 120 {
            exit.write(AppExit::Success);
        }
        return;
    }
    let wanted = g.layouts[g.current].clone();
    if !g.asked {
        choice.0 = g.real[g.current];
        show.write(ShowLayout(wanted.clone()));
        for mut text in &mut label {
            text.0 = format!(" {} ", g.titles[g.current]);
        }
        g.asked = true;
        g.waiting = 0;
        return;
    }
    g.waiting += 1;
    if g.waiting > 600 + super::snapshot::MODEL_WAIT_FRAMES {
        exit.write(AppExit::error());
        return;
    }
    let is_shown = current.is_some_and(|c| Arc::ptr_eq(&c.0, &wanted));
    match g.shown_for {
        // The tile waits for its model files before it settles.
        None if is_shown && (loading.0 == 0 || g.waiting > super::snapshot::MODEL_WAIT_FRAMES) => g.shown_for = Some(0),
        None => {}
        Some(n) if n < SETTLE_FRAMES => g.shown_for = Some(n + 1),
        Some(_) => {
            let (tiles, index) = (g.tiles.clone(), g.current);
            commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>| {
                if let Ok(mut slot) = tiles.lock() {
                    slot[index] = Some(captured.image.clone());
                }
            });
            g.current += 1;
            g.shown_for = None;
            g.asked = false;
            g.waiting = 0;
        }
    }
}

/// Lays the tiles out in rows of `columns`, in order.
fn compose(tiles: Vec<Image>, tile: Size, columns: u32) -> Image {
    let columns = columns.max(1).min(tiles.len().max(1) as u32);
    let rows = (tiles.len() as u32).div_ceil(columns).max(1);
    let (w, h) = (tile.width * columns, tile.height * rows);
    let mut data = vec![0u8; (w * h * 4) as usize];
    for (i, image) in tiles.iter().enumerate() {
        let Ok(rgba) = image.clone().try_into_dynamic().map(|d| d.to_rgba8()) else { continue };
        let (ox, oy) = ((i as u32 % columns) * tile.width, (i as u32 / columns) * tile.height);
        // The middle of the captured view.
        let (cx, cy) = (rgba.width().saturating_sub(tile.width) / 2, rgba.height().saturating_sub(tile.height) / 2);
        for y in 0..tile.height.min(rgba.height()) {
            for x in 0..tile.width.min(rgba.width()) {
                let px = rgba.get_pixel(cx + x, cy + y);
                let at = (((oy + y) * w + ox + x) * 4) as usize;
                data[at..at + 4].copy_from_slice(&px.0);
            }
        }
    }
    Image::new(
        Extent3d { width: w, height: h, depth_or_array_layers: 1 },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::default(),
    )
}
