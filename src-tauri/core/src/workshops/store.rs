//! Reading and writing workshops. Reads take `&Connection`; writes take the `&Transaction` of
//! the user action they belong to. Every write that changes what a calendar shows raises the
//! workshop's SEQUENCE by one; the calendar UIDs never change.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::input::{clean, zone, CleanSession, CleanWorkshop};
use super::model::{
    ExceptionKind, Facilitator, OccurrenceException, Series, Session, Workshop, WorkshopInput,
    WorkshopStatus,
};
use super::series;
use crate::error::{CoreError, Result};
use crate::ids;
use crate::members::store::now;
use crate::text::fold;

/// Where a workshop came from; `Import` ones were read from a calendar file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkshopSource {
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

/// An instant as stored and as the UI receives it.
pub(crate) fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn parse_stamp(s: &str) -> rusqlite::Result<Timestamp> {
    s.parse().map_err(|e: jiff::Error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// A wall-clock time in `tz` as the editor shows it.
pub(crate) fn local_text(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

pub(super) fn not_found(what: &'static str, id: &str) -> CoreError {
    CoreError::NotFound {
        what,
        id: id.to_owned(),
    }
}

pub fn get(conn: &Connection, id: &str) -> Result<Workshop> {
    let row = conn
        .query_row(
            "SELECT id, title, description, status, time_zone, venue, online_url, capacity,
                    series_rule, ical_uid, ical_sequence, created_at, updated_at
             FROM workshop WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ),
                    (
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<u32>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                    ),
                    (
                        r.get::<_, String>(9)?,
                        r.get::<_, u32>(10)?,
                        r.get::<_, String>(11)?,
                        r.get::<_, String>(12)?,
                    ),
                ))
            },
        )
        .optional()?
        .ok_or_else(|| not_found("workshop", id))?;
    let ((id, title, description, status, time_zone), (venue, online_url, capacity, rule), meta) =
        row;
    let (ical_uid, ical_sequence, created_at, updated_at) = meta;
    let tz = zone(&time_zone)?;
    let sessions = sessions(conn, &id, &tz)?;
    let series = match (&rule, sessions.first()) {
        (Some(rule), Some(first)) => {
            let first = first_local(first, &tz)?;
            Some(Series {
                rule: rule.clone(),
                summary: series::describe(rule, first, &tz),
                input: series::to_input(rule, first, &tz),
            })
        }
        _ => None,
    };
    Ok(Workshop {
        facilitators: facilitators(conn, &id)?,
        tags: conn
            .prepare_cached("SELECT tag FROM workshop_tag WHERE workshop_id = ?1 ORDER BY tag")?
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        exceptions: exceptions(conn, &id)?,
        status: WorkshopStatus::parse(&status)
            .ok_or_else(|| CoreError::invalid("status", format!("unknown status {status}")))?,
        id,
        title,
        description,
        time_zone,
        venue,
        online_url,
        capacity,
        sessions,
        series,
        ical_uid,
        ical_sequence,
        created_at,
        updated_at,
    })
}

pub(super) fn first_local(session: &Session, tz: &TimeZone) -> Result<jiff::civil::DateTime> {
    Ok(parse_stamp(&session.start)?.to_zoned(tz.clone()).datetime())
}

