//! A binary glTF 2.0 writer: the JSON document and one binary buffer, put together as a GLB
//! (header, JSON chunk, BIN chunk). Only what the exporter writes: triangle meshes with
//! positions, normals and vertex colours, materials, nodes, cameras, punctual lights, and what
//! [`super::real`] copies from model files (their accessors, textures, images, samplers).

use serde_json::{Map, Value, json};

/// `ARRAY_BUFFER` and `ELEMENT_ARRAY_BUFFER`: what a buffer view holds.
const VERTICES: u32 = 34962;
const INDICES: u32 = 34963;
/// Component types.
const FLOAT: u32 = 5126;
const UNSIGNED_SHORT: u32 = 5123;
const UNSIGNED_INT: u32 = 5125;

/// One vertex stream of a primitive, ready to write.
pub struct Primitive<'a> {
    pub positions: &'a [[f32; 3]],
    pub normals: &'a [[f32; 3]],
    /// Linear RGB; `None`: no vertex colours.
    pub colors: Option<&'a [[f32; 4]]>,
    pub indices: &'a [u32],
    pub material: usize,
    /// `None`: not skinned.
    pub skin: Option<Skinning<'a>>,
}

/// Up to four joints per vertex (indices into a skin's joints) and their weights (summing to one).
pub struct Skinning<'a> {
    pub joints: &'a [[u16; 4]],
    pub weights: &'a [[f32; 4]],
}

/// A glTF document being built: each `add_*` returns the index of what it added.
#[derive(Default)]
pub struct Document {
    bin: Vec<u8>,
    buffer_views: Vec<Value>,
    accessors: Vec<Value>,
    meshes: Vec<Value>,
    materials: Vec<Value>,
    nodes: Vec<Value>,
    cameras: Vec<Value>,
    lights: Vec<Value>,
    textures: Vec<Value>,
    images: Vec<Value>,
    samplers: Vec<Value>,
    skins: Vec<Value>,
    animations: Vec<Value>,
    extensions_used: Vec<&'static str>,
}

/// The arrays of a document that items copied from another file are appended to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Array {
    Accessors,
    Meshes,
    Materials,
    Textures,
    Images,
    Samplers,
    Skins,
    Animations,
}

impl Document {
    /// Marks an extension as used (once).
    pub fn uses(&mut self, extension: &'static str) {
        if !self.extensions_used.contains(&extension) {
            self.extensions_used.push(extension);
        }
    }

    /// Appends bytes to the binary buffer as one view (4-byte aligned).
    fn view(&mut self, bytes: &[u8], target: u32) -> usize {
        self.add_view(bytes, None, Some(target.into()))
    }

    /// Appends bytes copied from another file as one view (4-byte aligned, which keeps every
    /// accessor in it aligned as it was), with its stride and target when it had them.
    pub fn add_view(&mut self, bytes: &[u8], stride: Option<u64>, target: Option<u64>) -> usize {
        while !self.bin.len().is_multiple_of(4) {
            self.bin.push(0);
        }
        let mut view = json!({"buffer": 0, "byteOffset": self.bin.len(), "byteLength": bytes.len()});
        if let Some(stride) = stride {
            view["byteStride"] = json!(stride);
        }
        if let Some(target) = target {
            view["target"] = json!(target);
        }
        self.bin.extend_from_slice(bytes);
        self.buffer_views.push(view);
        self.buffer_views.len() - 1
    }

    /// Appends an item written elsewhere (its references already made this document's).
    pub fn add(&mut self, array: Array, item: Value) -> usize {
        let items = match array {
            Array::Accessors => &mut self.accessors,
            Array::Meshes => &mut self.meshes,
            Array::Materials => &mut self.materials,
            Array::Textures => &mut self.textures,
            Array::Images => &mut self.images,
            Array::Samplers => &mut self.samplers,
            Array::Skins => &mut self.skins,
            Array::Animations => &mut self.animations,
        };
        items.push(item);
        items.len() - 1
    }

    fn accessor(&mut self, value: Value) -> usize {
        self.accessors.push(value);
        self.accessors.len() - 1
    }

    fn floats<const N: usize>(&mut self, data: &[[f32; N]], kind: &str, bounds: bool) -> usize {
        self.float_accessor(data, kind, bounds, Some(VERTICES))
    }

    /// An accessor of floats that is not vertex data (animation keys, inverse bind matrices):
    /// `bounds` gives it its min and max (animation inputs need them).
    pub fn add_floats<const N: usize>(&mut self, data: &[[f32; N]], kind: &str, bounds: bool) -> usize {
        self.float_accessor(data, kind, bounds, None)
    }

