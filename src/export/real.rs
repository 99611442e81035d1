//! Real models in an exported world: a GLB file set-up converted is read once, and its meshes
//! with all they need (accessors, buffer views, materials, textures, images, samplers) are
//! copied into the document, their references renumbered. Its node hierarchy is flattened:
//! each node with a mesh becomes a [`Part`], the copied mesh and where it sits in the model,
//! as the world's loader attaches the parts of a file.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde_json::{Map, Value};

use super::glb::{Array, Document, chunks};

/// The extensions a model file's items may carry into the export; any other is left out of
/// the copy (and a file that requires another is not copied at all).
const CARRIED_EXTENSIONS: &[&str] = &["KHR_materials_emissive_strength", "KHR_texture_transform", "KHR_materials_unlit"];

/// A mesh of a copied model and its place in the model's frame (the source nodes above it
/// baked in).
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub mesh: usize,
    pub transform: Mat4,
}

#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a binary glTF file")]
    NotGlb { path: PathBuf },
    #[error("{path}: {what}")]
    Unsupported { path: PathBuf, what: String },
}

/// Copies the model file at `path` into `doc`; its parts, in the model's frame.
pub fn import(doc: &mut Document, path: &Path) -> Result<Vec<Part>, ModelFileError> {
    let bytes = std::fs::read(path).map_err(|source| ModelFileError::Read { path: path.to_path_buf(), source })?;
    let (json, bin) = chunks(&bytes).ok_or_else(|| ModelFileError::NotGlb { path: path.to_path_buf() })?;
    Import { doc, json: &json, bin }.run().map_err(|what| ModelFileError::Unsupported { path: path.to_path_buf(), what })
}

struct Import<'a> {
    doc: &'a mut Document,
    json: &'a Value,
    bin: &'a [u8],
}

/// The new index of each item of an array of the source, by its old index.
type Renumbering = Vec<usize>;

