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

pub struct OpenAiClient {
    pub url: String,
    pub api_key: Option<String>,
    pub model: String,
    pub timeout: Duration,
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

    fn err(&self, reason: impl Into<String>) -> GenerateError {
        GenerateError::Remote { url: self.url.clone(), reason: reason.into() }
    }

    /// Request → valid scene, or an error naming the server and what went wrong.
    pub fn generate(&self, request: &str, seed: u32) -> Result<Scene, GenerateError> {
        let request = check_request(request)?;
        let kinds: Vec<&str> = Catalog::builtin().kind_names().collect();
        let system = format!(
            "{}\nCatalog kinds: {}.",
            include_str!("../../prompts/system.txt").trim(),
            kinds.join(", ")
        );
        let messages = json!([{"role": "system", "content": system}, {"role": "user", "content": request}]);
        let openai_form = json!({"type": "json_schema", "json_schema": {"name": "scene", "strict": true, "schema": scene_schema()}});
        let python_form = json!({"type": "json_object", "schema": scene_schema()});
        let mut last = None;
        for format in [openai_form, python_form] {
            let body = json!({"model": self.model, "messages": messages, "temperature": 0.2, "seed": seed, "response_format": format});
            match self.post(&body)? {
                Reply::Refused(reason) => last = Some(reason),
                Reply::Content(text) => {
                    return parse_scene(text.as_bytes(), "remote model reply").map_err(|e| GenerateError::Invalid(e.to_string()));
                }
            }
        }
        Err(self.err(format!("refused both response formats: {}", last.unwrap_or_default())))
    }

    fn post(&self, body: &Value) -> Result<Reply, GenerateError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let mut req = agent.post(&self.endpoint()).header("Content-Type", "application/json");
        if let Some(key) = &self.api_key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        let mut resp = req.send_json(body).map_err(|e| self.err(match e {
            ureq::Error::Timeout(_) => format!("no answer within {:.0} s", self.timeout.as_secs_f64()),
            other => format!("request failed: {other}"),
        }))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().with_config().limit(16 << 20).read_to_string().map_err(|e| self.err(format!("reading the reply: {e}")))?;
        // Some servers answer a response format they do not know with a 500 rather than a 4xx
        // (llama-cpp-python does): any error status lets the other format be tried.
        if status != 200 {
            return Ok(Reply::Refused(format!("HTTP {status}: {}", first_line(&text))));
        }
        let v: Value = serde_json::from_str(&text).map_err(|e| self.err(format!("the reply is not JSON ({e}): {}", first_line(&text))))?;
        let content = v["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| self.err("the reply has no choices[0].message.content"))?;
        Ok(Reply::Content(content.to_string()))
    }
}

enum Reply {
    Refused(String),
    Content(String),
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").chars().take(200).collect()
}
