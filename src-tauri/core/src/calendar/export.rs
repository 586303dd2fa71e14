//! Workshops as an iCalendar file: one VEVENT per session (its own stable UID), a series as
//! RRULE with EXDATE/RDATE lines and a RECURRENCE-ID override per moved date, the workshop's
//! SEQUENCE on each, and a VTIMEZONE for every zone used.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use guildhall_ical::vtimezone::write_vtimezone;
use guildhall_ical::writer::{date_stamp, local_stamp, utc_stamp, IcsWriter};

use crate::clock::Clock;
use crate::error::Result;
use crate::time::{parse_stamp, zone};
use crate::workshops::{self, ExceptionKind, Workshop, WorkshopStatus};

pub const PRODID: &str = concat!(
    "-//Guildhall//Guildhall ",
    env!("CARGO_PKG_VERSION"),
    "//EN"
);

/// Which workshops a calendar file holds. Workshops come in order of their first session
/// (`Upcoming`: of their next date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CalendarScope {
    /// One workshop.
    Workshop { id: String },
    /// Every workshop with a date from now on (cancelled ones included, so calendars learn).
    Upcoming,
    /// The workshops one member facilitates.
    Facilitator { member_id: String },
    /// Every workshop.
    All,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarExport {
    pub workshops: u32,
    /// VEVENTs, overrides of single dates included.
    pub events: u32,
}

fn workshop_ids(conn: &Connection, scope: &CalendarScope, now: Timestamp) -> Result<Vec<String>> {
    let ids: Vec<String> = match scope {
        CalendarScope::Workshop { id } => {
            workshops::get(conn, id)?;
            vec![id.clone()]
        }
        CalendarScope::Facilitator { member_id } => {
            crate::members::get(conn, member_id)?;
            workshops::facilitated_by(conn, member_id)?
        }
        CalendarScope::All => workshops::in_order_of_first_date(conn)?,
        // In order of their next date; linear in the workshops (schedule::upcoming).
        CalendarScope::Upcoming => workshops::schedule::upcoming(conn, now)?
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
    };
    Ok(ids)
}

/// Writes the calendar for `scope` into `out`; `now` is the DTSTAMP and, for `Upcoming`, the
/// start of the future.
pub fn export(
    conn: &Connection,
    scope: &CalendarScope,
    now: Timestamp,
    out: &mut IcsWriter,
) -> Result<CalendarExport> {
    let list = workshop_ids(conn, scope, now)?
        .iter()
        .map(|id| workshops::get(conn, id))
        .collect::<Result<Vec<_>>>()?;
    write_calendar(&list, now, out)
}

/// The calendar for `scope` as text, stamped with `clock`'s now.
pub fn calendar(
    conn: &Connection,
    scope: &CalendarScope,
    clock: &Clock,
) -> Result<(String, CalendarExport)> {
    let mut out = IcsWriter::new();
    let written = export(conn, scope, clock.now(), &mut out)?;
    Ok((out.finish(), written))
}

/// One person's copy of one session, as an iTIP message (RFC 5546) sends it: the sender as
/// ORGANIZER, that person alone as ATTENDEE, the SEQUENCE their calendar is to have.
#[derive(Debug, Clone)]
pub struct Itip<'a> {
    pub session_id: &'a str,
    pub sequence: u32,
    /// METHOD:CANCEL (STATUS:CANCELLED) rather than REQUEST.
    pub cancel: bool,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
    /// A facilitator: ROLE=CHAIR rather than REQ-PARTICIPANT.
    pub chair: bool,
    /// RFC 5545 PARTSTAT: NEEDS-ACTION until they answer.
    pub partstat: &'a str,
}

/// The calendar of one invitation message: METHOD:REQUEST (or CANCEL), the session's VEVENT
/// (with its series and moved dates) for one attendee, and its VTIMEZONE.
pub fn itip_calendar(workshop: &Workshop, itip: &Itip, now: Timestamp) -> Result<String> {
    let mut w = IcsWriter::with_capacity(4096);
    let only = Workshop {
        sessions: workshop
            .sessions
            .iter()
            .filter(|s| s.id == itip.session_id)
            .cloned()
            .collect(),
        ..workshop.clone()
    };
    let method = if itip.cancel { "CANCEL" } else { "REQUEST" };
    write_calendar_with(&[only], now, &mut w, method, Some(itip))?;
    Ok(w.finish())
}

/// The calendar of the given workshops.
pub fn write_calendar(
    list: &[Workshop],
    now: Timestamp,
    w: &mut IcsWriter,
) -> Result<CalendarExport> {
    write_calendar_with(list, now, w, "PUBLISH", None)
}

