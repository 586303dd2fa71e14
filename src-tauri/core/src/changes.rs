//! The change feed: which domains changed since a point, whoever changed them (this window,
//! another window, the CLI, a background service), so that an open screen can reload what it
//! shows instead of going stale.
//!
//! Design (migration 0004): one counter per domain in `change_counter`, moved by a trigger on
//! every table the domain owns. A reader keeps the counters it has seen ([`Versions`]) and
//! compares. [`ChangeFeed`] makes the common case, nothing changed, nearly free: it holds a
//! connection of its own and asks `PRAGMA data_version` first, which SQLite answers from the
//! WAL index in shared memory and which moves only when another connection has committed; only
//! then does it read the counters (one tiny table). `make bench` measures both the trigger's
//! cost per written row and the cost of a poll.
//!
//! Bulk writers that turn triggers off (the member import) call [`record`] once for the whole
//! transaction instead.

use std::collections::BTreeMap;

use rusqlite::{Connection, Transaction};
use serde::Serialize;

use crate::db::Database;
use crate::error::Result;

/// A part of the data a screen shows and reloads as a whole. Each is the one owner of its
/// tables (see the triggers of migration 0004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Domain {
    /// `member` (roles and tags are written with their member).
    Members,
    /// `workshop`, `session`, `session_exception`, `workshop_facilitator`, `workshop_tag`.
    Workshops,
    /// `invitation`, `invitation_mail`, `reminder`.
    Invitations,
    /// `outbox`: every mail and where it is.
    Outbox,
    /// `mail_setting`.
    Settings,
}

impl Domain {
    pub const ALL: [Domain; 5] = [
        Domain::Members,
        Domain::Workshops,
        Domain::Invitations,
        Domain::Outbox,
        Domain::Settings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Members => "members",
            Domain::Workshops => "workshops",
            Domain::Invitations => "invitations",
            Domain::Outbox => "outbox",
            Domain::Settings => "settings",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// Every domain's counter as one connection saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions(BTreeMap<Domain, i64>);

impl Versions {
    /// The counters as `conn` sees them now. A domain this build does not know (a newer
    /// database) is left out.
    pub fn read(conn: &Connection) -> Result<Self> {
        let mut stmt = conn.prepare_cached("SELECT domain, version FROM change_counter")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut versions = BTreeMap::new();
        for row in rows {
            let (name, version) = row?;
            if let Some(domain) = Domain::parse(&name) {
                versions.insert(domain, version);
            }
        }
        Ok(Versions(versions))
    }

    pub fn get(&self, domain: Domain) -> i64 {
        self.0.get(&domain).copied().unwrap_or(0)
    }

    /// The domains whose counter differs from `earlier` (moved on, or back when an older copy
    /// of the file was put in place), in a fixed order.
    pub fn changed_since(&self, earlier: &Versions) -> Vec<Domain> {
        Domain::ALL
            .into_iter()
            .filter(|d| self.get(*d) != earlier.get(*d))
            .collect()
    }
}

/// One domain's counter, as [`Versions::read`] would give it.
pub fn version(conn: &Connection, domain: Domain) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT version FROM change_counter WHERE domain = ?1")?
        .query_row([domain.as_str()], |r| r.get(0))?)
}

/// Records, in `tx`, that `domain` changed: what its triggers do for each row, once for the
/// whole transaction, for a writer whose connection has triggers off. Readers only compare
/// counters, so one step is enough.
pub(crate) fn record(tx: &Transaction, domain: Domain) -> Result<()> {
    tx.execute(
        "UPDATE change_counter SET version = version + 1 WHERE domain = ?1",
        [domain.as_str()],
    )?;
    Ok(())
}

/// Watches one database file for commits and says which domains they changed. It keeps a
/// connection of its own (never one of the pool's, which it would hold forever) that only reads.
pub struct ChangeFeed {
    conn: Connection,
    seen: Seen,
}

/// What the feed has reported so far.
#[derive(Debug)]
struct Seen {
    data_version: i64,
    versions: Versions,
}

impl std::fmt::Debug for ChangeFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeFeed")
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

impl Seen {
    /// Takes in what `data_version` says now and, when it moved, the counters `read` gives. The
    /// new `data_version` is kept only once the counters were read: a read that fails (a busy
    /// file) is tried again at the next poll instead of losing the change.
    fn advance(
        &mut self,
        now: i64,
        read: impl FnOnce() -> Result<Versions>,
    ) -> Result<Vec<Domain>> {
        if now == self.data_version {
            return Ok(Vec::new());
        }
        let versions = read()?;
        self.data_version = now;
        let changed = versions.changed_since(&self.versions);
        self.versions = versions;
        Ok(changed)
    }
}

impl ChangeFeed {
    /// Starts watching from what is committed now.
    pub fn open(db: &Database) -> Result<Self> {
        let conn = db.dedicated_connection()?;
        let seen = Seen {
            data_version: data_version(&conn)?,
            versions: Versions::read(&conn)?,
        };
        Ok(ChangeFeed { conn, seen })
    }

    /// The counters as of the last poll.
    pub fn seen(&self) -> &Versions {
        &self.seen.versions
    }

