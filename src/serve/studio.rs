//! The scenario studio: one page and its script and style, embedded in the binary (no build
//! step, no files to install). It uses only the browser and the `/v1` API.
//! `SAYSCAPE_STUDIO_DIR` serves the files from that folder instead, to work on the page
//! without rebuilding.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("../../assets/studio/index.html");
const SCRIPT: &str = include_str!("../../assets/studio/studio.js");
const STYLE: &str = include_str!("../../assets/studio/studio.css");

fn file(name: &str, embedded: &'static str, kind: &'static str) -> Response {
    let text = match std::env::var_os("SAYSCAPE_STUDIO_DIR") {
        Some(dir) => std::fs::read_to_string(std::path::Path::new(&dir).join(name)).unwrap_or_else(|e| format!("/* {name}: {e} */")),
        None => embedded.to_string(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], text).into_response()
}

pub async fn page() -> Response {
    file("index.html", PAGE, "text/html; charset=utf-8")
}

pub async fn script() -> Response {
    file("studio.js", SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    file("studio.css", STYLE, "text/css; charset=utf-8")
}
