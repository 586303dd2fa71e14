//! Search over 100k members: the latency of `members::list` as the member list calls it while
//! someone types (version check, index look-up, loading the page), against a `LIKE '%q%'` scan of
//! the same rows in the same run. The index's one-off build after a write is timed apart. Prints
//! the ratios; asserts nothing (run it with `make bench`).

use std::time::{Duration, Instant};

use guildhall_core::members::{self, demo, MemberInput, MemberQuery, PracticeLevel, Role};
use guildhall_core::text::fold;
use guildhall_core::Clock;
use guildhall_core::Context;

const MEMBERS: usize = 100_000;
const PAGE: u32 = 100;

/// The demo community's names, plus a few that make common trigrams ("ann", "ing") busier.
fn first_names() -> Vec<&'static str> {
    let extra = [
        "Ann", "Anna", "Johann", "Marie", "Pierre", "Olga", "Ivan", "Chen", "Grace", "Ada",
    ];
    demo::FIRST_NAMES.iter().copied().chain(extra).collect()
}

fn last_names() -> Vec<&'static str> {
    let extra = ["Hopper", "Lovelace", "Turing", "Johnson"];
    demo::LAST_NAMES.iter().copied().chain(extra).collect()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn populate(ctx: &Context, rng: &mut Rng) -> Vec<String> {
    let (first, last) = (first_names(), last_names());
    let mut names = Vec::with_capacity(MEMBERS);
    ctx.write(|tx| {
        for i in 0..MEMBERS {
            let name = format!("{} {}", rng.pick(&first), rng.pick(&last));
            let local: String = fold(&name)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            members::create(
                tx,
                &MemberInput {
                    name: name.clone(),
                    email: Some(format!("{local}{i}@example.org")),
                    practice_level: Some(PracticeLevel::Practitioner),
                    roles: vec![Role::Member],
                    tags: vec![rng.pick(demo::TAGS).into(), rng.pick(demo::TAGS).into()],
                    ..Default::default()
                },
                &ctx.clock,
            )?;
            names.push(name);
        }
        Ok(())
    })
    .expect("populate");
    names
}

/// What a person types: growing prefixes of a first name, a last name, an email, a tag.
fn typed_queries(names: &[String], rng: &mut Rng) -> Vec<String> {
    let mut queries = Vec::new();
    for _ in 0..150 {
        let name = &names[(rng.next() % names.len() as u64) as usize];
        for word in name.split(' ') {
            let chars: Vec<char> = word.chars().collect();
            for len in 1..=chars.len().min(6) {
                queries.push(chars[..len].iter().collect());
            }
        }
        queries.push(format!("{} {}", &fold(name)[..3], rng.pick(demo::TAGS)));
    }
    queries.push("example.org".into());
    queries.push("0123@".into());
    queries
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(label: &str, mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let (p50, p99) = (percentile(&times, 0.50), percentile(&times, 0.99));
    println!(
        "  {label:<34} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    (p50, p99)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = Context::open_in(dir.path(), Clock::system()).expect("open");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let started = Instant::now();
    let names = populate(&ctx, &mut rng);
    println!(
        "search bench: {MEMBERS} members created in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let queries = typed_queries(&names, &mut rng);
    let conn = ctx.db.connection().expect("connection");
    if let Some(keep) = std::env::var_os("GUILDHALL_BENCH_KEEP") {
        // For looking at query plans by hand: a copy of the populated database.
        let keep = keep.to_string_lossy().replace('\'', "''");
        conn.execute_batch(&format!("VACUUM INTO '{keep}'"))
            .expect("keep");
    }

    // The build a first search after a write pays, timed apart (median of a few).
    let mut builds = Vec::new();
    for _ in 0..5 {
        // Bump the version without changing anything, so that the next look-up rebuilds.
        conn.execute_batch("UPDATE member SET notes = notes WHERE rowid = 1")
            .expect("bump");
        let t = Instant::now();
        let index = ctx.search.index_for(&conn).expect("index");
        builds.push(t.elapsed());
        assert_eq!(index.len(), MEMBERS);
    }
    builds.sort();
    println!(
        "  index build (once per write)       median {:>8.1} ms   max {:>8.1} ms",
        builds[builds.len() / 2].as_secs_f64() * 1e3,
        builds[builds.len() - 1].as_secs_f64() * 1e3
    );

    // Warm both paths once (page cache, prepared statements).
    for q in queries.iter().take(20) {
        let query = MemberQuery {
            text: q.clone(),
            limit: Some(PAGE),
            ..Default::default()
        };
        members::list(&ctx.search, &conn, &query).expect("list");
    }

    let mut ours = Vec::with_capacity(queries.len());
    let mut matches = 0u64;
    for q in &queries {
        let query = MemberQuery {
            text: q.clone(),
            limit: Some(PAGE),
            ..Default::default()
        };
        let t = Instant::now();
        let page = members::list(&ctx.search, &conn, &query).expect("list");
        ours.push(t.elapsed());
        matches += u64::from(page.total);
    }
    let mut slowest: Vec<(Duration, &String)> = ours.iter().copied().zip(&queries).collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let slowest: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(t, q)| format!("{q:?} {:.2} ms", t.as_secs_f64() * 1e3))
        .collect();

    // Baseline: the same page and count from a LIKE scan over the same folded text.
    let mut like = Vec::with_capacity(queries.len());
    let mut like_matches = 0u64;
    let mut page_stmt = conn
        .prepare(
            "SELECT id, name FROM member WHERE archived_at IS NULL AND search_text LIKE ?1
             ORDER BY name_key, id LIMIT 100",
        )
        .expect("prepare");
    let mut count_stmt = conn
        .prepare("SELECT count(*) FROM member WHERE archived_at IS NULL AND search_text LIKE ?1")
        .expect("prepare");
    for q in &queries {
        let pattern = format!("%{}%", fold(q));
        let t = Instant::now();
        let rows = page_stmt
            .query_map([&pattern], |r| r.get::<_, String>(0))
            .expect("query")
            .count();
        let n: i64 = count_stmt
            .query_row([&pattern], |r| r.get(0))
            .expect("count");
        let n = n as u64;
        like.push(t.elapsed());
        assert!(rows as u64 <= n);
        like_matches += n;
    }

    println!(
        "  {} typed queries, {} matches in all (LIKE: {})",
        queries.len(),
        matches,
        like_matches
    );
    let (_, ours_p99) = report("guildhall search (index)", ours.clone());
    println!("  slowest: {}", slowest.join(", "));
    let (_, like_p99) = report("LIKE '%q%' scan (baseline)", like.clone());
    let mean = |t: &[Duration]| t.iter().sum::<Duration>().as_secs_f64() / t.len() as f64;
    println!(
        "  p99 {:.3} ms (target < 2 ms: {}); speed-up over the scan: p99 {:.1}x, mean {:.1}x (target >= 10x)",
        ours_p99.as_secs_f64() * 1e3,
        if ours_p99 < Duration::from_millis(2) { "met" } else { "NOT met" },
        like_p99.as_secs_f64() / ours_p99.as_secs_f64(),
        mean(&like) / mean(&ours),
    );
}
