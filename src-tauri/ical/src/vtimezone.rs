//! VTIMEZONE from the tz database, because a TZID without one puts Outlook an hour off and makes
//! ical.js read floating time (FACTS.md, "iCalendar").
//!
//! The component is derived from jiff's list of transitions, not from a table of rules: every
//! transition a client might need for events in `[from, until]` is written as an onset, so the
//! file is exactly as right as the tz database on this machine.
//!
//! - The current rule, when the latest transitions repeat yearly (same month, same wall-clock
//!   time, same day rule such as "last Sunday"), becomes one observance per direction with an
//!   open-ended yearly RRULE, so the file stays right after `until` for as long as that rule holds.
//! - Everything before it (a changed rule, an abolished DST, Morocco's Ramadan switches) is written
//!   as explicit observances: DTSTART plus one RDATE per line, the DTSTART repeated as an RDATE,
//!   because ical.js reads only the first value of a comma-separated RDATE.
//!
//! The range written starts at the transition in effect a year before `from` and reaches a few
//! years past `until`, so clients that look at nearby times (reminders, a week view around an
//! event) still find the right offset.

use jiff::civil::{DateTime, Weekday};
use jiff::tz::{Dst, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::writer::{local_stamp, IcsWriter};
use crate::{IcalError, Result};

/// How far before `from` the component is right (a client showing last year's occurrence).
const BEFORE: SignedDuration = SignedDuration::from_hours(366 * 24);
/// How far after `until` explicit onsets are written when no open-ended rule covers it.
const AFTER: SignedDuration = SignedDuration::from_hours(5 * 366 * 24);
/// How far past that the tz database must keep repeating a rule before we call it the current
/// rule and write it as an open-ended RRULE.
const RULE_PROOF: SignedDuration = SignedDuration::from_hours(15 * 366 * 24);
/// A yearly rule needs at least this many consecutive onsets (both directions counted) to be
/// trusted; Morocco's Ramadan switches stay in one month for three years at most.
const MIN_RULE_ONSETS: usize = 16;

/// Writes one VTIMEZONE for `tz_name` (an IANA name) that is correct for every instant in
/// [from, until] and beyond `until` for as long as the zone's current rule holds.
pub fn write_vtimezone(
    w: &mut IcsWriter,
    tz_name: &str,
    from: Timestamp,
    until: Timestamp,
) -> Result<()> {
    let tz = TimeZone::get(tz_name).map_err(|e| IcalError::UnknownZone {
        name: tz_name.to_owned(),
        reason: e.to_string(),
    })?;
    let observances = observances(&tz, from.min(until), from.max(until));

    // RFC 5545 §3.6.5: a VTIMEZONE has a TZID and observances, and no UID or DTSTAMP.
    w.begin("VTIMEZONE");
    w.text("TZID", &[], tz_name);
    w.text("X-LIC-LOCATION", &[], tz_name);
    for obs in &observances {
        let component = if obs.kind.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        w.begin(component);
        // DTSTART and RDATE are local times as read on the clock before the onset (TZOFFSETFROM).
        w.raw("DTSTART", &[], &local_stamp(obs.dtstart));
        w.raw("TZOFFSETFROM", &[], &utc_offset(obs.kind.from));
        w.raw("TZOFFSETTO", &[], &utc_offset(obs.kind.to));
        if !obs.kind.name.is_empty() {
            w.text("TZNAME", &[], &obs.kind.name);
        }
        match &obs.repeat {
            Repeat::Yearly { month, day } => {
                let rule = format!("FREQ=YEARLY;BYMONTH={month};{}", day.rrule_part());
                w.raw("RRULE", &[], &rule);
            }
            Repeat::Dates(dates) => {
                for date in dates {
                    w.raw("RDATE", &[], &local_stamp(*date));
                }
            }
        }
        w.end(component);
    }
    w.end("VTIMEZONE");
    Ok(())
}

/// What an observance switches to, and from: onsets of one kind share one STANDARD or DAYLIGHT.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kind {
    from: Offset,
    to: Offset,
    daylight: bool,
    name: String,
}

