//! Reminders: N minutes before each date of a workshop (its mail's setting, 24 hours unless
//! changed), a mail to everyone invited who has not declined. Computed from the dates as they
//! are when due, so a workshop that moves is reminded at its new time; each date is handled
//! once (`reminder`). A reminder whose moment passed while Guildhall was closed goes out only
//! if its date has not begun; otherwise it is marked missed.

use jiff::SignedDuration;
use rusqlite::{params, Transaction};

use super::compose::{self, Purpose, Recipient};
use super::model::{InviteRole, Rsvp};
use crate::clock::Clock;
use crate::error::Result;
use crate::outbox;
use crate::settings;
use crate::time::{parse_stamp, stamp};
use crate::workshops::{self, WorkshopStatus};

/// Dates whose reminder is looked at: begun at most this long ago (older ones are history).
const LOOK_BACK: SignedDuration = SignedDuration::from_hours(24 * 7);

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderPass {
    pub mails: u32,
    pub missed: u32,
}

/// Queues every reminder that is due now; marks missed the ones whose date has begun.
pub fn queue_due(tx: &Transaction, clock: &Clock) -> Result<ReminderPass> {
    let now = clock.now();
    let mut pass = ReminderPass::default();
    let Some(settings) = settings::mail(tx)? else {
        return Ok(pass);
    };
    let candidates: Vec<(String, u32, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT w.id, im.remind_before_minutes,
                    (SELECT min(created_at) FROM invitation i
                     WHERE i.workshop_id = w.id AND i.sent_sequence IS NOT NULL)
             FROM workshop w JOIN invitation_mail im ON im.workshop_id = w.id
             WHERE im.remind_before_minutes IS NOT NULL AND w.status != 'cancelled'
               AND EXISTS (SELECT 1 FROM invitation i WHERE i.workshop_id = w.id
                           AND i.sent_sequence IS NOT NULL AND i.removed_at IS NULL)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (workshop_id, minutes, first_invited) in candidates {
        let before = SignedDuration::from_mins(i64::from(minutes));
        let first_invited = parse_stamp(&first_invited)?;
        let workshop = workshops::get(tx, &workshop_id)?;
        if workshop.status == WorkshopStatus::Cancelled {
            continue;
        }
        let (mail, _) = super::mail::mail(tx, &workshop_id)?;
        let templates = compose::templates(&mail)?;
        let occurrences =
            workshops::workshop_occurrences(&workshop, now - LOOK_BACK, now + before)?;
        for o in occurrences {
            let start = parse_stamp(&o.start)?;
            if start > now + before || start < now - LOOK_BACK {
                continue;
            }
            let moment = start - before;
            if moment < first_invited {
                // Invited after the reminder's moment: there was nothing to remind of.
                continue;
            }
            let done: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM reminder WHERE workshop_id = ?1 AND session_id = ?2
                                AND starts_at = ?3)",
                params![workshop_id, o.session_id, o.start],
                |r| r.get(0),
            )?;
            if done {
                continue;
            }
            let status = if start <= now { "missed" } else { "queued" };
            tx.execute(
                "INSERT INTO reminder (workshop_id, session_id, starts_at, status, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![workshop_id, o.session_id, o.start, status, stamp(now)],
            )?;
            if start <= now {
                pass.missed += 1;
                continue;
            }
            // The mail speaks of this date: the session as it falls on it, no series.
            let Some(index) = workshop.sessions.iter().position(|s| s.id == o.session_id) else {
                continue;
            };
            let mut one = workshop.clone();
            one.series = None;
            one.sessions[index].start = o.start.clone();
            one.sessions[index].end = o.end.clone();
            let batch = crate::ids::batch_id();
            let mut stmt = tx.prepare_cached(
                "SELECT i.id, i.member_id, m.name, m.email, m.check_in_code, i.role, i.rsvp,
                    i.reply_token
                 FROM invitation i JOIN member m ON m.id = i.member_id
                 WHERE i.workshop_id = ?1 AND i.removed_at IS NULL
                   AND i.sent_sequence IS NOT NULL AND i.rsvp IN ('accepted', 'tentative')
                   AND m.email IS NOT NULL AND m.email_consent = 1
                   AND m.unsubscribed_at IS NULL AND m.archived_at IS NULL
                   AND m.email_bounced_at IS NULL",
            )?;
            let people = stmt
                .query_map([&workshop_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, member_id, name, email, code, role, rsvp, token) in people {
                let to = Recipient {
                    member_id: &member_id,
                    name: &name,
                    email: &email,
                    check_in_code: &code,
                    role: InviteRole::parse(&role).unwrap_or(InviteRole::Attendee),
                    rsvp: Rsvp::parse(&rsvp).unwrap_or(Rsvp::NeedsAction),
                    invitation_id: &id,
                    reply_token: &token,
                };
                let mail = compose::mail(
                    &one,
                    index,
                    &to,
                    &templates,
                    &settings,
                    Purpose::Reminder,
                    workshop.ical_sequence,
                    now,
                )?;
                if outbox::store::enqueue(tx, &batch, &mail, now)? {
                    pass.mails += 1;
                }
            }
        }
    }
    Ok(pass)
}
