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
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_open() {
        for ok in [
            "https://example.org/a?b=c",
            "HTTP://example.org",
            "mailto:zoe@example.org",
        ] {
            assert_eq!(openable_link(ok).unwrap(), ok);
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
    fn squashes_whitespace() {
        assert_eq!(squash_whitespace("  Ada \n  Lovelace\t"), "Ada Lovelace");
        assert_eq!(squash_whitespace("   "), "");
    }
}
