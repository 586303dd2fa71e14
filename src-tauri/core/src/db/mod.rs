//! The one SQLite file: where it lives, how it is opened, and how every write takes its lock.
//!
//! Opening a file checks it and brings its schema forward without ever locking anyone out
//! ([`migrate`]): a damaged, foreign, newer or tampered-with file is refused with what is wrong
//! and left as it was, and an upgrade either applies completely or not at all. Only then is the
//! file switched to WAL. Its files are its owner's only ([`files`]).
//!
//! Reads take `&Connection`; writes go through [`Database::write`], one IMMEDIATE transaction per
//! user action, so an action either happens completely or not at all. When another Guildhall (a
//! second window, the CLI) holds the write lock for longer than the busy timeout, taking the
//! lock is tried again (safe: nothing was done yet), and then the organizer is told that
//! another Guildhall is writing ([`CoreError::DatabaseLocked`]).

mod files;
mod migrate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use self::migrate::{schema_version, UpgradeNotes};
use crate::error::{is_busy, CoreError, Result};

pub use self::files::DB_FILE_NAME;
/// Overrides the data folder (tests, portable installs, the CLI).
pub const DATA_DIR_ENV: &str = "GUILDHALL_DATA_DIR";

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a write tries to take the lock (each waiting up to the busy timeout).
const LOCK_ATTEMPTS: u32 = 3;

/// The data folder: `GUILDHALL_DATA_DIR` when set and not empty, else the platform default the
/// caller knows (the app asks Tauri for its app-data folder).
pub fn data_dir(platform_default: impl FnOnce() -> Option<PathBuf>) -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => platform_default(),
    }
}

pub type Pool = r2d2::Pool<SqliteConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<SqliteConnectionManager>;

/// An open, migrated Guildhall database: a small pool of connections to one file. It knows
/// transactions, not domains; what a domain caches beside it lives in [`crate::Context`].
#[derive(Clone, Debug)]
pub struct Database {
    pool: Pool,
    path: PathBuf,
    busy_timeout: Duration,
    upgrade_notes: UpgradeNotes,
}

