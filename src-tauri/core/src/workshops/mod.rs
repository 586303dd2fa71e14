//! Workshops: what the community meets for, their sessions (the agenda), recurring series with
//! per-date changes, and the schedule that shows them.
//!
//! The files, from the bottom up (none imports one above it): `model` holds the types that
//! cross into the UI, `input` validates the editor's form, `series` turns the "Repeats" choices
//! into an RRULE and expands it (with the `rrule` crate), `read` reads a workshop whole,
//! `exceptions` owns the changes to single dates, `store` writes workshops (and raises
//! SEQUENCE), `occurrences` skips, moves and adds single dates, `schedule` lists occurrences in
//! a span with venue clashes, and `demo` plans the demo's weeks.

pub(crate) mod demo;
pub(crate) mod exceptions;
pub(crate) mod input;
mod model;
mod occurrences;
pub(crate) mod read;
pub mod schedule;
pub mod series;
pub(crate) mod store;

pub use model::{
    ExceptionKind, Facilitator, Frequency, Occurrence, OccurrenceException, Series, SeriesInput,
    Session, SessionInput, Workshop, WorkshopInput, WorkshopStatus,
};
pub use occurrences::{add_occurrence, move_occurrence, restore_occurrence, skip_occurrence};
pub use read::{facilitated_by, get, in_order_of_first_date};
pub use schedule::{schedule, workshop_occurrences};
pub use store::{create, delete, duplicate, set_status, update};