/// One transition of the zone.
#[derive(Debug, Clone)]
struct Onset {
    at: Timestamp,
    kind: Kind,
}

impl Onset {
    /// The onset as written in DTSTART, RDATE and RRULE: the wall clock just before it.
    fn local(&self) -> DateTime {
        self.kind.from.to_datetime(self.at)
    }
}

#[derive(Debug)]
struct Observance {
    kind: Kind,
    dtstart: DateTime,
    repeat: Repeat,
}

#[derive(Debug)]
enum Repeat {
    /// An open-ended yearly RRULE, e.g. `FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`.
    Yearly { month: i8, day: DayRule },
    /// Every onset (the first is DTSTART again).
    Dates(Vec<DateTime>),
}

fn observances(tz: &TimeZone, from: Timestamp, until: Timestamp) -> Vec<Observance> {
    let start = from.saturating_sub(BEFORE).unwrap_or(Timestamp::MIN);
    let horizon = until.saturating_add(AFTER).unwrap_or(Timestamp::MAX);
    let proof = horizon.saturating_add(RULE_PROOF).unwrap_or(Timestamp::MAX);

    let (onsets, continues) = onsets(tz, start, proof);
    let mut out = Vec::new();
    let tail = yearly_tail(&onsets).filter(|tail| onsets[tail.start].at <= horizon);
    let explicit_end = match &tail {
        Some(tail) => tail.start,
        // No rule covers the future: write every onset up to the horizon, or every one there is
        // when the zone stops changing before the proof ends (the last observance then holds).
        None if continues => onsets.partition_point(|o| o.at <= horizon),
        None => onsets.len(),
    };

    // Explicit observances, one per kind, in order of their first onset.
    for onset in &onsets[..explicit_end] {
        let local = onset.local();
        match out
            .iter_mut()
            .find(|obs: &&mut Observance| obs.kind == onset.kind)
        {
            Some(Observance {
                repeat: Repeat::Dates(dates),
                ..
            }) => dates.push(local),
            _ => out.push(Observance {
                kind: onset.kind.clone(),
                dtstart: local,
                repeat: Repeat::Dates(vec![local]),
            }),
        }
    }
    if let Some(tail) = tail {
        for (first, rule) in onsets[tail.start..].iter().zip(tail.rules) {
            out.push(Observance {
                kind: first.kind.clone(),
                dtstart: first.local(),
                repeat: Repeat::Yearly {
                    month: rule.0,
                    day: rule.1,
                },
            });
        }
    }
    out
}

/// The onsets from the one in effect at `start` through the first after `proof`, and whether the
/// zone was still changing after `proof` (the last onset listed is after it).
fn onsets(tz: &TimeZone, start: Timestamp, proof: Timestamp) -> (Vec<Onset>, bool) {
    let in_effect = tz.preceding(start).next();
    let mut previous = match &in_effect {
        Some(t) => {
            let before = tz.to_offset_info(
                t.timestamp()
                    .saturating_sub(SignedDuration::from_nanos(1))
                    .unwrap_or(Timestamp::MIN),
            );
            (before.offset(), before.dst())
        }
        None => {
            let info = tz.to_offset_info(start);
            (info.offset(), info.dst())
        }
    };
    let mut list = Vec::new();
    if in_effect.is_none() {
        // No transition before `start` (a fixed offset, or a zone whose history begins later):
        // one onset that only states the offset in effect.
        let info = tz.to_offset_info(start);
        let epoch = Timestamp::UNIX_EPOCH;
        list.push(Onset {
            at: start.min(epoch),
            kind: Kind {
                from: info.offset(),
                to: info.offset(),
                daylight: info.dst() == Dst::Yes,
                name: info.abbreviation().to_string(),
            },
        });
    }
    let first = in_effect.map_or(Timestamp::MIN, |t| {
        t.timestamp()
            .saturating_sub(SignedDuration::from_nanos(1))
            .unwrap_or(Timestamp::MIN)
    });
    let mut continues = false;
    for t in tz.following(first) {
        let (from, from_dst) = previous;
        let (to, to_dst) = (t.offset(), t.dst());
        let name = t.abbreviation();
        // Compiled zone files can hold transitions that change nothing (Debian's "fat" files end
        // their table on 2038-01-19 and hand over to the rule string there); clients would gain
        // nothing from them and they would break the run of a yearly rule.
        if from == to && list.last().is_some_and(|o: &Onset| o.kind.name == name) {
            previous = (to, to_dst);
            continue;
        }
        list.push(Onset {
            at: t.timestamp(),
            kind: Kind {
                from,
                to,
                daylight: is_daylight(from, from_dst, to, to_dst),
                name: name.to_string(),
            },
        });
        previous = (to, to_dst);
        if t.timestamp() > proof {
            continues = true;
            break;
        }
    }
    (list, continues)
}

