//! New members are inserted in batches of multi-row INSERTs rather than one statement per row.
//!
//! Why: the member table keeps its FTS5 search index in step by trigger, and every statement
//! that fires it opens a statement savepoint, at which FTS5 flushes its pending terms to a new
//! index segment (and then merges segments). Row by row, that is one segment per member and
//! dominates a large import; a batch is one flush for a few hundred members.
//!
//! A batch is held back until it is full, or until a row needs to read a member it holds (a
//! second row for the same person), or the import ends. If a batch breaks a unique index (only
//! a Guildhall row can: an id or check-in code already taken), its rows are retried one by one
//! and just the clashing ones are handed back as rejected; the statement's own savepoint has
//! already undone the failed batch.

use rusqlite::{Connection, ErrorCode, Statement, ToSql};

use crate::error::Result;
use crate::members::model::{MemberSource, PracticeLevel, Role};

/// Members per INSERT: 19 parameters each, 19,000 in all, under SQLite's limit of 32,766.
const BATCH: usize = 1000;

const COLUMNS: &str = "id, name, email, email_key, phone, practice_level, email_consent, \
    consent_on, unsubscribed_at, joined_on, source, profile_url, notes, check_in_code, name_key, \
    search_text, created_at, updated_at, archived_at";
const WIDTH: usize = 19;

/// A member ready to insert, with the line of the row it comes from.
#[derive(Debug)]
pub(crate) struct NewMember {
    pub line: u32,
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub email_key: Option<String>,
    pub phone: Option<String>,
    pub practice_level: PracticeLevel,
    pub email_consent: bool,
    pub consent_on: Option<String>,
    pub unsubscribed_at: Option<String>,
    pub joined_on: String,
    pub source: MemberSource,
    pub profile_url: Option<String>,
    /// The comparison key of `profile_url` (see `row::profile_key`).
    pub profile_key: Option<String>,
    pub notes: String,
    pub check_in_code: String,
    pub name_key: String,
    pub search_text: String,
    /// `None`: the import's own time.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub archived_at: Option<String>,
    pub roles: Vec<Role>,
    pub tags: Vec<String>,
}

fn values_sql(table: &str, columns: &str, width: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; width].join(", "));
    format!(
        "INSERT INTO {table} ({columns}) VALUES {}",
        vec![one; rows].join(", ")
    )
}

/// A unique index or primary key said no.
pub(crate) fn is_clash(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == ErrorCode::ConstraintViolation
                && matches!(
                    f.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                )
    )
}

pub(crate) struct Batch<'c> {
    rows: Vec<NewMember>,
    now: String,
    one_sql: String,
    /// The full-size INSERTs, prepared once and kept here rather than in rusqlite's statement
    /// cache: a statement put back there has its bindings cleared, which frees every bound
    /// value, and the next batch allocates them all again (10% of a 10k-row import).
    many: Option<Statement<'c>>,
    /// The same for full chunks of roles and of tags.
    roles: Option<Statement<'c>>,
    tags: Option<Statement<'c>>,
}

impl<'c> Batch<'c> {
    pub(crate) fn new(now: String) -> Self {
        Batch {
            rows: Vec::with_capacity(BATCH),
            now,
            one_sql: values_sql("member", COLUMNS, WIDTH, 1),
            many: None,
            roles: None,
            tags: None,
        }
    }

    /// Adds a member; true when the batch is full and should be flushed.
    pub(crate) fn push(&mut self, member: NewMember) -> bool {
        self.rows.push(member);
        self.rows.len() >= BATCH
    }

    /// Whether a member with this id is waiting in the batch.
    pub(crate) fn holds(&self, id: &str) -> bool {
        self.rows.iter().any(|m| m.id == id)
    }

