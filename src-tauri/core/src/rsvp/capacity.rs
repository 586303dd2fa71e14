//! Capacity and the waitlist: a "going" answer to a full workshop waits for a place (first
//! come, first served), a place that frees up goes to the first who waits, by itself, with a
//! mail; the organizer may promote anyone by hand, also over capacity. Nobody is promoted once
//! the date has started, and someone who declined is never put back by a promotion run (only
//! `waitlisted` invitations are ever promoted).
//!
//! Capacity counts the answers to the workshop as a whole; a series' single dates answered
//! apart do not take or free places (yet).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::{CoreError, Result};
use crate::invitations::compose::Purpose;
use crate::invitations::{self, Rsvp};
use crate::time::stamp;
use crate::workshops::{self, schedule::next_start};

/// What the capacity rule makes of a "going" answer: going, or waiting.
pub(super) enum Admission {
    Going,
    Waitlisted,
}

/// Whether `invitation_id` gets a place for its "going": always without a capacity; else
/// while fewer than the capacity are going (counted on the (workshop, rsvp) index).
pub(super) fn admit(tx: &Transaction, invitation_id: &str) -> Result<Admission> {
    let (workshop_id, capacity): (String, Option<u32>) = tx
        .prepare_cached(
            "SELECT w.id, w.capacity FROM invitation i JOIN workshop w ON w.id = i.workshop_id
             WHERE i.id = ?1",
        )?
        .query_row([invitation_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let Some(capacity) = capacity else {
        return Ok(Admission::Going);
    };
    let going: u32 = tx
        .prepare_cached(
            "SELECT count(*) FROM invitation
             WHERE workshop_id = ?1 AND rsvp = 'accepted' AND removed_at IS NULL AND id != ?2",
        )?
        .query_row(params![workshop_id, invitation_id], |r| r.get(0))?;
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

/// Gives the free places of `workshop_id` to those who wait, in the order they joined the
/// waitlist; each gets the calendar invitation. Returns the invitations promoted.
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
    let going: u32 = tx.query_row(
        "SELECT count(*) FROM invitation
         WHERE workshop_id = ?1 AND rsvp = 'accepted' AND removed_at IS NULL",
        [workshop_id],
        |r| r.get(0),
    )?;
    let free = capacity.saturating_sub(going);
    let next: Vec<String> = {
        let mut stmt = tx.prepare_cached(
            "SELECT id FROM invitation
             WHERE workshop_id = ?1 AND rsvp = 'waitlisted' AND removed_at IS NULL
             ORDER BY waitlisted_at, id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![workshop_id, free], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in &next {
        give_place(tx, id, now)?;
    }
    Ok(next)
}

fn give_place(tx: &Transaction, invitation_id: &str, now: Timestamp) -> Result<()> {
    tx.prepare_cached(
        "UPDATE invitation SET rsvp = 'accepted', waitlisted_at = NULL, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![invitation_id, stamp(now)])?;
    invitations::queue_one(tx, invitation_id, Purpose::Promoted, now)?;
    Ok(())
}

/// The organizer gives `invitation_id` a place by hand, whatever the capacity.
pub fn promote(tx: &Transaction, invitation_id: &str, now: Timestamp) -> Result<()> {
    let rsvp: Option<String> = tx
        .query_row(
            "SELECT rsvp FROM invitation WHERE id = ?1 AND removed_at IS NULL",
            [invitation_id],
            |r| r.get(0),
        )
        .optional()?;
    match rsvp.as_deref() {
        None => Err(CoreError::not_found("invitation", invitation_id)),
        Some("accepted") => Err(CoreError::invalid("rsvp", "They are going already.")),
        Some(_) => give_place(tx, invitation_id, now),
    }
}
