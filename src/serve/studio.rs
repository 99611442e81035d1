//! The scenario studio: one page and its scripts and style, embedded in the binary (no build
//! step, no files to install). It uses only the browser and the `/v1` API.
//! `SAYSCAPE_STUDIO_DIR` serves the files from that folder instead, to work on the page
//! without rebuilding.
//!
//! The live 3D view draws with three.js, installed from npm at set-up
//! (`SAYSCAPE_HOME/node/node_modules/three`, or `SAYSCAPE_THREE_DIR`) and served from here at
//! `/vendor/three/`: the page needs no other host and works offline.

use std::path::{Path, PathBuf};

use axum::extract::Path as UrlPath;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("../../assets/studio/index.html");
const SCRIPT: &str = include_str!("../../assets/studio/studio.js");
const WORLD_SCRIPT: &str = include_str!("../../assets/studio/world.js");
const STYLE: &str = include_str!("../../assets/studio/studio.css");

/// The three.js version the set-up installs (scripts/setup.sh).
pub const THREE_VERSION: &str = "0.187.0";

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

pub async fn world_script() -> Response {
    file("world.js", WORLD_SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    file("studio.css", STYLE, "text/css; charset=utf-8")
}

/// The folder of the three.js package.
fn three_dir() -> PathBuf {
    match std::env::var_os("SAYSCAPE_THREE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => crate::files::sayscape_home().join("node/node_modules/three"),
    }
}

/// Where a path under `/vendor/three/` lies in the package: `addons/…` in `examples/jsm/`,
/// the rest in `build/`. Only plain names of JavaScript files: nothing outside the package.
pub fn vendor_file(package: &Path, path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    let plain = |p: &&str| !p.is_empty() && !p.starts_with('.') && p.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !parts.iter().all(plain) || !path.ends_with(".js") {
        return None;
    }
    Some(match parts.split_first() {
        Some((&"addons", rest)) if !rest.is_empty() => rest.iter().fold(package.join("examples/jsm"), |p, part| p.join(part)),
        _ => parts.iter().fold(package.join("build"), |p, part| p.join(part)),
    })
}

/// A file of three.js, or an answer that says how to install it.
pub async fn vendor(UrlPath(path): UrlPath<String>) -> Response {
    let package = three_dir();
    let Some(file) = vendor_file(&package, &path) else {
        return (StatusCode::NOT_FOUND, format!("/vendor/three/{path}: not a file of three.js")).into_response();
    };
    // A small file; read off the async workers all the same.
    let read = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || std::fs::read(file)).await
    };
    match read.unwrap_or_else(|e| Err(std::io::Error::other(e))) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], bytes).into_response(),
        Err(e) if !package.join("package.json").exists() => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "three.js is not installed ({}: {e}): the studio's 3D view needs it. Run scripts/setup.sh, or `npm install --prefix {} three@{THREE_VERSION}`, or point SAYSCAPE_THREE_DIR at a three package.",
                package.display(),
                package.parent().and_then(Path::parent).unwrap_or(&package).display()
            ),
        )
            .into_response(),
        Err(e) => (StatusCode::NOT_FOUND, format!("/vendor/three/{path}: {}: {e}", file.display())).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_paths_stay_inside_the_package() {
        let p = Path::new("/pkg");
        assert_eq!(vendor_file(p, "three.module.js").unwrap(), Path::new("/pkg/build/three.module.js"));
        assert_eq!(vendor_file(p, "addons/controls/OrbitControls.js").unwrap(), Path::new("/pkg/examples/jsm/controls/OrbitControls.js"));
        for bad in ["../package.json", "addons/../../x.js", "build/.hidden.js", "three.module.ts", "", "a//b.js", "a\\b.js"] {
            assert!(vendor_file(p, bad).is_none(), "{bad}");
        }
    }
}
