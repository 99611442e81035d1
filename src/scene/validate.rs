//! Validation at the boundary: text → `Scene`, or every problem with its JSON path.
//!
//! Two passes. The structural pass walks the JSON against the generated schema and collects
//! every mismatch (so one run reports all of them, unlike serde which stops at the first).
//! The semantic pass checks what a schema cannot say: unique ids, references, relations that
//! fit the kind, beats that carry what their event needs.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::catalog::{Catalog, Habitat};
use super::schema::{CATALOG_MARK, scene_schema};
use super::types::{BeatEvent, Relation, SCENE_FORMAT, Scene, SoundKind, Weather};

/// Scene files larger than this are refused before parsing.
pub const MAX_SCENE_BYTES: u64 = 8 * 1024 * 1024;

/// Total instances a scene may ask for, all entities together.
pub const MAX_TOTAL_INSTANCES: u64 = 20_000;

/// One thing wrong with a scene, at a JSON path such as `$.entities[2].kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a scene could not be loaded. `Display` gives one line per problem, each naming the file.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    #[error("{origin}: cannot read: {source}")]
    Read { origin: String, source: std::io::Error },
    #[error("{origin}: cannot write: {source}")]
    Write { origin: String, source: std::io::Error },
    #[error("{origin}: file is too large ({size} bytes; scene files are at most {MAX_SCENE_BYTES})")]
    TooLarge { origin: String, size: u64 },
    #[error("{origin}: line {line}, column {column}: malformed JSON: {message}")]
    Syntax { origin: String, line: usize, column: usize, message: String },
    #[error("{}", lines(origin, problems))]
    Invalid { origin: String, problems: Vec<Problem> },
}

fn lines(origin: &str, problems: &[Problem]) -> String {
    let all: Vec<String> = problems.iter().map(|p| format!("{origin}: {p}")).collect();
    all.join("\n")
}

/// Writes a scene as pretty JSON, atomically: readers see the old file or the new one.
pub fn save_scene(scene: &Scene, path: &Path) -> Result<(), SceneError> {
    let text = serde_json::to_string_pretty(scene).expect("a scene always serialises") + "\n";
    crate::files::write_atomically(path, text.as_bytes()).map_err(|source| SceneError::Write { origin: path.display().to_string(), source })
}

