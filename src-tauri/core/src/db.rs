//! The one SQLite file: where it lives, how it is opened, and how its schema moves forward.
//!
//! Opening checks the schema version *before* touching the file, so a database written by a
//! newer Guildhall is refused and left byte-for-byte as it was. Migrations come from
//! `migrations/NNNN_*.sql`, each applied in its own transaction together with the bump of
//! `PRAGMA user_version`, so a failed step leaves the database at the previous version.
//!
//! Reads take `&Connection`; writes go through [`Database::write`], one IMMEDIATE transaction per
//! user action, so an action either happens completely or not at all.

use std::path::{Path, PathBuf};
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{CoreError, Result};

/// The database's file name inside the data folder.
pub const DB_FILE_NAME: &str = "guildhall.sqlite3";

/// Overrides the data folder (tests, portable installs, the CLI).
pub const DATA_DIR_ENV: &str = "GUILDHALL_DATA_DIR";

/// The schema, in order. The position in this list (1-based) is the `user_version` a database
/// has once that migration is applied.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_members",
        include_str!("../../../migrations/0001_members.sql"),
    ),
    (
        "0002_members_at_scale",
        include_str!("../../../migrations/0002_members_at_scale.sql"),
    ),
    (
        "0003_workshops",
        include_str!("../../../migrations/0003_workshops.sql"),
    ),
    (
        "0004_change_feed",
        include_str!("../../../migrations/0004_change_feed.sql"),
    ),
];

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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
}

impl Database {
    /// Opens (creating if needed) `guildhall.sqlite3` in `dir`.
    pub fn open_in(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|source| CoreError::Io {
            context: format!("could not create the data folder {}", dir.display()),
            source,
        })?;
        Self::open(&dir.join(DB_FILE_NAME))
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        // Read-only look first: a newer or foreign file must not be changed, not even its
        // journal mode.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|source| CoreError::NotADatabase {
                path: path.to_owned(),
                source,
            })?;
        if found > schema_version() {
            return Err(CoreError::DatabaseTooNew {
                path: path.to_owned(),
                found,
                supported: schema_version(),
            });
        }
        if found == 0 {
            ensure_empty_or_ours(&conn, path)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        configure(&conn)?;
        migrate(&mut conn)?;
        drop(conn);

        let manager = SqliteConnectionManager::file(path).with_init(|c| configure(c));
        let pool = r2d2::Pool::builder()
            .max_size(4)
            .connection_timeout(BUSY_TIMEOUT)
            .build(manager)?;
        Ok(Database {
            pool,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
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
        configure(&conn)?;
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
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
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
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx);
        tx.rollback()?;
        value
    }
}

/// Per-connection settings; foreign keys and the busy timeout are not stored in the file.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
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

/// A file at schema version 0 is either brand new or some other program's SQLite database; we
/// only adopt the former.
fn ensure_empty_or_ours(conn: &Connection, path: &Path) -> Result<()> {
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |row| row.get(0),
        )
        .map_err(|source| CoreError::NotADatabase {
            path: path.to_owned(),
            source,
        })?;
    if tables > 0 {
        return Err(CoreError::NotADatabase {
            path: path.to_owned(),
            source: rusqlite::Error::InvalidQuery,
        });
    }
    Ok(())
}

/// Applies every migration the database has not seen, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let pending = MIGRATIONS.iter().enumerate().skip(current.max(0) as usize);
    for (index, (name, sql)) in pending {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)
            .map_err(|source| CoreError::Migration { name, source })?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
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
