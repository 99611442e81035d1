//! The data compiled into the binary by `build.rs`: the scenario library, the catalog files,
//! the place kits and the real-model manifest, each as (file stem, JSON text), sorted by name.
//!
//! Authors editing that data can run a built binary on their working copy instead, without a
//! rebuild: `SAYSCAPE_ASSETS=DIR` reads `DIR/catalog/*.json` and `DIR/places/*.json` from disk
//! (DIR is a checkout's `assets/`).

include!(concat!(env!("OUT_DIR"), "/embedded_data.rs"));

/// The files of one data folder (`catalog`, `places` or `models`): from `SAYSCAPE_ASSETS` when it is
/// set, else the copy compiled in. A folder that cannot be read is an error naming it.
pub fn data_files(folder: &str, compiled: &'static [(&'static str, &'static str)]) -> Vec<(String, String)> {
    let Some(root) = std::env::var_os("SAYSCAPE_ASSETS") else {
        return compiled.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    };
    let dir = std::path::Path::new(&root).join(folder);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("SAYSCAPE_ASSETS: cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("SAYSCAPE_ASSETS: cannot read {}: {e}", p.display()));
            (p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), text)
        })
        .collect();
    files.sort();
    files
}
