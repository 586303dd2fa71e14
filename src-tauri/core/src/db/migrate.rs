//! How a database file's schema moves forward, without ever locking anyone out.
//!
//! Opening a file goes through these steps, and the file's content is changed only by the
//! last one:
//!
//! 1. Read its version (`PRAGMA user_version`): a file SQLite cannot read is *damaged*; a file
//!    of a newer Guildhall, or another program's database, is refused.
//! 2. Check its history: the schema it has must be exactly the schema the migration files make
//!    at its version (compared with a fresh in-memory database built from the same files), and
//!    every migration it recorded as applied must have the checksum the file has now. A
//!    database whose history does not match is refused, with what differs.
//! 3. Before an upgrade: `PRAGMA quick_check`, and a private copy of the file beside it.
//! 4. One EXCLUSIVE transaction applies every pending migration, with foreign keys off (a
//!    table rebuild must not cascade-delete child rows) and `PRAGMA foreign_key_check` before
//!    the commit; a migration's fix-up first makes the data real users have fit the new
//!    constraints, and says what it changed. A failure rolls everything back: the file is as
//!    it was, and the version stays.
//!
//! The caller switches the file to WAL only after this returns.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, Result};

type FixUp = fn(&Transaction, &mut Vec<String>) -> rusqlite::Result<()>;

/// One schema step: its name, its SQL, and what must be done to the data before it.
struct Migration {
    name: &'static str,
    sql: &'static str,
    fix_up: Option<FixUp>,
}

/// The schema, in order. The position in this list (1-based) is the `user_version` a database
/// has once that migration is applied. A migration file is never edited once released: the
/// checksums recorded in each database would no longer match (add a new migration instead).
const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_members",
        sql: include_str!("../../../../migrations/0001_members.sql"),
        fix_up: None,
    },
    Migration {
        name: "0002_members_at_scale",
        sql: include_str!("../../../../migrations/0002_members_at_scale.sql"),
        fix_up: Some(one_member_per_profile_url),
    },
    Migration {
        name: "0003_workshops",
        sql: include_str!("../../../../migrations/0003_workshops.sql"),
        fix_up: None,
    },
    Migration {
        name: "0004_change_feed",
        sql: include_str!("../../../../migrations/0004_change_feed.sql"),
        fix_up: None,
    },
    Migration {
        name: "0005_invitations",
        sql: include_str!("../../../../migrations/0005_invitations.sql"),
        fix_up: None,
    },
    Migration {
        name: "0006_rsvps",
        sql: include_str!("../../../../migrations/0006_rsvps.sql"),
        fix_up: None,
    },
    Migration {
        name: "0007_waitlist_per_date",
        sql: include_str!("../../../../migrations/0007_waitlist_per_date.sql"),
        fix_up: None,
    },
];

