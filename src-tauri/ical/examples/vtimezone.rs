//! Prints a calendar with the VTIMEZONE of each zone, for tests/interop/test_vtimezone.py to read
//! with parsers we did not write (Python icalendar, Mozilla ical.js):
//!
//! ```sh
//! cargo run -p guildhall-ical --example vtimezone -- 2020 2035 Europe/Berlin Asia/Kolkata
//! ```
//!
//! The VTIMEZONEs cover events from 1 January of the first year to 31 December of the last. Each
//! zone also gets one VEVENT whose DTSTART names the zone by TZID (1 July of the middle year,
//! 18:30 local), so a parser has to resolve it through the VTIMEZONE.
#![allow(clippy::print_stdout)] // a tool that writes its calendar to stdout

use std::io::Write as _;

use guildhall_ical::vtimezone::write_vtimezone;
use guildhall_ical::writer::{local_stamp, utc_stamp, IcsWriter};
use jiff::civil::{date, datetime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from_year, until_year, zones @ ..] = args.as_slice() else {
        return Err("usage: vtimezone FROM_YEAR UNTIL_YEAR ZONE...".into());
    };
    let (from_year, until_year): (i16, i16) = (from_year.parse()?, until_year.parse()?);
    let from = date(from_year, 1, 1).to_zoned(TimeZone::UTC)?.timestamp();
    let until = datetime(until_year, 12, 31, 23, 59, 59, 0)
        .to_zoned(TimeZone::UTC)?
        .timestamp();
    let event_day = datetime((from_year + until_year) / 2, 7, 1, 18, 30, 0, 0);

    let mut w = IcsWriter::with_capacity(4096 * (zones.len() + 1));
    w.begin("VCALENDAR");
    w.raw("VERSION", &[], "2.0");
    w.text("PRODID", &[], "-//Guildhall//Guildhall//EN");
    w.raw("CALSCALE", &[], "GREGORIAN");
    for zone in zones {
        write_vtimezone(&mut w, zone, from, until)?;
    }
    let stamp = utc_stamp(Timestamp::now());
    for (i, zone) in zones.iter().enumerate() {
        let tzid = [("TZID", zone.as_str())];
        w.begin("VEVENT");
        w.text("UID", &[], &format!("vtimezone-{i}@guildhall.invalid"));
        w.raw("DTSTAMP", &[], &stamp);
        w.raw("DTSTART", &tzid, &local_stamp(event_day));
        w.raw(
            "DTEND",
            &tzid,
            &local_stamp(event_day.checked_add(jiff::SignedDuration::from_hours(2))?),
        );
        w.text("SUMMARY", &[], &format!("Evening session in {zone}"));
        w.end("VEVENT");
    }
    w.end("VCALENDAR");
    std::io::stdout().write_all(w.finish().as_bytes())?;
    Ok(())
}
