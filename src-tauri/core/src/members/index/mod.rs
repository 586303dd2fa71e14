//! The member search index, kept in memory: search as you type must answer in about a
//! millisecond over 100k members, counting every match, which neither a `LIKE` scan nor an FTS
//! table joined back to the member rows can do.
//!
//! Built in one pass over `member` in list order (`name_key, id`), so an entry's position is its
//! place in the list: a posting list of positions is already sorted by name, and a page of results
//! is a slice of positions mapped to rowids. Each entry keeps its folded `search_text` (name,
//! email, tags) in one shared buffer; every byte trigram of that text points to the sorted
//! positions that contain it.
//!
//! What a query means (the same as before the index existed):
//! - the query is folded (`text::fold`) and split on whitespace; every word must match;
//! - a word of three or more characters matches anywhere in the text ("mull" finds "Müller");
//! - a query made only of one- and two-letter words matches names that *start* with the first
//!   one (a contiguous range of positions, as in a phone's contact list), and the others
//!   anywhere in the text; next to a long word, a short word matches anywhere in the text;
//! - archived members are left out unless asked for.
//!
//! The index is a snapshot: it records the members' change counter it was built at (and the schema
//! cookie, see [`Stamp`]), and the cache in `search` rebuilds it when either has moved.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use memchr::memmem::Finder;
use rusqlite::Connection;

mod build;

use crate::error::Result;
use crate::text::fold;

/// One page of matches: the rowids of the page in list order, and how many match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hits {
    pub rowids: Vec<i64>,
    pub total: u32,
}

/// A snapshot of every member's folded search text, in list order; see the module docs.
pub struct SearchIndex {
    stamp: Stamp,
    rowids: Vec<i64>,
    archived: Vec<bool>,
    /// `active_before[p]`: how many entries before position `p` are not archived (n + 1 values),
    /// so that a range's active count and its page among `active` are found without a scan.
    active_before: Vec<u32>,
    /// The positions of the entries that are not archived, in order.
    active: Vec<u32>,
    /// Every `name_key`, in order.
    names: Column,
    /// Every `search_text` (folded name, email and tags), in order.
    texts: Column,
    /// Byte trigram → the positions whose text contains it, ascending, each once.
    postings: TrigramMap,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("stamp", &self.stamp)
            .field("members", &self.rowids.len())
            .field("trigrams", &self.postings.len())
            .finish_non_exhaustive()
    }
}

/// What an index was built from: the members' change counter, which every write to `member`
/// moves (migration 0004), and SQLite's schema cookie, which VACUUM and table rebuilds move (they
/// may renumber rowids without writing a member).
pub(crate) type Stamp = (i64, i64);