/// The migrator's own record of what it applied, beside the domain tables.
const HISTORY_TABLE: &str = "schema_migration";
const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS schema_migration (
    version    INTEGER PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT";

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What an upgrade did that the organizer should know about (shown once in the app, printed
/// by the CLI, written to the log).
pub type UpgradeNotes = Vec<String>;

/// Brings the database on `conn` up to [`schema_version`], as the module documentation says.
/// `conn` has its busy timeout set and foreign keys in their default (off) state.
pub(super) fn bring_up_to_date(conn: &mut Connection, path: &Path) -> Result<UpgradeNotes> {
    bring_up_to_date_with(conn, path, MIGRATIONS)
}

fn bring_up_to_date_with(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
) -> Result<UpgradeNotes> {
    let latest = migrations.len() as i64;
    loop {
        let found = version(conn, path)?;
        if found > latest {
            return Err(CoreError::DatabaseTooNew {
                path: path.to_owned(),
                found,
                supported: latest,
            });
        }
        if found == 0 {
            ensure_empty(conn, path)?;
        } else {
            check_history(conn, path, found, migrations)?;
        }
        let recorded = recorded_versions(conn, path)?;
        if found == latest && recorded == found {
            return Ok(Vec::new());
        }
        let mut notes = Vec::new();
        if found > 0 && found < latest {
            quick_check(conn, path)?;
            let copy = super::files::copy_before_upgrade(conn, path, found)?;
            notes.push(format!(
                "Guildhall was updated: your data was upgraded, and a copy from before the \
                 upgrade is at {}.",
                copy.display()
            ));
        }
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        // Another Guildhall may have upgraded the file while this one waited for the lock.
        if version(&tx, path)? != found {
            drop(tx);
            continue;
        }
        apply(&tx, found, migrations, &mut notes)?;
        tx.commit()?;
        for note in &notes {
            tracing::info!(note = note.as_str(), "database upgrade");
        }
        return Ok(notes);
    }
}

/// Records the history the file lacks and applies every migration after `found`, in `tx`.
fn apply(
    tx: &Transaction,
    found: i64,
    migrations: &[Migration],
    notes: &mut UpgradeNotes,
) -> Result<()> {
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    tx.execute_batch(CREATE_HISTORY)?;
    let record = |version: usize, m: &Migration| {
        tx.execute(
            "INSERT OR IGNORE INTO schema_migration (version, name, checksum, applied_at)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![version as i64, m.name, checksum(m.sql), now],
        )
    };
    // Applied before Guildhall kept a history: their schema was just checked against the
    // files, so the files' checksums are theirs.
    for (index, m) in migrations.iter().enumerate().take(found as usize) {
        record(index + 1, m)?;
    }
    for (index, m) in migrations.iter().enumerate().skip(found as usize) {
        let failed = |source: rusqlite::Error| CoreError::Migration {
            name: m.name,
            message: source.to_string(),
        };
        if let Some(fix_up) = m.fix_up {
            fix_up(tx, notes).map_err(failed)?;
        }
        tx.execute_batch(m.sql).map_err(failed)?;
        let dangling: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(failed)?;
        if dangling > 0 {
            return Err(CoreError::Migration {
                name: m.name,
                message: format!("it would leave {dangling} rows pointing at nothing"),
            });
        }
        record(index + 1, m).map_err(failed)?;
    }
    tx.pragma_update(None, "user_version", migrations.len() as i64)?;
    Ok(())
}

/// `PRAGMA user_version`, or why the file cannot be read.
fn version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| unreadable(path, e))
}

/// What a failure to read the file's own structure means: damage, another kind of file, or
/// (a locked or unreadable file) the error itself.
pub(super) fn unreadable(path: &Path, source: rusqlite::Error) -> CoreError {
    match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) => damaged(path, &source),
        Some(ErrorCode::NotADatabase) => {
            // Our own file name in our folder that does not read as a database is a
            // Guildhall database whose first page was overwritten; any other file is not ours.
            if path.file_name() == Some(std::ffi::OsStr::new(super::files::DB_FILE_NAME)) {
                damaged(path, &source)
            } else {
                CoreError::NotADatabase {
                    path: path.to_owned(),
                    source,
                }
            }
        }
        _ => CoreError::from(source),
    }
}

fn damaged(path: &Path, source: &rusqlite::Error) -> CoreError {
    CoreError::DatabaseDamaged {
        path: path.to_owned(),
        detail: source.to_string(),
        copies: super::files::copies_beside(path),
    }
}

/// A file at schema version 0 is either brand new or some other program's SQLite database; we
/// only adopt the former.
fn ensure_empty(conn: &Connection, path: &Path) -> Result<()> {
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |row| row.get(0),
        )
        .map_err(|e| unreadable(path, e))?;
    if tables > 0 {
        return Err(CoreError::NotADatabase {
            path: path.to_owned(),
            source: rusqlite::Error::InvalidQuery,
        });
    }
    Ok(())
}