impl<'a> Import<'a> {
    fn items(&self, key: &str) -> &'a [Value] {
        let json: &'a Value = self.json;
        json[key].as_array().map_or(&[], Vec::as_slice)
    }

    fn run(mut self) -> Result<Vec<Part>, String> {
        for required in self.items("extensionsRequired") {
            if !required.as_str().is_some_and(|r| CARRIED_EXTENSIONS.contains(&r)) {
                return Err(format!("requires {required}, which the export does not carry"));
            }
        }
        if self.items("buffers").iter().any(|b| b.get("uri").is_some()) {
            return Err("a buffer outside the file (the converted models hold one, inside)".into());
        }
        let views = self.views()?;
        let samplers = self.copy("samplers", Array::Samplers, |_| Ok(()))?;
        let images = self.copy("images", Array::Images, |image| match image.get("uri").and_then(Value::as_str) {
            Some(uri) if !uri.starts_with("data:") => Err(format!("an image outside the file ({uri})")),
            _ => renumber(image, "bufferView", &views),
        })?;
        let textures = self.copy("textures", Array::Textures, |texture| {
            renumber(texture, "source", &images)?;
            renumber(texture, "sampler", &samplers)
        })?;
        let materials = self.copy("materials", Array::Materials, |material| renumber_textures(material, &textures))?;
        let accessors = self.copy("accessors", Array::Accessors, |accessor| {
            renumber(accessor, "bufferView", &views)?;
            if let Some(sparse) = accessor.get_mut("sparse") {
                renumber(&mut sparse["indices"], "bufferView", &views)?;
                renumber(&mut sparse["values"], "bufferView", &views)?;
            }
            Ok(())
        })?;
        let meshes = self.copy("meshes", Array::Meshes, |mesh| {
            for primitive in mesh["primitives"].as_array_mut().into_iter().flatten() {
                if primitive["attributes"].get("JOINTS_0").is_some() {
                    return Err("a skinned mesh (the export copies static models)".into());
                }
                renumber_all(&mut primitive["attributes"], &accessors)?;
                for target in primitive.get_mut("targets").and_then(Value::as_array_mut).into_iter().flatten() {
                    renumber_all(target, &accessors)?;
                }
                renumber(primitive, "indices", &accessors)?;
                renumber(primitive, "material", &materials)?;
            }
            Ok(())
        })?;
        self.parts(&meshes)
    }

    /// Copies every buffer view's bytes.
    fn views(&mut self) -> Result<Renumbering, String> {
        let mut renumbered = Vec::new();
        for (k, view) in self.items("bufferViews").iter().enumerate() {
            let number = |key: &str| view.get(key).and_then(Value::as_u64);
            if number("buffer") != Some(0) {
                return Err(format!("buffer view {k} is not in the file's buffer"));
            }
            let offset = number("byteOffset").unwrap_or(0) as usize;
            let length = number("byteLength").unwrap_or(0) as usize;
            let bytes = self.bin.get(offset..offset + length).ok_or_else(|| format!("buffer view {k} runs past the buffer"))?;
            renumbered.push(self.doc.add_view(bytes, number("byteStride"), number("target")));
        }
        Ok(renumbered)
    }

    /// Copies every item of the array `key`, after `fix` has renumbered its references and its
    /// extensions have been cut to those carried.
    fn copy(&mut self, key: &str, array: Array, fix: impl Fn(&mut Value) -> Result<(), String>) -> Result<Renumbering, String> {
        let mut renumbered = Vec::new();
        for item in self.items(key) {
            let mut item = item.clone();
            fix(&mut item).map_err(|e| format!("{key}: {e}"))?;
            keep_carried_extensions(&mut item, self.doc);
            renumbered.push(self.doc.add(array, item));
        }
        Ok(renumbered)
    }

    /// The meshes of the nodes of the file's scene, each with its place in the model.
    fn parts(&self, meshes: &Renumbering) -> Result<Vec<Part>, String> {
        let nodes = self.items("nodes");
        let scene = self.json["scene"].as_u64().unwrap_or(0) as usize;
        let roots: Vec<usize> = match self.items("scenes").get(scene) {
            Some(scene) => indices(&scene["nodes"]),
            // No scene: every node no other node holds.
            None => {
                let held: Vec<usize> = nodes.iter().flat_map(|n| indices(&n["children"])).collect();
                (0..nodes.len()).filter(|k| !held.contains(k)).collect()
            }
        };
        let mut parts = Vec::new();
        let mut stack: Vec<(usize, Mat4, usize)> = roots.into_iter().map(|k| (k, Mat4::IDENTITY, 0)).collect();
        while let Some((k, above, depth)) = stack.pop() {
            // A well-formed file is a forest; the depth bound keeps a cyclic one finite.
            let node = nodes.get(k).filter(|_| depth < 64).ok_or_else(|| format!("node {k} is missing or in a cycle"))?;
            let at = above * local_matrix(node);
            if let Some(mesh) = node["mesh"].as_u64() {
                let mesh = *meshes.get(mesh as usize).ok_or_else(|| format!("node {k}: no mesh {mesh}"))?;
                parts.push(Part { mesh, transform: at });
            }
            stack.extend(indices(&node["children"]).into_iter().map(|c| (c, at, depth + 1)));
        }
        Ok(parts)
    }
}

fn indices(value: &Value) -> Vec<usize> {
    value.as_array().into_iter().flatten().filter_map(Value::as_u64).map(|v| v as usize).collect()
}

/// A node's transform in its parent's frame: its matrix, or its translation, rotation, scale.
fn local_matrix(node: &Value) -> Mat4 {
    let floats = |key: &str| -> Option<Vec<f32>> { node.get(key)?.as_array()?.iter().map(|v| v.as_f64().map(|v| v as f32)).collect() };
    if let Some(m) = floats("matrix").filter(|m| m.len() == 16) {
        return Mat4::from_cols_slice(&m);
    }
    let translation = floats("translation").filter(|v| v.len() == 3).map_or(Vec3::ZERO, |v| Vec3::from_slice(&v));
    let rotation = floats("rotation").filter(|v| v.len() == 4).map_or(Quat::IDENTITY, |v| Quat::from_slice(&v).normalize());
    let scale = floats("scale").filter(|v| v.len() == 3).map_or(Vec3::ONE, |v| Vec3::from_slice(&v));
    Mat4::from_scale_rotation_translation(scale, rotation, translation)
}

