//! JSON Schema → GBNF, for llama.cpp's grammar sampler.
//!
//! Covers the subset schemars emits for the scene types: objects (properties in order,
//! optional ones may be left out), arrays, strings (with `maxLength`), integers, numbers,
//! booleans, `enum`/`const`, `$ref`, `anyOf`/`oneOf` and nullable types. Enumerations become
//! alternations of literals, so a catalog enum lets the model write only catalog kinds.

use std::collections::BTreeMap;

use serde_json::Value;

/// Builds a GBNF grammar whose `root` rule accepts exactly the JSON the schema describes.
/// A schema the grammar builder does not cover.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("JSON Schema → grammar: {0}")]
pub struct GrammarError(pub String);

pub fn schema_to_gbnf(schema: &Value) -> Result<String, GrammarError> {
    let mut b = Builder { root: schema, rules: BTreeMap::new() };
    let expr = b.rule_for(schema, "root")?;
    // An object at the top already became the rule named "root".
    let root = if expr == "root" { b.rules.remove("root").unwrap_or_default() } else { expr };
    let mut out = format!("root ::= {root}\n");
    for (name, body) in &b.rules {
        if name != "root" {
            out.push_str(&format!("{name} ::= {body}\n"));
        }
    }
    out.push_str(PRIMITIVES);
    Ok(out)
}

const PRIMITIVES: &str = r#"ws ::= [ \t\n]{0,8}
string ::= "\"" char* "\""
char ::= [^"\\\x00-\x1f] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
integer ::= "-"? ([0-9] | [1-9] [0-9]{0,9})
number ::= "-"? ([0-9] | [1-9] [0-9]{0,9}) ("." [0-9]{1,6})?
boolean ::= "true" | "false"
null ::= "null"
"#;

struct Builder<'a> {
    root: &'a Value,
    rules: BTreeMap<String, String>,
}

impl Builder<'_> {
    /// Returns an expression for `schema`, adding named rules for objects and references.
    fn rule_for(&mut self, schema: &Value, name: &str) -> Result<String, GrammarError> {
        let Some(obj) = schema.as_object() else {
            return Ok("string".into()); // `true` schemas: anything; strings keep it simple
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let def = r.rsplit('/').next().unwrap_or("ref");
            let rule = format!("def-{}", sanitize(def));
            if !self.rules.contains_key(&rule) {
                self.rules.insert(rule.clone(), String::new()); // reserve: recursion
                let target = r
                    .strip_prefix("#/")
                    .map(|p| p.split('/').fold(self.root, |v, k| &v[k]))
                    .ok_or_else(|| GrammarError(format!("unsupported $ref {r}")))?;
                let target = target.clone();
                let body = self.rule_for(&target, &rule)?;
                self.rules.insert(rule.clone(), body);
            }
            return Ok(rule);
        }
        if let Some(c) = obj.get("const") {
            return Ok(literal(c));
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            let alts: Vec<String> = values.iter().map(literal).collect();
            return Ok(format!("({})", alts.join(" | ")));
        }
        if let Some(branches) = obj.get("anyOf").or_else(|| obj.get("oneOf")).and_then(Value::as_array) {
            let mut alts = Vec::new();
            for (i, b) in branches.iter().enumerate() {
                alts.push(self.rule_for(b, &format!("{name}-{i}"))?);
            }
            return Ok(format!("({})", alts.join(" | ")));
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec!["string"],
        };
        let mut alts = Vec::new();
        for t in types {
            alts.push(match t {
                "object" => self.object(obj, name)?,
                "array" => {
                    let item = self.rule_for(obj.get("items").unwrap_or(&Value::Bool(true)), &format!("{name}-item"))?;
                    let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                    let max = obj.get("maxItems").and_then(Value::as_u64);
                    array(&item, min, max)
                }
                "string" => match obj.get("maxLength").and_then(Value::as_u64) {
                    Some(n) => format!("\"\\\"\" char{{0,{n}}} \"\\\"\""),
                    None => "string".into(),
                },
                "integer" => "integer".into(),
                "number" => "number".into(),
                "boolean" => "boolean".into(),
                "null" => "null".into(),
                other => return Err(GrammarError(format!("unsupported type {other}"))),
            });
        }
        Ok(if alts.len() == 1 { alts.remove(0) } else { format!("({})", alts.join(" | ")) })
    }

    /// Required properties in schema order; optional ones are left out, which keeps the
    /// grammar small and the output short (defaults fill them in).
    fn object(&mut self, obj: &serde_json::Map<String, Value>, name: &str) -> Result<String, GrammarError> {
        let required: Vec<&str> =
            obj.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let mut parts = Vec::new();
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (key, sub) in props {
                if !required.contains(&key.as_str()) {
                    continue;
                }
                let value = self.rule_for(sub, &format!("{name}-{}", sanitize(key)))?;
                parts.push(format!("{} ws \":\" ws {value}", literal(&Value::String(key.clone()))));
            }
        }
        let body =
            if parts.is_empty() { "\"{\" ws \"}\"".to_string() } else { format!("\"{{\" ws {} ws \"}}\"", parts.join(" ws \",\" ws ")) };
        let rule = sanitize(name);
        self.rules.insert(rule.clone(), body);
        Ok(rule)
    }
}

fn array(item: &str, min: u64, max: Option<u64>) -> String {
    let more = match max {
        Some(m) => format!("(ws \",\" ws {item}){{0,{}}}", m.saturating_sub(1)),
        None => format!("(ws \",\" ws {item})*"),
    };
    let some = format!("{item} {more}");
    if min == 0 { format!("\"[\" ws ({some})? ws \"]\"") } else { format!("\"[\" ws {some} ws \"]\"") }
}

/// A JSON value as a GBNF string literal.
fn literal(v: &Value) -> String {
    let json = v.to_string();
    let escaped = json.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enums_become_literal_alternatives_and_objects_keep_required_order() {
        let schema = json!({
            "type": "object",
            "properties": {"kind": {"enum": ["sailing_ship", "cannon"]}, "title": {"type": "string", "maxLength": 20}, "note": {"type": "string"}},
            "required": ["kind", "title"]
        });
        let g = schema_to_gbnf(&schema).unwrap();
        assert!(g.contains(r#"("\"sailing_ship\"" | "\"cannon\"")"#), "{g}");
        assert!(g.contains(r#""\"kind\"" ws ":" ws"#), "{g}");
        assert!(!g.contains("note"), "optional fields are left out: {g}");
        assert!(g.contains("char{0,20}"), "{g}");
    }

    #[test]
    fn the_scene_schema_converts() {
        let g = schema_to_gbnf(crate::scene::scene_schema()).unwrap();
        assert!(g.starts_with("root ::= \"{\""), "{g}");
        assert!(g.contains("\\\"underwater\\\""), "{g}");
    }
}
