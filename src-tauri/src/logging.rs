//! The app's log: structured events (`tracing`) written as lines to `logs/guildhall.log` in the
//! data folder, rotated by size so it never grows without bound. What is logged names members
//! only by id: never a name, an email, a typed value or a message that may quote one (see
//! `error.rs`, which logs error kinds, not their messages).
//!
//! `GUILDHALL_LOG` sets the level (`error`, `warn`, `info` (the default), `debug`, `trace`).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::filter::LevelFilter;

/// The log's file name inside `<data folder>/logs/`; older ones are `guildhall.log.1` … `.3`.
pub const LOG_FILE: &str = "guildhall.log";
/// A log file is rotated once it is this big.
const MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated files kept beside the current one.
const KEEP: usize = 3;

pub const LEVEL_ENV: &str = "GUILDHALL_LOG";

/// A log file that moves itself aside (`.1`, the older ones up to `.KEEP`) once it has reached
/// `max` bytes, dropping the oldest. It only moves at the start of a line, so a line is never
/// split between two files (a file may pass `max` by the rest of one line).
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    written: u64,
    at_line_start: bool,
    max: u64,
    keep: usize,
}

impl RotatingFile {
    pub fn open(path: &Path, max: u64, keep: usize) -> io::Result<Self> {
        let file = guildhall_core::files::open_private_append(path)?;
        let written = file.metadata()?.len();
        Ok(RotatingFile {
            path: path.to_owned(),
            file,
            written,
            at_line_start: true,
            max,
            keep,
        })
    }

    fn rotated(&self, n: usize) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let _ = std::fs::remove_file(self.rotated(self.keep));
        for n in (1..self.keep).rev() {
            let from = self.rotated(n);
            if from.exists() {
                std::fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        std::fs::rename(&self.path, self.rotated(1))?;
        self.file = guildhall_core::files::open_private_append(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.at_line_start && self.written >= self.max {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if n > 0 {
            self.at_line_start = buf[n - 1] == b'\n';
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn level_from_env() -> LevelFilter {
    std::env::var(LEVEL_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(LevelFilter::INFO)
}

/// Starts logging to `<data_dir>/logs/guildhall.log` for the whole process and returns the
/// file's path; `None` (and nothing logged) when the folder cannot be written.
pub fn init(data_dir: &Path) -> Option<PathBuf> {
    let folder = data_dir.join("logs");
    let path = folder.join(LOG_FILE);
    let file = guildhall_core::files::private_dir_all(&folder)
        .and_then(|()| RotatingFile::open(&path, MAX_BYTES, KEEP))
        .ok()?;
    let subscriber = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_target(false)
        .with_thread_names(true)
        .with_max_level(level_from_env())
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_by_size_and_keeps_only_the_newest_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        let mut log = RotatingFile::open(&path, 100, 2).unwrap();
        for i in 0..10 {
            // 60 bytes a line, written in two pieces: a file takes two lines (120 bytes) and
            // moves aside before the third.
            writeln!(log, "{i:059}").unwrap();
        }
        log.flush().unwrap();
        let names: Vec<String> = {
            let mut n: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            n.sort();
            n
        };
        assert_eq!(
            names,
            ["guildhall.log", "guildhall.log.1", "guildhall.log.2"]
        );
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        let lines = |a: u32, b: u32| format!("{a:059}\n{b:059}\n");
        assert_eq!(read("guildhall.log"), lines(8, 9));
        assert_eq!(read("guildhall.log.1"), lines(6, 7));
        assert_eq!(read("guildhall.log.2"), lines(4, 5));
        // Every log file is the owner's only.
        use std::os::unix::fs::PermissionsExt;
        for name in &names {
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }
}
