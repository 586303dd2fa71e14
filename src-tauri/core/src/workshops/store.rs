//! Writing workshops, the one owner of the workshop tables (`workshop`, `session`,
//! `workshop_facilitator`, `workshop_tag`; `session_exception` through `exceptions`). Writes take
//! the `&Transaction` of the user action they belong to. Every write that changes what a
//! calendar shows raises the workshop's SEQUENCE by one; the calendar UIDs never change.
//!
//! The calendar import writes through [`insert_from_calendar`] and [`update_from_calendar`] here
//! rather than with SQL of its own.

use rusqlite::{params, Transaction};

use super::exceptions::{self, DateChange};
use super::input::{clean, CleanSession, CleanWorkshop};
use super::model::{Session, Workshop, WorkshopInput, WorkshopStatus};
use super::read::{calendar_changed, get};
use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::ids;
use crate::text::fold;
use crate::time::stamp;

/// Where a workshop came from; `Import` ones were read from a calendar file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkshopSource {
    Manual,
    Import,
    Demo,
}

impl WorkshopSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Import => "import",
            Self::Demo => "demo",
        }
    }
}

/// After a write: raises SEQUENCE when a calendar would show the workshop differently from
/// `before`, and returns the workshop as it is now.
pub(super) fn raise_sequence_if_changed(tx: &Transaction, before: &Workshop) -> Result<Workshop> {
    let after = get(tx, &before.id)?;
    if calendar_changed(before, &after) {
        tx.execute(
            "UPDATE workshop SET ical_sequence = ical_sequence + 1 WHERE id = ?1",
            [&before.id],
        )?;
        return get(tx, &before.id);
    }
    Ok(after)
}

/// Marks the workshop as changed now (a change to one of its dates).
pub(super) fn touch(tx: &Transaction, workshop_id: &str, clock: &Clock) -> Result<()> {
    tx.execute(
        "UPDATE workshop SET updated_at = ?2 WHERE id = ?1",
        params![workshop_id, clock.stamp()],
    )?;
    Ok(())
}

fn check_facilitators(tx: &Transaction, ids: &[String]) -> Result<()> {
    for id in ids {
        if !crate::members::exists(tx, id)? {
            return Err(CoreError::invalid(
                "facilitators",
                format!("The facilitator {id} is no longer a member."),
            ));
        }
    }
    Ok(())
}

fn write_people_and_tags(tx: &Transaction, id: &str, clean: &CleanWorkshop) -> Result<()> {
    check_facilitators(tx, &clean.facilitator_ids)?;
    tx.execute(
        "DELETE FROM workshop_facilitator WHERE workshop_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM workshop_tag WHERE workshop_id = ?1", [id])?;
    let mut add = tx.prepare_cached(
        "INSERT INTO workshop_facilitator (workshop_id, member_id, position) VALUES (?1, ?2, ?3)",
    )?;
    for (position, member) in clean.facilitator_ids.iter().enumerate() {
        add.execute(params![id, member, position as i64])?;
    }
    let mut tag =
        tx.prepare_cached("INSERT INTO workshop_tag (workshop_id, tag) VALUES (?1, ?2)")?;
    for t in &clean.tags {
        tag.execute(params![id, t])?;
    }
    Ok(())
}

fn insert_session(
    tx: &Transaction,
    workshop_id: &str,
    position: usize,
    session: &CleanSession,
    ical_uid: &str,
) -> Result<String> {
    let id = ids::session_id();
    tx.prepare_cached(
        "INSERT INTO session (id, workshop_id, position, title, starts_at, ends_at, all_day, ical_uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        workshop_id,
        position as i64,
        session.title,
        stamp(session.start),
        stamp(session.end),
        session.all_day,
        ical_uid
    ])?;
    Ok(id)
}

/// Inserts a cleaned workshop with a new id; each session gets the UID `session_uid` gives for
/// its position (new random ones, or the UIDs a calendar file had). Returns the workshop's id
/// and its sessions' ids, in order.
fn insert_with(
    tx: &Transaction,
    clean: &CleanWorkshop,
    source: WorkshopSource,
    ical_sequence: u32,
    session_uid: impl Fn(usize) -> String,
    clock: &Clock,
) -> Result<(String, Vec<String>)> {
    let id = ids::workshop_id();
    tx.prepare_cached(
        "INSERT INTO workshop (id, title, description, status, time_zone, venue, online_url,
                               capacity, series_rule, source, ical_uid, ical_sequence, title_key,
                               created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )?
    .execute(params![
        id,
        clean.title,
        clean.description,
        clean.status.as_str(),
        clean.time_zone,
        clean.venue,
        clean.online_url,
        clean.capacity,
        clean.series_rule,
        source.as_str(),
        ids::ical_uid(),
        ical_sequence,
        fold(&clean.title),
        clock.stamp(),
    ])?;
    write_people_and_tags(tx, &id, clean)?;
    let mut sessions = Vec::with_capacity(clean.sessions.len());
    for (position, session) in clean.sessions.iter().enumerate() {
        sessions.push(insert_session(
            tx,
            &id,
            position,
            session,
            &session_uid(position),
        )?);
    }
    Ok((id, sessions))
}

