//! What can go wrong reading or writing a calendar, in words for the organizer.

/// A failure of this crate. `InvalidFile` is a file that cannot be read as a calendar;
/// `UnknownZone` a time zone the tz database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcalError {
    /// `line` is 1-based, counted as an editor counts lines, when the problem has a place.
    #[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    InvalidFile { line: Option<u32>, message: String },

    #[error("{} is not a time zone this computer knows ({reason})", shown(name))]
    UnknownZone { name: String, reason: String },
}

/// A value from the file as a message repeats it: in quotes, without control characters, cut
/// after 60 characters (a 10 MB UID is not echoed back).
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::from("\"");
    let mut chars = value.chars().filter(|c| !c.is_control());
    out.extend(chars.by_ref().take(MAX));
    if chars.next().is_some() {
        out.push('…');
    }
    out.push('"');
    out
}

pub type Result<T, E = IcalError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_messages_are_short_and_plain() {
        assert_eq!(shown("Europe/Berlin"), "\"Europe/Berlin\"");
        assert_eq!(shown("a\u{1b}]0;x\u{7}b"), "\"a]0;xb\"");
        let long = "u".repeat(10_000_000);
        assert_eq!(shown(&long), format!("\"{}…\"", "u".repeat(60)));
        let zone = IcalError::UnknownZone {
            name: long,
            reason: "not in the tz database".into(),
        };
        assert!(zone.to_string().chars().count() < 130, "{zone}");
    }
}
