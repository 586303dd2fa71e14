//! Text folding for search and sorting: "Zoë" and "zoe", "Müller" and "muller" must meet.
//!
//! Canonical decomposition (NFD) splits accents off their letters; the marks are dropped and the
//! rest lower-cased. Letters that carry no decomposable accent (ß, ø, ł, æ…) are spelled out.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(&mut out, s);
    out
}

/// Appends the folding of `s` to `out`. Character by character: NFD only reorders combining
/// marks among themselves, and folding drops them all, so decomposing each character on its own
/// gives what decomposing the whole string would (a test checks every character with a combining
/// class is a mark). ASCII, most of most names, has nothing to decompose.
pub fn fold_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            decompose_canonical(c, |d| push_folded(out, d));
        }
    }
}

fn push_folded(out: &mut String, c: char) {
    if is_combining_mark(c) {
        return;
    }
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'ø' | 'Ø' => out.push('o'),
        'ł' | 'Ł' => out.push('l'),
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'þ' | 'Þ' => out.push_str("th"),
        'ı' => out.push('i'),
        _ => out.extend(c.to_lowercase()),
    }
}

/// Characters that change how text shows without showing themselves: bidi overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069: "Eve\u{202E}gnirts" shows as "Evestring"), zero-width
/// spaces and joiners that no script needs (U+200B, U+2060–U+2064, U+FEFF), the soft hyphen and
/// the other format characters Unicode lists. ZWNJ/ZWJ and the left-to-right/right-to-left
/// marks (U+200C–U+200F) are not among them: Persian, Indic scripts and mixed-direction names
/// need them.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// `s` without control characters (ESC, BEL, NUL…: what reaches a terminal or a spreadsheet
/// as a command) and without [`is_hidden`] characters. Tabs and line breaks stay when
/// `keep_lines` (notes, descriptions), else they become spaces.
pub fn strip_unsafe(s: &str, keep_lines: bool) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\t' if keep_lines => Some(c),
            '\r' if keep_lines => None,
            '\n' | '\t' | '\r' => Some(' '),
            c if c.is_control() || is_hidden(c) => None,
            c => Some(c),
        })
        .collect()
}

/// How much of what someone typed an error message repeats.
pub const QUOTED_CHARS: usize = 60;

/// `value` as an error message repeats it: in curly quotes, without control or hidden
/// characters, and cut after [`QUOTED_CHARS`] characters (a 5 MB cell is not echoed back).
pub fn quoted(value: &str) -> String {
    let mut out = String::from("“");
    let mut chars = value.chars().filter(|&c| !c.is_control() && !is_hidden(c));
    out.extend(chars.by_ref().take(QUOTED_CHARS));
    if chars.next().is_some() {
        out.push('…');
    }
    out.push('”');
    out
}

/// `s` as one line of at most `max` characters (… when cut), without control or hidden
/// characters: what came from outside (a server's words, a member's comment) before it is
/// stored or shown.
pub fn one_line(s: &str, max: usize) -> String {
    let clean = squash_whitespace(&strip_unsafe(s, false));
    let mut chars = clean.chars();
    let mut out: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Trims and collapses runs of whitespace (including newlines) to one space.
pub fn squash_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A link someone wrote (a workshop description, an imported calendar) that may be handed to
/// the system's browser or mail client: only `https:`, `http:` and `mailto:`, in one piece.
pub fn openable_link(url: &str) -> crate::Result<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    if !allowed || url.len() > 2_000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(crate::CoreError::invalid(
            "url",
            "Only web (https://) and mail (mailto:) links open from Guildhall.",
        ));
    }
    if lower.starts_with("mailto:") {
        check_mail_fields(url)?;
    }
    Ok(url)
}

/// The fields a mail link may fill in (RFC 6068 allows any header, and some mail clients
/// honour `attach=` with a path on this computer, or `bcc=`): only the recipients, subject
/// and text are allowed, however the field name is spelled or percent-encoded.
fn check_mail_fields(url: &str) -> crate::Result<()> {
    const ALLOWED: [&str; 4] = ["to", "cc", "subject", "body"];
    let Some((_, query)) = url.split_once('?') else {
        return Ok(());
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let name = percent_decode_ascii(name).to_ascii_lowercase();
        if !ALLOWED.contains(&name.as_str()) {
            return Err(crate::CoreError::invalid(
                "url",
                format!(
                    "This mail link sets {}; a mail link from Guildhall may only fill in to, cc, \
                     subject and body.",
                    quoted(&name)
                ),
            ));
        }
    }
    Ok(())
}

