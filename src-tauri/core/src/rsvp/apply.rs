//! Applying what a reply says, in the caller's one transaction, and logging it once.
//!
//! Nothing is trusted: a calendar reply is matched by its UID and its one ATTENDEE (never by
//! From), and applied only when the mail comes from that attendee (RFC 6047 §2.2.1); a reply
//! link by its token, and only from the invited member's address. Anything else is held for
//! the organizer to confirm, or said to match nothing. The same mail read twice changes
//! nothing the second time.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::capacity;
use super::parse::{Answer, CalendarAnswer, Incoming, Parsed};
use crate::error::{CoreError, Result};
use crate::invitations::compose::Purpose;
use crate::invitations::{self, Rsvp};
use crate::members::normalize_email;
use crate::sql::bad_value;
use crate::time::{parse_stamp, stamp, zone};
use crate::workshops::{self, Workshop};

/// Where a reply was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Inbox,
    File,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Inbox => "inbox",
            Origin::File => "file",
        }
    }
}

/// What became of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ReplyOutcome {
    /// The answer (or the bounce) is recorded.
    Applied,
    /// It speaks for someone other than its sender: the organizer confirms it first.
    Held,
    /// No invitation of ours matches it.
    Unmatched,
    /// Not a reply: left alone.
    Ignored,
    /// This very mail was read before; nothing changed.
    AlreadyRead,
}

impl ReplyOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyOutcome::Applied => "applied",
            ReplyOutcome::Held => "held",
            ReplyOutcome::Unmatched => "unmatched",
            ReplyOutcome::Ignored => "ignored",
            ReplyOutcome::AlreadyRead => "already read",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "applied" => ReplyOutcome::Applied,
            "held" => ReplyOutcome::Held,
            "unmatched" => ReplyOutcome::Unmatched,
            _ => ReplyOutcome::Ignored,
        }
    }
}

/// One line on what a reply did, or why it did nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReplyReport {
    /// The logged reply (`rpl_…`; a held one is confirmed by it); `None` when read before.
    pub id: Option<String>,
    pub outcome: ReplyOutcome,
    pub detail: String,
}

/// An invitation a reply can speak of.
struct Target {
    invitation_id: String,
    member_id: String,
    name: String,
    email_key: Option<String>,
    removed: bool,
}

/// What one answer did; `held` keeps what to apply once confirmed.
struct Step {
    outcome: ReplyOutcome,
    detail: String,
    invitation_id: Option<String>,
    member_id: Option<String>,
    held: Option<(Answer, Option<String>, Option<String>)>,
}

impl Step {
    fn unmatched(detail: String) -> Self {
        Step {
            outcome: ReplyOutcome::Unmatched,
            detail,
            invitation_id: None,
            member_id: None,
            held: None,
        }
    }
}