fn sessions(conn: &Connection, workshop_id: &str, tz: &TimeZone) -> Result<Vec<Session>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, starts_at, ends_at, all_day, ical_uid FROM session
         WHERE workshop_id = ?1 ORDER BY starts_at, position",
    )?;
    let rows = stmt.query_map([workshop_id], |r| {
        let start = parse_stamp(&r.get::<_, String>(2)?)?;
        let end = parse_stamp(&r.get::<_, String>(3)?)?;
        Ok(Session {
            id: r.get(0)?,
            title: r.get(1)?,
            start: stamp(start),
            end: stamp(end),
            start_local: local_text(start, tz),
            end_local: local_text(end, tz),
            all_day: r.get(4)?,
            ical_uid: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn facilitators(conn: &Connection, workshop_id: &str) -> Result<Vec<Facilitator>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, m.email FROM workshop_facilitator f JOIN member m ON m.id = f.member_id
         WHERE f.workshop_id = ?1 ORDER BY f.position",
    )?;
    let rows = stmt.query_map([workshop_id], |r| {
        Ok(Facilitator {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn exceptions(conn: &Connection, workshop_id: &str) -> Result<Vec<OccurrenceException>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.session_id, e.kind, e.occurrence_at, e.starts_at, e.ends_at
         FROM session_exception e JOIN session s ON s.id = e.session_id
         WHERE s.workshop_id = ?1 ORDER BY e.occurrence_at, s.position",
    )?;
    let rows = stmt.query_map([workshop_id], |r| {
        let kind: String = r.get(1)?;
        Ok(OccurrenceException {
            session_id: r.get(0)?,
            kind: ExceptionKind::parse(&kind).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Text,
                    format!("unknown exception kind {kind}").into(),
                )
            })?,
            occurrence_at: r.get(2)?,
            start: r.get(3)?,
            end: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a calendar shows of a workshop: when this changes, SEQUENCE goes up.
fn calendar_view(w: &Workshop) -> impl PartialEq + '_ {
    (
        (&w.title, &w.description, w.status, &w.time_zone),
        (&w.venue, &w.online_url, &w.facilitators),
        (
            &w.sessions,
            w.series.as_ref().map(|s| &s.rule),
            &w.exceptions,
        ),
    )
}

/// Whether a calendar would show `after` differently from `before`.
pub(crate) fn calendar_changed(before: &Workshop, after: &Workshop) -> bool {
    calendar_view(after) != calendar_view(before)
}

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

fn check_facilitators(tx: &Transaction, ids: &[String]) -> Result<()> {
    let mut stmt = tx.prepare_cached("SELECT 1 FROM member WHERE id = ?1")?;
    for id in ids {
        if !stmt.exists([id])? {
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

pub(crate) fn insert_session(
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

/// Inserts a cleaned workshop with new ids and UIDs; shared by the editor, duplicate and the
/// calendar import (which passes the UIDs it read).
pub(crate) fn insert(
    tx: &Transaction,
    clean: &CleanWorkshop,
    source: WorkshopSource,
    ical_uid: Option<&str>,
    ical_sequence: u32,
) -> Result<String> {
    let id = ids::workshop_id();
    let now = now();
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
        ical_uid.map(str::to_owned).unwrap_or_else(ids::ical_uid),
        ical_sequence,
        fold(&clean.title),
        now,
    ])?;
    write_people_and_tags(tx, &id, clean)?;
    for (position, session) in clean.sessions.iter().enumerate() {
        insert_session(tx, &id, position, session, &ids::ical_uid())?;
    }
    Ok(id)
}

pub fn create(tx: &Transaction, input: &WorkshopInput) -> Result<Workshop> {
    let clean = clean(input)?;
    let id = insert(tx, &clean, WorkshopSource::Manual, None, 0)?;
    get(tx, &id)
}

pub fn update(tx: &Transaction, id: &str, input: &WorkshopInput) -> Result<Workshop> {
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
            now(),
        ],
    )?;
    write_people_and_tags(tx, id, &clean)?;
    replace_sessions(tx, id, &before.sessions, &clean.sessions)?;
    super::occurrences::prune(tx, id, &before)?;
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
pub fn duplicate(tx: &Transaction, id: &str) -> Result<Workshop> {
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
    let new_id = insert(tx, &clean, WorkshopSource::Manual, None, 0)?;
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
pub fn set_status(tx: &Transaction, id: &str, status: WorkshopStatus) -> Result<Workshop> {
    let before = get(tx, id)?;
    tx.execute(
        "UPDATE workshop SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), now()],
    )?;
    raise_sequence_if_changed(tx, &before)
}

pub fn delete(tx: &Transaction, id: &str) -> Result<()> {
    if tx.execute("DELETE FROM workshop WHERE id = ?1", [id])? == 0 {
        return Err(not_found("workshop", id));
    }
    Ok(())
}
