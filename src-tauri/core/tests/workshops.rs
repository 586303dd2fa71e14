//! Workshops through the core, on real SQLite files: sessions, series with per-date changes,
//! SEQUENCE and UID rules, duplicate and cancel, and the schedule with venue clashes.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use guildhall_core::workshops::{
    self, ExceptionKind, Frequency, SeriesInput, SessionInput, Workshop, WorkshopInput,
    WorkshopStatus,
};
use guildhall_core::{Context, CoreError};

fn session(title: &str, start: &str, end: &str) -> SessionInput {
    SessionInput {
        id: None,
        title: title.into(),
        start: start.into(),
        end: end.into(),
    }
}

fn input(title: &str, sessions: Vec<SessionInput>) -> WorkshopInput {
    WorkshopInput {
        title: title.into(),
        description: "Bring a laptop.\n\n* Rust installed".into(),
        status: WorkshopStatus::Scheduled,
        time_zone: "Europe/Berlin".into(),
        venue: Some("Kiezhaus, Raum 2".into()),
        online_url: None,
        capacity: Some(20),
        facilitator_ids: vec![],
        tags: vec!["rust".into()],
        sessions,
        series: None,
    }
}

fn weekly(interval: u16, until: &str) -> SeriesInput {
    SeriesInput {
        frequency: Frequency::Weekly,
        interval,
        until: Some(until.into()),
        count: None,
        rule: None,
    }
}

fn create(ctx: &Context, input: &WorkshopInput) -> Workshop {
    ctx.write(|tx| workshops::create(tx, input, &ctx.clock))
        .unwrap()
}

fn starts(ctx: &Context, from: &str, to: &str) -> Vec<(String, String)> {
    ctx.read(|c| workshops::schedule(c, from.parse().unwrap(), to.parse().unwrap()))
        .unwrap()
        .into_iter()
        .map(|o| (o.workshop_title, o.start))
        .collect()
}

#[test]
fn a_workshop_with_two_sessions_is_stored_in_utc_and_shown_on_the_wall_clock() {
    let (_dir, ctx) = common::open();
    let w = create(
        &ctx,
        &input(
            "Rust for data people",
            vec![
                // Given out of order: the agenda is kept in order of start.
                session("Part 2", "2027-04-03T10:00", "2027-04-03T12:00"),
                session("Part 1", "2027-03-27T10:00", "2027-03-27T12:00"),
            ],
        ),
    );
    assert!(w.id.starts_with("wks_"));
    assert_eq!(w.ical_sequence, 0);
    let got: Vec<_> = w
        .sessions
        .iter()
        .map(|s| (s.title.as_str(), s.start.as_str(), s.start_local.as_str()))
        .collect();
    // 27 March is CET (UTC+1), 3 April is CEST (UTC+2).
    assert_eq!(
        got,
        [
            ("Part 1", "2027-03-27T09:00:00Z", "2027-03-27T10:00"),
            ("Part 2", "2027-04-03T08:00:00Z", "2027-04-03T10:00"),
        ]
    );
    assert_ne!(w.sessions[0].ical_uid, w.sessions[1].ical_uid);
    assert_eq!(ctx.read(|c| workshops::get(c, &w.id)).unwrap(), w);
}

