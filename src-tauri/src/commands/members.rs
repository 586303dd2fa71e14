//! Member commands: glue over `guildhall_core::members`, one transaction per write.

use guildhall_core::members::{self, Member, MemberCounts, MemberInput, MemberList, MemberQuery};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn list_members(
    state: State<'_, AppState>,
    query: MemberQuery,
) -> Result<MemberList, CommandError> {
    let core = state.core()?;
    Ok(core.read(|c| members::list(&core.search, c, &query))?)
}

/// How many members there are, active and archived (asked after a write, not per keystroke).
#[tauri::command(async)]
#[specta::specta]
pub fn member_counts(state: State<'_, AppState>) -> Result<MemberCounts, CommandError> {
    Ok(state.core()?.read(members::counts)?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn get_member(state: State<'_, AppState>, id: String) -> Result<Member, CommandError> {
    Ok(state.core()?.read(|c| members::get(c, &id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn create_member(
    state: State<'_, AppState>,
    input: MemberInput,
) -> Result<Member, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| members::create(tx, &input, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_member(
    state: State<'_, AppState>,
    id: String,
    input: MemberInput,
) -> Result<Member, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| members::update(tx, &id, &input, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn archive_member(state: State<'_, AppState>, id: String) -> Result<Member, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| members::archive(tx, &id, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn restore_member(state: State<'_, AppState>, id: String) -> Result<Member, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| members::restore(tx, &id, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_member(state: State<'_, AppState>, id: String) -> Result<(), CommandError> {
    let core = state.core()?;
    Ok(core.write_erasing(|tx| members::delete(tx, &id, &core.clock))?)
}
