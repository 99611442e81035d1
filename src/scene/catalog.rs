//! The catalog: every kind of thing the world can build, read from the files of
//! `assets/catalog/` (one per theme; a kind is listed once across them).
//!
//! The catalog is data so that authors can read it and the generation grammar can enumerate
//! it; it is compiled into the binary so that a scene never meets a kind the renderer lacks.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::form::Form;
use super::types::{Entity, Era, MotionKind, SoundKind};

use super::embedded::CATALOG_FILES;

/// Where instances of a kind live, which decides their height and the ground they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Habitat {
    /// On land (or on the sea floor when the terrain is underwater).
    Ground,
    /// Floating at the water line.
    Water,
    /// In the air, at the kind's altitude.
    Sky,
    /// Below the water surface, on or above the sea floor.
    Underwater,
}

/// A walkable rectangle on top of a kind (a ship's deck, a stage), in the kind's own frame:
/// width across (x), length along its heading (z).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deck {
    pub height: f32,
    pub width: f32,
    pub length: f32,
}

/// One buildable kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindInfo {
    pub kind: String,
    pub habitat: Habitat,
    /// Radius in metres of the circle the kind occupies on the ground (or water, or sky).
    pub footprint: f32,
    /// Height in metres.
    pub height: f32,
    pub tags: Vec<String>,
    /// Other words (and other languages) people use for this kind.
    pub synonyms: Vec<String>,
    /// The surface people and things stand on, for kinds that carry others.
    #[serde(default)]
    pub deck: Option<Deck>,
    /// Altitude band [min, max] in metres for sky and underwater kinds.
    #[serde(default)]
    pub altitude: Option<[f32; 2]>,
    /// Flat ground cover (fields, runways): other things may stand on it.
    #[serde(default)]
    pub flat: bool,
    /// Scenery at the edge of the world (mountains): placed outside the play area's ring.
    #[serde(default)]
    pub backdrop: bool,
    /// The earliest era the kind belongs in (a jet airliner: `modern`); none: any era.
    /// Generation never puts a kind into a scene of an earlier era.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Era>,
    /// Motion when the scene gives none.
    pub motion: MotionKind,
    /// Sound an instance makes when the soundscape attaches none.
    #[serde(default)]
    pub sound: Option<SoundKind>,
    /// The family and parameters the model is built from; none for kinds with a hand-made model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    /// Kinds that come with this one when a request names it (a rider implies a horse); a
    /// person is placed on the first of them when it can carry them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implies: Vec<String>,
}

impl KindInfo {
    /// What a form alone says about a thing named `kind`: everything the planner, the world
    /// and the soundscape need, from the family and its parameters.
    pub fn from_form(kind: &str, form: &Form) -> KindInfo {
        let (footprint, height) = form.extent();
        let habitat = form.habitat();
        KindInfo {
            kind: kind.to_string(),
            habitat,
            footprint,
            height,
            tags: vec![form.family.name().to_string()],
            synonyms: Vec::new(),
            deck: form.deck(),
            altitude: match habitat {
                Habitat::Sky => Some([(height * 3.0).clamp(15.0, 80.0), (height * 6.0).clamp(40.0, 200.0)]),
                Habitat::Underwater => Some([1.0, 12.0]),
                _ => None,
            },
            flat: false,
            backdrop: false,
            since: None,
            motion: form.motion(),
            sound: form.sound(),
            form: Some(form.clone()),
            implies: Vec::new(),
        }
    }
}

/// A catalog entry as written: a kind with a form may leave out what its form implies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindEntry {
    kind: String,
    #[serde(default)]
    habitat: Option<Habitat>,
    #[serde(default)]
    footprint: Option<f32>,
    #[serde(default)]
    height: Option<f32>,
    tags: Vec<String>,
    synonyms: Vec<String>,
    #[serde(default)]
    deck: Option<Deck>,
    #[serde(default)]
    altitude: Option<[f32; 2]>,
    #[serde(default)]
    flat: bool,
    #[serde(default)]
    backdrop: bool,
    #[serde(default)]
    since: Option<Era>,
    #[serde(default)]
    motion: Option<MotionKind>,
    #[serde(default)]
    sound: Option<SoundKind>,
    #[serde(default)]
    form: Option<Form>,
    #[serde(default)]
    implies: Vec<String>,
}

