//! The scenario library: a folder of scene files (`NAME.json`, the format of `scenes/`).
//!
//! Nothing is cached: every request reads the folder, so a file edited by hand is seen at
//! once. Every write is validated first and then atomic (a temporary file renamed over the
//! old one), so a server killed at any instant leaves each file old or new, never torn; the
//! temporary file it was writing is swept when a server opens the library again.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::files::{sweep_temporaries, write_atomically};
use crate::scene::{Problem, Scene, SceneError, parse_scene, save_scene};

/// Longest scene name, in bytes.
pub const MAX_NAME_BYTES: usize = 100;

/// A temporary file younger than this may belong to a writer that has not locked it yet (a
/// second server on the same folder): it is judged once it is older.
const TEMP_GRACE: Duration = Duration::from_secs(2);

pub struct Library {
    dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("scene name {name:?}: {why}")]
    BadName { name: String, why: &'static str },
    #[error("no scene named {0:?} in the library")]
    NotFound(String),
    #[error("{0}")]
    Scene(#[from] SceneError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// A scene of the library as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub name: String,
    /// The scene's title; `None` when the file does not validate.
    pub title: Option<String>,
    pub bytes: u64,
    /// Seconds since 1970 of the last change on disk.
    pub modified: f64,
    /// Empty when the file is a valid scene (hand-edited files may not be).
    pub problems: Vec<ProblemAt>,
}

/// A validation problem with the line of the scene's text it is at, when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemAt {
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// Whether a write made a new file or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Replaced,
}

/// Checks that `name` names a file inside the library and nothing else: no separators, no
/// `..`, no hidden or temporary files, no control characters.
pub fn check_name(name: &str) -> Result<(), LibraryError> {
    let bad = |why| Err(LibraryError::BadName { name: name.chars().take(MAX_NAME_BYTES).collect(), why });
    if name.is_empty() {
        return bad("a name is needed");
    }
    if name.len() > MAX_NAME_BYTES {
        return bad("names are at most 100 bytes");
    }
    if name.contains(['/', '\\']) {
        return bad("a name cannot contain a path separator");
    }
    if name.contains('\0') || name.chars().any(char::is_control) {
        return bad("a name cannot contain NUL or control characters");
    }
    if name.starts_with('.') {
        return bad("a name cannot start with '.' (no '..', no hidden files)");
    }
    if name.ends_with(".json") {
        return bad("give the name without \".json\"");
    }
    Ok(())
}

/// Validates scene text; each problem carries its line in `text`.
pub fn validate_text(text: &[u8], origin: &str) -> Result<Scene, Vec<ProblemAt>> {
    parse_scene(text, origin).map_err(|e| problems_at(&e, text))
}

/// The problems of a scene error, placed on the lines of `text`.
pub fn problems_at(error: &SceneError, text: &[u8]) -> Vec<ProblemAt> {
    match error {
        SceneError::Invalid { problems, .. } => {
            let lines = std::str::from_utf8(text).ok().and_then(crate::scene::locate::lines_by_path);
            problems.iter().map(|p: &Problem| located(p, lines.as_ref())).collect()
        }
        SceneError::Syntax { line, column, message, .. } => {
            vec![ProblemAt { path: "$".into(), message: format!("malformed JSON: {message}"), line: Some(*line), column: Some(*column) }]
        }
        other => vec![ProblemAt { path: "$".into(), message: other.to_string(), line: None, column: None }],
    }
}

fn located(problem: &Problem, lines: Option<&std::collections::HashMap<String, usize>>) -> ProblemAt {
    let line = lines.and_then(|l| crate::scene::locate::line_of(l, &problem.path));
    ProblemAt { path: problem.path.clone(), message: problem.message.clone(), line, column: None }
}

impl Library {
    /// The library in `dir`, created if missing. The temporary files of writers that died
    /// there (a server killed mid-write) are removed; those too recent to judge, a moment later.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        std::fs::create_dir_all(dir).map_err(Self::io(dir))?;
        let swept = sweep_temporaries(dir, TEMP_GRACE).map_err(Self::io(dir))?;
        if swept.removed > 0 {
            tracing::info!("{}: removed {} temporary file(s) left by an interrupted write", dir.display(), swept.removed);
        }
        if swept.young > 0 {
            let later = dir.to_path_buf();
            std::thread::spawn(move || {
                std::thread::sleep(TEMP_GRACE);
                if let Err(e) = sweep_temporaries(&later, TEMP_GRACE) {
                    tracing::warn!("{}: temporary files not swept: {e}", later.display());
                }
            });
        }
        Ok(Library { dir: dir.to_path_buf() })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a name is kept in (the name is checked first).
    pub fn path_of(&self, name: &str) -> Result<PathBuf, LibraryError> {
        check_name(name)?;
        Ok(self.dir.join(format!("{name}.json")))
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LibraryError + '_ {
        move |source| LibraryError::Io { path: path.display().to_string(), source }
    }

