//! Workshops: what the community meets for, their sessions (the agenda), recurring series with
//! per-date changes, and the schedule that shows them.
//!
//! `model` holds the types that cross into the UI, `input` validates the editor's form,
//! `series` turns the "Repeats" choices into an RRULE and expands it (with the `rrule` crate),
//! `store` reads and writes, `occurrences` skips, moves and adds single dates of a series,
//! `schedule` lists occurrences in a span with venue clashes, `demo` plans the demo's weeks.

pub(crate) mod demo;
pub(crate) mod input;
pub use input::{local_zone_name, parse_instant, zone_names};
mod model;
pub(crate) mod occurrences;
pub mod schedule;
pub mod series;
pub(crate) mod store;

pub use model::{
    ExceptionKind, Facilitator, Frequency, Occurrence, OccurrenceException, Series, SeriesInput,
    Session, SessionInput, Workshop, WorkshopInput, WorkshopStatus,
};
pub use occurrences::{add_occurrence, move_occurrence, restore_occurrence, skip_occurrence};
pub use schedule::{schedule, workshop_occurrences};
pub use store::{create, delete, duplicate, get, set_status, update};
