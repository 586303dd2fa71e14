//! Search as you type through the in-memory index: what it finds, in which order, page by page,
//! and that it never answers from a stale snapshot (`member_search_random` compares it with a
//! naive scan).
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::sync::Arc;

use guildhall_core::members::{self, MemberInput, MemberList, MemberQuery};
use guildhall_core::Clock;
use guildhall_core::Context;

fn open() -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    (dir, ctx)
}

fn add(ctx: &Context, name: &str, email: Option<&str>, tags: &[&str]) -> String {
    let input = MemberInput {
        name: name.into(),
        email: email.map(Into::into),
        tags: tags.iter().map(|t| (*t).into()).collect(),
        ..Default::default()
    };
    ctx.write(|tx| members::create(tx, &input, &ctx.clock))
        .unwrap()
        .id
}

fn query(text: &str) -> MemberQuery {
    MemberQuery {
        text: text.into(),
        ..Default::default()
    }
}

fn list(ctx: &Context, query: &MemberQuery) -> MemberList {
    ctx.read(|c| members::list(&ctx.search, c, query)).unwrap()
}

fn names(ctx: &Context, text: &str) -> Vec<String> {
    list(ctx, &query(text))
        .members
        .into_iter()
        .map(|m| m.name)
        .collect()
}

#[test]
fn results_come_in_name_order_whatever_the_order_of_writing() {
    let (_dir, ctx) = open();
    for name in [
        "Zoë Adams",
        "anna Berg",
        "Émile Durand",
        "Anna Able",
        "Bo Lind",
    ] {
        add(&ctx, name, None, &[]);
    }
    assert_eq!(
        names(&ctx, ""),
        [
            "Anna Able",
            "anna Berg",
            "Bo Lind",
            "Émile Durand",
            "Zoë Adams"
        ]
    );
    assert_eq!(names(&ctx, "ann"), ["Anna Able", "anna Berg"]);
}

