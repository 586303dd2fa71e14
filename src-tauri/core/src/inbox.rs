//! The organizer's IMAP inbox, where answers come back: its settings, how far Guildhall has
//! read it, and applying what a check fetched. The connection itself is the mail crate's
//! (`guildhall_mail::imap`); nothing here opens a socket.
//!
//! Reading is by UID: each check asks only for messages above the last one read (in the same
//! UIDVALIDITY), so mail Guildhall leaves alone is neither flagged nor read again. A folder
//! read for the first time (or whose UIDVALIDITY changed) is read back [`FIRST_LOOK_DAYS`].

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::rsvp::{self, Origin, Parsed, ReplyOutcome, ReplyReport};
use crate::settings::{is_loopback, Security};
use crate::time::stamp;

/// How far back a first check looks.
pub const FIRST_LOOK_DAYS: i64 = 60;
/// The IMAP keyword put on every message Guildhall applied (RFC 3501 §2.3.2: a keyword is an
/// atom; `$` marks it as a client's own).
pub const APPLIED_KEYWORD: &str = "$GuildhallApplied";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// The folder answers arrive in ("INBOX").
    pub folder: String,
}

/// How far a folder was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub uid_validity: u32,
    pub last_uid: u32,
}

fn invalid(field: &'static str, message: impl Into<String>) -> CoreError {
    CoreError::Validation {
        field,
        message: message.into(),
    }
}

fn visible_line(value: &str, field: &'static str, what: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, format!("Give {what}.")));
    }
    if value
        .chars()
        .any(|c| c.is_control() || crate::text::is_hidden(c))
        || value.chars().count() > max
    {
        return Err(invalid(
            field,
            format!("{what} is one line of at most {max} visible characters."),
        ));
    }
    Ok(value.to_owned())
}

/// The settings as they may be saved, or what is wrong, on its field.
pub fn check(input: &InboxSettings) -> Result<InboxSettings> {
    let host = visible_line(&input.host, "host", "the IMAP server's name", 253)?;
    if host.contains(char::is_whitespace) || host.contains('/') {
        return Err(invalid(
            "host",
            "Give the IMAP server's name, like imap.example.org.",
        ));
    }
    if input.port == 0 {
        return Err(invalid("port", "A port is a number from 1 to 65535."));
    }
    if input.security == Security::None && !is_loopback(&host) {
        return Err(invalid(
            "security",
            "Without encryption your password and your members' answers would cross the \
             network readable by anyone on the way; choose TLS or STARTTLS (a plain connection \
             is only for a server on this computer).",
        ));
    }
    let user = visible_line(&input.user, "user", "the login", 320)?;
    let folder = visible_line(&input.folder, "folder", "the folder", 200)?;
    if folder.contains(['"', '\\']) {
        return Err(invalid(
            "folder",
            "A folder name has no quotes or backslashes.",
        ));
    }
    Ok(InboxSettings {
        host,
        port: input.port,
        security: input.security,
        user,
        folder,
    })
}

