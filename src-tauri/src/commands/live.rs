//! Live data: a window subscribes once and is then told which domains changed, whoever
//! changed them, so each screen reloads what it shows.

use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::services::DataChanged;
use crate::state::AppState;

/// Sends the window labelled `window` a [`DataChanged`] over `on_change` after every commit
/// that changed data (by this window, another one, the CLI or a service), at most a quarter of
/// a second late. Calling it again for the same window (a reloaded page) replaces its earlier
/// channel.
#[tauri::command(async)]
#[specta::specta]
pub fn watch_changes(
    state: State<'_, AppState>,
    window: String,
    on_change: Channel<DataChanged>,
) -> Result<(), CommandError> {
    state.services()?.live().subscribe(window, on_change);
    Ok(())
}
