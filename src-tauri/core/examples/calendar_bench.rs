//! Times the calendar export the app runs ("Export calendar", every workshop) over a realistic
//! community schedule, for benches/calendar_bench.py, which compares it with Python icalendar
//! writing the same events:
//!
//! ```sh
//! cargo run --release -p guildhall-core --example calendar_bench -- DATA_DIR 10000 [RUNS]
//! ```
//!
//! When the database in DATA_DIR has no workshops yet, it is first filled with SESSIONS sessions:
//! multi-session workshops and weekly or monthly series (one skipped date each) in seven zones,
//! with titles and descriptions full of commas, semicolons, accents and emoji, venues, online
//! links and facilitators with e-mail addresses (ORGANIZER/ATTENDEE lines).
//!
//! Then it times RUNS exports (default 5), each from the database into a fresh `IcsWriter` (the
//! read included: that is what the app does), in process, and writes
//!
//! - `DATA_DIR/calendar.ics`: the calendar we export;
//! - `DATA_DIR/events.json`: the same VEVENTs as plain values (UID, summary, local times with
//!   their zone, RRULE, EXDATEs, people...) for the Python side to build with icalendar;
//!
//! and prints one line of JSON: seconds per run (median, min), counts and the two paths.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool, not app code

use std::path::{Path, PathBuf};
use std::time::Instant;

use guildhall_core::calendar::export::{export, CalendarScope};
use guildhall_core::members::{self, MemberInput};
use guildhall_core::workshops::{
    self, ExceptionKind, Frequency, SeriesInput, SessionInput, Workshop, WorkshopInput,
    WorkshopStatus,
};
use guildhall_core::Clock;
use guildhall_core::Context;
use guildhall_ical::writer::IcsWriter;
use jiff::civil::{date, Date};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{json, Value};

/// The DTSTAMP of every run, fixed so that two runs write the same bytes.
const NOW: &str = "2026-11-26T10:00:00Z";

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Europe/London",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Africa/Lagos",
];

const TITLES: &[&str] = &[
    "Rust study group: lifetimes, traits & async",
    "Café numérique — débutants; bring a laptop",
    "Data visualisation with Vega-Lite, part two",
    "Nähcafé: Reparieren statt wegwerfen 🧵",
    "Python für Einsteiger*innen; Kapitel 3",
    "Open mic 🎤, poetry & short stories",
    "Machine learning reading group (ch. 7, \"Attention\")",
    "डेटा विज्ञान मीटअप — pandas, polars; DuckDB",
    "Bike repair clinic 🚲 — brakes, gears, lights",
    "Atelier d'écriture: nouvelles, haïkus; contes",
    "Kids & family coding: Scratch, micro:bit 🤖",
    "Accessibility audit sprint (WCAG 2.2, ARIA; screen readers)",
];

const SESSION_TITLES: &[&str] = &[
    "Part 1: basics",
    "Part 2; hands-on",
    "Teil 3 — Vertiefung",
    "Wrap-up, demos & 🍕",
];

const DESCRIPTIONS: &[&str] = &[
    "We work through the book a chapter at a time, then pair on the exercises.\n\n\
     - bring a laptop (Linux, macOS or Windows; all fine)\n\
     - read the chapter before, if you can\n\
     - questions welcome, no question is too small 🙂\n\n\
     Snacks: vegan, gluten-free options; tea & coffee by donation.",
    "Zwei Stunden, drei Stationen: Grundlagen, Übungen, eigene Daten.\n\
     Bitte mitbringen: Laptop, Ladegerät, Neugier.\n\n\
     Barrierefrei, Aufzug im Hof; Toiletten im 1. OG.\n\
     Fragen? Schreibt uns — wir antworten gern, auch auf Englisch.",
    "Ouvert à toutes et à tous, débutant·e·s bienvenu·e·s.\r\n\
     Programme : présentation, exercices guidés, temps libre ; apéro à la fin 🥂.\r\n\
     Inscription conseillée, places limitées (24).",
    "Agenda:\n\
     18:30 doors, pizza 🍕\n\
     19:00 talk (45 min), then Q&A\n\
     20:00 lightning talks; sign up at the door\n\n\
     Code of conduct: https://example.org/coc — be kind, be curious, be patient.\n\
     Path to the room: C:\\Users\\guest is NOT where the slides are; see the wiki.",
];

const VENUES: &[&str] = &[
    "Kiezhaus, Raum 2, Weserstraße 12, 12047 Berlin",
    "Brooklyn Public Library; Central Branch, 10 Grand Army Plaza",
    "Bangalore International Centre, 7 4th Main Rd, Domlur",
    "The Old Fire Station, Room B; 40 George St, Oxford",
    "Casa do Povo, Rua Três Rios 252, Bom Retiro, São Paulo",
    "Surry Hills Library, 405 Crown St (level 2)",
    "Co-Creation Hub, 294 Herbert Macaulay Way, Yaba, Lagos",
];

