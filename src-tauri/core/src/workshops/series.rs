//! Recurring series: the editor's choices to an RRULE and back, a sentence for people, and the
//! expansion into occurrences. The recurrence maths is the `rrule` crate's; this module only
//! builds its input and converts instants between it (chrono) and the rest of the core (jiff).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rrule::RRuleSet;

use guildhall_ical::writer::weekday_code;

use super::model::{Frequency, SeriesInput, Session};
use crate::error::{CoreError, Result};
use crate::time::parse_stamp;

/// The most occurrences one session expands to in one query (about 20 years of a weekly series).
const MAX_OCCURRENCES: u16 = 1000;
const MAX_INTERVAL: u16 = 99;
const MAX_COUNT: u16 = 999;

fn weekday_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "MO" => "Monday",
        "TU" => "Tuesday",
        "WE" => "Wednesday",
        "TH" => "Thursday",
        "FR" => "Friday",
        "SA" => "Saturday",
        "SU" => "Sunday",
        _ => return None,
    })
}

/// Which weekday of its month `date` is: 1 to 4, or -1 for the last when it is the fifth.
fn nth_weekday(date: Date) -> i8 {
    let nth = (date.day() - 1) / 7 + 1;
    if nth >= 5 {
        -1
    } else {
        nth
    }
}

/// The RRULE value for the editor's choices; `first` is the first session's start on the wall
/// clock of `tz`. `UNTIL` is the last instant of the chosen day in `tz`, written in UTC as RFC
/// 5545 requires with a zoned DTSTART.
pub fn build_rule(input: &SeriesInput, first: DateTime, tz: &TimeZone) -> Result<String> {
    if input.frequency == Frequency::Custom {
        let rule = input
            .rule
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| CoreError::invalid("series", "A custom series needs its rule."))?;
        let rule = rule.strip_prefix("RRULE:").unwrap_or(rule).to_owned();
        validate_rule(&rule, first, tz)?;
        return Ok(rule);
    }
    if input.interval == 0 || input.interval > MAX_INTERVAL {
        return Err(CoreError::invalid(
            "series",
            format!("Repeat every 1 to {MAX_INTERVAL}."),
        ));
    }
    let mut rule = match input.frequency {
        Frequency::Daily => "FREQ=DAILY".to_owned(),
        // Weekly and monthly-by-day follow each session's own start (RFC 5545 takes the
        // missing BYDAY / BYMONTHDAY from DTSTART), so every session of a multi-session series
        // keeps its own weekday or day; a BYDAY like `2TU` is adapted per session by
        // [`for_session`].
        Frequency::Weekly => "FREQ=WEEKLY".to_owned(),
        Frequency::MonthlyByWeekday => format!(
            "FREQ=MONTHLY;BYDAY={}{}",
            nth_weekday(first.date()),
            weekday_code(first.weekday())
        ),
        Frequency::MonthlyByDay => "FREQ=MONTHLY".to_owned(),
        Frequency::Custom => unreachable!("handled above"),
    };
    if input.interval > 1 {
        rule.push_str(&format!(";INTERVAL={}", input.interval));
    }
    let until = input
        .until
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    match (until, input.count) {
        (Some(_), Some(_)) => {
            return Err(CoreError::invalid(
                "series",
                "Choose an end date or a number of dates, not both.",
            ))
        }
        (Some(day), None) => {
            let day: Date = day
                .parse()
                .map_err(|_| CoreError::invalid("series", "The end date is not a date."))?;
            if day < first.date() {
                return Err(CoreError::invalid(
                    "series",
                    "The series ends before its first session.",
                ));
            }
            let last = day
                .at(23, 59, 59, 0)
                .to_zoned(tz.clone())
                .map_err(|e| CoreError::invalid("series", e.to_string()))?
                .timestamp();
            rule.push_str(&format!(";UNTIL={}", last.strftime("%Y%m%dT%H%M%SZ")));
        }
        (None, Some(count)) => {
            if count == 0 || count > MAX_COUNT {
                return Err(CoreError::invalid(
                    "series",
                    format!("A series has 1 to {MAX_COUNT} dates."),
                ));
            }
            rule.push_str(&format!(";COUNT={count}"));
        }
        (None, None) => {}
    }
    validate_rule(&rule, first, tz)?;
    Ok(rule)
}

