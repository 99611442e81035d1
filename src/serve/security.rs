//! Who may use the service: loopback by default; any other address only with a token, which
//! every API request then carries (`Authorization: Bearer …`, compared in constant time).
//! Cross-origin browser access (CORS) is off unless an origin is named.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api::error_response;

/// Shortest token accepted: a guessable token is no protection on a LAN.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Why the service refuses to start with these settings.
#[derive(Debug, thiserror::Error)]
pub enum StartRefused {
    #[error(
        "--addr {0}: listening beyond this machine needs --token TOKEN (or SAYSCAPE_TOKEN): anyone on the network could otherwise use the service"
    )]
    OpenWithoutToken(SocketAddr),
    #[error("--token: use at least {MIN_TOKEN_CHARS} characters (e.g. the output of `openssl rand -hex 16`)")]
    ShortToken,
    #[error("--token: no spaces or control characters")]
    BadTokenCharacters,
    #[error("--cors {origin:?}: not a valid origin")]
    BadOrigin { origin: String, source: axum::http::header::InvalidHeaderValue },
}

/// Whether the service may start with this address and token.
pub fn check_start(addr: &SocketAddr, token: Option<&str>) -> Result<(), StartRefused> {
    match token {
        None if !addr.ip().is_loopback() => Err(StartRefused::OpenWithoutToken(*addr)),
        Some(t) if t.chars().count() < MIN_TOKEN_CHARS => Err(StartRefused::ShortToken),
        Some(t) if t.chars().any(|c| c.is_whitespace() || c.is_control()) => Err(StartRefused::BadTokenCharacters),
        _ => Ok(()),
    }
}

/// Equal bytes, in a time that depends only on the lengths (no early exit on a mismatch).
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = (given.len() != expected.len()) as u8;
    for (i, e) in expected.iter().enumerate() {
        difference |= e ^ given.get(i).copied().unwrap_or(!e);
    }
    std::hint::black_box(difference) == 0
}

/// Paths anyone may read: the studio's own files and the library it loads (they hold no data;
/// the page asks for the token) and the health check.
fn is_public(path: &str) -> bool {
    matches!(path, "/" | "/healthz" | "/studio.js" | "/studio.css" | "/world.js") || path.starts_with("/vendor/")
}

/// Refuses API requests without the token (when one is set).
pub async fn require_token(State(token): State<Option<String>>, request: Request, next: Next) -> Response {
    let Some(token) = token else { return next.run(request).await };
    if is_public(request.uri().path()) || request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(given) if same_secret(given.trim().as_bytes(), token.as_bytes()) => next.run(request).await,
        Some(_) => unauthorised("the token is wrong"),
        None => unauthorised("this service needs a token: send the header \"Authorization: Bearer TOKEN\""),
    }
}

fn unauthorised(message: &str) -> Response {
    let mut response = error_response(StatusCode::UNAUTHORIZED, message);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"sayscape\""));
    response
}

/// Lets pages from one named origin call the API (and answers their preflight requests).
pub async fn allow_origin(State(origin): State<Option<HeaderValue>>, request: Request, next: Next) -> Response {
    let Some(origin) = origin else { return next.run(request).await };
    let mut response = if request.method() == Method::OPTIONS { StatusCode::NO_CONTENT.into_response() } else { next.run(request).await };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, PUT, POST, DELETE, OPTIONS"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Authorization, Content-Type, Accept"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same_secret(b"0123456789abcdef", b"0123456789abcdef"));
        assert!(!same_secret(b"0123456789abcdeX", b"0123456789abcdef"));
        assert!(!same_secret(b"0123456789abcde", b"0123456789abcdef"));
        assert!(!same_secret(b"0123456789abcdef0", b"0123456789abcdef"));
        assert!(!same_secret(b"", b"0123456789abcdef"));
    }

    #[test]
    fn an_open_address_needs_a_long_token() {
        let lan: SocketAddr = "0.0.0.0:7878".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:7878".parse().unwrap();
        assert!(check_start(&local, None).is_ok());
        assert!(check_start(&lan, None).unwrap_err().to_string().contains("--token"));
        assert!(check_start(&lan, Some("short")).is_err());
        assert!(check_start(&lan, Some("0123456789abcdef")).is_ok());
    }
}
