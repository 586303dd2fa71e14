//! What the UI needs to know about the app itself: version, where the data lives, and whether
//! the database opened.

use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    /// The log file (for a bug report), when the data folder could be written.
    pub log_path: Option<String>,
    /// Set when the database could not be opened; the UI shows it instead of the app.
    pub startup_error: Option<CommandError>,
    /// What opening the database upgraded or changed (a copy kept, duplicates cleared), for
    /// the organizer to read once; empty when the file was current.
    pub upgrade_notes: Vec<String>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir().display().to_string(),
        database_path: state
            .data_dir()
            .join(guildhall_core::db::DB_FILE_NAME)
            .display()
            .to_string(),
        log_path: state.log_file().map(|p| p.display().to_string()),
        startup_error: state.startup_error(),
        upgrade_notes: state
            .core()
            .map(|core| core.db.upgrade_notes().to_vec())
            .unwrap_or_default(),
    })
}

/// Opens a link from a workshop description in the system's browser or mail client. Only
/// `https:`, `http:` and `mailto:` links open; the webview itself never navigates away.
#[tauri::command(async)]
#[specta::specta]
pub fn open_link(url: String) -> Result<(), CommandError> {
    let url = guildhall_core::text::openable_link(&url)?;
    tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| CommandError::Internal {
        message: format!("Could not open {url}: {e}"),
    })
}

/// Quits Guildhall (Ctrl+Q), as closing its window does: the services stop first.
#[tauri::command(async)]
#[specta::specta]
pub fn quit_app(state: State<'_, AppState>) -> Result<(), CommandError> {
    tracing::info!("quit from the window");
    if state.exit() {
        Ok(())
    } else {
        Err(CommandError::Internal {
            message: "This window cannot quit Guildhall.".into(),
        })
    }
}
