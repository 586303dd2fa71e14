//! The removable demo community.

use guildhall_core::demo::{self, DemoStatus};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn demo_status(state: State<'_, AppState>) -> Result<DemoStatus, CommandError> {
    Ok(state.core()?.read(demo::status)?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn load_demo(state: State<'_, AppState>) -> Result<DemoStatus, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| demo::load(tx, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn remove_demo(state: State<'_, AppState>) -> Result<DemoStatus, CommandError> {
    Ok(state.core()?.write(demo::remove)?)
}