fn write_calendar_with(
    list: &[Workshop],
    now: Timestamp,
    w: &mut IcsWriter,
    method: &str,
    itip: Option<&Itip>,
) -> Result<CalendarExport> {
    w.begin("VCALENDAR");
    w.raw("VERSION", &[], "2.0");
    w.raw("PRODID", &[], PRODID);
    w.raw("CALSCALE", &[], "GREGORIAN");
    w.raw("METHOD", &[], method);

    // One VTIMEZONE per zone, covering every session of every workshop in that zone.
    let mut spans: BTreeMap<&str, (Timestamp, Timestamp)> = BTreeMap::new();
    for workshop in list {
        if let Some((from, until)) = time_span(workshop, now)? {
            let span = spans.entry(&workshop.time_zone).or_insert((from, until));
            span.0 = span.0.min(from);
            span.1 = span.1.max(until);
        }
    }
    for (zone, (from, until)) in &spans {
        write_vtimezone(w, zone, *from, *until)?;
    }

    let stamp = utc_stamp(now);
    let mut events = 0;
    for workshop in list {
        events += write_workshop(w, workshop, &stamp, itip)?;
    }
    w.end("VCALENDAR");
    Ok(CalendarExport {
        workshops: list.len() as u32,
        events,
    })
}

/// From the first session to the last date the workshop can have (an open series: ten years
/// from now), for its VTIMEZONE.
fn time_span(workshop: &Workshop, now: Timestamp) -> Result<Option<(Timestamp, Timestamp)>> {
    let mut from: Option<Timestamp> = None;
    let mut until: Option<Timestamp> = None;
    for session in &workshop.sessions {
        let start = parse_stamp(&session.start)?;
        let end = parse_stamp(&session.end)?;
        from = Some(from.map_or(start, |f| f.min(start)));
        until = Some(until.map_or(end, |u| u.max(end)));
    }
    for e in &workshop.exceptions {
        if let Some(end) = &e.end {
            let end = parse_stamp(end)?;
            until = Some(until.map_or(end, |u| u.max(end)));
        }
    }
    if workshop.series.is_some() {
        let horizon = now.max(until.unwrap_or(now));
        let ten_years = horizon
            .to_zoned(TimeZone::UTC)
            .checked_add(10.years())
            .map(|z| z.timestamp())
            .unwrap_or(horizon);
        until = Some(until.map_or(ten_years, |u| u.max(ten_years)));
    }
    Ok(from.zip(until))
}

fn status_text(status: WorkshopStatus) -> &'static str {
    match status {
        WorkshopStatus::Draft => "TENTATIVE",
        WorkshopStatus::Scheduled | WorkshopStatus::Done => "CONFIRMED",
        WorkshopStatus::Cancelled => "CANCELLED",
    }
}