/// Inserts a cleaned workshop with new ids and calendar UIDs (the editor, duplicate, the demo).
pub(crate) fn insert(
    tx: &Transaction,
    clean: &CleanWorkshop,
    source: WorkshopSource,
    clock: &Clock,
) -> Result<String> {
    let (id, _) = insert_with(tx, clean, source, 0, |_| ids::ical_uid(), clock)?;
    Ok(id)
}

/// A workshop made from one event of a calendar file: its one session keeps the event's `uid`
/// (so that importing the file again finds it), the file's SEQUENCE, and the event's changes
/// to single dates.
pub(crate) fn insert_from_calendar(
    tx: &Transaction,
    clean: &CleanWorkshop,
    uid: &str,
    sequence: u32,
    changes: &[DateChange],
    clock: &Clock,
) -> Result<String> {
    let (id, sessions) = insert_with(
        tx,
        clean,
        WorkshopSource::Import,
        sequence,
        |_| uid.to_owned(),
        clock,
    )?;
    for session_id in &sessions {
        exceptions::replace(tx, session_id, changes)?;
    }
    Ok(id)
}

/// The event with `session_id`'s UID came back in a calendar file: its session takes the
/// file's times and changes to single dates; the workshop's own fields follow the file only for
/// a one-session workshop the file made (a workshop planned here and exported keeps its title,
/// venue and text). SEQUENCE becomes the file's or one more than before, whichever is higher,
/// when a calendar would show a difference. Returns whether anything changed.
pub(crate) fn update_from_calendar(
    tx: &Transaction,
    workshop_id: &str,
    session_id: &str,
    clean: &CleanWorkshop,
    sequence: u32,
    changes: &[DateChange],
    clock: &Clock,
) -> Result<bool> {
    let before = get(tx, workshop_id)?;
    let session = &clean.sessions[0];
    tx.execute(
        "UPDATE session SET starts_at = ?2, ends_at = ?3, all_day = ?4 WHERE id = ?1",
        params![
            session_id,
            stamp(session.start),
            stamp(session.end),
            session.all_day
        ],
    )?;
    let imported: bool = tx.query_row(
        "SELECT source = 'import' FROM workshop WHERE id = ?1",
        [workshop_id],
        |r| r.get(0),
    )?;
    if before.sessions.len() == 1 && imported {
        tx.execute(
            "UPDATE workshop SET title = ?2, description = ?3, status = ?4, time_zone = ?5,
                    venue = ?6, online_url = ?7, series_rule = ?8, title_key = ?9
             WHERE id = ?1",
            params![
                workshop_id,
                clean.title,
                clean.description,
                clean.status.as_str(),
                clean.time_zone,
                clean.venue,
                clean.online_url,
                clean.series_rule,
                fold(&clean.title),
            ],
        )?;
    }
    exceptions::replace(tx, session_id, changes)?;
    let after = get(tx, workshop_id)?;
    if !calendar_changed(&before, &after) {
        return Ok(false);
    }
    let next = sequence.max(before.ical_sequence + 1);
    tx.execute(
        "UPDATE workshop SET ical_sequence = ?2, updated_at = ?3 WHERE id = ?1",
        params![workshop_id, next, clock.stamp()],
    )?;
    Ok(true)
}

pub fn create(tx: &Transaction, input: &WorkshopInput, clock: &Clock) -> Result<Workshop> {
    let clean = clean(input)?;
    let id = insert(tx, &clean, WorkshopSource::Manual, clock)?;
    get(tx, &id)
}

