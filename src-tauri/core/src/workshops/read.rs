//! Reading workshops: one workshop whole (sessions, series, facilitators, per-date changes),
//! and what of it a calendar shows, which decides when SEQUENCE rises.

use jiff::tz::TimeZone;
use rusqlite::{Connection, OptionalExtension};

use super::model::{
    ExceptionKind, Facilitator, OccurrenceException, Series, Session, Workshop, WorkshopStatus,
};
use super::series;
use crate::error::{CoreError, Result};
use crate::sql::bad_value;
use crate::time::{local_text, parse_stamp, stamp, zone};

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
        .ok_or_else(|| CoreError::not_found("workshop", id))?;
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

pub(crate) fn first_local(session: &Session, tz: &TimeZone) -> Result<jiff::civil::DateTime> {
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

/// The facilitators in their order, with the name and email the members' store has for them.
fn facilitators(conn: &Connection, workshop_id: &str) -> Result<Vec<Facilitator>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT member_id FROM workshop_facilitator WHERE workshop_id = ?1 ORDER BY position",
        )?
        .query_map([workshop_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        // A facilitator row without its member cannot be (it is deleted with the member).
        if let Some(contact) = crate::members::contact(conn, &id)? {
            out.push(Facilitator {
                id: contact.id,
                name: contact.name,
                email: contact.email,
            });
        }
    }
    Ok(out)
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
            kind: ExceptionKind::parse(&kind)
                .ok_or_else(|| bad_value(1, "exception kind", &kind))?,
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

/// The session with calendar UID `uid` and its workshop's id (an imported event, or one of our
/// own exports read back).
pub(crate) fn session_by_uid(conn: &Connection, uid: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, workshop_id FROM session WHERE ical_uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The workshop `session_id` belongs to, with the session.
pub(crate) fn session_context(conn: &Connection, session_id: &str) -> Result<(Workshop, Session)> {
    let workshop_id: String = conn
        .query_row(
            "SELECT workshop_id FROM session WHERE id = ?1",
            [session_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| CoreError::not_found("session", session_id))?;
    let workshop = get(conn, &workshop_id)?;
    let session = workshop
        .sessions
        .iter()
        .find(|s| s.id == session_id)
        .cloned()
        .ok_or_else(|| CoreError::not_found("session", session_id))?;
    Ok((workshop, session))
}

/// Every workshop's id, in order of its first session (then id): a whole-calendar export.
pub fn in_order_of_first_date(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT w.id FROM workshop w
             ORDER BY (SELECT min(starts_at) FROM session s WHERE s.workshop_id = w.id), w.id",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The workshops `member_id` facilitates, in order of their first session (then id).
pub fn facilitated_by(conn: &Connection, member_id: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT f.workshop_id FROM workshop_facilitator f
             WHERE f.member_id = ?1
             ORDER BY (SELECT min(starts_at) FROM session s WHERE s.workshop_id = f.workshop_id),
                      f.workshop_id",
        )?
        .query_map([member_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}