    /// Every scene file, sorted by name, each validated as it is on disk now.
    pub fn list(&self) -> Result<Vec<Entry>, LibraryError> {
        let mut entries = Vec::new();
        for item in std::fs::read_dir(&self.dir).map_err(Self::io(&self.dir))? {
            let item = item.map_err(Self::io(&self.dir))?;
            let path = item.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".json")) else { continue };
            if check_name(name).is_err() || !path.is_file() {
                continue;
            }
            // A file removed between the listing and this read is simply not listed.
            let Ok(text) = std::fs::read(&path) else { continue };
            let meta = item.metadata().map_err(Self::io(&path))?;
            let modified =
                meta.modified().ok().and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()).map_or(0.0, |d| d.as_secs_f64());
            let (title, problems) = match validate_text(&text, &path.display().to_string()) {
                Ok(scene) => (Some(scene.title), Vec::new()),
                Err(problems) => (None, problems),
            };
            entries.push(Entry { name: name.to_string(), title, bytes: meta.len(), modified, problems });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    /// The file's text as it is on disk (valid or not: an author may be fixing it).
    pub fn read(&self, name: &str) -> Result<Vec<u8>, LibraryError> {
        let path = self.path_of(name)?;
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LibraryError::NotFound(name.into()),
            _ => LibraryError::Io { path: path.display().to_string(), source: e },
        })
    }

    /// The scene under `name`, validated.
    pub fn scene(&self, name: &str) -> Result<Scene, LibraryError> {
        let text = self.read(name)?;
        Ok(parse_scene(&text, &format!("{name}.json"))?)
    }

    /// Validates `text` and, only if it is a valid scene, writes it as `name` atomically
    /// (the author's text as sent, so their layout of it is kept).
    pub fn write(&self, name: &str, text: &[u8]) -> Result<Result<Written, Vec<ProblemAt>>, LibraryError> {
        let path = self.path_of(name)?;
        if let Err(problems) = validate_text(text, &format!("{name}.json")) {
            return Ok(Err(problems));
        }
        let existed = path.exists();
        write_atomically(&path, text).map_err(Self::io(&path))?;
        Ok(Ok(if existed { Written::Replaced } else { Written::Created }))
    }

    /// Writes a scene made here (a generated one, valid by construction) as pretty JSON.
    pub fn save(&self, name: &str, scene: &Scene) -> Result<Written, LibraryError> {
        let path = self.path_of(name)?;
        let existed = path.exists();
        save_scene(scene, &path)?;
        Ok(if existed { Written::Replaced } else { Written::Created })
    }

    pub fn delete(&self, name: &str) -> Result<(), LibraryError> {
        let path = self.path_of(name)?;
        std::fs::remove_file(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LibraryError::NotFound(name.into()),
            _ => LibraryError::Io { path: path.display().to_string(), source: e },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for name in ["", "..", "../etc/passwd", "/etc/passwd", "a/b", "a\\b", "a\0b", ".hidden", "x.json", "tab\there"] {
            assert!(check_name(name).is_err(), "{name:?} should be refused");
        }
        for name in ["pirates", "Jazz club 2", "la-lune_été", "v1.2"] {
            assert!(check_name(name).is_ok(), "{name:?} should be accepted");
        }
        assert!(check_name(&"x".repeat(101)).is_err());
    }

    #[test]
    fn an_invalid_scene_is_not_written_and_a_valid_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::open(dir.path()).unwrap();
        let bad = b"{\n  \"format\": \"sayscape.scene/1\",\n  \"title\": \"x\",\n  \"setting\": {\"terrain\": \"lava\"}\n}\n";
        let problems = library.write("bad", bad).unwrap().unwrap_err();
        assert!(problems.iter().any(|p| p.path == "$.setting.terrain" && p.line == Some(4)), "{problems:?}");
        assert!(!dir.path().join("bad.json").exists());
        let good = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes/pirate_seven_seas.json")).unwrap();
        assert_eq!(library.write("good", &good).unwrap(), Ok(Written::Created));
        assert_eq!(library.write("good", &good).unwrap(), Ok(Written::Replaced));
        assert_eq!(library.list().unwrap().len(), 1);
        library.delete("good").unwrap();
        assert!(matches!(library.delete("good"), Err(LibraryError::NotFound(_))));
    }
}