    /// The domains changed by every commit since the last poll (or since [`open`](Self::open)),
    /// empty when there was none. One `PRAGMA data_version` when nothing was committed.
    pub fn poll(&mut self) -> Result<Vec<Domain>> {
        let now = data_version(&self.conn)?;
        let conn = &self.conn;
        self.seen.advance(now, || Versions::read(conn))
    }
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    fn open() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_in(dir.path()).unwrap();
        (dir, db)
    }

    #[test]
    fn nothing_committed_means_nothing_changed() {
        let (_dir, db) = open();
        let mut feed = ChangeFeed::open(&db).unwrap();
        assert_eq!(feed.poll().unwrap(), []);
        // A read, and a write that is rolled back, commit nothing.
        db.read(Versions::read).unwrap();
        let _ = db.write(|tx| {
            tx.execute("UPDATE change_counter SET version = 99", [])?;
            Err::<(), _>(crate::CoreError::Cancelled)
        });
        assert_eq!(feed.poll().unwrap(), []);
    }

    #[test]
    fn each_domain_is_reported_when_a_table_it_owns_is_written() {
        let (_dir, db) = open();
        let clock = Clock::system();
        let mut feed = ChangeFeed::open(&db).unwrap();
        let member = db
            .write(|tx| {
                crate::members::create(
                    tx,
                    &crate::members::MemberInput {
                        name: "Ada".into(),
                        ..Default::default()
                    },
                    &clock,
                )
            })
            .unwrap();
        assert_eq!(feed.poll().unwrap(), [Domain::Members]);
        assert_eq!(feed.poll().unwrap(), [], "reported once");

        // A workshop with a facilitator, then the facilitator erased: the cascade that removes
        // them from the workshop is a workshops change too.
        db.write(|tx| {
            tx.execute(
                "INSERT INTO workshop (id, title, status, time_zone, source, ical_uid,
                                       ical_sequence, title_key, created_at, updated_at)
                 VALUES ('wks_1', 'T', 'draft', 'UTC', 'manual', 'u@x', 0, 't', 'now', 'now')",
                [],
            )?;
            tx.execute(
                "INSERT INTO workshop_facilitator (workshop_id, member_id, position)
                 VALUES ('wks_1', ?1, 0)",
                [&member.id],
            )?;
            Ok(())
        })
        .unwrap();
        assert_eq!(feed.poll().unwrap(), [Domain::Workshops]);
        let before = db.read(|c| version(c, Domain::Workshops)).unwrap();
        db.write(|tx| crate::members::delete(tx, &member.id, &clock))
            .unwrap();
        assert_eq!(feed.poll().unwrap(), [Domain::Members, Domain::Workshops]);
        assert!(db.read(|c| version(c, Domain::Workshops)).unwrap() > before);
    }

    #[test]
    fn a_commit_from_another_process_s_connection_is_seen() {
        // What the CLI does: its own connection to the same file.
        let (dir, db) = open();
        let mut feed = ChangeFeed::open(&db).unwrap();
        let other = Database::open_in(dir.path()).unwrap();
        other.write(|tx| record(tx, Domain::Workshops)).unwrap();
        assert_eq!(feed.poll().unwrap(), [Domain::Workshops]);
        assert_eq!(feed.seen().get(Domain::Workshops), 1);
    }

    #[test]
    fn the_schema_has_exactly_the_triggers_the_feed_and_bulk_writers_expect() {
        let (_dir, db) = open();
        let names: Vec<String> = db
            .read(|c| {
                let mut stmt = c.prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
                )?;
                let names = stmt.query_map([], |r| r.get(0))?;
                Ok(names.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        // Each moves its domain's counter. A writer on `connection_without_triggers` (the
        // member import, which writes `member` only) stands in for the ones it bypasses with
        // `record`; a new trigger needs a stand-in there too if that writer touches its table.
        let mut expected = Vec::new();
        for table in [
            "inbound_reply",
            "inbox_setting",
            "invitation",
            "invitation_date",
            "invitation_mail",
            "mail_setting",
            "member",
            "outbox",
            "reminder",
            "session",
            "session_exception",
            "workshop",
            "workshop_facilitator",
            "workshop_tag",
        ] {
            for op in ["delete", "insert", "update"] {
                expected.push(format!("change_{table}_{op}"));
            }
        }
        expected.sort();
        assert_eq!(names, expected);
    }

    #[test]
    fn a_change_whose_counters_could_not_be_read_is_reported_at_the_next_poll() {
        let (_dir, db) = open();
        let mut feed = ChangeFeed::open(&db).unwrap();
        let start = feed.seen.data_version;
        let mut moved = feed.seen().clone();
        moved
            .0
            .insert(Domain::Members, moved.get(Domain::Members) + 1);
        let busy = feed.seen.advance(start + 1, || {
            Err(crate::CoreError::Sqlite(rusqlite::Error::InvalidQuery))
        });
        assert!(busy.is_err());
        let again = feed.seen.advance(start + 1, || Ok(moved.clone())).unwrap();
        assert_eq!(again, [Domain::Members]);
        assert_eq!(
            feed.seen.advance(start + 1, || Ok(moved.clone())).unwrap(),
            []
        );
    }

    #[test]
    fn counters_that_moved_back_count_as_changed() {
        let mut a = Versions::default();
        a.0.insert(Domain::Members, 5);
        let mut b = a.clone();
        b.0.insert(Domain::Members, 3);
        assert_eq!(b.changed_since(&a), [Domain::Members]);
        assert_eq!(a.changed_since(&a), []);
    }
}
