//! Importing members from a file the organizer picks: preview first, then one transaction on
//! the import service with progress streamed over a channel and a cancel that rolls
//! everything back.

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
    Ok(choose_file(
        state.files(),
        state.chosen(),
        "Import members",
        filters,
    ))
}

#[tauri::command(async)]
#[specta::specta]
pub fn preview_import(
    state: State<'_, AppState>,
    path: String,
    format: Option<ImportFormat>,
    encoding: Option<String>,
) -> Result<ImportPreview, CommandError> {
    let bytes = read_chosen(state.chosen(), &path)?;
    Ok(state
        .core()?
        .read(|c| import::preview_in(c, &bytes, format, encoding.as_deref()))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_members(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, CommandError> {
    let bytes = read_chosen(state.chosen(), &path)?;
    let report = state.services()?.imports().run(bytes, options, move |p| {
        // A closed window cannot be told; the import goes on and its result still counts.
        let _ = on_progress.send(p);
    })?;
    Ok(report)
}

/// Stops the running import; it rolls back and answers `cancelled`.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) -> Result<(), CommandError> {
    state.services()?.imports().cancel();
    Ok(())
}