/// The stamp of what `conn` sees now: one row of a tiny table and a header field.
pub(crate) fn current_stamp(conn: &Connection) -> Result<Stamp> {
    Ok(conn
        .prepare_cached(
            "SELECT version, (SELECT schema_version FROM pragma_schema_version)
             FROM change_counter WHERE domain = 'members'",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

type TrigramMap = HashMap<u32, Vec<u32>, BuildHasherDefault<TrigramHasher>>;

fn trigram(b: &[u8]) -> u32 {
    u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2])
}

impl SearchIndex {
    /// The members' change counter this index was built at.
    pub fn version(&self) -> i64 {
        self.stamp.0
    }

    pub(crate) fn stamp(&self) -> Stamp {
        self.stamp
    }

    /// How many members the index holds, archived ones included.
    pub fn len(&self) -> usize {
        self.rowids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rowids.is_empty()
    }

    /// The positions whose name starts with `prefix`: contiguous, as names are sorted.
    fn name_prefix_range(&self, prefix: &str) -> Range<usize> {
        let n = self.len();
        let prefix = prefix.as_bytes();
        let start = partition_point(0..n, |p| self.names.get(p) < prefix);
        let end = partition_point(start..n, |p| self.names.get(p).starts_with(prefix));
        start..end
    }

    /// The members matching `text` (see the module docs), as the page
    /// `offset..offset + limit` of them in list order, with the total.
    pub fn search(&self, text: &str, include_archived: bool, offset: usize, limit: usize) -> Hits {
        let folded = fold(text);
        let (long, short): (Vec<&str>, Vec<&str>) = folded
            .split_whitespace()
            .partition(|w| w.chars().count() >= 3);
        let page = offset..offset.saturating_add(limit);
        if long.is_empty() {
            let range = match short.first() {
                Some(first) => self.name_prefix_range(first),
                None => 0..self.len(),
            };
            let rest = short.get(1..).unwrap_or_default();
            if rest.is_empty() {
                return self.page_of_range(range, include_archived, page);
            }
            let finders: Vec<Finder<'_>> = rest.iter().map(Finder::new).collect();
            return self.collect(range.map(|p| p as u32), &finders, include_archived, page);
        }

        // The rarest trigram of the long words gives the fewest candidates; every word is then
        // checked whole, except a word that is that very trigram (its list is exact).
        let mut rarest: Option<(&[u32], &str)> = None;
        for word in &long {
            for g in word.as_bytes().windows(3).map(trigram) {
                let Some(list) = self.postings.get(&g) else {
                    return Hits::default();
                };
                if rarest.is_none_or(|(best, _)| list.len() < best.len()) {
                    rarest = Some((list, word));
                }
            }
        }
        let Some((candidates, exact)) = rarest else {
            return Hits::default();
        };
        let words: Vec<&str> = long.iter().chain(&short).copied().collect();
        let finders: Vec<Finder<'_>> = words
            .iter()
            .enumerate()
            .filter(|&(i, w)| !(implied(&words, i) || *w == exact && w.len() == 3))
            .map(|(_, w)| Finder::new(w))
            .collect();
        self.collect(candidates.iter().copied(), &finders, include_archived, page)
    }

    /// A range of positions without further checks: counted and paged in constant time.
    fn page_of_range(
        &self,
        range: Range<usize>,
        include_archived: bool,
        page: Range<usize>,
    ) -> Hits {
        if include_archived {
            let len = range.len();
            let page = range.start + page.start.min(len)..range.start + page.end.min(len);
            return Hits {
                rowids: self.rowids[page].to_vec(),
                total: len as u32,
            };
        }
        let active = &self.active
            [self.active_before[range.start] as usize..self.active_before[range.end] as usize];
        let len = active.len();
        Hits {
            rowids: active[page.start.min(len)..page.end.min(len)]
                .iter()
                .map(|&p| self.rowids[p as usize])
                .collect(),
            total: len as u32,
        }
    }

    /// The candidates (ascending positions) whose text holds every word of `finders`.
    fn collect(
        &self,
        candidates: impl Iterator<Item = u32>,
        finders: &[Finder<'_>],
        include_archived: bool,
        page: Range<usize>,
    ) -> Hits {
        let mut hits = Hits::default();
        let mut total = 0usize;
        for p in candidates {
            let p = p as usize;
            if !include_archived && self.archived[p] {
                continue;
            }
            let text = self.texts.get(p);
            if finders.iter().all(|f| f.find(text).is_some()) {
                if page.contains(&total) {
                    hits.rowids.push(self.rowids[p]);
                }
                total += 1;
            }
        }
        hits.total = total as u32;
        hits
    }
}

/// Whether `words[i]` needs no check of its own: it lies inside a longer word of the query, or
/// an earlier word is the same ("ing writing" is checked as "writing").
fn implied(words: &[&str], i: usize) -> bool {
    let word = words[i];
    words
        .iter()
        .enumerate()
        .any(|(j, other)| j != i && other.contains(word) && (other.len() > word.len() || j < i))
}

/// Strings end to end in one buffer: one allocation for all members instead of one each.
struct Column {
    bytes: Vec<u8>,
    /// Where each string starts, and one more: the end of the last.
    start: Vec<usize>,
}

impl Column {
    fn with_capacity(strings: usize, bytes: usize) -> Column {
        let mut start = Vec::with_capacity(strings + 1);
        start.push(0);
        Column {
            bytes: Vec::with_capacity(bytes),
            start,
        }
    }

    fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.start.push(self.bytes.len());
    }

    fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.start[i]..self.start[i + 1]]
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }
}

/// The first index in `range` for which `pred` is false, `pred` being true then false over it.
fn partition_point(range: Range<usize>, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (range.start, range.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Trigrams are three bytes in a `u32`: one multiply spreads them over the table (the default
/// SipHash would cost more than the rest of a look-up).
#[derive(Default)]
struct TrigramHasher(u64);

impl Hasher for TrigramHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        let h = (self.0 ^ u64::from(n)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The table indexes by the low bits: fold the well-mixed high bits into them.
        self.0 = h ^ (h >> 32);
    }
}
