//! Compiles the data the binary carries into it: the scenario library (`scenes/*.json`), the
//! catalog of kinds (`assets/catalog/*.json`), the place kits (`assets/places/*.json`) and the
//! manifest of real models (`assets/models/manifest.json`). The on-device generator starts from
//! these, and a headset has no repository to read them from.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time: a build script binary is shared by every checkout that uses the same
    // target directory (CI clones), so a path baked in when it was compiled may be gone.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::new();
    embed(&mut code, &Path::new(&root).join("scenes"), "SCENE_LIBRARY", "every scene in scenes/");
    embed(&mut code, &Path::new(&root).join("assets/catalog"), "CATALOG_FILES", "every catalog file in assets/catalog/");
    embed(&mut code, &Path::new(&root).join("assets/places"), "PLACE_FILES", "every place-kit file in assets/places/");
    embed(&mut code, &Path::new(&root).join("assets/models"), "MODEL_FILES", "the real-model manifest in assets/models/");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_data.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// Writes `pub const NAME: &[(&str, &str)]`: (file stem, JSON text) of each `.json` file in
/// `dir`, sorted by name, and asks cargo to rebuild when any of them changes.
fn embed(code: &mut String, dir: &Path, name: &str, what: &str) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => {
            entries.map(|e| e.expect("data folders list").path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect()
        }
        Err(_) => Vec::new(),
    };
    files.sort();
    writeln!(code, "/// (name, JSON) of {what}, sorted by name.\n#[allow(dead_code)]\npub const {name}: &[(&str, &str)] = &[").unwrap();
    for path in &files {
        println!("cargo::rerun-if-changed={}", path.display());
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("data file names are UTF-8");
        writeln!(code, "    ({stem:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    code.push_str("];\n");
}
