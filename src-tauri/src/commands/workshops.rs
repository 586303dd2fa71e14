//! Workshop commands: glue over `guildhall_core::workshops`, one transaction per write.

use guildhall_core::time;
use guildhall_core::workshops::{self, Occurrence, Workshop, WorkshopInput, WorkshopStatus};
use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Every session occurrence overlapping `[from, to)` (RFC 3339 instants), for the schedule views.
#[tauri::command(async)]
#[specta::specta]
pub fn schedule(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<Vec<Occurrence>, CommandError> {
    let from = time::parse_instant(&from, "from")?;
    let to = time::parse_instant(&to, "to")?;
    Ok(state
        .core()?
        .snapshot(|c| workshops::schedule(c, from, to))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn get_workshop(state: State<'_, AppState>, id: String) -> Result<Workshop, CommandError> {
    Ok(state.core()?.read(|c| workshops::get(c, &id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn create_workshop(
    state: State<'_, AppState>,
    input: WorkshopInput,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| workshops::create(tx, &input, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_workshop(
    state: State<'_, AppState>,
    id: String,
    input: WorkshopInput,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| workshops::update(tx, &id, &input, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn duplicate_workshop(
    state: State<'_, AppState>,
    id: String,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| workshops::duplicate(tx, &id, &core.clock))?)
}

/// Cancel (kept, shown as cancelled), reschedule, or mark done.
#[tauri::command(async)]
#[specta::specta]
pub fn set_workshop_status(
    state: State<'_, AppState>,
    id: String,
    status: WorkshopStatus,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| workshops::set_status(tx, &id, status, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_workshop(state: State<'_, AppState>, id: String) -> Result<(), CommandError> {
    Ok(state.core()?.write(|tx| workshops::delete(tx, &id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn skip_occurrence(
    state: State<'_, AppState>,
    session_id: String,
    occurrence_at: String,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| workshops::skip_occurrence(tx, &session_id, &occurrence_at, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn move_occurrence(
    state: State<'_, AppState>,
    session_id: String,
    occurrence_at: String,
    start: String,
    end: String,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| {
        workshops::move_occurrence(tx, &session_id, &occurrence_at, &start, &end, &core.clock)
    })?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_occurrence(
    state: State<'_, AppState>,
    session_id: String,
    start: String,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| workshops::add_occurrence(tx, &session_id, &start, &core.clock))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn restore_occurrence(
    state: State<'_, AppState>,
    session_id: String,
    occurrence_at: String,
) -> Result<Workshop, CommandError> {
    let core = state.core()?;
    Ok(core
        .write(|tx| workshops::restore_occurrence(tx, &session_id, &occurrence_at, &core.clock))?)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TimeZones {
    /// The laptop's zone, the default for a new workshop (`UTC` when it has no IANA name).
    pub local: String,
    /// Every IANA zone name the tz database knows, sorted.
    pub all: Vec<String>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn time_zones(state: State<'_, AppState>) -> TimeZones {
    let local = match state.core() {
        Ok(core) => time::zone_name(&core.clock.time_zone()),
        Err(_) => time::zone_name(&jiff::tz::TimeZone::system()),
    };
    TimeZones {
        local,
        all: time::zone_names(),
    }
}