#[test]
fn bad_input_is_refused_beside_its_field_and_nothing_is_written() {
    let (_dir, ctx) = common::open();
    let cases = [
        (
            WorkshopInput {
                title: "  ".into(),
                ..input(
                    "x",
                    vec![session("", "2027-01-01T10:00", "2027-01-01T11:00")],
                )
            },
            "title",
        ),
        (input("x", vec![]), "sessions"),
        (
            input(
                "x",
                vec![session("", "2027-01-01T10:00", "2027-01-01T09:00")],
            ),
            "sessions",
        ),
        (
            input("x", vec![session("", "tomorrow", "2027-01-01T09:00")]),
            "sessions",
        ),
        (
            WorkshopInput {
                time_zone: "Mars/Olympus_Mons".into(),
                ..input(
                    "x",
                    vec![session("", "2027-01-01T10:00", "2027-01-01T11:00")],
                )
            },
            "timeZone",
        ),
        (
            WorkshopInput {
                online_url: Some("javascript:alert(1)".into()),
                ..input(
                    "x",
                    vec![session("", "2027-01-01T10:00", "2027-01-01T11:00")],
                )
            },
            "onlineUrl",
        ),
        (
            WorkshopInput {
                capacity: Some(0),
                ..input(
                    "x",
                    vec![session("", "2027-01-01T10:00", "2027-01-01T11:00")],
                )
            },
            "capacity",
        ),
        (
            WorkshopInput {
                facilitator_ids: vec!["mem_NOBODY".into()],
                ..input(
                    "x",
                    vec![session("", "2027-01-01T10:00", "2027-01-01T11:00")],
                )
            },
            "facilitators",
        ),
    ];
    for (bad, field) in cases {
        match ctx.write(|tx| workshops::create(tx, &bad, &ctx.clock)) {
            Err(CoreError::Validation { field: f, .. }) => assert_eq!(f, field, "{bad:?}"),
            other => panic!("{field}: expected a validation error, got {other:?}"),
        }
    }
    let count: i64 = ctx
        .read(|c| Ok(c.query_row("SELECT count(*) FROM workshop", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn changes_a_calendar_shows_raise_the_sequence_and_the_uids_never_change() {
    let (_dir, ctx) = common::open();
    let w = create(
        &ctx,
        &input(
            "Kata night",
            vec![session("", "2027-05-04T18:30", "2027-05-04T20:00")],
        ),
    );
    let edit = |change: &dyn Fn(&mut WorkshopInput)| {
        let current = ctx.read(|c| workshops::get(c, &w.id)).unwrap();
        let mut form = input(
            &current.title,
            current
                .sessions
                .iter()
                .map(|s| SessionInput {
                    id: Some(s.id.clone()),
                    title: s.title.clone(),
                    start: s.start_local.clone(),
                    end: s.end_local.clone(),
                })
                .collect(),
        );
        form.venue = current.venue.clone();
        form.capacity = current.capacity;
        change(&mut form);
        ctx.write(|tx| workshops::update(tx, &w.id, &form, &ctx.clock))
            .unwrap()
    };
    // Capacity is not on the calendar: no new sequence.
    let same = edit(&|f| f.capacity = Some(30));
    assert_eq!(same.ical_sequence, 0);
    let moved = edit(&|f| f.sessions[0].start = "2027-05-04T19:00".into());
    assert_eq!(moved.ical_sequence, 1);
    let elsewhere = edit(&|f| f.venue = Some("Library".into()));
    assert_eq!(elsewhere.ical_sequence, 2);
    let cancelled = ctx
        .write(|tx| workshops::set_status(tx, &w.id, WorkshopStatus::Cancelled, &ctx.clock))
        .unwrap();
    assert_eq!(cancelled.ical_sequence, 3);
    assert_eq!(cancelled.status, WorkshopStatus::Cancelled);
    assert_eq!(cancelled.ical_uid, w.ical_uid);
    assert_eq!(cancelled.sessions[0].ical_uid, w.sessions[0].ical_uid);
    assert_eq!(cancelled.sessions[0].start, "2027-05-04T17:00:00Z");
}

#[test]
fn a_biweekly_series_across_dst_with_a_skip_a_move_and_an_extra_date() {
    let (_dir, ctx) = common::open();
    let mut form = input(
        "Study group",
        vec![session("", "2027-03-16T18:30", "2027-03-16T20:00")],
    );
    form.series = Some(weekly(2, "2027-05-31"));
    let w = create(&ctx, &form);
    let series = w.series.clone().unwrap();
    assert_eq!(
        series.summary,
        "Every 2 weeks on Tuesday, until 31 May 2027"
    );
    let sid = w.sessions[0].id.clone();
    let all = |ctx: &Context| starts(ctx, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z");
    assert_eq!(
        all(&ctx)
            .iter()
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>(),
        [
            "2027-03-16T17:30:00Z",
            "2027-03-30T16:30:00Z",
            "2027-04-13T16:30:00Z",
            "2027-04-27T16:30:00Z",
            "2027-05-11T16:30:00Z",
            "2027-05-25T16:30:00Z",
        ]
    );
    ctx.write(|tx| workshops::skip_occurrence(tx, &sid, "2027-04-13T16:30:00Z", &ctx.clock))
        .unwrap();
    ctx.write(|tx| {
        workshops::move_occurrence(
            tx,
            &sid,
            "2027-04-27T16:30:00Z",
            "2027-04-29T19:00",
            "2027-04-29T20:30",
            &ctx.clock,
        )
    })
    .unwrap();
    let w = ctx
        .write(|tx| workshops::add_occurrence(tx, &sid, "2027-06-08T18:30", &ctx.clock))
        .unwrap();
    assert_eq!(w.ical_sequence, 3);
    let kinds: Vec<_> = w.exceptions.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [ExceptionKind::Skip, ExceptionKind::Move, ExceptionKind::Add]
    );
    assert_eq!(
        all(&ctx)
            .iter()
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>(),
        [
            "2027-03-16T17:30:00Z",
            "2027-03-30T16:30:00Z",
            "2027-04-29T17:00:00Z",
            "2027-05-11T16:30:00Z",
            "2027-05-25T16:30:00Z",
            "2027-06-08T16:30:00Z",
        ]
    );
    // A date the series does not have cannot be skipped.
    assert!(matches!(
        ctx.write(|tx| workshops::skip_occurrence(tx, &sid, "2027-04-14T16:30:00Z", &ctx.clock)),
        Err(CoreError::Validation {
            field: "occurrence",
            ..
        })
    ));
    // Undo the skip.
    ctx.write(|tx| workshops::restore_occurrence(tx, &sid, "2027-04-13T16:30:00Z", &ctx.clock))
        .unwrap();
    assert_eq!(all(&ctx).len(), 7);
    // Ending the series drops the per-date changes with it.
    let w = ctx.read(|c| workshops::get(c, &w.id)).unwrap();
    let mut one_off = input(
        "Study group",
        vec![SessionInput {
            id: Some(sid.clone()),
            title: String::new(),
            start: "2027-03-16T18:30".into(),
            end: "2027-03-16T20:00".into(),
        }],
    );
    one_off.series = None;
    let w = ctx
        .write(|tx| workshops::update(tx, &w.id, &one_off, &ctx.clock))
        .unwrap();
    assert!(w.series.is_none());
    assert!(w.exceptions.is_empty());
    assert_eq!(all(&ctx).len(), 1);
}

#[test]
fn the_schedule_warns_when_two_workshops_share_a_venue_at_the_same_time() {
    let (_dir, ctx) = common::open();
    create(
        &ctx,
        &input(
            "A",
            vec![session("", "2027-06-01T18:00", "2027-06-01T20:00")],
        ),
    );
    let mut b = input(
        "B",
        vec![session("", "2027-06-01T19:30", "2027-06-01T21:00")],
    );
    b.venue = Some("  kiezhaus,   RAUM 2 ".into());
    create(&ctx, &b);
    let mut c = input(
        "C",
        vec![session("", "2027-06-01T20:00", "2027-06-01T22:00")],
    );
    c.venue = Some("Library".into());
    create(&ctx, &c);
    let d = create(
        &ctx,
        &input(
            "D",
            vec![session("", "2027-06-01T20:00", "2027-06-01T21:30")],
        ),
    );
    let clashes = |ctx: &Context| -> Vec<(String, Vec<String>)> {
        ctx.read(|c| {
            workshops::schedule(
                c,
                "2027-06-01T00:00:00Z".parse().unwrap(),
                "2027-06-02T00:00:00Z".parse().unwrap(),
            )
        })
        .unwrap()
        .into_iter()
        .map(|o| (o.workshop_title, o.clashes_with))
        .collect()
    };
    let s = |v: &[&str]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(
        clashes(&ctx),
        [
            ("A".to_owned(), s(&["B"])), // not D: D starts when A ends
            ("B".to_owned(), s(&["A", "D"])),
            ("D".to_owned(), s(&["B"])), // D ends before C: first of the two
            ("C".to_owned(), s(&[])),    // C starts at the same time as D, at another venue
        ]
    );
    // A cancelled workshop clashes with nothing.
    ctx.write(|tx| workshops::set_status(tx, &d.id, WorkshopStatus::Cancelled, &ctx.clock))
        .unwrap();
    assert_eq!(
        clashes(&ctx),
        [
            ("A".to_owned(), s(&["B"])),
            ("B".to_owned(), s(&["A"])),
            ("D".to_owned(), s(&[])),
            ("C".to_owned(), s(&[])),
        ]
    );
}

#[test]
fn duplicate_makes_a_draft_with_new_uids_and_delete_removes_everything() {
    let (_dir, ctx) = common::open();
    let facilitator = common::add(&ctx, common::mailable("Zoë Müller", "zoe@example.org"));
    let mut form = input(
        "Intro to Git",
        vec![session("Basics", "2027-02-02T18:00", "2027-02-02T20:00")],
    );
    form.facilitator_ids = vec![facilitator.id.clone()];
    form.series = Some(SeriesInput {
        frequency: Frequency::Custom,
        interval: 1,
        until: None,
        count: None,
        rule: Some("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4".into()),
    });
    let original = create(&ctx, &form);
    let copy = ctx
        .write(|tx| workshops::duplicate(tx, &original.id, &ctx.clock))
        .unwrap();
    assert_eq!(copy.title, "Intro to Git (copy)");
    assert_eq!(copy.status, WorkshopStatus::Draft);
    assert_ne!(copy.ical_uid, original.ical_uid);
    assert_ne!(copy.sessions[0].ical_uid, original.sessions[0].ical_uid);
    assert_eq!(copy.sessions[0].start, original.sessions[0].start);
    assert_eq!(
        copy.series.as_ref().unwrap().rule,
        "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"
    );
    assert_eq!(copy.facilitators[0].name, "Zoë Müller");
    ctx.write(|tx| workshops::delete(tx, &original.id)).unwrap();
    assert!(matches!(
        ctx.read(|c| workshops::get(c, &original.id)),
        Err(CoreError::NotFound { .. })
    ));
    let sessions: i64 = ctx
        .read(|c| Ok(c.query_row("SELECT count(*) FROM session", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(sessions, 1, "only the copy's session is left");
    // Erasing the facilitator takes them off the workshop, not the workshop away.
    ctx.write(|tx| guildhall_core::members::delete(tx, &facilitator.id, &ctx.clock))
        .unwrap();
    let copy = ctx.read(|c| workshops::get(c, &copy.id)).unwrap();
    assert!(copy.facilitators.is_empty());
}

#[test]
fn the_demo_brings_a_schedule_around_today_and_takes_it_away_again() {
    let (_dir, ctx) = common::open();
    ctx.write(|tx| guildhall_core::demo::load(tx, &ctx.clock))
        .unwrap();
    let now = jiff::Timestamp::now();
    let from = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 21))
        .unwrap();
    let to = now
        .checked_add(jiff::SignedDuration::from_hours(24 * 21))
        .unwrap();
    let around = ctx.read(|c| workshops::schedule(c, from, to)).unwrap();
    let mut titles: Vec<&str> = around.iter().map(|o| o.workshop_title.as_str()).collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), 6, "{titles:?}");
    assert!(around.iter().any(|o| !o.clashes_with.is_empty()));
    assert!(around.iter().any(|o| o.status == WorkshopStatus::Cancelled));
    assert!(around.iter().any(|o| o.time_zone == "America/New_York"));
    // Loading twice adds nothing.
    ctx.write(|tx| guildhall_core::demo::load(tx, &ctx.clock))
        .unwrap();
    let count = |ctx: &Context| -> i64 {
        ctx.read(|c| Ok(c.query_row("SELECT count(*) FROM workshop", [], |r| r.get(0))?))
            .unwrap()
    };
    assert_eq!(count(&ctx), 6);
    ctx.write(guildhall_core::demo::remove).unwrap();
    assert_eq!(count(&ctx), 0);
}

#[test]
fn an_all_day_session_runs_from_its_first_to_its_last_day_and_survives_a_duplicate() {
    let (_dir, ctx) = common::open();
    let w = create(
        &ctx,
        &input(
            "Weekend retreat",
            vec![session("", "2027-06-05", "2027-06-06")],
        ),
    );
    let s = &w.sessions[0];
    assert!(s.all_day);
    // Midnight to midnight in Berlin (CEST, UTC+2), the last day included.
    assert_eq!(
        (s.start.as_str(), s.end.as_str()),
        ("2027-06-04T22:00:00Z", "2027-06-06T22:00:00Z")
    );
    let copy = ctx
        .write(|tx| workshops::duplicate(tx, &w.id, &ctx.clock))
        .unwrap();
    assert!(copy.sessions[0].all_day);
    assert_eq!(copy.sessions[0].end, s.end);
    assert!(matches!(
        ctx.write(|tx| workshops::create(
            tx,
            &input("Backwards", vec![session("", "2027-06-06", "2027-06-05")]),
            &ctx.clock
        )),
        Err(CoreError::Validation {
            field: "sessions",
            ..
        })
    ));
}

#[test]
fn a_series_with_two_sessions_repeats_each_on_its_own_day_and_ends_for_both() {
    let (_dir, ctx) = common::open();
    let mut form = input(
        "Weekend sprint",
        vec![
            session("Saturday", "2027-03-13T10:00", "2027-03-13T16:00"),
            session("Sunday", "2027-03-14T10:00", "2027-03-14T16:00"),
        ],
    );
    form.series = Some(weekly(1, "2027-03-27"));
    create(&ctx, &form);
    let days: Vec<String> = starts(&ctx, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    // CET (UTC+1) until 28 March 2027; the Sunday of that change is past the series' end.
    assert_eq!(
        days,
        [
            "2027-03-13T09:00:00Z",
            "2027-03-14T09:00:00Z",
            "2027-03-20T09:00:00Z",
            "2027-03-21T09:00:00Z",
            "2027-03-27T09:00:00Z",
        ]
    );
    // A series that ends before a later session's first date is refused, not saved broken.
    let mut bad = input(
        "Too short",
        vec![
            session("", "2027-03-16T18:00", "2027-03-16T19:00"),
            session("", "2027-03-18T18:00", "2027-03-18T19:00"),
        ],
    );
    bad.series = Some(weekly(1, "2027-03-16"));
    match ctx.write(|tx| workshops::create(tx, &bad, &ctx.clock)) {
        Err(CoreError::Validation { field, message }) => {
            assert_eq!(field, "series");
            assert!(message.contains("2027-03-18"), "{message}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn skipped_dates_follow_the_series_when_its_time_changes() {
    let (_dir, ctx) = common::open();
    let mut form = input(
        "Study group",
        vec![session("", "2027-04-06T18:30", "2027-04-06T20:00")],
    );
    form.series = Some(weekly(1, "2027-04-27"));
    let w = create(&ctx, &form);
    let sid = w.sessions[0].id.clone();
    ctx.write(|tx| workshops::skip_occurrence(tx, &sid, "2027-04-13T16:30:00Z", &ctx.clock))
        .unwrap();
    // The organizer moves the whole series to 19:00: the skipped Tuesday stays skipped.
    let mut later = form.clone();
    later.sessions = vec![SessionInput {
        id: Some(sid.clone()),
        title: String::new(),
        start: "2027-04-06T19:00".into(),
        end: "2027-04-06T20:30".into(),
    }];
    let w = ctx
        .write(|tx| workshops::update(tx, &w.id, &later, &ctx.clock))
        .unwrap();
    assert_eq!(w.exceptions.len(), 1);
    assert_eq!(w.exceptions[0].occurrence_at, "2027-04-13T17:00:00Z");
    let all: Vec<String> = starts(&ctx, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        all,
        [
            "2027-04-06T17:00:00Z",
            "2027-04-20T17:00:00Z",
            "2027-04-27T17:00:00Z"
        ]
    );
}

#[test]
fn the_next_date_of_a_workshop_skips_what_was_skipped_and_sees_what_was_moved() {
    let (_dir, ctx) = common::open();
    let upcoming = |from: &str| -> Vec<(String, String)> {
        ctx.read(|c| workshops::schedule::upcoming(c, from.parse().unwrap()))
            .unwrap()
            .into_iter()
            .map(|(id, at)| (id, at.to_string()))
            .collect()
    };
    // Daily 18:30-20:00 Berlin from Monday 1 March 2027, ten times.
    let mut daily = input(
        "Daily kata",
        vec![session("", "2027-03-01T18:30", "2027-03-01T20:00")],
    );
    daily.series = Some(SeriesInput {
        frequency: Frequency::Daily,
        interval: 1,
        until: None,
        count: Some(10),
        rule: None,
    });
    let series = create(&ctx, &daily);
    let sid = series.sessions[0].id.clone();
    let once = create(
        &ctx,
        &input(
            "One evening",
            vec![session("", "2027-03-04T19:00", "2027-03-04T21:00")],
        ),
    );

    // Under way at 19:00 on the 2nd: that date still counts.
    assert_eq!(
        upcoming("2027-03-02T18:00:00Z"),
        [
            (series.id.clone(), "2027-03-02T17:30:00Z".into()),
            (once.id.clone(), "2027-03-04T18:00:00Z".into())
        ]
    );
    // Skip the 3rd and the 4th, move the 5th to the morning of the 6th: from the 3rd on, the
    // next date is the moved one's, after the one-off.
    for day in ["2027-03-03T17:30:00Z", "2027-03-04T17:30:00Z"] {
        ctx.write(|tx| workshops::skip_occurrence(tx, &sid, day, &ctx.clock))
            .unwrap();
    }
    ctx.write(|tx| {
        workshops::move_occurrence(
            tx,
            &sid,
            "2027-03-05T17:30:00Z",
            "2027-03-06T09:00",
            "2027-03-06T10:00",
            &ctx.clock,
        )
    })
    .unwrap();
    assert_eq!(
        upcoming("2027-03-03T00:00:00Z"),
        [
            (once.id.clone(), "2027-03-04T18:00:00Z".into()),
            (series.id.clone(), "2027-03-06T08:00:00Z".into())
        ]
    );
    // After the last of the ten dates: nothing is upcoming.
    assert_eq!(
        upcoming("2027-03-11T00:00:00Z"),
        Vec::<(String, String)>::new()
    );
}
