//! Times an import of generated members into a fresh database, to keep an eye on the import's
//! speed (the tests deliberately assert nothing about time):
//!
//! ```sh
//! cargo run --release -p guildhall-core --example import_bench -- 100000 [members.csv]
//! ```
//!
//! Prints the time of a preview, of the first import (all new), and of a re-import of the same
//! file (all unchanged). With a second argument the generated CSV is also saved there, to feed
//! the same file to the sqlite3 shell's `.import` for comparison.
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a measuring tool, not app code

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use guildhall_core::members::import::{self, ImportOptions};
use guildhall_core::Clock;
use guildhall_core::Context;

const TAGS: &[&str] = &[
    "rust",
    "python",
    "design",
    "data science",
    "testing",
    "devops",
];

fn generate(n: usize) -> String {
    let mut csv = String::from("Name,Email,Phone,Tags,Joined,Notes\n");
    for i in 0..n {
        csv.push_str(&format!(
            "Member {i} Müller,member{i}@example.org,+44 7700 9{:05},\"{}, {}\",2024-{:02}-{:02},\n",
            i % 100_000,
            TAGS[i % TAGS.len()],
            TAGS[(i / 7) % TAGS.len()],
            1 + i % 12,
            1 + i % 28,
        ));
    }
    csv
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("the number of rows"))
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let csv = generate(n);
    if let Some(path) = std::env::args().nth(2) {
        std::fs::write(path, &csv).unwrap();
    }
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    println!("{n} rows, {:.1} MB", csv.len() as f64 / 1e6);

    let start = Instant::now();
    let preview = ctx
        .read(|c| import::preview(c, csv.as_bytes(), None))
        .unwrap();
    println!(
        "preview:   {:>8.3} s ({} rows)",
        start.elapsed().as_secs_f64(),
        preview.total_rows
    );

    for run in ["import:", "re-import:"] {
        let start = Instant::now();
        let report = import::import(
            &ctx.db,
            &ctx.clock,
            csv.as_bytes(),
            &ImportOptions::default(),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        println!(
            "{run:<10} {:>8.3} s (new {}, updated {}, unchanged {}, rejected {})",
            start.elapsed().as_secs_f64(),
            report.new,
            report.updated,
            report.unchanged,
            report.rejected
        );
    }
}
