//! Calendar files into workshops. Each UID becomes one session (of a new workshop, or the
//! session that already has that UID: re-importing a file updates, it never duplicates). A
//! series keeps its RRULE; EXDATEs become skipped dates, RDATEs extra dates, RECURRENCE-ID
//! overrides moved (or, when cancelled, skipped) dates.
//!
//! Two steps, so the write lock is held only for the writing: [`plan`] reads the file, checks
//! every event by the same rules as the editor (`workshops::input::check`: a 50 MB description
//! is "line N: …", not a workshop) and works out each event's dates, with no transaction at
//! all; [`apply`] writes the plan in the caller's one short transaction. A bad event stops the
//! import (nothing is written) unless the organizer chose to skip such events, which are then
//! listed with their reasons.

use std::collections::HashMap;

use guildhall_ical::read::{read_calendar, EventTime, ReadEvent, ReadStatus};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::text::{squash_whitespace, strip_unsafe};
use crate::time::{zone, zone_name};
use crate::workshops::exceptions::DateChange;
use crate::workshops::input::{self, CleanSession, CleanWorkshop};
use crate::workshops::{read, series, store, ExceptionKind, WorkshopStatus};
use crate::Database;

/// The longest UID kept (RFC 5545 sets none; real ones are a few dozen characters).
const MAX_UID: usize = 1_000;
/// Skipped events listed in the report; beyond these only their number.
const MAX_SKIPPED_LISTED: usize = 100;
/// Titles of the file shown in the preview.
const PREVIEW_TITLES: usize = 5;

/// What the organizer chose for a calendar import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct CalendarImportOptions {
    /// Import the good events and list the others with why, instead of importing nothing.
    pub skip_bad_events: bool,
}

/// An event that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SkippedEvent {
    /// The line of its BEGIN:VEVENT.
    pub line: u32,
    /// Its title, shortened for the list.
    pub title: String,
    pub reason: String,
}

/// What an import did (or, for a preview, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarImportReport {
    /// Events in the file (a series and its overrides count once), skipped ones included.
    pub events: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// The first few titles, for the preview.
    pub titles: Vec<String>,
    /// The first skipped events (when skipping was chosen), with their reasons.
    pub skipped: Vec<SkippedEvent>,
    /// How many events were skipped in all.
    pub skipped_count: u32,
}

/// One event of the file, checked and ready to write.
pub struct PlannedEvent {
    uid: String,
    clean: CleanWorkshop,
    sequence: u32,
    changes: Vec<DateChange>,
}

/// A file read and checked, before any transaction: what [`apply`] writes.
pub struct ImportPlan {
    events: Vec<PlannedEvent>,
    titles: Vec<String>,
    skipped: Vec<SkippedEvent>,
    skipped_count: u32,
}

/// One UID of the file: its main event and the overrides of single dates.
struct Group {
    main: ReadEvent,
    overrides: Vec<ReadEvent>,
}

/// The file's events by UID, in file order: each series with its overrides, matched through a
/// map (linear, however many overrides there are).
fn group(events: Vec<ReadEvent>) -> Result<Vec<Group>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_uid: HashMap<String, usize> = HashMap::new();
    let mut overrides: Vec<ReadEvent> = Vec::new();
    for event in events {
        if event.recurrence_id.is_some() {
            overrides.push(event);
        } else if let Some(&first) = by_uid.get(&event.uid) {
            return Err(CoreError::InvalidFile {
                line: Some(event.line),
                message: format!(
                    "a second event with the UID {} (the first is on line {})",
                    shorten(&event.uid, 80),
                    groups[first].main.line
                ),
            });
        } else {
            by_uid.insert(event.uid.clone(), groups.len());
            groups.push(Group {
                main: event,
                overrides: Vec::new(),
            });
        }
    }
    for o in overrides {
        // An override whose series is not in the file has nothing to change: skip it.
        if let Some(&i) = by_uid.get(&o.uid) {
            groups[i].overrides.push(o);
        }
    }
    Ok(groups)
}