const TAGS: &[&str] = &[
    "rust",
    "python",
    "data science",
    "design",
    "repair café",
    "écriture",
    "open source",
    "kids & family",
    "music; jam",
];

const PEOPLE: &[&str] = &[
    "Zoë van der Berg",
    "Aoife \"Fee\" O'Brien",
    "Kwame Mensah",
    "Nguyễn Thị Mai",
    "Priya Raghunathan",
    "Jonas Müller",
    "Élodie Dubois",
    "Tomasz Kowalski",
    "Yuki Tanaka",
    "Fatima Haddad",
    "Santiago García",
    "Ingrid Larsen",
];

fn seed(ctx: &Context, sessions: usize) -> usize {
    let facilitators: Vec<String> = ctx
        .write(|tx| {
            (0..PEOPLE.len() * 3)
                .map(|i| {
                    let name = PEOPLE[i % PEOPLE.len()];
                    // Every seventh has no address: not an ORGANIZER or ATTENDEE.
                    let email = (i % 7 != 6).then(|| format!("facilitator{i}@example.org"));
                    let member = members::create(
                        tx,
                        &MemberInput {
                            name: format!("{name} {}", i / PEOPLE.len() + 1),
                            email_consent: email.is_some(),
                            consent_on: email.as_ref().map(|_| "2025-03-01".to_owned()),
                            email,
                            ..Default::default()
                        },
                        &ctx.clock,
                    )?;
                    Ok(member.id)
                })
                .collect()
        })
        .unwrap();

    let first_day = date(2027, 1, 4);
    let mut left = sessions;
    let mut made = 0;
    ctx.write(|tx| {
        while left > 0 {
            let i = made;
            let input = workshop_input(i, first_day, left, &facilitators);
            left -= input.sessions.len();
            let workshop = workshops::create(tx, &input, &ctx.clock)?;
            // A weekly series: the third date does not take place (an EXDATE).
            if input.series.as_ref().map(|s| s.frequency) == Some(Frequency::Weekly) {
                let session = &workshop.sessions[0];
                let third = session
                    .start
                    .parse::<Timestamp>()
                    .unwrap()
                    .to_zoned(TimeZone::get(&workshop.time_zone).unwrap())
                    .checked_add(2.weeks())
                    .unwrap()
                    .timestamp();
                workshops::skip_occurrence(tx, &session.id, &third.to_string(), &ctx.clock)?;
            }
            made += 1;
        }
        Ok(())
    })
    .unwrap();
    made
}

fn workshop_input(i: usize, first_day: Date, left: usize, people: &[String]) -> WorkshopInput {
    let day = first_day
        .checked_add((((i * 37) % 350) as i32).days())
        .unwrap();
    let hour = 9 + (i % 11);
    let minutes = 90 + 30 * (i % 4);
    let at = |d: Date, h: usize, m: usize| format!("{d}T{:02}:{:02}", h + m / 60, m % 60);
    let series = match i % 10 {
        3 => Some(SeriesInput {
            frequency: Frequency::Weekly,
            interval: 1,
            until: None,
            count: Some(12),
            rule: None,
        }),
        8 => Some(SeriesInput {
            frequency: Frequency::MonthlyByWeekday,
            interval: 1,
            until: Some("2027-12-31".to_owned()),
            count: None,
            rule: None,
        }),
        _ => None,
    };
    // A series has one session; other workshops two to four, a week apart.
    let count = if series.is_some() { 1 } else { 2 + i % 3 }.min(left);
    let sessions = (0..count)
        .map(|n| {
            let d = day.checked_add(((7 * n) as i32).days()).unwrap();
            SessionInput {
                id: None,
                title: if count == 1 {
                    String::new()
                } else {
                    SESSION_TITLES[n % SESSION_TITLES.len()].to_owned()
                },
                start: at(d, hour, 0),
                end: at(d, hour, minutes),
            }
        })
        .collect();
    let online = i % 6 == 1;
    WorkshopInput {
        title: format!("{} #{}", TITLES[i % TITLES.len()], i / TITLES.len() + 1),
        description: DESCRIPTIONS[i % DESCRIPTIONS.len()].to_owned(),
        status: match i % 20 {
            7 => WorkshopStatus::Cancelled,
            11 | 15 => WorkshopStatus::Draft,
            _ => WorkshopStatus::Scheduled,
        },
        time_zone: ZONES[i % ZONES.len()].to_owned(),
        venue: (i % 6 != 1).then(|| VENUES[i % VENUES.len()].to_owned()),
        online_url: (online || i % 6 == 4)
            .then(|| format!("https://meet.example.org/guildhall-{i}?lang=de&room=b")),
        capacity: Some(12 + (i % 5) as u32 * 6),
        facilitator_ids: (0..1 + i % 2)
            .map(|k| people[(i * 5 + k * 11) % people.len()].clone())
            .collect(),
        tags: (0..i % 4)
            .map(|k| TAGS[(i + k * 4) % TAGS.len()].to_owned())
            .collect(),
        sessions,
        series,
    }
}

