//! Calendar files into workshops. Each UID becomes one session (of a new workshop, or the
//! session that already has that UID: re-importing a file updates, it never duplicates). A
//! series keeps its RRULE; EXDATEs become skipped dates, RDATEs extra dates, RECURRENCE-ID
//! overrides moved (or, when cancelled, skipped) dates. All in the caller's one transaction.

use std::collections::BTreeMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::read::{read_calendar, EventTime, ReadEvent, ReadStatus};
use crate::error::{CoreError, Result};
use crate::workshops::input::{zone, CleanSession, CleanWorkshop};
use crate::workshops::store::{self, stamp, WorkshopSource};
use crate::workshops::{series, ExceptionKind, WorkshopStatus};
use crate::Database;

/// What an import did (or, for a preview, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarImportReport {
    /// Events in the file (a series and its overrides count once).
    pub events: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// The first few titles, for the preview.
    pub titles: Vec<String>,
}

/// One UID of the file: its main event and the overrides of single dates.
struct Group {
    main: ReadEvent,
    overrides: Vec<ReadEvent>,
}

fn group(events: Vec<ReadEvent>) -> Result<Vec<Group>> {
    let mut mains: BTreeMap<String, (usize, ReadEvent)> = BTreeMap::new();
    let mut overrides: Vec<ReadEvent> = Vec::new();
    for (order, event) in events.into_iter().enumerate() {
        if event.recurrence_id.is_some() {
            overrides.push(event);
        } else if let Some((_, first)) = mains.get(&event.uid) {
            return Err(CoreError::InvalidFile {
                line: Some(event.line),
                message: format!(
                    "a second event with the UID {} (the first is on line {})",
                    event.uid, first.line
                ),
            });
        } else {
            mains.insert(event.uid.clone(), (order, event));
        }
    }
    let mut groups: Vec<(usize, Group)> = mains
        .into_values()
        .map(|(order, main)| {
            (
                order,
                Group {
                    main,
                    overrides: Vec::new(),
                },
            )
        })
        .collect();
    for o in overrides {
        // An override whose series is not in the file has nothing to change: skip it.
        if let Some((_, g)) = groups.iter_mut().find(|(_, g)| g.main.uid == o.uid) {
            g.overrides.push(o);
        }
    }
    groups.sort_by_key(|(order, _)| *order);
    Ok(groups.into_iter().map(|(_, g)| g).collect())
}

/// The zone a workshop made from `event` lives in: the event's own zone; UTC for a series in
/// UTC (its rule repeats on UTC's clock); else the laptop's.
fn zone_of(event: &ReadEvent) -> String {
    match &event.start {
        EventTime::Zoned { zone, .. } => zone.clone(),
        EventTime::Utc(_) if event.rrule.is_some() => "UTC".to_owned(),
        _ => crate::workshops::local_zone_name(),
    }
}

fn at_line(line: u32, e: CoreError) -> CoreError {
    match e {
        CoreError::Validation { message, .. } => CoreError::InvalidFile {
            line: Some(line),
            message,
        },
        other => other,
    }
}

