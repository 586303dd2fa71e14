//! RSVPs without a server: answers read from mail that comes back to the organizer's own
//! address (calendar replies, reply links, delivery failure reports) or from a dropped file,
//! applied to the invitations they speak of, and the guest list they fill.
//!
//! `parse` reads a mail without trusting it and without the database; `apply` matches it to an
//! invitation and records it (once); `guests` is what the organizer sees.

pub mod apply;
pub mod capacity;
pub mod guests;
pub mod parse;

pub use apply::{apply, confirm, set_answer, Origin, ReplyOutcome, ReplyReport};
pub use capacity::{fill_free_places, promote};
pub use guests::{
    answer_by_hand, date_of, guest_list, guests_csv, promote_by_hand, rsvp_words, Guest,
    GuestCounts, GuestList,
};
pub use parse::{link_subject, Answer, Incoming, Parsed};

/// Uninvites one person (see [`crate::invitations::remove`]); the place they held goes to
/// whoever waits. Returns the cancellation queued and the invitations promoted.
pub fn uninvite(
    tx: &rusqlite::Transaction,
    workshop_id: &str,
    member_id: &str,
    clock: &crate::Clock,
) -> crate::Result<(crate::invitations::Queued, Vec<String>)> {
    let queued = crate::invitations::remove(tx, workshop_id, member_id, clock)?;
    let promoted = fill_free_places(tx, workshop_id, clock.now())?;
    Ok((queued, promoted))
}

/// Reads and applies one file (`.ics` as a bare calendar, anything else as a mail), in the
/// caller's transaction.
pub fn apply_file(
    tx: &rusqlite::Transaction,
    name: &str,
    bytes: &[u8],
    now: jiff::Timestamp,
) -> crate::Result<ReplyReport> {
    let parsed = if name.to_ascii_lowercase().ends_with(".ics") {
        parse::ics(bytes)
    } else {
        parse::mail(bytes)
    };
    apply(tx, &parsed, Origin::File, now)
}
