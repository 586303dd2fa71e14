//! The neutral events the reader yields (what the caller maps into its own records), in a file
//! of their own below the parts of the reader that build them.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

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
    /// COMMENT (an attendee's words in a reply), unescaped; the first one.
    pub comment: Option<String>,
}

/// A calendar's METHOD (RFC 5546: REQUEST, REPLY, CANCEL …) with its events.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadItip {
    /// Upper-cased; `None` when the calendar says none (a plain PUBLISH-like file).
    pub method: Option<String>,
    pub events: Vec<ReadEvent>,
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
    /// The PARTSTAT parameter, upper-cased (ACCEPTED, TENTATIVE, DECLINED …).
    pub partstat: Option<String>,
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
