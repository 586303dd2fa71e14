//! Calendar exports through the core: what each scope holds, UIDs that never change, SEQUENCE
//! that follows the workshop, and cancelled workshops that say so. (What the files mean to
//! other parsers is checked in tests/interop/test_calendar_export.py.)
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use guildhall_core::calendar::export::{export, CalendarScope};
use guildhall_core::workshops::{self, SessionInput, WorkshopInput, WorkshopStatus};
use guildhall_core::{Context, CoreError};
use guildhall_ical::writer::IcsWriter;

fn input(title: &str, start: &str, end: &str) -> WorkshopInput {
    WorkshopInput {
        title: title.into(),
        description: String::new(),
        status: WorkshopStatus::Scheduled,
        time_zone: "America/New_York".into(),
        venue: Some("Library".into()),
        online_url: None,
        capacity: None,
        facilitator_ids: vec![],
        tags: vec![],
        sessions: vec![SessionInput {
            id: None,
            title: String::new(),
            start: start.into(),
            end: end.into(),
        }],
        series: None,
    }
}

fn ics(ctx: &Context, scope: CalendarScope, now: &str) -> String {
    let mut w = IcsWriter::new();
    ctx.read(|c| export(c, &scope, now.parse().unwrap(), &mut w))
        .unwrap();
    w.finish().replace("\r\n ", "")
}

fn values<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.split("\r\n")
        .filter_map(|l| l.strip_prefix(name))
        .collect()
}

#[test]
fn workshops_come_in_the_order_of_their_dates_whatever_their_ids() {
    let (_dir, ctx) = common::open();
    // Created latest first: random ids would put them in any order.
    for day in (1..=9).rev() {
        let start = format!("2027-03-0{day}T18:00");
        let end = format!("2027-03-0{day}T20:00");
        ctx.write(|tx| {
            workshops::create(tx, &input(&format!("Day {day}"), &start, &end), &ctx.clock)
        })
        .unwrap();
    }
    let text = ics(&ctx, CalendarScope::All, "2026-11-26T10:00:00Z");
    let want: Vec<String> = (1..=9).map(|day| format!("Day {day}")).collect();
    assert_eq!(values(&text, "SUMMARY:"), want);
}

#[test]
fn scopes_choose_the_workshops() {
    let (_dir, ctx) = common::open();
    let zoe = common::add(&ctx, common::mailable("Zoë", "zoe@example.org"));
    let past = ctx
        .write(|tx| {
            workshops::create(
                tx,
                &input("Past", "2026-01-10T18:00", "2026-01-10T20:00"),
                &ctx.clock,
            )
        })
        .unwrap();
    let mut future = input("Future", "2027-01-10T18:00", "2027-01-10T20:00");
    future.facilitator_ids = vec![zoe.id.clone()];
    let future = ctx
        .write(|tx| workshops::create(tx, &future, &ctx.clock))
        .unwrap();
    let now = "2026-11-26T10:00:00Z";
    let summaries = |scope| values(&ics(&ctx, scope, now), "SUMMARY:").join("|");
    // In order of date, whatever the (random) ids.
    assert_eq!(summaries(CalendarScope::All), "Past|Future");
    assert_eq!(summaries(CalendarScope::Upcoming), "Future");
    assert_eq!(
        summaries(CalendarScope::Facilitator {
            member_id: zoe.id.clone()
        }),
        "Future"
    );
    assert_eq!(summaries(CalendarScope::Workshop { id: past.id }), "Past");
    // The facilitator is the ORGANIZER and a CHAIR attendee.
    let text = ics(&ctx, CalendarScope::Workshop { id: future.id }, now);
    assert_eq!(
        values(&text, "ORGANIZER;CN=Zoë:"),
        ["mailto:zoe@example.org"]
    );
    assert_eq!(
        values(&text, "ATTENDEE;CN=Zoë;ROLE=CHAIR;PARTSTAT=ACCEPTED:"),
        ["mailto:zoe@example.org"]
    );
    assert!(matches!(
        ctx.read(|c| export(
            c,
            &CalendarScope::Workshop {
                id: "wks_NONE".into()
            },
            now.parse().unwrap(),
            &mut IcsWriter::new()
        )),
        Err(CoreError::NotFound { .. })
    ));
}

#[test]
fn an_update_keeps_the_uid_raises_the_sequence_and_a_cancel_says_so() {
    let (_dir, ctx) = common::open();
    let w = ctx
        .write(|tx| {
            workshops::create(
                tx,
                &input("Talk", "2027-03-14T01:30", "2027-03-14T03:30"),
                &ctx.clock,
            )
        })
        .unwrap();
    let now = "2026-11-26T10:00:00Z";
    let first = ics(&ctx, CalendarScope::All, now);
    // 14 March 2027 is New York's spring-forward night: 01:30 is EST, 03:30 is EDT.
    assert_eq!(
        values(&first, "DTSTART;TZID=America/New_York:"),
        ["20270314T013000"]
    );
    assert_eq!(
        values(&first, "DTEND;TZID=America/New_York:"),
        ["20270314T033000"]
    );
    assert_eq!(values(&first, "SEQUENCE:"), ["0"]);
    assert_eq!(values(&first, "DTSTAMP:"), ["20261126T100000Z"]);
    assert_eq!(first.matches("BEGIN:VTIMEZONE").count(), 1);
    // The same export twice is the same file.
    assert_eq!(first, ics(&ctx, CalendarScope::All, now));

    ctx.write(|tx| workshops::set_status(tx, &w.id, WorkshopStatus::Cancelled, &ctx.clock))
        .unwrap();
    let second = ics(&ctx, CalendarScope::All, now);
    assert_eq!(values(&second, "UID:"), values(&first, "UID:"));
    assert_eq!(values(&second, "SEQUENCE:"), ["1"]);
    assert_eq!(values(&second, "STATUS:"), ["CANCELLED"]);
}
