//! Capacity and the waitlist: a "going" answer to a full workshop waits for a place (first
//! come, first served), a place that frees up goes to the first who waits, by itself, with a
//! mail; the organizer may promote anyone by hand, also over capacity. Nobody is promoted once
//! the date has started, and someone who declined is never put back by a promotion run (only
//! those who wait are ever promoted).
//!
//! Capacity is counted per date. A workshop of one date (or of several sessions, answered as
//! one) has one count: its invitations' answers. A series answers as a whole, with single
//! dates answered apart (`invitation_date`, keyed by the date's original start): on a date,
//! a person's answer is that date's own if they gave one, else the whole's. So a date can be
//! full while the others are not: someone going to the whole series then waits for a place
//! on that date only, and a place that frees up on it goes to whoever waits for that date.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::{CoreError, Result};
use crate::invitations::compose::Purpose;
use crate::invitations::{self, Rsvp};
use crate::time::{parse_stamp, stamp};
use crate::workshops::{self, schedule::next_start};

/// What the capacity rule makes of a "going" answer: going, or waiting.
pub(super) enum Admission {
    Going,
    Waitlisted,
}

/// The workshop of `invitation_id`, its capacity and whether it is a series.
fn limits(tx: &Transaction, invitation_id: &str) -> Result<(String, Option<u32>, bool)> {
    Ok(tx
        .prepare_cached(
            "SELECT w.id, w.capacity, w.series_rule IS NOT NULL
             FROM invitation i JOIN workshop w ON w.id = i.workshop_id WHERE i.id = ?1",
        )?
        .query_row([invitation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

/// How many are going to the whole workshop (to a series: on every date they did not
/// answer apart), leaving out `except`.
fn going_to_whole(tx: &Transaction, workshop_id: &str, except: &str) -> Result<u32> {
    Ok(tx
        .prepare_cached(
            "SELECT count(*) FROM invitation
             WHERE workshop_id = ?1 AND rsvp = 'accepted' AND removed_at IS NULL AND id != ?2",
        )?
        .query_row(params![workshop_id, except], |r| r.get(0))?)
}

/// How many are going on the series date `occurrence` (its own answer, else the whole's),
/// leaving out `except`.
fn going_on(tx: &Transaction, workshop_id: &str, occurrence: &str, except: &str) -> Result<u32> {
    Ok(tx
        .prepare_cached(
            "SELECT count(*) FROM invitation i
             LEFT JOIN invitation_date d ON d.invitation_id = i.id AND d.occurrence = ?2
             WHERE i.workshop_id = ?1 AND i.removed_at IS NULL AND i.id != ?3
               AND coalesce(d.rsvp, i.rsvp) = 'accepted'",
        )?
        .query_row(params![workshop_id, occurrence, except], |r| r.get(0))?)
}

/// The answer `invitation_id` has on the series date `occurrence`.
pub(super) fn answer_on(tx: &Transaction, invitation_id: &str, occurrence: &str) -> Result<String> {
    Ok(tx
        .prepare_cached(
            "SELECT coalesce(d.rsvp, i.rsvp) FROM invitation i
             LEFT JOIN invitation_date d ON d.invitation_id = i.id AND d.occurrence = ?2
             WHERE i.id = ?1",
        )?
        .query_row(params![invitation_id, occurrence], |r| r.get(0))?)
}

/// The dates of series `workshop_id` still to come that have answers of their own: the only
/// ones whose count can differ from the whole's.
fn dates_answered_apart(
    tx: &Transaction,
    workshop_id: &str,
    now: Timestamp,
) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT d.occurrence FROM invitation_date d
         JOIN invitation i ON i.id = d.invitation_id
         WHERE i.workshop_id = ?1 AND i.removed_at IS NULL AND d.occurrence > ?2
         ORDER BY d.occurrence",
    )?;
    let rows = stmt.query_map(params![workshop_id, stamp(now)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether `invitation_id` gets a place for its "going": to the whole workshop (`occurrence`
/// `None`) or to one date of a series. Always without a capacity; else while fewer than the
/// capacity are going (counted on the (workshop, rsvp) index).
pub(super) fn admit(
    tx: &Transaction,
    invitation_id: &str,
    occurrence: Option<&str>,
) -> Result<Admission> {
    let (workshop_id, capacity, series) = limits(tx, invitation_id)?;
    let Some(capacity) = capacity else {
        return Ok(Admission::Going);
    };
    let going = match occurrence {
        Some(occurrence) if series => going_on(tx, &workshop_id, occurrence, invitation_id)?,
        _ => going_to_whole(tx, &workshop_id, invitation_id)?,
    };
    Ok(if going >= capacity {
        Admission::Waitlisted
    } else {
        Admission::Going
    })
}

/// Puts `invitation_id` on the waitlist (keeping its place in the queue if it was there) and,
/// when it was not waiting already, queues the mail that says so.
pub(super) fn waitlist(
    tx: &Transaction,
    invitation_id: &str,
    source: &str,
    now: Timestamp,
) -> Result<()> {
    let was: String = tx.query_row(
        "SELECT rsvp FROM invitation WHERE id = ?1",
        [invitation_id],
        |r| r.get(0),
    )?;
    let at = stamp(now);
    tx.prepare_cached(
        "UPDATE invitation SET rsvp = 'waitlisted', waitlisted_at = coalesce(waitlisted_at, ?2),
             responded_at = ?2, response_source = ?3, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![invitation_id, at, source])?;
    if was != Rsvp::Waitlisted.as_str() {
        invitations::queue_one(tx, invitation_id, Purpose::Waitlisted, now)?;
    }
    Ok(())
}

/// Puts `invitation_id` on the waitlist of the series date `occurrence` only, keeping its
/// place in that date's queue (a whole-series wait counts from when it began); mails them
/// when they were not waiting for it already.
pub(super) fn waitlist_on(
    tx: &Transaction,
    invitation_id: &str,
    occurrence: &str,
    (source, comment): (&str, Option<&str>),
    now: Timestamp,
) -> Result<()> {
    let was = answer_on(tx, invitation_id, occurrence)?;
    let at = stamp(now);
    tx.prepare_cached(
        "INSERT INTO invitation_date (invitation_id, occurrence, rsvp, responded_at,
             response_source, rsvp_comment, waitlisted_at)
         VALUES (?1, ?2, 'waitlisted', ?3, ?4, ?5,
                 coalesce((SELECT waitlisted_at FROM invitation
                           WHERE id = ?1 AND rsvp = 'waitlisted'), ?3))
         ON CONFLICT (invitation_id, occurrence) DO UPDATE SET rsvp = 'waitlisted',
             responded_at = excluded.responded_at, response_source = excluded.response_source,
             rsvp_comment = coalesce(excluded.rsvp_comment, rsvp_comment),
             waitlisted_at = coalesce(waitlisted_at, excluded.waitlisted_at)",
    )?
    .execute(params![invitation_id, occurrence, at, source, comment])?;
    if was != Rsvp::Waitlisted.as_str() {
        let date = parse_stamp(occurrence)?;
        invitations::queue_one(tx, invitation_id, Purpose::WaitlistedOn(date), now)?;
    }
    Ok(())
}

/// After `invitation_id` got a place for the whole series: the dates that are full already
/// (counted apart) and that they did not answer apart, they wait for.
pub(super) fn wait_where_full(
    tx: &Transaction,
    invitation_id: &str,
    source: &str,
    now: Timestamp,
) -> Result<()> {
    let (workshop_id, capacity, series) = limits(tx, invitation_id)?;
    let (Some(capacity), true) = (capacity, series) else {
        return Ok(());
    };
    for occurrence in dates_answered_apart(tx, &workshop_id, now)? {
        let own: bool = tx
            .prepare_cached(
                "SELECT count(*) > 0 FROM invitation_date
                 WHERE invitation_id = ?1 AND occurrence = ?2",
            )?
            .query_row(params![invitation_id, occurrence], |r| r.get(0))?;
        if !own && going_on(tx, &workshop_id, &occurrence, invitation_id)? >= capacity {
            waitlist_on(tx, invitation_id, &occurrence, (source, None), now)?;
        }
    }
    Ok(())
}

/// Gives the free places of `workshop_id` to those who wait, in the order they joined the
/// waitlist: first the whole workshop's, then (a series) each date's still to come whose
/// answers differ. Each gets a mail: the calendar invitation for the whole, a note for a
/// date. Returns the invitations promoted (one for each place given). Safe to call after any
/// change: where nothing is free, nothing happens.
pub fn fill_free_places(
    tx: &Transaction,
    workshop_id: &str,
    now: Timestamp,
) -> Result<Vec<String>> {
    let workshop = workshops::get(tx, workshop_id)?;
    let Some(capacity) = workshop.capacity else {
        return Ok(Vec::new());
    };
    if next_start(&workshop, now)?.is_none_or(|start| start <= now) {
        // The date has started (or passed): the list stays as it is.
        return Ok(Vec::new());
    }
    let free = capacity.saturating_sub(going_to_whole(tx, workshop_id, "")?);
    let next: Vec<String> = {
        let mut stmt = tx.prepare_cached(
            "SELECT id FROM invitation
             WHERE workshop_id = ?1 AND rsvp = 'waitlisted' AND removed_at IS NULL
             ORDER BY waitlisted_at, id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![workshop_id, free], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut promoted = Vec::new();
    for id in next {
        give_place(tx, &id, true, now)?;
        promoted.push(id);
    }
    if workshop.series.is_none() {
        return Ok(promoted);
    }
    for occurrence in dates_answered_apart(tx, workshop_id, now)? {
        let free = capacity.saturating_sub(going_on(tx, workshop_id, &occurrence, "")?);
        let next: Vec<String> = {
            let mut stmt = tx.prepare_cached(
                "SELECT i.id FROM invitation i
                 LEFT JOIN invitation_date d ON d.invitation_id = i.id AND d.occurrence = ?2
                 WHERE i.workshop_id = ?1 AND i.removed_at IS NULL
                   AND coalesce(d.rsvp, i.rsvp) = 'waitlisted'
                 ORDER BY coalesce(d.waitlisted_at, i.waitlisted_at), i.id LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![workshop_id, occurrence, free], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in next {
            give_place_on(tx, &id, &occurrence, now)?;
            promoted.push(id);
        }
    }
    Ok(promoted)
}

/// Gives `invitation_id` its place for the whole workshop, with the calendar invitation; by
/// a promotion run (`by_rule`) it still waits for the series' dates that are full, by hand not.
fn give_place(tx: &Transaction, invitation_id: &str, by_rule: bool, now: Timestamp) -> Result<()> {
    tx.prepare_cached(
        "UPDATE invitation SET rsvp = 'accepted', waitlisted_at = NULL, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![invitation_id, stamp(now)])?;
    invitations::queue_one(tx, invitation_id, Purpose::Promoted, now)?;
    if !by_rule {
        return Ok(());
    }
    let source: String = tx.query_row(
        "SELECT coalesce(response_source, 'manual') FROM invitation WHERE id = ?1",
        [invitation_id],
        |r| r.get(0),
    )?;
    wait_where_full(tx, invitation_id, &source, now)
}

fn give_place_on(
    tx: &Transaction,
    invitation_id: &str,
    occurrence: &str,
    now: Timestamp,
) -> Result<()> {
    let at = stamp(now);
    tx.prepare_cached(
        "INSERT INTO invitation_date (invitation_id, occurrence, rsvp, responded_at,
             response_source)
         SELECT id, ?2, 'accepted', ?3, coalesce(response_source, 'manual') FROM invitation
         WHERE id = ?1
         ON CONFLICT (invitation_id, occurrence) DO UPDATE SET rsvp = 'accepted',
             waitlisted_at = NULL",
    )?
    .execute(params![invitation_id, occurrence, at])?;
    let date = parse_stamp(occurrence)?;
    invitations::queue_one(tx, invitation_id, Purpose::PromotedOn(date), now)?;
    Ok(())
}

/// The organizer gives `invitation_id` a place by hand, whatever the capacity: for the whole
/// workshop, or (`occurrence`, a series) for that date only.
pub fn promote(
    tx: &Transaction,
    invitation_id: &str,
    occurrence: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    let rsvp: Option<String> = tx
        .query_row(
            "SELECT rsvp FROM invitation WHERE id = ?1 AND removed_at IS NULL",
            [invitation_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(rsvp) = rsvp else {
        return Err(CoreError::not_found("invitation", invitation_id));
    };
    let (_, _, series) = limits(tx, invitation_id)?;
    match occurrence {
        Some(occurrence) if series => {
            if answer_on(tx, invitation_id, occurrence)? == "accepted" {
                return Err(CoreError::invalid(
                    "rsvp",
                    "They are going on that date already.",
                ));
            }
            give_place_on(tx, invitation_id, occurrence, now)
        }
        _ if rsvp == "accepted" => Err(CoreError::invalid("rsvp", "They are going already.")),
        _ => give_place(tx, invitation_id, false, now),
    }
}
