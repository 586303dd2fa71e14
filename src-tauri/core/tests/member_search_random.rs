//! The search index against a naive reference on generated members: for each random query the
//! page and the total must be exactly what folding every row and looking for each word gives.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use guildhall_core::members::{self, MemberInput, MemberQuery};
use guildhall_core::text::fold;
use guildhall_core::Clock;
use guildhall_core::Context;

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
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    let mut rng = Rng(0x0dd_5eed_2024);
    ctx.write(|tx| {
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
                &ctx.clock,
            )?
            .id;
            if rng.below(7) == 0 {
                members::archive(tx, &id, &ctx.clock)?;
            }
        }
        Ok(())
    })
    .unwrap();
    let rows: Vec<(String, String, String, bool)> = ctx
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
        let got = ctx.read(|c| members::list(&ctx.search, c, &q)).unwrap();
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
