//! A VTIMEZONE whose TZID names no zone we know ("Customized Time Zone", an Outlook display
//! name): we evaluate its STANDARD/DAYLIGHT observances ourselves, then look for the IANA zone
//! that keeps the same offsets at the same instants, so that recurring events expand with the
//! real zone's rules. Only yearly rules of the shapes producers write are understood
//! (`BYMONTH` with `BYDAY=-1SU`/`2SU`, or `BYDAY=SU;BYMONTHDAY=8,…,14`), plus RDATEs.

use ical::parser::ical::component::IcalTimeZone;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

use super::lines::{invalid, ComponentLines};
use super::text::{param, value};
use super::values::{parse_offset, parse_time, RawTime};
use super::windows_zones::WINDOWS_ZONES;
use crate::Result;

#[derive(Debug)]
pub(super) struct CustomZone {
    observances: Vec<Observance>,
}

#[derive(Debug)]
struct Observance {
    start: DateTime,
    from: Offset,
    to: Offset,
    rule: Option<YearlyRule>,
    rdates: Vec<DateTime>,
}

#[derive(Debug, Default)]
struct YearlyRule {
    month: Option<i8>,
    /// `BYDAY=-1SU` → (-1, Sunday); `BYDAY=SU` → (0, Sunday).
    weekday: Option<(i8, Weekday)>,
    month_days: Vec<i8>,
    count: Option<i64>,
    until: Option<DateTime>,
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

/// `None` for rules we do not understand; the observance then applies once, at its DTSTART.
fn parse_rule(rule: &str) -> Option<YearlyRule> {
    let mut parsed = YearlyRule::default();
    let mut yearly = false;
    for part in rule.to_ascii_uppercase().split(';') {
        let (key, val) = part.split_once('=')?;
        match key {
            "FREQ" => yearly = val == "YEARLY",
            "BYMONTH" => parsed.month = val.parse().ok(),
            "BYDAY" => {
                let code = val.get(val.len().checked_sub(2)?..)?;
                let nth = &val[..val.len() - 2];
                let nth = if nth.is_empty() { 0 } else { nth.parse().ok()? };
                parsed.weekday = Some((nth, weekday(code)?));
            }
            "BYMONTHDAY" => {
                parsed.month_days = val.split(',').filter_map(|d| d.parse().ok()).collect();
                parsed.month_days.sort_unstable();
            }
            "COUNT" => parsed.count = val.parse().ok(),
            "UNTIL" => match parse_time(val, false).ok()? {
                RawTime::DateTime { local, .. } => parsed.until = Some(local),
                RawTime::Date(d) => parsed.until = Some(d.to_datetime(jiff::civil::Time::MAX)),
            },
            _ => {}
        }
    }
    yearly.then_some(parsed)
}

impl YearlyRule {
    fn date_in(&self, year: i16, start: DateTime) -> Option<Date> {
        let month = self.month.unwrap_or(start.month());
        let first = Date::new(year, month, 1).ok()?;
        match self.weekday {
            Some((nth, wd)) if nth != 0 => first.nth_weekday_of_month(nth, wd).ok(),
            Some((_, wd)) if !self.month_days.is_empty() => self
                .month_days
                .iter()
                .filter_map(|&d| Date::new(year, month, d).ok())
                .find(|d| d.weekday() == wd),
            Some((_, wd)) => first.nth_weekday_of_month(1, wd).ok(),
            None => {
                let day = self.month_days.first().copied().unwrap_or(start.day());
                Date::new(year, month, day).ok()
            }
        }
    }
}

impl Observance {
    /// Local onsets of this observance in `year`.
    fn onsets(&self, year: i16, out: &mut Vec<(Timestamp, Offset)>) {
        let mut push = |local: DateTime| {
            if let Ok(at) = self.from.to_timestamp(local) {
                out.push((at, self.to));
            }
        };
        match &self.rule {
            None if self.start.year() == year => push(self.start),
            None => {}
            Some(rule) => {
                let after_count = rule
                    .count
                    .is_some_and(|c| i64::from(year) - i64::from(self.start.year()) >= c);
                if year >= self.start.year() && !after_count {
                    if let Some(day) = rule.date_in(year, self.start) {
                        let local = day.to_datetime(self.start.time());
                        if local >= self.start && rule.until.is_none_or(|u| local <= u) {
                            push(local);
                        }
                    }
                }
            }
        }
        for rdate in self.rdates.iter().filter(|r| r.year() == year) {
            push(*rdate);
        }
    }
}

impl CustomZone {
    pub fn parse(zone: &IcalTimeZone, lines: &ComponentLines) -> Result<Self> {
        let mut observances = Vec::new();
        for (index, transition) in zone.transitions.iter().enumerate() {
            let line = lines.child(index);
            let find = |name: &str| {
                transition
                    .properties
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
            };
            let offset = |name: &str| {
                let property = find(name)
                    .ok_or_else(|| invalid(line, format!("time zone observance without {name}")))?;
                parse_offset(value(property)).map_err(|e| invalid(line, format!("{name}: {e}")))
            };
            let to = offset("TZOFFSETTO")?;
            let from = find("TZOFFSETFROM")
                .map(|_| offset("TZOFFSETFROM"))
                .transpose()?
                .unwrap_or(to);
            let start = match find("DTSTART").map(|p| parse_time(value(p), false)) {
                Some(Ok(RawTime::DateTime { local, .. })) => local,
                Some(Ok(RawTime::Date(d))) => d.to_datetime(jiff::civil::Time::midnight()),
                Some(Err(e)) => return Err(invalid(line, format!("DTSTART: {e}"))),
                None => return Err(invalid(line, "time zone observance without DTSTART")),
            };
            let rule = find("RRULE").and_then(|p| parse_rule(value(p)));
            let mut rdates = Vec::new();
            for property in transition
                .properties
                .iter()
                .filter(|p| p.name.eq_ignore_ascii_case("RDATE"))
            {
                let is_date =
                    param(property, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
                for item in value(property).split(',') {
                    match parse_time(item, is_date) {
                        Ok(RawTime::DateTime { local, .. }) => rdates.push(local),
                        Ok(RawTime::Date(d)) => rdates.push(d.to_datetime(start.time())),
                        Err(e) => return Err(invalid(line, format!("RDATE: {e}"))),
                    }
                }
            }
            observances.push(Observance {
                start,
                from,
                to,
                rule,
                rdates,
            });
        }
        if observances.is_empty() {
            return Err(invalid(
                lines.begin,
                "VTIMEZONE without STANDARD or DAYLIGHT",
            ));
        }
        Ok(CustomZone { observances })
    }

    fn onsets(&self, years: std::ops::RangeInclusive<i16>) -> Vec<(Timestamp, Offset)> {
        let mut onsets = Vec::new();
        for year in years {
            for observance in &self.observances {
                observance.onsets(year, &mut onsets);
            }
        }
        onsets.sort_by_key(|(at, _)| *at);
        onsets
    }

    /// The offset in force at `at`: that of the latest onset before it. Onsets are
    /// generated for this year and the last, which is enough for rules that apply every year.
    pub fn offset_at(&self, at: Timestamp) -> Offset {
        let year = at.to_zoned(TimeZone::UTC).year();
        let onsets = self.onsets(year.saturating_sub(1)..=year);
        if let Some((_, offset)) = onsets.iter().rev().find(|(onset, _)| *onset <= at) {
            return *offset;
        }
        // No onset in that window: the observance that started last before `at` (a one-off
        // change years ago), else, before every observance, the offset the earliest starts from.
        let started = |o: &&Observance| o.from.to_timestamp(o.start).is_ok_and(|s| s <= at);
        if let Some(last) = self
            .observances
            .iter()
            .filter(started)
            .max_by_key(|o| o.start)
        {
            return last.to;
        }
        self.observances
            .iter()
            .min_by_key(|o| o.start)
            .map_or(Offset::UTC, |o| o.from)
    }

    /// Local time to instant. A local time the zone repeats takes the earlier instant, one it
    /// skips takes the offset before the gap (what jiff's "compatible" does for IANA zones).
    pub fn to_timestamp(&self, local: DateTime) -> Option<Timestamp> {
        let mut offsets: Vec<Offset> = self
            .observances
            .iter()
            .flat_map(|o| [o.from, o.to])
            .collect();
        offsets.sort_unstable_by_key(|o| std::cmp::Reverse(o.seconds()));
        offsets.dedup();
        offsets
            .iter()
            .filter_map(|offset| Some((offset, offset.to_timestamp(local).ok()?)))
            .find(|(offset, at)| self.offset_at(*at) == **offset)
            .or_else(|| {
                let smallest = offsets.last()?;
                Some((smallest, smallest.to_timestamp(local).ok()?))
            })
            .map(|(_, at)| at)
    }

    /// The IANA zone with the same offsets as this definition, checked twice a month and an
    /// hour either side of every transition in `year` and the year after. Zones from the Windows
    /// table are tried first (they are the big cities), then every other zone by name.
    pub fn matching_iana(&self, year: i16) -> Option<String> {
        let years = year..=year.saturating_add(1);
        let mut samples: Vec<Timestamp> = Vec::new();
        for y in years.clone() {
            for month in 1..=12 {
                for day in [1, 15] {
                    if let Ok(at) = Date::new(y, month, day)
                        .and_then(|d| d.at(12, 0, 0, 0).to_zoned(TimeZone::UTC))
                    {
                        samples.push(at.timestamp());
                    }
                }
            }
        }
        let hour = jiff::SignedDuration::from_hours(1);
        for (onset, _) in self.onsets(years) {
            samples.extend(onset.checked_sub(hour).ok());
            samples.extend(onset.checked_add(hour).ok());
        }
        let expected: Vec<(Timestamp, Offset)> = samples
            .into_iter()
            .map(|s| (s, self.offset_at(s)))
            .collect();
        let matches = |tz: &TimeZone| expected.iter().all(|(at, off)| tz.to_offset(*at) == *off);

        for (_, iana) in WINDOWS_ZONES {
            if let Ok(tz) = jiff::tz::db().get(iana) {
                if matches(&tz) {
                    return Some((*iana).to_string());
                }
            }
        }
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.as_str().to_string())
            .filter(|name| name.contains('/') && !name.starts_with("Etc/"))
            .collect();
        names.sort_unstable();
        names
            .into_iter()
            .find(|name| jiff::tz::db().get(name).is_ok_and(|tz| matches(&tz)))
    }
}