pub fn update(
    tx: &Transaction,
    id: &str,
    input: &WorkshopInput,
    clock: &Clock,
) -> Result<Workshop> {
    let before = get(tx, id)?;
    let clean = clean(input)?;
    for session in &clean.sessions {
        if let Some(sid) = &session.id {
            if !before.sessions.iter().any(|s| &s.id == sid) {
                return Err(CoreError::invalid(
                    "sessions",
                    format!("The session {sid} is not part of this workshop."),
                ));
            }
        }
    }
    tx.execute(
        "UPDATE workshop SET title = ?2, description = ?3, status = ?4, time_zone = ?5, venue = ?6,
                online_url = ?7, capacity = ?8, series_rule = ?9, title_key = ?10, updated_at = ?11
         WHERE id = ?1",
        params![
            id,
            clean.title,
            clean.description,
            clean.status.as_str(),
            clean.time_zone,
            clean.venue,
            clean.online_url,
            clean.capacity,
            clean.series_rule,
            fold(&clean.title),
            clock.stamp(),
        ],
    )?;
    write_people_and_tags(tx, id, &clean)?;
    replace_sessions(tx, id, &before.sessions, &clean.sessions)?;
    exceptions::prune(tx, id, &before)?;
    raise_sequence_if_changed(tx, &before)
}

/// Keeps the sessions the editor kept (with their UIDs), adds the new ones and deletes the rest.
fn replace_sessions(
    tx: &Transaction,
    workshop_id: &str,
    existing: &[Session],
    wanted: &[CleanSession],
) -> Result<()> {
    for old in existing {
        if !wanted
            .iter()
            .any(|s| s.id.as_deref() == Some(old.id.as_str()))
        {
            tx.execute("DELETE FROM session WHERE id = ?1", [&old.id])?;
        }
    }
    for (position, session) in wanted.iter().enumerate() {
        match &session.id {
            Some(sid) => {
                tx.execute(
                    "UPDATE session SET position = ?2, title = ?3, starts_at = ?4, ends_at = ?5,
                            all_day = ?6
                     WHERE id = ?1",
                    params![
                        sid,
                        position as i64,
                        session.title,
                        stamp(session.start),
                        stamp(session.end),
                        session.all_day
                    ],
                )?;
            }
            None => {
                insert_session(tx, workshop_id, position, session, &ids::ical_uid())?;
            }
        }
    }
    Ok(())
}

/// A copy to plan the next edition: a draft with new ids and calendar UIDs, the same sessions,
/// series, people and tags, and none of the original's per-date changes.
pub fn duplicate(tx: &Transaction, id: &str, clock: &Clock) -> Result<Workshop> {
    let original = get(tx, id)?;
    let input = WorkshopInput {
        title: format!("{} (copy)", original.title),
        description: original.description.clone(),
        status: WorkshopStatus::Draft,
        time_zone: original.time_zone.clone(),
        venue: original.venue.clone(),
        online_url: original.online_url.clone(),
        capacity: original.capacity,
        facilitator_ids: original.facilitators.iter().map(|f| f.id.clone()).collect(),
        tags: original.tags.clone(),
        sessions: original.sessions.iter().map(session_input).collect(),
        series: original.series.as_ref().map(|s| s.input.clone()),
    };
    let mut clean = clean(&input)?;
    // Keep the original's rule exactly (a custom rule) rather than what the editor would
    // rebuild from it.
    clean.series_rule = original.series.as_ref().map(|s| s.rule.clone());
    let new_id = insert(tx, &clean, WorkshopSource::Manual, clock)?;
    get(tx, &new_id)
}

/// A stored session as the editor would send it back unchanged.
fn session_input(s: &Session) -> super::model::SessionInput {
    let (start, end) = if s.all_day {
        // The last day, not the day after it (the stored end is exclusive).
        let last = s
            .end_local
            .get(..10)
            .and_then(|d| d.parse::<jiff::civil::Date>().ok())
            .and_then(|d| d.yesterday().ok())
            .map(|d| d.to_string())
            .unwrap_or_else(|| s.end_local.clone());
        (s.start_local[..10].to_owned(), last)
    } else {
        (s.start_local.clone(), s.end_local.clone())
    };
    super::model::SessionInput {
        id: None,
        title: s.title.clone(),
        start,
        end,
    }
}

/// Cancels a workshop: it stays, shown as cancelled, and its calendar entry says so.
pub fn set_status(
    tx: &Transaction,
    id: &str,
    status: WorkshopStatus,
    clock: &Clock,
) -> Result<Workshop> {
    let before = get(tx, id)?;
    tx.execute(
        "UPDATE workshop SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), clock.stamp()],
    )?;
    raise_sequence_if_changed(tx, &before)
}

pub fn delete(tx: &Transaction, id: &str) -> Result<()> {
    if tx.execute("DELETE FROM workshop WHERE id = ?1", [id])? == 0 {
        return Err(CoreError::not_found("workshop", id));
    }
    Ok(())
}
