//! The change feed's price (migration 0004, `changes`): every write to a domain's table fires a
//! trigger that moves the domain's counter, and the watcher polls every `POLL_EVERY`. This
//! measures both on real SQLite files, against baselines run in the same session:
//!
//! - the trigger's cost per written row: raw single-row INSERTs and UPDATEs into `member`, each
//!   in its own IMMEDIATE transaction as a user action makes them (`Database::write`), and all
//!   in one transaction, on a database with its triggers and on one whose `member` triggers
//!   were dropped (fresh databases each run; median of the runs);
//! - a poll: when nothing was committed (one `PRAGMA data_version`) and after a commit (the
//!   pragma, then the counters), against a trivial `SELECT 1`, and the idle CPU that implies
//!   at the watcher's interval.
//!
//! Prints the ratios; asserts nothing about time (run it with `make bench`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use guildhall_core::changes::{self, ChangeFeed, Domain, Versions};
use guildhall_core::services::changes::POLL_EVERY;
use guildhall_core::Database;

/// Rows written per variant and run.
const ROWS: usize = 20_000;
/// Runs of the write variants (each on fresh databases); the median is printed.
const RUNS: usize = 5;
/// Batches of calls for the idle measurements, and calls per batch.
const BATCHES: usize = 9;
const CALLS: usize = 10_000;
/// Commits, each followed by one timed poll.
const COMMITS: usize = 2_000;

/// The columns of db.rs's test `only_the_bulk_connection_has_its_triggers_off`.
const INSERT: &str = "INSERT INTO member (id, name, check_in_code, name_key, search_text,
                                          created_at, updated_at)
                      VALUES (?1, 'A', ?2, 'a', 'a', 'now', 'now')";
const UPDATE: &str = "UPDATE member SET notes = ?2, updated_at = 'later' WHERE id = ?1";
const DROP_MEMBER_TRIGGERS: &str = "DROP TRIGGER change_member_insert;
                                    DROP TRIGGER change_member_update;
                                    DROP TRIGGER change_member_delete;";

/// One write variant: its label and how it writes `rows` with `sql`.
struct Variant {
    label: &'static str,
    sql: &'static str,
    /// Which half of the ids it writes: per-row variants the first, bulk ones the second.
    second_half: bool,
    bulk: bool,
}

const VARIANTS: [Variant; 4] = [
    Variant {
        label: "INSERT, one transaction per row",
        sql: INSERT,
        second_half: false,
        bulk: false,
    },
    Variant {
        label: "UPDATE, one transaction per row",
        sql: UPDATE,
        second_half: false,
        bulk: false,
    },
    Variant {
        label: "INSERT, all rows in one transaction",
        sql: INSERT,
        second_half: true,
        bulk: true,
    },
    Variant {
        label: "UPDATE, all rows in one transaction",
        sql: UPDATE,
        second_half: true,
        bulk: true,
    },
];

