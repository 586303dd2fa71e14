//! Invitations as one action each: inviting an audience, sending the update, cancelling,
//! uninviting one person. Each writes its invitations and every mail it makes into the outbox
//! in the caller's one transaction, so a mail exists exactly when its invitation does.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::audience;
use super::compose::{self, Purpose, Recipient};
use super::mail::mail;
use super::model::{Audience, Invitation, InvitationOverview, InviteRole, Queued, Rsvp};
use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::outbox;
use crate::settings::{self, MailSettings};
use crate::sql::bad_value;
use crate::time::stamp;
use crate::workshops::{self, Workshop, WorkshopStatus};

/// An invitation row with what its mails need of the member.
struct Row {
    id: String,
    member_id: String,
    name: String,
    email: Option<String>,
    check_in_code: String,
    reply_token: String,
    role: InviteRole,
    rsvp: Rsvp,
    sent_sequence: Option<u32>,
    sent_summary: Option<String>,
    removed: bool,
    /// May get mail now (email, consent, not unsubscribed, not archived).
    mailable: bool,
}

const SELECT_ROW: &str = "SELECT i.id, i.member_id, m.name, m.email, m.check_in_code, i.role,
        i.rsvp, i.sent_sequence, i.sent_summary, i.removed_at IS NOT NULL,
        m.email IS NOT NULL AND m.email_consent = 1 AND m.unsubscribed_at IS NULL
            AND m.email_bounced_at IS NULL AND m.archived_at IS NULL,
        i.reply_token
    FROM invitation i JOIN member m ON m.id = i.member_id";

/// Every invitation of the workshop, facilitators first, then by name.
fn rows(conn: &Connection, workshop_id: &str) -> Result<Vec<Row>> {
    rows_where(
        conn,
        "i.workshop_id = ?1 ORDER BY i.role = 'attendee', m.name_key, m.id",
        workshop_id,
    )
}

/// One invitation by its id.
fn row(conn: &Connection, id: &str) -> Result<Row> {
    rows_where(conn, "i.id = ?1", id)?
        .pop()
        .ok_or_else(|| CoreError::not_found("invitation", id))
}

