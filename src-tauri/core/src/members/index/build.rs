//! Building a [`SearchIndex`]: one sequential scan of `member`, put into list order in memory,
//! then the posting lists in one pass over the texts.
//!
//! Reading in list order straight from SQLite (`ORDER BY name_key, id`) walks the name index and
//! visits every row out of order, then sorts ties by id: several times slower than a scan in
//! storage order and a sort of 100k keys here. The order is the same: both compare `name_key`
//! then `id` byte by byte (SQLite's BINARY collation).

use rusqlite::Connection;

use super::{current_stamp, trigram, Column, SearchIndex, TrigramMap};
use crate::error::Result;

/// Members as stored, in rowid order.
struct Rows {
    rowids: Vec<i64>,
    archived: Vec<bool>,
    ids: Column,
    names: Column,
    texts: Column,
}

impl Rows {
    fn read(conn: &Connection) -> Result<Rows> {
        let count: i64 = conn.query_row("SELECT count(*) FROM member", [], |r| r.get(0))?;
        let n = usize::try_from(count).unwrap_or_default();
        // Room for typical rows; a bigger one only grows the buffer.
        let mut rows = Rows {
            rowids: Vec::with_capacity(n),
            archived: Vec::with_capacity(n),
            ids: Column::with_capacity(n, n * 20),
            names: Column::with_capacity(n, n * 16),
            texts: Column::with_capacity(n, n * 64),
        };
        let mut stmt = conn.prepare(
            "SELECT rowid, id, name_key, search_text, archived_at IS NOT NULL FROM member",
        )?;
        let mut query = stmt.query([])?;
        while let Some(row) = query.next()? {
            let text = |i| -> rusqlite::Result<&[u8]> { Ok(row.get_ref(i)?.as_bytes()?) };
            rows.rowids.push(row.get(0)?);
            rows.ids.push(text(1)?);
            rows.names.push(text(2)?);
            rows.texts.push(text(3)?);
            rows.archived.push(row.get(4)?);
        }
        Ok(rows)
    }

    /// Row numbers in list order: by `name_key`, then `id`. Sorted first by the first sixteen
    /// bytes of the name as one number, which settles most comparisons; rows that tie there (the
    /// same name twice, long names alike at the start) are then ordered in full among themselves.
    fn list_order(&self) -> Vec<usize> {
        let mut order: Vec<(u128, usize)> = (0..self.rowids.len())
            .map(|row| {
                let mut head = [0u8; 16];
                let name = self.names.get(row);
                let len = name.len().min(16);
                head[..len].copy_from_slice(&name[..len]);
                (u128::from_be_bytes(head), row)
            })
            .collect();
        order.sort_unstable_by_key(|&(head, _)| head);
        for ties in order.chunk_by_mut(|a, b| a.0 == b.0) {
            ties.sort_unstable_by(|&(_, a), &(_, b)| {
                self.names
                    .get(a)
                    .cmp(self.names.get(b))
                    .then_with(|| self.ids.get(a).cmp(self.ids.get(b)))
            });
        }
        order.into_iter().map(|(_, row)| row).collect()
    }
}

impl SearchIndex {
    /// Reads every member. The caller runs this inside one read transaction, so that the
    /// stamp and the rows come from the same snapshot.
    pub(crate) fn build(conn: &Connection) -> Result<SearchIndex> {
        let stamp = current_stamp(conn)?;
        let rows = Rows::read(conn)?;
        let n = rows.rowids.len();
        let mut index = SearchIndex {
            stamp,
            rowids: Vec::with_capacity(n),
            archived: Vec::with_capacity(n),
            active_before: Vec::with_capacity(n + 1),
            active: Vec::with_capacity(n),
            names: Column::with_capacity(n, rows.names.bytes.len()),
            texts: Column::with_capacity(n, rows.texts.bytes.len()),
            postings: TrigramMap::default(),
        };
        index.active_before.push(0);
        let order = rows.list_order();
        for (position, row) in order.into_iter().enumerate() {
            index.rowids.push(rows.rowids[row]);
            index.archived.push(rows.archived[row]);
            if !rows.archived[row] {
                index.active.push(position as u32);
            }
            index.active_before.push(index.active.len() as u32);
            index.names.push(rows.names.get(row));
            index.texts.push(rows.texts.get(row));
        }
        index.postings = postings(&index.texts);
        Ok(index)
    }
}

/// Every byte trigram of every text → the positions holding it, ascending, each once. Visiting
/// positions in order keeps each list sorted, and a repeat within one text is its list's last
/// entry already.
fn postings(texts: &Column) -> TrigramMap {
    let mut map = TrigramMap::default();
    for position in 0..texts.len() {
        let p = position as u32;
        for window in texts.get(position).windows(3) {
            let list = map.entry(trigram(window)).or_default();
            if list.last() != Some(&p) {
                list.push(p);
            }
        }
    }
    // Growth by doubling leaves up to half of each list unused: give it back.
    for list in map.values_mut() {
        list.shrink_to_fit();
    }
    map
}
