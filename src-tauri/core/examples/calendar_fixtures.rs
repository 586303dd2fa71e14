//! Writes the calendars the interop tests read with parsers we did not write (Python icalendar +
//! recurring-ical-events, Mozilla ical.js). The workshops are made through the core's public API
//! in a temporary database, exactly as the app makes them; the files are the app's own export.
//!
//!     cargo run -p guildhall-core --example calendar_fixtures -- OUT_DIR
//!
//! Writes OUT_DIR/{text,series,weekends,cancelled,all}.ics (all: everything, and a session in
//! each of ten zones). What each must contain is written down
//! in tests/interop/test_calendar_export.py, independently of this code.

use std::path::PathBuf;

use guildhall_core::calendar::export::{self, CalendarScope};
use guildhall_core::members::{self, MemberInput};
use guildhall_core::workshops::{
    self, Frequency, SeriesInput, SessionInput, WorkshopInput, WorkshopStatus,
};
use guildhall_core::Clock;
use guildhall_core::{Context, Result};
use guildhall_ical::writer::IcsWriter;

fn session(title: &str, start: &str, end: &str) -> SessionInput {
    SessionInput {
        id: None,
        title: title.into(),
        start: start.into(),
        end: end.into(),
    }
}

fn workshop(title: &str, zone: &str, sessions: Vec<SessionInput>) -> WorkshopInput {
    WorkshopInput {
        title: title.into(),
        description: String::new(),
        status: WorkshopStatus::Scheduled,
        time_zone: zone.into(),
        venue: None,
        online_url: None,
        capacity: None,
        facilitator_ids: vec![],
        tags: vec![],
        sessions,
        series: None,
    }
}

fn person(ctx: &Context, name: &str, email: &str) -> Result<String> {
    let input = MemberInput {
        name: name.into(),
        email: Some(email.into()),
        ..Default::default()
    };
    Ok(ctx.write(|tx| members::create(tx, &input, &ctx.clock))?.id)
}

