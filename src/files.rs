//! Files: where sayscape keeps its models and caches, and writing files so that no reader ever
//! sees half of one: a temporary file beside the destination, flushed to disk, then renamed
//! over it (atomic on one filesystem). A process killed at any instant leaves the old file or
//! the new one, never a torn one. The temporary file of a process killed mid-write is left
//! behind; [`sweep_temporaries`] removes those that no writer holds any more.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How the temporary files of [`write_atomically`] are named: `.sayscape-XXXXXX.tmp`.
const TEMP_PREFIX: &str = ".sayscape-";
const TEMP_SUFFIX: &str = ".tmp";

/// Where sayscape keeps models and caches: `SAYSCAPE_HOME`, else `~/.cache/sayscape`.
pub fn sayscape_home() -> PathBuf {
    std::env::var_os("SAYSCAPE_HOME").map(PathBuf::from).unwrap_or_else(default_home)
}

/// On a Quest the app's external files folder (adb push the model there); elsewhere ~/.cache.
fn default_home() -> PathBuf {
    if cfg!(target_os = "android") {
        PathBuf::from("/sdcard/Android/data/org.sayscape.app/files")
    } else {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/sayscape")
    }
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX).tempfile_in(dir)?;
    // Held until the rename: a sweep by another process on the same folder leaves it alone.
    tmp.as_file().lock()?;
    // The temporary file is private (0600); the file it replaces keeps its own permissions,
    // and a new one gets the usual ones.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => new_file_permissions(),
    };
    if let Some(permissions) = permissions {
        tmp.as_file().set_permissions(permissions)?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when `PersistError` drops it.
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// What [`sweep_temporaries`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Temporary files no writer held: removed.
    pub removed: usize,
    /// Temporary files younger than the grace period, not judged yet (a writer may not have
    /// locked it yet): sweep again after the grace period.
    pub young: usize,
}

/// Removes the temporary files of [`write_atomically`] in `dir` that were left by a writer
/// that died (killed mid-write): only ours (the prefix and the suffix), only those older than
/// `grace`, and only those no live writer holds locked (a second process writing to the same
/// folder keeps its own).
pub fn sweep_temporaries(dir: &Path, grace: Duration) -> std::io::Result<Swept> {
    let mut swept = Swept::default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        // Gone meanwhile (another sweep, the writer's rename): nothing to do.
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let age = meta.modified().ok().and_then(|t| SystemTime::now().duration_since(t).ok()).unwrap_or_default();
        if age < grace {
            swept.young += 1;
            continue;
        }
        let Ok(file) = std::fs::File::open(entry.path()) else { continue };
        match file.try_lock() {
            Ok(()) => match std::fs::remove_file(entry.path()) {
                Ok(()) => swept.removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            },
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
    Ok(swept)
}

/// Read and write for the owner, read for everyone else, as a file written plainly would be.
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scene.json");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_others_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scene.json");
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&path, b"again").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    /// A temporary file `age` old, as a killed writer leaves it.
    fn left_behind(dir: &Path, name: &str, age: Duration) -> PathBuf {
        let path = dir.join(name);
        let file = std::fs::File::create(&path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
        path
    }

    #[test]
    fn a_sweep_removes_only_our_old_unlocked_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3600);
        let stale = left_behind(dir.path(), ".sayscape-abc123.tmp", hour);
        let young = left_behind(dir.path(), ".sayscape-young1.tmp", Duration::ZERO);
        let held = left_behind(dir.path(), ".sayscape-held12.tmp", hour);
        let theirs = left_behind(dir.path(), ".editor-abc123.tmp", hour);
        let scene = left_behind(dir.path(), "scene.json", hour);
        // A live writer (another process on the same folder) holds its file locked.
        let writer = std::fs::OpenOptions::new().write(true).open(&held).unwrap();
        writer.lock().unwrap();
        let swept = sweep_temporaries(dir.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(swept, Swept { removed: 1, young: 1 });
        assert!(!stale.exists());
        assert!(young.exists() && held.exists() && theirs.exists() && scene.exists());
        // Once the writer is gone its file is swept too; a grace of zero judges the young one.
        drop(writer);
        assert_eq!(sweep_temporaries(dir.path(), Duration::ZERO).unwrap(), Swept { removed: 2, young: 0 });
        assert!(!young.exists() && !held.exists() && theirs.exists() && scene.exists());
    }

    #[test]
    fn a_missing_folder_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/folder/scene.json");
        assert!(write_atomically(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
