//! One VEVENT, as `ical` parsed it, into a `ReadEvent`: text unescaped, times placed in their
//! zones, the end worked out (DTEND, DURATION or the RFC 5545 default), the RRULE validated.

use ical::parser::ical::component::IcalEvent;
use ical::property::Property;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span};

use super::lines::{invalid, ComponentLines};
use super::model::{EventTime, Person, ReadEvent, ReadStatus};
use super::text::{param, unescape_text, value};
use super::values::{parse_duration, parse_time, BadValue, Duration, RawTime};
use super::zones::Zones;
use crate::error::shown;
use crate::Result;

pub(super) fn read_event(
    event: &IcalEvent,
    lines: &ComponentLines,
    zones: &mut Zones<'_>,
) -> Result<ReadEvent> {
    let mut read = ReadEvent {
        uid: String::new(),
        line: lines.begin,
        summary: String::new(),
        description: None,
        location: None,
        url: None,
        status: None,
        sequence: 0,
        start: EventTime::Floating(DateTime::default()),
        end: EventTime::Floating(DateTime::default()),
        rrule: None,
        exdates: Vec::new(),
        rdates: Vec::new(),
        recurrence_id: None,
        organizer: None,
        attendees: Vec::new(),
        comment: None,
    };
    let mut uid = None;
    let mut start = None;
    let mut end = None;
    let mut duration = None;
    let mut rrule = None;
    for (index, property) in event.properties.iter().enumerate() {
        let line = lines.property(index);
        let text = || unescape_text(value(property).trim());
        let optional_text = || Some(text()).filter(|t| !t.is_empty());
        match property.name.to_ascii_uppercase().as_str() {
            "UID" if uid.is_none() => uid = Some(text()),
            "SUMMARY" => read.summary = text(),
            "DESCRIPTION" => read.description = optional_text(),
            "LOCATION" => read.location = optional_text(),
            "URL" => read.url = Some(value(property).trim().to_string()).filter(|u| !u.is_empty()),
            "STATUS" => {
                read.status = match value(property).trim().to_ascii_uppercase().as_str() {
                    "TENTATIVE" => Some(ReadStatus::Tentative),
                    "CONFIRMED" => Some(ReadStatus::Confirmed),
                    "CANCELLED" => Some(ReadStatus::Cancelled),
                    _ => None,
                }
            }
            "SEQUENCE" => {
                read.sequence = value(property).trim().parse().map_err(|_| {
                    invalid(
                        line,
                        format!("SEQUENCE {} is not a number", shown(value(property))),
                    )
                })?;
            }
            "DTSTART" if start.is_none() => start = Some(time(property, "DTSTART", line, zones)?),
            "DTEND" if end.is_none() => end = Some((time(property, "DTEND", line, zones)?, line)),
            "DURATION" if duration.is_none() => {
                let parsed = parse_duration(value(property))
                    .map_err(|e| invalid(line, format!("DURATION: {e}")))?;
                duration = Some((parsed, line));
            }
            "RRULE" if rrule.is_none() => rrule = Some((value(property).trim().to_string(), line)),
            "EXDATE" => read.exdates.extend(times(property, "EXDATE", line, zones)?),
            "RDATE" => read.rdates.extend(times(property, "RDATE", line, zones)?),
            "RECURRENCE-ID" => {
                read.recurrence_id = Some(time(property, "RECURRENCE-ID", line, zones)?);
            }
            "ORGANIZER" => read.organizer = Some(person(property)),
            "ATTENDEE" => read.attendees.push(person(property)),
            "COMMENT" if read.comment.is_none() => read.comment = optional_text(),
            _ => {}
        }
    }

    read.uid = uid
        .filter(|u| !u.is_empty())
        .ok_or_else(|| invalid(lines.begin, "VEVENT without UID"))?;
    read.start = start.ok_or_else(|| {
        invalid(
            lines.begin,
            format!("VEVENT {} has no DTSTART", shown(&read.uid)),
        )
    })?;
    read.end = match (end, duration) {
        (Some((end, line)), _) => {
            let utc = TimeZone::UTC;
            if end.to_timestamp(&utc) < read.start.to_timestamp(&utc) {
                return Err(invalid(line, "DTEND is before DTSTART"));
            }
            end
        }
        (None, Some((duration, line))) => add_duration(&read.start, duration)
            .map_err(|message| invalid(line, format!("DURATION: {message}")))?,
        (None, None) => match &read.start {
            EventTime::Date(date) => EventTime::Date(date.tomorrow().map_err(|_| {
                invalid(
                    lines.begin,
                    format!("DTSTART: {date} is too far in the future to place in a calendar"),
                )
            })?),
            other => other.clone(),
        },
    };
    if let Some((rule, line)) = rrule {
        validate_rrule(&rule, &read.start)
            .map_err(|e| invalid(line, format!("RRULE {} is not valid: {e}", shown(&rule))))?;
        read.rrule = Some(rule);
    }
    Ok(read)
}

