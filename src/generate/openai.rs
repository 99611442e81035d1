//! A bigger model elsewhere: any OpenAI-compatible chat-completions server.
//!
//! The scene JSON Schema is sent as the response format. Servers differ in how they take it:
//! OpenAI's form `{"type": "json_schema", "json_schema": {…}}` (llama.cpp's server, vLLM,
//! Ollama) is tried first, and on a refusal (an HTTP error) the llama-cpp-python form
//! `{"type": "json_object", "schema": …}`. The reply is validated like a scene file.

use std::time::Duration;

use serde_json::{Value, json};

use super::{GenerateError, check_request};
use crate::scene::{Catalog, Scene, parse_scene, scene_schema};

/// What went wrong with the server (its URL is named by [`GenerateError::Remote`]).
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("no answer within {seconds:.0} s")]
    Timeout { seconds: f64, source: Box<ureq::Error> },
    #[error("request failed")]
    Request(#[source] Box<ureq::Error>),
    #[error("reading the reply")]
    Read(#[source] Box<ureq::Error>),
    #[error("the reply is not JSON: {first_line}")]
    NotJson { first_line: String, source: serde_json::Error },
    #[error("the reply has no choices[0].message.content")]
    NoContent,
    /// Both forms of the response format were answered with an error status (the last one).
    #[error("refused both response formats: {0}")]
    Refused(String),
}

#[derive(Clone)]
pub struct OpenAiClient {
    pub url: String,
    pub api_key: Option<String>,
    pub model: String,
    pub timeout: Duration,
}

/// Never prints the API key.
impl std::fmt::Debug for OpenAiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiClient")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl OpenAiClient {
    fn endpoint(&self) -> String {
        let base = self.url.trim_end_matches('/');
        if base.ends_with("/chat/completions") {
            base.to_string()
        } else if base.ends_with("/v1") {
            format!("{base}/chat/completions")
        } else {
            format!("{base}/v1/chat/completions")
        }
    }

    fn err(&self, source: RemoteError) -> GenerateError {
        GenerateError::Remote { url: self.url.clone(), source }
    }

    /// Request → valid scene, or an error naming the server and what went wrong.
    pub fn generate(&self, request: &str, seed: u32) -> Result<Scene, GenerateError> {
        let request = check_request(request)?;
        let kinds: Vec<&str> = Catalog::builtin().kind_names().collect();
        let system = format!("{}\nCatalog kinds: {}.", include_str!("../../prompts/system.txt").trim(), kinds.join(", "));
        let messages = json!([{"role": "system", "content": system}, {"role": "user", "content": request}]);
        let schema = response_schema();
        let openai_form = json!({"type": "json_schema", "json_schema": {"name": "scene", "strict": true, "schema": schema}});
        let python_form = json!({"type": "json_object", "schema": schema});
        let mut last = None;
        for format in [openai_form, python_form] {
            let body = json!({"model": self.model, "messages": messages, "temperature": 0.2, "seed": seed, "max_tokens": MAX_REPLY_TOKENS, "response_format": format});
            match self.post(&body)? {
                Reply::Refused(reason) => last = Some(reason),
                Reply::Content(text) => {
                    return parse_scene(text.as_bytes(), "remote model reply").map_err(GenerateError::Invalid);
                }
            }
        }
        Err(self.err(RemoteError::Refused(last.unwrap_or_default())))
    }

    fn post(&self, body: &Value) -> Result<Reply, GenerateError> {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().timeout_global(Some(self.timeout)).http_status_as_error(false).build().into();
        let mut req = agent.post(&self.endpoint()).header("Content-Type", "application/json");
        if let Some(key) = &self.api_key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        let mut resp = req.send_json(body).map_err(|e| {
            self.err(match e {
                ureq::Error::Timeout(_) => RemoteError::Timeout { seconds: self.timeout.as_secs_f64(), source: Box::new(e) },
                other => RemoteError::Request(Box::new(other)),
            })
        })?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().with_config().limit(16 << 20).read_to_string().map_err(|e| self.err(RemoteError::Read(Box::new(e))))?;
        // Some servers answer a response format they do not know with a 500 rather than a 4xx
        // (llama-cpp-python does): any error status lets the other format be tried.
        if status != 200 {
            return Ok(Reply::Refused(format!("HTTP {status}: {}", first_line(&text))));
        }
        let v: Value =
            serde_json::from_str(&text).map_err(|source| self.err(RemoteError::NotJson { first_line: first_line(&text), source }))?;
        let content = v["choices"][0]["message"]["content"].as_str().ok_or_else(|| self.err(RemoteError::NoContent))?;
        Ok(Reply::Content(content.to_string()))
    }
}

/// A scene is 300–1 500 tokens; a reply cut at this length is invalid JSON, so an error.
const MAX_REPLY_TOKENS: u32 = 4096;
/// Longest free string (titles, ids, the prompt) and list in a reply. The library's scenes use
/// at most 39 characters and 11 entities.
const MAX_REPLY_STRING: u32 = 120;
const MAX_REPLY_ITEMS: u32 = 24;

/// The scene schema with every free string and list bounded. Servers turn the schema into a
/// decoding grammar; without bounds a small model can write one string or list forever (a
/// 270M model under llama-server gave no reply in 4 minutes, and one in 9 s with these).
fn response_schema() -> Value {
    fn bound(v: &mut Value) {
        match v {
            Value::Object(map) => {
                let free_string = map.get("type").is_some_and(|t| t == "string") && !map.contains_key("enum") && !map.contains_key("const");
                if free_string {
                    map.entry("maxLength").or_insert(json!(MAX_REPLY_STRING));
                }
                if map.get("type").is_some_and(|t| t == "array") {
                    map.entry("maxItems").or_insert(json!(MAX_REPLY_ITEMS));
                }
                map.values_mut().for_each(bound);
            }
            Value::Array(items) => items.iter_mut().for_each(bound),
            _ => {}
        }
    }
    let mut schema = scene_schema().clone();
    // The reply names catalog kinds only, listed in the system prompt: a form (nested maps and
    // solids) and an enum of every catalog kind (465) make the decoding grammar so large that
    // a small server model took three times as long. Validation refuses a kind it does not know.
    if let Some(entity) = schema.pointer_mut("/$defs/Entity/properties").and_then(Value::as_object_mut) {
        entity.remove("form");
        if let Some(kind) = entity.get_mut("kind").and_then(Value::as_object_mut) {
            kind.remove("enum");
        }
    }
    bound(&mut schema);
    schema
}

enum Reply {
    Refused(String),
    Content(String),
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").chars().take(200).collect()
}