/// `text` cut to `max` characters with an ellipsis: what of a file an error message quotes.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
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
    if event.uid.chars().count() > MAX_UID {
        return Err(CoreError::InvalidFile {
            line: Some(event.line),
            message: format!("the UID is longer than {MAX_UID} characters"),
        });
    }
    let title = squash_whitespace(&strip_unsafe(&event.summary, false));
    Ok((
        CleanWorkshop {
            title: if title.is_empty() {
                "(untitled event)".to_owned()
            } else {
                title
            },
            description: strip_unsafe(event.description.as_deref().unwrap_or_default(), true)
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
                .map(|l| squash_whitespace(&strip_unsafe(l, false)))
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
    .and_then(|(clean, tz)| {
        // The editor's rules, whoever writes the workshop.
        input::check(&clean).map_err(|e| at_line(event.line, e))?;
        Ok((clean, tz))
    })
}

/// Reads and checks `bytes` and works out every event's dates, outside any transaction.
pub fn plan(bytes: &[u8], clock: &Clock, options: CalendarImportOptions) -> Result<ImportPlan> {
    let groups = group(read_calendar(bytes)?)?;
    let mut plan = ImportPlan {
        events: Vec::with_capacity(groups.len()),
        titles: Vec::new(),
        skipped: Vec::new(),
        skipped_count: 0,
    };
    for g in &groups {
        let planned = to_workshop(&g.main, clock).and_then(|(clean, tz)| {
            let changes = date_changes(g, &clean, &tz).map_err(|e| at_line(g.main.line, e))?;
            Ok(PlannedEvent {
                uid: g.main.uid.clone(),
                sequence: u32::try_from(g.main.sequence.max(0)).unwrap_or(u32::MAX),
                clean,
                changes,
            })
        });
        match planned {
            Ok(event) => {
                if plan.titles.len() < PREVIEW_TITLES {
                    plan.titles.push(event.clean.title.clone());
                }
                plan.events.push(event);
            }
            Err(CoreError::InvalidFile { message, .. }) if options.skip_bad_events => {
                plan.skipped_count += 1;
                if plan.skipped.len() < MAX_SKIPPED_LISTED {
                    plan.skipped.push(SkippedEvent {
                        line: g.main.line,
                        title: shorten(&squash_whitespace(&g.main.summary), 80),
                        reason: message,
                    });
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(plan)
}

/// Writes `plan` in the caller's transaction: all of it, or (on the first error) none.
pub fn apply(tx: &Transaction, plan: &ImportPlan, clock: &Clock) -> Result<CalendarImportReport> {
    let mut report = CalendarImportReport {
        events: plan.events.len() as u32 + plan.skipped_count,
        titles: plan.titles.clone(),
        skipped: plan.skipped.clone(),
        skipped_count: plan.skipped_count,
        ..Default::default()
    };
    for event in &plan.events {
        let PlannedEvent {
            uid,
            clean,
            sequence,
            changes,
        } = event;
        match read::session_by_uid(tx, uid)? {
            None => {
                store::insert_from_calendar(tx, clean, uid, *sequence, changes, clock)?;
                report.created += 1;
            }
            Some((session_id, workshop_id)) => {
                let changed = store::update_from_calendar(
                    tx,
                    &workshop_id,
                    &session_id,
                    clean,
                    *sequence,
                    changes,
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

/// Says exactly what importing `bytes` would do, writing nothing: the file is read outside any
/// transaction, then written in one that is rolled back.
pub fn preview(
    db: &Database,
    bytes: &[u8],
    clock: &Clock,
    options: CalendarImportOptions,
) -> Result<CalendarImportReport> {
    let plan = plan(bytes, clock, options)?;
    db.dry_run(|tx| apply(tx, &plan, clock))
}

/// Imports `bytes` into `db`: read and checked first, then written in one short transaction.
pub fn import_file(
    db: &Database,
    bytes: &[u8],
    clock: &Clock,
    options: CalendarImportOptions,
) -> Result<CalendarImportReport> {
    let plan = plan(bytes, clock, options)?;
    db.write(|tx| apply(tx, &plan, clock))
}

/// Imports every event of `bytes` in a transaction the caller already holds (nothing is
/// skipped): [`plan`] and [`apply`] in one.
pub fn import(tx: &Transaction, bytes: &[u8], clock: &Clock) -> Result<CalendarImportReport> {
    let plan = plan(bytes, clock, CalendarImportOptions::default())?;
    apply(tx, &plan, clock)
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
