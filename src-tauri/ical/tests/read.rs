//! Reading .ics files end to end: one realistic export per producer (tests/fixtures/), the
//! folding, escaping and zone edge cases, and malformed files with the line they fail at.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use guildhall_ical::read::{read_calendar, EventTime, Person, ReadEvent, ReadStatus};
use guildhall_ical::IcalError;
use jiff::civil::{date, Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> Vec<ReadEvent> {
    read_calendar(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The error's line and message.
fn error(bytes: &[u8]) -> (Option<u32>, String) {
    match read_calendar(bytes) {
        Err(IcalError::InvalidFile { line, message }) => (line, message),
        other => panic!("expected InvalidFile, got {other:?}"),
    }
}

fn utc(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn instant(time: &EventTime) -> Timestamp {
    time.to_timestamp(&TimeZone::UTC)
}

fn zoned(local: DateTime, zone: &str) -> EventTime {
    EventTime::Zoned {
        local,
        zone: zone.into(),
    }
}

fn person(name: Option<&str>, email: &str) -> Person {
    Person {
        name: name.map(Into::into),
        email: Some(email.into()),
        partstat: None,
    }
}

fn attendee(name: Option<&str>, email: &str, partstat: &str) -> Person {
    Person {
        partstat: Some(partstat.into()),
        ..person(name, email)
    }
}

// ------------------------------------------------------------------------------ producers

#[test]
fn google_series_with_exdates_and_an_override() {
    let events = read("google.ics");
    assert_eq!(events.len(), 3);

    let series = &events[0];
    assert_eq!(series.uid, "3k9v1q2m7s8t0u4v5w6x7y8z9a@google.com");
    assert_eq!(series.line, 27);
    assert_eq!(series.summary, "Study group: The Rust Book");
    assert_eq!(
        series.description.as_deref(),
        Some(
            "We read one chapter of the book and work through the exercises together.\n\
             Bring a laptop."
        )
    );
    assert_eq!(
        series.location.as_deref(),
        Some("c-base, Rungestraße 20, 10179 Berlin, Germany")
    );
    assert_eq!(series.status, Some(ReadStatus::Confirmed));
    assert_eq!(series.sequence, 2);
    assert_eq!(
        series.start,
        zoned(date(2024, 3, 5).at(19, 0, 0, 0), "Europe/Berlin")
    );
    assert_eq!(instant(&series.start), utc("2024-03-05T18:00:00Z"));
    assert_eq!(instant(&series.end), utc("2024-03-05T20:00:00Z"));
    assert_eq!(
        series.rrule.as_deref(),
        Some("FREQ=WEEKLY;WKST=MO;UNTIL=20240430T165959Z;BYDAY=TU")
    );
    let exdates: Vec<Timestamp> = series.exdates.iter().map(instant).collect();
    assert_eq!(
        exdates,
        [
            utc("2024-03-26T18:00:00Z"),
            utc("2024-04-02T17:00:00Z"), // CEST from 31 March
            utc("2024-04-09T17:00:00Z")
        ]
    );
    assert_eq!(series.recurrence_id, None);

    let moved = &events[1];
    assert_eq!(moved.uid, series.uid);
    assert_eq!(moved.line, 50);
    assert_eq!(
        moved.recurrence_id,
        Some(zoned(date(2024, 3, 19).at(19, 0, 0, 0), "Europe/Berlin"))
    );
    assert_eq!(instant(&moved.start), utc("2024-03-19T18:30:00Z"));
    assert_eq!(moved.sequence, 3);
    assert_eq!(moved.rrule, None);

    let weekend = &events[2];
    assert_eq!(weekend.line, 65);
    assert_eq!(weekend.start, EventTime::Date(date(2024, 6, 1)));
    assert_eq!(weekend.end, EventTime::Date(date(2024, 6, 3)));
    assert_eq!(weekend.status, Some(ReadStatus::Tentative));
    assert_eq!(weekend.location, None, "an empty LOCATION is no location");
    assert_eq!(
        weekend.description.as_deref(),
        Some(
            "Two days of talks. Tickets: <a href=\"https://example.org/rustfest\">\
             example.org/rustfest</a>"
        )
    );
    assert_eq!(
        weekend.organizer,
        Some(person(
            Some("Rust Meetup Berlin"),
            "c_0123456789abcdef@group.calendar.google.com"
        ))
    );
    assert_eq!(
        weekend.attendees,
        [
            attendee(Some("Ada Lovelace"), "ada@example.org", "ACCEPTED"),
            attendee(
                Some("grace@example.org"),
                "grace@example.org",
                "NEEDS-ACTION"
            )
        ]
    );
}

#[test]
fn outlook_windows_zone_names_and_a_customized_zone() {
    let events = read("outlook.ics");
    assert_eq!(events.len(), 3);

    let review = &events[0];
    assert_eq!(review.line, 51);
    assert_eq!(
        review.uid,
        "040000008200E00074C5B7101A82E00800000000D0F1A7B2E58BDA01000000000000000010000000\
         E2A1F7C5D0B94B4C9F3B7E0C2D6A8B91"
    );
    assert_eq!(review.summary, "Quartalsrückblick");
    assert_eq!(
        review.description.as_deref(),
        Some(
            "Hallo zusammen,\n\nwir treffen uns zum Quartalsrückblick. Agenda:\n1. Rückblick \
             Q1\n2. Planung Q2\n3. Offene Punkte\n\nBitte bringt eure Notizen mit.\n\nViele \
             Grüße\nMarta\n"
        )
    );
    assert_eq!(
        review.start,
        zoned(date(2024, 4, 18).at(15, 30, 0, 0), "Europe/Berlin")
    );
    assert_eq!(instant(&review.start), utc("2024-04-18T13:30:00Z"));
    assert_eq!(instant(&review.end), utc("2024-04-18T15:00:00Z"));
    assert_eq!(
        review.organizer,
        Some(person(Some("Marta Kowalski"), "marta.kowalski@example.com"))
    );
    assert_eq!(
        review.attendees,
        [person(Some("Jonas Weber"), "jonas.weber@example.com")]
    );
    assert_eq!(review.status, None);

    let standup = &events[1];
    assert_eq!(standup.line, 83);
    assert_eq!(
        standup.start,
        zoned(date(2024, 10, 28).at(9, 0, 0, 0), "America/New_York")
    );
    assert_eq!(instant(&standup.start), utc("2024-10-28T13:00:00Z"));
    assert_eq!(
        standup.rrule.as_deref(),
        Some("FREQ=WEEKLY;COUNT=4;BYDAY=MO")
    );
    assert_eq!(standup.sequence, 1);

    // "Customized Time Zone" has only its VTIMEZONE: the EU rules, so the first IANA zone with
    // them in the Windows table.
    let planning = &events[2];
    assert_eq!(
        planning.start,
        zoned(date(2024, 7, 1).at(10, 0, 0, 0), "Europe/Berlin")
    );
    assert_eq!(instant(&planning.end), utc("2024-07-01T10:00:00Z"));
}

#[test]
fn apple_all_day_lf_only_and_a_tab_continuation() {
    let events = read("apple.ics");
    assert_eq!(events.len(), 3, "the VTODO is skipped");

    let garden = &events[0];
    assert_eq!(garden.line, 26);
    assert_eq!(garden.uid, "5E0C6A0B-1D2F-4B83-9C57-0E6E4F1A2B3C");
    assert_eq!(garden.start, EventTime::Date(date(2024, 5, 25)));
    assert_eq!(garden.end, EventTime::Date(date(2024, 5, 26)));
    assert_eq!(garden.description, None);

    let soldering = &events[1];
    assert_eq!(soldering.line, 38);
    assert_eq!(
        soldering.location.as_deref(),
        Some("Noisebridge\n2169 Mission St, San Francisco CA 94110, United States")
    );
    assert_eq!(
        soldering.description.as_deref(),
        Some("Beginners welcome. Irons and solder are provided, bring safety glasses.")
    );
    assert_eq!(
        soldering.url.as_deref(),
        Some("https://example.org/events/soldering-night")
    );
    assert_eq!(instant(&soldering.start), utc("2024-06-12T01:00:00Z"));
    assert_eq!(instant(&soldering.end), utc("2024-06-12T03:00:00Z"));

    // P1DT2H across the end of DST (3 Nov): one calendar day, then two exact hours.
    let hackathon = &events[2];
    assert_eq!(hackathon.line, 70);
    assert_eq!(
        hackathon.end,
        zoned(date(2024, 11, 3).at(12, 0, 0, 0), "America/Los_Angeles")
    );
    assert_eq!(instant(&hackathon.start), utc("2024-11-02T17:00:00Z"));
    assert_eq!(instant(&hackathon.end), utc("2024-11-03T20:00:00Z"));
}

#[test]
fn meetup_feed_in_utc_with_escaped_commas() {
    let events = read("meetup.ics");
    assert_eq!(events.len(), 2);

    let hack = &events[0];
    assert_eq!(hack.uid, "event_300123456@meetup.com");
    assert_eq!(hack.line, 9);
    assert_eq!(hack.start, EventTime::Utc(utc("2024-05-15T17:00:00Z")));
    assert_eq!(hack.end, EventTime::Utc(utc("2024-05-15T20:00:00Z")));
    assert_eq!(
        hack.location.as_deref(),
        Some("Mozilla Berlin (Schlesische Straße 27, Berlin, Germany)")
    );
    assert_eq!(
        hack.url.as_deref(),
        Some("https://www.meetup.com/berlin-rust/events/300123456/")
    );
    // The physical line ends in "Bring " before the fold: that space is content.
    assert_eq!(
        hack.description.as_deref(),
        Some(
            "Berlin Rust Hack and Learn\nWednesday, May 15 at 7:00 PM\n\nBring your project, \
             or pick one of ours. All levels welcome.\n\n\
             https://www.meetup.com/berlin-rust/events/300123456/"
        )
    );
    assert_eq!(hack.status, Some(ReadStatus::Confirmed));
    assert_eq!(hack.sequence, 0);

    let cancelled = &events[1];
    assert_eq!(cancelled.line, 26);
    assert_eq!(cancelled.status, Some(ReadStatus::Cancelled));
    assert_eq!(cancelled.sequence, 1);
}

#[test]
fn luma_iana_zone_without_vtimezone_organizer_and_rfc_6868() {
    let events = read("luma.ics");
    assert_eq!(events.len(), 2);

    let happy_hour = &events[0];
    assert_eq!(happy_hour.line, 6);
    assert_eq!(happy_hour.summary, "Design Systems Happy Hour 🍻");
    assert_eq!(
        happy_hour.start,
        zoned(date(2024, 6, 20).at(18, 30, 0, 0), "America/New_York")
    );
    assert_eq!(instant(&happy_hour.start), utc("2024-06-20T22:30:00Z"));
    assert_eq!(
        happy_hour.description.as_deref(),
        Some(
            "Get up-to-date information at: https://lu.ma/design-hh\n\nJoin us for drinks and \
             show-and-tell. RSVP: https://lu.ma/design-hh?tk=Ab12\n\nHosted by Priya Raman"
        )
    );
    assert_eq!(
        happy_hour.location.as_deref(),
        Some("The Bell House, 149 7th St, Brooklyn, NY 11215, USA")
    );
    assert_eq!(
        happy_hour.organizer,
        Some(person(Some("Priya Raman"), "calendar-invite@lu.ma"))
    );
    assert_eq!(
        happy_hour.attendees,
        [attendee(
            Some("Sam \"The Builder\" O^Neil\nBrooklyn"),
            "sam@example.net",
            "ACCEPTED"
        )]
    );
    assert_eq!(happy_hour.sequence, 4);

    let online = &events[1];
    assert_eq!(online.start, EventTime::Utc(utc("2024-07-05T16:00:00Z")));
    assert_eq!(online.end, EventTime::Utc(utc("2024-07-05T17:30:00Z")));
    assert_eq!(
        online.organizer,
        Some(person(Some("Design Friends"), "calendar-invite@lu.ma"))
    );
}

/// The ORGANIZER lines Python icalendar 7 and ical.js 2 write for a name with quotes, commas, a
/// colon and a semicolon (tests/interop/test_calendar_import.py imports their whole files): a
/// quoted parameter value, RFC 6868 `^'`, and (icalendar) a fold inside the address.
#[test]
fn organizer_names_quoted_by_other_libraries() {
    let file = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n\
        BEGIN:VEVENT\r\nUID:py\r\nDTSTART:20270504T163000Z\r\n\
        ORGANIZER;CN=\"Zoë ^'Zed^' Müller, PhD: Chair; Berlin\":mailto:zoe@example\r\n .org\r\n\
        END:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:js\r\nDTSTART:20270504T163000Z\r\n\
        ORGANIZER;CN=\"Zoë ^'Zed^' Müller, PhD: Chair; Berlin\":mailto:zoe@example.org\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";
    let events = read_calendar(file.as_bytes()).unwrap();
    assert_eq!(events.len(), 2);
    for event in &events {
        assert_eq!(
            event.organizer,
            Some(person(
                Some("Zoë \"Zed\" Müller, PhD: Chair; Berlin"),
                "zoe@example.org"
            )),
            "{}",
            event.uid
        );
    }
}

// ------------------------------------------------------------------------------ edge cases

fn edge(uid: &str) -> ReadEvent {
    read("edge-cases.ics")
        .into_iter()
        .find(|e| e.uid == uid)
        .unwrap_or_else(|| panic!("no event {uid}"))
}

#[test]
fn edge_cases_file_reads_only_its_own_events() {
    let uids: Vec<String> = read("edge-cases.ics").into_iter().map(|e| e.uid).collect();
    assert_eq!(
        uids,
        [
            "escapes@example.org",
            "mozilla@example.org",
            "citadel@example.org",
            "lightning@example.org",
            "mars@example.org",
            "dst@example.org",
            "dst-exact@example.org",
            "week@example.org",
            "rdates@example.org",
            "date-default@example.org"
        ],
        "the VEVENT inside an X- component, the VJOURNAL and the VFREEBUSY are skipped"
    );
}

#[test]
fn escapes_emoji_and_utf8_split_by_a_fold() {
    let event = edge("escapes@example.org");
    assert_eq!(event.line, 42);
    assert_eq!(event.summary, "Fix , then ; test \\ done 🎉 end");
    assert_eq!(
        event.description.as_deref(),
        Some("Meet at the café\nBring 🦀")
    );
    assert_eq!(event.organizer, Some(person(None, "host@example.org")));
}

#[test]
fn floating_time_with_a_duration() {
    let event = edge("escapes@example.org");
    assert_eq!(
        event.start,
        EventTime::Floating(date(2024, 2, 1).at(9, 0, 0, 0))
    );
    assert_eq!(
        event.end,
        EventTime::Floating(date(2024, 2, 2).at(11, 0, 0, 0))
    );
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    assert_eq!(
        event.start.to_timestamp(&tokyo),
        utc("2024-02-01T00:00:00Z")
    );
}

#[test]
fn prefixed_tzids_take_their_iana_suffix() {
    let mozilla = edge("mozilla@example.org");
    assert_eq!(
        mozilla.start,
        zoned(date(2024, 1, 10).at(10, 0, 0, 0), "Europe/Berlin")
    );
    assert_eq!(instant(&mozilla.end), utc("2024-01-10T10:30:00Z"));

    let citadel = edge("citadel@example.org");
    assert_eq!(
        citadel.start,
        zoned(
            date(2024, 3, 15).at(20, 0, 0, 0),
            "America/Argentina/Buenos_Aires"
        )
    );
    assert_eq!(
        citadel.end, citadel.start,
        "no DTEND: a date-time event ends as it starts"
    );
    assert_eq!(instant(&citadel.start), utc("2024-03-15T23:00:00Z"));
}

#[test]
fn x_lic_location_names_the_zone() {
    let event = edge("lightning@example.org");
    assert_eq!(
        event.start,
        zoned(date(2024, 8, 1).at(10, 0, 0, 0), "Asia/Tokyo")
    );
}

#[test]
fn a_vtimezone_no_iana_zone_matches_is_evaluated_to_utc() {
    let event = edge("mars@example.org");
    assert_eq!(event.start, EventTime::Utc(utc("2024-08-01T06:43:00Z")));
    assert_eq!(event.end, EventTime::Utc(utc("2024-08-01T07:43:00Z")));
}

#[test]
fn duration_days_are_nominal_and_hours_exact_across_dst() {
    let days = edge("dst@example.org");
    assert_eq!(
        days.end,
        zoned(date(2024, 3, 31).at(12, 0, 0, 0), "Europe/Berlin")
    );
    assert_eq!(instant(&days.end), utc("2024-03-31T10:00:00Z"));

    let hours = edge("dst-exact@example.org");
    assert_eq!(
        hours.end,
        zoned(date(2024, 3, 31).at(13, 0, 0, 0), "Europe/Berlin")
    );
    assert_eq!(instant(&hours.end), utc("2024-03-31T11:00:00Z"));
}

#[test]
fn all_day_ends_a_week_or_a_day_later() {
    assert_eq!(
        edge("week@example.org").end,
        EventTime::Date(date(2024, 9, 9))
    );
    let default = edge("date-default@example.org");
    assert_eq!(default.end, EventTime::Date(date(2025, 1, 1)));
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    assert_eq!(
        default.start.to_timestamp(&berlin),
        utc("2024-12-30T23:00:00Z")
    );
}

#[test]
fn rdate_and_exdate_lists() {
    let event = edge("rdates@example.org");
    assert_eq!(
        event.rdates,
        [
            EventTime::Utc(utc("2024-01-05T10:00:00Z")),
            EventTime::Utc(utc("2024-01-10T10:00:00Z")),
            EventTime::Utc(utc("2024-01-20T10:00:00Z")),
            EventTime::Date(date(2024, 2, 1)),
        ]
    );
    assert_eq!(
        event.exdates,
        [
            EventTime::Date(date(2024, 1, 5)),
            EventTime::Date(date(2024, 1, 10))
        ]
    );
}

#[test]
fn several_calendars_in_one_file_and_a_bom() {
    let one = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T100000Z\r\n\
               END:VEVENT\r\nEND:VCALENDAR\r\n";
    let two = one.replace("UID:a", "UID:b");
    let file = format!("\u{feff}{one}{two}");
    let events = read_calendar(file.as_bytes()).unwrap();
    let uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(uids, ["a", "b"]);
    assert_eq!(events[1].line, 8);
}

#[test]
fn lowercase_names_and_unknown_status_are_read() {
    let file = "BEGIN:VCALENDAR\nbegin:vevent\nuid:x\ndtstart;value=date:20240101\n\
                status:NEEDS-ACTION\nsummary:Hi\nend:vevent\nEND:VCALENDAR\n";
    let events = read_calendar(file.as_bytes()).unwrap();
    assert_eq!(events[0].start, EventTime::Date(date(2024, 1, 1)));
    assert_eq!(events[0].summary, "Hi");
    assert_eq!(events[0].status, None);
}

/// Not a timing test: a large file reads whole, every zone resolved once.
#[test]
fn ten_thousand_events() {
    let mut file =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guildhall tests//bulk//EN\r\n");
    let first = date(2020, 1, 1);
    for i in 0..10_000 {
        let day: Date = first.checked_add(jiff::Span::new().days(i % 1500)).unwrap();
        let day = day.strftime("%Y%m%d");
        file.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:bulk-{i}@example.org\r\nDTSTAMP:20240101T000000Z\r\n\
             DTSTART;TZID=W. Europe Standard Time:{day}T180000\r\n\
             DTEND;TZID=W. Europe Standard Time:{day}T200000\r\nSUMMARY:Workshop {i}\\, part \
             {i}\r\nDESCRIPTION:Line one\\nLine two with a long text that needs folding at s\r\n \
             eventy-five octets\r\nEND:VEVENT\r\n"
        ));
    }
    file.push_str("END:VCALENDAR\r\n");
    let events = read_calendar(file.as_bytes()).unwrap();
    assert_eq!(events.len(), 10_000);
    assert_eq!(events[9_999].summary, "Workshop 9999, part 9999");
    assert_eq!(events[9_999].line, 4 + 9_999 * 9);
    assert_eq!(
        events[0].description.as_deref(),
        Some("Line one\nLine two with a long text that needs folding at seventy-five octets")
    );
}

// ------------------------------------------------------------------------------ malformed

fn malformed(name: &str) -> (Option<u32>, String) {
    error(&fixture(&format!("malformed/{name}")))
}

fn assert_error(name: &str, line: Option<u32>, contains: &str) {
    let (at, message) = malformed(name);
    assert_eq!(at, line, "{name}: {message}");
    assert!(message.contains(contains), "{name}: {message}");
}

#[test]
fn not_an_icalendar_file() {
    assert_error("members.csv", Some(1), "not an iCalendar (.ics) file");
    assert_error("empty.ics", None, "the file is empty");
    let (line, message) = error(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    assert_eq!(line, Some(1));
    assert!(message.contains("not an iCalendar"), "{message}");
    assert_eq!(error(b"").1, "the file is empty");
}

#[test]
fn unbalanced_components() {
    assert_error(
        "missing-end-vcalendar.ics",
        Some(1),
        "BEGIN:VCALENDAR is never closed",
    );
    assert_error(
        "missing-end-vevent.ics",
        Some(7),
        "BEGIN:VEVENT inside VEVENT (opened at line 4)",
    );
    assert_error(
        "mismatched-end.ics",
        Some(7),
        "END:VTODO does not close BEGIN:VEVENT at line 4",
    );
    let (line, message) = error(b"BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR\n");
    assert_eq!(
        (line, message.as_str()),
        (
            Some(2),
            "END:VEVENT does not close BEGIN:VCALENDAR at line 1"
        )
    );
}

#[test]
fn missing_uid_or_dtstart() {
    assert_error("no-uid.ics", Some(8), "VEVENT without UID");
    assert_error(
        "no-dtstart.ics",
        Some(4),
        "VEVENT \"a@example.org\" has no DTSTART",
    );
}

#[test]
fn bad_values_name_their_line() {
    assert_error(
        "bad-datetime.ics",
        Some(7),
        "DTSTART: \"2024-03-05T10:00:00Z\" is not a valid date-time",
    );
    assert_error(
        "dtend-before-dtstart.ics",
        Some(7),
        "DTEND is before DTSTART",
    );
    assert_error(
        "bad-duration.ics",
        Some(7),
        "DURATION: \"PT1H30\" is not a valid duration",
    );
    assert_error("negative-duration.ics", Some(7), "negative");
    assert_error(
        "bad-rrule.ics",
        Some(7),
        "RRULE \"FREQ=FORTNIGHTLY;BYDAY=TU\" is not valid",
    );
    assert_error(
        "unknown-tzid.ics",
        Some(6),
        "unknown time zone \"Atlantis Standard Time\"",
    );
    assert_error("no-colon.ics", Some(7), "a line without a property name");
}

#[test]
fn error_lines_count_physical_lines_before_folds() {
    // The bad value sits on a continuation line; the error names the line its property starts on.
    let file = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDESCRIPTION:long\r\n  text\r\n\
                DTSTART:2024\r\n 0101T25\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (line, message) = error(file.as_bytes());
    assert_eq!(line, Some(6), "{message}");
    let error = read_calendar(file.as_bytes()).unwrap_err();
    assert!(error.to_string().starts_with("line 6: DTSTART:"), "{error}");
}

#[test]
fn invalid_utf8_is_an_error_with_its_line() {
    let file =
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSUMMARY:caf\xE9\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(error(file), (Some(4), "the line is not UTF-8 text".into()));
}

#[test]
fn rrule_until_forms_producers_write_are_accepted() {
    // A zoned start with a floating UNTIL (older Apple and Outlook exports), and an all-day
    // series with a date UNTIL.
    let file = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\n\
                DTSTART;TZID=Europe/Berlin:20240105T180000\n\
                RRULE:FREQ=WEEKLY;UNTIL=20240301T180000\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\n\
                DTSTART;VALUE=DATE:20240105\nRRULE:FREQ=MONTHLY;UNTIL=20241205\nEND:VEVENT\n\
                END:VCALENDAR\n";
    let events = read_calendar(file.as_bytes()).unwrap();
    assert_eq!(
        events[0].rrule.as_deref(),
        Some("FREQ=WEEKLY;UNTIL=20240301T180000")
    );
    assert_eq!(
        events[1].rrule.as_deref(),
        Some("FREQ=MONTHLY;UNTIL=20241205")
    );
}

#[test]
fn a_zone_that_means_the_reading_computer_s_own_is_refused() {
    for tzid in ["/etc/localtime", "localtime", "posix/Europe/Berlin"] {
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:z@t\r\n\
             DTSTAMP:20260101T000000Z\r\nDTSTART;TZID={tzid}:20270101T100000\r\nSUMMARY:x\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        if tzid == "posix/Europe/Berlin" {
            // Ends in a real zone name: read as that zone, not the machine's copy of it.
            let events = read_calendar(ics.as_bytes()).unwrap();
            assert!(
                matches!(&events[0].start, EventTime::Zoned { zone, .. } if zone == "Europe/Berlin"),
                "{:?}",
                events[0].start
            );
        } else {
            let (line, message) = error(ics.as_bytes());
            assert_eq!(line, Some(7), "{tzid}");
            assert!(message.contains("unknown time zone"), "{message}");
        }
    }
}