impl KindEntry {
    fn into_info(self) -> Result<KindInfo, CatalogError> {
        let missing = |field: &str| CatalogError::Rule(format!("kind {:?} needs {field} (or a form)", self.kind));
        let base = match &self.form {
            Some(form) => {
                if let Some((field, message)) = form.problems().into_iter().next() {
                    return Err(CatalogError::Rule(format!("kind {:?}: form.{field}: {message}", self.kind)));
                }
                KindInfo::from_form(&self.kind, form)
            }
            None => KindInfo {
                kind: self.kind.clone(),
                habitat: self.habitat.ok_or_else(|| missing("a habitat"))?,
                footprint: self.footprint.ok_or_else(|| missing("a footprint"))?,
                height: self.height.ok_or_else(|| missing("a height"))?,
                tags: Vec::new(),
                synonyms: Vec::new(),
                deck: None,
                altitude: None,
                flat: false,
                backdrop: false,
                since: None,
                motion: self.motion.ok_or_else(|| missing("a motion"))?,
                sound: None,
                form: None,
                implies: Vec::new(),
            },
        };
        Ok(KindInfo {
            kind: self.kind,
            habitat: self.habitat.unwrap_or(base.habitat),
            footprint: self.footprint.unwrap_or(base.footprint),
            height: self.height.unwrap_or(base.height),
            tags: self.tags,
            synonyms: self.synonyms,
            deck: self.deck.or(base.deck),
            altitude: self.altitude.or(base.altitude),
            flat: self.flat,
            backdrop: self.backdrop,
            since: self.since,
            motion: self.motion.unwrap_or(base.motion),
            sound: self.sound.or(base.sound),
            form: base.form,
            implies: self.implies,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    format: String,
    kinds: Vec<KindEntry>,
}

/// The loaded catalog, with an index by kind and by synonym.
#[derive(Debug)]
pub struct Catalog {
    kinds: Vec<KindInfo>,
    by_kind: HashMap<String, usize>,
    by_word: HashMap<String, usize>,
}

/// A catalog file that does not parse or breaks a rule.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog: {file}.json")]
    Json { file: String, source: serde_json::Error },
    /// A rule the file breaks; the message names the file and the kind.
    #[error("catalog: {0}")]
    Rule(String),
}

impl Catalog {
    /// The catalog compiled into this binary.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let files = super::embedded::data_files("catalog", CATALOG_FILES);
            let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            Catalog::parse_files(&files).unwrap_or_else(|e| panic!("assets/catalog/ is checked by the tests: {}", crate::errors::chain(&e)))
        })
    }

    /// Parses one catalog file; errors name the problem.
    pub fn parse(json: &str) -> Result<Catalog, CatalogError> {
        Catalog::parse_files(&[("catalog", json)])
    }

    /// Parses the files of a catalog, (name, JSON) each, into one; errors name the file.
    pub fn parse_files(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let mut kinds: Vec<KindInfo> = Vec::new();
        let mut home: Vec<&str> = Vec::new();
        for (name, json) in files {
            let in_file = |e: CatalogError| match e {
                CatalogError::Rule(rule) => CatalogError::Rule(format!("{name}.json: {rule}")),
                other => other,
            };
            let file: CatalogFile = serde_json::from_str(json).map_err(|source| CatalogError::Json { file: name.to_string(), source })?;
            if file.format != "sayscape.catalog/1" {
                return Err(in_file(CatalogError::Rule(format!("unknown format {:?}", file.format))));
            }
            for entry in file.kinds {
                kinds.push(entry.into_info().map_err(in_file)?);
                home.push(name);
            }
        }
        let mut by_kind = HashMap::new();
        let mut by_word = HashMap::new();
        for (i, info) in kinds.iter().enumerate() {
            if let Some(first) = by_kind.insert(info.kind.clone(), i) {
                return Err(CatalogError::Rule(format!("kind {:?} listed twice ({}.json and {}.json)", info.kind, home[first], home[i])));
            }
            if info.footprint <= 0.0 || info.height <= 0.0 {
                return Err(CatalogError::Rule(format!("kind {:?} needs a positive size", info.kind)));
            }
        }
        for info in &kinds {
            if let Some(missing) = info.implies.iter().find(|k| !by_kind.contains_key(*k)) {
                return Err(CatalogError::Rule(format!("kind {:?} implies {missing:?}, which is not a kind", info.kind)));
            }
        }
        // Synonyms never shadow a real kind; the first kind to claim a synonym keeps it.
        for (i, info) in kinds.iter().enumerate() {
            for word in &info.synonyms {
                let key = normalise(word);
                if !by_kind.contains_key(&key) {
                    by_word.entry(key).or_insert(i);
                }
            }
        }
        Ok(Catalog { kinds, by_kind, by_word })
    }

    pub fn kinds(&self) -> &[KindInfo] {
        &self.kinds
    }

    /// The entry for an exact kind name.
    pub fn get(&self, kind: &str) -> Option<&KindInfo> {
        self.by_kind.get(kind).map(|&i| &self.kinds[i])
    }

    /// What an entity is: its own form when it carries one (any noun), else its catalog kind.
    pub fn info_for(&self, entity: &Entity) -> Option<std::borrow::Cow<'_, KindInfo>> {
        self.info_for_kind(&entity.kind, entity.form.as_ref())
    }

    pub fn info_for_kind(&self, kind: &str, form: Option<&Form>) -> Option<std::borrow::Cow<'_, KindInfo>> {
        use std::borrow::Cow;
        match (form, self.get(kind)) {
            (Some(form), Some(info)) => {
                // A catalog kind reshaped: the form's body, the catalog's era and synonyms.
                let mut own = KindInfo::from_form(kind, form);
                own.since = info.since;
                own.tags = info.tags.clone();
                if own.habitat == info.habitat {
                    // Where it flies or swims is the kind's, whatever its new shape.
                    own.altitude = info.altitude.or(own.altitude);
                }
                Some(Cow::Owned(own))
            }
            (Some(form), None) => Some(Cow::Owned(KindInfo::from_form(kind, form))),
            (None, Some(info)) => Some(Cow::Borrowed(info)),
            (None, None) => None,
        }
    }

    /// The kind a word names: a kind itself or one of its synonyms, in any case and spacing.
    pub fn resolve(&self, word: &str) -> Option<&KindInfo> {
        let key = normalise(word);
        self.by_kind
            .get(&key)
            .or_else(|| self.by_word.get(&key))
            .or_else(|| self.by_word.get(&key.replace('_', " ")))
            .map(|&i| &self.kinds[i])
    }

    /// The catalog kind closest to an unknown word, for "did you mean" messages.
    pub fn suggest(&self, word: &str) -> &str {
        if let Some(info) = self.resolve(word) {
            return &info.kind;
        }
        let key = normalise(word);
        let mut best = (f64::MIN, self.kinds[0].kind.as_str());
        for info in &self.kinds {
            let names = std::iter::once(&info.kind).chain(&info.synonyms);
            for name in names {
                let n = normalise(name);
                let mut score = strsim::jaro_winkler(&key, &n);
                // A word that contains the name (or the reverse) is a strong hint: "pirate_ship".
                if key.contains(&n) || n.contains(&key) {
                    score += 0.2 * (n.len().min(key.len()) as f64 / key.len().max(1) as f64);
                }
                // The last words of a compound name what it is: a pirate galleon is a galleon.
                if key.ends_with(&format!("_{n}")) {
                    score += 1.0 + n.len() as f64 / key.len().max(1) as f64;
                }
                if score > best.0 {
                    best = (score, info.kind.as_str());
                }
            }
        }
        best.1
    }

    /// Every kind name, in catalog order.
    pub fn kind_names(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|k| k.kind.as_str())
    }
}

