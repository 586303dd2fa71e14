//! What can go wrong reading or writing a calendar, in words for the organizer.

/// A failure of this crate. `InvalidFile` is a file that cannot be read as a calendar;
/// `UnknownZone` a time zone the tz database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcalError {
    /// `line` is 1-based, counted as an editor counts lines, when the problem has a place.
    #[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    InvalidFile { line: Option<u32>, message: String },

    #[error("{name:?} is not a time zone this computer knows ({reason})")]
    UnknownZone { name: String, reason: String },
}

pub type Result<T, E = IcalError> = std::result::Result<T, E>;
