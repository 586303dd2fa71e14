//! The workshop types shared with the UI (exported to TypeScript through specta).
//!
//! Instants cross the boundary as RFC 3339 strings in UTC (`2027-03-16T17:30:00Z`); wall-clock
//! times in the workshop's zone as `YYYY-MM-DDTHH:MM` (what an `<input type="datetime-local">`
//! gives), so the UI never does time-zone arithmetic of its own.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum WorkshopStatus {
    Draft,
    Scheduled,
    Cancelled,
    Done,
}

impl WorkshopStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
            Self::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "scheduled" => Some(Self::Scheduled),
            "cancelled" => Some(Self::Cancelled),
            "done" => Some(Self::Done),
            _ => None,
        }
    }
}

/// How a series repeats. `Custom` keeps a rule written elsewhere (an imported calendar) that the
/// simple choices cannot express.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Frequency {
    Daily,
    Weekly,
    /// On the same weekday of the month as the first session ("every second Tuesday").
    MonthlyByWeekday,
    /// On the same day of the month as the first session.
    MonthlyByDay,
    Custom,
}

/// What the organizer chose in the editor's "Repeats" section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SeriesInput {
    pub frequency: Frequency,
    /// Every `interval` days/weeks/months (1 = every).
    pub interval: u16,
    /// The last day (in the workshop's zone, `YYYY-MM-DD`) an occurrence may fall on.
    pub until: Option<String>,
    /// Or: how many occurrences in all.
    pub count: Option<u16>,
    /// Only for `Custom`: the RRULE value, e.g. `FREQ=WEEKLY;BYDAY=TU,TH`.
    pub rule: Option<String>,
}

/// A stored series: the RRULE and a sentence for people.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub rule: String,
    pub summary: String,
    /// The rule as the editor's choices (frequency `custom` when it is not one of them).
    pub input: SeriesInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInput {
    /// An existing session being edited (it keeps its calendar UID); `None` for a new one.
    pub id: Option<String>,
    pub title: String,
    /// Wall-clock time in the workshop's zone, `YYYY-MM-DDTHH:MM`; or, for an all-day
    /// session, two dates `YYYY-MM-DD`: the first day and the last day (inclusive).
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkshopInput {
    pub title: String,
    /// Markdown; shown rendered, never as HTML.
    pub description: String,
    pub status: WorkshopStatus,
    /// An IANA zone name, e.g. `Europe/Berlin`.
    pub time_zone: String,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub capacity: Option<u32>,
    pub facilitator_ids: Vec<String>,
    pub tags: Vec<String>,
    pub sessions: Vec<SessionInput>,
    pub series: Option<SeriesInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub title: String,
    /// UTC instants.
    pub start: String,
    pub end: String,
    /// The same in the workshop's zone, `YYYY-MM-DDTHH:MM`.
    pub start_local: String,
    pub end_local: String,
    pub all_day: bool,
    pub ical_uid: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ExceptionKind {
    /// The occurrence does not take place.
    Skip,
    /// The occurrence takes place at another time.
    Move,
    /// An extra date outside the rule.
    Add,
}

impl ExceptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Skip => "skip",
            Self::Move => "move",
            Self::Add => "add",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "skip" => Some(Self::Skip),
            "move" => Some(Self::Move),
            "add" => Some(Self::Add),
            _ => None,
        }
    }
}

/// A change to one occurrence of a recurring session.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OccurrenceException {
    pub session_id: String,
    pub kind: ExceptionKind,
    /// The instant the rule gives (for `add`, the added start), UTC.
    pub occurrence_at: String,
    /// Where the occurrence now is (UTC); `None` when skipped.
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Facilitator {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Workshop {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: WorkshopStatus,
    pub time_zone: String,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub capacity: Option<u32>,
    pub facilitators: Vec<Facilitator>,
    pub tags: Vec<String>,
    pub sessions: Vec<Session>,
    pub series: Option<Series>,
    pub exceptions: Vec<OccurrenceException>,
    pub ical_uid: String,
    pub ical_sequence: u32,
    pub created_at: String,
    pub updated_at: String,
}

/// One session occurrence on the schedule: a one-off session, or one date of a series.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Occurrence {
    pub workshop_id: String,
    pub session_id: String,
    pub workshop_title: String,
    pub session_title: String,
    pub status: WorkshopStatus,
    pub time_zone: String,
    /// UTC instants.
    pub start: String,
    pub end: String,
    /// In the workshop's zone, `YYYY-MM-DDTHH:MM`.
    pub start_local: String,
    pub end_local: String,
    pub all_day: bool,
    /// For a series: the instant the rule gives for this occurrence (its RECURRENCE-ID).
    pub occurrence_at: Option<String>,
    pub moved: bool,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    /// Other workshops at the same venue at an overlapping time.
    pub clashes_with: Vec<String>,
}