    /// Writes the batch; returns the members that clashed with existing ones (not written).
    pub(crate) fn flush(&mut self, tx: &'c Connection) -> Result<Vec<NewMember>> {
        let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(BATCH));
        let mut clashed = Vec::new();
        if rows.is_empty() {
            return Ok(clashed);
        }
        match self.insert(tx, &rows) {
            Ok(()) => self.insert_lists(tx, &rows)?,
            Err(e) if is_clash(&e) => {
                for row in rows {
                    let one = std::slice::from_ref(&row);
                    match self.insert(tx, one) {
                        Ok(()) => self.insert_lists(tx, one)?,
                        Err(e) if is_clash(&e) => clashed.push(row),
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
        Ok(clashed)
    }

    fn insert(&mut self, tx: &'c Connection, rows: &[NewMember]) -> rusqlite::Result<()> {
        let (mut cached, mut fresh);
        let stmt: &mut Statement<'_> = match rows.len() {
            BATCH => match &mut self.many {
                Some(stmt) => stmt,
                many => many.insert(tx.prepare(&values_sql("member", COLUMNS, WIDTH, BATCH))?),
            },
            1 => {
                cached = tx.prepare_cached(&self.one_sql)?;
                &mut cached
            }
            // A partial batch (the last one, or one written early): a statement of its own
            // size, not kept in the statement cache.
            n => {
                fresh = tx.prepare(&values_sql("member", COLUMNS, WIDTH, n))?;
                &mut fresh
            }
        };
        for (i, m) in rows.iter().enumerate() {
            let created_at = m.created_at.as_deref().unwrap_or(&self.now);
            let values: [&dyn ToSql; WIDTH] = [
                &m.id,
                &m.name,
                &m.email,
                &m.email_key,
                &m.phone,
                &m.practice_level.as_str(),
                &m.email_consent,
                &m.consent_on,
                &m.unsubscribed_at,
                &m.joined_on,
                &m.source.as_str(),
                &m.profile_url,
                &m.notes,
                &m.check_in_code,
                &m.name_key,
                &m.search_text,
                &created_at,
                &m.updated_at.as_deref().unwrap_or(created_at),
                &m.archived_at,
            ];
            bind(stmt, i * WIDTH, &values)?;
        }
        stmt.raw_execute()?;
        Ok(())
    }
}

fn bind(stmt: &mut Statement<'_>, offset: usize, values: &[&dyn ToSql]) -> rusqlite::Result<()> {
    for (i, value) in values.iter().enumerate() {
        stmt.raw_bind_parameter(offset + i + 1, *value)?;
    }
    Ok(())
}

/// Pairs per INSERT into `member_role` or `member_tag`: 2 parameters each.
const PAIRS: usize = 500;

impl<'c> Batch<'c> {
    /// The roles and tags of freshly inserted members (nothing there yet, so nothing to clash),
    /// in multi-row INSERTs like the members themselves.
    fn insert_lists(&mut self, tx: &'c Connection, rows: &[NewMember]) -> Result<()> {
        let roles: Vec<[&str; 2]> = rows
            .iter()
            .flat_map(|m| m.roles.iter().map(|r| [m.id.as_str(), r.as_str()]))
            .collect();
        insert_pairs(
            tx,
            &mut self.roles,
            "member_role",
            "member_id, role",
            &roles,
        )?;
        let tags: Vec<[&str; 2]> = rows
            .iter()
            .flat_map(|m| m.tags.iter().map(|t| [m.id.as_str(), t.as_str()]))
            .collect();
        insert_pairs(tx, &mut self.tags, "member_tag", "member_id, tag", &tags)
    }
}

/// Inserts `pairs` into `table`; `full` keeps the statement for a full chunk.
fn insert_pairs<'c>(
    tx: &'c Connection,
    full: &mut Option<Statement<'c>>,
    table: &str,
    columns: &str,
    pairs: &[[&str; 2]],
) -> Result<()> {
    for chunk in pairs.chunks(PAIRS) {
        let mut fresh;
        let stmt: &mut Statement<'_> = if chunk.len() == PAIRS {
            match &mut *full {
                Some(stmt) => stmt,
                slot => slot.insert(tx.prepare(&values_sql(table, columns, 2, PAIRS))?),
            }
        } else {
            fresh = tx.prepare(&values_sql(table, columns, 2, chunk.len()))?;
            &mut fresh
        };
        for (i, [id, value]) in chunk.iter().enumerate() {
            stmt.raw_bind_parameter(2 * i + 1, id)?;
            stmt.raw_bind_parameter(2 * i + 2, value)?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}