/// Makes `item[key]`, an index into the source's array, an index into the document's.
fn renumber(item: &mut Value, key: &str, renumbered: &Renumbering) -> Result<(), String> {
    if let Some(old) = item.get(key).and_then(Value::as_u64) {
        let new = renumbered.get(old as usize).ok_or_else(|| format!("{key} {old} does not exist"))?;
        item[key] = (*new).into();
    }
    Ok(())
}

/// Renumbers every value of an object of indices (a primitive's attributes, a morph target).
fn renumber_all(object: &mut Value, renumbered: &Renumbering) -> Result<(), String> {
    let keys: Vec<String> = object.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    keys.iter().try_for_each(|key| renumber(object, key, renumbered))
}

/// Renumbers the texture of every texture reference in a material (`baseColorTexture`,
/// `normalTexture`, those inside extensions…): glTF names each one `…Texture`.
fn renumber_textures(value: &mut Value, textures: &Renumbering) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key.ends_with("Texture") && inner.is_object() {
                    renumber(inner, "index", textures)?;
                }
                renumber_textures(inner, textures)?;
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|item| renumber_textures(item, textures)),
        _ => Ok(()),
    }
}

/// Cuts every `extensions` object in `value` to the carried ones, and declares those kept.
fn keep_carried_extensions(value: &mut Value, doc: &mut Document) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(extensions)) = map.get_mut("extensions") {
                let kept: Map<String, Value> = std::mem::take(extensions)
                    .into_iter()
                    .filter_map(|(name, ext)| {
                        let carried = CARRIED_EXTENSIONS.iter().find(|c| **c == name)?;
                        doc.uses(carried);
                        Some((name, ext))
                    })
                    .collect();
                *extensions = kept;
                if extensions.is_empty() {
                    map.remove("extensions");
                }
            }
            map.values_mut().for_each(|inner| keep_carried_extensions(inner, doc));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| keep_carried_extensions(item, doc)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_texture_reference_and_extensions_are_renumbered_and_cut() {
        let mut material = json!({
            "pbrMetallicRoughness": {"baseColorTexture": {"index": 1, "extensions": {"KHR_texture_transform": {"scale": [2, 2]}}}},
            "normalTexture": {"index": 0},
            "extensions": {"KHR_materials_emissive_strength": {"emissiveStrength": 2.0}, "EXT_not_carried": {}},
        });
        renumber_textures(&mut material, &vec![7, 9]).unwrap();
        let mut doc = Document::default();
        keep_carried_extensions(&mut material, &mut doc);
        assert_eq!(material["pbrMetallicRoughness"]["baseColorTexture"]["index"], 9);
        assert_eq!(material["normalTexture"]["index"], 7);
        assert!(material["extensions"].get("EXT_not_carried").is_none());
        assert!(material["extensions"].get("KHR_materials_emissive_strength").is_some());
        assert!(renumber_textures(&mut json!({"emissiveTexture": {"index": 5}}), &vec![0]).is_err());
    }

    #[test]
    fn a_node_hierarchy_is_baked_into_its_parts() {
        let json = json!({
            "scenes": [{"nodes": [0]}],
            "nodes": [
                {"translation": [1.0, 0.0, 0.0], "scale": [2.0, 2.0, 2.0], "children": [1]},
                {"translation": [0.0, 1.0, 0.0], "mesh": 0},
            ],
        });
        let mut doc = Document::default();
        let parts = Import { doc: &mut doc, json: &json, bin: &[] }.parts(&vec![4]).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].mesh, 4);
        assert!(parts[0].transform.transform_point3(Vec3::ZERO).abs_diff_eq(Vec3::new(1.0, 2.0, 0.0), 1e-6));
    }
}