/// One entry of `sqlite_schema`: type, name, table and the SQL that made it.
type SchemaEntry = (String, String, String, Option<String>);

fn schema_of(conn: &Connection) -> rusqlite::Result<Vec<SchemaEntry>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema
         WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> ?1
         ORDER BY type, name",
    )?;
    let rows = stmt.query_map([HISTORY_TABLE], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    rows.collect()
}

/// The schema the migration files make at `version`, built in memory.
fn expected_schema(migrations: &[Migration], version: i64) -> rusqlite::Result<Vec<SchemaEntry>> {
    let mut fresh = Connection::open_in_memory()?;
    let tx = fresh.transaction()?;
    for m in migrations.iter().take(version as usize) {
        tx.execute_batch(m.sql)?;
    }
    let schema = schema_of(&tx)?;
    tx.rollback()?;
    Ok(schema)
}

/// Step 2 of the module documentation.
fn check_history(
    conn: &Connection,
    path: &Path,
    found: i64,
    migrations: &[Migration],
) -> Result<()> {
    let mismatch = |detail: String| CoreError::SchemaMismatch {
        path: path.to_owned(),
        version: found,
        detail,
    };
    let actual = schema_of(conn).map_err(|e| unreadable(path, e))?;
    let expected = expected_schema(migrations, found)?;
    if actual != expected {
        return Err(mismatch(first_difference(&expected, &actual)));
    }
    if !has_history(conn).map_err(|e| unreadable(path, e))? {
        return Ok(());
    }
    let mut stmt = conn.prepare("SELECT version, name, checksum FROM schema_migration")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (version, name, recorded) = row?;
        let known = usize::try_from(version - 1)
            .ok()
            .and_then(|i| migrations.get(i))
            .filter(|_| version <= found);
        let Some(m) = known else {
            return Err(mismatch(format!(
                "it records migration {name} as number {version}, which this version of \
                 Guildhall does not have at that place"
            )));
        };
        if m.name != name || checksum(m.sql) != recorded {
            return Err(mismatch(format!(
                "migration {} was changed after this database applied it",
                m.name
            )));
        }
    }
    Ok(())
}

/// The first thing that is not as the migration files make it, in words.
fn first_difference(expected: &[SchemaEntry], actual: &[SchemaEntry]) -> String {
    let key = |e: &SchemaEntry| (e.0.clone(), e.1.clone());
    for e in expected {
        match actual.iter().find(|a| key(a) == key(e)) {
            None => return format!("its {} {} is missing", e.0, e.1),
            Some(a) if a != e => {
                return format!("its {} {} is not as the migration files make it", e.0, e.1)
            }
            Some(_) => {}
        }
    }
    match actual
        .iter()
        .find(|a| !expected.iter().any(|e| key(e) == key(a)))
    {
        Some(extra) => format!(
            "it has a {} {} that the migration files do not make",
            extra.0, extra.1
        ),
        None => "its schema differs from the migration files".into(),
    }
}

fn has_history(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [HISTORY_TABLE],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// How many migrations the file's history records (0 before Guildhall kept one).
fn recorded_versions(conn: &Connection, path: &Path) -> Result<i64> {
    if !has_history(conn).map_err(|e| unreadable(path, e))? {
        return Ok(0);
    }
    Ok(conn.query_row("SELECT count(*) FROM schema_migration", [], |r| r.get(0))?)
}

fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let result: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| unreadable(path, e))?;
    if result != "ok" {
        return Err(CoreError::DatabaseDamaged {
            path: path.to_owned(),
            detail: result,
            copies: super::files::copies_beside(path),
        });
    }
    Ok(())
}

