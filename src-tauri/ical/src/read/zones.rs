//! TZID → zone. Producers name zones in five ways; we try them in this order:
//! 1. an IANA name (`Europe/Berlin`), with or without a VTIMEZONE in the file;
//! 2. a VTIMEZONE with `X-LIC-LOCATION` (Google, Lightning) naming an IANA zone;
//! 3. an IANA name behind a prefix (`/mozilla.org/20050126_1/Europe/Berlin`, `/citadel.org/…`);
//! 4. a Windows zone name (Outlook, Exchange: `W. Europe Standard Time`);
//! 5. any other TZID whose VTIMEZONE is in the file: the IANA zone with the same offsets and
//!    transitions, or, when none matches, the VTIMEZONE itself (times become UTC instants).

use std::collections::HashMap;
use std::rc::Rc;

use ical::parser::ical::component::IcalTimeZone;
use jiff::civil::DateTime;

use super::custom_zone::CustomZone;
use super::lines::{invalid, ComponentLines};
use super::model::EventTime;
use super::text::value;
use super::windows_zones::iana_for_windows;
use crate::error::shown;
use crate::Result;

#[derive(Debug, Clone)]
enum Zone {
    Iana(String),
    Custom(Rc<CustomZone>),
}

pub(super) struct Zones<'c> {
    definitions: HashMap<String, (&'c IcalTimeZone, &'c ComponentLines)>,
    resolved: HashMap<String, Zone>,
}

/// The tz database's spelling of `name`, if it is a zone there that means the same on every
/// computer (not `localtime`: see `zone_names`).
fn iana(name: &str) -> Option<String> {
    if !crate::zone_names::is_portable(name) {
        return None;
    }
    let tz = jiff::tz::db().get(name).ok()?;
    Some(tz.iana_name().unwrap_or(name).to_string())
}

impl<'c> Zones<'c> {
    pub fn new(timezones: impl Iterator<Item = (&'c IcalTimeZone, &'c ComponentLines)>) -> Self {
        let mut definitions = HashMap::new();
        for (zone, lines) in timezones {
            if let Some(tzid) = zone
                .properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case("TZID"))
            {
                definitions
                    .entry(value(tzid).trim().to_string())
                    .or_insert((zone, lines));
            }
        }
        Zones {
            definitions,
            resolved: HashMap::new(),
        }
    }

    /// `local` in the zone `tzid` names; `line` is where the TZID was used, for the error.
    pub fn time(&mut self, tzid: &str, local: DateTime, line: u32) -> Result<EventTime> {
        let tzid = tzid.trim();
        let zone = match self.resolved.get(tzid) {
            Some(zone) => zone.clone(),
            None => {
                let zone = self.resolve(tzid, local.year(), line)?;
                self.resolved.insert(tzid.to_string(), zone.clone());
                zone
            }
        };
        match zone {
            Zone::Iana(zone) => Ok(EventTime::Zoned { local, zone }),
            Zone::Custom(custom) => {
                custom
                    .to_timestamp(local)
                    .map(EventTime::Utc)
                    .ok_or_else(|| {
                        invalid(
                            line,
                            format!("{local} cannot be placed in time zone {}", shown(tzid)),
                        )
                    })
            }
        }
    }

    fn resolve(&self, tzid: &str, year: i16, line: u32) -> Result<Zone> {
        if let Some(name) = iana(tzid) {
            return Ok(Zone::Iana(name));
        }
        let definition = self.definitions.get(tzid);
        if let Some(name) = definition.and_then(|(zone, _)| {
            let location = zone
                .properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case("X-LIC-LOCATION"))?;
            iana(value(location).trim())
        }) {
            return Ok(Zone::Iana(name));
        }
        // The longest suffix after a '/' that is a zone: "America/Argentina/Buenos_Aires"
        // before "Argentina/Buenos_Aires".
        if let Some(name) = tzid
            .match_indices('/')
            .filter_map(|(i, _)| iana(&tzid[i + 1..]))
            .next()
        {
            return Ok(Zone::Iana(name));
        }
        if let Some(name) = iana_for_windows(tzid).and_then(iana) {
            return Ok(Zone::Iana(name));
        }
        let Some((zone, lines)) = definition else {
            return Err(invalid(
                line,
                format!(
                    "unknown time zone \"{tzid}\": it is not an IANA or Windows zone name and \
                     no VTIMEZONE in the file defines it"
                ),
            ));
        };
        let custom = CustomZone::parse(zone, lines)?;
        Ok(match custom.matching_iana(year) {
            Some(name) => Zone::Iana(name),
            None => Zone::Custom(Rc::new(custom)),
        })
    }
}
