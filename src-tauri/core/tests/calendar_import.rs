//! Calendar files into workshops, on real SQLite files: a producer's file, re-imported without
//! duplicates; a changed file updates and raises SEQUENCE; our own export read back gives the
//! same occurrences; a malformed file changes nothing.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use guildhall_core::calendar::export::{export, CalendarScope};
use guildhall_core::calendar::import::{import, preview};
use guildhall_core::workshops::{
    self, Frequency, SeriesInput, SessionInput, WorkshopInput, WorkshopStatus,
};
use guildhall_core::{Context, CoreError};
use guildhall_ical::writer::IcsWriter;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../ical/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every occurrence in 2020-2030: (title, start, end, status), in order.
fn occurrences(ctx: &Context) -> Vec<(String, String, String, WorkshopStatus)> {
    ctx.read(|c| {
        workshops::schedule(
            c,
            "2020-01-01T00:00:00Z".parse().unwrap(),
            "2030-01-01T00:00:00Z".parse().unwrap(),
        )
    })
    .unwrap()
    .into_iter()
    .map(|o| (o.workshop_title, o.start, o.end, o.status))
    .collect()
}

fn count(ctx: &Context, table: &str) -> i64 {
    ctx.read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn a_google_calendar_imports_once_and_again_without_duplicates() {
    let (_dir, ctx) = common::open();
    let bytes = fixture("google.ics");
    let before = preview(&ctx.db, &bytes, &ctx.clock, Default::default()).unwrap();
    // Three VEVENTs: a series, the override of one of its dates, and an all-day event.
    assert_eq!((before.events, before.created, before.updated), (2, 2, 0));
    assert_eq!(count(&ctx, "workshop"), 0, "a preview writes nothing");

    let first = ctx.write(|tx| import(tx, &bytes, &ctx.clock)).unwrap();
    assert_eq!((first.events, first.created, first.updated), (2, 2, 0));
    let series = occurrences(&ctx)
        .into_iter()
        .filter(|o| o.0 == "Study group: The Rust Book")
        .map(|o| o.1)
        .collect::<Vec<_>>();
    // Tuesdays 19:00 Berlin, 5 March to 30 April 2024, without the three EXDATEs; 31 March is
    // the DST change (19:00 is 18:00Z before, 17:00Z after). The override moves one date.
    assert!(series.contains(&"2024-03-05T18:00:00Z".to_owned()));
    assert!(!series.contains(&"2024-03-26T18:00:00Z".to_owned()));
    assert!(!series.contains(&"2024-04-02T17:00:00Z".to_owned()));
    assert!(!series.contains(&"2024-04-09T17:00:00Z".to_owned()));
    assert!(series.contains(&"2024-04-16T17:00:00Z".to_owned()));
    // 19 March moved from 19:00 to 19:30.
    assert!(series.contains(&"2024-03-19T18:30:00Z".to_owned()));
    assert!(!series.contains(&"2024-03-19T18:00:00Z".to_owned()));
    assert_eq!(series.len(), 5);

    let all = occurrences(&ctx);
    let again = ctx.write(|tx| import(tx, &bytes, &ctx.clock)).unwrap();
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 2),
        "matched by UID"
    );
    assert_eq!(count(&ctx, "workshop"), 2);
    assert_eq!(occurrences(&ctx), all);
}

#[test]
fn a_changed_event_updates_the_workshop_and_raises_its_sequence() {
    let (_dir, ctx) = common::open();
    let original = fixture("meetup.ics");
    ctx.write(|tx| import(tx, &original, &ctx.clock)).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let first_summary = text
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY:"))
        .unwrap()
        .trim_end()
        .to_owned();
    let changed = text.replacen(
        &format!("SUMMARY:{first_summary}"),
        "SUMMARY:Renamed by the organizer",
        1,
    );
    let report = ctx
        .write(|tx| import(tx, changed.as_bytes(), &ctx.clock))
        .unwrap();
    assert_eq!(report.created, 0);
    assert_eq!(report.updated, 1);
    let titles: Vec<String> = occurrences(&ctx).into_iter().map(|o| o.0).collect();
    assert!(titles.contains(&"Renamed by the organizer".to_owned()));
    let sequence: i64 = ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT ical_sequence FROM workshop WHERE title = 'Renamed by the organizer'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    // The file says SEQUENCE 0 for this event (none written); the change raised ours to 1.
    assert_eq!(sequence, 1);
}