/// Applies `parsed` and logs it; returns what it did.
pub fn apply(
    tx: &Transaction,
    parsed: &Parsed,
    origin: Origin,
    now: Timestamp,
) -> Result<ReplyReport> {
    let earlier: Option<(String, String)> = tx
        .prepare_cached("SELECT outcome, detail FROM inbound_reply WHERE fingerprint = ?1")?
        .query_row([&parsed.fingerprint], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((outcome, detail)) = earlier {
        return Ok(ReplyReport {
            id: None,
            outcome: ReplyOutcome::AlreadyRead,
            detail: format!(
                "read before ({}): {detail}",
                ReplyOutcome::parse(&outcome).as_str()
            ),
        });
    }
    let (kind, steps) = match &parsed.incoming {
        Incoming::Calendar(answers) => {
            let mut steps = Vec::new();
            for answer in answers {
                steps.push(calendar_answer(tx, parsed, answer, now)?);
            }
            ("calendar", steps)
        }
        Incoming::Link { token, answer } => {
            ("link", vec![link_answer(tx, parsed, token, *answer, now)?])
        }
        Incoming::Bounce { failed, invitation } => {
            let mut steps = Vec::new();
            for failure in failed {
                steps.push(bounce(
                    tx,
                    &failure.recipient,
                    &failure.reason,
                    invitation.as_deref(),
                    now,
                )?);
            }
            ("bounce", steps)
        }
        Incoming::Report => (
            "bounce",
            vec![Step {
                outcome: ReplyOutcome::Ignored,
                detail: "a delivery report that reports no failure (delayed or relayed)".into(),
                invitation_id: None,
                member_id: None,
                held: None,
            }],
        ),
        Incoming::Other { why } => (
            "other",
            vec![Step {
                outcome: ReplyOutcome::Ignored,
                detail: format!("left alone: {why}"),
                invitation_id: None,
                member_id: None,
                held: None,
            }],
        ),
    };
    // The mail's outcome: held if any answer is, else applied if any is, else the first's.
    let outcome = [ReplyOutcome::Held, ReplyOutcome::Applied]
        .into_iter()
        .find(|o| steps.iter().any(|s| s.outcome == *o))
        .unwrap_or(steps[0].outcome);
    let detail = steps
        .iter()
        .map(|s| s.detail.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let first = steps
        .iter()
        .find(|s| s.outcome == outcome)
        .unwrap_or(&steps[0]);
    let held = first.held.clone();
    let id = crate::ids::reply_id();
    // What is left alone is not kept beyond its fingerprint: not who sent it.
    let sender = (outcome != ReplyOutcome::Ignored)
        .then_some(parsed.sender.as_deref())
        .flatten();
    tx.prepare_cached(
        "INSERT INTO inbound_reply (id, fingerprint, origin, received_at, sender, kind, outcome,
             detail, invitation_id, member_id, answer, occurrence, comment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        id,
        parsed.fingerprint,
        origin.as_str(),
        stamp(now),
        sender,
        kind,
        outcome.as_str(),
        detail,
        first.invitation_id,
        first.member_id,
        held.as_ref().map(|h| h.0.as_str()),
        held.as_ref().and_then(|h| h.1.clone()),
        held.as_ref().and_then(|h| h.2.clone()),
    ])?;
    Ok(ReplyReport {
        id: Some(id),
        outcome,
        detail,
    })
}

/// The invitation to the workshop whose session has `uid`, of the member with `email`.
fn target_by_uid(
    tx: &Transaction,
    uid: &str,
    email: &str,
) -> Result<Option<(Target, String, String)>> {
    let Ok(key) = normalize_email(email) else {
        return Ok(None);
    };
    Ok(tx
        .prepare_cached(
            // The session by its UID and the member by their address, each by its index, then
            // their invitation by (workshop, member): never a scan of the workshop's invitations
            // (CROSS JOIN keeps SQLite to this order).
            "SELECT i.id, m.id, m.name, m.email_key, i.removed_at IS NOT NULL, s.workshop_id, s.id
             FROM session s
             CROSS JOIN member m
             CROSS JOIN invitation i ON i.workshop_id = s.workshop_id AND i.member_id = m.id
             WHERE s.ical_uid = ?1 AND m.email_key = ?2",
        )?
        .query_row(params![uid, key], |r| {
            Ok((
                Target {
                    invitation_id: r.get(0)?,
                    member_id: r.get(1)?,
                    name: r.get(2)?,
                    email_key: r.get(3)?,
                    removed: r.get(4)?,
                },
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .optional()?)
}

/// Whether the mail's sender is the person the answer speaks for. A bare .ics file has no
/// sender: the organizer dropped it, which is their own say-so.
fn sent_by(parsed: &Parsed, target: &Target) -> bool {
    match &parsed.sender {
        None => true,
        Some(sender) => normalize_email(sender)
            .ok()
            .is_some_and(|s| Some(&s) == target.email_key.as_ref()),
    }
}

fn calendar_answer(
    tx: &Transaction,
    parsed: &Parsed,
    answer: &CalendarAnswer,
    now: Timestamp,
) -> Result<Step> {
    let Some((target, workshop_id, session_id)) = target_by_uid(tx, &answer.uid, &answer.attendee)?
    else {
        return Ok(Step::unmatched(format!(
            "no invitation of ours for {} to the event {}",
            crate::text::quoted(&answer.attendee),
            crate::text::quoted(&answer.uid)
        )));
    };
    let workshop = workshops::get(tx, &workshop_id)?;
    let occurrence = match &answer.occurrence {
        None if workshop.sessions.len() > 1 => {
            // Each session of a workshop of several has its own UID: its answer is that date's.
            workshop
                .sessions
                .iter()
                .find(|s| s.id == session_id)
                .map(|s| s.start.clone())
        }
        None => None,
        Some(time) => {
            let tz = zone(&workshop.time_zone)?;
            let at = time.to_timestamp(&tz);
            match date_of_series(&workshop, &session_id, at)? {
                Some(date) => Some(date),
                None => {
                    return Ok(Step::unmatched(format!(
                        "{} answered for {}, which is not a date of {}",
                        target.name,
                        when(at, &tz),
                        workshop.title
                    )))
                }
            }
        }
    };
    let comment = answer
        .comment
        .as_deref()
        .map(|c| crate::text::one_line(c, 500));
    finish(
        tx,
        parsed,
        &target,
        &workshop,
        answer.answer,
        occurrence,
        comment,
        "calendar",
        now,
    )
}

fn link_answer(
    tx: &Transaction,
    parsed: &Parsed,
    token: &str,
    answer: Answer,
    now: Timestamp,
) -> Result<Step> {
    let found: Option<(Target, String)> = tx
        .prepare_cached(
            "SELECT i.id, m.id, m.name, m.email_key, i.removed_at IS NOT NULL, i.workshop_id
             FROM invitation i JOIN member m ON m.id = i.member_id
             WHERE i.reply_token = ?1",
        )?
        .query_row([token], |r| {
            Ok((
                Target {
                    invitation_id: r.get(0)?,
                    member_id: r.get(1)?,
                    name: r.get(2)?,
                    email_key: r.get(3)?,
                    removed: r.get(4)?,
                },
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((target, workshop_id)) = found else {
        return Ok(Step::unmatched(
            "a reply link whose token is not one of ours".into(),
        ));
    };
    let workshop = workshops::get(tx, &workshop_id)?;
    finish(
        tx, parsed, &target, &workshop, answer, None, None, "link", now,
    )
}

/// Holds the answer when the sender is someone else, else records it.
#[allow(clippy::too_many_arguments)]
fn finish(
    tx: &Transaction,
    parsed: &Parsed,
    target: &Target,
    workshop: &Workshop,
    answer: Answer,
    occurrence: Option<String>,
    comment: Option<String>,
    source: &str,
    now: Timestamp,
) -> Result<Step> {
    let tz = zone(&workshop.time_zone)?;
    let on = match &occurrence {
        Some(at) if workshop.series.is_some() => {
            format!(" on {}", when(parse_stamp(at)?, &tz))
        }
        _ => String::new(),
    };
    let said = format!(
        "{}: {}{on} ({})",
        target.name,
        answer.words(),
        workshop.title
    );
    let step = |outcome, detail| Step {
        outcome,
        detail,
        invitation_id: Some(target.invitation_id.clone()),
        member_id: Some(target.member_id.clone()),
        held: None,
    };
    if target.removed {
        return Ok(step(
            ReplyOutcome::Unmatched,
            format!("{said}, but they were uninvited; nothing changed"),
        ));
    }
    if !sent_by(parsed, target) {
        let mut held = step(
            ReplyOutcome::Held,
            format!(
                "{said}, sent by {}, not by them: held until you confirm it",
                crate::text::quoted(parsed.sender.as_deref().unwrap_or_default())
            ),
        );
        held.held = Some((answer, occurrence, comment));
        return Ok(held);
    }
    set_answer(
        tx,
        &target.invitation_id,
        answer,
        occurrence.as_deref(),
        comment.as_deref(),
        source,
        now,
    )?;
    confirm_by_mail(tx, &target.invitation_id, occurrence.as_deref(), now)?;
    Ok(step(ReplyOutcome::Applied, said))
}

/// Records an answer: the whole invitation's, or one date's. A "going" that finds no place
/// waits for one (the whole workshop's, or that date's); an answer that gives a place up
/// hands it to whoever waits.
pub fn set_answer(
    tx: &Transaction,
    invitation_id: &str,
    answer: Answer,
    occurrence: Option<&str>,
    comment: Option<&str>,
    source: &str,
    now: Timestamp,
) -> Result<()> {
    let at = now;
    let now = stamp(now);
    let (workshop_id, was, series): (String, String, bool) = tx
        .prepare_cached(
            "SELECT i.workshop_id, i.rsvp, w.series_rule IS NOT NULL
             FROM invitation i JOIN workshop w ON w.id = i.workshop_id WHERE i.id = ?1",
        )?
        .query_row([invitation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if let Some(occurrence) = occurrence {
        let was_on = capacity::answer_on(tx, invitation_id, occurrence)?;
        if series && answer == Answer::Accepted && was_on != "accepted" {
            if let capacity::Admission::Waitlisted =
                capacity::admit(tx, invitation_id, Some(occurrence))?
            {
                return capacity::waitlist_on(tx, invitation_id, occurrence, (source, comment), at);
            }
        }
        tx.prepare_cached(
            "INSERT INTO invitation_date (invitation_id, occurrence, rsvp, responded_at,
                 response_source, rsvp_comment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (invitation_id, occurrence) DO UPDATE SET rsvp = excluded.rsvp,
                 responded_at = excluded.responded_at,
                 response_source = excluded.response_source,
                 rsvp_comment = excluded.rsvp_comment, waitlisted_at = NULL",
        )?
        .execute(params![
            invitation_id,
            occurrence,
            answer.as_str(),
            now,
            source,
            comment
        ])?;
        // A series keeps its whole answer apart from the date's. A workshop of several
        // sessions: its latest answer is the invitation's too.
        if series {
            if was_on == "accepted" && answer != Answer::Accepted {
                capacity::fill_free_places(tx, &workshop_id, at)?;
            }
            return Ok(());
        }
    }
    if comment.is_some() {
        tx.prepare_cached("UPDATE invitation SET rsvp_comment = ?2 WHERE id = ?1")?
            .execute(params![invitation_id, comment])?;
    }
    let going_already = was == "accepted";
    if answer == Answer::Accepted && !going_already {
        if let capacity::Admission::Waitlisted = capacity::admit(tx, invitation_id, None)? {
            return capacity::waitlist(tx, invitation_id, source, at);
        }
    }
    tx.prepare_cached(
        "UPDATE invitation SET rsvp = ?2, responded_at = ?3, response_source = ?4,
             waitlisted_at = NULL, updated_at = ?3
         WHERE id = ?1",
    )?
    .execute(params![invitation_id, answer.as_str(), now, source])?;
    if answer == Answer::Accepted {
        if !going_already {
            capacity::wait_where_full(tx, invitation_id, source, at)?;
        }
    } else {
        // A new answer for the whole ends every wait for a date of it: someone who declined
        // is never given a place by a later promotion run.
        tx.prepare_cached(
            "DELETE FROM invitation_date WHERE invitation_id = ?1 AND rsvp = 'waitlisted'",
        )?
        .execute([invitation_id])?;
    }
    if going_already && answer != Answer::Accepted {
        // A place came free.
        capacity::fill_free_places(tx, &workshop_id, at)?;
    }
    Ok(())
}

/// When the organizer chose to confirm answers (the workshop's mail settings), queues the
/// "we have your answer" mail for an answer that arrived by mail. Nothing for someone who
/// waits: the waitlist mail said so already.
fn confirm_by_mail(
    tx: &Transaction,
    invitation_id: &str,
    occurrence: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    let (chosen, series, whole): (bool, bool, String) = tx
        .prepare_cached(
            "SELECT coalesce(m.confirm_answers, 0), w.series_rule IS NOT NULL, i.rsvp
             FROM invitation i JOIN workshop w ON w.id = i.workshop_id
             LEFT JOIN invitation_mail m ON m.workshop_id = i.workshop_id
             WHERE i.id = ?1",
        )?
        .query_row([invitation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if !chosen {
        return Ok(());
    }
    let (state, on) = match occurrence {
        Some(occurrence) if series => (
            capacity::answer_on(tx, invitation_id, occurrence)?,
            Some(parse_stamp(occurrence)?),
        ),
        _ => (whole, None),
    };
    let rsvp = Rsvp::parse(&state).ok_or_else(|| bad_value(2, "rsvp", &state))?;
    if matches!(rsvp, Rsvp::Waitlisted | Rsvp::NeedsAction) {
        return Ok(());
    }
    invitations::queue_one(tx, invitation_id, Purpose::Confirmed(rsvp, on), now)?;
    Ok(())
}

/// The rule's instant (a RECURRENCE-ID) of the series date `at` names, if it is one.
fn date_of_series(workshop: &Workshop, session_id: &str, at: Timestamp) -> Result<Option<String>> {
    let Some(session) = workshop.sessions.iter().find(|s| s.id == session_id) else {
        return Ok(None);
    };
    let first = parse_stamp(&session.start)?;
    let span = jiff::SignedDuration::from_hours(24 * 366 * 20);
    let occurrences = workshops::workshop_occurrences(workshop, first, first + span)?;
    Ok(occurrences
        .into_iter()
        .filter(|o| o.session_id == session_id)
        .find_map(|o| {
            let rule_at = o.occurrence_at.clone().unwrap_or_else(|| o.start.clone());
            (parse_stamp(&rule_at).ok()? == at).then_some(rule_at)
        }))
}

fn when(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%-d %b %Y").to_string()
}

fn bounce(
    tx: &Transaction,
    recipient: &str,
    reason: &str,
    invitation: Option<&str>,
    now: Timestamp,
) -> Result<Step> {
    let Ok(key) = normalize_email(recipient) else {
        return Ok(Step::unmatched(format!(
            "a delivery report for {}, not an address",
            crate::text::quoted(recipient)
        )));
    };
    let member: Option<(String, String)> = tx
        .prepare_cached("SELECT id, name FROM member WHERE email_key = ?1")?
        .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((member_id, name)) = member else {
        return Ok(Step::unmatched(format!(
            "a delivery report for {}, who is not a member",
            crate::text::quoted(recipient)
        )));
    };
    let now = stamp(now);
    tx.prepare_cached(
        "UPDATE member SET email_bounced_at = ?2, email_bounce_reason = ?3, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![member_id, now, reason])?;
    // What still waits to go to that address stays unsent.
    let held_back = tx
        .prepare_cached(
            "UPDATE outbox SET status = 'cancelled', last_error = ?3, updated_at = ?2
             WHERE member_id = ?1 AND status IN ('queued', 'retry')",
        )?
        .execute(params![
            member_id,
            now,
            "Not sent: mail to this address bounced."
        ])?;
    // The invitation whose mail bounced, when the report quotes it and it is theirs.
    let invitation_id: Option<String> = match invitation {
        Some(id) => tx
            .prepare_cached(
                "UPDATE invitation SET bounced_at = ?3, bounce_reason = ?4, updated_at = ?3
                 WHERE id = ?1 AND member_id = ?2 RETURNING id",
            )?
            .query_row(params![id, member_id, now, reason], |r| r.get(0))
            .optional()?,
        None => None,
    };
    Ok(Step {
        outcome: ReplyOutcome::Applied,
        detail: format!(
            "mail to {name} <{key}> bounced ({reason}); no more mail goes to that address until \
             it is changed{}",
            if held_back > 0 {
                format!(" ({held_back} waiting mails not sent)")
            } else {
                String::new()
            }
        ),
        invitation_id,
        member_id: Some(member_id),
        held: None,
    })
}

/// Applies a held reply the organizer confirmed.
pub fn confirm(tx: &Transaction, reply_id: &str, now: Timestamp) -> Result<ReplyReport> {
    struct Held {
        invitation_id: Option<String>,
        answer: Option<String>,
        occurrence: Option<String>,
        comment: Option<String>,
        kind: String,
    }
    let held = tx
        .query_row(
            "SELECT invitation_id, answer, occurrence, comment, kind FROM inbound_reply
             WHERE id = ?1 AND outcome = 'held'",
            [reply_id],
            |r| {
                Ok(Held {
                    invitation_id: r.get(0)?,
                    answer: r.get(1)?,
                    occurrence: r.get(2)?,
                    comment: r.get(3)?,
                    kind: r.get(4)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| CoreError::not_found("held reply", reply_id))?;
    let (Some(invitation_id), Some(answer)) = (&held.invitation_id, &held.answer) else {
        return Err(CoreError::not_found("held reply", reply_id));
    };
    let answer = Answer::parse(answer).ok_or_else(|| bad_value(1, "answer", answer))?;
    set_answer(
        tx,
        invitation_id,
        answer,
        held.occurrence.as_deref(),
        held.comment.as_deref(),
        &held.kind,
        now,
    )?;
    confirm_by_mail(tx, invitation_id, held.occurrence.as_deref(), now)?;
    tx.execute(
        "UPDATE inbound_reply SET outcome = 'applied', detail = detail || ' (confirmed by you)'
         WHERE id = ?1",
        [reply_id],
    )?;
    Ok(ReplyReport {
        id: Some(reply_id.to_owned()),
        outcome: ReplyOutcome::Applied,
        detail: format!("{} (confirmed by you)", answer.words()),
    })
}
