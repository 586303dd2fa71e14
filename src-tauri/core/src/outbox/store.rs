//! The outbox table: enqueued in the caller's transaction, claimed one message at a time by
//! the sender, marked with the server's answer.
//!
//! States: `queued` → `sending` (claimed, in a commit of its own, before the data goes out) →
//! `sent` | `retry` (a temporary failure; due again at `next_attempt_at`) | `failed` (refused
//! for good, or too many tries) | `unknown` (the sender stopped between handing the message
//! over and the server's answer). `unknown` and `failed` go back to `queued` only when the
//! organizer asks ([`send_again`]); `queued`/`retry` become `cancelled` when they cancel.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sql::bad_value;
use crate::time::stamp;

/// What a mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MailKind {
    Invitation,
    Update,
    Cancel,
    Reminder,
    Test,
    /// The workshop is full: the member waits for a place.
    Waitlist,
    /// A place came free: the member has it, with the calendar invitation.
    Promotion,
    /// "We have your answer", when the organizer chose to confirm answers.
    Confirmation,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Update => "update",
            MailKind::Cancel => "cancel",
            MailKind::Reminder => "reminder",
            MailKind::Test => "test",
            MailKind::Waitlist => "waitlist",
            MailKind::Promotion => "promotion",
            MailKind::Confirmation => "confirmation",
        }
    }

    pub fn parse(s: &str) -> Option<MailKind> {
        [
            MailKind::Invitation,
            MailKind::Update,
            MailKind::Cancel,
            MailKind::Reminder,
            MailKind::Test,
            MailKind::Waitlist,
            MailKind::Promotion,
            MailKind::Confirmation,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Where a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MailStatus {
    Queued,
    Sending,
    Retry,
    Sent,
    Failed,
    Unknown,
    Cancelled,
}

impl MailStatus {
    pub const ALL: [MailStatus; 7] = [
        MailStatus::Queued,
        MailStatus::Sending,
        MailStatus::Retry,
        MailStatus::Sent,
        MailStatus::Failed,
        MailStatus::Unknown,
        MailStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sending => "sending",
            MailStatus::Retry => "retry",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
            MailStatus::Unknown => "unknown",
            MailStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<MailStatus> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A rendered mail, ready for the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: MailKind,
    pub workshop_id: Option<String>,
    pub member_id: Option<String>,
    /// The envelope's MAIL FROM.
    pub sender: String,
    /// The envelope's one RCPT TO.
    pub recipient: String,
    pub subject: String,
    /// The whole message, CRLF line ends.
    pub message: Vec<u8>,
    pub message_id: String,
    /// The same key is never queued twice: asking again to send what is already in the
    /// outbox does nothing.
    pub idempotency_key: String,
}

/// Puts `mail` in the outbox in the caller's transaction; `false` when a mail with its
/// idempotency key is there already.
pub fn enqueue(tx: &Transaction, batch: &str, mail: &NewMail, now: Timestamp) -> Result<bool> {
    let now = stamp(now);
    let id = crate::ids::outbox_id();
    let inserted = tx
        .prepare_cached(
            "INSERT INTO outbox (id, batch, kind, workshop_id, member_id, sender, recipient,
                 subject, message, message_id, idempotency_key, status, next_attempt_at,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'queued', ?12, ?12, ?12)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )?
        .execute(params![
            id,
            batch,
            mail.kind.as_str(),
            mail.workshop_id,
            mail.member_id,
            mail.sender,
            mail.recipient,
            mail.subject,
            mail.message,
            mail.message_id,
            mail.idempotency_key,
            now,
        ])?;
    Ok(inserted == 1)
}

/// A mail the sender has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
    /// Counting this one.
    pub attempts: u32,
}

/// Claims the next due mail (oldest first): `sending`, one more attempt, committed by the
/// caller before the mail goes out.
pub fn claim_next(tx: &Transaction, now: Timestamp) -> Result<Option<Claimed>> {
    let now = stamp(now);
    let claimed = tx
        .prepare_cached(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?1
             WHERE id = (
                 -- The oldest due mail of each state, each read in order from outbox_due
                 -- (status, next_attempt_at) without sorting the queue; then the older one.
                 SELECT id FROM (
                     SELECT * FROM (SELECT id, next_attempt_at FROM outbox
                                    WHERE status = 'queued' AND next_attempt_at <= ?1
                                    ORDER BY next_attempt_at LIMIT 1)
                     UNION ALL
                     SELECT * FROM (SELECT id, next_attempt_at FROM outbox
                                    WHERE status = 'retry' AND next_attempt_at <= ?1
                                    ORDER BY next_attempt_at LIMIT 1))
                 ORDER BY next_attempt_at LIMIT 1)
             RETURNING id, sender, recipient, message, attempts",
        )?
        .query_row([&now], |r| {
            Ok(Claimed {
                id: r.get(0)?,
                sender: r.get(1)?,
                recipient: r.get(2)?,
                message: r.get(3)?,
                attempts: r.get(4)?,
            })
        })
        .optional()?;
    Ok(claimed)
}

/// Whether a mail is due now, and else when the next one is.
pub fn next_due(conn: &Connection) -> Result<Option<Timestamp>> {
    let at: Option<String> = conn
        .query_row(
            "SELECT min(next_attempt_at) FROM outbox WHERE status IN ('queued', 'retry')",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(at.map(|a| crate::time::parse_stamp(&a)).transpose()?)
}

/// What became of a claimed mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        reply: String,
    },
    /// Try again at `at`.
    Retry {
        error: String,
        at: Timestamp,
    },
    Failed {
        error: String,
    },
    Unknown {
        error: String,
    },
}