/// The rule as one session of the series repeats it: a monthly "nth weekday" rule written for
/// the workshop's first session (`BYDAY=2TU`) becomes the nth weekday of this session's start;
/// every other rule is the same for all sessions.
pub fn for_session(rule: &str, session_first: DateTime) -> String {
    let parts = parts(rule);
    let monthly = parts.contains(&("FREQ", "MONTHLY"));
    let by: Vec<&(&str, &str)> = parts.iter().filter(|(k, _)| k.starts_with("BY")).collect();
    let nth_weekday_rule = by.len() == 1
        && by[0].0 == "BYDAY"
        && by[0].1.len() > 2
        && by[0].1[..by[0].1.len() - 2]
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit());
    if !(monthly && nth_weekday_rule) {
        return rule.to_owned();
    }
    let byday = format!(
        "{}{}",
        nth_weekday(session_first.date()),
        weekday_code(session_first.weekday())
    );
    parts
        .iter()
        .map(|(k, v)| {
            if *k == "BYDAY" {
                format!("BYDAY={byday}")
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The same rule with an UTC `UNTIL` written as the local date it falls on: what RFC 5545 wants
/// beside an all-day (DATE) DTSTART.
pub fn with_date_until(rule: &str, tz: &TimeZone) -> String {
    rule.split(';')
        .map(|part| match part.split_once('=') {
            Some(("UNTIL", value)) => match parse_until(value, tz) {
                Some(day) => format!("UNTIL={}", day.strftime("%Y%m%d")),
                None => part.to_owned(),
            },
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn bad_rule(message: impl Into<String>) -> CoreError {
    CoreError::invalid("series", message)
}

/// A list of integers each within `lo..=hi` (negative ones counting from the end), never 0.
fn check_numbers(key: &str, value: &str, lo: i32, hi: i32) -> Result<()> {
    for item in value.split(',') {
        let n: i32 = item.parse().map_err(|_| {
            bad_rule(format!(
                "{key} takes numbers; {} is not one.",
                crate::text::quoted(item)
            ))
        })?;
        if n == 0 || n < -hi || n > hi || (lo > 0 && n < lo) {
            return Err(bad_rule(format!(
                "{key} takes numbers from {lo} to {hi}; not {n}."
            )));
        }
    }
    Ok(())
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// The rules Guildhall repeats by, checked as RFC 5545 §3.3.10 defines them: one line of
/// `KEY=VALUE` parts, each key once, a FREQ of daily or slower, INTERVAL and COUNT bounded,
/// not both COUNT and UNTIL, BY-lists in range and allowed for their FREQ. A rule may not add
/// times within a day (BYHOUR, BYMINUTE, BYSECOND): a workshop's session happens at its own
/// time, and such a rule could make 86,400 "workshops" a day.
fn check_rule(rule: &str) -> Result<()> {
    if rule.is_empty()
        || !rule
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=;,+-:".contains(&b))
    {
        return Err(bad_rule(
            "A repeat rule is written like FREQ=WEEKLY;BYDAY=TU,TH (letters, digits and = ; , + - :).",
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut freq = None;
    for part in rule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            return Err(bad_rule(format!(
                "{} is not KEY=VALUE.",
                crate::text::quoted(part)
            )));
        };
        if seen.contains(&key) {
            return Err(bad_rule(format!("{key} is given twice.")));
        }
        seen.push(key);
        if value.is_empty() {
            return Err(bad_rule(format!("{key} has no value.")));
        }
        match key {
            "FREQ" => freq = Some(value),
            "INTERVAL" => match value.parse::<u16>() {
                Ok(n) if (1..=MAX_INTERVAL).contains(&n) => {}
                _ => {
                    return Err(bad_rule(format!(
                        "INTERVAL is a whole number from 1 to {MAX_INTERVAL}."
                    )))
                }
            },
            "COUNT" => match value.parse::<u16>() {
                Ok(n) if (1..=MAX_COUNT).contains(&n) => {}
                _ => return Err(bad_rule(format!("A series has 1 to {MAX_COUNT} dates."))),
            },
            "UNTIL" => check_until(value)?,
            "BYSECOND" | "BYMINUTE" | "BYHOUR" => {
                return Err(bad_rule(
                    "A workshop repeats at its session's time: a rule cannot add times within \
                     a day (BYHOUR, BYMINUTE, BYSECOND).",
                ))
            }
            "BYDAY" => {
                for item in value.split(',') {
                    let day = item.get(item.len().saturating_sub(2)..).unwrap_or_default();
                    let nth = &item[..item.len() - day.len()];
                    if !WEEKDAYS.contains(&day) {
                        return Err(bad_rule(format!(
                            "{} is not a weekday (MO … SU).",
                            crate::text::quoted(item)
                        )));
                    }
                    if !nth.is_empty() {
                        check_numbers("BYDAY", nth.trim_start_matches('+'), -53, 53)?;
                    }
                }
            }
            "BYMONTHDAY" => check_numbers(key, value, -31, 31)?,
            "BYYEARDAY" => check_numbers(key, value, -366, 366)?,
            "BYWEEKNO" => check_numbers(key, value, -53, 53)?,
            "BYMONTH" => check_numbers(key, value, 1, 12)?,
            "BYSETPOS" => check_numbers(key, value, -366, 366)?,
            "WKST" => {
                if !WEEKDAYS.contains(&value) {
                    return Err(bad_rule("WKST is a weekday (MO … SU)."));
                }
            }
            other => return Err(bad_rule(format!("{other} is not part of a repeat rule."))),
        }
    }
    let freq = match freq {
        Some(f @ ("DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY")) => f,
        Some(other) => {
            return Err(bad_rule(format!(
                "Workshops repeat daily, weekly, monthly or yearly; this rule repeats {}.",
                other.to_ascii_lowercase()
            )))
        }
        None => return Err(bad_rule("A repeat rule needs a FREQ (e.g. FREQ=WEEKLY).")),
    };
    let has = |key: &str| seen.contains(&key);
    if has("COUNT") && has("UNTIL") {
        return Err(bad_rule(
            "A series ends after a number of dates or on a day, not both.",
        ));
    }
    // RFC 5545 §3.3.10: which BY-lists go with which FREQ.
    if has("BYMONTHDAY") && freq == "WEEKLY" {
        return Err(bad_rule(
            "A weekly rule cannot name days of the month (BYMONTHDAY).",
        ));
    }
    if has("BYYEARDAY") && freq != "YEARLY" {
        return Err(bad_rule(
            "Only a yearly rule can name days of the year (BYYEARDAY).",
        ));
    }
    if has("BYWEEKNO") && freq != "YEARLY" {
        return Err(bad_rule(
            "Only a yearly rule can name weeks of the year (BYWEEKNO).",
        ));
    }
    let numbered_day = rule
        .split(';')
        .any(|p| p.starts_with("BYDAY=") && p[6..].split(',').any(|d| d.len() > 2));
    if numbered_day && !matches!(freq, "MONTHLY" | "YEARLY") {
        return Err(bad_rule(
            "Only a monthly or yearly rule can name the nth weekday (like 2TU).",
        ));
    }
    if has("BYSETPOS")
        && !["BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH"]
            .iter()
            .any(|k| has(k))
    {
        return Err(bad_rule("BYSETPOS needs another BY-list to pick from."));
    }
    Ok(())
}

/// UNTIL as RFC 5545 writes it (a date, or a date-time in UTC or floating), in the planning
/// years.
fn check_until(value: &str) -> Result<()> {
    let date = match value.len() {
        8 => Date::strptime("%Y%m%d", value).ok(),
        15 | 16 => DateTime::strptime("%Y%m%dT%H%M%S", value.trim_end_matches('Z'))
            .ok()
            .map(|d| d.date()),
        _ => None,
    }
    .ok_or_else(|| {
        bad_rule(format!(
            "UNTIL={value} is not a date (YYYYMMDD or YYYYMMDDTHHMMSSZ)."
        ))
    })?;
    crate::time::check_year(date, "series")
}

fn rule_set(rule: &str, first: DateTime, tz: &TimeZone) -> Result<RRuleSet> {
    check_rule(rule)?;
    let zone = tz
        .iana_name()
        .ok_or_else(|| CoreError::invalid("timeZone", "The time zone has no IANA name."))?;
    let text = format!(
        "DTSTART;TZID={zone}:{}\nRRULE:{}",
        first.strftime("%Y%m%dT%H%M%S"),
        for_session(rule, first)
    );
    text.parse::<RRuleSet>()
        .map_err(|e| CoreError::invalid("series", format!("The repeat rule is not valid: {e}")))
}

/// Checks that `rule` is one Guildhall repeats by, and that the rrule crate accepts it for a
/// session starting at `first` in `tz`.
pub fn validate_rule(rule: &str, first: DateTime, tz: &TimeZone) -> Result<()> {
    rule_set(rule, first, tz).map(drop)
}

fn to_chrono(t: Timestamp) -> Result<chrono::DateTime<rrule::Tz>> {
    let utc = chrono::DateTime::from_timestamp(t.as_second(), 0)
        .ok_or_else(|| CoreError::invalid("series", "A time is out of range."))?;
    Ok(utc.with_timezone(&rrule::Tz::UTC))
}

/// The starts of the occurrences the rule gives within `[from, to]` (both inclusive), in
/// order. `first` is the first occurrence's start on `tz`'s wall clock.
pub fn expand(
    rule: &str,
    first: DateTime,
    tz: &TimeZone,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Timestamp>> {
    let set = rule_set(rule, first, tz)?
        .after(to_chrono(from)?)
        .before(to_chrono(to)?);
    let result = set.all(MAX_OCCURRENCES);
    result
        .dates
        .iter()
        .map(|d| {
            Timestamp::from_second(d.timestamp())
                .map_err(|e| CoreError::invalid("series", e.to_string()))
        })
        .collect()
}

/// Up to `limit` starts the rule gives from `from` on (inclusive), in order: the next dates of
/// a series without expanding the years after them.
pub fn starts_from(
    rule: &str,
    first: DateTime,
    tz: &TimeZone,
    from: Timestamp,
    limit: u16,
) -> Result<Vec<Timestamp>> {
    let set = rule_set(rule, first, tz)?.after(to_chrono(from)?);
    set.all(limit)
        .dates
        .iter()
        .map(|d| {
            Timestamp::from_second(d.timestamp())
                .map_err(|e| CoreError::invalid("series", e.to_string()))
        })
        .collect()
}

/// The key/value parts of an RRULE value.
fn parts(rule: &str) -> Vec<(&str, &str)> {
    rule.split(';').filter_map(|p| p.split_once('=')).collect()
}

/// The editor's choices for a stored rule: one of the simple frequencies when the rule is
/// exactly what [`build_rule`] would write for `first`, `Custom` otherwise.
pub fn to_input(rule: &str, first: DateTime, tz: &TimeZone) -> SeriesInput {
    let custom = SeriesInput {
        frequency: Frequency::Custom,
        interval: 1,
        until: None,
        count: None,
        rule: Some(rule.to_owned()),
    };
    let mut input = SeriesInput {
        frequency: Frequency::Custom,
        interval: 1,
        until: None,
        count: None,
        rule: None,
    };
    let mut freq = None;
    let mut by_day = None;
    let mut by_month_day = None;
    for (key, value) in parts(rule) {
        match key {
            "FREQ" => freq = Some(value),
            "INTERVAL" => match value.parse() {
                Ok(n) => input.interval = n,
                Err(_) => return custom,
            },
            "BYDAY" => by_day = Some(value),
            "BYMONTHDAY" => by_month_day = Some(value),
            "COUNT" => match value.parse() {
                Ok(n) => input.count = Some(n),
                Err(_) => return custom,
            },
            "UNTIL" => match parse_until(value, tz) {
                Some(day) => input.until = Some(day.to_string()),
                None => return custom,
            },
            "WKST" if value == "MO" => {}
            _ => return custom,
        }
    }
    let weekday = weekday_code(first.weekday());
    input.frequency = match (freq, by_day, by_month_day) {
        (Some("DAILY"), None, None) => Frequency::Daily,
        (Some("WEEKLY"), None, None) => Frequency::Weekly,
        (Some("WEEKLY"), Some(d), None) if d == weekday => Frequency::Weekly,
        (Some("MONTHLY"), None, None) => Frequency::MonthlyByDay,
        (Some("MONTHLY"), Some(d), None)
            if d == format!("{}{weekday}", nth_weekday(first.date())) =>
        {
            Frequency::MonthlyByWeekday
        }
        (Some("MONTHLY"), None, Some(d)) if d == first.day().to_string() => Frequency::MonthlyByDay,
        _ => return custom,
    };
    input
}

/// An UNTIL value as the local day it ends on.
fn parse_until(value: &str, tz: &TimeZone) -> Option<Date> {
    if let Some(utc) = value.strip_suffix('Z') {
        let dt = DateTime::strptime("%Y%m%dT%H%M%S", utc).ok()?;
        let t = dt.to_zoned(TimeZone::UTC).ok()?.timestamp();
        return Some(t.to_zoned(tz.clone()).date());
    }
    if value.len() == 8 {
        return Date::strptime("%Y%m%d", value).ok();
    }
    DateTime::strptime("%Y%m%dT%H%M%S", value)
        .ok()
        .map(|d| d.date())
}

fn ordinal(n: i8) -> &'static str {
    match n {
        1 => "first",
        2 => "second",
        3 => "third",
        4 => "fourth",
        -1 => "last",
        _ => "",
    }
}

/// A sentence for people: "Every 2 weeks on Tuesday, until 30 Jun 2027".
pub fn describe(rule: &str, first: DateTime, tz: &TimeZone) -> String {
    let input = to_input(rule, first, tz);
    let n = input.interval;
    let weekday = weekday_name(weekday_code(first.weekday())).unwrap_or_default();
    let mut text = match input.frequency {
        Frequency::Daily if n == 1 => "Every day".to_owned(),
        Frequency::Daily => format!("Every {n} days"),
        Frequency::Weekly if n == 1 => format!("Every week on {weekday}"),
        Frequency::Weekly => format!("Every {n} weeks on {weekday}"),
        Frequency::MonthlyByWeekday => {
            let which = ordinal(nth_weekday(first.date()));
            if n == 1 {
                format!("Monthly on the {which} {weekday}")
            } else {
                format!("Every {n} months on the {which} {weekday}")
            }
        }
        Frequency::MonthlyByDay if n == 1 => format!("Monthly on day {}", first.day()),
        Frequency::MonthlyByDay => format!("Every {n} months on day {}", first.day()),
        Frequency::Custom => return format!("Repeats by the rule {rule}"),
    };
    if let Some(until) = input.until.as_deref().and_then(|d| d.parse::<Date>().ok()) {
        text.push_str(&format!(", until {}", until.strftime("%-d %b %Y")));
    }
    if let Some(count) = input.count {
        text.push_str(&format!(", {count} times"));
    }
    text
}

/// Where an occurrence of `session` starting at `start` ends: as many calendar days later for
/// an all-day session (a day across a DST change is 23 or 25 hours), the same exact duration
/// otherwise (RFC 5545 §3.8.5.3).
pub(crate) fn occurrence_end(
    session: &Session,
    start: Timestamp,
    tz: &TimeZone,
) -> Result<Timestamp> {
    let first = parse_stamp(&session.start)?;
    let last = parse_stamp(&session.end)?;
    if session.all_day {
        let days = last.to_zoned(tz.clone()).date() - first.to_zoned(tz.clone()).date();
        let day = start.to_zoned(tz.clone()).date();
        let end = day
            .checked_add(days)
            .and_then(|d| d.to_zoned(tz.clone()))
            .map_err(|e| CoreError::invalid("sessions", e.to_string()))?;
        return Ok(end.timestamp());
    }
    Ok(start
        .checked_add(last.duration_since(first))
        .unwrap_or(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    fn choice(frequency: Frequency, interval: u16, until: Option<&str>) -> SeriesInput {
        SeriesInput {
            frequency,
            interval,
            until: until.map(str::to_owned),
            count: None,
            rule: None,
        }
    }

    #[test]
    fn every_second_tuesday_until_june_crosses_dst_at_the_same_wall_time() {
        let first: DateTime = "2027-03-16T18:30".parse().unwrap(); // a Tuesday, before DST
        let rule = build_rule(
            &choice(Frequency::Weekly, 2, Some("2027-06-30")),
            first,
            &berlin(),
        )
        .unwrap();
        assert_eq!(rule, "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270630T215959Z");
        let all = expand(
            &rule,
            first,
            &berlin(),
            "2027-01-01T00:00:00Z".parse().unwrap(),
            "2028-01-01T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
        let utc: Vec<String> = all.iter().map(|t| t.to_string()).collect();
        assert_eq!(
            utc,
            [
                "2027-03-16T17:30:00Z", // CET, UTC+1
                "2027-03-30T16:30:00Z", // CEST from 28 March, UTC+2
                "2027-04-13T16:30:00Z",
                "2027-04-27T16:30:00Z",
                "2027-05-11T16:30:00Z",
                "2027-05-25T16:30:00Z",
                "2027-06-08T16:30:00Z",
                "2027-06-22T16:30:00Z",
            ]
        );
        assert_eq!(
            describe(&rule, first, &berlin()),
            "Every 2 weeks on Tuesday, until 30 Jun 2027"
        );
        assert_eq!(
            to_input(&rule, first, &berlin()),
            choice(Frequency::Weekly, 2, Some("2027-06-30"))
        );
    }

    #[test]
    fn monthly_by_weekday_uses_the_nth_weekday_and_the_last_for_a_fifth() {
        let tz = berlin();
        let second_tuesday: DateTime = "2027-03-09T19:00".parse().unwrap();
        let rule = build_rule(
            &choice(Frequency::MonthlyByWeekday, 1, None),
            second_tuesday,
            &tz,
        )
        .unwrap();
        assert_eq!(rule, "FREQ=MONTHLY;BYDAY=2TU");
        assert_eq!(
            describe(&rule, second_tuesday, &tz),
            "Monthly on the second Tuesday"
        );
        let fifth_wednesday: DateTime = "2027-03-31T19:00".parse().unwrap();
        let rule = build_rule(
            &choice(Frequency::MonthlyByWeekday, 1, None),
            fifth_wednesday,
            &tz,
        )
        .unwrap();
        assert_eq!(rule, "FREQ=MONTHLY;BYDAY=-1WE");
    }

    #[test]
    fn an_unknown_rule_is_kept_as_custom_and_a_bad_one_is_refused() {
        let tz = berlin();
        let first: DateTime = "2027-03-16T18:30".parse().unwrap();
        let input = to_input("FREQ=WEEKLY;BYDAY=TU,TH", first, &tz);
        assert_eq!(input.frequency, Frequency::Custom);
        assert_eq!(input.rule.as_deref(), Some("FREQ=WEEKLY;BYDAY=TU,TH"));
        let bad = SeriesInput {
            rule: Some("FREQ=SOMETIMES".into()),
            ..input
        };
        let err = build_rule(&bad, first, &tz).unwrap_err();
        assert!(matches!(
            err,
            CoreError::Validation {
                field: "series",
                ..
            }
        ));
    }

    #[test]
    fn until_before_the_first_session_and_until_with_count_are_refused() {
        let tz = berlin();
        let first: DateTime = "2027-03-16T18:30".parse().unwrap();
        assert!(build_rule(
            &choice(Frequency::Weekly, 1, Some("2027-03-01")),
            first,
            &tz
        )
        .is_err());
        let both = SeriesInput {
            count: Some(3),
            ..choice(Frequency::Weekly, 1, Some("2027-06-01"))
        };
        assert!(build_rule(&both, first, &tz).is_err());
        assert!(build_rule(&choice(Frequency::Weekly, 0, None), first, &tz).is_err());
    }

    #[test]
    fn each_session_of_a_series_keeps_its_own_weekday() {
        let tz = berlin();
        // A weekend workshop: Saturday and Sunday sessions, weekly, three times.
        let saturday: DateTime = "2027-03-13T10:00".parse().unwrap();
        let sunday: DateTime = "2027-03-14T10:00".parse().unwrap();
        let rule = build_rule(
            &SeriesInput {
                count: Some(3),
                ..choice(Frequency::Weekly, 1, None)
            },
            saturday,
            &tz,
        )
        .unwrap();
        let days = |first: DateTime| -> Vec<String> {
            expand(
                &rule,
                first,
                &tz,
                "2027-01-01T00:00:00Z".parse().unwrap(),
                "2028-01-01T00:00:00Z".parse().unwrap(),
            )
            .unwrap()
            .iter()
            .map(|t| t.to_zoned(tz.clone()).date().to_string())
            .collect()
        };
        assert_eq!(days(saturday), ["2027-03-13", "2027-03-20", "2027-03-27"]);
        assert_eq!(days(sunday), ["2027-03-14", "2027-03-21", "2027-03-28"]);
        // "Monthly on the 2nd Tuesday" written for the first session becomes the second
        // Wednesday for a session on a Wednesday.
        let monthly = "FREQ=MONTHLY;BYDAY=2TU;COUNT=2";
        let wednesday: DateTime = "2027-03-10T19:00".parse().unwrap();
        assert_eq!(
            for_session(monthly, wednesday),
            "FREQ=MONTHLY;BYDAY=2WE;COUNT=2"
        );
        assert_eq!(
            for_session("FREQ=WEEKLY;BYDAY=TU,TH", wednesday),
            "FREQ=WEEKLY;BYDAY=TU,TH"
        );
    }

    #[test]
    fn rules_that_repeat_faster_than_daily_or_hide_a_line_break_are_refused() {
        let tz = berlin();
        let first: DateTime = "2027-03-16T18:30".parse().unwrap();
        for bad in [
            "FREQ=SECONDLY",
            "FREQ=HOURLY;COUNT=3",
            "FREQ=DAILY\nEXDATE:20270317T183000",
            "BYDAY=TU",
            // What a probe got through before: many dates a day, a zero interval, no end to
            // COUNT, a date out of range, keys twice or unknown.
            "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
            "FREQ=DAILY;BYMINUTE=0,30",
            "FREQ=DAILY;BYSECOND=0,1",
            "FREQ=WEEKLY;INTERVAL=0",
            "FREQ=DAILY;COUNT=1000000",
            "FREQ=DAILY;COUNT=0",
            "FREQ=DAILY;UNTIL=99991231T000000Z",
            "FREQ=DAILY;UNTIL=20271231;COUNT=3",
            "FREQ=WEEKLY;FREQ=DAILY",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=WEEKLY;BYDAY=2TU",
            "FREQ=WEEKLY;BYMONTHDAY=1",
            "FREQ=MONTHLY;BYMONTHDAY=32",
            "FREQ=MONTHLY;BYSETPOS=1",
            "FREQ=WEEKLY;X-NAME=1",
            "FREQ=WEEKLY;;BYDAY=TU",
        ] {
            assert!(
                matches!(
                    validate_rule(bad, first, &tz),
                    Err(CoreError::Validation {
                        field: "series",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        assert!(validate_rule("FREQ=YEARLY;COUNT=3", first, &tz).is_ok());
    }

    #[test]
    fn an_all_day_series_ends_on_a_date() {
        assert_eq!(
            with_date_until("FREQ=WEEKLY;UNTIL=20270630T215959Z", &berlin()),
            "FREQ=WEEKLY;UNTIL=20270630"
        );
        assert_eq!(
            with_date_until("FREQ=WEEKLY;COUNT=3", &berlin()),
            "FREQ=WEEKLY;COUNT=3"
        );
    }
}
