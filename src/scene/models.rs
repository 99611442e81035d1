//! Real models: which catalog kinds have an openly licensed 3D model, where it comes from and
//! who made it (the manifest, `assets/models/manifest.json`, compiled in), and which of them
//! set-up has converted into GLB files on this machine (the index `scripts/models.py` writes
//! beside them, under `SAYSCAPE_HOME/models/glb/`).
//!
//! The repository holds only the manifest; the models come from Debian's
//! `sweethome3d-furniture` package at set-up. A kind with no model, or whose files are not
//! there, keeps its procedural form.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, KindInfo};
use super::embedded::MODEL_FILES;

/// The licences a model may carry (SPDX ids): public domain and attribution, no copyleft on
/// code (the GPL models of Sweet Home 3D itself are never named here).
pub const ALLOWED_LICENSES: &[&str] = &["CC0-1.0", "CC-BY-3.0", "CC-BY-3.0-US", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0"];

const FORMAT: &str = "sayscape.models/1";

/// Where converted models live, relative to `SAYSCAPE_HOME` (the asset root of the world).
pub const MODELS_DIR: &str = "models/glb";

/// A library (one `.sh3f` archive of the package).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    pub archive: String,
    pub license: String,
    pub about: String,
}

/// A version of a model seen only from afar, and from how far.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Far {
    pub triangles: u32,
    /// Metres from the eye beyond which the far version is shown.
    pub from: f32,
}

/// One model of a library.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSource {
    pub library: String,
    /// The OBJ inside the library's archive.
    pub file: String,
    /// Its name in the library's catalog.
    pub name: String,
    /// The creator the library's catalog names (checked at conversion).
    pub author: String,
    /// Whom the licence asks to credit.
    pub credit: String,
    /// The library's own size for it: width, depth, height in centimetres.
    pub size_cm: [f32; 3],
    /// The library's own rotation of the OBJ (a 3×3 matrix, rows), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<[f32; 9]>,
    /// Degrees to turn it further about the vertical, when its front is not the library's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yaw: Option<f32>,
    /// Its own licence when it differs from its library's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Where the original was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Triangle budget of the converted model (the manifest's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triangles: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub far: Option<Far>,
}

/// How a model is sized to its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Scaled so its height is the kind's.
    Height,
    /// Scaled so its longer side spans the kind's footprint.
    Footprint,
    /// Its real size (the library's), for kinds whose catalog height counts more than the thing
    /// (a desk with its lamp, a bed with its pillows).
    Real,
}

/// The models of one kind: instances are spread over them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindModels {
    pub fit: Fit,
    pub models: Vec<String>,
}

/// The manifest: libraries, models and the kinds they serve.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub about: String,
    /// The Debian package the libraries come from.
    pub package: String,
    /// The default triangle budget of a model.
    pub triangles: u32,
    pub libraries: BTreeMap<String, Library>,
    pub models: BTreeMap<String, ModelSource>,
    pub kinds: BTreeMap<String, KindModels>,
}

/// Why the manifest or the index cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    #[error("assets/models/manifest.json: {0}")]
    Manifest(String),
    #[error("{path}: {reason}")]
    Index { path: PathBuf, reason: String },
}