    fn float_accessor<const N: usize>(&mut self, data: &[[f32; N]], kind: &str, bounds: bool, target: Option<u32>) -> usize {
        let bytes: Vec<u8> = data.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
        let view = self.add_view(&bytes, None, target.map(u64::from));
        let mut accessor = json!({"bufferView": view, "componentType": FLOAT, "count": data.len(), "type": kind});
        if bounds {
            let mut min = [f32::INFINITY; N];
            let mut max = [f32::NEG_INFINITY; N];
            for v in data {
                for k in 0..N {
                    min[k] = min[k].min(v[k]);
                    max[k] = max[k].max(v[k]);
                }
            }
            accessor["min"] = json!(min.to_vec());
            accessor["max"] = json!(max.to_vec());
        }
        self.accessor(accessor)
    }

    fn indices(&mut self, indices: &[u32], vertices: usize) -> usize {
        // Two bytes an index where the vertices allow it: most models are small.
        let (bytes, component): (Vec<u8>, u32) = if vertices <= u16::MAX as usize {
            (indices.iter().flat_map(|&i| (i as u16).to_le_bytes()).collect(), UNSIGNED_SHORT)
        } else {
            (indices.iter().flat_map(|i| i.to_le_bytes()).collect(), UNSIGNED_INT)
        };
        let view = self.view(&bytes, INDICES);
        self.accessor(json!({"bufferView": view, "componentType": component, "count": indices.len(), "type": "SCALAR"}))
    }

    /// A mesh of triangle-list primitives; empty primitives are left out. `None` when all are.
    pub fn add_mesh(&mut self, name: &str, primitives: &[Primitive]) -> Option<usize> {
        let mut written = Vec::new();
        for p in primitives.iter().filter(|p| !p.indices.is_empty() && !p.positions.is_empty()) {
            let mut attributes = Map::new();
            attributes.insert("POSITION".into(), json!(self.floats(p.positions, "VEC3", true)));
            attributes.insert("NORMAL".into(), json!(self.floats(p.normals, "VEC3", false)));
            if let Some(colors) = p.colors {
                // glTF holds vertex colours to 0..1; the world's terrain shading runs a little over.
                let rgb: Vec<[f32; 3]> = colors.iter().map(|c| [c[0], c[1], c[2]].map(|v| v.clamp(0.0, 1.0))).collect();
                attributes.insert("COLOR_0".into(), json!(self.floats(&rgb, "VEC3", false)));
            }
            if let Some(Skinning { joints, weights }) = &p.skin {
                let bytes: Vec<u8> = joints.iter().flatten().flat_map(|j| j.to_le_bytes()).collect();
                let view = self.view(&bytes, VERTICES);
                let joints =
                    self.accessor(json!({"bufferView": view, "componentType": UNSIGNED_SHORT, "count": joints.len(), "type": "VEC4"}));
                attributes.insert("JOINTS_0".into(), json!(joints));
                attributes.insert("WEIGHTS_0".into(), json!(self.floats(weights, "VEC4", false)));
            }
            let indices = self.indices(p.indices, p.positions.len());
            written.push(json!({"attributes": attributes, "indices": indices, "material": p.material, "mode": 4}));
        }
        if written.is_empty() {
            return None;
        }
        self.meshes.push(json!({"name": name, "primitives": written}));
        Some(self.meshes.len() - 1)
    }

    pub fn add_material(&mut self, material: Value) -> usize {
        self.materials.push(material);
        self.materials.len() - 1
    }

    pub fn add_node(&mut self, node: Value) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Makes `children` the children of node `parent`.
    pub fn set_children(&mut self, parent: usize, children: Vec<usize>) {
        if !children.is_empty() {
            self.nodes[parent]["children"] = json!(children);
        }
    }

    pub fn add_camera(&mut self, camera: Value) -> usize {
        self.cameras.push(camera);
        self.cameras.len() - 1
    }

    /// A KHR_lights_punctual light.
    pub fn add_light(&mut self, light: Value) -> usize {
        self.uses("KHR_lights_punctual");
        self.lights.push(light);
        self.lights.len() - 1
    }

    pub fn counts(&self) -> Counts {
        Counts { meshes: self.meshes.len(), nodes: self.nodes.len(), lights: self.lights.len(), materials: self.materials.len() }
    }

