//! Search as you type through the in-memory index: what it finds, in which order, page by page,
//! and that it never answers from a stale snapshot. The last test compares it with a naive
//! reference (fold, then contains) on generated members.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::sync::Arc;

use guildhall_core::members::{self, MemberInput, MemberList, MemberQuery};
use guildhall_core::text::fold;
use guildhall_core::Database;

fn open() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_in(dir.path()).unwrap();
    (dir, db)
}

fn add(db: &Database, name: &str, email: Option<&str>, tags: &[&str]) -> String {
    let input = MemberInput {
        name: name.into(),
        email: email.map(Into::into),
        tags: tags.iter().map(|t| (*t).into()).collect(),
        ..Default::default()
    };
    db.write(|tx| members::create(tx, &input)).unwrap().id
}

fn query(text: &str) -> MemberQuery {
    MemberQuery {
        text: text.into(),
        ..Default::default()
    }
}

fn list(db: &Database, query: &MemberQuery) -> MemberList {
    db.read(|c| members::list(db, c, query)).unwrap()
}

fn names(db: &Database, text: &str) -> Vec<String> {
    list(db, &query(text))
        .members
        .into_iter()
        .map(|m| m.name)
        .collect()
}

#[test]
fn results_come_in_name_order_whatever_the_order_of_writing() {
    let (_dir, db) = open();
    for name in [
        "Zoë Adams",
        "anna Berg",
        "Émile Durand",
        "Anna Able",
        "Bo Lind",
    ] {
        add(&db, name, None, &[]);
    }
    assert_eq!(
        names(&db, ""),
        [
            "Anna Able",
            "anna Berg",
            "Bo Lind",
            "Émile Durand",
            "Zoë Adams"
        ]
    );
    assert_eq!(names(&db, "ann"), ["Anna Able", "anna Berg"]);
}