#[test]
fn the_order_is_sqlites_name_then_id_for_equal_and_long_alike_names() {
    let (_dir, ctx) = open();
    for _ in 0..5 {
        for name in [
            "Bo Lind",
            "Alexandria Montgomery-Smith B",
            "Alexandria Montgomery-Smith",
            "Alexandria Montgomery-Smith A",
            "Alexandria Montgomery",
        ] {
            add(&ctx, name, None, &[]);
        }
    }
    let expected: Vec<String> = ctx
        .read(|c| {
            let mut stmt = c.prepare("SELECT id FROM member ORDER BY name_key, id")?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            Ok(ids.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let got: Vec<String> = list(&ctx, &query(""))
        .members
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn every_word_must_match_and_short_words_beside_long_ones_match_anywhere() {
    let (_dir, ctx) = open();
    add(
        &ctx,
        "Ada Lovelace",
        Some("ada@math.org"),
        &["math", "poetry"],
    );
    add(&ctx, "Ada Byron", Some("byron@poems.org"), &["poetry"]);
    add(
        &ctx,
        "Grace Hopper",
        Some("grace@navy.mil"),
        &["cobol", "math"],
    );
    assert_eq!(names(&ctx, "poetry math"), ["Ada Lovelace"]);
    assert_eq!(names(&ctx, "MATH ada"), ["Ada Lovelace"]);
    assert_eq!(names(&ctx, "math gr"), ["Grace Hopper"]);
    assert_eq!(names(&ctx, "poetry by"), ["Ada Byron"]);
    assert_eq!(
        names(&ctx, "ad by"),
        ["Ada Byron"],
        "first short word: name start"
    );
    assert!(names(&ctx, "by ad").is_empty(), "no name starts with by");
    assert!(names(&ctx, "math navy poetry").is_empty());
}

#[test]
fn words_in_other_scripts_count_characters_not_bytes() {
    let (_dir, ctx) = open();
    add(&ctx, "李明华", None, &["北京"]);
    add(&ctx, "Дмитрий Ильич", None, &[]);
    add(&ctx, "明华 Li", None, &[]);
    assert_eq!(names(&ctx, "李明华"), ["李明华"]);
    assert_eq!(
        names(&ctx, "明华"),
        ["明华 Li"],
        "two characters: a name start"
    );
    assert_eq!(names(&ctx, "北京"), Vec::<String>::new());
    assert_eq!(names(&ctx, "李明 北京"), ["李明华"]);
    assert_eq!(names(&ctx, "ИЛЬИ"), ["Дмитрий Ильич"]);
    assert!(names(&ctx, "华李明").is_empty());
}

#[test]
fn archived_members_are_left_out_unless_asked_for() {
    let (_dir, ctx) = open();
    let ids: Vec<String> = ["Ann One", "Ann Two", "Ann Three", "Bob Four"]
        .iter()
        .map(|n| add(&ctx, n, None, &[]))
        .collect();
    ctx.write(|tx| members::archive(tx, &ids[1], &ctx.clock))
        .unwrap();
    ctx.write(|tx| members::archive(tx, &ids[3], &ctx.clock))
        .unwrap();
    for text in ["", "an", "ann", "ann t"] {
        let active = list(&ctx, &query(text));
        let all = list(
            &ctx,
            &MemberQuery {
                include_archived: true,
                ..query(text)
            },
        );
        assert!(active.members.iter().all(|m| m.archived_at.is_none()));
        assert!(all.members.iter().any(|m| m.id == ids[1]), "{text:?}");
        assert_eq!(active.total + 1 + u32::from(text.is_empty()), all.total);
    }
    let counts = ctx.read(members::counts).unwrap();
    assert_eq!((counts.active, counts.archived), (2, 2));
}

#[test]
fn pages_cover_every_match_once_with_the_total_on_each() {
    let (_dir, ctx) = open();
    for i in 0..57 {
        add(&ctx, &format!("Member {i:02}"), None, &["paged"]);
        add(&ctx, &format!("Other {i:02}"), None, &[]);
    }
    for text in ["", "me", "paged", "member pag"] {
        let expected = list(
            &ctx,
            &MemberQuery {
                limit: Some(1000),
                ..query(text)
            },
        );
        let mut seen = Vec::new();
        for offset in (0..130).step_by(10) {
            let page = list(
                &ctx,
                &MemberQuery {
                    offset: Some(offset),
                    limit: Some(10),
                    ..query(text)
                },
            );
            assert_eq!(page.total, expected.total, "{text:?} at {offset}");
            assert!(page.members.len() <= 10);
            seen.extend(page.members);
        }
        assert_eq!(seen, expected.members, "{text:?}");
    }
    assert_eq!(list(&ctx, &query("paged")).total, 57);
    assert_eq!(list(&ctx, &query("")).members.len(), 114);
    let empty = list(
        &ctx,
        &MemberQuery {
            offset: Some(500),
            ..query("me")
        },
    );
    assert_eq!((empty.members.len(), empty.total), (0, 57));
}

#[test]
fn a_write_through_another_connection_is_seen_by_the_next_search() {
    let (dir, ctx) = open();
    add(&ctx, "Ada Lovelace", None, &[]);
    let before = ctx.read(|c| ctx.search.index_for(c)).unwrap();
    assert!(Arc::ptr_eq(
        &before,
        &ctx.read(|c| ctx.search.index_for(c)).unwrap()
    ));
    assert_eq!(names(&ctx, "lovelace"), ["Ada Lovelace"]);

    // Another Context on the same file (another window, a CLI): its own pool and cache.
    let other = Context::open_in(dir.path(), Clock::system()).unwrap();
    let grace = add(&other, "Grace Hopper", None, &[]);
    assert_eq!(names(&ctx, "hopper"), ["Grace Hopper"]);
    assert!(!Arc::ptr_eq(
        &before,
        &ctx.read(|c| ctx.search.index_for(c)).unwrap()
    ));

    // A plain SQLite connection, as a script would use.
    let raw = rusqlite::Connection::open(ctx.db.path()).unwrap();
    raw.execute(
        "UPDATE member SET name = 'Grace Brewster', name_key = 'grace brewster',
                search_text = 'grace brewster' WHERE id = ?1",
        [&grace],
    )
    .unwrap();
    assert!(names(&ctx, "hopper").is_empty());
    assert_eq!(names(&ctx, "brewster"), ["Grace Brewster"]);
    raw.execute("DELETE FROM member WHERE id = ?1", [&grace])
        .unwrap();
    assert!(names(&ctx, "grace").is_empty());
    assert_eq!(names(&ctx, ""), ["Ada Lovelace"]);

    // VACUUM writes no member but may renumber rowids: the index is rebuilt all the same.
    let before = ctx.read(|c| ctx.search.index_for(c)).unwrap();
    raw.execute_batch("VACUUM").unwrap();
    let after = ctx.read(|c| ctx.search.index_for(c)).unwrap();
    assert!(!Arc::ptr_eq(&before, &after));
    assert_eq!(before.version(), after.version());
    assert_eq!(names(&ctx, ""), ["Ada Lovelace"]);
}

#[test]
fn a_search_inside_a_write_sees_it_and_a_rollback_leaves_no_trace() {
    let (_dir, ctx) = open();
    add(&ctx, "Ada Lovelace", None, &[]);
    assert_eq!(names(&ctx, ""), ["Ada Lovelace"]);
    let inside: guildhall_core::Result<Vec<String>> = ctx.write(|tx| {
        members::create(
            tx,
            &MemberInput {
                name: "Rolled Back".into(),
                ..Default::default()
            },
            &ctx.clock,
        )?;
        let found = members::list(&ctx.search, tx, &query("rolled"))?;
        Err(guildhall_core::CoreError::NotFound {
            what: "test",
            id: found.members[0].name.clone(),
        })
    });
    assert!(inside.unwrap_err().to_string().contains("Rolled Back"));
    // The write rolled back: the counter is back where it was, and so must the answer be.
    assert!(names(&ctx, "rolled").is_empty());
    // A later write that brings the counter to the same number is still seen.
    add(&ctx, "Grace Hopper", None, &[]);
    assert_eq!(names(&ctx, ""), ["Ada Lovelace", "Grace Hopper"]);
}
