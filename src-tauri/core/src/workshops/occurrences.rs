//! Changes to single dates of a recurring session: skip one (EXDATE), move one (a
//! RECURRENCE-ID override), add one (RDATE), or undo any of those. Each is one write that raises
//! the workshop's SEQUENCE; changes that no longer name a date of the series are dropped when
//! the series changes.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use super::input::{instant, parse_local, zone};
use super::model::{ExceptionKind, Session, Workshop};
use super::series;
use super::store::{first_local, get, not_found, parse_stamp, raise_sequence_if_changed, stamp};
use crate::error::{CoreError, Result};
use crate::members::store::now;

/// After an edit of the workshop (`before` is how it was): a skip or a move whose date the
/// series still has stays; one whose session now starts at another time (or in another zone)
/// follows it to the date of the series on the same local day; the rest are dropped, and all of
/// them when the workshop no longer repeats.
pub(super) fn prune(tx: &Transaction, workshop_id: &str, before: &Workshop) -> Result<()> {
    let workshop = get(tx, workshop_id)?;
    let Some(series) = &workshop.series else {
        tx.execute(
            "DELETE FROM session_exception WHERE session_id IN
                (SELECT id FROM session WHERE workshop_id = ?1)",
            [workshop_id],
        )?;
        return Ok(());
    };
    let tz = zone(&workshop.time_zone)?;
    let old_tz = zone(&before.time_zone)?;
    for exception in &workshop.exceptions {
        if exception.kind == ExceptionKind::Add {
            continue;
        }
        let Some(session) = workshop
            .sessions
            .iter()
            .find(|s| s.id == exception.session_id)
        else {
            continue;
        };
        let at = parse_stamp(&exception.occurrence_at)?;
        let first = first_local(session, &tz)?;
        if !series::expand(&series.rule, first, &tz, at, at)?.is_empty() {
            continue;
        }
        // The date the organizer skipped or moved, on the wall clock it was planned on.
        let day = at.to_zoned(old_tz.clone()).date();
        let day_start = start_of_day(day, &tz)?;
        let next_day = start_of_day(day.tomorrow().unwrap_or(day), &tz)?;
        let same_day: Vec<Timestamp> =
            series::expand(&series.rule, first, &tz, day_start, next_day)?
                .into_iter()
                .filter(|t| *t < next_day)
                .collect();
        match same_day.as_slice() {
            [new_at] => {
                tx.execute(
                    "UPDATE OR REPLACE session_exception SET occurrence_at = ?3
                     WHERE session_id = ?1 AND occurrence_at = ?2",
                    params![
                        exception.session_id,
                        exception.occurrence_at,
                        stamp(*new_at)
                    ],
                )?;
            }
            _ => {
                tx.execute(
                    "DELETE FROM session_exception WHERE session_id = ?1 AND occurrence_at = ?2",
                    params![exception.session_id, exception.occurrence_at],
                )?;
            }
        }
    }
    Ok(())
}

fn start_of_day(day: jiff::civil::Date, tz: &jiff::tz::TimeZone) -> Result<Timestamp> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| CoreError::invalid("sessions", e.to_string()))
}

