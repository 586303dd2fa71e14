//! vCard 4.0 (RFC 6350) mailing lists, for address books (Thunderbird, Apple Contacts, Google
//! Contacts, Evolution) that group people by CATEGORIES.
//!
//! Each member is one card: BEGIN, VERSION (which must come right after BEGIN, §6.7.9), UID,
//! FN, N, EMAIL, TEL when there is a phone, CATEGORIES when there are tags, REV, END. Lines end
//! in CRLF and are folded at 75 octets (§3.2); values are escaped as TEXT (§3.4).

use std::io::Write;

use super::list::{split_name, write_error, ListWriter};
use crate::error::Result;
use crate::members::model::Member;

/// RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_LINE_OCTETS: usize = 75;

pub(super) struct VcardList<'a> {
    out: &'a mut dyn Write,
}

impl<'a> VcardList<'a> {
    pub(super) fn new(out: &'a mut dyn Write) -> Self {
        VcardList { out }
    }
}

impl ListWriter for VcardList<'_> {
    fn member(&mut self, member: &Member) -> Result<()> {
        self.out
            .write_all(card(member).as_bytes())
            .map_err(write_error)
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(write_error)
    }
}

/// One member's card, folded, with CRLF line ends.
pub(crate) fn card(m: &Member) -> String {
    let (given, family) = split_name(&m.name);
    let mut lines = vec![
        "BEGIN:VCARD".to_owned(),
        "VERSION:4.0".to_owned(),
        uid(&m.id),
        format!("FN:{}", escape(&m.name)),
        // §6.2.2 N: family;given;additional;prefixes;suffixes.
        format!("N:{};{};;;", escape(family), escape(given)),
    ];
    if let Some(email) = &m.email {
        lines.push(format!("EMAIL:{}", escape(email)));
    }
    if let Some(phone) = &m.phone {
        // §6.4.1: TEL is a URI by default; what organizers type ("+49 (30) 1234-567") is text.
        lines.push(format!("TEL;VALUE=text:{}", escape(phone)));
    }
    if !m.tags.is_empty() {
        // §6.7.1 CATEGORIES is a list: unescaped commas separate the items.
        let tags: Vec<String> = m.tags.iter().map(|t| escape(t)).collect();
        lines.push(format!("CATEGORIES:{}", tags.join(",")));
    }
    if let Some(rev) = rev(&m.updated_at) {
        lines.push(format!("REV:{rev}"));
    }
    lines.push("END:VCARD".to_owned());

    let mut out = String::new();
    for line in &lines {
        fold_into(&mut out, line);
    }
    out
}

/// RFC 6350 §3.4: in a TEXT value, backslash, comma and semicolon are escaped with a backslash
/// and a line break is written `\n`. Escaping `;` and `,` everywhere also makes a value safe
/// inside the structured N and the list CATEGORIES, where they are separators.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// RFC 6350 §3.2: fold at 75 octets, never inside a UTF-8 sequence. A fold is CRLF followed by
/// one space, and that space counts toward the next line's 75 octets. We also never fold between
/// a backslash and the character it escapes: allowed, but some readers unescape before they
/// unfold.
pub(crate) fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let mut unit = String::from(c);
        if c == '\\' {
            unit.extend(chars.next());
        }
        if used + unit.len() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push_str(&unit);
        used += unit.len();
    }
    out.push_str("\r\n");
}

/// Crockford base32, the alphabet of member ids (see `crate::ids`).
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// §6.7.6 UID, stable across exports so an address book updates a card instead of adding a
/// second one. A Guildhall id (`mem_` + 16 base32 symbols = 80 bits) maps one-to-one onto a
/// UUIDv8 (RFC 9562 §5.8: version 8, variant 10, the other bits ours): the 80 bits fill the
/// custom fields from the top, the rest is zero. Any other id is given as text.
pub(crate) fn uid(id: &str) -> String {
    let bits = id
        .strip_prefix("mem_")
        .filter(|s| s.len() == 16)
        .and_then(|s| {
            s.bytes().try_fold(0u128, |acc, b| {
                let digit = CROCKFORD.iter().position(|&a| a == b)?;
                Some(acc << 5 | digit as u128)
            })
        });
    let Some(bits) = bits else {
        return format!("UID;VALUE=text:{}", escape(id));
    };
    let a = bits >> 32; // 48 bits
    let b = (bits >> 20) & 0xFFF; // 12 bits
    let c = bits & 0xF_FFFF; // 20 bits, at the top of the 62-bit third field
    let uuid = a << 80 | 0x8 << 76 | b << 64 | 0b10 << 62 | c << 42;
    let hex = format!("{uuid:032x}");
    format!(
        "UID:urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// §6.7.4 REV as a UTC timestamp (`20250301T120000Z`), from an RFC 3339 time.
fn rev(updated_at: &str) -> Option<String> {
    let at: jiff::Timestamp = updated_at.parse().ok()?;
    Some(at.strftime("%Y%m%dT%H%M%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape(r"a\b,c;d"), r"a\\b\,c\;d");
        assert_eq!(escape("one\r\ntwo\nthree"), r"one\ntwo\nthree");
    }

    #[test]
    fn folds_without_splitting_characters_or_escapes() {
        let mut out = String::new();
        fold_into(&mut out, &format!("FN:{}", "é".repeat(60)));
        for line in out.split_terminator("\r\n") {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line:?}");
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("FN:{}\r\n", "é".repeat(60))
        );

        let mut out = String::new();
        fold_into(&mut out, &format!("{}\\,", "x".repeat(74)));
        assert_eq!(out, format!("{}\r\n \\,\r\n", "x".repeat(74)));
    }

    #[test]
    fn uids_are_uuid_v8_and_one_to_one() {
        let uid_a = uid("mem_0000000000000000");
        assert_eq!(uid_a, "UID:urn:uuid:00000000-0000-8000-8000-000000000000");
        let uid_z = uid("mem_ZZZZZZZZZZZZZZZZ");
        assert_eq!(uid_z, "UID:urn:uuid:ffffffff-ffff-8fff-bfff-fc0000000000");
        assert_ne!(uid("mem_7K2M9Q4XW1RZ3B8D"), uid("mem_7K2M9Q4XW1RZ3B8E"));
        assert_eq!(uid("legacy,1"), "UID;VALUE=text:legacy\\,1");
    }
}
