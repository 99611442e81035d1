//! What a picture shows: each kind's share of its pixels. After the picture, one more frame is
//! drawn in which every kind is painted in a colour of its own (unlit, no fog, no tonemapping)
//! and everything else black; counting that frame's colours gives the coverage, occlusion
//! included, exactly as the player sees the world.

use std::collections::HashMap;

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::mesh::VertexAttributeValues;
use bevy::prelude::*;

use crate::state::CurrentLayout;
use crate::world::{BuiltFrom, Placed, RoomPart, WorldPart};

/// One kind in a picture.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Coverage {
    pub kind: String,
    /// Fraction of the picture's pixels.
    pub coverage: f32,
    /// The real model file the kind's instances are built from; none: its procedural model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// Steps of each channel in the identity colours: 8 levels, 32 apart, read back within ±12.
const LEVELS: usize = 8;
const STEP: u8 = 32;
const TOLERANCE: u8 = 12;

/// The identity colour of the kind at `index` (sRGB); never black.
fn id_color(index: usize) -> [u8; 3] {
    let n = index + 1;
    let level = |shift: usize| ((n >> shift) % LEVELS) as u8 * STEP + STEP / 2;
    [level(0), level(3), level(6)]
}

/// The kind index a pixel's colour identifies, if it is one (edges blended by MSAA are not).
fn decode(px: [u8; 3]) -> Option<usize> {
    let mut n = 0;
    for (c, shift) in px.into_iter().zip([0, 3, 6]) {
        let level = c / STEP;
        let centre = level * STEP + STEP / 2;
        if c.abs_diff(centre) > TOLERANCE {
            return None;
        }
        n |= (level as usize) << shift;
    }
    n.checked_sub(1)
}

/// The kinds of the current world, in a fixed order (their identity colours).
pub(super) fn kinds_of(layout: &CurrentLayout) -> Vec<String> {
    let mut kinds: Vec<String> = layout.0.instances.iter().map(|i| i.kind.clone()).collect();
    // Indoors the room's floor, walls and ceiling count as what the picture shows too.
    if layout.0.setting.room.is_some() {
        kinds.extend([RoomPart::Floor, RoomPart::Walls, RoomPart::Ceiling].map(|p| p.kind().to_string()));
    }
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Repaints the world for counting: each instance's meshes in its kind's colour, the rest of
/// the world black, the camera without tonemapping.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(super) fn paint_identities(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    parts: Query<(Entity, &Mesh3d), Or<(With<WorldPart>, With<ChildOf>)>>,
    placed: Query<&Placed>,
    room_parts: Query<&RoomPart>,
    world_parts: Query<(), With<WorldPart>>,
    parents: Query<&ChildOf>,
    cameras: Query<Entity, With<Camera3d>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let kinds = kinds_of(&layout);
    let index: HashMap<&str, usize> = kinds.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let flat = |color: Color| StandardMaterial { base_color: color, unlit: true, fog_enabled: false, ..default() };
    let white = materials.add(flat(Color::WHITE));
    let black = materials.add(flat(Color::BLACK));
    let mut recoloured: HashMap<(AssetId<Mesh>, usize), Handle<Mesh>> = HashMap::new();
    for (entity, mesh) in &parts {
        // The instance this mesh belongs to, and whether it belongs to the world at all.
        let mut at = entity;
        let mut owner = None;
        let mut in_world = false;
        loop {
            in_world |= world_parts.contains(at);
            if let Ok(p) = placed.get(at) {
                owner = Some(p.0);
            }
            match parents.get(at) {
                Ok(parent) if owner.is_none() => at = parent.parent(),
                _ => break,
            }
        }
        let kind = match room_parts.get(entity) {
            Ok(part) => index.get(part.kind()).copied(),
            Err(_) => owner.and_then(|i| layout.0.instances.get(i)).and_then(|inst| index.get(inst.kind.as_str()).copied()),
        };
        match kind {
            Some(k) => {
                let Some(source) = meshes.get(&mesh.0).cloned() else { continue };
                let handle = recoloured.entry((mesh.0.id(), k)).or_insert_with(|| {
                    let mut copy = source;
                    let [r, g, b] = id_color(k);
                    let linear = Color::srgb_u8(r, g, b).to_linear().to_f32_array();
                    let count = copy.count_vertices();
                    copy.insert_attribute(Mesh::ATTRIBUTE_COLOR, VertexAttributeValues::Float32x4(vec![linear; count]));
                    meshes.add(copy)
                });
                commands.entity(entity).insert((Mesh3d(handle.clone()), MeshMaterial3d(white.clone())));
            }
            None if in_world || owner.is_some() => {
                commands.entity(entity).insert(MeshMaterial3d(black.clone()));
            }
            None => {}
        }
    }
    for camera in &cameras {
        commands.entity(camera).insert(Tonemapping::None);
    }
    commands.insert_resource(ClearColor(Color::BLACK));
}

/// The real model each kind of the current world is built from (the first instance's).
pub(super) fn real_models_of(layout: &CurrentLayout, built: &Query<(&Placed, &BuiltFrom)>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (Placed(i), BuiltFrom(asset)) in built {
        if let Some(inst) = layout.0.instances.get(*i) {
            out.entry(inst.kind.clone()).or_insert_with(|| asset.clone());
        }
    }
    out
}

/// Each kind's share of the pixels of an identity frame, largest first.
pub(super) fn count(image: &Image, kinds: &[String], models: &HashMap<String, String>) -> Result<Vec<Coverage>, super::SnapshotError> {
    let rgb = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| super::SnapshotError::Format { what: "identity frame", source: Box::new(e) })?
        .to_rgb8();
    let total = (rgb.width() as usize * rgb.height() as usize).max(1);
    let mut counts = vec![0usize; kinds.len()];
    for px in rgb.pixels() {
        if let Some(k) = decode(px.0).filter(|&k| k < kinds.len()) {
            counts[k] += 1;
        }
    }
    let mut visible: Vec<Coverage> = kinds
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(kind, n)| Coverage { kind: kind.clone(), coverage: n as f32 / total as f32, model: models.get(kind).cloned() })
        .collect();
    visible.sort_by(|a, b| b.coverage.total_cmp(&a.coverage));
    Ok(visible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_colours_read_back_and_black_is_nobody() {
        for k in 0..300 {
            let [r, g, b] = id_color(k);
            assert_eq!(decode([r, g, b]), Some(k));
            assert_eq!(decode([r.saturating_add(9), g.saturating_sub(9), b]), Some(k));
        }
        assert_eq!(decode([0, 0, 0]), None);
        assert_eq!(decode([3, 2, 1]), None);
    }
}
