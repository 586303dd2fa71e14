//! Calendar files into workshops. Each UID becomes one session (of a new workshop, or the
//! session that already has that UID: re-importing a file updates, it never duplicates). A
//! series keeps its RRULE; EXDATEs become skipped dates, RDATEs extra dates, RECURRENCE-ID
//! overrides moved (or, when cancelled, skipped) dates. All in the caller's one transaction.

use std::collections::BTreeMap;

use guildhall_ical::read::{read_calendar, EventTime, ReadEvent, ReadStatus};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::Transaction;
use serde::Serialize;

use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::time::{zone, zone_name};
use crate::workshops::exceptions::DateChange;
use crate::workshops::input::{CleanSession, CleanWorkshop};
use crate::workshops::{read, series, store, ExceptionKind, WorkshopStatus};
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
/// UTC (its rule repeats on UTC's clock); else the organizer's.
fn zone_of(event: &ReadEvent, clock: &Clock) -> String {
    match &event.start {
        EventTime::Zoned { zone, .. } => zone.clone(),
        EventTime::Utc(_) if event.rrule.is_some() => "UTC".to_owned(),
        _ => zone_name(&clock.time_zone()),
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
fn to_workshop(event: &ReadEvent, clock: &Clock) -> Result<(CleanWorkshop, TimeZone)> {
    let time_zone = zone_of(event, clock);
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

/// Reads `bytes` and says exactly what importing it would do, writing nothing (the import runs
/// in a transaction that is rolled back).
pub fn preview(db: &Database, bytes: &[u8], clock: &Clock) -> Result<CalendarImportReport> {
    db.dry_run(|tx| import(tx, bytes, clock))
}

/// Imports every event of `bytes` in the caller's transaction: all of them, or (on the first
/// error) none. The workshops are written by the workshops' store, which owns their tables.
pub fn import(tx: &Transaction, bytes: &[u8], clock: &Clock) -> Result<CalendarImportReport> {
    let groups = group(read_calendar(bytes)?)?;
    let mut report = CalendarImportReport::default();
    for g in &groups {
        let (clean, tz) = to_workshop(&g.main, clock)?;
        report.events += 1;
        if report.titles.len() < 5 {
            report.titles.push(clean.title.clone());
        }
        let sequence = u32::try_from(g.main.sequence.max(0)).unwrap_or(u32::MAX);
        let changes = date_changes(g, &clean, &tz)?;
        match read::session_by_uid(tx, &g.main.uid)? {
            None => {
                store::insert_from_calendar(tx, &clean, &g.main.uid, sequence, &changes, clock)?;
                report.created += 1;
            }
            Some((session_id, workshop_id)) => {
                let changed = store::update_from_calendar(
                    tx,
                    &workshop_id,
                    &session_id,
                    &clean,
                    sequence,
                    &changes,
                    clock,
                )?;
                if changed {
                    report.updated += 1;
                } else {
                    report.unchanged += 1;
                }
            }
        }
    }
    Ok(report)
}

/// EXDATE → skipped, RDATE → extra, RECURRENCE-ID override → moved (or skipped if cancelled);
/// only for dates the series has (an EXDATE of a date it never had changes nothing).
fn date_changes(g: &Group, clean: &CleanWorkshop, tz: &TimeZone) -> Result<Vec<DateChange>> {
    let Some(rule) = &clean.series_rule else {
        return Ok(Vec::new());
    };
    let session = &clean.sessions[0];
    let first = session.start.to_zoned(tz.clone()).datetime();
    let length = session.end.duration_since(session.start);
    let is_occurrence = |at: Timestamp| -> Result<bool> {
        Ok(!series::expand(rule, first, tz, at, at)?.is_empty())
    };
    let mut changes = Vec::new();
    let mut put = |kind, at, span| {
        changes.push(DateChange { kind, at, span });
    };
    for ex in &g.main.exdates {
        let at = ex.to_timestamp(tz);
        if is_occurrence(at)? {
            put(ExceptionKind::Skip, at, None);
        }
    }
    for rd in &g.main.rdates {
        let at = rd.to_timestamp(tz);
        if !is_occurrence(at)? {
            let end = at.checked_add(length).unwrap_or(at);
            put(ExceptionKind::Add, at, Some((at, end)));
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
            put(ExceptionKind::Skip, at, None);
        } else {
            let start = o.start.to_timestamp(tz);
            let end = o.end.to_timestamp(tz).max(start);
            put(ExceptionKind::Move, at, Some((start, end)));
        }
    }
    Ok(changes)
}
