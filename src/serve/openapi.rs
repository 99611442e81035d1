//! The API's OpenAPI 3.1 document, served at `/v1/openapi.json`. The scene schema in it is
//! the one validation uses, so the two cannot drift apart.

use serde_json::{Value, json};

use super::api::{MAX_SPEECH_BYTES, MAX_SPEECH_S};
use super::media::{MAX_RENDER_SIDE, MAX_SOUNDSCAPE_S};
use crate::scene::scene_schema;
use crate::scene::validate::MAX_SCENE_BYTES;

fn error(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn invalid() -> Value {
    json!({"description": "The scene is invalid: every problem with its JSON path and line; nothing was written.",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invalid"}}}})
}

fn name() -> Value {
    json!({"name": "name", "in": "path", "required": true,
           "description": "The scene's name: its file in the library is NAME.json. No separators, no leading '.', no control characters, at most 100 bytes.",
           "schema": {"type": "string", "maxLength": 100}})
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn seed() -> Value {
    query("seed", "Makes the layout repeatable (default 0).", json!({"type": "integer", "minimum": 0}))
}

fn shot() -> Vec<Value> {
    vec![
        query(
            "view",
            "spawn: from the player's eyes; overview: from above and behind.",
            json!({"type": "string", "enum": ["spawn", "overview"], "default": "spawn"}),
        ),
        query(
            "size",
            &format!("WIDTHxHEIGHT, each 16 to {MAX_RENDER_SIDE}."),
            json!({"type": "string", "default": "640x360", "pattern": "^[0-9]+x[0-9]+$"}),
        ),
        seed(),
    ]
}

fn seconds() -> Vec<Value> {
    vec![query("seconds", &format!("Length, 0.1 to {MAX_SOUNDSCAPE_S} s."), json!({"type": "number", "default": 10})), seed()]
}

fn scene_body() -> Value {
    json!({"required": true, "description": format!("A scene (sayscape.scene/1), at most {MAX_SCENE_BYTES} bytes."),
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Scene"}}}})
}

fn png() -> Value {
    json!({"description": "The picture.", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}})
}

fn glb() -> Value {
    json!({"description": "The laid-out world as binary glTF 2.0: a node per entity (named by its id; kind and placement in extras), instances sharing meshes, terrain, water, room, lights, the spawn as a camera.", "content": {"model/gltf-binary": {"schema": {"type": "string", "format": "binary"}}}})
}

fn wav() -> Value {
    json!({"description": "16-bit stereo WAV at 48 kHz, heard from the player's place.", "content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}})
}

fn layout() -> Value {
    json!({"description": "The layout: every instance placed, the player's spawn, motion and sound emitters.", "content": {"application/json": {"schema": {"type": "object"}}}})
}

/// The whole document.
pub fn document() -> Value {
    let mut schema = scene_schema().clone();
    // The scene schema's own definitions move under components; its references follow.
    let defs = schema.as_object_mut().and_then(|o| o.remove("$defs")).unwrap_or(json!({}));
    let mut schemas = serde_json::Map::new();
    schemas.insert("Scene".into(), schema);
    if let Value::Object(defs) = defs {
        schemas.extend(defs);
    }
    let mut schemas = Value::Object(schemas);
    retarget(&mut schemas);
    let schemas = schemas.as_object_mut().expect("an object");
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error", "status"], "properties": {
        "error": {"type": "string", "description": "What went wrong, naming the argument, field or limit."},
        "status": {"type": "integer"}}}),
    );
    schemas.insert(
        "Problem".into(),
        json!({"type": "object", "required": ["path", "message"], "properties": {
        "path": {"type": "string", "description": "JSON path, e.g. $.entities[2].kind"},
        "message": {"type": "string"},
        "line": {"type": "integer", "description": "Line of the sent text (from 1) the problem is at."},
        "column": {"type": "integer"}}}),
    );
    schemas.insert(
        "Invalid".into(),
        json!({"type": "object", "required": ["error", "status", "problems"], "properties": {
        "error": {"type": "string"}, "status": {"type": "integer", "const": 422},
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}}}}),
    );
    schemas.insert("Entry".into(), json!({"type": "object", "properties": {
        "name": {"type": "string"}, "title": {"type": ["string", "null"]}, "bytes": {"type": "integer"},
        "modified": {"type": "number", "description": "Seconds since 1970."},
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}, "description": "Empty when the file on disk is a valid scene."}}}));
    schemas.insert(
        "GenerateRequest".into(),
        json!({"type": "object", "required": ["prompt"], "additionalProperties": false, "properties": {
        "prompt": {"type": "string", "description": "The scenario, in any language."},
        "seed": {"type": "integer", "minimum": 0},
        "save_as": {"type": "string", "description": "Also keep the scene in the library under this name."}}}),
    );
    let schemas = Value::Object(std::mem::take(schemas));

    json!({
        "openapi": "3.1.0",
        "info": {"title": "sayscape service", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Scenario generation for headsets on the LAN, and the scenario library. Every /v1 path and /metrics need `Authorization: Bearer TOKEN` when the service was started with --token."},
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/healthz": {"get": {"summary": "Is the service up, and is the model loaded", "security": [],
                "responses": {"200": {"description": "status, model_ready, backend, queue, version"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics: queue depth, job latency histogram, tokens/s, renders, responses",
                "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}, "401": error("No or wrong token.")}}},
            "/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/v1/schema": {"get": {"summary": "The scene format's JSON Schema", "responses": {"200": {"description": "JSON Schema"}}}},
            "/v1/catalog": {"get": {"summary": "Every kind the world can build", "responses": {"200": {"description": "The kinds, with their families, sizes and habitats"}}}},
            "/v1/scenes": {"get": {"summary": "The library: every scene file, validated as it is on disk now",
                "responses": {"200": {"description": "{\"scenes\": [Entry]}", "content": {"application/json": {"schema": {"type": "object", "properties": {"scenes": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}}}}}}}}}},
            "/v1/scenes/{name}": {
                "parameters": [name()],
                "get": {"summary": "A scene file's text, as it is on disk", "responses": {"200": {"description": "The scene", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Scene"}}}}, "400": error("Bad name."), "404": error("No such scene.")}},
                "put": {"summary": "Create or replace a scene (validated first; written atomically)", "requestBody": scene_body(),
                    "responses": {"200": {"description": "Replaced"}, "201": {"description": "Created"}, "400": error("Bad name."), "413": error("Over 8 MiB."), "422": invalid()}},
                "delete": {"summary": "Delete a scene", "responses": {"204": {"description": "Deleted"}, "400": error("Bad name."), "404": error("No such scene.")}}},
            "/v1/scenes/{name}/layout": {"parameters": [name()], "get": {"summary": "A library scene's layout", "parameters": [seed()],
                "responses": {"200": layout(), "404": error("No such scene."), "422": invalid()}}},
            "/v1/scenes/{name}/render": {"parameters": [name()], "get": {"summary": "A headless render of a library scene", "parameters": shot(),
                "responses": {"200": png(), "400": error("Bad view or size."), "404": error("No such scene."), "422": invalid()}}},
            "/v1/scenes/{name}/world.glb": {"parameters": [name()], "get": {"summary": "A library scene's world as binary glTF (remembered by the scene's text)", "parameters": [seed()],
                "responses": {"200": glb(), "404": error("No such scene."), "422": invalid()}}},
            "/v1/scenes/{name}/soundscape": {"parameters": [name()], "get": {"summary": "A library scene's soundscape", "parameters": seconds(),
                "responses": {"200": wav(), "400": error("Bad length."), "404": error("No such scene."), "422": invalid()}}},
            "/v1/validate": {"post": {"summary": "Validate a scene (nothing is written)", "requestBody": scene_body(),
                "responses": {"200": {"description": "{\"valid\": true, \"title\": …}"}, "413": error("Over 8 MiB."), "422": invalid()}}},
            "/v1/layout": {"post": {"summary": "Lay out a scene sent", "parameters": [seed()], "requestBody": scene_body(), "responses": {"200": layout(), "422": invalid()}}},
            "/v1/render": {"post": {"summary": "Render a scene sent", "parameters": shot(), "requestBody": scene_body(), "responses": {"200": png(), "400": error("Bad view or size."), "422": invalid()}}},
            "/v1/export": {"post": {"summary": "The world of a scene sent, as binary glTF", "parameters": [seed()], "requestBody": scene_body(), "responses": {"200": glb(), "413": error("Over 8 MiB."), "422": invalid()}}},
            "/v1/soundscape": {"post": {"summary": "The soundscape of a scene sent", "parameters": seconds(), "requestBody": scene_body(), "responses": {"200": wav(), "400": error("Bad length."), "422": invalid()}}},
            "/v1/generate": {"post": {
                "summary": "A scenario in words or speech → a valid scene",
                "description": "With `Accept: text/event-stream` the answer is a stream of server-sent events: one per stage, named by it (queued, loading_speech_model, transcribing, heard, loading_model, ranking, writing, asking, planning), each with data {\"stage\", \"message\"}; then `done` whose data is the scene, or `error` whose data is {\"status\", \"message\"}. Otherwise the answer is the scene itself (200) or the error with its status.",
                "parameters": [seed(), query("save_as", "With a WAV body: also keep the scene in the library under this name.", json!({"type": "string"}))],
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/GenerateRequest"}},
                    "audio/wav": {"schema": {"type": "string", "format": "binary"}, "description": format!("Speech, at most {MAX_SPEECH_S} s and {MAX_SPEECH_BYTES} bytes.")}}},
                "responses": {
                    "200": {"description": "The event stream, or the scene", "content": {"text/event-stream": {"schema": {"type": "string"}}, "application/json": {"schema": {"$ref": "#/components/schemas/Scene"}}}},
                    "400": error("Bad request: empty prompt, bad JSON field, not a WAV, bad save_as."),
                    "413": error("The body or the speech is too long."),
                    "500": error("The model could not make a scene."),
                    "503": {"description": "The queue is full or the server is stopping; see Retry-After.", "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "504": error("No scene within the time limit.")}}}
        }
    })
}

/// Points the scene schema's `#/$defs/…` references at `#/components/schemas/…`.
fn retarget(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(rest) = reference.strip_prefix("#/$defs/")
            {
                *reference = format!("#/components/schemas/{rest}");
            }
            map.values_mut().for_each(retarget);
        }
        Value::Array(items) => items.iter_mut().for_each(retarget),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves_inside_the_document() {
        let doc = document();
        let mut refs = Vec::new();
        fn collect(v: &Value, refs: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        refs.push(r.clone());
                    }
                    m.values().for_each(|v| collect(v, refs));
                }
                Value::Array(a) => a.iter().for_each(|v| collect(v, refs)),
                _ => {}
            }
        }
        collect(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').expect("local reference");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }
}