pub fn record(tx: &Transaction, id: &str, outcome: &Outcome, now: Timestamp) -> Result<()> {
    let now_text = stamp(now);
    let mut stmt = tx.prepare_cached(
        "UPDATE outbox SET status = ?2, last_error = ?3, server_reply = ?4, next_attempt_at = ?5,
             sent_at = ?6, updated_at = ?7
         WHERE id = ?1 AND status = 'sending'",
    )?;
    let (status, error, reply, next, sent_at) = match outcome {
        Outcome::Sent { reply } => ("sent", None, Some(reply.as_str()), now, Some(&now_text)),
        Outcome::Retry { error, at } => ("retry", Some(error.as_str()), None, *at, None),
        Outcome::Failed { error } => ("failed", Some(error.as_str()), None, now, None),
        Outcome::Unknown { error } => ("unknown", Some(error.as_str()), None, now, None),
    };
    stmt.execute(params![
        id,
        status,
        error,
        reply,
        stamp(next),
        sent_at,
        now_text
    ])?;
    Ok(())
}

/// The words shown for a mail whose sender stopped mid-delivery.
pub const INTERRUPTED: &str = "Guildhall stopped while this mail was being handed to the mail \
     server, so it may or may not have arrived. Check with the recipient, or send it again.";

/// Marks every `sending` mail `unknown`: called by a sender that has just taken the send lock,
/// so no live sender holds them (see `deliver::SendLock`). Returns how many.
pub fn mark_interrupted(tx: &Transaction, now: Timestamp) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE outbox SET status = 'unknown', last_error = ?1, updated_at = ?2
         WHERE status = 'sending'",
        params![INTERRUPTED, stamp(now)],
    )?)
}

/// Which mails [`send_again`] and [`cancel`] act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum MailSelection {
    /// These mails.
    Ids { ids: Vec<String> },
    /// Every mail in this state.
    Status { status: MailStatus },
}

fn select(selection: &MailSelection, allowed: &[&str]) -> (String, Vec<String>) {
    let allowed = allowed
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    match selection {
        MailSelection::Ids { ids } => (
            format!(
                "status IN ({allowed}) AND id IN ({})",
                vec!["?"; ids.len().max(1)].join(", ")
            ),
            if ids.is_empty() {
                vec![String::new()]
            } else {
                ids.clone()
            },
        ),
        MailSelection::Status { status } => (
            format!("status IN ({allowed}) AND status = ?"),
            vec![status.as_str().to_owned()],
        ),
    }
}

/// Puts `unknown` or `failed` mails back in the queue, as the organizer asked. Returns how
/// many.
pub fn send_again(tx: &Transaction, selection: &MailSelection, now: Timestamp) -> Result<usize> {
    let (filter, mut values) = select(selection, &["unknown", "failed"]);
    let now = stamp(now);
    values.insert(0, now);
    // A bare `?` after `?1` is `?2`, and so on.
    let sql = format!(
        "UPDATE outbox SET status = 'queued', next_attempt_at = ?1, updated_at = ?1 WHERE {filter}"
    );
    Ok(tx.execute(&sql, rusqlite::params_from_iter(values.iter()))?)
}

