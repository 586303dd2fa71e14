//! An import either happens completely or not at all: one bad row, a cancel, a dry run or a
//! broken file leave the database exactly as it was.

use std::sync::atomic::{AtomicBool, Ordering};

use guildhall_core::members::import::{self, ImportOptions, ImportProgress};
use guildhall_core::members::{self, MemberInput};
use guildhall_core::CoreError;

use crate::{all, counts, dump, generated, open, preview, try_import, try_preview};

fn with_one_member(ctx: &guildhall_core::Context) {
    let ada = MemberInput {
        name: "Ada".into(),
        email: Some("ada@example.org".into()),
        tags: vec!["rust".into()],
        ..Default::default()
    };
    ctx.write(|tx| members::create(tx, &ada, &ctx.clock))
        .unwrap();
}

#[test]
fn one_bad_row_among_ten_thousand_writes_nothing_unless_skipped() {
    let (_dir, ctx) = open();
    with_one_member(&ctx);
    let before = dump(&ctx);
    let (csv, bad_line) = generated(10_000, Some(6_789));

    let report = try_import(&ctx, csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert!(!report.committed);
    assert_eq!(counts(&report), (9_999, 0, 0, 1));
    assert_eq!(report.rejected_rows.len(), 1);
    assert_eq!(report.rejected_rows[0].line, bad_line);
    assert!(
        report.rejected_rows[0]
            .reason
            .contains("member6789.example.org"),
        "{}",
        report.rejected_rows[0].reason
    );
    assert_eq!(dump(&ctx), before);

    let skip = ImportOptions {
        skip_bad_rows: true,
        ..Default::default()
    };
    let report = try_import(&ctx, csv.as_bytes(), &skip).unwrap();
    assert!(report.committed);
    assert_eq!(counts(&report), (9_999, 0, 0, 1));
    assert_eq!(report.rejected_rows[0].line, bad_line);
    assert_eq!(all(&ctx).len(), 10_000);
}

#[test]
fn progress_is_reported_every_thousand_rows() {
    let (_dir, ctx) = open();
    let (csv, _) = generated(2_500, None);
    let mut seen = Vec::new();
    import::import(
        &ctx.db,
        &ctx.clock,
        csv.as_bytes(),
        &ImportOptions::default(),
        &mut |p: ImportProgress| seen.push((p.done, p.total)),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(
        seen,
        vec![(0, 2_500), (1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    );
}

#[test]
fn cancel_rolls_everything_back() {
    let (_dir, ctx) = open();
    with_one_member(&ctx);
    let before = dump(&ctx);
    let (csv, _) = generated(5_000, None);
    let cancel = AtomicBool::new(false);
    let err = import::import(
        &ctx.db,
        &ctx.clock,
        csv.as_bytes(),
        &ImportOptions::default(),
        &mut |p| {
            if p.done >= 1_000 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err:?}");
    assert_eq!(dump(&ctx), before);
}

#[test]
fn a_dry_run_counts_but_writes_nothing() {
    let (_dir, ctx) = open();
    with_one_member(&ctx);
    let before = dump(&ctx);
    let csv = "Name,Email,Tags\nAda,ADA@example.org,go\nGrace,grace@example.org,\n";
    let options = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let report = try_import(&ctx, csv.as_bytes(), &options).unwrap();
    assert_eq!(counts(&report), (1, 1, 0, 0));
    assert!(!report.committed);
    assert_eq!(dump(&ctx), before);
}

fn file_error(err: CoreError) -> (Option<u32>, String) {
    match err {
        CoreError::InvalidFile { line, message } => (line, message),
        other => panic!("expected an invalid file, got {other:?}"),
    }
}

#[test]
fn broken_files_are_refused_clearly_and_change_nothing() {
    let (_dir, ctx) = open();
    with_one_member(&ctx);
    let before = dump(&ctx);
    let mut garbage = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    garbage.extend((0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let cases: Vec<(&str, Vec<u8>, Option<u32>, &str)> = vec![
        ("binary", garbage, None, "not a text/CSV file"),
        (
            "UTF-8 mark, other bytes",
            b"\xEF\xBB\xBFname\nM\xFCller\n".to_vec(),
            Some(2),
            "not",
        ),
        (
            "UTF-16 mark, odd length",
            b"\xFF\xFEn\0a\0m\0e\0\n".to_vec(),
            None,
            "UTF-16",
        ),
        ("empty", Vec::new(), None, "empty"),
        ("blank", b"\n\r\n  \n".to_vec(), None, "empty"),
        ("header only", b"name,email\r\n".to_vec(), None, "no rows"),
        (
            "unclosed quote",
            b"name,notes\nAda,\"never closed\nGrace,x\n".to_vec(),
            Some(2),
            "never closed",
        ),
    ];
    for (what, bytes, line, words) in cases {
        let (found_line, message) = file_error(try_preview(&ctx, &bytes).unwrap_err());
        assert_eq!(found_line, line, "{what}: {message}");
        assert!(message.contains(words), "{what}: {message}");
        let err = try_import(&ctx, &bytes, &ImportOptions::default()).unwrap_err();
        assert_eq!(file_error(err).0, line, "{what}");
        assert_eq!(dump(&ctx), before, "{what}");
    }

    // No column holds names: the preview asks for a mapping, the import refuses.
    let no_names = b"Colour,Size\nred,L\n";
    assert!(preview(&ctx, no_names).needs_mapping);
    let (_, message) =
        file_error(try_import(&ctx, no_names, &ImportOptions::default()).unwrap_err());
    assert!(message.contains("names"), "{message}");
    assert_eq!(dump(&ctx), before);
}

#[test]
fn a_fifty_megabyte_line_is_refused_with_its_line_number() {
    let (_dir, ctx) = open();
    with_one_member(&ctx);
    let before = dump(&ctx);
    for quoted in [false, true] {
        let mut bytes = b"name,email\nGrace,grace@example.org\n".to_vec();
        if quoted {
            bytes.push(b'"');
        }
        bytes.resize(bytes.len() + 50 * 1024 * 1024, b'x');
        bytes.extend_from_slice(b"\nLinus,linus@example.org\n");
        let (line, message) = file_error(try_preview(&ctx, &bytes).unwrap_err());
        assert_eq!(line, Some(3), "{message}");
        assert!(message.contains("1 MiB"), "{message}");
        let err = try_import(&ctx, &bytes, &ImportOptions::default()).unwrap_err();
        assert_eq!(file_error(err).0, Some(3));
    }
    assert_eq!(dump(&ctx), before);
}

#[test]
fn nothing_in_a_report_grows_with_the_file() {
    let (_dir, ctx) = open();
    // 3,000 bad rows: all counted, the first 1,000 listed, each reason short although the
    // cell is 5,000 characters.
    let mut csv = String::from("name,email\n");
    let long = "z".repeat(5_000);
    for i in 0..3_000 {
        csv.push_str(&format!("Member {i},{long}{i}\n"));
    }
    let report = try_import(&ctx, csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(report.rejected, 3_000);
    assert_eq!(report.rejected_rows.len(), import::MAX_REJECTED_ROWS);
    assert_eq!(report.rejected_rows[0].line, 2);
    assert_eq!(report.rejected_rows[999].line, 1_001);
    for row in &report.rejected_rows {
        assert!(row.reason.chars().count() < 200, "{}", row.reason);
    }

    // A million columns is refused before a row is read.
    let wide = format!("name{}\nAda\n", ",".repeat(1_000_000));
    let (line, message) =
        file_error(try_import(&ctx, wide.as_bytes(), &ImportOptions::default()).unwrap_err());
    assert_eq!(line, Some(1));
    assert!(message.contains("1,000 columns"), "{message}");
    assert!(all(&ctx).is_empty());
}

#[test]
fn search_sees_what_an_import_adds_and_changes() {
    // The import bumps `member_version` once instead of by trigger per row; a search index
    // cached before the import must still be rebuilt after it, and after an update-only one.
    let (_dir, ctx) = open();
    with_one_member(&ctx);
    assert_eq!(all(&ctx).len(), 1);
    let (csv, _) = generated(50, None);
    try_import(&ctx, csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(all(&ctx).len(), 51);
    let csv = "Name,Email\nAda Lovelace,ada@example.org\n";
    let report = try_import(&ctx, csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(counts(&report), (0, 1, 0, 0));
    assert!(all(&ctx).iter().any(|m| m.name == "Ada Lovelace"));
}