fn micros_per(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1e6 / count as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Writes every row with `sql` (`?1` the id, `?2` the code or the note), one transaction per
/// row or all in one; µs per row.
fn write_rows(db: &Database, sql: &str, rows: &[(String, String)], bulk: bool) -> f64 {
    let started = Instant::now();
    if bulk {
        db.write(|tx| {
            let mut stmt = tx.prepare_cached(sql)?;
            for (id, value) in rows {
                stmt.execute([id, value])?;
            }
            Ok(())
        })
        .expect("bulk write");
    } else {
        for (id, value) in rows {
            db.write(|tx| {
                tx.prepare_cached(sql)?.execute([id, value])?;
                Ok(())
            })
            .expect("single-row write");
        }
    }
    micros_per(started.elapsed(), rows.len())
}

/// The rows a variant writes in run `run`: ids (unique in the run's database), and a check-in
/// code for an INSERT or a note for an UPDATE.
fn rows_for(variant: &Variant, run: usize) -> Vec<(String, String)> {
    let offset = if variant.second_half { ROWS } else { 0 };
    (offset..offset + ROWS)
        .map(|i| {
            let value = if variant.sql == INSERT {
                format!("C{i:07}")
            } else {
                format!("note {run} {i}")
            };
            (format!("mem_{i:07}"), value)
        })
        .collect()
}

fn members_version(db: &Database) -> i64 {
    db.read(|c| changes::version(c, Domain::Members))
        .expect("version")
}

fn bench_triggers() {
    // [variant][run], with triggers and without.
    let mut with = vec![Vec::new(); VARIANTS.len()];
    let mut without = vec![Vec::new(); VARIANTS.len()];
    for run in 0..RUNS {
        let dir = tempfile::tempdir().expect("temp dir");
        let on = Database::open_in(&dir.path().join("on")).expect("open");
        let off = Database::open_in(&dir.path().join("off")).expect("open");
        off.write(|tx| Ok(tx.execute_batch(DROP_MEMBER_TRIGGERS)?))
            .expect("drop triggers");
        for (v, variant) in VARIANTS.iter().enumerate() {
            let rows = rows_for(variant, run);
            // Alternate which database goes first, so that neither always meets a warmer cache
            // or a quieter neighbour.
            if run % 2 == 0 {
                with[v].push(write_rows(&on, variant.sql, &rows, variant.bulk));
                without[v].push(write_rows(&off, variant.sql, &rows, variant.bulk));
            } else {
                without[v].push(write_rows(&off, variant.sql, &rows, variant.bulk));
                with[v].push(write_rows(&on, variant.sql, &rows, variant.bulk));
            }
        }
        // Every row moved the counter where the triggers are, none where they are not.
        assert_eq!(members_version(&on), (VARIANTS.len() * ROWS) as i64);
        assert_eq!(members_version(&off), 0);
    }

    println!(
        "change_feed bench: member triggers, {ROWS} rows per variant, median of {RUNS} runs \
         (fresh databases each run)"
    );
    println!(
        "  {:<38} {:>12} {:>13} {:>15} {:>7}",
        "µs per row", "triggers on", "triggers off", "trigger's cost", "ratio"
    );
    for (v, variant) in VARIANTS.iter().enumerate() {
        let (on, off) = (median(with[v].clone()), median(without[v].clone()));
        println!(
            "  {:<38} {:>12.2} {:>13.2} {:>15.2} {:>6.2}x",
            variant.label,
            on,
            off,
            on - off,
            on / off
        );
    }
}

/// Median µs per call of `f` over `BATCHES` batches of `CALLS` calls.
fn per_call(mut f: impl FnMut()) -> f64 {
    for _ in 0..CALLS / 10 {
        f(); // warm up: page cache, prepared statements
    }
    let batches = (0..BATCHES)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..CALLS {
                f();
            }
            micros_per(started.elapsed(), CALLS)
        })
        .collect();
    median(batches)
}

fn bench_polls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Database::open_in(dir.path()).expect("open");
    db.write(|tx| Ok(tx.execute(INSERT, ["mem_0000001", "C0000001"])?))
        .expect("insert");
    let mut feed = ChangeFeed::open(&db).expect("feed");
    // A pooled connection is configured like the feed's own (`configure` in db.rs).
    let conn = db.connection().expect("connection");

    // `query_row` prepares each time, as `pragma_query_value` does for the poll's pragma.
    let select_1 = per_call(|| {
        let one: i64 = conn
            .query_row("SELECT 1", [], |r| r.get(0))
            .expect("select 1");
        black_box(one);
    });
    let idle = per_call(|| {
        let changed = feed.poll().expect("poll");
        assert!(changed.is_empty());
        black_box(changed);
    });
    let counters = per_call(|| {
        black_box(Versions::read(&conn).expect("counters"));
    });

    let mut after_commit = Vec::with_capacity(COMMITS);
    for i in 0..COMMITS {
        db.write(|tx| {
            let note = format!("note {i}");
            Ok(tx.execute(UPDATE, ["mem_0000001", note.as_str()])?)
        })
        .expect("commit");
        let started = Instant::now();
        let changed = feed.poll().expect("poll");
        after_commit.push(started.elapsed().as_secs_f64() * 1e6);
        assert_eq!(changed, [Domain::Members]);
    }
    let after_commit = median(after_commit);

    println!(
        "change_feed bench: polls, median of {BATCHES} batches of {CALLS} calls \
         (after a commit: median of {COMMITS} commits)"
    );
    println!("  {:<46} {:>8} {:>12}", "µs per call", "µs", "vs SELECT 1");
    for (label, micros) in [
        ("SELECT 1 (baseline)", select_1),
        ("poll, nothing committed (data_version)", idle),
        ("the counters alone (Versions::read)", counters),
        (
            "poll after a commit (data_version + counters)",
            after_commit,
        ),
    ] {
        println!("  {label:<46} {micros:>8.2} {:>11.1}x", micros / select_1);
    }
    let polls_per_second = 1.0 / POLL_EVERY.as_secs_f64();
    let idle_cpu = polls_per_second * idle;
    println!(
        "  idle CPU at POLL_EVERY {} ms: {polls_per_second:.0} polls/s x {idle:.2} µs = \
         {idle_cpu:.2} µs per second ({:.5} % of one core; the thread's wake-up not counted)",
        POLL_EVERY.as_millis(),
        idle_cpu / 1e6 * 100.0
    );
}

fn main() {
    bench_triggers();
    bench_polls();
}
