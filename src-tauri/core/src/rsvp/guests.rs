//! The guest list: who is going, who might, who declined, who has not answered, who waits,
//! for a workshop as a whole or for one date of it (a date's own answer wins over the whole's).

use jiff::civil::Date;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::invitations::{InviteRole, Rsvp};
use crate::sql::bad_value;
use crate::time::{parse_stamp, zone};
use crate::workshops;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Guest {
    pub invitation_id: String,
    pub member_id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: InviteRole,
    pub rsvp: Rsvp,
    /// When and how the answer came (`manual`, `calendar`, `link`, `door`); `None` before any.
    pub responded_at: Option<String>,
    pub source: Option<String>,
    pub comment: Option<String>,
    /// Mail to them bounced (the invitation's, or any to their address).
    pub bounced: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GuestCounts {
    pub going: u32,
    pub maybe: u32,
    pub declined: u32,
    pub no_answer: u32,
    pub waitlisted: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GuestList {
    pub workshop_id: String,
    pub title: String,
    /// The date shown (its start, UTC), when one date was asked for.
    pub date: Option<String>,
    pub capacity: Option<u32>,
    pub counts: GuestCounts,
    /// Facilitators first, then by name; the uninvited are left out.
    pub guests: Vec<Guest>,
}

/// The date of `workshop` on the day `date` (in its time zone): the key its own answers are
/// kept under (the rule's instant, RECURRENCE-ID, or the session's start for a workshop of
/// several sessions) and its start, UTC.
pub fn date_of(workshop: &workshops::Workshop, date: Date) -> Result<(String, String)> {
    let tz = zone(&workshop.time_zone)?;
    let from = tz
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .map_err(|e| CoreError::invalid("date", e.to_string()))?;
    let to = from + jiff::SignedDuration::from_hours(24);
    let found = workshops::workshop_occurrences(workshop, from, to)?
        .into_iter()
        .find(|o| parse_stamp(&o.start).is_ok_and(|s| s >= from && s < to));
    let Some(found) = found else {
        return Err(CoreError::invalid(
            "date",
            format!("{} has no date on {date}.", workshop.title),
        ));
    };
    Ok((
        found.occurrence_at.clone().unwrap_or(found.start.clone()),
        found.start,
    ))
}

/// The key of `invitation_id`'s workshop's date on `date` (see [`date_of`]); `None` for none.
fn invitation_date_key(
    tx: &Transaction,
    invitation_id: &str,
    date: Option<Date>,
) -> Result<Option<String>> {
    let Some(date) = date else {
        return Ok(None);
    };
    let workshop_id: String = tx
        .query_row(
            "SELECT workshop_id FROM invitation WHERE id = ?1",
            [invitation_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| CoreError::not_found("invitation", invitation_id))?;
    let workshop = workshops::get(tx, &workshop_id)?;
    Ok(Some(date_of(&workshop, date)?.0))
}

/// The organizer sets an answer by hand: for the whole workshop, or for its date `date`.
pub fn answer_by_hand(
    tx: &Transaction,
    invitation_id: &str,
    answer: super::Answer,
    date: Option<Date>,
    now: Timestamp,
) -> Result<()> {
    let key = invitation_date_key(tx, invitation_id, date)?;
    super::set_answer(
        tx,
        invitation_id,
        answer,
        key.as_deref(),
        None,
        "manual",
        now,
    )
}

/// The organizer gives a place by hand, also over capacity: for the whole workshop, or for
/// its date `date` (a series).
pub fn promote_by_hand(
    tx: &Transaction,
    invitation_id: &str,
    date: Option<Date>,
    now: Timestamp,
) -> Result<()> {
    let key = invitation_date_key(tx, invitation_id, date)?;
    super::capacity::promote(tx, invitation_id, key.as_deref(), now)
}

/// The guest list of `workshop_id`, or of its date `date` (in the workshop's time zone).
pub fn guest_list(conn: &Connection, workshop_id: &str, date: Option<Date>) -> Result<GuestList> {
    let workshop = workshops::get(conn, workshop_id)?;
    let occurrence = date.map(|date| date_of(&workshop, date)).transpose()?;
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, m.id, m.name, m.email, i.role,
                coalesce(d.rsvp, i.rsvp), coalesce(d.responded_at, i.responded_at),
                coalesce(d.response_source, i.response_source),
                coalesce(d.rsvp_comment, i.rsvp_comment),
                i.bounced_at IS NOT NULL OR m.email_bounced_at IS NOT NULL
         FROM invitation i JOIN member m ON m.id = i.member_id
         LEFT JOIN invitation_date d ON d.invitation_id = i.id AND d.occurrence = ?2
         WHERE i.workshop_id = ?1 AND i.removed_at IS NULL
         ORDER BY i.role = 'attendee', m.name_key, m.id",
    )?;
    let key = occurrence.as_ref().map(|(k, _)| k.as_str());
    let rows = stmt.query_map(params![workshop_id, key], |r| {
        let role: String = r.get(4)?;
        let rsvp: String = r.get(5)?;
        Ok(Guest {
            invitation_id: r.get(0)?,
            member_id: r.get(1)?,
            name: r.get(2)?,
            email: r.get(3)?,
            role: InviteRole::parse(&role).ok_or_else(|| bad_value(4, "role", &role))?,
            rsvp: Rsvp::parse(&rsvp).ok_or_else(|| bad_value(5, "rsvp", &rsvp))?,
            responded_at: r.get(6)?,
            source: r.get(7)?,
            comment: r.get(8)?,
            bounced: r.get(9)?,
        })
    })?;
    let guests: Vec<Guest> = rows.collect::<rusqlite::Result<_>>()?;
    let mut counts = GuestCounts::default();
    for guest in &guests {
        let count = match guest.rsvp {
            Rsvp::Accepted => &mut counts.going,
            Rsvp::Tentative => &mut counts.maybe,
            Rsvp::Declined => &mut counts.declined,
            Rsvp::NeedsAction => &mut counts.no_answer,
            Rsvp::Waitlisted => &mut counts.waitlisted,
        };
        *count += 1;
    }
    Ok(GuestList {
        workshop_id: workshop.id,
        title: workshop.title,
        date: occurrence.map(|(_, start)| start),
        capacity: workshop.capacity,
        counts,
        guests,
    })
}

/// The words for an answer on a guest list.
pub fn rsvp_words(rsvp: Rsvp) -> &'static str {
    match rsvp {
        Rsvp::Accepted => "going",
        Rsvp::Tentative => "maybe",
        Rsvp::Declined => "can't come",
        Rsvp::NeedsAction => "no answer",
        Rsvp::Waitlisted => "waitlisted",
    }
}

/// The guest list as CSV (every cell quoted, formulas neutralised), with a header.
pub fn guests_csv(list: &GuestList, out: &mut dyn std::io::Write) -> Result<()> {
    let mut csv = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Always)
        .from_writer(out);
    let error = |e: ::csv::Error| CoreError::invalid("csv", e.to_string());
    csv.write_record([
        "name",
        "email",
        "role",
        "answer",
        "answered_at",
        "answered_by",
        "comment",
        "bounced",
    ])
    .map_err(error)?;
    for g in &list.guests {
        let cells = [
            g.name.as_str(),
            g.email.as_deref().unwrap_or_default(),
            g.role.as_str(),
            rsvp_words(g.rsvp),
            g.responded_at.as_deref().unwrap_or_default(),
            g.source.as_deref().unwrap_or_default(),
            g.comment.as_deref().unwrap_or_default(),
            if g.bounced { "yes" } else { "" },
        ];
        csv.write_record(
            cells
                .iter()
                .map(|c| crate::members::export::neutralise_formula(c).into_owned()),
        )
        .map_err(error)?;
    }
    csv.flush()
        .map_err(|e| CoreError::invalid("csv", e.to_string()))?;
    Ok(())
}
