//! iCalendar (RFC 5545): the files we write (our own small writer, VTIMEZONE from the tz
//! database) and the files we read (the `ical` crate's parser plus the unescape layer it needs).

pub mod export;
pub mod import;
pub mod read;
pub mod vtimezone;
pub mod writer;
