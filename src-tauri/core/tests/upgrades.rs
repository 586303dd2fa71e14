//! Upgrades never lock anyone out: a database made by every earlier schema version, holding
//! awkward data, opens in this version with every row as it was; what cannot be upgraded is
//! refused with what is wrong and left byte for byte as it was.
//!
//! An "earlier version" here is what that release did: the migration files up to its version,
//! applied to a new file switched to WAL, written to with plain SQL (no history table: older
//! releases kept none).
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use guildhall_core::db::{schema_version, Database, DB_FILE_NAME};
use guildhall_core::members::{self, MemberQuery};
use guildhall_core::{Clock, Context, CoreError};
use rusqlite::types::Value;
use rusqlite::Connection;

const FILES: [&str; 7] = [
    include_str!("../../../migrations/0001_members.sql"),
    include_str!("../../../migrations/0002_members_at_scale.sql"),
    include_str!("../../../migrations/0003_workshops.sql"),
    include_str!("../../../migrations/0004_change_feed.sql"),
    include_str!("../../../migrations/0005_invitations.sql"),
    include_str!("../../../migrations/0006_rsvps.sql"),
    include_str!("../../../migrations/0007_waitlist_per_date.sql"),
];

/// A file as the release at `version` left it.
fn made_by_version(dir: &Path, version: usize) -> (PathBuf, Connection) {
    let path = dir.join(DB_FILE_NAME);
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for sql in &FILES[..version] {
        conn.execute_batch(&format!("BEGIN; {sql}; COMMIT;"))
            .unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    (path, conn)
}

const MEMBER: &str = "INSERT INTO member (id, name, email, email_key, phone, practice_level,
        email_consent, consent_on, unsubscribed_at, joined_on, source, profile_url, notes,
        check_in_code, name_key, search_text, created_at, updated_at, archived_at)
    VALUES (?1, ?2, ?3, lower(?3), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, lower(?2),
            lower(?2), ?14, ?15, ?16)";

fn t(text: &str) -> Value {
    Value::Text(text.to_owned())
}

/// Members every version can hold: odd names, empty and long fields, archived and
/// unsubscribed ones, roles and tags.
fn awkward_members(conn: &Connection) {
    let long_notes = "Brings the projector; \"quotes\", commas,\nlines\tand tabs. ".repeat(800);
    let rows: [[Value; 16]; 4] = [
        [
            t("mem_AAAA1"),
            t("Zoë \"Zo\" Müller-O'Brien"),
            t("Zoe@Example.org"),
            t("+49 (30) 123-456"),
            t("expert"),
            1.into(),
            t("2024-02-29"),
            Value::Null,
            t("2023-01-09"),
            t("meetup"),
            t("https://www.meetup.com/x/members/1/"),
            long_notes.into(),
            t("K7Q2M9XH"),
            t("2023-01-09T18:00:00Z"),
            t("2025-05-01T09:00:00Z"),
            Value::Null,
        ],
        [
            t("mem_BBBB2"),
            t("山田太郎 🎉"),
            Value::Null,
            Value::Null,
            t("newcomer"),
            0.into(),
            Value::Null,
            Value::Null,
            Value::Null,
            t("csv"),
            Value::Null,
            t(""),
            t("B2B2B2B2"),
            t("2024-01-01T00:00:00Z"),
            t("2024-01-01T00:00:00Z"),
            t("2025-06-01T12:00:00Z"),
        ],
        [
            t("mem_CCCC3"),
            t("=HYPERLINK(\"x\")"),
            t("c@example.org"),
            Value::Null,
            t("practitioner"),
            1.into(),
            Value::Null,
            t("2025-03-01T10:00:00Z"),
            Value::Null,
            t("eventbrite"),
            Value::Null,
            t("line one\r\nline two"),
            t("C3C3C3C3"),
            t("2024-03-01T00:00:00Z"),
            t("2025-03-01T10:00:00Z"),
            Value::Null,
        ],
        [
            t("mem_DDDD4"),
            t("D"),
            t("d@example.org"),
            t("0"),
            t("newcomer"),
            0.into(),
            Value::Null,
            Value::Null,
            t("1999-12-31"),
            t("luma"),
            t("https://lu.ma/u/d"),
            t(""),
            t("D4D4D4D4"),
            t("2024-04-01T00:00:00Z"),
            t("2024-04-01T00:00:00Z"),
            Value::Null,
        ],
    ];
    for row in &rows {
        conn.execute(MEMBER, rusqlite::params_from_iter(row.iter()))
            .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO member_role VALUES ('mem_AAAA1', 'organizer'), ('mem_AAAA1', 'volunteer'),
                                        ('mem_CCCC3', 'member');
         INSERT INTO member_tag VALUES ('mem_AAAA1', 'data science'), ('mem_AAAA1', 'a;b'),
                                       ('mem_BBBB2', 'écriture');",
    )
    .unwrap();
}

