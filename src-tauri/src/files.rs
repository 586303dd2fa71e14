//! Files the organizer picks: native open/save dialogs, run from Rust so the webview needs no
//! dialog or file-system permission, and writes that never leave a half-written file behind.
//!
//! Automated tests cannot reach a native dialog through WebDriver, so
//! `GUILDHALL_DIALOG_OPEN_PATH` and `GUILDHALL_DIALOG_SAVE_PATH`, when set, are used instead of
//! showing the open and save dialogs, in debug builds only (`make test` builds those): in a
//! release build nothing in the environment can answer a dialog for the organizer.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::error::CommandError;

pub const OPEN_PATH_ENV: &str = "GUILDHALL_DIALOG_OPEN_PATH";
pub const SAVE_PATH_ENV: &str = "GUILDHALL_DIALOG_SAVE_PATH";

fn from_env(var: &str) -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where files come from and go to. The app shows native dialogs; the mock-runtime tests use
/// [`NoDialogs`]. Either way the environment variables above take precedence.
pub trait FilePicker: Send + Sync {
    /// Asks for a file to open; `None` when the organizer cancels.
    fn open(&self, title: &str, filters: &[(&str, &[&str])]) -> Option<PathBuf>;
    /// Asks where to save; `None` when the organizer cancels.
    fn save(&self, title: &str, file_name: &str) -> Option<PathBuf>;
}

pub fn pick_file(
    picker: &dyn FilePicker,
    title: &str,
    filters: &[(&str, &[&str])],
) -> Option<PathBuf> {
    from_env(OPEN_PATH_ENV).or_else(|| picker.open(title, filters))
}

/// Files the organizer picked in an open dialog during this run: the only files an import
/// command reads (the webview names a file, it does not get to read any file it likes).
#[derive(Debug, Default)]
pub struct ChosenFiles(Mutex<HashSet<PathBuf>>);

impl ChosenFiles {
    pub fn remember(&self, path: &Path) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf());
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(path)
    }
}

/// Asks which file to import (see [`pick_file`]) and remembers it in `chosen`, so that
/// [`read_chosen`] reads it; `None` when the organizer cancels.
pub fn choose_file(
    picker: &dyn FilePicker,
    chosen: &ChosenFiles,
    title: &str,
    filters: &[(&str, &[&str])],
) -> Option<String> {
    let path = pick_file(picker, title, filters)?;
    chosen.remember(&path);
    Some(path.display().to_string())
}

pub fn pick_save_path(picker: &dyn FilePicker, title: &str, file_name: &str) -> Option<PathBuf> {
    from_env(SAVE_PATH_ENV).or_else(|| picker.save(title, file_name))
}

/// The native open/save dialogs (GTK on Linux).
pub struct NativeDialogs<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> FilePicker for NativeDialogs<R> {
    fn open(&self, title: &str, filters: &[(&str, &[&str])]) -> Option<PathBuf> {
        let mut dialog = self.0.dialog().file().set_title(title);
        for (name, extensions) in filters {
            dialog = dialog.add_filter(*name, extensions);
        }
        dialog.blocking_pick_file()?.into_path().ok()
    }

    fn save(&self, title: &str, file_name: &str) -> Option<PathBuf> {
        self.0
            .dialog()
            .file()
            .set_title(title)
            .set_file_name(file_name)
            .blocking_save_file()?
            .into_path()
            .ok()
    }
}

/// No dialog at all: only the environment variables answer (tests, headless runs).
pub struct NoDialogs;

impl FilePicker for NoDialogs {
    fn open(&self, _title: &str, _filters: &[(&str, &[&str])]) -> Option<PathBuf> {
        None
    }
    fn save(&self, _title: &str, _file_name: &str) -> Option<PathBuf> {
        None
    }
}

/// The largest file an import reads (a 100k-member CSV is about 10 MB).
const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

/// The bytes of a file the organizer picked in an open dialog during this run, or an error:
/// `validation` on `path` for a file that was not picked (the webview only names files), and
/// `invalidFile` naming it when it cannot be read or is too big.
pub fn read_chosen(chosen: &ChosenFiles, path: &str) -> Result<Vec<u8>, CommandError> {
    let file = Path::new(path);
    if !chosen.contains(file) {
        return Err(CommandError::Validation {
            field: "path".into(),
            message: "Choose the file to import again.".into(),
        });
    }
    let unreadable = |e: std::io::Error| CommandError::InvalidFile {
        message: format!("Could not read {path}: {e}."),
        line: None,
    };
    let size = std::fs::metadata(file).map_err(unreadable)?.len();
    if size > MAX_IMPORT_BYTES {
        return Err(CommandError::InvalidFile {
            message: format!(
                "{path} is {} MB; Guildhall imports files up to {} MB.",
                size / 1_000_000,
                MAX_IMPORT_BYTES / 1_000_000
            ),
            line: None,
        });
    }
    std::fs::read(file).map_err(unreadable)
}
