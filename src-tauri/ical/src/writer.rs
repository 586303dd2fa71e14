//! Our own RFC 5545 writer: the crates we tried either do not escape TEXT, fold in characters
//! instead of octets, or add properties the standard forbids (see FACTS.md, "iCalendar").
//!
//! It writes content lines into one `String` and does nothing else: no component model, no
//! validation of which properties belong where. Callers (workshop exports, VTIMEZONE) know what
//! they write. Every line ends CRLF and is folded at 75 octets on a character boundary; TEXT
//! values are escaped (RFC 5545 §3.3.11) and parameter values are quoted where needed, with RFC 6868
//! caret encoding, so nothing a member typed can break the structure of the file.

use std::fmt::Write as _;

/// RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break."
const MAX_LINE_OCTETS: usize = 75;

/// RFC 5545 §3.1: a fold is a CRLF followed by one whitespace character.
const FOLD: &str = "\r\n ";

/// Writes iCalendar content lines into a growing buffer.
#[derive(Debug, Default, Clone)]
pub struct IcsWriter {
    buf: String,
    /// Octets on the current physical line so far (the fold's leading space included).
    col: usize,
}

impl IcsWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer whose buffer holds `bytes` before it grows (a VEVENT is ~400 bytes).
    pub fn with_capacity(bytes: usize) -> Self {
        IcsWriter {
            buf: String::with_capacity(bytes),
            col: 0,
        }
    }

    /// `BEGIN:<component>`, e.g. `BEGIN:VEVENT`.
    pub fn begin(&mut self, component: &str) {
        self.push("BEGIN:");
        self.push_name(component);
        self.end_line();
    }

    /// `END:<component>`.
    pub fn end(&mut self, component: &str) {
        self.push("END:");
        self.push_name(component);
        self.end_line();
    }

    /// A TEXT value: escapes `\` `;` `,` and newlines (CRLF, CR, LF all become `\n`).
    ///
    /// Other control characters (RFC 5545 §3.3.11 allows none but HTAB) are dropped.
    pub fn text(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        self.start_property(name, params);
        self.push_escaped(value, "\\n", |b| match b {
            b'\\' => Some("\\\\"),
            b';' => Some("\\;"),
            b',' => Some("\\,"),
            _ => None,
        });
        self.end_line();
    }

    /// A value written as given (DATE-TIME, RRULE, INTEGER, URI, CAL-ADDRESS...). Any CR/LF in
    /// it is dropped, so a value can never end the line early.
    pub fn raw(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        self.start_property(name, params);
        for piece in value.split(['\r', '\n']) {
            self.push(piece);
        }
        self.end_line();
    }

    /// The calendar written so far.
    pub fn finish(self) -> String {
        self.buf
    }

    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// `NAME;PARAM=value:` — the part of a content line before the value. A parameter value is
    /// quoted when it has to be (it holds `:` `;` `,`, is empty, or needs RFC 6868 encoding),
    /// and written bare otherwise (`VALUE=DATE`, `TZID=Europe/Berlin`), as clients write them.
    fn start_property(&mut self, name: &str, params: &[(&str, &str)]) {
        self.push_name(name);
        for (param, value) in params {
            self.push(";");
            self.push_name(param);
            self.push("=");
            let quote = value.is_empty()
                || value
                    .bytes()
                    .any(|b| matches!(b, b':' | b';' | b',' | b'"' | b'^' | 0x00..=0x1f | 0x7f));
            if quote {
                self.push("\"");
            }
            self.push_param_value(value);
            if quote {
                self.push("\"");
            }
        }
        self.push(":");
    }

    /// A parameter value inside its double quotes, RFC 6868 caret-encoded: `^` -> `^^`, a newline
    /// (CRLF, CR or LF) -> `^n`, `"` -> `^'`. Other control characters but HTAB are not allowed
    /// in a quoted value (RFC 5545 §3.1, QSAFE-CHAR) and are dropped.
    fn push_param_value(&mut self, value: &str) {
        self.push_escaped(value, "^n", |b| match b {
            b'^' => Some("^^"),
            b'"' => Some("^'"),
            _ => None,
        });
    }

    /// Appends `value` with every newline (CRLF, CR or LF) written as `newline`, every byte that
    /// `special` maps written as its escape, HTAB kept and other control characters dropped.
    fn push_escaped(
        &mut self,
        value: &str,
        newline: &'static str,
        special: fn(u8) -> Option<&'static str>,
    ) {
        let bytes = value.as_bytes();
        // Start of the run of bytes not yet written. A run ends only at an ASCII byte, so every
        // slice is on a character boundary.
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let replacement = match b {
                b'\n' => Some(newline),
                // A CR before an LF is dropped: the LF writes the one newline of a CRLF.
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some(""),
                b'\r' => Some(newline),
                b'\t' => None,
                0x00..=0x1f | 0x7f => Some(""),
                _ => special(b),
            };
            if let Some(replacement) = replacement {
                self.push(&value[run..i]);
                self.push_unit(replacement);
                run = i + 1;
            }
        }
        self.push(&value[run..]);
    }

    /// A property or parameter name, uppercased (names are case-insensitive; uppercase is what
    /// every example in RFC 5545 and every client writes).
    fn push_name(&mut self, name: &str) {
        if !name.bytes().any(|b| b.is_ascii_lowercase()) {
            self.push(name);
            return;
        }
        let mut utf8 = [0u8; 4];
        for c in name.chars() {
            self.push(c.to_ascii_uppercase().encode_utf8(&mut utf8));
        }
    }

    /// Appends `s`, folding wherever the line would pass 75 octets.
    // RFC 5545 §3.1: fold at 75 octets, never inside a UTF-8 sequence.
    fn push(&mut self, s: &str) {
        let mut rest = s;
        while self.col + rest.len() > MAX_LINE_OCTETS {
            let mut cut = MAX_LINE_OCTETS - self.col;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (line, tail) = rest.split_at(cut);
            self.buf.push_str(line);
            self.buf.push_str(FOLD);
            self.col = 1;
            rest = tail;
        }
        self.buf.push_str(rest);
        self.col += rest.len();
    }

    /// Appends a short sequence that must stay on one physical line (an escape like `\n` or
    /// `^'`): parsers that unfold first do not need this, but a reader that unescapes before
    /// unfolding would otherwise see half an escape.
    fn push_unit(&mut self, unit: &str) {
        if self.col + unit.len() > MAX_LINE_OCTETS {
            self.buf.push_str(FOLD);
            self.col = 1;
        }
        self.buf.push_str(unit);
        self.col += unit.len();
    }

    fn end_line(&mut self) {
        self.buf.push_str("\r\n");
        self.col = 0;
    }
}