fn is_date(property: &Property) -> bool {
    param(property, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
}

fn place(raw: RawTime, property: &Property, line: u32, zones: &mut Zones<'_>) -> Result<EventTime> {
    Ok(match raw {
        RawTime::Date(date) => EventTime::Date(date),
        RawTime::DateTime { local, utc: true } => EventTime::Utc(
            local
                .to_zoned(TimeZone::UTC)
                .map_err(|e| invalid(line, e.to_string()))?
                .timestamp(),
        ),
        RawTime::DateTime { local, utc: false } => match param(property, "TZID") {
            Some(tzid) => zones.time(&tzid, local, line)?,
            None => EventTime::Floating(local),
        },
    })
}

fn time(property: &Property, name: &str, line: u32, zones: &mut Zones<'_>) -> Result<EventTime> {
    let raw = parse_time(value(property), is_date(property))
        .map_err(|e| invalid(line, format!("{name}: {e}")))?;
    place(raw, property, line, zones)
}

/// Every value of an EXDATE or RDATE line. An RDATE period (`start/end` or `start/duration`)
/// counts by its start.
fn times(
    property: &Property,
    name: &str,
    line: u32,
    zones: &mut Zones<'_>,
) -> Result<Vec<EventTime>> {
    let date = is_date(property);
    value(property)
        .split(',')
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            let item = item.split('/').next().unwrap_or(item);
            let raw = parse_time(item, date).map_err(|e| invalid(line, format!("{name}: {e}")))?;
            place(raw, property, line, zones)
        })
        .collect()
}

/// ORGANIZER/ATTENDEE: the CN parameter and the address behind `mailto:` (or, for producers
/// that put a URN in the value, the EMAIL parameter of RFC 7986).
fn person(property: &Property) -> Person {
    let address = value(property).trim();
    let email = address
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map(|_| address[7..].trim().to_string())
        .or_else(|| param(property, "EMAIL"))
        .filter(|e| !e.is_empty());
    let name = param(property, "CN")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let partstat = param(property, "PARTSTAT")
        .map(|p| p.trim().to_ascii_uppercase())
        .filter(|p| !p.is_empty());
    Person {
        name,
        email,
        partstat,
    }
}

/// RFC 5545 §3.3.6: days are calendar days in the event's zone, the rest exact time.
fn add_duration(start: &EventTime, duration: Duration) -> Result<EventTime, BadValue> {
    if duration.negative {
        return Err(BadValue("an event cannot last a negative time".into()));
    }
    // The library's overflow messages name its internals; say what it means.
    let out_of_range =
        || BadValue("the event ends too far in the future to place in a calendar".into());
    let days = Span::new()
        .try_days(duration.days)
        .map_err(|_| out_of_range())?;
    let exact = SignedDuration::from_secs(duration.seconds);
    let fail = |_: jiff::Error| out_of_range();
    Ok(match start {
        EventTime::Date(date) => {
            if duration.seconds % 86_400 != 0 {
                return Err(BadValue(
                    "an all-day event lasts whole days (e.g. P1D)".into(),
                ));
            }
            let days = duration.days + duration.seconds / 86_400;
            EventTime::Date(
                date.checked_add(Span::new().try_days(days).map_err(fail)?)
                    .map_err(fail)?,
            )
        }
        EventTime::Floating(local) => EventTime::Floating(
            local
                .checked_add(days)
                .map_err(fail)?
                .checked_add(exact)
                .map_err(fail)?,
        ),
        EventTime::Utc(at) => EventTime::Utc(
            at.checked_add(SignedDuration::from_hours(duration.days.saturating_mul(24)))
                .map_err(fail)?
                .checked_add(exact)
                .map_err(fail)?,
        ),
        EventTime::Zoned { local, zone } => {
            let tz = jiff::tz::db().get(zone).map_err(fail)?;
            let end = local
                .checked_add(days)
                .map_err(fail)?
                .to_zoned(tz)
                .map_err(fail)?
                .checked_add(exact)
                .map_err(fail)?;
            EventTime::Zoned {
                local: end.datetime(),
                zone: zone.clone(),
            }
        }
    })
}

/// Parses the rule with the `rrule` crate against the event's start. The crate reads an UNTIL
/// without `Z` as local time and then wants a local DTSTART too; real files mix the forms (a
/// zoned DTSTART with a floating UNTIL), so the start is written in whichever form the UNTIL has.
fn validate_rrule(rule: &str, start: &EventTime) -> Result<(), rrule::RRuleError> {
    let until_is_local = rule.split(';').any(|part| {
        part.split_once('=').is_some_and(|(key, value)| {
            key.trim().eq_ignore_ascii_case("UNTIL")
                && !value.trim().to_ascii_uppercase().ends_with('Z')
        })
    });
    let dtstart = if until_is_local {
        let local = match start {
            EventTime::Utc(at) => at.to_zoned(TimeZone::UTC).datetime(),
            EventTime::Zoned { local, .. } | EventTime::Floating(local) => *local,
            EventTime::Date(date) => date.to_datetime(jiff::civil::Time::midnight()),
        };
        local.strftime("%Y%m%dT%H%M%S").to_string()
    } else {
        let at = start.to_timestamp(&TimeZone::UTC);
        at.strftime("%Y%m%dT%H%M%SZ").to_string()
    };
    format!("DTSTART:{dtstart}\nRRULE:{rule}")
        .parse::<rrule::RRuleSet>()
        .map(|_| ())
}
