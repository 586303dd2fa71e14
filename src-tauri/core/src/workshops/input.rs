//! From the editor's form to a workshop we are willing to store: trimmed, bounded, validated,
//! with every wall-clock time resolved to an instant in the workshop's zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::model::{SessionInput, WorkshopInput, WorkshopStatus};
use super::series;
use crate::error::{CoreError, Result};
use crate::tags::normalize_tags;
use crate::text::squash_whitespace;
use crate::time::{instant, parse_local, zone};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 50_000;
const MAX_VENUE: usize = 300;
const MAX_URL: usize = 2_000;
const MAX_SESSIONS: usize = 100;
const MAX_CAPACITY: u32 = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CleanSession {
    pub id: Option<String>,
    pub title: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub all_day: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct CleanWorkshop {
    pub title: String,
    pub description: String,
    pub status: WorkshopStatus,
    pub time_zone: String,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub capacity: Option<u32>,
    pub facilitator_ids: Vec<String>,
    pub tags: Vec<String>,
    /// In order of start.
    pub sessions: Vec<CleanSession>,
    pub series_rule: Option<String>,
}

fn optional_text(value: Option<&str>, max: usize, field: &'static str) -> Result<Option<String>> {
    let Some(text) = value.map(squash_whitespace).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(CoreError::invalid(
            field,
            format!("This can be at most {max} characters."),
        ));
    }
    Ok(Some(text))
}

fn clean_url(value: Option<&str>) -> Result<Option<String>> {
    let Some(url) = optional_text(value, MAX_URL, "onlineUrl")? else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(' ') {
        return Err(CoreError::invalid(
            "onlineUrl",
            "An online link starts with https:// (or http://).",
        ));
    }
    Ok(Some(url))
}

/// The start of `day` in `tz` (midnight, or the first instant after a DST gap at midnight).
fn start_of(day: Date, tz: &TimeZone) -> Result<Timestamp> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| CoreError::invalid("sessions", e.to_string()))
}

fn clean_session(input: &SessionInput, tz: &TimeZone) -> Result<CleanSession> {
    let title = squash_whitespace(&input.title);
    if title.chars().count() > MAX_TITLE {
        return Err(CoreError::invalid(
            "sessions",
            format!("A session title can be at most {MAX_TITLE} characters."),
        ));
    }
    let name = if title.is_empty() {
        "A session"
    } else {
        &title
    };
    let (start_text, end_text) = (input.start.trim(), input.end.trim());
    // Two dates (`YYYY-MM-DD`) make an all-day session from the first day to the last.
    let all_day = start_text.len() == 10 && end_text.len() == 10;
    let (start, end) = if all_day {
        let first: Date = start_text.parse().map_err(|_| {
            CoreError::invalid("sessions", format!("“{start_text}” is not a date."))
        })?;
        let last: Date = end_text
            .parse()
            .map_err(|_| CoreError::invalid("sessions", format!("“{end_text}” is not a date.")))?;
        if last < first {
            return Err(CoreError::invalid(
                "sessions",
                format!("{name} ends before it starts."),
            ));
        }
        let after = last
            .tomorrow()
            .map_err(|e| CoreError::invalid("sessions", e.to_string()))?;
        (start_of(first, tz)?, start_of(after, tz)?)
    } else {
        (
            instant(parse_local(start_text, "sessions")?, tz, "sessions")?,
            instant(parse_local(end_text, "sessions")?, tz, "sessions")?,
        )
    };
    if end <= start {
        return Err(CoreError::invalid(
            "sessions",
            format!("{name} ends before it starts."),
        ));
    }
    Ok(CleanSession {
        id: input.id.clone().filter(|id| !id.is_empty()),
        title,
        start,
        end,
        all_day,
    })
}

pub(crate) fn clean(input: &WorkshopInput) -> Result<CleanWorkshop> {
    let title = squash_whitespace(&input.title);
    if title.is_empty() {
        return Err(CoreError::invalid("title", "A title is required."));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(CoreError::invalid(
            "title",
            format!("A title can be at most {MAX_TITLE} characters."),
        ));
    }
    let description = input.description.trim().replace("\r\n", "\n");
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(CoreError::invalid(
            "description",
            format!("A description can be at most {MAX_DESCRIPTION} characters."),
        ));
    }
    let tz = zone(&input.time_zone)?;
    let time_zone = input.time_zone.trim().to_owned();
    if let Some(capacity) = input.capacity {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(CoreError::invalid(
                "capacity",
                format!("Capacity is 1 to {MAX_CAPACITY} people, or empty for no limit."),
            ));
        }
    }
    if input.sessions.is_empty() {
        return Err(CoreError::invalid(
            "sessions",
            "A workshop needs at least one session.",
        ));
    }
    if input.sessions.len() > MAX_SESSIONS {
        return Err(CoreError::invalid(
            "sessions",
            format!("A workshop can have at most {MAX_SESSIONS} sessions."),
        ));
    }
    let mut sessions = input
        .sessions
        .iter()
        .map(|s| clean_session(s, &tz))
        .collect::<Result<Vec<_>>>()?;
    sessions.sort_by_key(|s| s.start);
    let series_rule = match &input.series {
        Some(choice) => {
            let first = sessions[0].start.to_zoned(tz.clone()).datetime();
            let rule = series::build_rule(choice, first, &tz)?;
            // Every session repeats by the rule from its own start: each must be a start the
            // rule can have (e.g. not after the series' last day).
            for session in &sessions[1..] {
                let start = session.start.to_zoned(tz.clone()).datetime();
                let fits = series::validate_rule(&rule, start, &tz).is_ok()
                    && !series::expand(&rule, start, &tz, session.start, session.start)?.is_empty();
                if !fits {
                    return Err(CoreError::invalid(
                        "series",
                        format!(
                            "The session on {} is after the series ends; end the series later \
                             or remove that session.",
                            start.date()
                        ),
                    ));
                }
            }
            Some(rule)
        }
        None => None,
    };
    let mut facilitator_ids: Vec<String> = Vec::with_capacity(input.facilitator_ids.len());
    for id in &input.facilitator_ids {
        if !facilitator_ids.contains(id) {
            facilitator_ids.push(id.clone());
        }
    }
    Ok(CleanWorkshop {
        title,
        description,
        status: input.status,
        time_zone,
        venue: optional_text(input.venue.as_deref(), MAX_VENUE, "venue")?,
        online_url: clean_url(input.online_url.as_deref())?,
        capacity: input.capacity,
        facilitator_ids,
        tags: normalize_tags(&input.tags, "workshop")?,
        sessions,
        series_rule,
    })
}
