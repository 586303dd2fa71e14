//! iCalendar (RFC 5545) as Guildhall reads and writes it, with no knowledge of workshops,
//! members or storage: the caller maps its own records to and from these events.
//!
//! - [`writer`]: our own writer (CRLF, folds at 75 octets on character boundaries, TEXT
//!   escaping, RFC 6868 parameter values), because no published crate gets all of that right.
//! - [`vtimezone`]: a VTIMEZONE for any IANA zone, derived from the tz database's transitions.
//! - [`read`]: the `ical` crate's parser with the unfolding, unescaping and TZID resolution it
//!   lacks; a malformed file is one error with the line it is on.

pub mod read;
pub mod vtimezone;
pub mod writer;
pub mod zone_names;

mod error;

pub use error::{IcalError, Result};
