//! Search as you type over the member directory, fast at 100k members: the in-memory
//! [`SearchIndex`] finds the page of matches and their count, and only that page's members are
//! read from SQLite.
//!
//! The index is kept in a [`MemberSearch`] beside the database (the app and the CLI hold one in
//! their [`crate::Context`]). Before each search one tiny read of the members' change counter
//! (and the schema cookie) tells whether the index still matches the file; a write from
//! anywhere (this app, a CLI, another connection) moves that counter, and the next search
//! rebuilds. The version check, the search and the page's rows all come from one read
//! transaction, so the page always agrees with the count.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rusqlite::Connection;

use super::index::{current_stamp, SearchIndex, Stamp};
use super::model::{Member, MemberCounts, MemberList, MemberQuery, Role};
use super::store::{member_from_row, BOUNCE_COLUMNS, MEMBER_COLUMNS};
use crate::error::Result;
use crate::sql::{bad_value, in_snapshot};

const DEFAULT_LIMIT: u32 = 200;
const MAX_LIMIT: u32 = 1_000;

/// The latest index built from committed data of one database file. Share one per file (it is
/// `Sync`); a second one only costs a second build.
#[derive(Default)]
pub struct MemberSearch {
    slot: RwLock<Option<Arc<SearchIndex>>>,
    /// Held while building, so that a burst of searches after a write builds once.
    building: Mutex<()>,
}

impl std::fmt::Debug for MemberSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberSearch")
            .field(
                "index",
                &*self.slot.read().unwrap_or_else(PoisonError::into_inner),
            )
            .finish()
    }
}

impl MemberSearch {
    fn cached(&self, stamp: Stamp) -> Option<Arc<SearchIndex>> {
        let slot = self.slot.read().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref()
            .filter(|index| index.stamp() == stamp)
            .cloned()
    }

    /// The index matching what `conn` sees, run inside a read transaction (see
    /// [`in_snapshot`]). Only an index built from committed data (`shareable`) is kept: one built
    /// inside a caller's transaction may hold writes that are later rolled back.
    fn index(&self, conn: &Connection, shareable: bool) -> Result<Arc<SearchIndex>> {
        let stamp = current_stamp(conn)?;
        if let Some(index) = self.cached(stamp) {
            return Ok(index);
        }
        if !shareable {
            return Ok(Arc::new(SearchIndex::build(conn)?));
        }
        let _building = self.building.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = self.cached(stamp) {
            return Ok(index);
        }
        let index = Arc::new(SearchIndex::build(conn)?);
        // The latest build wins, even from an older snapshot than the one it replaces (a reader
        // that began before a commit): that costs one more build, whereas keeping the higher
        // stamp would rebuild on every search if the file were ever put back to an older copy.
        *self.slot.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&index));
        Ok(index)
    }

    /// The index for what `conn` sees now: the cached one when no member was written since it
    /// was built, else a fresh build.
    pub fn index_for(&self, conn: &Connection) -> Result<Arc<SearchIndex>> {
        in_snapshot(conn, |conn, shareable| self.index(conn, shareable))
    }
}

/// Members matching every word of the query, sorted by name, one page at a time, with how many
/// match in all. `search` must be kept for the file `conn` is connected to.
pub fn list(search: &MemberSearch, conn: &Connection, query: &MemberQuery) -> Result<MemberList> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let offset = query.offset.unwrap_or(0) as usize;
    in_snapshot(conn, |conn, shareable| {
        let index = search.index(conn, shareable)?;
        let hits = index.search(&query.text, query.include_archived, offset, limit);
        let members = load_page(conn, &hits.rowids)?;
        Ok(MemberList {
            members,
            total: hits.total,
        })
    })
}

/// The members with these rowids, in this order. Three statements for the whole page: the
/// member rows, then all their roles and all their tags (two subqueries per member would cost
/// twice as much as everything else in a search).
fn load_page(conn: &Connection, rowids: &[i64]) -> Result<Vec<Member>> {
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    // The page as a JSON array: `j.key` is each rowid's place in it.
    let page = format!(
        "[{}]",
        rowids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    const PAGE: &str = "json_each(?1) j CROSS JOIN member m ON m.rowid = j.value";
    let mut slots: Vec<Option<Member>> = vec![None; rowids.len()];
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS}, NULL, NULL, {BOUNCE_COLUMNS}, j.key FROM {PAGE}"
    ))?;
    let mut rows = stmt.query([&page])?;
    while let Some(row) = rows.next()? {
        let slot = row.get::<_, u32>(20)? as usize;
        if let Some(slot) = slots.get_mut(slot) {
            *slot = Some(member_from_row(row)?);
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT j.key, r.role FROM {PAGE} CROSS JOIN member_role r ON r.member_id = m.id"
    ))?;
    let mut rows = stmt.query([&page])?;
    while let Some(row) = rows.next()? {
        let slot = row.get::<_, u32>(0)? as usize;
        let role = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let role = Role::parse(role).ok_or_else(|| bad_value(1, "role", role))?;
        if let Some(Some(member)) = slots.get_mut(slot) {
            member.roles.push(role);
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT j.key, t.tag FROM {PAGE} CROSS JOIN member_tag t ON t.member_id = m.id"
    ))?;
    let mut rows = stmt.query([&page])?;
    while let Some(row) = rows.next()? {
        if let Some(Some(member)) = slots.get_mut(row.get::<_, u32>(0)? as usize) {
            member.tags.push(row.get(1)?);
        }
    }
    Ok(slots
        .into_iter()
        .flatten()
        .map(|mut member| {
            member.roles.sort();
            member.tags.sort();
            member
        })
        .collect())
}

/// How many members are active and archived, whatever the query (asked after a write, not per
/// keystroke).
pub fn counts(conn: &Connection) -> Result<MemberCounts> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE archived_at IS NULL),
                    count(*) FILTER (WHERE archived_at IS NOT NULL)
             FROM member",
        )?
        .query_row([], |r| {
            Ok(MemberCounts {
                active: r.get(0)?,
                archived: r.get(1)?,
            })
        })?)
}