fn main() -> Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/interop".into()),
    );
    std::fs::create_dir_all(&out).map_err(|source| guildhall_core::CoreError::Io {
        context: format!("could not create {}", out.display()),
        source,
    })?;
    let dir = tempfile::tempdir().map_err(|source| guildhall_core::CoreError::Io {
        context: "could not make a temporary folder".into(),
        source,
    })?;
    let ctx = Context::open_in(dir.path(), Clock::system())?;
    // A fixed DTSTAMP, so the files are the same on every run.
    let now: jiff::Timestamp =
        "2026-11-26T10:00:00Z"
            .parse()
            .map_err(|_| guildhall_core::CoreError::Validation {
                field: "now",
                message: "bad instant".into(),
            })?;
    let write = |name: &str, scope: CalendarScope| -> Result<()> {
        let mut w = IcsWriter::new();
        ctx.read(|c| export::export(c, &scope, now, &mut w))?;
        let path = out.join(name);
        std::fs::write(&path, w.finish()).map_err(|source| guildhall_core::CoreError::Io {
            context: format!("could not write {}", path.display()),
            source,
        })
    };

    // Text that must survive escaping, folding and RFC 6868 parameter encoding.
    let zoe = person(&ctx, "Zoë \"Zed\" Müller", "zoe@example.org")?;
    let mei = person(&ctx, "Chen, Mei: PhD; Dr", "mei@example.net")?;
    let mut text = workshop(
        "Rust, SQL; and \\ backslashes 🦀",
        "Europe/Berlin",
        vec![session("", "2027-05-04T18:30", "2027-05-04T20:00")],
    );
    text.description =
        "Line one, with a comma; and a semicolon.\nLine two: ünïcödé ✓\n\nLine four \\ end".into();
    text.venue = Some("Kiezhaus, Raum 2, Weserstraße 12, 12047 Berlin".into());
    text.online_url = Some("https://meet.example.org/rust?room=2&lang=de".into());
    text.facilitator_ids = vec![zoe, mei];
    text.tags = vec!["rust".into(), "databases".into()];
    let text = ctx.write(|tx| workshops::create(tx, &text, &ctx.clock))?;
    write("text.ics", CalendarScope::Workshop { id: text.id })?;

    // A weekly series across the 2027 spring DST change in Berlin (28 March), with one date
    // skipped, one moved and one extra date.
    let mut series = workshop(
        "Weekly study group",
        "Europe/Berlin",
        vec![session("", "2027-03-09T18:30", "2027-03-09T20:00")],
    );
    series.venue = Some("Kiezhaus".into());
    series.series = Some(SeriesInput {
        frequency: Frequency::Weekly,
        interval: 1,
        until: Some("2027-04-13".into()),
        count: None,
        rule: None,
    });
    let series = ctx.write(|tx| workshops::create(tx, &series, &ctx.clock))?;
    let sid = series.sessions[0].id.clone();
    ctx.write(|tx| workshops::skip_occurrence(tx, &sid, "2027-03-23T17:30:00Z", &ctx.clock))?;
    ctx.write(|tx| {
        workshops::move_occurrence(
            tx,
            &sid,
            "2027-04-06T16:30:00Z",
            "2027-04-08T19:00",
            "2027-04-08T20:30",
            &ctx.clock,
        )
    })?;
    let series =
        ctx.write(|tx| workshops::add_occurrence(tx, &sid, "2027-04-24T10:00", &ctx.clock))?;
    write("series.ics", CalendarScope::Workshop { id: series.id })?;

    // An all-day weekly series (UNTIL must then be a DATE) and a weekend workshop whose two
    // sessions each repeat on their own day.
    let mut retreat = workshop(
        "Saturday hike",
        "Europe/Berlin",
        vec![session("", "2027-05-01", "2027-05-01")],
    );
    retreat.series = Some(SeriesInput {
        frequency: Frequency::Weekly,
        interval: 1,
        until: Some("2027-05-15".into()),
        count: None,
        rule: None,
    });
    ctx.write(|tx| workshops::create(tx, &retreat, &ctx.clock))?;
    let mut weekend = workshop(
        "Weekend sprint",
        "Europe/Berlin",
        vec![
            session("Saturday", "2027-05-01T10:00", "2027-05-01T16:00"),
            session("Sunday", "2027-05-02T10:00", "2027-05-02T16:00"),
        ],
    );
    weekend.series = Some(SeriesInput {
        frequency: Frequency::Weekly,
        interval: 1,
        until: None,
        count: Some(2),
        rule: None,
    });
    ctx.write(|tx| workshops::create(tx, &weekend, &ctx.clock))?;
    write("weekends.ics", CalendarScope::Upcoming)?;

    // A cancelled one-off: STATUS:CANCELLED, SEQUENCE 1.
    let cancelled = ctx.write(|tx| {
        workshops::create(
            tx,
            &workshop(
                "Docker basics",
                "Europe/London",
                vec![session("", "2027-10-30T18:00", "2027-10-30T20:00")],
            ),
            &ctx.clock,
        )
    })?;
    ctx.write(|tx| {
        workshops::set_status(tx, &cancelled.id, WorkshopStatus::Cancelled, &ctx.clock)
    })?;
    write(
        "cancelled.ics",
        CalendarScope::Workshop { id: cancelled.id },
    )?;

    // One session in each zone the issue names, at 09:30 local on 2027-07-01 and 2027-12-01.
    let zones = [
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
    ];
    for zone in zones {
        ctx.write(|tx| {
            workshops::create(
                tx,
                &workshop(
                    &format!("Meetup in {zone}"),
                    zone,
                    vec![
                        session("summer", "2027-07-01T09:30", "2027-07-01T11:00"),
                        session("winter", "2027-12-01T09:30", "2027-12-01T11:00"),
                    ],
                ),
                &ctx.clock,
            )
        })?;
    }
    write("all.ics", CalendarScope::All)?;
    Ok(())
}