/// The VEVENTs of one workshop; returns how many.
fn write_workshop(
    w: &mut IcsWriter,
    workshop: &Workshop,
    dtstamp: &str,
    itip: Option<&Itip>,
) -> Result<u32> {
    let sequence = itip
        .map_or(workshop.ical_sequence, |i| i.sequence)
        .to_string();
    let tz = zone(&workshop.time_zone)?;
    let zone = workshop.time_zone.as_str();
    let local = |t: Timestamp| local_stamp(t.to_zoned(tz.clone()).datetime());
    let mut events = 0;
    for session in &workshop.sessions {
        let start = parse_stamp(&session.start)?;
        let end = parse_stamp(&session.end)?;
        let times = |w: &mut IcsWriter, start: Timestamp, end: Timestamp| {
            if session.all_day {
                let day = |t: Timestamp| date_stamp(t.to_zoned(tz.clone()).date());
                w.raw("DTSTART", &[("VALUE", "DATE")], &day(start));
                w.raw("DTEND", &[("VALUE", "DATE")], &day(end));
            } else {
                w.raw("DTSTART", &[("TZID", zone)], &local(start));
                w.raw("DTEND", &[("TZID", zone)], &local(end));
            }
        };
        let recurrence_id = |w: &mut IcsWriter, at: Timestamp| {
            if session.all_day {
                let day = date_stamp(at.to_zoned(tz.clone()).date());
                w.raw("RECURRENCE-ID", &[("VALUE", "DATE")], &day);
            } else {
                w.raw("RECURRENCE-ID", &[("TZID", zone)], &local(at));
            }
        };

        w.begin("VEVENT");
        w.raw("UID", &[], &session.ical_uid);
        w.raw("DTSTAMP", &[], dtstamp);
        w.raw("SEQUENCE", &[], &sequence);
        times(w, start, end);
        if let Some(series) = &workshop.series {
            let rule =
                workshops::series::for_session(&series.rule, start.to_zoned(tz.clone()).datetime());
            let rule = if session.all_day {
                workshops::series::with_date_until(&rule, &tz)
            } else {
                rule
            };
            w.raw("RRULE", &[], &rule);
            for e in workshop
                .exceptions
                .iter()
                .filter(|e| e.session_id == session.id)
            {
                let at = parse_stamp(&e.occurrence_at)?;
                match e.kind {
                    ExceptionKind::Skip if session.all_day => {
                        let day = date_stamp(at.to_zoned(tz.clone()).date());
                        w.raw("EXDATE", &[("VALUE", "DATE")], &day);
                    }
                    ExceptionKind::Skip => w.raw("EXDATE", &[("TZID", zone)], &local(at)),
                    ExceptionKind::Add if session.all_day => {
                        let day = date_stamp(at.to_zoned(tz.clone()).date());
                        w.raw("RDATE", &[("VALUE", "DATE")], &day);
                    }
                    ExceptionKind::Add => w.raw("RDATE", &[("TZID", zone)], &local(at)),
                    ExceptionKind::Move => {}
                }
            }
        }
        describe(w, workshop, &session.title, itip);
        w.end("VEVENT");
        events += 1;

        // A moved date: the same UID, RECURRENCE-ID naming the date the rule gives.
        if workshop.series.is_some() {
            for e in workshop
                .exceptions
                .iter()
                .filter(|e| e.session_id == session.id && e.kind == ExceptionKind::Move)
            {
                let (Some(s), Some(f)) = (&e.start, &e.end) else {
                    continue;
                };
                w.begin("VEVENT");
                w.raw("UID", &[], &session.ical_uid);
                w.raw("DTSTAMP", &[], dtstamp);
                w.raw("SEQUENCE", &[], &sequence);
                recurrence_id(w, parse_stamp(&e.occurrence_at)?);
                times(w, parse_stamp(s)?, parse_stamp(f)?);
                describe(w, workshop, &session.title, itip);
                w.end("VEVENT");
                events += 1;
            }
        }
    }
    Ok(events)
}

/// The properties every VEVENT of a workshop shares.
fn describe(w: &mut IcsWriter, workshop: &Workshop, session_title: &str, itip: Option<&Itip>) {
    let summary = if session_title.is_empty() {
        workshop.title.clone()
    } else {
        format!("{} · {}", workshop.title, session_title)
    };
    w.text("SUMMARY", &[], &summary);
    if !workshop.description.is_empty() {
        w.text("DESCRIPTION", &[], &workshop.description);
    }
    match (&workshop.venue, &workshop.online_url) {
        (Some(venue), _) => w.text("LOCATION", &[], venue),
        (None, Some(url)) => w.text("LOCATION", &[], url),
        (None, None) => {}
    }
    if let Some(url) = &workshop.online_url {
        w.raw("URL", &[("VALUE", "URI")], url);
    }
    let status = match itip {
        Some(i) if i.cancel => "CANCELLED",
        _ => status_text(workshop.status),
    };
    w.raw("STATUS", &[], status);
    for tag in &workshop.tags {
        w.text("CATEGORIES", &[], tag);
    }
    if let Some(i) = itip {
        // iTIP: the sender organizes; this message's one recipient is the one attendee
        // (RFC 6047: a client answers for the ATTENDEE the mail was sent to).
        w.raw(
            "ORGANIZER",
            &[("CN", i.organizer_name)],
            &format!("mailto:{}", i.organizer_email),
        );
        let role = if i.chair { "CHAIR" } else { "REQ-PARTICIPANT" };
        w.raw(
            "ATTENDEE",
            &[
                ("CN", i.attendee_name),
                ("ROLE", role),
                ("PARTSTAT", i.partstat),
                ("RSVP", "TRUE"),
            ],
            &format!("mailto:{}", i.attendee_email),
        );
        return;
    }
    let mut people = workshop.facilitators.iter().filter(|f| f.email.is_some());
    if let Some(first) = people.next() {
        let email = first.email.as_deref().unwrap_or_default();
        w.raw(
            "ORGANIZER",
            &[("CN", &first.name)],
            &format!("mailto:{email}"),
        );
    }
    for person in workshop.facilitators.iter().filter(|f| f.email.is_some()) {
        let email = person.email.as_deref().unwrap_or_default();
        w.raw(
            "ATTENDEE",
            &[
                ("CN", &person.name),
                ("ROLE", "CHAIR"),
                ("PARTSTAT", "ACCEPTED"),
            ],
            &format!("mailto:{email}"),
        );
    }
}
