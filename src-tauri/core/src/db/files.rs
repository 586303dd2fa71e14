//! The database's files: its name, the files SQLite keeps beside it, the copies kept before
//! upgrades, all of them their owner's only (see [`crate::files`]).

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{CoreError, Result};
use crate::files::{make_private, open_private_append};

/// The database's file name inside the data folder.
pub const DB_FILE_NAME: &str = "guildhall.sqlite3";

fn io_error(path: &Path, source: std::io::Error) -> CoreError {
    CoreError::Io {
        context: format!("could not keep {} private", path.display()),
        source,
    }
}

/// The database file and the files SQLite keeps beside it.
fn with_companions(path: &Path) -> [PathBuf; 3] {
    let beside = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_owned(), beside("-wal"), beside("-shm")]
}

/// Before SQLite opens `path`: the file exists and is private, and so are its -wal and -shm if
/// there are any (SQLite gives the ones it creates the database file's permissions).
pub(super) fn prepare(path: &Path) -> Result<()> {
    open_private_append(path).map_err(|e| io_error(path, e))?;
    for file in with_companions(path) {
        make_private(&file).map_err(|e| io_error(&file, e))?;
    }
    Ok(())
}

const COPY_MARK: &str = ".before-upgrade-from-v";

/// A private copy of the whole database (as of now, consistent) beside it, before an upgrade
/// from `version`; returns where it is.
pub(super) fn copy_before_upgrade(conn: &Connection, path: &Path, version: i64) -> Result<PathBuf> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!("{COPY_MARK}{version}"));
    let copy = PathBuf::from(name);
    // A copy left by an upgrade that failed is of the same version: make it afresh.
    match std::fs::remove_file(&copy) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_error(&copy, e)),
        _ => {}
    }
    drop(open_private_append(&copy).map_err(|e| io_error(&copy, e))?);
    let target = copy.to_str().ok_or_else(|| CoreError::Io {
        context: format!("could not copy the database to {}", copy.display()),
        source: std::io::Error::other("the folder's name is not valid Unicode"),
    })?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(copy)
}

/// The copies made before upgrades beside `path`, newest first: what a damaged database can
/// be restored from.
pub(super) fn copies_beside(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(file)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let prefix = format!("{}{COPY_MARK}", file.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return Vec::new();
    };
    let mut copies: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    copies.sort_by_key(|c| std::cmp::Reverse(c.0));
    copies.into_iter().map(|(_, p)| p).collect()
}