impl Manifest {
    /// The manifest compiled into this binary (or `SAYSCAPE_ASSETS`'s copy).
    pub fn builtin() -> &'static Manifest {
        static MANIFEST: OnceLock<Manifest> = OnceLock::new();
        MANIFEST.get_or_init(|| {
            let files = super::embedded::data_files("models", MODEL_FILES);
            let text = files.iter().find(|(name, _)| name == "manifest").map_or("", |(_, t)| t.as_str());
            Manifest::parse(text, Catalog::builtin()).unwrap_or_else(|e| panic!("the manifest is checked by the tests: {e}"))
        })
    }

    /// Parses and checks a manifest against a catalog: every kind is a catalog kind, every
    /// model a known library's with an allowed licence, every kind's models exist.
    pub fn parse(json: &str, catalog: &Catalog) -> Result<Manifest, ModelsError> {
        let bad = |m: String| ModelsError::Manifest(m);
        let manifest: Manifest = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        if manifest.format != FORMAT {
            return Err(bad(format!("format {:?}, expected {FORMAT:?}", manifest.format)));
        }
        for (name, library) in &manifest.libraries {
            if !ALLOWED_LICENSES.contains(&library.license.as_str()) {
                return Err(bad(format!("library {name}: licence {:?} is not one of {ALLOWED_LICENSES:?}", library.license)));
            }
        }
        for (id, model) in &manifest.models {
            let library =
                manifest.libraries.get(&model.library).ok_or_else(|| bad(format!("model {id}: unknown library {:?}", model.library)))?;
            let license = model.license.as_deref().unwrap_or(&library.license);
            if !ALLOWED_LICENSES.contains(&license) {
                return Err(bad(format!("model {id}: licence {license:?} is not one of {ALLOWED_LICENSES:?}")));
            }
            if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(bad(format!("model {id}: ids are file names: letters, digits, - and _ only")));
            }
            if model.size_cm.iter().any(|&s| s <= 0.0 || !s.is_finite()) {
                return Err(bad(format!("model {id}: size_cm must be positive")));
            }
            if model.credit.trim().is_empty() {
                return Err(bad(format!("model {id}: no one to credit")));
            }
        }
        for (kind, entry) in &manifest.kinds {
            if catalog.get(kind).is_none() {
                return Err(bad(format!("kind {kind:?} is not a catalog kind")));
            }
            if entry.models.is_empty() {
                return Err(bad(format!("kind {kind:?} lists no model")));
            }
            if let Some(missing) = entry.models.iter().find(|m| !manifest.models.contains_key(*m)) {
                return Err(bad(format!("kind {kind:?}: model {missing:?} is not in models")));
            }
        }
        Ok(manifest)
    }

    /// The SPDX licence of a model.
    pub fn license_of<'a>(&'a self, model: &'a ModelSource) -> &'a str {
        model.license.as_deref().unwrap_or_else(|| self.libraries.get(&model.library).map_or("", |l| l.license.as_str()))
    }

    /// Where the model comes from, in words: package, library and file.
    pub fn origin_of(&self, model: &ModelSource) -> String {
        format!("{} ({}): {}", self.package, model.library, model.file)
    }

    /// The kinds each model serves, by model id.
    pub fn kinds_of(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (kind, entry) in &self.kinds {
            for m in &entry.models {
                out.entry(m.as_str()).or_default().push(kind.as_str());
            }
        }
        out
    }
}

/// Which of a kind's `n` models instance `index` of `entity` is built from: spread by a hash
/// of both, so a row of chairs is not one chair repeated, and the same on every run.
pub fn variant(entity: &str, index: u32, n: usize) -> usize {
    let h = entity.bytes().fold(2_166_136_261u32, |h, b| (h ^ b as u32).wrapping_mul(16_777_619));
    let h = (h ^ index.wrapping_mul(2_654_435_761)).wrapping_mul(16_777_619);
    (h >> 8) as usize % n.max(1)
}

/// The scale that sizes a model of `size` (width, height, depth in metres) to `kind`.
pub fn fit_scale(fit: Fit, size: [f32; 3], kind: &KindInfo) -> f32 {
    let scale = match fit {
        Fit::Height => kind.height / size[1],
        Fit::Footprint => 2.0 * kind.footprint / size[0].max(size[2]),
        Fit::Real => 1.0,
    };
    if scale.is_finite() && scale > 0.0 { scale } else { 1.0 }
}

/// One converted file, as the index records it.
#[derive(Debug, Clone, Deserialize)]
struct IndexFile {
    file: String,
    #[allow(dead_code)]
    sha256: String,
    triangles: u32,
}

#[derive(Debug, Clone, Deserialize)]
struct IndexEntry {
    file: String,
    #[allow(dead_code)]
    sha256: String,
    triangles: u32,
    size: [f32; 3],
    #[serde(default)]
    far: Option<IndexFile>,
}

#[derive(Debug, Deserialize)]
struct IndexJson {
    format: String,
    models: BTreeMap<String, IndexEntry>,
}

