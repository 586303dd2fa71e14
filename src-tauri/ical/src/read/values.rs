//! RFC 5545 value types the reader needs: DATE, DATE-TIME (§3.3.4, §3.3.5), UTC-OFFSET (§3.3.14)
//! and DURATION (§3.3.6). Errors are plain messages; the caller adds the line.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;

use crate::error::shown;

/// A DATE-TIME as written: its local value and whether it ended in `Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RawTime {
    Date(Date),
    DateTime { local: DateTime, utc: bool },
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn date(s: &str) -> Option<Date> {
    if s.len() != 8 {
        return None;
    }
    let year = i16::try_from(digits(s.get(0..4)?)?).ok()?;
    let month = i8::try_from(digits(s.get(4..6)?)?).ok()?;
    let day = i8::try_from(digits(s.get(6..8)?)?).ok()?;
    Date::new(year, month, day).ok()
}

/// Why a value could not be read; the caller places it at its line, with the property's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadValue(pub String);

impl std::fmt::Display for BadValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `value_is_date` comes from `VALUE=DATE`; an 8-digit value without it is read as a date too,
/// since some producers leave the parameter out.
pub(super) fn parse_time(value: &str, value_is_date: bool) -> Result<RawTime, BadValue> {
    let value = value.trim();
    let bad = || {
        BadValue(if value_is_date {
            format!("{} is not a valid date (expected YYYYMMDD)", shown(value))
        } else {
            format!(
                "{} is not a valid date-time (expected YYYYMMDDTHHMMSS, with Z for UTC)",
                shown(value)
            )
        })
    };
    if value_is_date || value.len() == 8 {
        return date(value).map(RawTime::Date).ok_or_else(bad);
    }
    let (rest, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (value, false),
    };
    if rest.len() != 15 || !matches!(rest.as_bytes().get(8), Some(b'T' | b't')) {
        return Err(bad());
    }
    let day = rest.get(0..8).and_then(date).ok_or_else(bad)?;
    let hms = |range: std::ops::Range<usize>| {
        rest.get(range)
            .and_then(digits)
            .and_then(|n| i8::try_from(n).ok())
    };
    let (Some(hour), Some(minute), Some(second)) = (hms(9..11), hms(11..13), hms(13..15)) else {
        return Err(bad());
    };
    // RFC 5545 allows second 60 (a leap second); jiff does not, and nobody schedules one.
    let time = jiff::civil::Time::new(hour, minute, second.min(59), 0).map_err(|_| bad())?;
    Ok(RawTime::DateTime {
        local: day.to_datetime(time),
        utc,
    })
}

/// `+hhmm`, `-hhmm` or `+hhmmss`.
pub(super) fn parse_offset(value: &str) -> Result<Offset, BadValue> {
    let value = value.trim();
    let bad = || {
        BadValue(format!(
            "\"{value}\" is not a UTC offset (expected +HHMM or -HHMM)"
        ))
    };
    let (sign, rest) = match value.as_bytes().first() {
        Some(b'+') => (1, &value[1..]),
        Some(b'-') => (-1, &value[1..]),
        _ => return Err(bad()),
    };
    if rest.len() != 4 && rest.len() != 6 {
        return Err(bad());
    }
    let part = |r: std::ops::Range<usize>| rest.get(r).and_then(digits);
    let hours = part(0..2).ok_or_else(bad)?;
    let minutes = part(2..4).ok_or_else(bad)?;
    let seconds = if rest.len() == 6 {
        part(4..6).ok_or_else(bad)?
    } else {
        0
    };
    if minutes > 59 || seconds > 59 {
        return Err(bad());
    }
    let total = i32::try_from(sign * (hours * 3600 + minutes * 60 + seconds)).map_err(|_| bad())?;
    Offset::from_seconds(total).map_err(|_| bad())
}

/// An RFC 5545 duration: days and weeks are nominal (calendar days, kept across a DST change),
/// hours, minutes and seconds exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Duration {
    pub negative: bool,
    /// Weeks folded into days.
    pub days: i64,
    pub seconds: i64,
}

