//! The layer before the `ical` crate: unfold at the byte level, check that components nest and
//! close, and hand on only the components we read, remembering where every line came from.
//!
//! We unfold ourselves because `ical` 0.11 drops a space that follows a fold's leading whitespace
//! and silently stops the whole calendar when a fold splits a UTF-8 character. Its parsed
//! properties carry no line numbers, so we record, per VEVENT and VTIMEZONE, the original line of
//! each property in the order `ical` will return them.

use crate::{IcalError, Result};

/// The text given to `ical`, with the original line of each of its lines.
pub(super) struct Prepared {
    /// Unfolded lines joined with `\n`: VCALENDAR, VEVENT, VTIMEZONE, STANDARD and DAYLIGHT only.
    pub text: String,
    /// `lines[i]` is the 1-based original line where line `i` of `text` begins.
    pub lines: Vec<u32>,
    /// One entry per VEVENT, in file order (the order of `ical`'s `events`).
    pub events: Vec<ComponentLines>,
    /// One entry per VTIMEZONE, in file order; `children` are its STANDARD/DAYLIGHT lines.
    pub timezones: Vec<ComponentLines>,
}

/// Where a component and its own properties (not those of nested components) begin.
#[derive(Debug, Default)]
pub(super) struct ComponentLines {
    pub begin: u32,
    pub properties: Vec<u32>,
    pub children: Vec<u32>,
}

impl ComponentLines {
    /// The line of property `index`, or the component's BEGIN line if the two parsers disagree.
    pub fn property(&self, index: usize) -> u32 {
        self.properties.get(index).copied().unwrap_or(self.begin)
    }

    pub fn child(&self, index: usize) -> u32 {
        self.children.get(index).copied().unwrap_or(self.begin)
    }
}

pub(super) fn invalid(line: u32, message: impl Into<String>) -> IcalError {
    IcalError::InvalidFile {
        line: Some(line),
        message: message.into(),
    }
}

/// Unfolds `bytes` and checks its component structure.
pub(super) fn prepare(bytes: &[u8]) -> Result<Prepared> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IcalError::InvalidFile {
            line: None,
            message: "the file is empty".into(),
        });
    }
    let mut scan = Scan::default();
    for (number, line) in unfold(bytes) {
        if line.is_empty() {
            continue;
        }
        let Ok(line) = std::str::from_utf8(&line) else {
            if scan.seen_content {
                return Err(invalid(number, "the line is not UTF-8 text"));
            }
            return Err(not_icalendar(number));
        };
        scan.line(number, line)?;
    }
    scan.finish()
}

fn not_icalendar(line: u32) -> IcalError {
    invalid(
        line,
        "this is not an iCalendar (.ics) file: it should begin with BEGIN:VCALENDAR",
    )
}

/// RFC 5545 §3.1: a line break followed by one space or tab continues the previous line; the
/// break and that one character are removed, nothing else (a second space is content). Joining
/// bytes, not characters, rejoins a UTF-8 sequence that a careless writer split across the fold.
/// Lines end in CRLF, LF, or (old Mac files with no LF at all) CR.
fn unfold(bytes: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let separator = if memchr::memchr(b'\n', bytes).is_some() {
        b'\n'
    } else {
        b'\r'
    };
    let mut logical: Vec<(u32, Vec<u8>)> = Vec::new();
    for (index, physical) in bytes.split(|&b| b == separator).enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let physical = physical.strip_suffix(b"\r").unwrap_or(physical);
        match (physical.first(), logical.last_mut()) {
            (Some(b' ' | b'\t'), Some((_, current))) => current.extend_from_slice(&physical[1..]),
            _ => logical.push((number, physical.to_vec())),
        }
    }
    logical
}

/// The components we know, and where RFC 5545 lets them appear.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Calendar,
    Event,
    TimeZone,
    Observance,
    /// VTODO, VJOURNAL, VFREEBUSY: read past, not read.
    OtherTopLevel,
    Alarm,
    /// X- and unknown IANA components: allowed anywhere, never read.
    Unknown,
}

fn kind_of(name: &str) -> Kind {
    match name {
        "VCALENDAR" => Kind::Calendar,
        "VEVENT" => Kind::Event,
        "VTIMEZONE" => Kind::TimeZone,
        "STANDARD" | "DAYLIGHT" => Kind::Observance,
        "VTODO" | "VJOURNAL" | "VFREEBUSY" => Kind::OtherTopLevel,
        "VALARM" => Kind::Alarm,
        _ => Kind::Unknown,
    }
}

struct Open {
    name: String,
    kind: Kind,
    line: u32,
    /// Whether its lines go to `ical`.
    kept: bool,
}

#[derive(Default)]
struct Scan {
    stack: Vec<Open>,
    seen_content: bool,
    text: String,
    lines: Vec<u32>,
    events: Vec<ComponentLines>,
    timezones: Vec<ComponentLines>,
}