/// Before 0002's unique index on profile URLs: members who share one (a hand-edited import,
/// two Meetup accounts merged by hand) keep it on the one most recently updated, and the
/// others lose it; each case is named so the organizer can merge them if they are one person.
fn one_member_per_profile_url(tx: &Transaction, notes: &mut Vec<String>) -> rusqlite::Result<()> {
    let shared: Vec<String> = tx
        .prepare(
            "SELECT profile_url FROM member WHERE profile_url IS NOT NULL
             GROUP BY profile_url HAVING count(*) > 1 ORDER BY profile_url",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sharing = tx.prepare(
        "SELECT id, name FROM member WHERE profile_url = ?1 ORDER BY updated_at DESC, id",
    )?;
    for url in &shared {
        let members: Vec<(String, String)> = sharing
            .query_map([url], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(((keeper_id, keeper), others)) = members.split_first() else {
            continue;
        };
        tx.execute(
            "UPDATE member SET profile_url = NULL WHERE profile_url = ?1 AND id <> ?2",
            [url, keeper_id],
        )?;
        let others: Vec<&str> = others.iter().map(|(_, name)| name.as_str()).collect();
        notes.push(format!(
            "{keeper} and {} had the same profile address ({url}); it now belongs to {keeper} \
             only. If they are one person, merge them on the Members screen.",
            others.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: Migration = Migration {
        name: "0001_parent",
        sql: "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
              CREATE TABLE child (id INTEGER PRIMARY KEY,
                                  parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);",
        fix_up: None,
    };

    fn at_version_1(dir: &Path) -> (std::path::PathBuf, Connection) {
        let path = dir.join("test.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        bring_up_to_date_with(&mut conn, &path, &[PARENT]).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             INSERT INTO parent VALUES (1, 'a'), (2, 'b');
             INSERT INTO child VALUES (10, 1), (11, 1), (12, 2);
             PRAGMA foreign_keys = OFF;",
        )
        .unwrap();
        (path, conn)
    }

    fn children(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM child", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_failing_upgrade_leaves_the_file_exactly_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut conn) = at_version_1(dir.path());
        let before = std::fs::read(&path).unwrap();
        let fails = Migration {
            name: "0002_fails",
            sql: "CREATE TABLE fine (x); INSERT INTO parent VALUES (1, 'duplicate id');",
            fix_up: None,
        };
        let err = bring_up_to_date_with(&mut conn, &path, &[PARENT, fails]).unwrap_err();
        assert!(
            matches!(
                &err,
                CoreError::Migration {
                    name: "0002_fails",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("Nothing was changed"), "{err}");
        drop(conn);
        assert!(std::fs::read(&path).unwrap() == before, "the file changed");
        let conn = Connection::open(&path).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete", "not switched to WAL");
    }

    #[test]
    fn a_table_rebuild_keeps_the_rows_that_point_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut conn) = at_version_1(dir.path());
        // SQLite's recipe for changing a table: make the new one, copy, drop, rename. With
        // foreign keys on, the DROP would delete every child row.
        let rebuild = Migration {
            name: "0002_rebuild",
            sql: "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
                  INSERT INTO parent_new SELECT id, coalesce(name, '') FROM parent;
                  DROP TABLE parent;
                  ALTER TABLE parent_new RENAME TO parent;",
            fix_up: None,
        };
        bring_up_to_date_with(&mut conn, &path, &[PARENT, rebuild]).unwrap();
        assert_eq!(children(&conn), 3);
    }

    #[test]
    fn an_upgrade_that_would_leave_dangling_rows_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut conn) = at_version_1(dir.path());
        let orphaning = Migration {
            name: "0002_orphans",
            sql: "DELETE FROM parent WHERE id = 2;",
            fix_up: None,
        };
        let err = bring_up_to_date_with(&mut conn, &path, &[PARENT, orphaning]).unwrap_err();
        assert!(
            err.to_string().contains("1 rows pointing at nothing"),
            "{err}"
        );
        assert_eq!(children(&conn), 3);
        let parents: i64 = conn
            .query_row("SELECT count(*) FROM parent", [], |r| r.get(0))
            .unwrap();
        assert_eq!(parents, 2, "rolled back");
    }
}