fn awkward_v2(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO import_mapping VALUES
             ('contact\u{1f}team\u{1f}who', '[{\"header\":\"Who\",\"field\":\"name\"}]',
              '2025-01-01T00:00:00Z');
         INSERT INTO member_erasure VALUES ('2025-02', 'meetup', 3), ('2025-03', 'csv', 1);",
    )
    .unwrap();
}

fn awkward_v3(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO workshop (id, title, description, status, time_zone, venue, online_url,
                               capacity, series_rule, source, ical_uid, ical_sequence, title_key,
                               created_at, updated_at)
         VALUES ('wks_1', 'Rust & Tea <b>', '# Plan\n[a](https://x.org)', 'scheduled',
                 'Europe/Berlin', 'Room 1', NULL, 12, 'FREQ=WEEKLY;COUNT=10', 'manual',
                 'uid-1@guildhall', 3, 'rust & tea', '2025-01-01T00:00:00Z',
                 '2025-01-02T00:00:00Z'),
                ('wks_2', 'Cancelled one', '', 'cancelled', 'America/New_York', NULL,
                 'https://meet.example/x', NULL, NULL, 'import', 'imported@elsewhere', 0,
                 'cancelled one', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
         INSERT INTO workshop_facilitator VALUES ('wks_1', 'mem_AAAA1', 0);
         INSERT INTO workshop_tag VALUES ('wks_1', 'rust');
         INSERT INTO session VALUES
             ('ses_1', 'wks_1', 0, 'Part one', '2025-03-30T00:30:00Z', '2025-03-30T02:00:00Z',
              0, 'uid-1-s@guildhall'),
             ('ses_2', 'wks_2', 0, '', '2025-05-01T00:00:00Z', '2025-05-02T00:00:00Z', 1,
              'imported-s@elsewhere');
         INSERT INTO session_exception VALUES
             ('ses_1', '2025-04-06T00:30:00Z', 'skip', NULL, NULL),
             ('ses_1', '2025-04-13T00:30:00Z', 'move', '2025-04-14T17:00:00Z',
              '2025-04-14T18:30:00Z');",
    )
    .unwrap();
}