/// Lower-case, trimmed, with runs of spaces, hyphens and underscores made one underscore.
pub fn normalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for part in word.trim().split(|c: char| c.is_whitespace() || c == '-' || c == '_') {
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&part.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads_and_covers_the_three_scenarios() {
        let c = Catalog::builtin();
        assert!(c.kinds().len() >= 40);
        for k in ["sailing_ship", "cannon", "treasure_chest", "biplane", "trench", "stage", "crowd"] {
            assert!(c.get(k).is_some(), "{k}");
        }
    }

    #[test]
    fn synonyms_resolve_in_several_languages() {
        let c = Catalog::builtin();
        assert_eq!(c.resolve("Pirate Ship").unwrap().kind, "sailing_ship");
        assert_eq!(c.resolve("navire").unwrap().kind, "sailing_ship");
        assert_eq!(c.resolve("fans").unwrap().kind, "crowd");
        assert_eq!(c.resolve("drum-kit").unwrap().kind, "drum_kit");
    }

    #[test]
    fn suggestions_find_the_nearest_kind() {
        let c = Catalog::builtin();
        assert_eq!(c.suggest("sailing_shp"), "sailing_ship");
        assert_eq!(c.suggest("pirate_galleon"), "sailing_ship");
        assert_eq!(c.suggest("biplan"), "biplane");
    }
}
