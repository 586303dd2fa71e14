//! The full backup CSV read back by our own import: nothing lost.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::sync::atomic::AtomicBool;

use guildhall_core::members::import::{self, ImportFormat, ImportOptions};
use guildhall_core::members::{self, demo, MemberInput, MemberQuery, PracticeLevel, Role};
use guildhall_core::Clock;
use guildhall_core::Context;

fn everyone(ctx: &Context) -> Vec<members::Member> {
    let query = MemberQuery {
        include_archived: true,
        limit: Some(1_000),
        ..Default::default()
    };
    ctx.read(|c| members::list(&ctx.search, c, &query))
        .unwrap()
        .members
}

#[test]
fn the_backup_csv_imports_back_into_an_empty_database_unchanged() {
    let source_dir = tempfile::tempdir().unwrap();
    let source = Context::open_in(source_dir.path(), Clock::system()).unwrap();
    source
        .write(|tx| guildhall_core::demo::load(tx, &source.clock))
        .unwrap();
    let tricky = source
        .write(|tx| {
            members::create(
                tx,
                &MemberInput {
                    name: "=HYPERLINK(\"x\"), Zoë \"Zo\" Müller; Jr.".into(),
                    email: Some("Zoe.Muller@Example.org".into()),
                    phone: Some("+49 (30) 123-456".into()),
                    practice_level: Some(PracticeLevel::Expert),
                    roles: vec![Role::Organizer, Role::Volunteer],
                    tags: vec!["data science".into(), "rust".into(), "a;b".into()],
                    email_consent: true,
                    consent_on: Some("2024-02-29".into()),
                    joined_on: Some("2023-01-09".into()),
                    notes: "Line one\nLine two, with \"quotes\"\r\nand a tab\there".into(),
                },
                &source.clock,
            )
        })
        .unwrap();
    source
        .write(|tx| members::archive(tx, &tricky.id, &source.clock))
        .unwrap();
    // Cells the export guards against spreadsheets (and one the member guarded themselves)
    // come back exactly as typed.
    source
        .write(|tx| {
            members::create(
                tx,
                &MemberInput {
                    name: "'=already quoted".into(),
                    tags: vec!["-minus".into(), "@home".into()],
                    notes: "@mention\n=1+1".into(),
                    phone: Some("+1 555".into()),
                    ..Default::default()
                },
                &source.clock,
            )
        })
        .unwrap();

    let mut csv = Vec::new();
    let written = source
        .read(|c| members::all_members_csv(c, &mut csv))
        .unwrap();
    assert_eq!(written as usize, demo::DEMO_SIZE + 2);

    let target_dir = tempfile::tempdir().unwrap();
    let target = Context::open_in(target_dir.path(), Clock::system()).unwrap();
    let report = import::import(
        &target.db,
        &target.clock,
        &csv,
        &ImportOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.format, ImportFormat::Guildhall);
    assert!(report.committed, "{:?}", report.rejected_rows);
    assert_eq!(report.new as usize, demo::DEMO_SIZE + 2);

    assert_eq!(everyone(&target), everyone(&source));
}
