//! "Every upcoming workshop" as a calendar file, over open daily series: the export must grow
//! with the number of workshops, not with the years of dates each series has ahead of it. Times
//! the Upcoming export against the All export of the same database (the baseline: every
//! workshop, no "what is next" to work out) at 1,000 and 5,000 series, and prints the ratios
//! and how each grows. Asserts nothing about time (run it with `make bench`); it checks only
//! that both exports hold every series.

use std::time::Instant;

use guildhall_core::calendar::export::{export, CalendarScope};
use guildhall_core::workshops::{
    self, Frequency, SeriesInput, SessionInput, WorkshopInput, WorkshopStatus,
};
use guildhall_core::{Clock, Context};
use guildhall_ical::writer::IcsWriter;
use jiff::Timestamp;

const RUNS: usize = 3;

fn series(i: usize) -> WorkshopInput {
    // Open-ended daily series that began in 2026, at different hours.
    let hour = 8 + i % 12;
    WorkshopInput {
        title: format!("Daily practice {i}"),
        description: String::new(),
        status: WorkshopStatus::Scheduled,
        time_zone: "Europe/Berlin".into(),
        venue: Some(format!("Room {}", i % 40)),
        online_url: None,
        capacity: None,
        facilitator_ids: vec![],
        tags: vec![],
        sessions: vec![SessionInput {
            id: None,
            title: String::new(),
            start: format!("2026-01-{:02}T{hour:02}:00", 1 + i % 28),
            end: format!("2026-01-{:02}T{hour:02}:45", 1 + i % 28),
        }],
        series: Some(SeriesInput {
            frequency: Frequency::Daily,
            interval: 1,
            until: None,
            count: None,
            rule: None,
        }),
    }
}

/// Median seconds of RUNS exports of `scope`, and the VEVENTs one holds.
fn time(ctx: &Context, scope: &CalendarScope, now: Timestamp) -> (f64, u32) {
    let mut times = Vec::with_capacity(RUNS);
    let mut events = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let written = ctx
            .snapshot(|c| export(c, scope, now, &mut IcsWriter::new()))
            .expect("export");
        times.push(start.elapsed().as_secs_f64());
        events = written.events;
    }
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], events)
}

fn main() {
    let now: Timestamp = "2026-11-26T10:00:00Z".parse().expect("instant");
    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = Context::open_in(dir.path(), Clock::system()).expect("database");
    println!("calendar upcoming bench: open daily series, median of {RUNS} exports each");
    println!("  series   upcoming       all (baseline)   upcoming / all");
    let mut made = 0;
    let mut previous: Option<(usize, f64, f64)> = None;
    for count in [1_000, 5_000] {
        ctx.write(|tx| {
            for i in made..count {
                workshops::create(tx, &series(i), &ctx.clock)?;
            }
            Ok(())
        })
        .expect("seed");
        made = count;
        let (upcoming, up_events) = time(&ctx, &CalendarScope::Upcoming, now);
        let (all, all_events) = time(&ctx, &CalendarScope::All, now);
        assert_eq!(
            (up_events, all_events),
            (count as u32, count as u32),
            "every series is upcoming and in the whole calendar"
        );
        println!(
            "  {count:>6}   {upcoming:>7.3} s     {all:>7.3} s        {:>6.2}x",
            upcoming / all
        );
        if let Some((n, up0, all0)) = previous {
            println!(
                "  {n} -> {count} series ({:.0}x as many): upcoming took {:.1}x as long, all \
                 {:.1}x (linear: about {:.0}x; the quadratic export of before: about {:.0}x)",
                count as f64 / n as f64,
                upcoming / up0,
                all / all0,
                count as f64 / n as f64,
                (count as f64 / n as f64).powi(2)
            );
        }
        previous = Some((count, upcoming, all));
    }
}
