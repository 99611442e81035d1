//! The JSON Schema of the scene format, generated from the types with the catalog's kinds
//! enumerated, so that editors complete kinds and the validator and grammar share one source.

use std::sync::OnceLock;

use serde_json::{Value, json};

use super::catalog::Catalog;
use super::types::Scene;

/// Where the published schema lives, for a scene's `"$schema"`.
pub const SCHEMA_ID: &str = "https://sayscape.dev/schema/scene-1.json";

/// Marks a schema enum that lists catalog kinds.
pub const CATALOG_MARK: &str = "x-sayscape-catalog";

/// The scene schema (draft 2020-12), catalog kinds included.
pub fn scene_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| build(Catalog::builtin()))
}

fn build(catalog: &Catalog) -> Value {
    let mut schema = schemars::schema_for!(Scene).to_value();
    schema["$id"] = json!(SCHEMA_ID);
    let kinds: Vec<&str> = catalog.kind_names().collect();
    let kind = &mut schema["$defs"]["Entity"]["properties"]["kind"];
    kind["enum"] = json!(kinds);
    // The validator leaves catalog names to the semantic pass, which suggests by synonym.
    kind[CATALOG_MARK] = json!(true);
    schema["properties"]["format"]["const"] = json!(super::types::SCENE_FORMAT);
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_enumerates_catalog_kinds_and_pins_the_format() {
        let s = scene_schema();
        let kinds = s["$defs"]["Entity"]["properties"]["kind"]["enum"].as_array().unwrap();
        assert!(kinds.iter().any(|k| k == "sailing_ship"));
        assert_eq!(s["properties"]["format"]["const"], "sayscape.scene/1");
    }
}