/// A weekday as RRULE's BYDAY writes it (RFC 5545 §3.3.10): `MO` … `SU`.
pub fn weekday_code(w: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday;
    match w {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

/// A UTC DATE-TIME value (RFC 5545 §3.3.5, form #2): `20270316T173000Z`. Fractions of a second
/// are dropped.
pub fn utc_stamp(t: jiff::Timestamp) -> String {
    let mut s = local_stamp(t.to_zoned(jiff::tz::TimeZone::UTC).datetime());
    s.push('Z');
    s
}

/// A local (floating, or with a TZID parameter) DATE-TIME value: `20270316T183000`. Fractions of
/// a second are dropped.
pub fn local_stamp(dt: jiff::civil::DateTime) -> String {
    let mut s = String::with_capacity(16);
    push_date(&mut s, dt.date());
    // Writing into a String cannot fail.
    let _ = write!(s, "T{:02}{:02}{:02}", dt.hour(), dt.minute(), dt.second());
    s
}

/// A DATE value (RFC 5545 §3.3.4): `20270316`.
pub fn date_stamp(d: jiff::civil::Date) -> String {
    let mut s = String::with_capacity(8);
    push_date(&mut s, d);
    s
}

fn push_date(s: &mut String, d: jiff::civil::Date) {
    let _ = write!(s, "{:04}{:02}{:02}", d.year(), d.month(), d.day());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The physical lines of a finished buffer, checking the CRLF and 75-octet rules on the way.
    fn physical_lines(out: &str) -> Vec<&str> {
        assert!(out.ends_with("\r\n"), "{out:?} does not end with CRLF");
        let lines: Vec<&str> = out[..out.len() - 2].split("\r\n").collect();
        for line in &lines {
            assert!(!line.contains(['\r', '\n']), "bare CR or LF in {line:?}");
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        lines
    }

    /// RFC 5545 §3.1 unfolding: remove every CRLF followed by one space or tab.
    fn unfold(out: &str) -> String {
        out.replace("\r\n ", "").replace("\r\n\t", "")
    }

    fn one_text(name: &str, value: &str) -> String {
        let mut w = IcsWriter::new();
        w.text(name, &[], value);
        w.finish()
    }

    #[test]
    fn a_line_of_74_or_75_octets_is_not_folded() {
        // "SUMMARY:" is 8 octets.
        for len in [74, 75] {
            let value = "a".repeat(len - 8);
            let out = one_text("SUMMARY", &value);
            assert_eq!(physical_lines(&out), vec![format!("SUMMARY:{value}")]);
        }
    }

    #[test]
    fn a_line_of_76_octets_folds_its_last_octet() {
        let value = "a".repeat(76 - 8);
        let out = one_text("SUMMARY", &value);
        let lines = physical_lines(&out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 75);
        assert_eq!(lines[1], " a");
        assert_eq!(unfold(&out), format!("SUMMARY:{value}\r\n"));
    }

    #[test]
    fn continuation_lines_hold_74_octets_after_their_space() {
        let value = "b".repeat(67 + 74 + 74 + 3);
        let out = one_text("SUMMARY", &value);
        let lines = physical_lines(&out);
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            vec![75, 75, 75, 4]
        );
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        assert_eq!(unfold(&out), format!("SUMMARY:{value}\r\n"));
    }

    #[test]
    fn a_fold_never_splits_a_multi_byte_character() {
        // Put a 2-, 3- and 4-byte character across the 75-octet boundary at every offset.
        for ch in ['é', '€', '😀'] {
            let n = ch.len_utf8();
            for pad in (75 - 8 - n)..=(75 - 8) {
                let value = format!("{}{ch}{ch}tail", "x".repeat(pad));
                let out = one_text("SUMMARY", &value);
                let lines = physical_lines(&out);
                // physical_lines sliced at CRLF, so every line is valid UTF-8 by construction;
                // the real check is that no line is longer than it should be and nothing was lost.
                assert_eq!(
                    unfold(&out),
                    format!("SUMMARY:{value}\r\n"),
                    "{ch} pad {pad}"
                );
                let first = lines[0].len();
                assert!(
                    first > 75 - n,
                    "{ch} pad {pad}: first line only {first} octets"
                );
            }
        }
    }

    #[test]
    fn long_emoji_text_folds_on_character_boundaries_only() {
        let value = "👩‍👩‍👧 ".repeat(40);
        let out = one_text("DESCRIPTION", &value);
        let bytes = out.as_bytes();
        // Every fold point: the octet before CRLF ends a character and the octet after the
        // space starts one.
        for line in physical_lines(&out) {
            assert!(std::str::from_utf8(line.as_bytes()).is_ok());
        }
        assert_eq!(unfold(&out), format!("DESCRIPTION:{value}\r\n"));
        assert!(bytes.len() > 75 * 5);
    }

    #[test]
    fn text_escapes_backslash_semicolon_comma_and_every_newline() {
        let out = one_text("description", "a\\b;c,d\ne\r\nf\rg\th\u{7}i\u{7f}");
        assert_eq!(out, "DESCRIPTION:a\\\\b\\;c\\,d\\ne\\nf\\ng\thi\r\n");
    }

    #[test]
    fn an_escape_is_never_split_by_a_fold() {
        for pad in 60..70 {
            let value = format!("{}{}", "x".repeat(pad), ",;\\\n".repeat(10));
            let out = one_text("SUMMARY", &value);
            for line in physical_lines(&out) {
                let trailing = line.bytes().rev().take_while(|&b| b == b'\\').count();
                assert!(
                    trailing % 2 == 0,
                    "pad {pad}: line ends inside an escape: {line:?}"
                );
            }
        }
    }

    #[test]
    fn raw_values_drop_cr_and_lf() {
        let mut w = IcsWriter::new();
        w.raw("RRULE", &[], "FREQ=WEEKLY;\r\nCOUNT=3\n");
        w.raw("URL", &[], "https://example.org/a,b;c");
        assert_eq!(
            w.as_str(),
            "RRULE:FREQ=WEEKLY;COUNT=3\r\nURL:https://example.org/a,b;c\r\n"
        );
    }

    #[test]
    fn parameter_values_are_quoted_where_needed_with_rfc_6868_encoding() {
        let mut w = IcsWriter::new();
        w.raw(
            "attendee",
            &[
                ("cn", "Aoife \"Fee\" O'Brien ^_^\r\nline\rtwo\nthree\u{1}"),
                ("ROLE", "CHAIR"),
                ("X-NOTE", "Chen, Mei: Dr; Zoë"),
                ("X-EMPTY", ""),
            ],
            "mailto:aoife@example.com",
        );
        let out = w.finish();
        physical_lines(&out);
        assert_eq!(
            unfold(&out),
            "ATTENDEE;CN=\"Aoife ^'Fee^' O'Brien ^^_^^^nline^ntwo^nthree\";ROLE=CHAIR;\
             X-NOTE=\"Chen, Mei: Dr; Zoë\";X-EMPTY=\"\":mailto:aoife@example.com\r\n"
        );
    }

    #[test]
    fn begin_and_end_uppercase_their_component() {
        let mut w = IcsWriter::with_capacity(64);
        w.begin("vcalendar");
        w.end("VCALENDAR");
        assert_eq!(w.finish(), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    }

    #[test]
    fn stamps() {
        let t: jiff::Timestamp = "2027-03-16T17:30:00.987Z".parse().unwrap();
        assert_eq!(utc_stamp(t), "20270316T173000Z");
        let dt = jiff::civil::datetime(2027, 3, 16, 18, 30, 5, 999_000_000);
        assert_eq!(local_stamp(dt), "20270316T183005");
        assert_eq!(date_stamp(jiff::civil::date(2027, 3, 6)), "20270306");
    }
}