#[test]
fn the_order_is_sqlites_name_then_id_for_equal_and_long_alike_names() {
    let (_dir, db) = open();
    for _ in 0..5 {
        for name in [
            "Bo Lind",
            "Alexandria Montgomery-Smith B",
            "Alexandria Montgomery-Smith",
            "Alexandria Montgomery-Smith A",
            "Alexandria Montgomery",
        ] {
            add(&db, name, None, &[]);
        }
    }
    let expected: Vec<String> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT id FROM member ORDER BY name_key, id")?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            Ok(ids.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let got: Vec<String> = list(&db, &query(""))
        .members
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn every_word_must_match_and_short_words_beside_long_ones_match_anywhere() {
    let (_dir, db) = open();
    add(
        &db,
        "Ada Lovelace",
        Some("ada@math.org"),
        &["math", "poetry"],
    );
    add(&db, "Ada Byron", Some("byron@poems.org"), &["poetry"]);
    add(
        &db,
        "Grace Hopper",
        Some("grace@navy.mil"),
        &["cobol", "math"],
    );
    assert_eq!(names(&db, "poetry math"), ["Ada Lovelace"]);
    assert_eq!(names(&db, "MATH ada"), ["Ada Lovelace"]);
    assert_eq!(names(&db, "math gr"), ["Grace Hopper"]);
    assert_eq!(names(&db, "poetry by"), ["Ada Byron"]);
    assert_eq!(
        names(&db, "ad by"),
        ["Ada Byron"],
        "first short word: name start"
    );
    assert!(names(&db, "by ad").is_empty(), "no name starts with by");
    assert!(names(&db, "math navy poetry").is_empty());
}

#[test]
fn words_in_other_scripts_count_characters_not_bytes() {
    let (_dir, db) = open();
    add(&db, "李明华", None, &["北京"]);
    add(&db, "Дмитрий Ильич", None, &[]);
    add(&db, "明华 Li", None, &[]);
    assert_eq!(names(&db, "李明华"), ["李明华"]);
    assert_eq!(
        names(&db, "明华"),
        ["明华 Li"],
        "two characters: a name start"
    );
    assert_eq!(names(&db, "北京"), Vec::<String>::new());
    assert_eq!(names(&db, "李明 北京"), ["李明华"]);
    assert_eq!(names(&db, "ИЛЬИ"), ["Дмитрий Ильич"]);
    assert!(names(&db, "华李明").is_empty());
}

#[test]
fn archived_members_are_left_out_unless_asked_for() {
    let (_dir, db) = open();
    let ids: Vec<String> = ["Ann One", "Ann Two", "Ann Three", "Bob Four"]
        .iter()
        .map(|n| add(&db, n, None, &[]))
        .collect();
    db.write(|tx| members::archive(tx, &ids[1])).unwrap();
    db.write(|tx| members::archive(tx, &ids[3])).unwrap();
    for text in ["", "an", "ann", "ann t"] {
        let active = list(&db, &query(text));
        let all = list(
            &db,
            &MemberQuery {
                include_archived: true,
                ..query(text)
            },
        );
        assert!(active.members.iter().all(|m| m.archived_at.is_none()));
        assert!(all.members.iter().any(|m| m.id == ids[1]), "{text:?}");
        assert_eq!(active.total + 1 + u32::from(text.is_empty()), all.total);
    }
    let counts = db.read(members::counts).unwrap();
    assert_eq!((counts.active, counts.archived), (2, 2));
}

#[test]
fn pages_cover_every_match_once_with_the_total_on_each() {
    let (_dir, db) = open();
    for i in 0..57 {
        add(&db, &format!("Member {i:02}"), None, &["paged"]);
        add(&db, &format!("Other {i:02}"), None, &[]);
    }
    for text in ["", "me", "paged", "member pag"] {
        let expected = list(
            &db,
            &MemberQuery {
                limit: Some(1000),
                ..query(text)
            },
        );
        let mut seen = Vec::new();
        for offset in (0..130).step_by(10) {
            let page = list(
                &db,
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
    assert_eq!(list(&db, &query("paged")).total, 57);
    assert_eq!(list(&db, &query("")).members.len(), 114);
    let empty = list(
        &db,
        &MemberQuery {
            offset: Some(500),
            ..query("me")
        },
    );
    assert_eq!((empty.members.len(), empty.total), (0, 57));
}

#[test]
fn a_write_through_another_connection_is_seen_by_the_next_search() {
    let (dir, db) = open();
    add(&db, "Ada Lovelace", None, &[]);
    let before = db.read(|c| db.member_index(c)).unwrap();
    assert!(Arc::ptr_eq(
        &before,
        &db.read(|c| db.member_index(c)).unwrap()
    ));
    assert_eq!(names(&db, "lovelace"), ["Ada Lovelace"]);

    // Another Database on the same file (another window, a CLI): its own pool and cache.
    let other = Database::open_in(dir.path()).unwrap();
    let grace = add(&other, "Grace Hopper", None, &[]);
    assert_eq!(names(&db, "hopper"), ["Grace Hopper"]);
    assert!(!Arc::ptr_eq(
        &before,
        &db.read(|c| db.member_index(c)).unwrap()
    ));

    // A plain SQLite connection, as a script would use.
    let raw = rusqlite::Connection::open(db.path()).unwrap();
    raw.execute(
        "UPDATE member SET name = 'Grace Brewster', name_key = 'grace brewster',
                search_text = 'grace brewster' WHERE id = ?1",
        [&grace],
    )
    .unwrap();
    assert!(names(&db, "hopper").is_empty());
    assert_eq!(names(&db, "brewster"), ["Grace Brewster"]);
    raw.execute("DELETE FROM member WHERE id = ?1", [&grace])
        .unwrap();
    assert!(names(&db, "grace").is_empty());
    assert_eq!(names(&db, ""), ["Ada Lovelace"]);
}

#[test]
fn a_search_inside_a_write_sees_it_and_a_rollback_leaves_no_trace() {
    let (_dir, db) = open();
    add(&db, "Ada Lovelace", None, &[]);
    assert_eq!(names(&db, ""), ["Ada Lovelace"]);
    let inside: guildhall_core::Result<Vec<String>> = db.write(|tx| {
        members::create(
            tx,
            &MemberInput {
                name: "Rolled Back".into(),
                ..Default::default()
            },
        )?;
        let found = members::list(&db, tx, &query("rolled"))?;
        Err(guildhall_core::CoreError::NotFound {
            what: "test",
            id: found.members[0].name.clone(),
        })
    });
    assert!(inside.unwrap_err().to_string().contains("Rolled Back"));
    // The write rolled back: the counter is back where it was, and so must the answer be.
    assert!(names(&db, "rolled").is_empty());
    // A later write that brings the counter to the same number is still seen.
    add(&db, "Grace Hopper", None, &[]);
    assert_eq!(names(&db, ""), ["Ada Lovelace", "Grace Hopper"]);
}

/// A small xorshift generator: the same members and queries on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "an", "na", "zo", "ë", "mül", "ler", "jo", "sé", "ø", "ren", "ka", "ßa", "li", "ng", "ca",
    "mi", "o'", "br", "ien", "ng", "uy", "ễn", "ad", "a", "%", "_", "x",
];
const TAGS: &[&str] = &["rust", "data science", "café", "design", "100%", "a_b"];

fn word(rng: &mut Rng) -> String {
    let mut w: String = (0..1 + rng.below(3)).map(|_| rng.pick(SYLLABLES)).collect();
    if rng.below(4) == 0 {
        w = w.to_uppercase();
    }
    w
}

/// The rule, spelled out over every row: the reference the index must agree with.
fn reference(rows: &[(String, String, String, bool)], query: &MemberQuery) -> (Vec<String>, u32) {
    let folded = fold(&query.text);
    let (long, short): (Vec<&str>, Vec<&str>) = folded
        .split_whitespace()
        .partition(|w| w.chars().count() >= 3);
    let matching: Vec<&String> = rows
        .iter()
        .filter(|(_, name_key, text, archived)| {
            (query.include_archived || !archived)
                && match (long.is_empty(), short.split_first()) {
                    (true, Some((first, rest))) => {
                        name_key.starts_with(first) && rest.iter().all(|w| text.contains(w))
                    }
                    _ => long.iter().chain(&short).all(|w| text.contains(w)),
                }
        })
        .map(|(id, ..)| id)
        .collect();
    let offset = query.offset.unwrap_or(0) as usize;
    let limit = query.limit.unwrap_or(200) as usize;
    let page = matching.iter().skip(offset).take(limit);
    (
        page.map(|id| (*id).clone()).collect(),
        matching.len() as u32,
    )
}

#[test]
fn the_index_agrees_with_a_naive_scan_on_random_members_and_queries() {
    let (_dir, db) = open();
    let mut rng = Rng(0x0dd_5eed_2024);
    db.write(|tx| {
        for i in 0..2_000 {
            let name = format!("{} {}", word(&mut rng), word(&mut rng));
            let tags = (0..rng.below(3))
                .map(|_| rng.pick(TAGS).to_owned())
                .collect();
            let email = (rng.below(3) > 0).then(|| format!("m{i}.{}@example.org", rng.below(97)));
            let id = members::create(
                tx,
                &MemberInput {
                    name,
                    email,
                    tags,
                    ..Default::default()
                },
            )?
            .id;
            if rng.below(7) == 0 {
                members::archive(tx, &id)?;
            }
        }
        Ok(())
    })
    .unwrap();
    let rows: Vec<(String, String, String, bool)> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, name_key, search_text, archived_at IS NOT NULL FROM member
                 ORDER BY name_key, id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();

    let mut matched = 0;
    for _ in 0..400 {
        let text = match rng.below(5) {
            // A piece of a real member's text, as someone would type it.
            0 | 1 => {
                let (_, _, text, _) = &rows[rng.below(rows.len())];
                let chars: Vec<char> = text.chars().collect();
                let start = rng.below(chars.len());
                let len = 1 + rng.below(6);
                chars[start..(start + len).min(chars.len())]
                    .iter()
                    .collect()
            }
            2 => word(&mut rng),
            3 => format!("{} {}", word(&mut rng), rng.pick(TAGS)),
            _ => format!("{} {}", rng.pick(SYLLABLES), rng.pick(SYLLABLES)),
        };
        let q = MemberQuery {
            text,
            include_archived: rng.below(3) == 0,
            offset: (rng.below(3) == 0).then(|| rng.below(50) as u32),
            limit: Some(1 + rng.below(80) as u32),
        };
        let got = list(&db, &q);
        let (ids, total) = reference(&rows, &q);
        let got_ids: Vec<String> = got.members.into_iter().map(|m| m.id).collect();
        assert_eq!((got_ids, got.total), (ids, total), "{q:?}");
        matched += usize::from(total > 0);
    }
    assert!(
        matched > 100,
        "the queries should mostly find someone ({matched})"
    );
}
