//! Exports: the full member backup and mailing lists, written where the organizer chooses.

use guildhall_core::members::{self, AudienceFilter, MailingListFormat};
use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
use guildhall_core::files::write_atomically;

use crate::files::pick_save_path;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub path: String,
    /// How many members were written.
    pub count: u32,
}

/// Asks where to save every member as CSV and writes them; `None` when cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_members(state: State<'_, AppState>) -> Result<Option<ExportResult>, CommandError> {
    let db = state.core()?;
    let Some(path) = pick_save_path(state.files(), "Export all members", "guildhall-members.csv")
    else {
        return Ok(None);
    };
    let count = write_atomically(&path, |out| db.read(|c| members::all_members_csv(c, out)))?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        count,
    }))
}

/// Asks where to save a mailing list and writes it; `None` when cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_mailing_list(
    state: State<'_, AppState>,
    filter: AudienceFilter,
    format: MailingListFormat,
) -> Result<Option<ExportResult>, CommandError> {
    let db = state.core()?;
    let name = format!("guildhall-mailing-list.{}", format.extension());
    let Some(path) = pick_save_path(state.files(), "Export a mailing list", &name) else {
        return Ok(None);
    };
    let count = write_atomically(&path, |out| {
        db.read(|c| members::mailing_list(c, &filter, format, out))
    })?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        count,
    }))
}