/// Cancels mails not sent yet (`queued`, `retry`). Returns how many.
pub fn cancel(tx: &Transaction, selection: &MailSelection, now: Timestamp) -> Result<usize> {
    let (filter, mut values) = select(selection, &["queued", "retry"]);
    values.insert(0, stamp(now));
    let sql = format!("UPDATE outbox SET status = 'cancelled', updated_at = ?1 WHERE {filter}");
    Ok(tx.execute(&sql, rusqlite::params_from_iter(values.iter()))?)
}

/// How many mails are in each state, and the progress of what is being sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutboxCounts {
    pub queued: u32,
    pub sending: u32,
    pub retry: u32,
    pub sent: u32,
    pub failed: u32,
    pub unknown: u32,
    pub cancelled: u32,
    /// Of the batches that still have mail to send: how many mails they hold, and how many
    /// of those are done (sent, failed, unknown or cancelled). 0 and 0 when nothing is left.
    pub batch_total: u32,
    pub batch_done: u32,
}

pub fn counts(conn: &Connection) -> Result<OutboxCounts> {
    let mut counts = OutboxCounts::default();
    let mut stmt = conn.prepare_cached("SELECT status, count(*) FROM outbox GROUP BY status")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    for row in rows {
        let (status, n) = row?;
        match MailStatus::parse(&status) {
            Some(MailStatus::Queued) => counts.queued = n,
            Some(MailStatus::Sending) => counts.sending = n,
            Some(MailStatus::Retry) => counts.retry = n,
            Some(MailStatus::Sent) => counts.sent = n,
            Some(MailStatus::Failed) => counts.failed = n,
            Some(MailStatus::Unknown) => counts.unknown = n,
            Some(MailStatus::Cancelled) => counts.cancelled = n,
            None => return Err(bad_value(0, "mail status", &status).into()),
        }
    }
    let (total, done): (u32, u32) = conn.query_row(
        "SELECT count(*), coalesce(sum(status IN ('sent', 'failed', 'unknown', 'cancelled')), 0)
         FROM outbox WHERE batch IN (SELECT DISTINCT batch FROM outbox
                                     WHERE status IN ('queued', 'sending', 'retry'))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    counts.batch_total = total;
    counts.batch_done = done;
    Ok(counts)
}

/// One mail, as the outbox list shows it (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MailSummary {
    pub id: String,
    pub kind: MailKind,
    pub status: MailStatus,
    pub recipient: String,
    pub subject: String,
    pub attempts: u32,
    /// The server's words (or ours) for a mail that was not sent.
    pub error: Option<String>,
    pub updated_at: String,
}

/// The mails in `statuses`, newest first, at most `limit`.
pub fn list(conn: &Connection, statuses: &[MailStatus], limit: u32) -> Result<Vec<MailSummary>> {
    let marks = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT id, kind, status, recipient, subject, attempts, last_error, updated_at
         FROM outbox WHERE status IN ({marks}) ORDER BY updated_at DESC, id LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], |r| {
        let kind: String = r.get(1)?;
        let status: String = r.get(2)?;
        Ok(MailSummary {
            id: r.get(0)?,
            kind: MailKind::parse(&kind).ok_or_else(|| bad_value(1, "mail kind", &kind))?,
            status: MailStatus::parse(&status)
                .ok_or_else(|| bad_value(2, "mail status", &status))?,
            recipient: r.get(3)?,
            subject: r.get(4)?,
            attempts: r.get(5)?,
            error: r.get(6)?,
            updated_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The delay before try number `attempt + 1` after `attempt` temporary failures: 1 minute,
/// then doubling, at most an hour.
pub fn backoff(attempt: u32) -> SignedDuration {
    let minutes = 1i64 << attempt.saturating_sub(1).min(6);
    SignedDuration::from_mins(minutes.min(60))
}

/// Temporary failures after which a mail is failed for good.
pub const MAX_ATTEMPTS: u32 = 8;