/// `%XX` escapes decoded where they make an ASCII character; anything else kept as written.
fn percent_decode_ascii(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = s
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) if b.is_ascii() => {
                out.push(char::from(b));
                i += 3;
            }
            _ => {
                let c = s[i..].chars().next().unwrap_or('\u{fffd}');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_input_is_short_and_harmless() {
        assert_eq!(quoted("Ada"), "“Ada”");
        assert_eq!(quoted("a\u{1b}[31mb\u{202e}c"), "“a[31mbc”");
        let long = "x".repeat(5_000_000);
        assert_eq!(quoted(&long), format!("“{}…”", "x".repeat(QUOTED_CHARS)));
        assert_eq!(
            quoted(&"é".repeat(QUOTED_CHARS)),
            format!("“{}”", "é".repeat(QUOTED_CHARS))
        );
    }

    #[test]
    fn only_web_and_mail_links_open() {
        for ok in [
            "https://example.org/a?b=c",
            "HTTP://example.org",
            "mailto:zoe@example.org",
            "mailto:zoe@example.org?subject=Slides%20for%20Tuesday&body=Hi%20Zo%C3%AB&cc=a@b.org",
            "mailto:?to=zoe@example.org&SUBJECT=x",
        ] {
            assert_eq!(openable_link(ok).unwrap(), ok);
        }
        for fields in [
            "mailto:zoe@example.org?attach=/home/ada/.ssh/id_rsa",
            "mailto:zoe@example.org?subject=x&Attachment=~/.gnupg",
            "mailto:zoe@example.org?%61ttach=/etc/shadow",
            "mailto:zoe@example.org?bcc=eve@example.org",
            "mailto:zoe@example.org?subject=x&in-reply-to=%3Cid%3E",
        ] {
            let err = openable_link(fields).unwrap_err().to_string();
            assert!(err.contains("to, cc, subject and body"), "{fields}: {err}");
        }
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://exa mple.org",
            "https://example.org/\nx",
            "tauri://localhost",
            "",
        ] {
            assert!(openable_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold("Zoë"), "zoe");
        assert_eq!(fold("MÜLLER"), "muller");
        assert_eq!(fold("Łukasz Søren Straße"), "lukasz soren strasse");
        assert_eq!(fold("José Nguyễn"), "jose nguyen");
        assert_eq!(fold("plain"), "plain");
    }

    #[test]
    fn folding_by_character_is_folding_the_nfd_string() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::UnicodeNormalization;
        // What makes folding character by character exact: NFD's reordering moves only
        // characters with a combining class, and folding drops every one of them.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if canonical_combining_class(c) != 0 {
                assert!(is_combining_mark(c), "{c:?} U+{:04X}", c as u32);
            }
        }
        let by_nfd = |s: &str| {
            let mut out = String::new();
            for c in s.nfd() {
                push_folded(&mut out, c);
            }
            out
        };
        for s in [
            "Zoë Müller",
            "e\u{301}\u{323}x",
            "a\u{323}\u{301}",
            "\u{301}leading mark",
            "Ǆ ǅ ǆ ΐ Å Å ﬁ 한국",
            "Nguyễn Thị Minh Khai",
            "Straße, Łódź; Þórr",
        ] {
            assert_eq!(fold(s), by_nfd(s), "{s}");
        }
    }

    #[test]
    fn controls_and_hidden_characters_go_and_scripts_keep_their_joiners() {
        assert_eq!(strip_unsafe("Eve\u{1b}[2J\u{7}", false), "Eve[2J");
        assert_eq!(strip_unsafe("Eve\u{202E}gnirts", false), "Evegnirts");
        assert_eq!(strip_unsafe("a\u{200B}b\u{FEFF}", false), "ab");
        assert_eq!(strip_unsafe("line 1\r\nline\t2", true), "line 1\nline\t2");
        assert_eq!(strip_unsafe("line 1\nline 2", false), "line 1 line 2");
        // Persian with ZWNJ, Hindi with ZWJ: unchanged.
        for kept in ["می\u{200C}خواهم", "क्\u{200D}ष", "\u{200F}שלום"] {
            assert_eq!(strip_unsafe(kept, false), kept);
        }
    }

    #[test]
    fn squashes_whitespace() {
        assert_eq!(squash_whitespace("  Ada \n  Lovelace\t"), "Ada Lovelace");
        assert_eq!(squash_whitespace("   "), "");
    }
}
