//! Instants and wall-clock times as Guildhall stores and shows them, and the time zones they are
//! in. A leaf: every domain that handles a date uses these, and these use nothing of a domain.
//!
//! Instants are stored as RFC 3339 in UTC to the second (`2027-03-16T17:30:00Z`), which sorts as
//! text in time order; wall-clock times travel to the editor as `YYYY-MM-DDTHH:MM` in a named
//! IANA zone.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::error::{CoreError, Result};

/// An instant as stored and as the UI receives it.
pub fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored instant back, as a column conversion error when it is not one.
pub fn parse_stamp(s: &str) -> rusqlite::Result<Timestamp> {
    s.parse().map_err(|e: jiff::Error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// A wall-clock time in `tz` as the editor shows it.
pub fn local_text(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The years a date may be in: wide enough for any community's history and plans, narrow
/// enough that every date can be moved by a day, a week or a series' rule without overflowing
/// (and written as four digits, as RFC 5545 wants).
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2199;

/// A date in [`YEARS`], or a validation error on `field` in plain words.
pub fn check_year(date: jiff::civil::Date, field: &'static str) -> Result<()> {
    if YEARS.contains(&date.year()) {
        return Ok(());
    }
    Err(CoreError::invalid(
        field,
        format!(
            "{} is outside the years Guildhall plans in ({} to {}).",
            date,
            YEARS.start(),
            YEARS.end()
        ),
    ))
}

/// [`check_year`] for an instant (its date in UTC).
pub fn check_instant_year(t: Timestamp, field: &'static str) -> Result<()> {
    check_year(t.to_zoned(TimeZone::UTC).date(), field)
}

/// The zone for an IANA name, or a validation error on `timeZone`. Only names that mean the
/// same on every computer (not `localtime`; see `guildhall_ical::zone_names`).
pub fn zone(name: &str) -> Result<TimeZone> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid("timeZone", "A time zone is required."));
    }
    let unknown = || {
        CoreError::invalid(
            "timeZone",
            format!(
                "{} is not a time zone (use a name like Europe/Berlin).",
                crate::text::quoted(name)
            ),
        )
    };
    if !guildhall_ical::zone_names::is_portable(name) {
        return Err(unknown());
    }
    TimeZone::get(name).map_err(|_| unknown())
}

/// The IANA name of `tz`, or `UTC` for a zone without one (a POSIX TZ string, say).
pub fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("UTC").to_owned()
}

/// Every region zone name the tz database knows (`Europe/Berlin`, not `CET`), and `UTC`, sorted.
pub fn zone_names() -> Vec<String> {
    let mut all: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|name| (name.contains('/') && !name.starts_with("Etc/")) || name == "UTC")
        .collect();
    all.sort();
    all.dedup();
    all
}

/// A wall-clock time typed in the editor (`YYYY-MM-DDTHH:MM`, seconds optional), in
/// [`YEARS`].
pub fn parse_local(text: &str, field: &'static str) -> Result<DateTime> {
    let local = text.trim().parse::<DateTime>().map_err(|_| {
        CoreError::invalid(
            field,
            format!(
                "{} is not a date and time.",
                crate::text::quoted(text.trim())
            ),
        )
    })?;
    check_year(local.date(), field)?;
    Ok(local)
}

/// The instant of a wall-clock time in `tz`. In a DST gap the later reading is taken (02:30
/// on a spring-forward night is 03:30), in an overlap the earlier one, as calendar clients do.
pub fn instant(local: DateTime, tz: &TimeZone, field: &'static str) -> Result<Timestamp> {
    local
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| CoreError::invalid(field, e.to_string()))
}

/// An instant given as RFC 3339 (`2027-03-16T17:30:00Z`).
pub fn parse_instant(text: &str, field: &'static str) -> Result<Timestamp> {
    text.trim().parse().map_err(|_| {
        CoreError::invalid(
            field,
            format!("{} is not an RFC 3339 instant.", crate::text::quoted(text)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip_to_the_second_in_utc() {
        let t: Timestamp = "2027-03-16T18:30:00+01:00".parse().unwrap();
        assert_eq!(stamp(t), "2027-03-16T17:30:00Z");
        assert_eq!(parse_stamp(&stamp(t)).unwrap(), t);
        assert!(parse_stamp("yesterday").is_err());
    }

    #[test]
    fn dates_outside_the_planning_years_are_refused_in_plain_words() {
        assert!(parse_local("1900-01-01T00:00", "start").is_ok());
        assert!(parse_local("2199-12-31T23:59", "start").is_ok());
        for far in ["0000-12-31T00:00", "9999-12-31T10:00", "1899-12-31T23:59"] {
            let err = parse_local(far, "start").unwrap_err();
            assert!(
                err.to_string()
                    .contains("outside the years Guildhall plans in"),
                "{far}: {err}"
            );
        }
    }

    #[test]
    fn wall_clock_times_resolve_in_their_zone() {
        let berlin = zone("Europe/Berlin").unwrap();
        let t = instant(
            parse_local("2027-03-28T02:30", "start").unwrap(),
            &berlin,
            "start",
        )
        .unwrap();
        // 02:30 does not exist that night; the later reading is taken.
        assert_eq!(stamp(t), "2027-03-28T01:30:00Z");
        assert_eq!(local_text(t, &berlin), "2027-03-28T03:30");
        assert!(zone("Berlin").is_err());
        assert!(zone(" ").is_err());
        assert!(zone("localtime").is_err(), "machine-dependent");
        assert_eq!(zone_name(&TimeZone::UTC), "UTC");
        assert!(zone_names().iter().any(|z| z == "Europe/Berlin"));
    }
}
