//! Live data: a window subscribes once and is then told which domains changed, whoever
//! changed them, so each screen reloads what it shows.

use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::services::WindowMessage;
use crate::state::AppState;

/// Sends the window labelled `window` its [`WindowMessage`]s over `on_message`: which domains
/// changed after every commit (by this window, another one, the CLI or a service), at most a
/// quarter of a second late, and a request to confirm closing. Calling it again for the same
/// window (a reloaded page) replaces its earlier channel.
#[tauri::command(async)]
#[specta::specta]
pub fn watch_changes(
    state: State<'_, AppState>,
    window: String,
    on_message: Channel<WindowMessage>,
) -> Result<(), CommandError> {
    state.services()?.live().subscribe(window, on_message);
    Ok(())
}

/// The window says whether one of its editors holds unsaved changes (closing it then asks
/// first). Said again after a close request, it also tells the app the window is answering.
#[tauri::command(async)]
#[specta::specta]
pub fn set_unsaved(state: State<'_, AppState>, unsaved: bool) {
    state.set_unsaved(unsaved);
}
