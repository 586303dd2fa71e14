//! From the editor's form to a workshop we are willing to store: trimmed, bounded, validated,
//! with every wall-clock time resolved to an instant in the workshop's zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::model::{SessionInput, WorkshopInput, WorkshopStatus};
use super::series;
use crate::error::{CoreError, Result};
use crate::tags::normalize_tags;
use crate::text::{squash_whitespace, strip_unsafe};
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

/// An online link that opens in a browser: http(s), in one piece, bounded.
fn check_url(url: &str) -> Result<()> {
    if url.chars().count() > MAX_URL {
        return Err(CoreError::invalid(
            "onlineUrl",
            format!("An online link can be at most {MAX_URL} characters."),
        ));
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(CoreError::invalid(
            "onlineUrl",
            "An online link starts with https:// (or http://).",
        ));
    }
    Ok(())
}

fn optional_text(value: Option<&str>, max: usize, field: &'static str) -> Result<Option<String>> {
    let Some(text) = value
        .map(|v| squash_whitespace(&strip_unsafe(v, false)))
        .filter(|t| !t.is_empty())
    else {
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
    check_url(&url)?;
    Ok(Some(url))
}

/// The start of `day` in `tz` (midnight, or the first instant after a DST gap at midnight).
fn start_of(day: Date, tz: &TimeZone) -> Result<Timestamp> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| CoreError::invalid("sessions", e.to_string()))
}

fn clean_session(input: &SessionInput, tz: &TimeZone) -> Result<CleanSession> {
    let title = squash_whitespace(&strip_unsafe(&input.title, false));
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
            CoreError::invalid(
                "sessions",
                format!("{} is not a date.", crate::text::quoted(start_text)),
            )
        })?;
        let last: Date = end_text.parse().map_err(|_| {
            CoreError::invalid(
                "sessions",
                format!("{} is not a date.", crate::text::quoted(end_text)),
            )
        })?;
        crate::time::check_year(first, "sessions")?;
        crate::time::check_year(last, "sessions")?;
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
    let tz = zone(&input.time_zone)?;
    if input.sessions.len() > MAX_SESSIONS {
        return Err(too_many_sessions());
    }
    let mut sessions = input
        .sessions
        .iter()
        .map(|s| clean_session(s, &tz))
        .collect::<Result<Vec<_>>>()?;
    sessions.sort_by_key(|s| s.start);
    let series_rule = match (&input.series, sessions.first()) {
        (Some(choice), Some(first)) => {
            let first = first.start.to_zoned(tz.clone()).datetime();
            Some(series::build_rule(choice, first, &tz)?)
        }
        _ => None,
    };
    let mut facilitator_ids: Vec<String> = Vec::with_capacity(input.facilitator_ids.len());
    for id in &input.facilitator_ids {
        if !facilitator_ids.contains(id) {
            facilitator_ids.push(id.clone());
        }
    }
    let clean = CleanWorkshop {
        title: squash_whitespace(&strip_unsafe(&input.title, false)),
        description: strip_unsafe(&input.description, true).trim().to_owned(),
        status: input.status,
        time_zone: input.time_zone.trim().to_owned(),
        venue: optional_text(input.venue.as_deref(), MAX_VENUE, "venue")?,
        online_url: clean_url(input.online_url.as_deref())?,
        capacity: input.capacity,
        facilitator_ids,
        tags: normalize_tags(&input.tags, "workshop")?,
        sessions,
        series_rule,
    };
    check(&clean)?;
    Ok(clean)
}

fn too_many_sessions() -> CoreError {
    CoreError::invalid(
        "sessions",
        format!("A workshop can have at most {MAX_SESSIONS} sessions."),
    )
}

/// The one set of rules every workshop obeys, whoever writes it (the editor through
/// [`clean`], a calendar import, the coming inbox and door): bounded texts, a link that opens,
/// a zone every computer reads the same, one to a hundred sessions that end after they start
/// within the planning years, and a series each session can repeat by.
pub(crate) fn check(w: &CleanWorkshop) -> Result<()> {
    if w.title.is_empty() {
        return Err(CoreError::invalid("title", "A title is required."));
    }
    if w.title.chars().count() > MAX_TITLE {
        return Err(CoreError::invalid(
            "title",
            format!("A title can be at most {MAX_TITLE} characters."),
        ));
    }
    if w.description.chars().count() > MAX_DESCRIPTION {
        return Err(CoreError::invalid(
            "description",
            format!("A description can be at most {MAX_DESCRIPTION} characters."),
        ));
    }
    if let Some(venue) = &w.venue {
        if venue.chars().count() > MAX_VENUE {
            return Err(CoreError::invalid(
                "venue",
                format!("A venue can be at most {MAX_VENUE} characters."),
            ));
        }
    }
    if let Some(url) = &w.online_url {
        check_url(url)?;
    }
    if let Some(capacity) = w.capacity {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(CoreError::invalid(
                "capacity",
                format!("Capacity is 1 to {MAX_CAPACITY} people, or empty for no limit."),
            ));
        }
    }
    let tz = zone(&w.time_zone)?;
    if w.sessions.is_empty() {
        return Err(CoreError::invalid(
            "sessions",
            "A workshop needs at least one session.",
        ));
    }
    if w.sessions.len() > MAX_SESSIONS {
        return Err(too_many_sessions());
    }
    for session in &w.sessions {
        if session.title.chars().count() > MAX_TITLE {
            return Err(CoreError::invalid(
                "sessions",
                format!("A session title can be at most {MAX_TITLE} characters."),
            ));
        }
        crate::time::check_instant_year(session.start, "sessions")?;
        crate::time::check_instant_year(session.end, "sessions")?;
        if session.end <= session.start {
            return Err(CoreError::invalid(
                "sessions",
                "A session ends before it starts.",
            ));
        }
    }
    if let Some(rule) = &w.series_rule {
        // Every session repeats by the rule from its own start: each must be a start the rule
        // can have (e.g. not after the series' last day).
        for session in &w.sessions {
            let start = session.start.to_zoned(tz.clone()).datetime();
            series::validate_rule(rule, start, &tz)?;
            if series::expand(rule, start, &tz, session.start, session.start)?.is_empty() {
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
    }
    Ok(())
}
