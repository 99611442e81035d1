//! The materials of an exported world, matching the world's: white surfaces coloured by their
//! vertices (models, ground, rooms), unlit glowing parts at the time of day's brightness,
//! water, lava. glTF colour factors are linear; the world's colours are written in sRGB.

use bevy::prelude::*;
use serde_json::{Value, json};

use super::glb::Document;
use crate::world::lighting::Lighting;
use crate::world::{GROUND_ROUGHNESS, ROOM_ROUGHNESS, WATER_ROUGHNESS};

/// Linear RGB of an sRGB colour.
pub fn linear(rgb: [f32; 3]) -> [f32; 3] {
    let c = Color::srgb(rgb[0], rgb[1], rgb[2]).to_linear();
    [c.red, c.green, c.blue]
}

fn lit(name: &str, base: [f32; 3], roughness: f32) -> Value {
    json!({
        "name": name,
        "pbrMetallicRoughness": {"baseColorFactor": [base[0], base[1], base[2], 1.0], "metallicFactor": 0.0, "roughnessFactor": roughness},
    })
}

/// The indices of the shared materials in a document.
pub struct Materials {
    /// Models' lit parts (the world's `perceptual_roughness: 0.85`).
    pub model: usize,
    /// Lamps, screens, fire, lit windows: unlit, dimmed by day as the world dims them.
    pub glow: usize,
    pub ground: usize,
    pub room: usize,
    /// Room lamps glow fully (the world's room glow is plain white, unlit).
    pub room_glow: usize,
}

impl Materials {
    pub fn add(doc: &mut Document, lighting: &Lighting) -> Materials {
        doc.uses("KHR_materials_unlit");
        let g = linear([lighting.glow; 3]);
        let unlit = |name: &str, base: [f32; 3]| {
            json!({
                "name": name,
                "pbrMetallicRoughness": {"baseColorFactor": [base[0], base[1], base[2], 1.0], "metallicFactor": 0.0, "roughnessFactor": 1.0},
                "extensions": {"KHR_materials_unlit": {}},
            })
        };
        Materials {
            model: doc.add_material(lit("model", [1.0; 3], 0.85)),
            glow: doc.add_material(unlit("glow", g)),
            ground: doc.add_material(lit("ground", [1.0; 3], GROUND_ROUGHNESS)),
            room: doc.add_material(lit("room", [1.0; 3], ROOM_ROUGHNESS)),
            room_glow: doc.add_material(unlit("room glow", [1.0; 3])),
        }
    }
}

/// Water of a deep colour (sRGB), smooth and seen from both sides.
pub fn water(doc: &mut Document, deep: [f32; 3]) -> usize {
    let mut material = lit("water", linear(deep), WATER_ROUGHNESS);
    material["doubleSided"] = json!(true);
    doc.add_material(material)
}

/// Lava: a dark base and an emissive colour brighter than 1 (the strength extension carries
/// the part over 1, as glTF factors stop at 1).
pub fn lava(doc: &mut Document, base: [f32; 3], emissive: [f32; 3]) -> usize {
    let mut material = lit("lava", linear(base), 0.6);
    let strength = emissive.iter().copied().fold(1.0f32, f32::max);
    material["emissiveFactor"] = json!(emissive.map(|v| v / strength));
    if strength > 1.0 {
        doc.uses("KHR_materials_emissive_strength");
        material["extensions"] = json!({"KHR_materials_emissive_strength": {"emissiveStrength": strength}});
    }
    doc.add_material(material)
}