/// The inbox settings, if saved.
pub fn settings(conn: &Connection) -> Result<Option<InboxSettings>> {
    Ok(conn
        .query_row(
            "SELECT host, port, security, user, folder FROM inbox_setting WHERE id = 1",
            [],
            |r| {
                let security: String = r.get(2)?;
                Ok(InboxSettings {
                    host: r.get(0)?,
                    port: r.get(1)?,
                    security: Security::parse(&security)
                        .ok_or_else(|| crate::sql::bad_value(2, "security", &security))?,
                    user: r.get(3)?,
                    folder: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Saves the settings (checked). Another server, login or folder starts reading afresh.
pub fn save(tx: &Transaction, input: &InboxSettings, now: Timestamp) -> Result<InboxSettings> {
    let s = check(input)?;
    let same_place = settings(tx)?.is_some_and(|old| {
        old.host.eq_ignore_ascii_case(&s.host) && old.user == s.user && old.folder == s.folder
    });
    tx.execute(
        "INSERT INTO inbox_setting (id, host, port, security, user, folder, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET host = ?1, port = ?2, security = ?3, user = ?4,
             folder = ?5, updated_at = ?6",
        params![
            s.host,
            s.port,
            s.security.as_str(),
            s.user,
            s.folder,
            stamp(now)
        ],
    )?;
    if !same_place {
        tx.execute(
            "UPDATE inbox_setting SET uid_validity = NULL, last_uid = NULL WHERE id = 1",
            [],
        )?;
    }
    Ok(s)
}

/// How far the folder was read, if it was.
pub fn cursor(conn: &Connection) -> Result<Option<Cursor>> {
    Ok(conn
        .query_row(
            "SELECT uid_validity, last_uid FROM inbox_setting
             WHERE id = 1 AND uid_validity IS NOT NULL AND last_uid IS NOT NULL",
            [],
            |r| {
                Ok(Cursor {
                    uid_validity: r.get(0)?,
                    last_uid: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// One message a check fetched.
pub struct Fetched {
    pub uid: u32,
    pub bytes: Vec<u8>,
}

/// What applying a batch did: the UIDs to mark as applied, and each message's report.
#[derive(Debug, Default)]
pub struct Applied {
    pub to_mark: Vec<u32>,
    pub reports: Vec<ReplyReport>,
}

/// Applies a batch of fetched messages in one transaction and moves the cursor past them, so
/// a check cut off later starts after this batch (and one cut off inside it reads it again,
/// which changes nothing twice: each reply is applied once).
pub fn apply_batch(
    tx: &Transaction,
    uid_validity: u32,
    batch: &[Fetched],
    now: Timestamp,
) -> Result<Applied> {
    let mut applied = Applied::default();
    for message in batch {
        let parsed: Parsed = rsvp::parse::mail(&message.bytes);
        let report = rsvp::apply(tx, &parsed, Origin::Inbox, now)?;
        if report.outcome == ReplyOutcome::Applied {
            applied.to_mark.push(message.uid);
        }
        applied.reports.push(report);
    }
    if let Some(last) = batch.iter().map(|m| m.uid).max() {
        tx.execute(
            "UPDATE inbox_setting SET uid_validity = ?1,
                 last_uid = max(coalesce(CASE WHEN uid_validity = ?1 THEN last_uid END, 0), ?2)
             WHERE id = 1",
            params![uid_validity, last],
        )?;
    }
    Ok(applied)
}

/// Records the end of a check: when, the problem if it failed (`None`: it worked), and how far
/// the folder now counts as read (every UID below its UIDNEXT when the check began: messages
/// older than the first look stay unread by design).
pub fn finish_check(
    tx: &Transaction,
    read_up_to: Option<Cursor>,
    problem: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        "UPDATE inbox_setting SET checked_at = ?1, last_error = ?2 WHERE id = 1",
        params![stamp(now), problem],
    )?;
    if let Some(c) = read_up_to {
        tx.execute(
            "UPDATE inbox_setting SET uid_validity = ?1,
                 last_uid = max(coalesce(CASE WHEN uid_validity = ?1 THEN last_uid END, 0), ?2)
             WHERE id = 1",
            params![c.uid_validity, c.last_uid],
        )?;
    }
    Ok(())
}

/// What one check did, in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxReport {
    /// Messages read this time.
    pub read: u32,
    pub applied: u32,
    pub held: u32,
    pub unmatched: u32,
    /// Not replies: left alone.
    pub ignored: u32,
    /// Why the check could not finish, in words.
    pub problem: Option<String>,
}

impl InboxReport {
    pub fn count(&mut self, report: &ReplyReport) {
        self.read += 1;
        match report.outcome {
            ReplyOutcome::Applied => self.applied += 1,
            ReplyOutcome::Held => self.held += 1,
            ReplyOutcome::Unmatched => self.unmatched += 1,
            ReplyOutcome::Ignored | ReplyOutcome::AlreadyRead => self.ignored += 1,
        }
    }
}
