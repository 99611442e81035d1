//! Compiles the scenario library (`scenes/*.json`) into the binary: the on-device generator
//! starts from these templates, and a headset has no repository to read them from.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time: a build script binary is shared by every checkout that uses the same
    // target directory (CI clones), so a path baked in when it was compiled may be gone.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("scenes");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenes/ is part of the crate")
        .map(|e| e.expect("scenes/ lists").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut code =
        String::from("/// (name, JSON) of every scene in scenes/, sorted by name.\npub const SCENE_LIBRARY: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo::rerun-if-changed={}", path.display());
        let name = path.file_stem().and_then(|s| s.to_str()).expect("scene file names are UTF-8");
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("scene_library.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
