//! The schedule: every session occurrence in a span of time, one-off sessions and the dates of
//! series alike, with moved dates where they now are and skipped ones left out; and the venue
//! clashes among them.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;

use super::model::{ExceptionKind, Occurrence, Workshop, WorkshopStatus};
use super::read::get;
use super::series::{self, occurrence_end};
use crate::error::Result;
use crate::text::fold;
use crate::time::{local_text, parse_stamp, stamp, zone};

/// Every occurrence that overlaps `[from, to)`, in order of start.
pub fn schedule(conn: &Connection, from: Timestamp, to: Timestamp) -> Result<Vec<Occurrence>> {
    // One-off sessions by their index on starts_at (none is longer than a series' longest
    // session is a rule we do not have, so overlap is tested on both ends); every workshop
    // with a series, whose dates are only known once expanded.
    let mut ids: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT s.workshop_id FROM session s JOIN workshop w ON w.id = s.workshop_id
             WHERE w.series_rule IS NULL AND s.starts_at < ?2 AND s.ends_at > ?1
             UNION
             SELECT id FROM workshop WHERE series_rule IS NOT NULL",
        )?
        .query_map([stamp(from), stamp(to)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        out.extend(workshop_occurrences(&get(conn, &id)?, from, to)?);
    }
    out.sort_by(|a, b| {
        (&a.start, &a.end, &a.workshop_title).cmp(&(&b.start, &b.end, &b.workshop_title))
    });
    mark_clashes(&mut out);
    Ok(out)
}

/// The occurrences of one workshop that overlap `[from, to)`.
pub fn workshop_occurrences(
    workshop: &Workshop,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Occurrence>> {
    let tz = zone(&workshop.time_zone)?;
    let mut out = Vec::new();
    for session in &workshop.sessions {
        let start = parse_stamp(&session.start)?;
        let end = parse_stamp(&session.end)?;
        let length: SignedDuration = end.duration_since(start);
        let occurrence =
            |start: Timestamp, end: Timestamp, at: Option<Timestamp>, moved: bool| Occurrence {
                workshop_id: workshop.id.clone(),
                session_id: session.id.clone(),
                workshop_title: workshop.title.clone(),
                session_title: session.title.clone(),
                status: workshop.status,
                time_zone: workshop.time_zone.clone(),
                start: stamp(start),
                end: stamp(end),
                start_local: local_text(start, &tz),
                end_local: local_text(end, &tz),
                all_day: session.all_day,
                occurrence_at: at.map(stamp),
                moved,
                venue: workshop.venue.clone(),
                online_url: workshop.online_url.clone(),
                clashes_with: Vec::new(),
            };
        let overlaps = |s: Timestamp, e: Timestamp| s < to && e > from;
        let Some(series) = &workshop.series else {
            if overlaps(start, end) {
                out.push(occurrence(start, end, None, false));
            }
            continue;
        };
        let changes: HashMap<&str, _> = workshop
            .exceptions
            .iter()
            .filter(|e| e.session_id == session.id)
            .map(|e| (e.occurrence_at.as_str(), e))
            .collect();
        let first = start.to_zoned(tz.clone()).datetime();
        // An occurrence that starts up to one session length before `from` still overlaps it.
        let window_start = from.checked_sub(length).unwrap_or(from);
        for at in series::expand(&series.rule, first, &tz, window_start, to)? {
            if changes.contains_key(stamp(at).as_str()) {
                continue; // skipped, or moved: the moved ones are added below
            }
            let end = occurrence_end(session, at, &tz)?;
            if overlaps(at, end) {
                out.push(occurrence(at, end, Some(at), false));
            }
        }
        for change in changes.values() {
            let (Some(s), Some(e)) = (&change.start, &change.end) else {
                continue;
            };
            let (s, e) = (parse_stamp(s)?, parse_stamp(e)?);
            if overlaps(s, e) {
                let at = parse_stamp(&change.occurrence_at)?;
                out.push(occurrence(
                    s,
                    e,
                    Some(at),
                    change.kind == ExceptionKind::Move,
                ));
            }
        }
    }
    Ok(out)
}

/// The next date of each workshop that still has one from `from` on (an occurrence under way
/// at `from` counts), in order of that date, then id: what "every upcoming workshop" exports.
/// Linear in the workshops: each is read once, and a series is expanded only up to its next
/// date, never over the years after it.
pub fn upcoming(conn: &Connection, from: Timestamp) -> Result<Vec<(String, Timestamp)>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT s.workshop_id FROM session s JOIN workshop w ON w.id = s.workshop_id
             WHERE w.series_rule IS NULL AND s.ends_at > ?1
             UNION
             SELECT id FROM workshop WHERE series_rule IS NOT NULL",
        )?
        .query_map([stamp(from)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(next) = next_start(&get(conn, &id)?, from)? {
            out.push((id, next));
        }
    }
    out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    Ok(out)
}

