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
    let before = preview(&ctx.db, &bytes, &ctx.clock).unwrap();
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
