//! Importing members from a file the organizer picks: preview first, then one transaction with
//! progress streamed over a channel and a cancel that rolls everything back.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use guildhall_core::members::import::{
    self, ImportFormat, ImportOptions, ImportPreview, ImportProgress, ImportReport,
};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::files::{choose_file, read_chosen};
use crate::state::AppState;

/// Asks which file to import; `None` when the organizer cancels.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_import_file(state: State<'_, AppState>) -> Result<Option<String>, CommandError> {
    let filters: &[(&str, &[&str])] = &[
        ("Member lists (CSV)", &["csv", "tsv", "txt"]),
        ("All files", &["*"]),
    ];
    Ok(choose_file(&state, "Import members", filters))
}

#[tauri::command(async)]
#[specta::specta]
pub fn preview_import(
    state: State<'_, AppState>,
    path: String,
    format: Option<ImportFormat>,
) -> Result<ImportPreview, CommandError> {
    let bytes = read_chosen(&state, &path)?;
    Ok(state.db()?.read(|c| import::preview(c, &bytes, format))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_members(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, CommandError> {
    let db = state.db()?;
    let bytes = read_chosen(&state, &path)?;
    let cancel = state.imports().start()?;
    let result = import::import(
        db,
        &bytes,
        &options,
        &mut |progress| {
            // A closed window cannot be told; the import goes on and its result still counts.
            let _ = on_progress.send(progress);
        },
        &cancel,
    );
    state.imports().finish();
    Ok(result?)
}

/// Stops the running import; it rolls back and answers `cancelled`.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) -> Result<(), CommandError> {
    state.imports().cancel();
    Ok(())
}

/// The one import that may run at a time, and the flag that cancels it.
#[derive(Default)]
pub struct RunningImport(std::sync::Mutex<Option<Arc<AtomicBool>>>);

impl RunningImport {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<AtomicBool>>> {
        // A panic while holding this lock leaves only a flag behind: keep using it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn start(&self) -> Result<Arc<AtomicBool>, CommandError> {
        let mut slot = self.slot();
        if slot.is_some() {
            return Err(CommandError::Internal {
                message: "Another import is still running; wait for it or cancel it.".into(),
            });
        }
        let flag = Arc::new(AtomicBool::new(false));
        *slot = Some(flag.clone());
        Ok(flag)
    }

    pub fn finish(&self) {
        *self.slot() = None;
    }

    pub fn cancel(&self) {
        if let Some(flag) = self.slot().as_ref() {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}