/// DAYLIGHT or STANDARD. When the DST flag flips, the side with the larger offset is daylight:
/// the tz database models Irish winter time and Morocco's Ramadan time as negative DST, but
/// clients (and the rearguard data vzic and Outlook use) expect summer time to be DAYLIGHT.
fn is_daylight(from: Offset, from_dst: Dst, to: Offset, to_dst: Dst) -> bool {
    if from_dst != to_dst && from != to {
        to > from
    } else {
        to_dst == Dst::Yes
    }
}

/// The current rule: the longest run of onsets at the end of the list that alternate between two
/// kinds, each once a year in the same month at the same wall-clock time on a day one RRULE names.
struct YearlyTail {
    start: usize,
    /// The month and day rule of the run's first onset's kind, then of the second's.
    rules: [(i8, DayRule); 2],
}

fn yearly_tail(onsets: &[Onset]) -> Option<YearlyTail> {
    /// One direction of the rule, built from the latest onset backwards.
    struct Side<'a> {
        earliest: &'a Onset,
        month: i8,
        /// Every day rule that names every onset of this side seen so far.
        rules: Vec<DayRule>,
    }
    let n = onsets.len();
    let mut sides: [Option<Side>; 2] = [None, None];
    let mut start = n;
    for (j, onset) in onsets.iter().enumerate().rev() {
        let local = onset.local();
        let (this, other) = ((n - 1 - j) % 2, (n - j) % 2);
        match &mut sides[this] {
            Some(side) => {
                let later = side.earliest.local();
                let fits = side.earliest.kind == onset.kind
                    && local.month() == side.month
                    && local.time() == later.time()
                    && local.year() + 1 == later.year()
                    && side.rules.iter().any(|r| r.matches(local));
                if !fits {
                    break;
                }
                side.rules.retain(|r| r.matches(local));
                side.earliest = onset;
            }
            None => {
                let same_as_other = sides[other]
                    .as_ref()
                    .is_some_and(|o| o.earliest.kind == onset.kind);
                if same_as_other {
                    break;
                }
                sides[this] = Some(Side {
                    earliest: onset,
                    month: local.month(),
                    rules: DayRule::all_for(local),
                });
            }
        }
        start = j;
    }
    if n - start < MIN_RULE_ONSETS {
        return None;
    }
    let rule_of = |j: usize| -> Option<(i8, DayRule)> {
        let side = sides[(n - 1 - j) % 2].as_ref()?;
        Some((side.month, *side.rules.first()?))
    };
    Some(YearlyTail {
        start,
        rules: [rule_of(start)?, rule_of(start + 1)?],
    })
}

/// A day of the month an RRULE can name, once a year.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DayRule {
    /// `BYDAY=2SU` (n in 1..=4) or `BYDAY=-1SU` (n in -4..=-1).
    Nth(i8, Weekday),
    /// The first such weekday on or after this day: `BYMONTHDAY=2,3,4,5,6,7,8;BYDAY=SU` (Chile's
    /// "Sun>=2"). Only days that are not 1, 8, 15, 22 (those are `Nth`).
    OnOrAfter(i8, Weekday),
    /// `BYMONTHDAY=21` (Iran's old rule).
    Fixed(i8),
}