/// A converted model ready to load.
#[derive(Debug, Clone)]
pub struct RealModel {
    pub id: String,
    /// Relative to `SAYSCAPE_HOME`, the world's asset root.
    pub asset: String,
    pub path: PathBuf,
    /// Width, height, depth in metres; the origin is the centre of its base, the front -z.
    pub size: [f32; 3],
    pub triangles: u32,
    /// The far version and the distance it takes over from.
    pub far: Option<(String, f32, u32)>,
}

/// The real models of one kind, as set up on this machine.
#[derive(Debug, Clone)]
pub struct KindRealModels {
    pub fit: Fit,
    pub models: Vec<RealModel>,
}

/// What set-up converted, for the kinds the manifest maps: a kind is here only when every file
/// of at least one of its models is on disk.
#[derive(Debug, Clone, Default)]
pub struct RealModels {
    kinds: BTreeMap<String, KindRealModels>,
    /// Where the index was looked for, and why it was not used (nothing set up, unreadable).
    pub missing: Option<String>,
}

impl RealModels {
    /// The models converted under `SAYSCAPE_HOME` (read once per process).
    pub fn installed() -> &'static RealModels {
        static INSTALLED: OnceLock<RealModels> = OnceLock::new();
        INSTALLED.get_or_init(|| {
            let home = crate::files::sayscape_home();
            match RealModels::load(&home, Manifest::builtin()) {
                Ok(models) => models,
                Err(e) => RealModels { kinds: BTreeMap::new(), missing: Some(e.to_string()) },
            }
        })
    }

    /// Reads `home/models/glb/index.json` and keeps the manifest's models whose files are there.
    pub fn load(home: &Path, manifest: &Manifest) -> Result<RealModels, ModelsError> {
        let dir = home.join(MODELS_DIR);
        let path = dir.join("index.json");
        let fail = |reason: String| ModelsError::Index { path: path.clone(), reason };
        let text = std::fs::read_to_string(&path).map_err(|e| fail(format!("{e} (run scripts/setup.sh)")))?;
        let index: IndexJson = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
        if index.format != FORMAT {
            return Err(fail(format!("format {:?}, expected {FORMAT:?}", index.format)));
        }
        let mut kinds = BTreeMap::new();
        for (kind, entry) in &manifest.kinds {
            let models: Vec<RealModel> = entry
                .models
                .iter()
                .filter_map(|id| {
                    let found = index.models.get(id)?;
                    let here = |file: &str| dir.join(file).is_file();
                    if !here(&found.file) || found.size.iter().any(|s| *s <= 0.0) {
                        return None;
                    }
                    let far_from = manifest.models.get(id).and_then(|m| m.far).map(|f| f.from);
                    let far = match (&found.far, far_from) {
                        (Some(f), Some(from)) if here(&f.file) => Some((format!("{MODELS_DIR}/{}", f.file), from, f.triangles)),
                        _ => None,
                    };
                    Some(RealModel {
                        id: id.clone(),
                        asset: format!("{MODELS_DIR}/{}", found.file),
                        path: dir.join(&found.file),
                        size: found.size,
                        triangles: found.triangles,
                        far,
                    })
                })
                .collect();
            if !models.is_empty() {
                kinds.insert(kind.clone(), KindRealModels { fit: entry.fit, models });
            }
        }
        Ok(RealModels { kinds, missing: None })
    }

    /// The set-up models of a kind, if it has any.
    pub fn for_kind(&self, kind: &str) -> Option<&KindRealModels> {
        self.kinds.get(kind)
    }

    /// How many kinds and distinct models are set up.
    pub fn counts(&self) -> (usize, usize) {
        let mut ids: Vec<&str> = self.kinds.values().flat_map(|k| k.models.iter().map(|m| m.id.as_str())).collect();
        ids.sort_unstable();
        ids.dedup();
        (self.kinds.len(), ids.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_catalog_kinds_and_open_licences_only() {
        let manifest = Manifest::builtin();
        assert!(manifest.kinds.len() >= 100, "{} kinds", manifest.kinds.len());
        assert!(manifest.models.len() >= 150, "{} models", manifest.models.len());
        for model in manifest.models.values() {
            assert!(ALLOWED_LICENSES.contains(&manifest.license_of(model)));
            assert!(!model.file.starts_with('/') && model.file.ends_with(".obj"), "{}", model.file);
        }
        // Every model serves a kind: nothing is converted for nothing.
        let used = manifest.kinds_of();
        let unused: Vec<&String> = manifest.models.keys().filter(|id| !used.contains_key(id.as_str())).collect();
        assert!(unused.is_empty(), "models no kind uses: {unused:?}");
    }

    #[test]
    fn a_manifest_with_a_stranger_is_refused() {
        let catalog = Catalog::builtin();
        let mut value: serde_json::Value = serde_json::to_value(Manifest::builtin()).unwrap();
        value["kinds"]["flying_carpet_of_doom"] = serde_json::json!({"fit": "height", "models": ["reallusion-male01"]});
        let err = Manifest::parse(&value.to_string(), catalog).unwrap_err().to_string();
        assert!(err.contains("flying_carpet_of_doom") && err.contains("not a catalog kind"), "{err}");
        let mut value: serde_json::Value = serde_json::to_value(Manifest::builtin()).unwrap();
        value["models"]["reallusion-male01"]["license"] = "GPL-2.0-or-later".into();
        let err = Manifest::parse(&value.to_string(), catalog).unwrap_err().to_string();
        assert!(err.contains("GPL-2.0-or-later"), "{err}");
    }

    /// Scaled to its kind, a model keeps near its real size (a toy biplane aside, which is a
    /// scale model by nature) and does not spill far over the ground its kind claims.
    #[test]
    fn fitted_models_stay_near_their_real_size_and_footprint() {
        let manifest = Manifest::builtin();
        let catalog = Catalog::builtin();
        let mut problems = Vec::new();
        for (kind, entry) in &manifest.kinds {
            let info = catalog.get(kind).unwrap();
            for id in &entry.models {
                let m = &manifest.models[id];
                // Width, height, depth in metres, as the conversion sizes it.
                let size = [m.size_cm[0] / 100.0, m.size_cm[2] / 100.0, m.size_cm[1] / 100.0];
                let s = fit_scale(entry.fit, size, info);
                let toy = kind == "biplane";
                // Trees, rocks and rugs have no one real size: a library's small pine is the
                // catalog's tall one.
                let any_size =
                    kind.ends_with("tree") || info.tags.iter().any(|t| ["tree", "nature", "stone", "carpet"].contains(&t.as_str()));
                let range = if any_size { 0.25..=4.0 } else { 0.5..=2.0 };
                if !toy && !range.contains(&s) {
                    problems.push(format!("{kind} ← {id}: scaled {s:.2}×"));
                }
                let radius = 0.5 * s * size[0].max(size[2]);
                if radius > info.footprint * 2.5 + 0.5 {
                    problems.push(format!("{kind} ← {id}: {radius:.1} m across its centre, the kind claims {:.1} m", info.footprint));
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_missing_index_says_what_to_run_and_missing_files_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let err = RealModels::load(dir.path(), Manifest::builtin()).unwrap_err().to_string();
        assert!(err.contains("index.json") && err.contains("scripts/setup.sh"), "{err}");
        // An index naming a file that is not there: the kind keeps its procedural form.
        let glb = dir.path().join(MODELS_DIR);
        std::fs::create_dir_all(&glb).unwrap();
        let index = serde_json::json!({"format": FORMAT, "models": {
            "reallusion-male01": {"file": "reallusion-male01.glb", "sha256": "0", "triangles": 10, "size": [0.5, 1.8, 0.3]},
            "blendswap0-barrel": {"file": "blendswap0-barrel.glb", "sha256": "0", "triangles": 10, "size": [0.8, 0.9, 0.8]}}});
        std::fs::write(glb.join("index.json"), index.to_string()).unwrap();
        std::fs::write(glb.join("blendswap0-barrel.glb"), b"glTF").unwrap();
        let models = RealModels::load(dir.path(), Manifest::builtin()).unwrap();
        assert!(models.for_kind("barrel").is_some());
        assert!(models.for_kind("crate").is_none(), "not in the index");
        let man = models.for_kind("man");
        assert!(man.is_none(), "its file is missing: {man:?}");
    }
}
