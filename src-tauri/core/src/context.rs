//! What every action of the app or the CLI works with: the database, the clock, and the caches a
//! domain keeps beside the database (the member search index). The database itself knows no
//! domain; a cache lives here so that [`crate::db`] never imports one.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, Transaction};

use crate::clock::Clock;
use crate::db::Database;
use crate::error::Result;
use crate::members::MemberSearch;

/// The open database with its clock and caches. Cheap to clone; clones share the caches.
#[derive(Clone, Debug)]
pub struct Context {
    pub db: Database,
    pub clock: Clock,
    /// The member search index, kept for this database file.
    pub search: Arc<MemberSearch>,
}

impl Context {
    pub fn new(db: Database, clock: Clock) -> Self {
        Context {
            db,
            clock,
            search: Arc::default(),
        }
    }

    /// Opens (creating if needed) the database in `dir`, on `clock`.
    pub fn open_in(dir: &Path, clock: Clock) -> Result<Self> {
        Ok(Self::new(Database::open_in(dir)?, clock))
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// [`Database::read`].
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.db.read(f)
    }

    /// [`Database::write`]: one user action, one transaction.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.db.write(f)
    }

    /// [`Database::write_erasing`]: a user action that erases personal data (deleting or
    /// merging members) leaves no copy of it in the `-wal`.
    pub fn write_erasing<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.db.write_erasing(f)
    }

    /// [`Database::snapshot`].
    pub fn snapshot<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.db.snapshot(f)
    }

    /// [`Database::dry_run`].
    pub fn dry_run<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.db.dry_run(f)
    }
}