impl DayRule {
    /// Every rule that names `day`, most conventional first.
    fn all_for(day: DateTime) -> Vec<DayRule> {
        let (d, wd, len) = (day.day(), day.weekday(), day.date().days_in_month());
        let mut rules = vec![DayRule::Nth((d - 1) / 7 + 1, wd)];
        let from_end = -((len - d) / 7 + 1);
        if from_end >= -4 {
            rules.push(DayRule::Nth(from_end, wd));
        }
        rules.push(DayRule::Fixed(d));
        for k in (d - 6).max(1)..=d {
            if (k - 1) % 7 != 0 && k + 6 <= len {
                rules.push(DayRule::OnOrAfter(k, wd));
            }
        }
        rules.retain(|r| !matches!(r, DayRule::Nth(5, _)));
        rules
    }

    fn matches(&self, day: DateTime) -> bool {
        let (d, wd) = (day.day(), day.weekday());
        match *self {
            DayRule::Nth(n, w) if n > 0 => w == wd && (d - 1) / 7 + 1 == n,
            DayRule::Nth(n, w) => w == wd && -((day.date().days_in_month() - d) / 7 + 1) == n,
            DayRule::OnOrAfter(k, w) => w == wd && (k..k + 7).contains(&d),
            DayRule::Fixed(k) => d == k,
        }
    }

    fn rrule_part(&self) -> String {
        match *self {
            DayRule::Nth(n, w) => format!("BYDAY={n}{}", super::writer::weekday_code(w)),
            DayRule::OnOrAfter(k, w) => {
                let days: Vec<String> = (k..k + 7).map(|d| d.to_string()).collect();
                format!(
                    "BYMONTHDAY={};BYDAY={}",
                    days.join(","),
                    super::writer::weekday_code(w)
                )
            }
            DayRule::Fixed(k) => format!("BYMONTHDAY={k}"),
        }
    }
}