fn awkward_v5(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO invitation (id, workshop_id, member_id, role, rsvp, responded_at,
                                 response_source, sent_sequence, sent_summary, removed_at,
                                 created_at, updated_at)
         VALUES ('inv_1', 'wks_1', 'mem_AAAA1', 'facilitator', 'accepted',
                 '2025-02-01T00:00:00Z', 'calendar', 3, 'Sun 30 Mar, Room 1', NULL,
                 '2025-01-05T00:00:00Z', '2025-02-01T00:00:00Z'),
                ('inv_2', 'wks_2', 'mem_AAAA1', 'attendee', 'needs-action', NULL, NULL, NULL,
                 NULL, '2025-01-06T00:00:00Z', '2025-01-05T00:00:00Z',
                 '2025-01-06T00:00:00Z');
         INSERT INTO outbox (id, batch, kind, workshop_id, member_id, sender, recipient,
                             subject, message, message_id, idempotency_key, status, attempts,
                             next_attempt_at, last_error, created_at, updated_at)
         VALUES ('out_1', 'bat_1', 'invitation', 'wks_1', 'mem_AAAA1', 'g@example.org',
                 'a@example.org', 'Come! =1+1', X'0D0A00FF', 'm1@example.org', 'k1', 'unknown',
                 1, '2025-01-05T00:00:00Z', 'cut off', '2025-01-05T00:00:00Z',
                 '2025-01-05T00:00:00Z');
         INSERT INTO reminder VALUES ('wks_1', 'ses_1', '2025-03-30T00:30:00Z', 'missed',
                                      '2025-03-30T01:00:00Z');",
    )
    .unwrap();
}

fn awkward_v6(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO invitation (id, workshop_id, member_id, role, rsvp, responded_at,
                                 response_source, rsvp_comment, waitlisted_at, reply_token,
                                 created_at, updated_at)
         VALUES ('inv_1', 'wks_1', 'mem_AAAA1', 'attendee', 'waitlisted',
                 '2025-02-01T00:00:00Z', 'link', 'If there is room', '2025-02-01T00:00:00Z',
                 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2025-01-05T00:00:00Z',
                 '2025-02-01T00:00:00Z'),
                ('inv_2', 'wks_2', 'mem_AAAA1', 'attendee', 'declined', NULL, NULL, NULL,
                 NULL, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2025-01-06T00:00:00Z',
                 '2025-01-06T00:00:00Z');
         INSERT INTO invitation_date (invitation_id, occurrence, rsvp, responded_at,
                                      response_source, rsvp_comment)
         VALUES ('inv_1', '2025-03-30T16:00:00Z', 'declined', '2025-02-02T00:00:00Z',
                 'calendar', 'Away that week; \"sorry\"'),
                ('inv_1', '2025-04-06T16:00:00Z', 'tentative', '2025-02-03T00:00:00Z',
                 'link', NULL),
                ('inv_2', '2025-03-30T16:00:00Z', 'accepted', '2025-02-04T00:00:00Z',
                 'manual', '');",
    )
    .unwrap();
}

/// Every table's rows, each cell with its column's name.
type Rows = BTreeMap<String, Vec<Vec<(String, Value)>>>;

/// `rows` with only the columns `like` has (a later version added columns), in order.
fn project(
    rows: &[Vec<(String, Value)>],
    like: &[Vec<(String, Value)>],
) -> Vec<Vec<(String, Value)>> {
    let Some(names) = like
        .first()
        .map(|r| r.iter().map(|(n, _)| n).collect::<Vec<_>>())
    else {
        return rows.to_vec();
    };
    let mut out: Vec<Vec<(String, Value)>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .filter(|(n, _)| names.contains(&n))
                .cloned()
                .collect()
        })
        .collect();
    out.sort_by_key(|row| format!("{row:?}"));
    out
}

