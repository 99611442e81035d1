//! A laid-out world as one binary glTF 2.0 file (`sayscape export`), for the tools authors
//! work in besides sayscape: Blender, game engines, WebXR pages, a browser.
//!
//! The exporter writes what the world draws, built by the world's own CPU builders (models,
//! ground, water, room) or copied from the model files set-up converted: [`graph`] lays out the
//! nodes (a node per entity named by its id, a node per instance sharing its model's mesh, the
//! spawn as a camera, the lights), [`materials`] matches the world's materials, [`source`] says
//! where an instance's mesh comes from (the world's own choice), [`real`] copies a model file,
//! [`people`] writes rigged people as skins and their clips as an animation, and [`glb`]
//! writes the file. It never runs Bevy: only its maths and the world's geometry.

pub mod glb;
pub mod graph;
pub mod materials;
pub mod people;
pub mod real;
pub mod source;

use std::path::{Path, PathBuf};

use crate::pipeline::World;

pub use glb::Counts;
pub use graph::WORLD_FORMAT;

/// An exported world: the GLB file's bytes and what it holds.
pub struct Exported {
    pub glb: Vec<u8>,
    pub counts: Counts,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: cannot write the glTF file: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}: the glTF file is {bytes} bytes, over glTF's 4 GiB limit")]
    TooLarge { path: PathBuf, bytes: usize },
}

/// The world laid out from a scene (through its history), as a GLB file.
pub fn export(world: &World) -> Exported {
    let (doc, roots) = graph::build(world);
    let counts = doc.counts();
    let glb = doc.finish(roots, &world.layout.title, graph::scene_extras(world));
    Exported { glb, counts }
}

/// Exports a world to `path`, written atomically (a reader never sees half a file).
pub fn write(world: &World, path: &Path) -> Result<Exported, ExportError> {
    let exported = export(world);
    if exported.glb.len() > u32::MAX as usize {
        return Err(ExportError::TooLarge { path: path.to_path_buf(), bytes: exported.glb.len() });
    }
    crate::files::write_atomically(path, &exported.glb).map_err(|source| ExportError::Write { path: path.to_path_buf(), source })?;
    Ok(exported)
}