/// `P1W`, `P1DT2H`, `PT90M`, `-PT15M`, `+P2D`. A week count combined with days (`P1W2D`) is not
/// RFC 5545 but unambiguous, so it is accepted.
pub(super) fn parse_duration(value: &str) -> Result<Duration, BadValue> {
    let value = value.trim();
    let bad = || {
        BadValue(format!(
            "\"{value}\" is not a valid duration (e.g. PT1H30M, P1D, P1W)"
        ))
    };
    let upper = value.to_ascii_uppercase();
    let (negative, rest) = match upper.as_bytes().first() {
        Some(b'-') => (true, &upper[1..]),
        Some(b'+') => (false, &upper[1..]),
        _ => (false, upper.as_str()),
    };
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let mut days = 0i64;
    let mut seconds = 0i64;
    let mut any = false;
    // Each part lists its units in the order RFC 5545 requires; the flag says days vs seconds.
    const DATE_UNITS: [(char, i64, bool); 2] = [('W', 7, true), ('D', 1, true)];
    const TIME_UNITS: [(char, i64, bool); 3] =
        [('H', 3600, false), ('M', 60, false), ('S', 1, false)];
    for (part, units) in [
        (date_part, &DATE_UNITS[..]),
        (time_part.unwrap_or(""), &TIME_UNITS[..]),
    ] {
        let mut remaining = part;
        let mut next_unit = 0;
        while !remaining.is_empty() {
            let end = remaining
                .find(|c: char| !c.is_ascii_digit())
                .ok_or_else(bad)?;
            let number = digits(&remaining[..end]).ok_or_else(bad)?;
            let unit = remaining[end..].chars().next().ok_or_else(bad)?;
            let position = units[next_unit..]
                .iter()
                .position(|(u, _, _)| *u == unit)
                .ok_or_else(bad)?;
            let (_, factor, is_days) = units[next_unit + position];
            next_unit += position + 1;
            let scaled = number.checked_mul(factor).ok_or_else(bad)?;
            let total = if is_days { &mut days } else { &mut seconds };
            *total = total.checked_add(scaled).ok_or_else(bad)?;
            any = true;
            remaining = &remaining[end + unit.len_utf8()..];
        }
    }
    if !any {
        return Err(bad());
    }
    Ok(Duration {
        negative,
        days,
        seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn dur(s: &str) -> (bool, i64, i64) {
        let d = parse_duration(s).unwrap();
        (d.negative, d.days, d.seconds)
    }

    #[test]
    fn durations() {
        assert_eq!(dur("P1W"), (false, 7, 0));
        assert_eq!(dur("P1DT2H"), (false, 1, 7200));
        assert_eq!(dur("PT90M"), (false, 0, 5400));
        assert_eq!(dur("-PT15M"), (true, 0, 900));
        assert_eq!(dur("+P2D"), (false, 2, 0));
        assert_eq!(dur("PT1H30M15S"), (false, 0, 5415));
        assert_eq!(dur("P1W2D"), (false, 9, 0));
        for bad in [
            "", "P", "PT", "1D", "P1H", "PT1D", "P1D2W", "PT30M1H", "P-1D", "P1.5D", "PTH",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("20240305T183000Z", false),
            Ok(RawTime::DateTime {
                local: date(2024, 3, 5).at(18, 30, 0, 0),
                utc: true
            })
        );
        assert_eq!(
            parse_time("20240305", false),
            Ok(RawTime::Date(date(2024, 3, 5)))
        );
        for bad in [
            "2024-03-05",
            "20240230",
            "20240305T253000",
            "20240305T1830",
            "x",
        ] {
            assert!(parse_time(bad, false).is_err(), "{bad}");
        }
        assert!(parse_time("20240305T183000", true).is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+0130").unwrap().seconds(), 5400);
        assert_eq!(parse_offset("-0500").unwrap().seconds(), -18000);
        assert!(parse_offset("0100").is_err());
    }
}