#[test]
fn our_own_export_reads_back_with_the_same_occurrences() {
    let (_dir, ctx) = common::open();
    let input = WorkshopInput {
        title: "Study group; with a \\ and, commas 🦀".into(),
        description: "Two\nlines".into(),
        status: WorkshopStatus::Scheduled,
        time_zone: "America/New_York".into(),
        venue: Some("Library, room 2".into()),
        online_url: None,
        capacity: None,
        facilitator_ids: vec![],
        tags: vec![],
        sessions: vec![SessionInput {
            id: None,
            title: String::new(),
            start: "2027-10-19T18:30".into(),
            end: "2027-10-19T20:00".into(),
        }],
        series: Some(SeriesInput {
            frequency: Frequency::Weekly,
            interval: 1,
            until: None,
            count: Some(6),
            rule: None,
        }),
    };
    let w = ctx
        .write(|tx| workshops::create(tx, &input, &ctx.clock))
        .unwrap();
    let sid = w.sessions[0].id.clone();
    // New York leaves DST on 7 November 2027: 18:30 is 22:30Z before, 23:30Z after.
    ctx.write(|tx| workshops::skip_occurrence(tx, &sid, "2027-10-26T22:30:00Z", &ctx.clock))
        .unwrap();
    ctx.write(|tx| {
        workshops::move_occurrence(
            tx,
            &sid,
            "2027-11-09T23:30:00Z",
            "2027-11-10T18:00",
            "2027-11-10T19:30",
            &ctx.clock,
        )
    })
    .unwrap();
    let mut ics = IcsWriter::new();
    ctx.read(|c| export(c, &CalendarScope::All, jiff::Timestamp::now(), &mut ics))
        .unwrap();

    let (_other_dir, other) = common::open();
    let report = other
        .write(|tx| import(tx, ics.as_str().as_bytes(), &ctx.clock))
        .unwrap();
    assert_eq!((report.events, report.created), (1, 1));
    assert_eq!(occurrences(&other), occurrences(&ctx));
    let copy = other
        .read(|c| workshops::get(c, &occurrences_id(c)?))
        .unwrap();
    assert_eq!(copy.title, input.title);
    assert_eq!(copy.description, "Two\nlines");
    assert_eq!(copy.venue.as_deref(), Some("Library, room 2"));
    assert_eq!(copy.time_zone, "America/New_York");
    assert_eq!(copy.sessions[0].ical_uid, w.sessions[0].ical_uid);
}

fn occurrences_id(c: &rusqlite::Connection) -> guildhall_core::Result<String> {
    Ok(c.query_row("SELECT id FROM workshop", [], |r| r.get(0))?)
}

#[test]
fn a_malformed_file_names_its_line_and_imports_nothing() {
    let (_dir, ctx) = common::open();
    ctx.write(|tx| import(tx, &fixture("google.ics"), &ctx.clock))
        .unwrap();
    let before = occurrences(&ctx);
    // A good event first, then a broken one: the good one must not be kept either.
    let broken = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n\
                  BEGIN:VEVENT\r\nUID:ok@x\r\nDTSTAMP:20240101T000000Z\r\n\
                  DTSTART:20240601T100000Z\r\nDTEND:20240601T110000Z\r\nSUMMARY:Fine\r\nEND:VEVENT\r\n\
                  BEGIN:VEVENT\r\nUID:bad@x\r\nDTSTAMP:20240101T000000Z\r\n\
                  DTSTART:2024-06-02 10:00\r\nSUMMARY:Broken\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    match ctx.write(|tx| import(tx, broken.as_bytes(), &ctx.clock)) {
        Err(CoreError::InvalidFile { line, message }) => {
            assert_eq!(line, Some(14), "{message}");
        }
        other => panic!("expected InvalidFile, got {other:?}"),
    }
    assert_eq!(occurrences(&ctx), before);
    assert_eq!(count(&ctx, "workshop"), 2);
}