    /// The GLB file: `roots` are the scene's top nodes, `extras` the scene's own.
    pub fn finish(self, roots: Vec<usize>, scene_name: &str, extras: Value) -> Vec<u8> {
        let mut doc = json!({
            "asset": {"version": "2.0", "generator": concat!("sayscape ", env!("CARGO_PKG_VERSION"))},
            "scene": 0,
            "scenes": [{"name": scene_name, "nodes": roots, "extras": extras}],
            "nodes": self.nodes,
        });
        let mut put = |key: &str, items: Vec<Value>| {
            if !items.is_empty() {
                doc[key] = Value::Array(items);
            }
        };
        put("meshes", self.meshes);
        put("materials", self.materials);
        put("cameras", self.cameras);
        put("textures", self.textures);
        put("images", self.images);
        put("samplers", self.samplers);
        put("skins", self.skins);
        put("animations", self.animations);
        put("accessors", self.accessors);
        put("bufferViews", self.buffer_views);
        if !self.bin.is_empty() {
            doc["buffers"] = json!([{"byteLength": self.bin.len()}]);
        }
        if !self.lights.is_empty() {
            doc["extensions"] = json!({"KHR_lights_punctual": {"lights": self.lights}});
        }
        if !self.extensions_used.is_empty() {
            doc["extensionsUsed"] = json!(self.extensions_used);
        }
        let mut text = serde_json::to_vec(&doc).expect("a glTF document serialises");
        while !text.len().is_multiple_of(4) {
            text.push(b' ');
        }
        let mut bin = self.bin;
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        let chunks = 8 + text.len() + if bin.is_empty() { 0 } else { 8 + bin.len() };
        let mut out = Vec::with_capacity(12 + chunks);
        out.extend_from_slice(b"glTF");
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&((12 + chunks) as u32).to_le_bytes());
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(b"JSON");
        out.extend_from_slice(&text);
        if !bin.is_empty() {
            out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
            out.extend_from_slice(b"BIN\0");
            out.extend_from_slice(&bin);
        }
        out
    }
}

/// How much a document holds, for the exporter's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub meshes: usize,
    pub nodes: usize,
    pub lights: usize,
    pub materials: usize,
}

/// The JSON chunk of a GLB file (what a test or a reader looks at first).
pub fn json_chunk(glb: &[u8]) -> Option<Value> {
    chunks(glb).map(|(json, _)| json)
}

/// The JSON chunk of a GLB file and its BIN chunk (empty when it has none).
pub fn chunks(glb: &[u8]) -> Option<(Value, &[u8])> {
    if glb.len() < 20 || &glb[0..4] != b"glTF" || &glb[16..20] != b"JSON" {
        return None;
    }
    let length = u32::from_le_bytes(glb[12..16].try_into().ok()?) as usize;
    let json = serde_json::from_slice(glb.get(20..20 + length)?).ok()?;
    let rest = &glb[20 + length..];
    let bin = match rest.get(0..8) {
        Some(header) if &header[4..8] == b"BIN\0" => {
            let length = u32::from_le_bytes(header[0..4].try_into().ok()?) as usize;
            rest.get(8..8 + length)?
        }
        _ => &[],
    };
    Some((json, bin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glb_has_its_header_chunks_and_aligned_lengths() {
        let mut doc = Document::default();
        let material = doc.add_material(json!({"name": "m"}));
        let positions = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
        let normals = [[0.0, 0.0, 1.0]; 3];
        let mesh = doc
            .add_mesh(
                "tri",
                &[Primitive { positions: &positions, normals: &normals, colors: None, indices: &[0, 1, 2], material, skin: None }],
            )
            .unwrap();
        let node = doc.add_node(json!({"name": "n", "mesh": mesh}));
        let glb = doc.finish(vec![node], "s", json!({}));
        assert_eq!(&glb[0..4], b"glTF");
        assert_eq!(u32::from_le_bytes(glb[8..12].try_into().unwrap()) as usize, glb.len());
        assert_eq!(glb.len() % 4, 0);
        let json = json_chunk(&glb).unwrap();
        assert_eq!(json["accessors"][0]["max"], json!([1.0, 1.0, 0.0]));
        assert_eq!(json["accessors"][2]["componentType"], json!(UNSIGNED_SHORT));
        // 36 bytes of positions, 36 of normals, 6 of indices (the GLB chunk pads it to 80).
        assert_eq!(json["buffers"][0]["byteLength"], json!(78));
        assert!(doc_has_no_empty_mesh(&json));
    }

    fn doc_has_no_empty_mesh(json: &Value) -> bool {
        json["meshes"].as_array().unwrap().iter().all(|m| !m["primitives"].as_array().unwrap().is_empty())
    }

    #[test]
    fn a_mesh_of_nothing_is_not_written() {
        let mut doc = Document::default();
        assert!(
            doc.add_mesh("empty", &[Primitive { positions: &[], normals: &[], colors: None, indices: &[], material: 0, skin: None }])
                .is_none()
        );
    }
}
