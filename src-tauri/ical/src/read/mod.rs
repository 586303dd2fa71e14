//! Reading .ics files (Google Calendar, Outlook, Apple Calendar, Meetup and Luma feeds) into
//! neutral events that the caller maps into workshops. Nothing here knows about workshops.
//!
//! The `ical` crate splits lines into properties and components. Around it: `lines` unfolds and
//! checks the structure first (so errors carry line numbers and folds are handled right), `text`
//! unescapes what `ical` leaves escaped, `zones` turns TZIDs into IANA zones, and `event` builds
//! each event. A malformed file is an error as a whole: the caller imports nothing from it.

mod custom_zone;
mod event;
mod lines;
mod text;
mod values;
mod windows_zones;
mod zones;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::{IcalError, Result};

/// One VEVENT. An override of one occurrence (RECURRENCE-ID) is its own `ReadEvent` with the
/// series' UID.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadEvent {
    pub uid: String,
    /// The line of its BEGIN:VEVENT in the file, 1-based.
    pub line: u32,
    /// Unescaped; "" when absent.
    pub summary: String,
    /// Unescaped, with real newlines.
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub status: Option<ReadStatus>,
    /// 0 when absent.
    pub sequence: i64,
    pub start: EventTime,
    /// DTEND, or DTSTART + DURATION, or RFC 5545's default: the next day for an all-day event,
    /// the start itself otherwise.
    pub end: EventTime,
    /// The RRULE value as written; it parses with the `rrule` crate.
    pub rrule: Option<String>,
    /// Every value of every EXDATE line.
    pub exdates: Vec<EventTime>,
    pub rdates: Vec<EventTime>,
    pub recurrence_id: Option<EventTime>,
    pub organizer: Option<Person>,
    pub attendees: Vec<Person>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStatus {
    Tentative,
    Confirmed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The CN parameter, RFC 6868-decoded.
    pub name: Option<String>,
    /// The address without `mailto:`.
    pub email: Option<String>,
}

/// A time as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventTime {
    /// Written with `Z`, or in a zone the file defines only by its own VTIMEZONE rules.
    Utc(Timestamp),
    /// Local time in an IANA zone (whatever the TZID looked like in the file).
    Zoned { local: DateTime, zone: String },
    /// No zone: the same wall-clock time wherever the reader is.
    Floating(DateTime),
    /// An all-day value (VALUE=DATE).
    Date(Date),
}

impl EventTime {
    /// The instant; floating times and dates (at midnight) are read in `fallback_zone`.
    pub fn to_timestamp(&self, fallback_zone: &TimeZone) -> Timestamp {
        let local = match self {
            EventTime::Utc(at) => return *at,
            EventTime::Zoned { local, zone } => {
                // The reader only produces zones the tz database has.
                if let Ok(tz) = jiff::tz::db().get(zone) {
                    if let Ok(at) = tz.to_timestamp(*local) {
                        return at;
                    }
                }
                *local
            }
            EventTime::Floating(local) => *local,
            EventTime::Date(date) => date.to_datetime(jiff::civil::Time::midnight()),
        };
        fallback_zone
            .to_timestamp(local)
            .or_else(|_| TimeZone::UTC.to_timestamp(local))
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Reads every VEVENT of an .ics file (all its VCALENDARs), in file order. VTODO, VJOURNAL,
/// VFREEBUSY, VALARM and unknown components are skipped; X- properties are ignored.
pub fn read_calendar(bytes: &[u8]) -> Result<Vec<ReadEvent>> {
    let prepared = lines::prepare(bytes)?;
    let mut calendars = Vec::new();
    for calendar in ical::IcalParser::new(prepared.text.as_bytes()) {
        calendars.push(calendar.map_err(|e| parser_error(e, &prepared.lines))?);
    }
    let events = calendars.iter().flat_map(|c| &c.events);
    let timezones = calendars.iter().flat_map(|c| &c.timezones);
    let mut zones = zones::Zones::new(timezones.zip(&prepared.timezones));
    events
        .zip(&prepared.events)
        .map(|(event, lines)| event::read_event(event, lines, &mut zones))
        .collect()
}

/// `ical`'s errors, with its line (counted in the text we gave it) mapped back to the file's.
fn parser_error(error: ical::parser::ParserError, lines: &[u32]) -> IcalError {
    use ical::parser::ParserError;
    use ical::property::PropertyError;
    let ParserError::PropertyError(error) = error else {
        // The structure was checked before `ical` saw the text; this is a bug if it happens.
        return IcalError::InvalidFile {
            line: None,
            message: format!("the calendar could not be read ({error})"),
        };
    };
    let (line, message) = match error {
        PropertyError::MissingName { line } => (line, "a line without a property name".into()),
        PropertyError::MissingClosingQuote { line } => {
            (line, "a parameter value without its closing quote".into())
        }
        PropertyError::MissingDelimiter { line, delimiter } => {
            (line, format!("a parameter without \"{delimiter}\""))
        }
        PropertyError::MissingContentAfter { line, .. } => {
            (line, "a property without a value (no \":\")".into())
        }
        PropertyError::MissingParamKey { line } => (line, "a parameter without a name".into()),
    };
    IcalError::InvalidFile {
        line: line
            .checked_sub(1)
            .and_then(|index| lines.get(index))
            .copied(),
        message,
    }
}