/// The VEVENTs our export writes for these workshops, as plain values: what another writer needs
/// to write the same calendar (the rules of `export::describe`, spelled out once more).
fn events(list: &[Workshop]) -> Vec<Value> {
    let mut out = Vec::new();
    for w in list {
        let tz = TimeZone::get(&w.time_zone).unwrap();
        let local = |s: &str| {
            s.parse::<Timestamp>()
                .unwrap()
                .to_zoned(tz.clone())
                .datetime()
                .to_string()
        };
        let people: Vec<Value> = w
            .facilitators
            .iter()
            .filter_map(|f| {
                let email = f.email.as_ref()?;
                Some(json!({ "name": f.name, "email": email }))
            })
            .collect();
        for s in &w.sessions {
            let exdates: Vec<String> = w
                .exceptions
                .iter()
                .filter(|e| e.session_id == s.id && e.kind == ExceptionKind::Skip)
                .map(|e| local(&e.occurrence_at))
                .collect();
            out.push(json!({
                "uid": s.ical_uid,
                "summary": if s.title.is_empty() {
                    w.title.clone()
                } else {
                    format!("{} · {}", w.title, s.title)
                },
                "description": w.description,
                "location": w.venue.as_ref().or(w.online_url.as_ref()),
                "url": w.online_url,
                "status": match w.status {
                    WorkshopStatus::Draft => "TENTATIVE",
                    WorkshopStatus::Scheduled | WorkshopStatus::Done => "CONFIRMED",
                    WorkshopStatus::Cancelled => "CANCELLED",
                },
                "sequence": w.ical_sequence,
                "tzid": w.time_zone,
                "dtstart": local(&s.start),
                "dtend": local(&s.end),
                "rrule": w.series.as_ref().map(|r| &r.rule),
                "exdates": exdates,
                "categories": w.tags,
                "facilitators": people,
            }));
        }
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: calendar_bench DATA_DIR SESSIONS [RUNS]";
    let dir = PathBuf::from(args.next().expect(usage));
    let sessions: usize = args.next().expect(usage).parse().expect(usage);
    let runs: usize = args.next().map_or(5, |r| r.parse().expect(usage));
    let now: Timestamp = NOW.parse().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let ctx = Context::open_in(&dir, Clock::system()).unwrap();

    let existing: i64 = ctx
        .read(|c| Ok(c.query_row("SELECT count(*) FROM workshop", [], |r| r.get(0))?))
        .unwrap();
    let seed_seconds = (existing == 0).then(|| {
        let start = Instant::now();
        seed(&ctx, sessions);
        start.elapsed().as_secs_f64()
    });

    let mut times = Vec::with_capacity(runs);
    let mut text = String::new();
    let mut written = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let mut w = IcsWriter::new();
        let report = ctx
            .read(|c| export(c, &CalendarScope::All, now, &mut w))
            .unwrap();
        text = w.finish();
        times.push(start.elapsed().as_secs_f64());
        written = Some(report);
    }
    let written = written.unwrap();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);

    let ics = dir.join("calendar.ics");
    std::fs::write(&ics, &text).unwrap();
    let events_json = dir.join("events.json");
    write_events(&ctx, &events_json, now);

    println!(
        "{}",
        json!({
            "sessions": sessions,
            "workshops": written.workshops,
            "events": written.events,
            "seed_seconds": seed_seconds,
            "runs": times,
            "median_seconds": median(&sorted),
            "min_seconds": sorted[0],
            "ics": ics,
            "ics_bytes": text.len(),
            "events_json": events_json,
            "dtstamp": NOW,
        })
    );
}

fn write_events(ctx: &Context, path: &Path, now: Timestamp) {
    let list: Vec<Workshop> = ctx
        .read(|c| {
            let ids: Vec<String> = c
                .prepare("SELECT id FROM workshop ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.iter().map(|id| workshops::get(c, id)).collect()
        })
        .unwrap();
    let body = json!({ "dtstamp": now.to_string(), "events": events(&list) });
    std::fs::write(path, serde_json::to_vec(&body).unwrap()).unwrap();
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
