//! Writing the files an organizer asked for (exports, calendars) so that a crash, a full disk or
//! an error halfway never leaves a torn file: the content goes to a temporary file beside the
//! target, which is renamed into place only when complete.
//!
//! And keeping Guildhall's own files private: the data folder is readable by its owner only
//! (0700), and the database, its -wal and -shm, the logs and the copies made before upgrades
//! too (0600), whether Guildhall created them or finds them with looser permissions. Elsewhere
//! than on Unix the folder under the user's profile is private already, and these do nothing.

use std::io::Write;
use std::path::Path;

use crate::error::{CoreError, Result};

/// Creates `dir` (and its parents) if needed and makes it the owner's only.
pub fn private_dir_all(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Makes the file at `path`, if there is one, readable and writable by its owner only.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    match set_mode(path, 0o600) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Opens `path` for appending, creating it (owner only) if needed, and makes it private.
pub fn open_private_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    make_private(path)?;
    Ok(file)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(path: &Path, _mode: u32) -> std::io::Result<()> {
    std::fs::metadata(path).map(|_| ())
}

pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let io_error = |source: std::io::Error| CoreError::FileWrite {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io_error)?;
    let value = {
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        // An I/O error of the writer is an error writing this file (a full disk), whatever
        // words the writer gave it.
        let value = write(&mut out).map_err(|e| match e {
            CoreError::Io { source, .. } => io_error(source),
            other => other,
        })?;
        out.flush().map_err(io_error)?;
        value
    };
    temp.as_file().sync_all().map_err(io_error)?;
    temp.persist(path).map_err(|e| io_error(e.error))?;
    Ok(value)
}

/// Writes `bytes` to `path` all at once or not at all.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |out| {
        out.write_all(bytes).map_err(|source| CoreError::FileWrite {
            path: path.to_owned(),
            source,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomically(&path, |out| {
            out.write_all(b"half of the new")
                .map_err(|source| CoreError::Io {
                    context: "test".into(),
                    source,
                })?;
            Err::<(), _>(CoreError::Cancelled)
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        write_atomically(&path, |out| {
            out.write_all(b"new").map_err(|source| CoreError::Io {
                context: "test".into(),
                source,
            })
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_a_file_write_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("out.ics");
        let err = write_bytes_atomically(&path, b"x").unwrap_err();
        assert!(
            matches!(&err, CoreError::FileWrite { path: p, .. } if p == &path),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("Could not write "), "{err}");
    }
}