fn rows_where(conn: &Connection, filter: &str, value: &str) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_ROW} WHERE {filter}"))?;
    let rows = stmt.query_map([value], |r| {
        let role: String = r.get(5)?;
        let rsvp: String = r.get(6)?;
        Ok(Row {
            id: r.get(0)?,
            member_id: r.get(1)?,
            name: r.get(2)?,
            email: r.get(3)?,
            check_in_code: r.get(4)?,
            role: InviteRole::parse(&role).ok_or_else(|| bad_value(5, "role", &role))?,
            rsvp: Rsvp::parse(&rsvp).ok_or_else(|| bad_value(6, "rsvp", &rsvp))?,
            sent_sequence: r.get(7)?,
            sent_summary: r.get(8)?,
            removed: r.get(9)?,
            mailable: r.get(10)?,
            reply_token: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What one action queues, before it is written.
struct Sending<'a> {
    workshop: &'a Workshop,
    templates: (super::template::Template, super::template::Template),
    settings: MailSettings,
    batch: String,
    now: Timestamp,
    summary: String,
    mails: u32,
    people: u32,
}

impl<'a> Sending<'a> {
    fn new(conn: &Connection, workshop: &'a Workshop, now: Timestamp) -> Result<Self> {
        let settings = settings::mail_required(conn)?;
        let (mail, _) = mail(conn, &workshop.id)?;
        Ok(Sending {
            workshop,
            templates: compose::templates(&mail)?,
            settings,
            batch: crate::ids::batch_id(),
            now,
            summary: compose::summary(workshop)?,
            mails: 0,
            people: 0,
        })
    }

    /// Queues `purpose` for `row` (one mail per session) at `sequence`, and records what their
    /// calendar now has.
    fn queue(
        &mut self,
        tx: &Transaction,
        row: &Row,
        purpose: Purpose,
        sequence: u32,
    ) -> Result<()> {
        let Some(email) = row.email.as_deref() else {
            return Ok(());
        };
        let to = Recipient {
            member_id: &row.member_id,
            name: &row.name,
            email,
            check_in_code: &row.check_in_code,
            role: row.role,
            rsvp: row.rsvp,
            invitation_id: &row.id,
            reply_token: &row.reply_token,
        };
        let mut queued_any = false;
        // A calendar is one UID a message: one mail per session. A mail without one is one.
        let sessions = if purpose.has_calendar() {
            self.workshop.sessions.len()
        } else {
            1
        };
        for index in 0..sessions {
            let mut mail = compose::mail(
                self.workshop,
                index,
                &to,
                &self.templates,
                &self.settings,
                purpose,
                sequence,
                self.now,
            )?;
            if purpose.repeats() {
                mail.idempotency_key.push(':');
                mail.idempotency_key.push_str(&self.batch);
            }
            if outbox::store::enqueue(tx, &self.batch, &mail, self.now)? {
                self.mails += 1;
                queued_any = true;
            }
        }
        if queued_any {
            self.people += 1;
        }
        if purpose != Purpose::Reminder && purpose.has_calendar() {
            tx.prepare_cached(
                "UPDATE invitation SET sent_sequence = ?2, sent_summary = ?3, updated_at = ?4
                 WHERE id = ?1",
            )?
            .execute(params![row.id, sequence, self.summary, stamp(self.now)])?;
        }
        Ok(())
    }

    fn done(self, left_out: Vec<super::model::LeftOut>) -> Queued {
        Queued {
            people: self.people,
            mails: self.mails,
            left_out,
        }
    }
}

fn sendable(workshop: &Workshop) -> Result<()> {
    if workshop.status == WorkshopStatus::Cancelled {
        return Err(CoreError::invalid(
            "status",
            "This workshop is cancelled; restore it before inviting anyone.",
        ));
    }
    if workshop.sessions.is_empty() {
        return Err(CoreError::invalid(
            "sessions",
            "Give the workshop a date before inviting anyone.",
        ));
    }
    Ok(())
}

/// Invites everyone `audience` gives who is not invited yet (facilitators as facilitators):
/// one invitation each and its mails in the outbox, in this transaction.
pub fn invite(
    tx: &Transaction,
    workshop_id: &str,
    audience: &Audience,
    clock: &Clock,
) -> Result<Queued> {
    let workshop = workshops::get(tx, workshop_id)?;
    sendable(&workshop)?;
    let now = clock.now();
    let mut sending = Sending::new(tx, &workshop, now)?;
    let preview = audience::preview(tx, workshop_id, audience)?;
    let now_text = stamp(now);
    for invitee in &preview.invitees {
        // A person uninvited before comes back: their calendar had a CANCEL at their last
        // sequence, so the new REQUEST must be above it.
        let earlier: Option<(String, Option<u32>)> = tx
            .prepare_cached(
                "SELECT id, sent_sequence FROM invitation WHERE workshop_id = ?1 AND member_id = ?2",
            )?
            .query_row(
                params![workshop_id, invitee.member_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (id, sequence) = match earlier {
            Some((id, sent)) => {
                tx.prepare_cached(
                    "UPDATE invitation SET removed_at = NULL, role = ?2, rsvp = 'needs-action',
                         responded_at = NULL, response_source = NULL, updated_at = ?3
                     WHERE id = ?1",
                )?
                .execute(params![id, invitee.role.as_str(), now_text])?;
                let seq = sent.map_or(workshop.ical_sequence, |s| {
                    workshop.ical_sequence.max(s + 1)
                });
                (id, seq)
            }
            None => {
                let id = crate::ids::invitation_id();
                tx.prepare_cached(
                    "INSERT INTO invitation (id, workshop_id, member_id, role, reply_token,
                         created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                )?
                .execute(params![
                    id,
                    workshop_id,
                    invitee.member_id,
                    invitee.role.as_str(),
                    crate::ids::reply_token(),
                    now_text
                ])?;
                (id, workshop.ical_sequence)
            }
        };
        let row = row(tx, &id)?;
        sending.queue(tx, &row, Purpose::Invitation, sequence)?;
    }
    Ok(sending.done(preview.left_out))
}

/// Sends the update to everyone whose calendar has an older version of the workshop.
pub fn send_update(tx: &Transaction, workshop_id: &str, clock: &Clock) -> Result<Queued> {
    let workshop = workshops::get(tx, workshop_id)?;
    sendable(&workshop)?;
    let behind: Vec<Row> = rows(tx, workshop_id)?
        .into_iter()
        .filter(|r| {
            !r.removed && r.mailable && r.sent_sequence.is_some_and(|s| s < workshop.ical_sequence)
        })
        .collect();
    if behind.is_empty() {
        return Ok(Queued::default());
    }
    let mut sending = Sending::new(tx, &workshop, clock.now())?;
    for row in &behind {
        sending.queue(tx, row, Purpose::Update, workshop.ical_sequence)?;
    }
    Ok(sending.done(Vec::new()))
}

/// Cancels the workshop (its SEQUENCE rises) and sends METHOD:CANCEL to everyone it was sent
/// to; mails to them not sent yet are cancelled first.
pub fn cancel_workshop(tx: &Transaction, workshop_id: &str, clock: &Clock) -> Result<Queued> {
    let before = workshops::get(tx, workshop_id)?;
    if before.status == WorkshopStatus::Cancelled {
        return Err(CoreError::invalid(
            "status",
            "This workshop is cancelled already.",
        ));
    }
    let workshop = workshops::set_status(tx, workshop_id, WorkshopStatus::Cancelled, clock)?;
    tx.execute(
        "UPDATE outbox SET status = 'cancelled', updated_at = ?2
         WHERE workshop_id = ?1 AND status IN ('queued', 'retry')",
        params![workshop_id, clock.stamp()],
    )?;
    // Cancellations go even to those who unsubscribed since: their calendar must lose it.
    let told: Vec<Row> = rows(tx, workshop_id)?
        .into_iter()
        .filter(|r| !r.removed && r.sent_sequence.is_some())
        .collect();
    if told.is_empty() {
        return Ok(Queued::default());
    }
    let mut sending = Sending::new(tx, &workshop, clock.now())?;
    for row in &told {
        let sent = row.sent_sequence.unwrap_or_default();
        sending.queue(tx, row, Purpose::Cancel, workshop.ical_sequence.max(sent))?;
    }
    Ok(sending.done(Vec::new()))
}

/// Uninvites one person: their invitation is marked removed and, if anything was sent to them,
/// a CANCEL goes to them alone (one SEQUENCE above what their calendar has).
pub fn remove(
    tx: &Transaction,
    workshop_id: &str,
    member_id: &str,
    clock: &Clock,
) -> Result<Queued> {
    let workshop = workshops::get(tx, workshop_id)?;
    let row = rows(tx, workshop_id)?
        .into_iter()
        .find(|r| r.member_id == member_id && !r.removed)
        .ok_or_else(|| CoreError::not_found("invitation", member_id))?;
    tx.execute(
        "UPDATE invitation SET removed_at = ?2, updated_at = ?2 WHERE id = ?1",
        params![row.id, clock.stamp()],
    )?;
    tx.execute(
        "UPDATE outbox SET status = 'cancelled', updated_at = ?3
         WHERE workshop_id = ?1 AND member_id = ?2 AND status IN ('queued', 'retry')",
        params![workshop_id, member_id, clock.stamp()],
    )?;
    let Some(sent) = row.sent_sequence else {
        return Ok(Queued::default());
    };
    let mut sending = Sending::new(tx, &workshop, clock.now())?;
    sending.queue(
        tx,
        &row,
        Purpose::Cancel,
        workshop.ical_sequence.max(sent) + 1,
    )?;
    Ok(sending.done(Vec::new()))
}

/// Queues one mail of `purpose` (the waitlist notice, a promotion) to the person of
/// `invitation_id`, if they may get mail; returns how many mails were queued.
pub fn queue_one(
    tx: &Transaction,
    invitation_id: &str,
    purpose: Purpose,
    now: Timestamp,
) -> Result<u32> {
    let row = row(tx, invitation_id)?;
    if row.removed || !row.mailable {
        return Ok(0);
    }
    let workshop_id: String = tx.query_row(
        "SELECT workshop_id FROM invitation WHERE id = ?1",
        [invitation_id],
        |r| r.get(0),
    )?;
    let workshop = workshops::get(tx, &workshop_id)?;
    let mut sending = Sending::new(tx, &workshop, now)?;
    let sequence = workshop
        .ical_sequence
        .max(row.sent_sequence.unwrap_or_default());
    sending.queue(tx, &row, purpose, sequence)?;
    Ok(sending.mails)
}

/// The workshop's invitations and whether calendars are behind.
pub fn overview(conn: &Connection, workshop_id: &str) -> Result<InvitationOverview> {
    let workshop = workshops::get(conn, workshop_id)?;
    let (mail, mail_saved) = mail(conn, workshop_id)?;
    let current_summary = compose::summary(&workshop)?;
    let mut outdated = 0;
    let mut old: HashMap<String, u32> = HashMap::new();
    let invitations = rows(conn, workshop_id)?
        .into_iter()
        .map(|r| {
            let behind = !r.removed
                && workshop.status != WorkshopStatus::Cancelled
                && r.sent_sequence.is_some_and(|s| s < workshop.ical_sequence);
            if behind {
                outdated += 1;
                if let Some(s) = &r.sent_summary {
                    *old.entry(s.clone()).or_default() += 1;
                }
            }
            Invitation {
                id: r.id,
                member_id: r.member_id,
                name: r.name,
                email: r.email,
                role: r.role,
                rsvp: r.rsvp,
                sent_sequence: r.sent_sequence,
                outdated: behind,
                removed: r.removed,
            }
        })
        .collect();
    let sent_summary = old
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(s, _)| s);
    Ok(InvitationOverview {
        workshop_id: workshop_id.to_owned(),
        mail,
        mail_saved,
        invitations,
        outdated,
        sent_summary,
        current_summary,
    })
}