/// Every row of every table but the migrator's own, in a fixed order.
fn every_row(conn: &Connection) -> Rows {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name <> 'schema_migration' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = Rows::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows: Vec<Vec<(String, Value)>> = stmt
            .query_map([], |r| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| Ok((n.clone(), r.get::<_, Value>(i)?)))
                    .collect()
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort_by_key(|row| format!("{row:?}"));
        out.insert(table, rows);
    }
    out
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_database_of_every_earlier_version_opens_with_every_row_as_it_was() {
    for version in 1..=schema_version() as usize {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = made_by_version(dir.path(), version);
        awkward_members(&conn);
        if version >= 2 {
            awkward_v2(&conn);
        }
        if version >= 3 {
            awkward_v3(&conn);
        }
        if version == 5 {
            // What 0006 rebuilds: its invitations must come through whole.
            awkward_v5(&conn);
        }
        if version == 6 {
            // What 0007 rebuilds: a series' dates answered apart.
            awkward_v6(&conn);
        }
        let before = every_row(&conn);
        drop(conn);

        let ctx = Context::open_in(dir.path(), Clock::system())
            .unwrap_or_else(|e| panic!("version {version}: {e}"));
        let after = ctx.read(|c| Ok(every_row(c))).unwrap();
        for (table, rows) in &before {
            if table == "member_version" {
                // 0004 turned the members' counter into the change feed's, carrying it on.
                let counter = &after["change_counter"];
                let members = counter.iter().find(|r| r[0].1 == t("members"));
                assert_eq!(members.unwrap()[1].1, rows[0][1].1, "version {version}");
                continue;
            }
            if table == "change_counter" {
                // Later migrations add their domains' counters, at 0; the old ones carry on.
                let counter = &after["change_counter"];
                for row in rows {
                    assert!(counter.contains(row), "version {version}: {row:?} kept");
                }
                for row in counter.iter().filter(|r| !rows.contains(r)) {
                    assert_eq!(row[1].1, Value::Integer(0), "version {version}: {row:?}");
                }
                continue;
            }
            // Later versions may add columns (with their own values); the old ones are kept.
            assert_eq!(
                after.get(table).map(|now| project(now, rows)).as_ref(),
                Some(rows),
                "version {version}: table {table} changed"
            );
        }
        // The app reads them, too.
        let query = MemberQuery {
            include_archived: true,
            ..Default::default()
        };
        let listed = ctx.read(|c| members::list(&ctx.search, c, &query)).unwrap();
        assert_eq!(listed.total, 4, "version {version}");
        if version < schema_version() as usize {
            let notes = ctx.db.upgrade_notes();
            assert!(
                notes.iter().any(|n| n.contains("a copy from before")),
                "{notes:?}"
            );
            let copy = PathBuf::from(format!("{}.before-upgrade-from-v{version}", path.display()));
            assert_eq!(mode(&copy), 0o600);
            let copied = Connection::open(&copy).unwrap();
            assert_eq!(
                every_row(&copied),
                before,
                "the copy is the file before the upgrade"
            );
            let v: i64 = copied
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(v, version as i64);
        } else {
            assert!(
                ctx.db.upgrade_notes().is_empty(),
                "nothing to say when current"
            );
        }
        drop(ctx);
        // Opened again: the history is recorded now, and nothing is applied twice.
        let again = Database::open_in(dir.path()).unwrap();
        assert!(again.upgrade_notes().is_empty());
        let history: i64 = again
            .read(|c| Ok(c.query_row("SELECT count(*) FROM schema_migration", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(history, schema_version());
    }
}

#[test]
fn members_sharing_a_profile_url_no_longer_block_the_upgrade_and_the_organizer_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let (_, conn) = made_by_version(dir.path(), 1);
    awkward_members(&conn);
    // Grace was updated last: she keeps the address; Ada loses it.
    conn.execute_batch(
        "UPDATE member SET profile_url = 'https://www.meetup.com/x/members/1/',
                           updated_at = '2026-01-01T00:00:00Z' WHERE id = 'mem_DDDD4';
         UPDATE member SET name = 'Grace' WHERE id = 'mem_DDDD4';
         UPDATE member SET name = 'Ada' WHERE id = 'mem_AAAA1';",
    )
    .unwrap();
    drop(conn);

    let db = Database::open_in(dir.path()).unwrap();
    let urls: Vec<(String, Option<String>)> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT name, profile_url FROM member ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let url_of = |name: &str| urls.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert_eq!(
        url_of("Grace").as_deref(),
        Some("https://www.meetup.com/x/members/1/")
    );
    assert_eq!(url_of("Ada"), None);
    let notes = db.upgrade_notes().join("\n");
    assert!(
        notes.contains("Grace and Ada had the same profile address")
            && notes.contains("merge them"),
        "{notes}"
    );
}

#[test]
fn a_database_whose_history_differs_from_the_files_is_refused_and_left_untouched() {
    // 0002 was once edited: a database from before lacks import_mapping.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let conn = Connection::open(&path).unwrap();
        let (start, end) = {
            let at = FILES[1].find("CREATE TABLE import_mapping").unwrap();
            (
                at,
                at + FILES[1][at..].find(") STRICT;").unwrap() + ") STRICT;".len(),
            )
        };
        let old_0002 = format!("{}{}", &FILES[1][..start], &FILES[1][end..]);
        conn.execute_batch(FILES[0]).unwrap();
        conn.execute_batch(&old_0002).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Database::open_in(dir.path()).unwrap_err();
    assert!(
        matches!(err, CoreError::SchemaMismatch { version: 2, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("table import_mapping is missing") && message.contains("left untouched"),
        "{message}"
    );
    assert!(std::fs::read(&path).unwrap() == before, "left untouched");
    assert!(!dir.path().join(format!("{DB_FILE_NAME}-wal")).exists());

    // A recorded checksum that is not the file's: the migration was edited after it ran.
    let dir = tempfile::tempdir().unwrap();
    drop(Database::open_in(dir.path()).unwrap());
    let path = dir.path().join(DB_FILE_NAME);
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE schema_migration SET checksum = 'edited' WHERE version = 3",
            [],
        )
        .unwrap();
    let err = Database::open_in(dir.path()).unwrap_err().to_string();
    assert!(err.contains("0003_workshops was changed after"), "{err}");

    // A table nobody's migrations make.
    let dir = tempfile::tempdir().unwrap();
    drop(Database::open_in(dir.path()).unwrap());
    Connection::open(dir.path().join(DB_FILE_NAME))
        .unwrap()
        .execute_batch("CREATE TABLE extra (x)")
        .unwrap();
    let err = Database::open_in(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("table extra that the migration files do not make"),
        "{err}"
    );
}

#[test]
fn a_damaged_database_is_called_damaged_with_where_it_is_and_how_to_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (path, conn) = made_by_version(dir.path(), 2);
    awkward_members(&conn);
    drop(conn);
    // An upgrade keeps a copy beside it: the message names it.
    drop(Database::open_in(dir.path()).unwrap());
    // Page 1 after the header holds the schema's b-tree: overwrite it.
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[100..1000] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Database::open_in(dir.path()).unwrap_err();
    assert!(matches!(err, CoreError::DatabaseDamaged { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("is damaged"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("before-upgrade-from-v2"), "{message}");
    assert!(!message.contains("not a Guildhall database"), "{message}");
    assert!(std::fs::read(&path).unwrap() == bytes, "left as it was");

    // A first page overwritten entirely: still our file, still damaged.
    let dir = tempfile::tempdir().unwrap();
    drop(Database::open_in(dir.path()).unwrap());
    let path = dir.path().join(DB_FILE_NAME);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"not sqlite here!");
    std::fs::write(&path, &bytes).unwrap();
    let err = Database::open_in(dir.path()).unwrap_err();
    assert!(matches!(err, CoreError::DatabaseDamaged { .. }), "{err:?}");
}

#[test]
fn the_data_folder_and_every_database_file_are_the_owner_s_only() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let db = Database::open_in(&dir).unwrap();
    db.write(|tx| Ok(tx.execute_batch("UPDATE change_counter SET version = version")?))
        .unwrap();
    let path = dir.join(DB_FILE_NAME);
    let wal = dir.join(format!("{DB_FILE_NAME}-wal"));
    let shm = dir.join(format!("{DB_FILE_NAME}-shm"));
    assert_eq!(mode(&dir), 0o700);
    for file in [&path, &wal, &shm] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    drop(db);

    // Files an older Guildhall left world-readable are made private when opened.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _db = Database::open_in(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);
}
