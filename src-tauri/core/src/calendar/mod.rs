//! Workshops as calendar files and back: `export` writes workshops as VEVENTs (one per
//! session), `import` makes workshops of the events in a file. The iCalendar itself (writing,
//! VTIMEZONE, reading) is the `guildhall-ical` crate's, which knows nothing of workshops.

pub mod export;
pub mod import;
