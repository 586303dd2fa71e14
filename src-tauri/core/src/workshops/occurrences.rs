//! Changes to single dates of a recurring session: skip one (EXDATE), move one (a
//! RECURRENCE-ID override), add one (RDATE), or undo any of those. Each is one write that raises
//! the workshop's SEQUENCE; changes that no longer name a date of the series are dropped when
//! the series changes (`exceptions::prune`).

use jiff::Timestamp;
use rusqlite::Transaction;

use super::exceptions::{self, DateChange};
use super::model::{ExceptionKind, Session, Workshop};
use super::read::{first_local, session_context};
use super::series;
use super::store::{raise_sequence_if_changed, touch};
use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::time::{instant, parse_local, zone};

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

/// Records `change` to one date of `session_id`, then raises SEQUENCE.
fn put(
    tx: &Transaction,
    workshop: &Workshop,
    session_id: &str,
    change: DateChange,
    clock: &Clock,
) -> Result<Workshop> {
    exceptions::put(tx, session_id, &change)?;
    touch(tx, &workshop.id, clock)?;
    raise_sequence_if_changed(tx, workshop)
}

/// One date of a series does not take place (an EXDATE).
pub fn skip_occurrence(
    tx: &Transaction,
    session_id: &str,
    occurrence_at: &str,
    clock: &Clock,
) -> Result<Workshop> {
    let (workshop, session) = session_context(tx, session_id)?;
    let at = ensure_occurrence(&workshop, &session, occurrence_at)?;
    let change = DateChange {
        kind: ExceptionKind::Skip,
        at,
        span: None,
    };
    put(tx, &workshop, session_id, change, clock)
}

/// One date of a series takes place at another time (a RECURRENCE-ID override). `start` and
/// `end` are wall-clock times in the workshop's zone.
pub fn move_occurrence(
    tx: &Transaction,
    session_id: &str,
    occurrence_at: &str,
    start: &str,
    end: &str,
    clock: &Clock,
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
    let change = DateChange {
        kind: ExceptionKind::Move,
        at,
        span: Some((start, end)),
    };
    put(tx, &workshop, session_id, change, clock)
}

/// An extra date for a series (an RDATE), as long as the session usually lasts.
pub fn add_occurrence(
    tx: &Transaction,
    session_id: &str,
    start: &str,
    clock: &Clock,
) -> Result<Workshop> {
    let (workshop, session) = session_context(tx, session_id)?;
    if workshop.series.is_none() {
        return Err(CoreError::invalid(
            "occurrence",
            "This workshop does not repeat.",
        ));
    }
    let tz = zone(&workshop.time_zone)?;
    let start = instant(parse_local(start, "start")?, &tz, "start")?;
    let end = series::occurrence_end(&session, start, &tz)?;
    let change = DateChange {
        kind: ExceptionKind::Add,
        at: start,
        span: Some((start, end)),
    };
    put(tx, &workshop, session_id, change, clock)
}

/// Undoes a skip, a move or an added date.
pub fn restore_occurrence(
    tx: &Transaction,
    session_id: &str,
    occurrence_at: &str,
    clock: &Clock,
) -> Result<Workshop> {
    let (workshop, _) = session_context(tx, session_id)?;
    let at: Timestamp = occurrence_at
        .parse()
        .map_err(|_| CoreError::invalid("occurrence", "Not a date and time."))?;
    exceptions::remove(tx, session_id, at)?;
    touch(tx, &workshop.id, clock)?;
    raise_sequence_if_changed(tx, &workshop)
}
