//! A few workshops for the demo community, dated from today so the schedule has something to
//! show: a weekly series, a two-part workshop, a monthly meetup, an online session in another
//! zone, a cancelled one, and one double-booked venue to show the warning.

use jiff::civil::Date;
use jiff::ToSpan;
use rusqlite::Transaction;

use super::input::clean;
use super::model::{Frequency, SeriesInput, SessionInput, WorkshopInput, WorkshopStatus};
use super::store::{insert, WorkshopSource};
use crate::clock::Clock;
use crate::error::Result;

const KIEZHAUS: &str = "Kiezhaus, Raum 2, Weserstraße 12, 12047 Berlin";

fn session(title: &str, day: Date, start: &str, end: &str) -> SessionInput {
    SessionInput {
        id: None,
        title: title.to_owned(),
        start: format!("{day}T{start}"),
        end: format!("{day}T{end}"),
    }
}

fn workshop(title: &str, description: &str, tags: &[&str]) -> WorkshopInput {
    WorkshopInput {
        title: title.to_owned(),
        description: description.to_owned(),
        status: WorkshopStatus::Scheduled,
        time_zone: "Europe/Berlin".to_owned(),
        venue: Some(KIEZHAUS.to_owned()),
        online_url: None,
        capacity: Some(24),
        facilitator_ids: Vec::new(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        sessions: Vec::new(),
        series: None,
    }
}

/// The workshops are placed in the week of `today` (Monday first) and the weeks around it.
fn monday_of(today: Date) -> Date {
    let back = i64::from(today.weekday().to_monday_zero_offset());
    today.checked_sub(back.days()).unwrap_or(today)
}

fn plus(day: Date, days: i64) -> Date {
    day.checked_add(days.days()).unwrap_or(day)
}

/// The demo workshops; `facilitators` are member ids to spread over them.
pub(crate) fn workshops(today: Date, facilitators: &[String]) -> Vec<WorkshopInput> {
    let people = |n: usize| -> Vec<String> {
        facilitators
            .iter()
            .cycle()
            .skip(n)
            .take(facilitators.len().min(2))
            .cloned()
            .collect()
    };
    let monday = monday_of(today);
    // Started two weeks ago, so the series has a past as well as a future.
    let first_tuesday = plus(monday, 1 - 14);
    let saturday = plus(monday, 5);
    let thursday = plus(monday, 3);
    let wednesday = plus(monday, 2);
    let friday = plus(monday, 4);
    let next_tuesday = plus(monday, 8);

    let mut rust = workshop(
        "Rust study group",
        "We work through **Rust for Rustaceans** a chapter at a time.\n\n\
         - bring a laptop with Rust installed\n- read the chapter before",
        &["rust", "study group"],
    );
    rust.sessions = vec![session("", first_tuesday, "18:30", "20:00")];
    rust.series = Some(SeriesInput {
        frequency: Frequency::Weekly,
        interval: 1,
        until: None,
        count: Some(16),
        rule: None,
    });
    rust.facilitator_ids = people(0);

    let mut dataviz = workshop(
        "Data visualisation with Vega-Lite",
        "Two Saturday mornings: the grammar of graphics, then your own data.",
        &["data", "visualisation"],
    );
    dataviz.venue = Some("Stadtbibliothek, Seminarraum 1, Berlin".to_owned());
    dataviz.sessions = vec![
        session("Part 1: the grammar", saturday, "10:00", "13:00"),
        session(
            "Part 2: your data",
            saturday.checked_add(7.days()).unwrap_or(saturday),
            "10:00",
            "13:00",
        ),
    ];
    dataviz.capacity = Some(16);
    dataviz.facilitator_ids = people(1);

    let mut talks = workshop(
        "Lightning talks",
        "Five minutes each, any topic. Sign up at the door.",
        &["talks"],
    );
    talks.sessions = vec![session("", thursday, "19:00", "21:00")];
    talks.series = Some(SeriesInput {
        frequency: Frequency::MonthlyByWeekday,
        interval: 1,
        until: None,
        count: Some(6),
        rule: None,
    });
    talks.capacity = None;
    talks.facilitator_ids = people(2);

    let mut hack = workshop(
        "Open-source hack night",
        "Bring an issue you want to fix; we pair up.",
        &["open source"],
    );
    // Same room as next week's study group: the schedule warns about it.
    hack.sessions = vec![session("", next_tuesday, "19:00", "22:00")];
    hack.status = WorkshopStatus::Draft;

    let mut remote = workshop(
        "Writing good issues (online)",
        "A lunch-time session for our members across the Atlantic.",
        &["writing"],
    );
    remote.time_zone = "America/New_York".to_owned();
    remote.venue = None;
    remote.online_url = Some("https://meet.example.org/guildhall-issues".to_owned());
    remote.sessions = vec![session("", wednesday, "12:00", "13:00")];
    remote.capacity = Some(100);

    let mut docker = workshop(
        "Docker basics",
        "Cancelled: the facilitator is ill. We will find a new date.",
        &["devops"],
    );
    docker.sessions = vec![session("", friday, "18:00", "20:00")];
    docker.status = WorkshopStatus::Cancelled;

    vec![rust, dataviz, talks, hack, remote, docker]
}

/// Adds the demo workshops, run by `facilitators` (member ids), unless there are some already.
pub(crate) fn load(tx: &Transaction, clock: &Clock, facilitators: &[String]) -> Result<()> {
    let existing: i64 = tx.query_row(
        "SELECT count(*) FROM workshop WHERE source = 'demo'",
        [],
        |r| r.get(0),
    )?;
    if existing > 0 {
        return Ok(());
    }
    for input in workshops(clock.today(), facilitators) {
        insert(tx, &clean(&input)?, WorkshopSource::Demo, clock)?;
    }
    Ok(())
}

pub(crate) fn remove(tx: &Transaction) -> Result<()> {
    tx.execute("DELETE FROM workshop WHERE source = 'demo'", [])?;
    Ok(())
}
