//! Calendar files: export workshops as .ics where the organizer chooses, and import .ics files
//! (a preview first, then one transaction).

use guildhall_core::calendar::export::{self, CalendarExport, CalendarScope};
use guildhall_core::calendar::import::{self, CalendarImportOptions, CalendarImportReport};
use guildhall_core::files::write_bytes_atomically;
use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
use crate::files::{choose_file, pick_save_path, read_chosen};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarExportResult {
    pub path: String,
    pub workshops: u32,
    pub events: u32,
}

/// Asks where to save the calendar of `scope` and writes it; `None` when cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_calendar(
    state: State<'_, AppState>,
    scope: CalendarScope,
) -> Result<Option<CalendarExportResult>, CommandError> {
    let core = state.core()?;
    // Build first, so a bad scope is reported before the save dialog opens.
    let (text, written) = core.snapshot(|c| export::calendar(c, &scope, &core.clock))?;
    let name = match &scope {
        CalendarScope::Workshop { .. } => "workshop.ics",
        _ => "guildhall-workshops.ics",
    };
    let Some(path) = pick_save_path(state.files(), "Export calendar", name) else {
        return Ok(None);
    };
    write_bytes_atomically(&path, text.as_bytes())?;
    let CalendarExport { workshops, events } = written;
    Ok(Some(CalendarExportResult {
        path: path.display().to_string(),
        workshops,
        events,
    }))
}

/// Asks which calendar file to import; `None` when the organizer cancels.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_calendar_file(state: State<'_, AppState>) -> Result<Option<String>, CommandError> {
    let filters: &[(&str, &[&str])] = &[
        (
            "Calendar files (.ics)",
            &["ics", "ical", "ifb", "icalendar"],
        ),
        ("All files", &["*"]),
    ];
    Ok(choose_file(
        state.files(),
        state.chosen(),
        "Import a calendar",
        filters,
    ))
}

#[tauri::command(async)]
#[specta::specta]
pub fn preview_calendar_import(
    state: State<'_, AppState>,
    path: String,
    options: CalendarImportOptions,
) -> Result<CalendarImportReport, CommandError> {
    let bytes = read_chosen(state.chosen(), &path)?;
    let core = state.core()?;
    Ok(import::preview(&core.db, &bytes, &core.clock, options)?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_calendar(
    state: State<'_, AppState>,
    path: String,
    options: CalendarImportOptions,
) -> Result<CalendarImportReport, CommandError> {
    let bytes = read_chosen(state.chosen(), &path)?;
    let core = state.core()?;
    // Read and checked before the write lock is taken; written in one short transaction.
    Ok(import::import_file(&core.db, &bytes, &core.clock, options)?)
}