impl Scan {
    fn line(&mut self, number: u32, line: &str) -> Result<()> {
        let first = !self.seen_content;
        self.seen_content = true;
        let name_end = line.find([';', ':']).unwrap_or(line.len());
        let name = &line[..name_end];
        let is_begin = name.eq_ignore_ascii_case("BEGIN");
        if !is_begin && !name.eq_ignore_ascii_case("END") {
            if first {
                return Err(not_icalendar(number));
            }
            self.property(number, line);
            return Ok(());
        }
        let component = line[name_end..]
            .split_once(':')
            .map(|(_, value)| value.trim().to_ascii_uppercase())
            .unwrap_or_default();
        if first && !(is_begin && component == "VCALENDAR") {
            return Err(not_icalendar(number));
        }
        if component.is_empty() {
            return Err(invalid(number, format!("{name} without a component name")));
        }
        if is_begin {
            self.begin(number, component)
        } else {
            self.end(number, &component)
        }
    }

    fn property(&mut self, number: u32, line: &str) {
        let Some(top) = self.stack.last() else {
            // Outside any calendar (after END:VCALENDAR): not part of the calendar, ignored.
            return;
        };
        if !top.kept {
            return;
        }
        match top.kind {
            Kind::Event => {
                if let Some(event) = self.events.last_mut() {
                    event.properties.push(number);
                }
            }
            Kind::TimeZone => {
                if let Some(zone) = self.timezones.last_mut() {
                    zone.properties.push(number);
                }
            }
            _ => {}
        }
        self.emit(number, line);
    }

    fn begin(&mut self, number: u32, name: String) -> Result<()> {
        let kind = kind_of(&name);
        let parent = self.stack.last();
        let allowed = match (kind, parent.map(|p| p.kind)) {
            (Kind::Calendar, None) => true,
            (_, None) => {
                // Stray components after END:VCALENDAR are not part of any calendar.
                self.stack.push(Open {
                    name,
                    kind: Kind::Unknown,
                    line: number,
                    kept: false,
                });
                return Ok(());
            }
            (Kind::Unknown, Some(_)) => true,
            (Kind::Event | Kind::TimeZone | Kind::OtherTopLevel, Some(Kind::Calendar)) => true,
            (Kind::Alarm, Some(Kind::Event | Kind::OtherTopLevel)) => true,
            (Kind::Observance, Some(Kind::TimeZone)) => true,
            // Inside a component we skip anyway, anything goes.
            (_, Some(Kind::Unknown)) => true,
            _ => false,
        };
        if let (false, Some(parent)) = (allowed, parent) {
            return Err(invalid(
                number,
                format!(
                    "BEGIN:{name} inside {} (opened at line {}); is an END:{} missing?",
                    parent.name, parent.line, parent.name
                ),
            ));
        }
        let kept = parent.is_none_or(|p| p.kept)
            && matches!(
                kind,
                Kind::Calendar | Kind::Event | Kind::TimeZone | Kind::Observance
            );
        if kept {
            match kind {
                Kind::Event => self.events.push(ComponentLines {
                    begin: number,
                    ..ComponentLines::default()
                }),
                Kind::TimeZone => self.timezones.push(ComponentLines {
                    begin: number,
                    ..ComponentLines::default()
                }),
                Kind::Observance => {
                    if let Some(zone) = self.timezones.last_mut() {
                        zone.children.push(number);
                    }
                }
                _ => {}
            }
            self.emit(number, &format!("BEGIN:{name}"));
        }
        self.stack.push(Open {
            name,
            kind,
            line: number,
            kept,
        });
        Ok(())
    }

    fn end(&mut self, number: u32, name: &str) -> Result<()> {
        let Some(top) = self.stack.pop() else {
            return Err(invalid(
                number,
                format!("END:{name} without a matching BEGIN:{name}"),
            ));
        };
        if top.name != name {
            return Err(invalid(
                number,
                format!(
                    "END:{name} does not close BEGIN:{} at line {}",
                    top.name, top.line
                ),
            ));
        }
        if top.kept {
            self.emit(number, &format!("END:{name}"));
        }
        Ok(())
    }

    fn emit(&mut self, number: u32, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.lines.push(number);
    }

    fn finish(self) -> Result<Prepared> {
        if let Some(open) = self.stack.last() {
            return Err(invalid(
                open.line,
                format!(
                    "BEGIN:{} is never closed: the file ends without END:{}",
                    open.name, open.name
                ),
            ));
        }
        Ok(Prepared {
            text: self.text,
            lines: self.lines,
            events: self.events,
            timezones: self.timezones,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logical(bytes: &[u8]) -> Vec<(u32, String)> {
        unfold(bytes)
            .into_iter()
            .map(|(n, l)| (n, String::from_utf8(l).unwrap()))
            .collect()
    }

    #[test]
    fn unfolding_removes_exactly_one_whitespace_character() {
        let lines = logical(b"A:one\r\n  two\r\n\tthree\r\nB:x\r\n");
        assert_eq!(lines[0], (1, "A:one twothree".to_string()));
        assert_eq!(lines[1], (4, "B:x".to_string()));
    }

    #[test]
    fn a_utf8_character_split_by_a_fold_is_rejoined() {
        let lines = logical(b"A:caf\xC3\n \xA9!\nB:x");
        assert_eq!(lines[0].1, "A:caf\u{e9}!");
    }

    #[test]
    fn cr_only_files_are_split_on_cr() {
        let lines = logical(b"A:1\rB:2\r");
        assert_eq!(lines[1], (2, "B:2".to_string()));
    }
}
