//! Files: where sayscape keeps its models and caches, and writing files so that no reader ever
//! sees half of one: a temporary file beside the destination, flushed to disk, then renamed
//! over it (atomic on one filesystem). A process killed at any instant leaves the old file or
//! the new one, never a torn one.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    let mut tmp = tempfile::Builder::new().prefix(".sayscape-").suffix(".tmp").tempfile_in(dir)?;
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

    #[test]
    fn a_missing_folder_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/folder/scene.json");
        assert!(write_atomically(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
