//! The guest list: who answered what (and how), answers changed by hand, a place given by hand,
//! replies dropped onto the window, held replies confirmed, the list exported. Each write is
//! one transaction; mail it queues (waitlist, promotion, invitation) wakes the outbox sender.

use guildhall_core::files::write_atomically;
use guildhall_core::invitations::{self, Audience, Queued};
use guildhall_core::rsvp::{self, Answer, GuestList, ReplyReport};
use guildhall_core::CoreError;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::CommandError;
use crate::files::pick_save_path;
use crate::state::AppState;

/// At most this many files are read from one drop, each at most this big.
const MAX_DROPPED: usize = 100;
const MAX_DROPPED_BYTES: usize = 10 * 1024 * 1024;

fn parse_date(date: Option<String>) -> Result<Option<jiff::civil::Date>, CommandError> {
    date.map(|d| {
        d.parse().map_err(|_| {
            CommandError::from(CoreError::invalid(
                "date",
                format!("{} is not a date.", guildhall_core::text::quoted(&d)),
            ))
        })
    })
    .transpose()
}

fn wake(state: &AppState) -> Result<(), CommandError> {
    state.services()?.sender().wake();
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn guest_list(
    state: State<'_, AppState>,
    workshop_id: String,
    date: Option<String>,
) -> Result<GuestList, CommandError> {
    let date = parse_date(date)?;
    Ok(state
        .core()?
        .snapshot(|c| rsvp::guest_list(c, &workshop_id, date))?)
}

/// The organizer sets an answer by hand, for the whole workshop or (`date`, YYYY-MM-DD) for
/// that date; a "going" to a full workshop or date waits for a place.
#[tauri::command(async)]
#[specta::specta]
pub fn set_guest_answer(
    state: State<'_, AppState>,
    invitation_id: String,
    answer: Answer,
    date: Option<String>,
) -> Result<(), CommandError> {
    let date = parse_date(date)?;
    let core = state.core()?;
    core.write(|tx| rsvp::answer_by_hand(tx, &invitation_id, answer, date, core.clock.now()))?;
    wake(&state)
}

/// Gives a place by hand, also over capacity: for the whole workshop, or for `date`.
#[tauri::command(async)]
#[specta::specta]
pub fn promote_guest(
    state: State<'_, AppState>,
    invitation_id: String,
    date: Option<String>,
) -> Result<(), CommandError> {
    let date = parse_date(date)?;
    let core = state.core()?;
    core.write(|tx| rsvp::promote_by_hand(tx, &invitation_id, date, core.clock.now()))?;
    wake(&state)
}

/// Adds one member to the guest list: their invitation is queued.
#[tauri::command(async)]
#[specta::specta]
pub fn add_guest(
    state: State<'_, AppState>,
    workshop_id: String,
    member_id: String,
) -> Result<Queued, CommandError> {
    let core = state.core()?;
    let audience = Audience {
        members: vec![member_id],
        ..Default::default()
    };
    let q = core.write(|tx| invitations::invite(tx, &workshop_id, &audience, &core.clock))?;
    wake(&state)?;
    Ok(q)
}

/// A file dropped onto the window, as the webview read it.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DroppedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DroppedReport {
    pub name: String,
    /// What the file did; `None` when it was not read (too big, not .eml or .ics).
    pub report: Option<ReplyReport>,
    pub problem: Option<String>,
}

/// Applies replies dropped onto the guest list, each file in its own transaction.
#[tauri::command(async)]
#[specta::specta]
pub fn import_dropped_replies(
    state: State<'_, AppState>,
    files: Vec<DroppedFile>,
) -> Result<Vec<DroppedReport>, CommandError> {
    if files.len() > MAX_DROPPED {
        return Err(CoreError::invalid(
            "files",
            format!("Drop at most {MAX_DROPPED} files at once."),
        )
        .into());
    }
    let core = state.core()?;
    let mut out = Vec::new();
    for file in files {
        let name = guildhall_core::text::one_line(&file.name, 120);
        let lower = name.to_ascii_lowercase();
        let problem = if !(lower.ends_with(".eml") || lower.ends_with(".ics")) {
            Some("Only mails (.eml) and calendar replies (.ics) can be read here.".to_owned())
        } else if file.bytes.len() > MAX_DROPPED_BYTES {
            Some("This file is larger than 10 MB; a reply never is.".to_owned())
        } else {
            None
        };
        if problem.is_some() {
            out.push(DroppedReport {
                name,
                report: None,
                problem,
            });
            continue;
        }
        let now = core.clock.now();
        let report = core.write(|tx| rsvp::apply_file(tx, &lower, &file.bytes, now))?;
        out.push(DroppedReport {
            name,
            report: Some(report),
            problem: None,
        });
    }
    wake(&state)?;
    Ok(out)
}

/// A reply held because its sender is not the person it answers for.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HeldReply {
    pub id: String,
    pub received_at: String,
    pub sender: Option<String>,
    pub detail: String,
}

#[tauri::command(async)]
#[specta::specta]
pub fn held_replies(
    state: State<'_, AppState>,
    workshop_id: String,
) -> Result<Vec<HeldReply>, CommandError> {
    Ok(state.core()?.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT r.id, r.received_at, r.sender, r.detail FROM inbound_reply r
             JOIN invitation i ON i.id = r.invitation_id
             WHERE r.outcome = 'held' AND i.workshop_id = ?1 ORDER BY r.received_at",
        )?;
        let rows = stmt.query_map([&workshop_id], |r| {
            Ok(HeldReply {
                id: r.get(0)?,
                received_at: r.get(1)?,
                sender: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn confirm_reply(
    state: State<'_, AppState>,
    reply_id: String,
) -> Result<ReplyReport, CommandError> {
    let core = state.core()?;
    let report = core.write(|tx| rsvp::confirm(tx, &reply_id, core.clock.now()))?;
    wake(&state)?;
    Ok(report)
}

/// Asks where to save the guest list as CSV and writes it; `None` when cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_guests(
    state: State<'_, AppState>,
    workshop_id: String,
    date: Option<String>,
) -> Result<Option<String>, CommandError> {
    let date = parse_date(date)?;
    let core = state.core()?;
    let list = core.snapshot(|c| rsvp::guest_list(c, &workshop_id, date))?;
    let Some(path) = pick_save_path(state.files(), "Export the guest list", "guest-list.csv")
    else {
        return Ok(None);
    };
    write_atomically(&path, |out| {
        rsvp::guests_csv(&list, out)?;
        Ok(list.guests.len() as u32)
    })?;
    Ok(Some(path.display().to_string()))
}