/// The workshop a session belongs to, with the session.
fn session_context(tx: &Transaction, session_id: &str) -> Result<(Workshop, Session)> {
    let workshop_id: String = tx
        .query_row(
            "SELECT workshop_id FROM session WHERE id = ?1",
            [session_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| not_found("session", session_id))?;
    let workshop = get(tx, &workshop_id)?;
    let session = workshop
        .sessions
        .iter()
        .find(|s| s.id == session_id)
        .cloned()
        .ok_or_else(|| not_found("session", session_id))?;
    Ok((workshop, session))
}

/// Checks that `occurrence_at` is a date the series gives for this session.
fn ensure_occurrence(
    workshop: &Workshop,
    session: &Session,
    occurrence_at: &str,
) -> Result<Timestamp> {
    let series = workshop
        .series
        .as_ref()
        .ok_or_else(|| CoreError::invalid("occurrence", "This workshop does not repeat."))?;
    let at: Timestamp = occurrence_at
        .parse()
        .map_err(|_| CoreError::invalid("occurrence", "Not a date and time."))?;
    let tz = zone(&workshop.time_zone)?;
    let first = first_local(session, &tz)?;
    if series::expand(&series.rule, first, &tz, at, at)?.is_empty() {
        return Err(CoreError::invalid(
            "occurrence",
            "The series has no date at that time.",
        ));
    }
    Ok(at)
}

/// Records a skip, move or extra date of one occurrence (replacing any earlier change to it).
pub(crate) fn put_exception(
    tx: &Transaction,
    session_id: &str,
    kind: ExceptionKind,
    at: Timestamp,
    span: Option<(Timestamp, Timestamp)>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO session_exception (session_id, occurrence_at, kind, starts_at, ends_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (session_id, occurrence_at) DO UPDATE
            SET kind = excluded.kind, starts_at = excluded.starts_at, ends_at = excluded.ends_at",
        params![
            session_id,
            stamp(at),
            kind.as_str(),
            span.map(|(s, _)| stamp(s)),
            span.map(|(_, e)| stamp(e)),
        ],
    )?;
    Ok(())
}

/// One date of a series does not take place (an EXDATE).
pub fn skip_occurrence(
    tx: &Transaction,
    session_id: &str,
    occurrence_at: &str,
) -> Result<Workshop> {
    let (workshop, session) = session_context(tx, session_id)?;
    let at = ensure_occurrence(&workshop, &session, occurrence_at)?;
    put_exception(tx, session_id, ExceptionKind::Skip, at, None)?;
    touch(tx, &workshop.id)?;
    raise_sequence_if_changed(tx, &workshop)
}

/// One date of a series takes place at another time (a RECURRENCE-ID override). `start` and
/// `end` are wall-clock times in the workshop's zone.
pub fn move_occurrence(
    tx: &Transaction,
    session_id: &str,
    occurrence_at: &str,
    start: &str,
    end: &str,
) -> Result<Workshop> {
    let (workshop, session) = session_context(tx, session_id)?;
    let at = ensure_occurrence(&workshop, &session, occurrence_at)?;
    let tz = zone(&workshop.time_zone)?;
    let start = instant(parse_local(start, "start")?, &tz, "start")?;
    let end = instant(parse_local(end, "end")?, &tz, "end")?;
    if end <= start {
        return Err(CoreError::invalid(
            "end",
            "The session ends before it starts.",
        ));
    }
    let first = first_local(&session, &tz)?;
    let series = workshop
        .series
        .as_ref()
        .map(|s| s.rule.as_str())
        .unwrap_or_default();
    if start != at && !series::expand(series, first, &tz, start, start)?.is_empty() {
        return Err(CoreError::invalid(
            "start",
            "Another date of the series is already at that time.",
        ));
    }
    put_exception(tx, session_id, ExceptionKind::Move, at, Some((start, end)))?;
    touch(tx, &workshop.id)?;
    raise_sequence_if_changed(tx, &workshop)
}

/// An extra date for a series (an RDATE), as long as the session usually lasts.
pub fn add_occurrence(tx: &Transaction, session_id: &str, start: &str) -> Result<Workshop> {
    let (workshop, session) = session_context(tx, session_id)?;
    if workshop.series.is_none() {
        return Err(CoreError::invalid(
            "occurrence",
            "This workshop does not repeat.",
        ));
    }
    let tz = zone(&workshop.time_zone)?;
    let start = instant(parse_local(start, "start")?, &tz, "start")?;
    let end = super::schedule::occurrence_end(&session, start, &tz)?;
    put_exception(
        tx,
        session_id,
        ExceptionKind::Add,
        start,
        Some((start, end)),
    )?;
    touch(tx, &workshop.id)?;
    raise_sequence_if_changed(tx, &workshop)
}

/// Undoes a skip, a move or an added date.
pub fn restore_occurrence(
    tx: &Transaction,
    session_id: &str,
    occurrence_at: &str,
) -> Result<Workshop> {
    let (workshop, _) = session_context(tx, session_id)?;
    let at: Timestamp = occurrence_at
        .parse()
        .map_err(|_| CoreError::invalid("occurrence", "Not a date and time."))?;
    tx.execute(
        "DELETE FROM session_exception WHERE session_id = ?1 AND occurrence_at = ?2",
        params![session_id, stamp(at)],
    )?;
    touch(tx, &workshop.id)?;
    raise_sequence_if_changed(tx, &workshop)
}

fn touch(tx: &Transaction, workshop_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE workshop SET updated_at = ?2 WHERE id = ?1",
        params![workshop_id, now()],
    )?;
    Ok(())
}