#[test]
fn re_importing_our_own_export_changes_nothing_of_a_workshop_planned_here() {
    let (_dir, ctx) = common::open();
    let input = WorkshopInput {
        title: "Kata night".into(),
        description: "Bring a laptop".into(),
        status: WorkshopStatus::Scheduled,
        time_zone: "Europe/Berlin".into(),
        venue: None,
        online_url: Some("https://meet.example.org/kata".into()),
        capacity: Some(12),
        facilitator_ids: vec![],
        tags: vec![],
        sessions: vec![SessionInput {
            id: None,
            title: "Warm-up".into(),
            start: "2027-05-04T18:30".into(),
            end: "2027-05-04T20:00".into(),
        }],
        series: None,
    };
    let w = ctx
        .write(|tx| workshops::create(tx, &input, &ctx.clock))
        .unwrap();
    let mut ics = IcsWriter::new();
    ctx.read(|c| export(c, &CalendarScope::All, jiff::Timestamp::now(), &mut ics))
        .unwrap();
    let report = ctx
        .write(|tx| import(tx, ics.as_str().as_bytes(), &ctx.clock))
        .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, 1)
    );
    let after = ctx.read(|c| workshops::get(c, &w.id)).unwrap();
    assert_eq!(after, w, "title, venue, sequence: all as they were");
}

