//! Workshops: what the community meets for, their sessions (the agenda), recurring series with
//! per-date changes, and the schedule that shows them.
//!
//! `model` holds the types that cross into the UI, `input` validates the editor's form,
//! `series` turns the "Repeats" choices into an RRULE and expands it (with the `rrule` crate),
//! `store` reads and writes, `schedule` lists occurrences in a span with venue clashes.

pub(crate) mod demo;
pub(crate) mod input;
pub use input::{local_zone_name, parse_instant, zone_names};
mod model;
pub mod schedule;
pub mod series;
pub(crate) mod store;

pub use model::{
    ExceptionKind, Facilitator, Frequency, Occurrence, OccurrenceException, Series, SeriesInput,
    Session, SessionInput, Workshop, WorkshopInput, WorkshopStatus,
};
pub use schedule::{schedule, workshop_occurrences};
pub use store::{
    add_occurrence, create, delete, duplicate, get, move_occurrence, restore_occurrence,
    set_status, skip_occurrence, update,
};
