//! Merging two records of the same person.

use guildhall_core::members::{self, Member, MergeChoices, MergePreview};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn merge_preview(
    state: State<'_, AppState>,
    keep_id: String,
    other_id: String,
) -> Result<MergePreview, CommandError> {
    Ok(state
        .core()?
        .read(|c| members::merge_preview(c, &keep_id, &other_id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn merge_members(
    state: State<'_, AppState>,
    keep_id: String,
    other_id: String,
    choices: MergeChoices,
) -> Result<Member, CommandError> {
    let core = state.core()?;
    Ok(core.write_erasing(|tx| members::merge(tx, &keep_id, &other_id, &choices, &core.clock))?)
}