/// A calendar of the given VEVENT bodies (each without BEGIN/END), one UID each.
fn calendar(events: &[String]) -> Vec<u8> {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n");
    for (i, body) in events.iter().enumerate() {
        ics.push_str("BEGIN:VEVENT\r\n");
        if !body.contains("UID:") {
            ics.push_str(&format!("UID:e{i}@test\r\n"));
        }
        ics.push_str("DTSTAMP:20260101T000000Z\r\n");
        ics.push_str(body);
        ics.push_str("END:VEVENT\r\n");
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics.into_bytes()
}

fn event(extra: &str) -> String {
    format!("SUMMARY:Study group\r\nDTSTART;TZID=Europe/Berlin:20270316T183000\r\nDTEND;TZID=Europe/Berlin:20270316T200000\r\n{extra}")
}

fn refused(ctx: &Context, bytes: &[u8]) -> (Option<u32>, String) {
    match ctx.write(|tx| import(tx, bytes, &ctx.clock)) {
        Err(CoreError::InvalidFile { line, message }) => (line, message),
        other => panic!("expected an invalid file, got {other:?}"),
    }
}

#[test]
fn an_import_obeys_the_editor_s_rules_and_says_which_event_breaks_them() {
    let (_dir, ctx) = common::open();
    let long = "x".repeat(50_001);
    let cases: Vec<(String, &str)> = vec![
        (
            event(&format!("DESCRIPTION:{long}\r\n")),
            "description can be at most 50000",
        ),
        (
            event(&format!("URL:https://example.org/{long}\r\n")),
            "online link can be at most",
        ),
        (
            event(&format!("UID:{}\r\n", "u".repeat(1_001))),
            "UID is longer than 1000",
        ),
        (
            event(&format!("LOCATION:{}\r\n", "v".repeat(301))),
            "venue can be at most 300",
        ),
        (
            event(
                &format!("SUMMARY;LANGUAGE=en:{}\r\n", "t".repeat(201))
                    .replace("SUMMARY:Study group\r\n", ""),
            ),
            "title can be at most 200",
        ),
        (
            event("RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12\r\n"),
            "cannot add times within a day",
        ),
        (
            event("RRULE:FREQ=DAILY;BYMINUTE=0,1,2\r\n"),
            "cannot add times within a day",
        ),
        (
            event("RRULE:FREQ=WEEKLY;INTERVAL=0\r\n"),
            "INTERVAL is a whole number from 1 to 99",
        ),
        (
            event("RRULE:FREQ=DAILY;COUNT=100000\r\n"),
            "A series has 1 to 999 dates",
        ),
        (
            "SUMMARY:Far\r\nDTSTART;VALUE=DATE:00001231\r\n".into(),
            "outside the years Guildhall plans in",
        ),
        (
            "SUMMARY:Far\r\nDTSTART;VALUE=DATE:99991231\r\n".into(),
            "9999-12-31 is too far in the future",
        ),
        (
            "SUMMARY:Far\r\nDTSTART;VALUE=DATE:22000101\r\n".into(),
            "outside the years Guildhall plans in",
        ),
        (
            "SUMMARY:Here\r\nDTSTART;TZID=/etc/localtime:20270316T183000\r\n".into(),
            "unknown time zone",
        ),
    ];
    for (body, expected) in cases {
        // A good event first, so the bad one is the second, on lines 11 to 17 (an event's
        // problem is reported at its BEGIN, a value's at its own line).
        let bytes = calendar(&[event(""), body]);
        let (line, message) = refused(&ctx, &bytes);
        assert!(
            line.is_some_and(|l| (11..=17).contains(&l)),
            "{expected}: {line:?} {message}"
        );
        assert!(message.contains(expected), "{expected}: {message}");
        assert_eq!(count(&ctx, "workshop"), 0, "{expected}: nothing imported");
    }
}

#[test]
fn events_that_break_a_rule_are_skipped_with_their_reason_when_the_organizer_chooses() {
    use guildhall_core::calendar::import::{import_file, CalendarImportOptions};
    let (_dir, ctx) = common::open();
    let bad = event(&format!("DESCRIPTION:{}\r\n", "x".repeat(50_001)));
    let bytes = calendar(&[event(""), bad.clone(), bad, event("")]);
    let skip = CalendarImportOptions {
        skip_bad_events: true,
    };
    let preview =
        guildhall_core::calendar::import::preview(&ctx.db, &bytes, &ctx.clock, skip).unwrap();
    assert_eq!((preview.created, preview.skipped_count), (2, 2));
    assert_eq!(count(&ctx, "workshop"), 0, "a preview writes nothing");
    let report = import_file(&ctx.db, &bytes, &ctx.clock, skip).unwrap();
    assert_eq!(
        (report.events, report.created, report.skipped_count),
        (4, 2, 2)
    );
    assert_eq!(report.skipped[0].line, 11);
    assert_eq!(report.skipped[0].title, "Study group");
    assert!(
        report.skipped[0].reason.contains("description"),
        "{:?}",
        report.skipped
    );
    assert_eq!(count(&ctx, "workshop"), 2);
    // Unreadable files are not "skipped": nothing is imported.
    assert!(import_file(&ctx.db, b"BEGIN:VCALENDAR\r\n", &ctx.clock, skip).is_err());
}

#[test]
fn many_overrides_find_their_series_and_the_import_holds_the_write_lock_only_to_write() {
    use guildhall_core::calendar::import::{apply, plan};
    let (_dir, ctx) = common::open();
    let mut events = Vec::new();
    for i in 0..300 {
        events.push(format!(
            "UID:s{i}@test\r\nSUMMARY:Series {i}\r\nDTSTART;TZID=Europe/Berlin:20270301T180000\r\n\
             DTEND;TZID=Europe/Berlin:20270301T190000\r\nRRULE:FREQ=DAILY;COUNT=10\r\n"
        ));
    }
    for i in 0..300 {
        events.push(format!(
            "UID:s{i}@test\r\nSUMMARY:Series {i}\r\nRECURRENCE-ID;TZID=Europe/Berlin:20270303T180000\r\n\
             DTSTART;TZID=Europe/Berlin:20270303T200000\r\nDTEND;TZID=Europe/Berlin:20270303T210000\r\n"
        ));
    }
    let bytes = calendar(&events);
    // Read and checked with no transaction: another writer is not held up meanwhile.
    let planned = plan(&bytes, &ctx.clock, Default::default()).unwrap();
    let other = guildhall_core::Database::open_in(_dir.path()).unwrap();
    other
        .write(|tx| Ok(tx.execute("UPDATE change_counter SET version = version", [])?))
        .unwrap();
    let report = ctx.write(|tx| apply(tx, &planned, &ctx.clock)).unwrap();
    assert_eq!(report.created, 300);
    assert_eq!(
        count(&ctx, "session_exception"),
        300,
        "each override moved its series' date"
    );
}