/// Reads and validates a scene file.
pub fn load_scene(path: &Path) -> Result<Scene, SceneError> {
    let origin = path.display().to_string();
    let read_err = |source| SceneError::Read { origin: origin.clone(), source };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > MAX_SCENE_BYTES {
        return Err(SceneError::TooLarge { origin, size });
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    parse_scene(&bytes, &origin)
}

/// Parses and validates scene text; `origin` names it in messages (a file, "stdin", "model").
pub fn parse_scene(bytes: &[u8], origin: &str) -> Result<Scene, SceneError> {
    if bytes.len() as u64 > MAX_SCENE_BYTES {
        return Err(SceneError::TooLarge { origin: origin.into(), size: bytes.len() as u64 });
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| SceneError::Syntax {
        origin: origin.into(),
        line: e.line(),
        column: e.column(),
        message: strip_location(&e.to_string()),
    })?;
    scene_from_value(&value, origin)
}

/// Validates an already-parsed JSON value.
pub fn scene_from_value(value: &Value, origin: &str) -> Result<Scene, SceneError> {
    let invalid = |problems| SceneError::Invalid { origin: origin.into(), problems };
    let problems = check_structure(value);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let scene: Scene = serde_path_to_error::deserialize(value)
        .map_err(|e| invalid(vec![Problem { path: dollar_path(&e.path().to_string()), message: e.inner().to_string() }]))?;
    let problems = check_semantics(&scene, Catalog::builtin());
    if problems.is_empty() { Ok(scene) } else { Err(invalid(problems)) }
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn dollar_path(serde_path: &str) -> String {
    if serde_path == "." { "$".into() } else { format!("$.{serde_path}") }
}

// ---------------------------------------------------------------------------------------------
// Structural pass: a walk of the value against the subset of JSON Schema that schemars emits.

/// Every structural problem of a scene value, checked against the published schema.
pub fn check_structure(value: &Value) -> Vec<Problem> {
    let root = scene_schema();
    let mut out = Vec::new();
    walk(root, root, value, "$", &mut out);
    out
}

fn walk(root: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<Problem>) {
    let Some(schema) = schema.as_object() else { return };
    let mut report = |message: String| out.push(Problem { path: path.to_string(), message });

    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference.strip_prefix("#/").map(|p| p.split('/').fold(root, |v, key| &v[key])).unwrap_or(&Value::Null);
        walk(root, target, value, path, out);
        return;
    }
    if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
        walk_alternatives(root, branches, value, path, out);
        return;
    }
    if let Some(types) = schema.get("type")
        && !type_matches(types, value)
    {
        report(format!("expected {}, found {}", type_names(types), describe(value)));
        return;
    }
    if let Some(allowed) = schema.get("const")
        && allowed != value
    {
        report(format!("must be {allowed}, found {}", describe(value)));
    }
    let catalog_names = schema.contains_key(CATALOG_MARK);
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array).filter(|_| !catalog_names)
        && !allowed.contains(value)
    {
        report(not_one_of(value, allowed));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            report(format!("{n} is out of range: the minimum is {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            report(format!("{n} is out of range: the maximum is {max}"));
        }
    }
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = name.as_str()
                    && !map.contains_key(name)
                {
                    report(format!("missing required field \"{name}\""));
                }
            }
            for (key, item) in map {
                let child = format!("{path}.{key}");
                match props.and_then(|p| p.get(key)) {
                    Some(sub) => walk(root, sub, item, &child, out),
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        let known: Vec<&str> = props.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                        out.push(Problem { path: child, message: unknown_field(key, &known) });
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            let len = items.len() as u64;
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && len < min
            {
                report(format!("expected at least {min} items, found {len}"));
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && len > max
            {
                report(format!("expected at most {max} items, found {len}"));
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(root, item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// `anyOf`/`oneOf` as schemars emits them: enums with documented variants (a list of consts),
/// or `T | null` for optional values.
fn walk_alternatives(root: &Value, branches: &[Value], value: &Value, path: &str, out: &mut Vec<Problem>) {
    let mut best: Option<Vec<Problem>> = None;
    for branch in branches {
        let mut problems = Vec::new();
        walk(root, branch, value, path, &mut problems);
        if problems.is_empty() {
            return;
        }
        if best.as_ref().is_none_or(|b| problems.len() < b.len()) {
            best = Some(problems);
        }
    }
    let consts: Vec<Value> = branches.iter().flat_map(enumerated).collect();
    if consts.len() == branches.len() || (!consts.is_empty() && value.is_string()) {
        out.push(Problem { path: path.into(), message: not_one_of(value, &consts) });
    } else if let Some(problems) = best {
        out.extend(problems);
    }
}

fn enumerated(branch: &Value) -> Vec<Value> {
    if let Some(c) = branch.get("const") {
        return vec![c.clone()];
    }
    branch.get("enum").and_then(Value::as_array).cloned().unwrap_or_default()
}

fn type_matches(types: &Value, value: &Value) -> bool {
    let one = |t: &str| match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    };
    match types {
        Value::String(t) => one(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

fn type_names(types: &Value) -> String {
    match types {
        Value::String(t) => article(t),
        Value::Array(ts) => {
            let names: Vec<String> = ts.iter().filter_map(Value::as_str).map(article).collect();
            names.join(" or ")
        }
        _ => "a value".into(),
    }
}

fn article(t: &str) -> String {
    match t {
        "array" | "object" | "integer" => format!("an {t}"),
        "null" => "null".into(),
        _ => format!("a {t}"),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", short(s)),
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

fn short(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() { format!("{cut:?}…") } else { format!("{cut:?}") }
}

fn not_one_of(value: &Value, allowed: &[Value]) -> String {
    let names: Vec<String> = allowed.iter().map(|v| v.as_str().map(str::to_string).unwrap_or(v.to_string())).collect();
    let found = value.as_str().map(short).unwrap_or_else(|| describe(value));
    if let Some(s) = value.as_str()
        && names.len() > 12
        && let Some(nearest) = names.iter().max_by(|a, b| strsim::jaro_winkler(s, a).total_cmp(&strsim::jaro_winkler(s, b)))
    {
        return format!("{found} is not allowed here; did you mean \"{nearest}\"?");
    }
    format!("{found} is not one of: {}", names.join(", "))
}

fn unknown_field(key: &str, known: &[&str]) -> String {
    let nearest = known.iter().max_by(|a, b| strsim::jaro_winkler(key, a).total_cmp(&strsim::jaro_winkler(key, b)));
    match nearest {
        Some(n) if strsim::jaro_winkler(key, n) > 0.8 => format!("unknown field \"{key}\"; did you mean \"{n}\"?"),
        _ => format!("unknown field \"{key}\"; expected one of: {}", known.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------------
// Semantic pass.

/// Checks that a well-formed scene makes sense: ids, references, kinds and relations.
pub fn check_semantics(scene: &Scene, catalog: &Catalog) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut problem = |path: String, message: String| out.push(Problem { path, message });

    if scene.format != SCENE_FORMAT {
        problem("$.format".into(), format!("unsupported format {:?}; this program reads \"{SCENE_FORMAT}\"", scene.format));
    }

    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, e) in scene.entities.iter().enumerate() {
        let path = format!("$.entities[{i}].id");
        if e.id.is_empty() || !e.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            problem(path.clone(), format!("id {:?} must be lower-case letters, digits and underscores", e.id));
        }
        if let Some(first) = ids.insert(&e.id, i) {
            problem(path, format!("duplicate id {:?} (also at $.entities[{first}])", e.id));
        }
    }
    let exists = |id: &str| ids.contains_key(id);
    let has_water = scene.setting.has_water();
    let total: u64 = scene.entities.iter().map(|e| e.count as u64).sum();
    if total > MAX_TOTAL_INSTANCES {
        problem("$.entities".into(), format!("{total} instances in all; a scene holds at most {MAX_TOTAL_INSTANCES}"));
    }

    for (i, e) in scene.entities.iter().enumerate() {
        let at = |field: &str| format!("$.entities[{i}].{field}");
        if let Some(form) = &e.form {
            for (field, message) in form.problems() {
                problem(at(&format!("form.{field}")), message);
            }
        }
        let Some(info) = catalog.info_for(e) else {
            problem(
                at("kind"),
                format!(
                    "unknown kind {:?}; did you mean \"{}\"? (a thing the catalog lacks needs a \"form\" to be built from: see docs/forms.md)",
                    e.kind,
                    catalog.suggest(&e.kind)
                ),
            );
            continue;
        };
        let p = &e.placement;
        if let Some(target) = &p.target {
            if target == &e.id {
                problem(at("placement.target"), "an entity cannot be placed relative to itself".into());
            } else if !exists(target) {
                problem(at("placement.target"), format!("no entity has the id {target:?}"));
            }
        }
        match p.relation {
            Relation::On => match p.target.as_deref().and_then(|t| ids.get(t)).map(|&j| &scene.entities[j]) {
                None if p.target.is_none() => problem(at("placement.target"), "relation \"on\" needs a target".into()),
                Some(t) if catalog.info_for(t).is_some_and(|k| k.deck.is_none()) => {
                    problem(at("placement.target"), format!("nothing can stand on a {} (it has no deck)", t.kind))
                }
                _ => {}
            },
            Relation::At if p.position.is_none() => problem(at("placement.position"), "relation \"at\" needs a position".into()),
            Relation::OnWater if info.habitat != Habitat::Water => {
                problem(at("placement.relation"), format!("a {} cannot go on the water; on_water is for floating kinds", e.kind))
            }
            Relation::InSky if info.habitat != Habitat::Sky => {
                problem(at("placement.relation"), format!("a {} cannot fly; in_sky is for sky kinds", e.kind))
            }
            Relation::AlongWall | Relation::Outside if scene.setting.room.is_none() => problem(
                at("placement.relation"),
                format!("relation \"{}\" is for indoor scenes: the scene has no setting.room", super::types::value_name(&p.relation)),
            ),
            _ => {}
        }
        if p.position.is_some() && p.relation != Relation::At {
            problem(at("placement.position"), "a position is only used with relation \"at\"".into());
        }
        if matches!(info.habitat, Habitat::Water) && !has_water {
            problem(at("kind"), format!("a {} floats, but the scene has no water (set setting.water.kind)", e.kind));
        }
    }
    check_room(scene, &mut problem);
    check_air(scene, &mut problem);
    if let Some(cycle) = find_on_cycle(scene) {
        problem(format!("$.entities[{cycle}].placement.target"), "placement targets form a cycle".into());
    }

    if let Some(on) = &scene.player.on
        && !exists(on)
    {
        problem("$.player.on".into(), format!("no entity has the id {on:?}"));
    }
    for (i, em) in scene.soundscape.emitters.iter().enumerate() {
        if !exists(&em.entity) {
            problem(format!("$.soundscape.emitters[{i}].entity"), format!("no entity has the id {:?}", em.entity));
        }
    }
    for (i, beat) in scene.timeline.iter().enumerate() {
        let at = |field: &str| format!("$.timeline[{i}].{field}");
        if !beat.at.is_finite() || beat.at < 0.0 {
            problem(at("at"), format!("negative time {} s: beats happen at 0 s or later", beat.at));
        } else if beat.at > 3600.0 {
            problem(at("at"), format!("{} s is past the one-hour limit of a timeline", beat.at));
        }
        let (needs_entity, needs_sound, needs_weather) = beat.event.needs();
        match &beat.entity {
            Some(id) if !exists(id) => problem(at("entity"), format!("no entity has the id {id:?}")),
            None if needs_entity => problem(at("entity"), format!("event \"{}\" needs an entity", super::types::value_name(&beat.event))),
            _ => {}
        }
        if needs_sound && beat.sound.is_none() {
            problem(at("sound"), "event \"sound\" needs a sound".into());
        }
        if needs_weather && beat.weather.is_none() {
            problem(at("weather"), "event \"weather\" needs a weather".into());
        }
    }
    out
}

/// A room must fit the play area, be tall enough to stand in, and hold the player.
fn check_room(scene: &Scene, problem: &mut impl FnMut(String, String)) {
    let Some(room) = &scene.setting.room else { return };
    let [w, l, h] = room.size;
    let limits = [("width", w, 2.0, 200.0), ("length", l, 2.0, 400.0), ("height", h, 2.2, 80.0)];
    for (k, (name, v, lo, hi)) in limits.into_iter().enumerate() {
        if !(lo..=hi).contains(&v) {
            problem(format!("$.setting.room.size[{k}]"), format!("a room's {name} is {lo} to {hi} m, not {v}"));
        }
    }
    if room.purpose.trim().is_empty() {
        problem("$.setting.room.purpose".into(), "say what the room is (tavern, jazz_club, bridge…)".into());
    }
    if room.reach() + 5.0 > scene.setting.area_radius {
        problem(
            "$.setting.room.size".into(),
            format!(
                "the room reaches {:.0} m from its centre, beyond the play area (setting.area_radius {:.0} m)",
                room.reach(),
                scene.setting.area_radius
            ),
        );
    }
    if scene.player.on.is_none()
        && let Some([x, _, z]) = scene.player.position
        && !room.contains(x, z, 0.3)
    {
        problem("$.player.position".into(), format!("the player at ({x}, {z}) stands outside the room's walls"));
    }
}

/// Where there is no air there is no weather and nothing the air carries.
fn check_air(scene: &Scene, problem: &mut impl FnMut(String, String)) {
    let terrain = scene.setting.terrain;
    if !terrain.is_airless() {
        return;
    }
    let place = super::types::value_name(&terrain);
    if scene.setting.weather != Weather::Clear {
        problem("$.setting.weather".into(), format!("there is no weather on terrain \"{place}\" (no air): use \"clear\""));
    }
    let carried_by_air = |s: SoundKind| {
        matches!(
            s,
            SoundKind::Wind
                | SoundKind::Rain
                | SoundKind::Thunder
                | SoundKind::Birds
                | SoundKind::Seagulls
                | SoundKind::Owl
                | SoundKind::Crickets
                | SoundKind::Insects
                | SoundKind::Frogs
        )
    };
    // Inside a craft or a base there is air again.
    if scene.setting.room.is_none() {
        for (i, a) in scene.soundscape.ambience.iter().enumerate() {
            if carried_by_air(a.sound) {
                problem(
                    format!("$.soundscape.ambience[{i}].sound"),
                    format!("\"{}\" cannot be heard on terrain \"{place}\" (no air)", super::types::value_name(&a.sound)),
                );
            }
        }
    }
    for (i, beat) in scene.timeline.iter().enumerate() {
        if beat.event == BeatEvent::Weather && beat.weather.is_some_and(|w| w != Weather::Clear) {
            problem(format!("$.timeline[{i}].weather"), format!("there is no weather on terrain \"{place}\" (no air)"));
        }
    }
}

/// The index of an entity whose chain of placement targets loops back on itself.
fn find_on_cycle(scene: &Scene) -> Option<usize> {
    let index: HashMap<&str, usize> = scene.entities.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    for start in 0..scene.entities.len() {
        let mut seen = HashSet::new();
        let mut at = start;
        while let Some(next) = scene.entities[at].placement.target.as_deref().and_then(|t| index.get(t)) {
            if !seen.insert(at) {
                return Some(start);
            }
            at = *next;
        }
    }
    None
}
