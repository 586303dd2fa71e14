//! Erasure: deleting a member counts one anonymous erasure and leaves nothing personal in the
//! SQLite file, not in free pages and not in the search index.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{add, open, sql};
use guildhall_core::members::{self, MemberInput, MemberSource};

#[test]
fn deleting_counts_one_erasure_per_month_and_source() {
    let (_dir, ctx) = open();
    let a = add(
        &ctx,
        MemberInput {
            name: "Ada".into(),
            ..Default::default()
        },
    );
    let b = add(
        &ctx,
        MemberInput {
            name: "Bea".into(),
            ..Default::default()
        },
    );
    let c = add(
        &ctx,
        MemberInput {
            name: "Cy".into(),
            ..Default::default()
        },
    );
    sql(
        &ctx,
        "UPDATE member SET source = 'meetup' WHERE id = ?1",
        &c.id,
    );
    for id in [&a.id, &b.id, &c.id] {
        ctx.write(|tx| members::delete(tx, id, &ctx.clock)).unwrap();
    }
    // A failed delete counts nothing.
    assert!(ctx
        .write(|tx| members::delete(tx, &a.id, &ctx.clock))
        .is_err());
    let month = jiff::Zoned::now().strftime("%Y-%m").to_string();
    let counts: Vec<(String, MemberSource, u32)> = ctx
        .read(members::erasure_counts)
        .unwrap()
        .into_iter()
        .map(|e| (e.month, e.source, e.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            (month.clone(), MemberSource::Manual, 2),
            (month, MemberSource::Meetup, 1)
        ]
    );
}

#[test]
fn an_erased_member_leaves_no_trace_in_the_file() {
    let (dir, ctx) = open();
    let secret = add(
        &ctx,
        MemberInput {
            name: "Quetzalcoatl Xylophonist".into(),
            email: Some("quetzal.xylo@example.org".into()),
            phone: Some("+44 7700 900777".into()),
            tags: vec!["zanzibarian".into()],
            notes: "Secretnotes about Quetzalcoatl".into(),
            ..Default::default()
        },
    );
    // Neighbours after it, so its row shares pages with others.
    for i in 0..50 {
        add(
            &ctx,
            MemberInput {
                name: format!("Neighbour {i}"),
                ..Default::default()
            },
        );
    }
    ctx.write(|tx| members::delete(tx, &secret.id, &ctx.clock))
        .unwrap();
    let query = members::MemberQuery {
        text: "quetzal".into(),
        include_archived: true,
        ..Default::default()
    };
    let found = ctx.read(|c| members::list(&ctx.search, c, &query)).unwrap();
    assert_eq!(found.total, 0);
    drop(ctx); // the last connection checkpoints the WAL into the file and removes it
    let path = dir.path().join(guildhall_core::db::DB_FILE_NAME);
    assert!(!path.with_extension("sqlite3-wal").exists());
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    // Whole values from the row, and fragments of them.
    let traces = [
        "Quetzalcoatl",
        "Xylophonist",
        "quetzal",
        "900777",
        "zanzibar",
        "Secretnotes",
        &secret.check_in_code,
        "xyl",
        "ylo",
        "zib",
    ];
    for trace in traces {
        assert!(!text.contains(trace), "{trace} is still in the file");
    }
}

#[test]
fn while_the_app_runs_no_copy_of_erased_members_stays_in_any_of_its_files() {
    let (dir, ctx) = open();
    let mut erased = Vec::new();
    for i in 0..50 {
        erased.push(add(
            &ctx,
            MemberInput {
                name: format!("Zyxwvut Erased{i:02}"),
                email: Some(format!("zyxwvut{i:02}@example.org")),
                notes: format!("Qwertzuiop note {i}"),
                ..Default::default()
            },
        ));
        // Each change writes new copies of the same pages into the -wal.
        sql(
            &ctx,
            "UPDATE member SET notes = notes || ' more' WHERE id = ?1",
            &erased[i].id,
        );
    }
    for i in 0..20 {
        add(
            &ctx,
            MemberInput {
                name: format!("Stays {i}"),
                ..Default::default()
            },
        );
    }
    // Another connection stays open, as the app's pool and change feed do.
    let reader = ctx.db.connection().unwrap();
    for member in &erased {
        ctx.write_erasing(|tx| members::delete(tx, &member.id, &ctx.clock))
            .unwrap();
    }
    let path = dir.path().join(guildhall_core::db::DB_FILE_NAME);
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for trace in ["Zyxwvut", "zyxwvut", "Erased", "Qwertzuiop"] {
            assert!(
                !text.contains(trace),
                "{trace} is still in {} while the database is open",
                file.display()
            );
        }
    }
    let stays: i64 = reader
        .query_row("SELECT count(*) FROM member", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stays, 20);
}
