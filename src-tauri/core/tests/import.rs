//! Importing members end to end: real-looking exports (tests/fixtures/import/) and generated
//! files into real SQLite files in a temp folder. The tests are split by concern: `formats`
//! (each export is recognised and mapped), `merge` (recognising people again, remembered
//! mappings, Guildhall's round trip) and `safety` (all or nothing, cancel, dry run, bad files).
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

#[path = "import/formats.rs"]
mod formats;
#[path = "import/merge.rs"]
mod merge;
#[path = "import/safety.rs"]
mod safety;

use std::sync::atomic::AtomicBool;

use guildhall_core::members::import::{ImportOptions, ImportPreview, ImportReport, MemberField};
use guildhall_core::members::{self, Member, MemberQuery};
use guildhall_core::Clock;
use guildhall_core::{Context, Result};

fn open() -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    (dir, ctx)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn try_preview(ctx: &Context, bytes: &[u8]) -> Result<ImportPreview> {
    ctx.read(|c| members::import::preview(c, bytes, None))
}

fn preview(ctx: &Context, bytes: &[u8]) -> ImportPreview {
    try_preview(ctx, bytes).unwrap()
}

fn try_import(ctx: &Context, bytes: &[u8], options: &ImportOptions) -> Result<ImportReport> {
    members::import::import(
        &ctx.db,
        &ctx.clock,
        bytes,
        options,
        &mut |_| {},
        &AtomicBool::new(false),
    )
}

fn import(ctx: &Context, bytes: &[u8]) -> ImportReport {
    try_import(ctx, bytes, &ImportOptions::default()).unwrap()
}

/// (new, updated, unchanged, rejected)
fn counts(report: &ImportReport) -> (u32, u32, u32, u32) {
    (
        report.new,
        report.updated,
        report.unchanged,
        report.rejected,
    )
}

fn field_of(preview: &ImportPreview, header: &str) -> Option<MemberField> {
    preview
        .mapping
        .iter()
        .find(|m| m.header == header)
        .unwrap_or_else(|| panic!("no column {header}"))
        .field
}

/// Every member, archived ones too, sorted by name.
/// Every member, page by page (a page holds at most 1,000).
fn all(ctx: &Context) -> Vec<Member> {
    let mut everyone = Vec::new();
    loop {
        let query = MemberQuery {
            include_archived: true,
            offset: Some(everyone.len() as u32),
            limit: Some(1_000),
            ..Default::default()
        };
        let page = ctx
            .read(|c| members::list(&ctx.search, c, &query))
            .unwrap()
            .members;
        if page.is_empty() {
            return everyone;
        }
        everyone.extend(page);
    }
}

fn by_name(ctx: &Context, name: &str) -> Member {
    all(ctx)
        .into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no member named {name}"))
}

/// Every row of every table an import may write, to prove that one wrote nothing.
fn dump(ctx: &Context) -> Vec<String> {
    let conn = ctx.db.connection().unwrap();
    let mut out = Vec::new();
    for table in ["member", "member_role", "member_tag", "import_mapping"] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let width = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<rusqlite::types::Value> =
                (0..width).map(|i| row.get(i).unwrap()).collect();
            out.push(format!("{table} {values:?}"));
        }
    }
    out
}

/// A generic CSV of `n` members; the row at `bad` (0-based) has an invalid email. Returns the
/// file and the line that row is on.
fn generated(n: usize, bad: Option<usize>) -> (String, u32) {
    let mut csv = String::from("name,email,tags\n");
    for i in 0..n {
        let at = if Some(i) == bad { '.' } else { '@' };
        csv.push_str(&format!(
            "Member {i},member{i}{at}example.org,tag{}\n",
            i % 7
        ));
    }
    (csv, bad.map_or(0, |b| b as u32 + 2))
}

#[test]
fn the_preview_flags_an_email_that_only_looks_like_an_existing_member_s() {
    let (_dir, ctx) = open();
    ctx.write(|tx| {
        members::create(
            tx,
            &members::MemberInput {
                name: "Ada Lovelace".into(),
                email: Some("ada@example.org".into()),
                ..Default::default()
            },
            &ctx.clock,
        )
    })
    .unwrap();
    // Cyrillic "а" in the first one; the second is Ada herself; the third someone new.
    let file =
        "name,email\nAda L.,\u{0430}da@example.org\nAda,ADA@example.org\nGrace,grace@example.org\n";
    let p = preview(&ctx, file.as_bytes());
    assert_eq!(p.look_alikes.len(), 1, "{:?}", p.look_alikes);
    let hit = &p.look_alikes[0];
    assert_eq!(hit.line, 2);
    assert_eq!(hit.email, "\u{0430}da@example.org");
    assert_eq!(
        (hit.existing_email.as_str(), hit.existing_name.as_str()),
        ("ada@example.org", "Ada Lovelace")
    );
}