impl Database {
    /// Opens (creating if needed) `guildhall.sqlite3` in `dir`, which is made private.
    pub fn open_in(dir: &Path) -> Result<Self> {
        crate::files::private_dir_all(dir).map_err(|source| CoreError::Io {
            context: format!("could not create the data folder {}", dir.display()),
            source,
        })?;
        Self::open(&dir.join(DB_FILE_NAME))
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, BUSY_TIMEOUT)
    }

    fn open_with(path: &Path, busy_timeout: Duration) -> Result<Self> {
        files::prepare(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(busy_timeout)?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        let upgrade_notes = migrate::bring_up_to_date(&mut conn, path)?;
        // Only now that the schema is known to be current does the file change its journal.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        drop(conn);

        let manager =
            SqliteConnectionManager::file(path).with_init(move |c| configure(c, busy_timeout));
        let pool = r2d2::Pool::builder()
            .max_size(4)
            .connection_timeout(BUSY_TIMEOUT)
            .build(manager)?;
        Ok(Database {
            pool,
            path: path.to_owned(),
            busy_timeout,
            upgrade_notes,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening this file upgraded and changed, in words for the organizer (empty when it
    /// was current).
    pub fn upgrade_notes(&self) -> &[String] {
        &self.upgrade_notes
    }

    pub fn connection(&self) -> Result<PooledConnection> {
        Ok(self.pool.get()?)
    }

    /// A connection of its own, outside the pool, configured like the pool's: for a reader
    /// that keeps its connection for as long as it runs (the change feed), which would
    /// otherwise hold one of the pool's few connections forever.
    pub(crate) fn dedicated_connection(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        configure(&conn, self.busy_timeout)?;
        Ok(conn)
    }

    /// A connection of its own, outside the pool, on which triggers do not fire: for a bulk
    /// write that does what the triggers would do itself, once, in the same transaction (see
    /// [`crate::changes::record`]; a test fails if a migration adds a trigger, so that whoever
    /// adds one decides what such writers do instead). Every other connection keeps its
    /// triggers. It is closed when dropped, so it can never go back to the pool with its
    /// triggers off.
    pub(crate) fn connection_without_triggers(&self) -> Result<Connection> {
        let conn = self.dedicated_connection()?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(conn)
    }

    /// Runs `f` with a connection for reading.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.connection()?;
        f(&conn)
    }

    /// Runs `f` in one IMMEDIATE transaction: committed if `f` returns `Ok`, rolled back
    /// otherwise (including when `f` panics, as the transaction is dropped unfinished).
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.connection()?;
        let tx = begin_immediate(&mut conn)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// [`Database::write`] for a write that erases personal data (deleting or merging a
    /// member): once it is committed, the WAL is checkpointed into the file and truncated, so
    /// that no copy of the erased rows stays in the `-wal` while the app runs (freed pages are
    /// zeroed by `secure_delete`).
    pub fn write_erasing<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let value = self.write(f)?;
        let conn = self.connection()?;
        let (busy, _, _): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy != 0 {
            // A reader kept an old snapshot for longer than the busy timeout; the next
            // erasure's (or the last connection's) checkpoint takes the copies away.
            tracing::warn!("the WAL could not be emptied after an erasure: a reader was busy");
        }
        Ok(value)
    }
}

/// Begins an IMMEDIATE transaction (the write lock now, not at the first write), trying again
/// while another connection holds the lock: each try waits up to the busy timeout, and a
/// failed try has done nothing, so trying again is always safe.
pub(crate) fn begin_immediate(conn: &mut Connection) -> Result<Transaction<'_>> {
    // `&mut` in the signature: the caller cannot nest transactions, which is what the
    // unchecked constructor would otherwise allow.
    let conn: &Connection = conn;
    let mut attempt = 1;
    loop {
        match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
            Ok(tx) => return Ok(tx),
            Err(e) if is_busy(&e) && attempt < LOCK_ATTEMPTS => {
                tracing::info!(attempt, "the database is locked by another writer; waiting");
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl Database {
    /// Runs `f` on one consistent view of the database (a read transaction): the several
    /// queries of a schedule or an export see the same data while another connection writes.
    pub fn snapshot<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.connection()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one IMMEDIATE transaction and always rolls it back: what a write would do,
    /// without doing it (an import's preview reports exactly what the import would report).
    pub fn dry_run<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.connection()?;
        let tx = begin_immediate(&mut conn)?;
        let value = f(&tx);
        tx.rollback()?;
        value
    }
}

/// Per-connection settings; foreign keys and the busy timeout are not stored in the file.
fn configure(conn: &Connection, busy_timeout: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy_timeout)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Freed pages are zeroed, not left with old rows in them: an erased member (and every old
    // copy of their row that page splits and updates left behind) is really gone from the file.
    // It must be on for every connection, as any write may free a page.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Every write to a domain's table fires a trigger (its change counter, `changes`), and a
    // statement that fires one keeps a statement journal; in a temporary file that costs ~10 µs
    // per inserted member, in memory ~2.5 (100k single-row inserts: 1.65 s → 0.88 s; 0.61 s
    // without triggers). Temporary tables and sorts live in memory too.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_is_migrated_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_in(dir.path()).unwrap();
        let conn = db.connection().unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema_version());
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let temp_store: i64 = conn
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .unwrap();
        assert_eq!(temp_store, 2, "memory");
    }

    #[test]
    fn only_the_bulk_connection_has_its_triggers_off() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_in(dir.path()).unwrap();
        let version = |c: &Connection| -> i64 {
            crate::changes::version(c, crate::changes::Domain::Members).unwrap()
        };
        let insert = "INSERT INTO member (id, name, check_in_code, name_key, search_text,
                                          created_at, updated_at)
                      VALUES (?1, 'A', ?1, 'a', 'a', 'now', 'now')";
        let bulk = db.connection_without_triggers().unwrap();
        bulk.execute(insert, ["mem_BULK"]).unwrap();
        assert_eq!(version(&bulk), 0);
        let pooled = db.connection().unwrap();
        pooled.execute(insert, ["mem_POOL"]).unwrap();
        assert_eq!(version(&pooled), 1);
    }

    #[test]
    fn a_database_can_be_shared_between_threads() {
        // The app keeps one in its state and searches from several threads at once.
        fn shareable<T: Send + Sync + Clone>() {}
        shareable::<Database>();
    }

    #[test]
    fn reopening_applies_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        drop(Database::open_in(dir.path()).unwrap());
        let db = Database::open_in(dir.path()).unwrap();
        let tables: i64 = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'member'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_newer_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Database::open(&path).unwrap_err();
        assert!(
            matches!(err, CoreError::DatabaseTooNew { found: 999, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("newer version of Guildhall"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join(format!("{DB_FILE_NAME}-wal")).exists());
    }

    #[test]
    fn a_foreign_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, b"these are not the tables you are looking for").unwrap();
        let err = Database::open(&path).unwrap_err();
        assert!(matches!(err, CoreError::NotADatabase { .. }), "{err:?}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"these are not the tables you are looking for"
        );

        let other = dir.path().join("other.sqlite3");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE invoices (id INTEGER)")
            .unwrap();
        let err = Database::open(&other).unwrap_err();
        assert!(matches!(err, CoreError::NotADatabase { .. }), "{err:?}");
    }

    #[test]
    fn a_failed_write_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_in(dir.path()).unwrap();
        let result: Result<()> = db.write(|tx| {
            tx.execute_batch("CREATE TABLE scratch (x)")?;
            Err(CoreError::invalid("x", "no"))
        });
        assert!(result.is_err());
        let count: i64 = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE name = 'scratch'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn a_write_waits_for_another_writer_and_then_says_plainly_that_one_is_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        let wait = Duration::from_millis(300);
        let db = Database::open_with(&path, wait).unwrap();
        let insert = |tx: &Transaction| -> Result<()> {
            tx.execute_batch("UPDATE change_counter SET version = version + 1")?;
            Ok(())
        };

        // Another Guildhall holds the write lock for good: every try fails, and the error
        // says what happened.
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let err = db.write(insert).unwrap_err();
        assert!(matches!(err, CoreError::DatabaseLocked), "{err:?}");
        assert!(err.to_string().contains("Another Guildhall"), "{err}");
        // An import's dry run takes the lock the same way.
        assert!(matches!(db.dry_run(insert), Err(CoreError::DatabaseLocked)));

        // It lets go after the first try has given up (one busy timeout) and well before the
        // last would: the write goes through, tried again for the organizer.
        let released = std::thread::spawn(move || {
            std::thread::sleep(wait + wait / 2);
            other.execute_batch("COMMIT").unwrap();
        });
        db.write(insert).unwrap();
        released.join().unwrap();
    }

    #[test]
    fn data_dir_prefers_the_environment() {
        // Only this test touches the variable in this process.
        std::env::set_var(DATA_DIR_ENV, "/tmp/guildhall-env-test");
        assert_eq!(
            data_dir(|| Some(PathBuf::from("/default"))),
            Some(PathBuf::from("/tmp/guildhall-env-test"))
        );
        std::env::set_var(DATA_DIR_ENV, "");
        assert_eq!(
            data_dir(|| Some(PathBuf::from("/default"))),
            Some(PathBuf::from("/default"))
        );
        std::env::remove_var(DATA_DIR_ENV);
    }
}