/// When `workshop` next takes place from `from` on: the earliest start among its one-off
/// sessions, its series' dates (skipped and moved ones excepted) and its moved or added dates
/// that end after `from`.
pub fn next_start(workshop: &Workshop, from: Timestamp) -> Result<Option<Timestamp>> {
    /// Dates asked of the rule at a time; more are asked only past a run of skipped ones.
    const BATCH: u16 = 32;
    let tz = zone(&workshop.time_zone)?;
    let mut next: Option<Timestamp> = None;
    let mut consider = |t: Timestamp| next = Some(next.map_or(t, |n| n.min(t)));
    for session in &workshop.sessions {
        let start = parse_stamp(&session.start)?;
        let end = parse_stamp(&session.end)?;
        let Some(series) = &workshop.series else {
            if end > from {
                consider(start);
            }
            continue;
        };
        let mine = || {
            workshop
                .exceptions
                .iter()
                .filter(|e| e.session_id == session.id)
        };
        for change in mine() {
            if let (Some(s), Some(e)) = (&change.start, &change.end) {
                if parse_stamp(e)? > from {
                    consider(parse_stamp(s)?);
                }
            }
        }
        let changed: std::collections::HashSet<&str> =
            mine().map(|e| e.occurrence_at.as_str()).collect();
        let first = start.to_zoned(tz.clone()).datetime();
        // An occurrence that started up to one session length before `from` is still on.
        let mut after = from.checked_sub(end.duration_since(start)).unwrap_or(from);
        loop {
            let batch = series::starts_from(&series.rule, first, &tz, after, BATCH)?;
            let found = batch.iter().find(|at| {
                !changed.contains(stamp(**at).as_str())
                    && occurrence_end(session, **at, &tz).is_ok_and(|e| e > from)
            });
            if let Some(at) = found {
                consider(*at);
                break;
            }
            match batch.last() {
                Some(last) if batch.len() == usize::from(BATCH) => {
                    after = last
                        .checked_add(SignedDuration::from_secs(1))
                        .unwrap_or(*last);
                }
                _ => break, // the series has ended
            }
        }
    }
    Ok(next)
}

/// Marks occurrences of different workshops at the same venue (compared without case, accents
/// or extra spaces) whose times overlap. Cancelled workshops clash with nothing.
fn mark_clashes(occurrences: &mut [Occurrence]) {
    let mut by_venue: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in occurrences.iter().enumerate() {
        if o.status == WorkshopStatus::Cancelled {
            continue;
        }
        if let Some(venue) = o.venue.as_deref().map(fold).filter(|v| !v.is_empty()) {
            by_venue.entry(venue).or_default().push(i);
        }
    }
    let mut clashes: Vec<(usize, String)> = Vec::new();
    for indexes in by_venue.values() {
        // Sorted by start already; compare each with the ones that start before it ends.
        for (n, &i) in indexes.iter().enumerate() {
            for &j in &indexes[n + 1..] {
                if occurrences[j].start >= occurrences[i].end {
                    break;
                }
                if occurrences[i].workshop_id != occurrences[j].workshop_id {
                    clashes.push((i, occurrences[j].workshop_title.clone()));
                    clashes.push((j, occurrences[i].workshop_title.clone()));
                }
            }
        }
    }
    for (i, title) in clashes {
        if !occurrences[i].clashes_with.contains(&title) {
            occurrences[i].clashes_with.push(title);
        }
    }
}