/// An UNTIL in the form RFC 5545 wants with a zoned start (UTC), whatever the file had.
fn normalize_rule(rule: &str, tz: &TimeZone) -> String {
    rule.split(';')
        .map(|part| match part.split_once('=') {
            Some(("UNTIL", value)) if !value.ends_with('Z') => {
                let local = if value.len() == 8 {
                    jiff::civil::Date::strptime("%Y%m%d", value)
                        .ok()
                        .map(|d| d.at(23, 59, 59, 0))
                } else {
                    DateTime::strptime("%Y%m%dT%H%M%S", value).ok()
                };
                match local.and_then(|l| l.to_zoned(tz.clone()).ok()) {
                    Some(z) => format!("UNTIL={}", z.timestamp().strftime("%Y%m%dT%H%M%SZ")),
                    None => part.to_owned(),
                }
            }
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn clean_text(text: &str, max: usize) -> String {
    let squashed = crate::text::squash_whitespace(text);
    squashed.chars().take(max).collect()
}

/// The workshop and session an event describes.
fn to_workshop(event: &ReadEvent) -> Result<(CleanWorkshop, TimeZone)> {
    let time_zone = zone_of(event);
    let tz = zone(&time_zone).map_err(|e| at_line(event.line, e))?;
    let start = event.start.to_timestamp(&tz);
    let end = event.end.to_timestamp(&tz).max(start);
    let all_day = matches!(event.start, EventTime::Date(_));
    let series_rule = match &event.rrule {
        Some(rule) => {
            let rule = normalize_rule(rule, &tz);
            let first = start.to_zoned(tz.clone()).datetime();
            series::validate_rule(&rule, first, &tz).map_err(|e| at_line(event.line, e))?;
            Some(rule)
        }
        None => None,
    };
    let url = event
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_owned);
    let title = clean_text(&event.summary, 200);
    Ok((
        CleanWorkshop {
            title: if title.is_empty() {
                "(untitled event)".to_owned()
            } else {
                title
            },
            description: event
                .description
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            status: match event.status {
                Some(ReadStatus::Cancelled) => WorkshopStatus::Cancelled,
                Some(ReadStatus::Tentative) => WorkshopStatus::Draft,
                _ => WorkshopStatus::Scheduled,
            },
            time_zone,
            venue: event
                .location
                .as_deref()
                .map(|l| clean_text(l, 300))
                .filter(|l| !l.is_empty()),
            online_url: url,
            capacity: None,
            facilitator_ids: Vec::new(),
            tags: Vec::new(),
            sessions: vec![CleanSession {
                id: None,
                title: String::new(),
                start,
                end,
                all_day,
            }],
            series_rule,
        },
        tz,
    ))
}

fn existing_session(conn: &Connection, uid: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, workshop_id FROM session WHERE ical_uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Reads `bytes` and says exactly what importing it would do, writing nothing (the import runs
/// in a transaction that is rolled back).
pub fn preview(db: &Database, bytes: &[u8]) -> Result<CalendarImportReport> {
    db.dry_run(|tx| import(tx, bytes))
}

/// Imports every event of `bytes` in the caller's transaction: all of them, or (on the first
/// error) none.
pub fn import(tx: &Transaction, bytes: &[u8]) -> Result<CalendarImportReport> {
    let groups = group(read_calendar(bytes)?)?;
    let mut report = CalendarImportReport::default();
    for g in &groups {
        let (clean, tz) = to_workshop(&g.main)?;
        report.events += 1;
        if report.titles.len() < 5 {
            report.titles.push(clean.title.clone());
        }
        let sequence = u32::try_from(g.main.sequence.max(0)).unwrap_or(u32::MAX);
        match existing_session(tx, &g.main.uid)? {
            None => {
                let id = store::insert(tx, &clean, WorkshopSource::Import, None, sequence)?;
                // The session keeps the file's UID, so the next import finds it.
                tx.execute(
                    "UPDATE session SET ical_uid = ?2 WHERE workshop_id = ?1",
                    params![id, g.main.uid],
                )?;
                let session_id: String = tx.query_row(
                    "SELECT id FROM session WHERE workshop_id = ?1",
                    [&id],
                    |r| r.get(0),
                )?;
                write_exceptions(tx, &session_id, g, &clean, &tz)?;
                report.created += 1;
            }
            Some((session_id, workshop_id)) => {
                let before = crate::workshops::get(tx, &workshop_id)?;
                update_from(tx, &workshop_id, &session_id, &clean, before.sessions.len())?;
                tx.execute(
                    "DELETE FROM session_exception WHERE session_id = ?1",
                    [&session_id],
                )?;
                write_exceptions(tx, &session_id, g, &clean, &tz)?;
                let after = crate::workshops::get(tx, &workshop_id)?;
                if store::calendar_changed(&before, &after) {
                    let next = sequence.max(before.ical_sequence + 1);
                    tx.execute(
                        "UPDATE workshop SET ical_sequence = ?2, updated_at = ?3 WHERE id = ?1",
                        params![workshop_id, next, crate::members::store::now()],
                    )?;
                    report.updated += 1;
                } else {
                    report.unchanged += 1;
                }
            }
        }
    }
    Ok(report)
}

/// Updates the session (and, for a one-session workshop the file made, the workshop) from the
/// file.
fn update_from(
    tx: &Transaction,
    workshop_id: &str,
    session_id: &str,
    clean: &CleanWorkshop,
    session_count: usize,
) -> Result<()> {
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
    // The workshop's own fields come from the file only for a workshop the file made: a
    // workshop planned here and exported keeps its title (the file's SUMMARY also names the
    // session), venue and text; only its session's time follows the file.
    let imported: bool = tx.query_row(
        "SELECT source = 'import' FROM workshop WHERE id = ?1",
        [workshop_id],
        |r| r.get(0),
    )?;
    if session_count == 1 && imported {
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
                crate::text::fold(&clean.title),
            ],
        )?;
    }
    Ok(())
}

/// EXDATE → skipped, RDATE → extra, RECURRENCE-ID override → moved (or skipped if cancelled).
fn write_exceptions(
    tx: &Transaction,
    session_id: &str,
    g: &Group,
    clean: &CleanWorkshop,
    tz: &TimeZone,
) -> Result<()> {
    let Some(rule) = &clean.series_rule else {
        return Ok(());
    };
    let session = &clean.sessions[0];
    let first = session.start.to_zoned(tz.clone()).datetime();
    let length = session.end.duration_since(session.start);
    let is_occurrence = |at: Timestamp| -> Result<bool> {
        Ok(!series::expand(rule, first, tz, at, at)?.is_empty())
    };
    let put = |at: Timestamp, kind: ExceptionKind, span: Option<(Timestamp, Timestamp)>| {
        crate::workshops::occurrences::put_exception(tx, session_id, kind, at, span)
    };
    for ex in &g.main.exdates {
        let at = ex.to_timestamp(tz);
        if is_occurrence(at)? {
            put(at, ExceptionKind::Skip, None)?;
        }
    }
    for rd in &g.main.rdates {
        let at = rd.to_timestamp(tz);
        if !is_occurrence(at)? {
            let end = at.checked_add(length).unwrap_or(at);
            put(at, ExceptionKind::Add, Some((at, end)))?;
        }
    }
    for o in &g.overrides {
        let Some(rid) = &o.recurrence_id else {
            continue;
        };
        let at = rid.to_timestamp(tz);
        if !is_occurrence(at)? {
            continue; // an override of a date the series does not have
        }
        if o.status == Some(ReadStatus::Cancelled) {
            put(at, ExceptionKind::Skip, None)?;
        } else {
            let start = o.start.to_timestamp(tz);
            let end = o.end.to_timestamp(tz).max(start);
            put(at, ExceptionKind::Move, Some((start, end)))?;
        }
    }
    Ok(())
}
