//! A sayscape generation service elsewhere (`sayscape serve` on a PC on the LAN): the request
//! goes to `POST /v1/generate`, its progress comes back as server-sent events, and the scene in
//! the final `done` event is validated here like any scene file.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use serde_json::{Value, json};

use super::{GenerateError, check_request};
use crate::scene::{Scene, parse_scene};

#[derive(Clone)]
pub struct ServiceClient {
    /// The service's base URL, e.g. `http://192.168.1.20:7878`.
    pub url: String,
    /// Sent as `Authorization: Bearer …` (a service off loopback requires one).
    pub token: Option<String>,
    /// How long to wait for the whole scenario, queue included.
    pub timeout: Duration,
}

/// Never prints the token.
impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient").field("url", &self.url).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

/// How the link to the service failed.
#[derive(Debug, thiserror::Error)]
pub enum Unreachable {
    #[error(transparent)]
    Request(Box<ureq::Error>),
    #[error("the event stream broke")]
    Stream(#[source] std::io::Error),
    #[error("the event stream ended before the scene came")]
    Ended,
}

/// What the event stream ended with.
enum Outcome {
    Scene(String),
    Failed(String),
}

/// Why the service gave no scene. `Unreachable` and `Busy` mean "ask someone else" (the
/// on-device model); the others are about the request itself.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the service at {url} is not reachable")]
    Unreachable { url: String, source: Unreachable },
    #[error("the service at {url} is busy (HTTP 503): {message}")]
    Busy { url: String, message: String },
    #[error("the service at {url} refused the request (HTTP {status}): {message}")]
    Refused { url: String, status: u16, message: String },
    #[error("the service at {url} could not make the scene: {message}")]
    Failed { url: String, message: String },
    #[error(transparent)]
    Generate(#[from] GenerateError),
}

impl ServiceError {
    /// True when another generator may well succeed: the service is gone, busy or broken.
    pub fn is_service_down(&self) -> bool {
        match self {
            ServiceError::Unreachable { .. } | ServiceError::Busy { .. } => true,
            ServiceError::Refused { status, .. } => *status >= 500 || *status == 401 || *status == 403,
            ServiceError::Failed { .. } | ServiceError::Generate(_) => false,
        }
    }
}

/// One server-sent event: its name and its data lines joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// Reads server-sent events from `reader`, handing each to `on_event` until it returns false
/// or the stream ends.
pub fn read_events(reader: impl BufRead, on_event: &mut dyn FnMut(Event) -> bool) -> std::io::Result<()> {
    let (mut name, mut data) = (String::new(), Vec::<String>::new());
    for line in reader.lines() {
        let line = line?;
        if line.is_empty() {
            if !data.is_empty() || !name.is_empty() {
                let event =
                    Event { name: if name.is_empty() { "message".into() } else { std::mem::take(&mut name) }, data: data.join("\n") };
                data.clear();
                if !on_event(event) {
                    return Ok(());
                }
            }
        } else if let Some(value) = line.strip_prefix("event:") {
            name = value.trim_start().to_string();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
        }
        // Comments (":") and other fields (id, retry) carry nothing for us.
    }
    Ok(())
}

impl ServiceClient {
    fn unreachable(&self, source: Unreachable) -> ServiceError {
        ServiceError::Unreachable { url: self.url.clone(), source }
    }

    /// Request → valid scene, reporting each progress event's stage name and message.
    pub fn generate(&self, request: &str, seed: u32, on_progress: &mut dyn FnMut(&str, &str)) -> Result<Scene, ServiceError> {
        let request = check_request(request)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(Duration::from_secs(3)))
            .http_status_as_error(false)
            .build()
            .into();
        let endpoint = format!("{}/v1/generate", self.url.trim_end_matches('/'));
        let mut call = agent.post(&endpoint).header("Accept", "text/event-stream").header("Content-Type", "application/json");
        if let Some(token) = &self.token {
            call = call.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response =
            call.send_json(json!({"prompt": request, "seed": seed})).map_err(|e| self.unreachable(Unreachable::Request(Box::new(e))))?;
        let status = response.status().as_u16();
        if status != 200 {
            let text = response.body_mut().read_to_string().unwrap_or_default();
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_string))
                .unwrap_or_else(|| text.lines().next().unwrap_or("").to_string());
            return Err(if status == 503 {
                ServiceError::Busy { url: self.url.clone(), message }
            } else {
                ServiceError::Refused { url: self.url.clone(), status, message }
            });
        }
        let reader = BufReader::new(response.body_mut().as_reader());
        let mut outcome: Option<Outcome> = None;
        read_events(reader, &mut |event| match event.name.as_str() {
            "done" => {
                outcome = Some(Outcome::Scene(event.data));
                false
            }
            "error" => {
                let message = serde_json::from_str::<Value>(&event.data)
                    .ok()
                    .and_then(|v| v["message"].as_str().map(str::to_string))
                    .unwrap_or(event.data);
                outcome = Some(Outcome::Failed(message));
                false
            }
            stage => {
                let message = serde_json::from_str::<Value>(&event.data).ok().and_then(|v| v["message"].as_str().map(str::to_string));
                on_progress(stage, message.as_deref().unwrap_or(""));
                true
            }
        })
        .map_err(|e| self.unreachable(Unreachable::Stream(e)))?;
        match outcome {
            Some(Outcome::Scene(scene)) => Ok(parse_scene(scene.as_bytes(), "the service's scene").map_err(GenerateError::Invalid)?),
            Some(Outcome::Failed(message)) => Err(ServiceError::Failed { url: self.url.clone(), message }),
            None => Err(self.unreachable(Unreachable::Ended)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_named_events_with_multi_line_data_and_skips_comments() {
        let text = ": hello\nevent: queued\ndata: {\"position\": 1}\n\nevent: done\ndata: a\ndata: b\n\ndata: late\n\n";
        let mut seen = Vec::new();
        read_events(text.as_bytes(), &mut |e| {
            let go_on = e.name != "done";
            seen.push(e);
            go_on
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![Event { name: "queued".into(), data: "{\"position\": 1}".into() }, Event { name: "done".into(), data: "a\nb".into() }]
        );
    }
}