/// A UTC-OFFSET value (RFC 5545 §3.3.14): `+0100`, `-0330`, `+0019:32` for old local mean times.
/// Zero is `+0000`: the standard forbids `-0000`.
fn utc_offset(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONES: &[&str] = &[
        "Europe/Berlin",
        "Europe/London",
        "Europe/Dublin",
        "America/New_York",
        "America/Santiago",
        "America/Sao_Paulo",
        "Africa/Casablanca",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "UTC",
    ];

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn range() -> (Timestamp, Timestamp) {
        (ts("2020-01-01T00:00:00Z"), ts("2035-12-31T23:59:59Z"))
    }

    fn vtimezone(zone: &str) -> String {
        let (from, until) = range();
        let mut w = IcsWriter::new();
        write_vtimezone(&mut w, zone, from, until).unwrap();
        w.finish()
    }

    /// The observances of one VTIMEZONE: (component, its property lines).
    fn components(out: &str) -> Vec<(String, Vec<String>)> {
        let mut stack = Vec::new();
        let mut found = Vec::new();
        for line in out.trim_end().split("\r\n") {
            if let Some(name) = line.strip_prefix("BEGIN:") {
                stack.push(name.to_string());
                if name != "VTIMEZONE" {
                    found.push((name.to_string(), Vec::new()));
                }
            } else if let Some(name) = line.strip_prefix("END:") {
                assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced END:{name}");
            } else if stack.len() == 2 {
                found.last_mut().unwrap().1.push(line.to_string());
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        found
    }

    fn value<'a>(props: &'a [String], name: &str) -> Vec<&'a str> {
        let prefix = format!("{name}:");
        props
            .iter()
            .filter_map(|p| p.strip_prefix(prefix.as_str()))
            .collect()
    }

    #[test]
    fn an_unknown_zone_is_named_in_the_error() {
        let (from, until) = range();
        let err = write_vtimezone(&mut IcsWriter::new(), "Mars/Olympus_Mons", from, until);
        assert!(
            matches!(
                err,
                Err(IcalError::UnknownZone { ref name, .. }) if name == "Mars/Olympus_Mons"
            ),
            "{err:?}"
        );
    }

    #[test]
    fn every_zone_is_one_balanced_vtimezone_without_uid_or_dtstamp() {
        for zone in ZONES {
            let out = vtimezone(zone);
            assert!(out.starts_with(&format!(
                "BEGIN:VTIMEZONE\r\nTZID:{zone}\r\nX-LIC-LOCATION:{zone}\r\n"
            )));
            assert!(out.ends_with("END:VTIMEZONE\r\n"));
            assert!(
                !out.contains("\r\nUID") && !out.contains("\r\nDTSTAMP"),
                "{zone}"
            );
            let observances = components(&out);
            assert!(!observances.is_empty(), "{zone}");
            for (name, props) in &observances {
                assert!(name == "STANDARD" || name == "DAYLIGHT", "{zone}: {name}");
                for required in ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"] {
                    assert_eq!(value(props, required).len(), 1, "{zone}: {required}");
                }
                let (rrules, rdates) = (value(props, "RRULE"), value(props, "RDATE"));
                assert!(rrules.is_empty() != rdates.is_empty(), "{zone}: {props:?}");
                // ical.js reads only RDATEs: the first onset has to be one of them.
                if !rdates.is_empty() {
                    assert_eq!(rdates[0], value(props, "DTSTART")[0], "{zone}");
                    assert!(rdates.iter().all(|d| !d.contains(',')), "{zone}");
                }
            }
        }
    }

    #[test]
    fn zones_with_a_stable_rule_get_one_standard_and_one_daylight_rrule() {
        let expected: &[(&str, [&str; 2], [&str; 2])] = &[
            (
                "Europe/Berlin",
                [
                    "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                    "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                ],
                ["+0100", "+0200"],
            ),
            (
                "Europe/Dublin",
                [
                    "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                    "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                ],
                ["+0000", "+0100"],
            ),
            (
                "America/New_York",
                [
                    "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
                    "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
                ],
                ["-0500", "-0400"],
            ),
            (
                "Australia/Lord_Howe",
                [
                    "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
                    "FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
                ],
                ["+1030", "+1100"],
            ),
            (
                "Pacific/Chatham",
                [
                    "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
                    "FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU",
                ],
                ["+1245", "+1345"],
            ),
        ];
        for (zone, rules, offsets) in expected {
            let observances = components(&vtimezone(zone));
            assert_eq!(observances.len(), 2, "{zone}: {observances:?}");
            for (kind, rule, offset) in [
                ("STANDARD", rules[0], offsets[0]),
                ("DAYLIGHT", rules[1], offsets[1]),
            ] {
                let (_, props) = observances.iter().find(|(n, _)| n == kind).unwrap();
                assert_eq!(value(props, "RRULE"), vec![rule], "{zone} {kind}");
                assert_eq!(value(props, "TZOFFSETTO"), vec![offset], "{zone} {kind}");
            }
        }
    }

    #[test]
    fn dublin_summer_time_is_daylight_whatever_the_tz_database_calls_it() {
        let observances = components(&vtimezone("Europe/Dublin"));
        let (_, daylight) = observances.iter().find(|(n, _)| n == "DAYLIGHT").unwrap();
        assert_eq!(value(daylight, "TZNAME"), vec!["IST"]);
        assert_eq!(value(daylight, "TZOFFSETTO"), vec!["+0100"]);
    }

    #[test]
    fn zones_without_a_current_rule_are_written_as_dates() {
        for zone in ["Africa/Casablanca", "America/Sao_Paulo", "Asia/Kolkata"] {
            let out = vtimezone(zone);
            assert!(!out.contains("RRULE"), "{zone}");
        }
        // DST abolished in 2019: the last observance is standard time, -03, for good.
        let sao_paulo = components(&vtimezone("America/Sao_Paulo"));
        let (name, last) = sao_paulo.last().unwrap();
        assert_eq!(
            (name.as_str(), value(last, "TZOFFSETTO")),
            ("STANDARD", vec!["-0300"])
        );

        let kolkata = components(&vtimezone("Asia/Kolkata"));
        assert_eq!(kolkata.len(), 1);
        assert_eq!(kolkata[0].0, "STANDARD");
        assert_eq!(value(&kolkata[0].1, "TZOFFSETTO"), vec!["+0530"]);

        // Ramadan moves about 11 days a year: every switch is an RDATE, to five years past until.
        let casablanca = vtimezone("Africa/Casablanca");
        assert!(casablanca.matches("RDATE:").count() > 2 * 16);
        assert!(casablanca.contains("RDATE:2040"));
    }

    #[test]
    fn santiago_history_is_explicit_and_its_current_sun_ge_2_rule_is_a_rrule() {
        let observances = components(&vtimezone("America/Santiago"));
        let rules: Vec<&str> = observances
            .iter()
            .flat_map(|(_, props)| value(props, "RRULE"))
            .collect();
        assert_eq!(
            rules,
            vec![
                "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=2,3,4,5,6,7,8;BYDAY=SU",
                "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2,3,4,5,6,7,8;BYDAY=SU",
            ]
        );
        // 2022 moved the September switch to the 11th (an election): written as an RDATE.
        assert!(observances
            .iter()
            .any(|(_, props)| value(props, "RDATE").contains(&"20220911T000000")));
    }

    /// Without any calendar parser: every transition jiff knows in the range is an onset of
    /// exactly one observance, with the right offsets, and no observance has an onset jiff does
    /// not know.
    #[test]
    fn the_observances_hold_exactly_the_tz_database_transitions() {
        let (from, until) = range();
        let (start, end) = (ts("2019-01-01T00:00:00Z"), ts("2040-12-31T00:00:00Z"));
        for zone in ZONES {
            let tz = TimeZone::get(zone).unwrap();
            let observances = observances(&tz, from, until);
            let onsets_of = |year: i16| -> Vec<(DateTime, &Kind)> {
                let mut list = Vec::new();
                for obs in &observances {
                    match &obs.repeat {
                        Repeat::Dates(dates) => list.extend(
                            dates
                                .iter()
                                .filter(|d| d.year() == year)
                                .map(|d| (*d, &obs.kind)),
                        ),
                        Repeat::Yearly { month, day } if year >= obs.dtstart.year() => {
                            let first = jiff::civil::date(year, *month, 1);
                            let found = (0..first.days_in_month())
                                .map(|i| first.checked_add(jiff::Span::new().days(i)).unwrap())
                                .map(|d| d.to_datetime(obs.dtstart.time()))
                                .filter(|d| day.matches(*d))
                                .collect::<Vec<_>>();
                            assert_eq!(found.len(), 1, "{zone} {year}: {found:?}");
                            list.push((found[0], &obs.kind));
                        }
                        Repeat::Yearly { .. } => {}
                    }
                }
                list
            };
            let mut expected = Vec::new();
            for t in tz.following(start).take_while(|t| t.timestamp() < end) {
                let from = tz.to_offset(
                    t.timestamp()
                        .checked_sub(SignedDuration::from_nanos(1))
                        .unwrap(),
                );
                if from == t.offset() {
                    continue;
                }
                expected.push((from.to_datetime(t.timestamp()), from, t.offset()));
            }
            let mut written = Vec::new();
            for year in 2019..=2040 {
                for (local, kind) in onsets_of(year) {
                    if kind.from != kind.to {
                        written.push((local, kind.from, kind.to));
                    }
                }
            }
            written.sort_by_key(|w| w.0);
            written.dedup();
            let written: Vec<_> = written
                .into_iter()
                .filter(|(local, from, _)| {
                    let at = from.to_timestamp(*local).unwrap();
                    at > start && at < end
                })
                .collect();
            assert_eq!(written, expected, "{zone}");
        }
    }

    #[test]
    fn utc_offsets_are_written_as_rfc_5545_wants() {
        assert_eq!(utc_offset(Offset::UTC), "+0000");
        assert_eq!(
            utc_offset(Offset::from_seconds(-(3 * 3600 + 1800)).unwrap()),
            "-0330"
        );
        assert_eq!(
            utc_offset(Offset::from_seconds(12 * 3600 + 2700).unwrap()),
            "+1245"
        );
        assert_eq!(utc_offset(Offset::from_seconds(1172).unwrap()), "+001932");
    }
}
