//! The one owner of `session_exception`: the changes to single dates of a recurring session
//! (skipped, moved, added), written for the editor's date actions, for an edit of the workshop
//! (which may move or drop them), and for a calendar import.

use jiff::Timestamp;
use rusqlite::{params, Transaction};

use super::model::{ExceptionKind, Workshop};
use super::read::{first_local, get};
use super::series;
use crate::error::{CoreError, Result};
use crate::time::{parse_stamp, stamp, zone};

/// A change to one date of a session's series: `at` is the date the rule gives; `span` is
/// where a moved or added date now is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateChange {
    pub kind: ExceptionKind,
    pub at: Timestamp,
    pub span: Option<(Timestamp, Timestamp)>,
}

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

/// Records a skip, move or extra date of one occurrence (replacing any earlier change to it).
pub(super) fn put(tx: &Transaction, session_id: &str, change: &DateChange) -> Result<()> {
    let DateChange { kind, at, span } = *change;
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

/// Replaces every change to single dates of `session_id` with `changes`.
pub(crate) fn replace(tx: &Transaction, session_id: &str, changes: &[DateChange]) -> Result<()> {
    tx.execute(
        "DELETE FROM session_exception WHERE session_id = ?1",
        [session_id],
    )?;
    for change in changes {
        put(tx, session_id, change)?;
    }
    Ok(())
}

/// Undoes the change to the date `at` of `session_id`, if there is one.
pub(super) fn remove(tx: &Transaction, session_id: &str, at: Timestamp) -> Result<()> {
    tx.execute(
        "DELETE FROM session_exception WHERE session_id = ?1 AND occurrence_at = ?2",
        params![session_id, stamp(at)],
    )?;
    Ok(())
}
