//! Reading .ics files (Google Calendar, Outlook, Apple Calendar, Meetup and Luma feeds) into
//! neutral events that the caller maps into workshops. Nothing here knows about workshops.
//!
//! The `ical` crate splits lines into properties and components. Around it: `lines` unfolds and
//! checks the structure first (so errors carry line numbers and folds are handled right), `text`
//! unescapes what `ical` leaves escaped, `zones` turns TZIDs into IANA zones, and `event` builds
//! each event. A malformed file is an error as a whole: the caller imports nothing from it.

mod custom_zone;
mod event;
mod lines;
mod model;
mod text;
mod values;
mod windows_zones;
mod zones;

pub use model::{EventTime, Person, ReadEvent, ReadItip, ReadStatus};

use crate::{IcalError, Result};

/// Reads every VEVENT of an .ics file (all its VCALENDARs), in file order. VTODO, VJOURNAL,
/// VFREEBUSY, VALARM and unknown components are skipped; X- properties are ignored.
pub fn read_calendar(bytes: &[u8]) -> Result<Vec<ReadEvent>> {
    Ok(read_itip(bytes)?.events)
}

/// Reads a calendar with its METHOD (the first VCALENDAR's), as iTIP messages carry it.
pub fn read_itip(bytes: &[u8]) -> Result<ReadItip> {
    let prepared = lines::prepare(bytes)?;
    let mut calendars = Vec::new();
    for calendar in ical::IcalParser::new(prepared.text.as_bytes()) {
        calendars.push(calendar.map_err(|e| parser_error(e, &prepared.lines))?);
    }
    let events = calendars.iter().flat_map(|c| &c.events);
    let timezones = calendars.iter().flat_map(|c| &c.timezones);
    let method = calendars
        .iter()
        .flat_map(|c| &c.properties)
        .find(|p| p.name.eq_ignore_ascii_case("METHOD"))
        .and_then(|p| p.value.as_deref())
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty());
    let mut zones = zones::Zones::new(timezones.zip(&prepared.timezones));
    let events = events
        .zip(&prepared.events)
        .map(|(event, lines)| event::read_event(event, lines, &mut zones))
        .collect::<Result<_>>()?;
    Ok(ReadItip { method, events })
}

/// `ical`'s errors, with its line (counted in the text we gave it) mapped back to the file's.
fn parser_error(error: ical::parser::ParserError, lines: &[u32]) -> IcalError {
    use ical::parser::ParserError;
    use ical::property::PropertyError;
    let ParserError::PropertyError(error) = error else {
        // The structure was checked before `ical` saw the text; this is a bug if it happens.
        return IcalError::InvalidFile {
            line: None,
            message: format!("the calendar could not be read ({error})"),
        };
    };
    let (line, message) = match error {
        PropertyError::MissingName { line } => (line, "a line without a property name".into()),
        PropertyError::MissingClosingQuote { line } => {
            (line, "a parameter value without its closing quote".into())
        }
        PropertyError::MissingDelimiter { line, delimiter } => {
            (line, format!("a parameter without \"{delimiter}\""))
        }
        PropertyError::MissingContentAfter { line, .. } => {
            (line, "a property without a value (no \":\")".into())
        }
        PropertyError::MissingParamKey { line } => (line, "a parameter without a name".into()),
    };
    IcalError::InvalidFile {
        line: line
            .checked_sub(1)
            .and_then(|index| lines.get(index))
            .copied(),
        message,
    }
}
