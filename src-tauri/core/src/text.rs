//! Text folding for search and sorting: "Zoë" and "zoe", "Müller" and "muller" must meet.
//!
//! Canonical decomposition (NFD) splits accents off their letters; the marks are dropped and the
//! rest lower-cased. Letters that carry no decomposable accent (ß, ø, ł, æ…) are spelled out.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
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
    out
}

/// Trims and collapses runs of whitespace (including newlines) to one space.
pub fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold("Zoë"), "zoe");
        assert_eq!(fold("MÜLLER"), "muller");
        assert_eq!(fold("Łukasz Søren Straße"), "lukasz soren strasse");
        assert_eq!(fold("José Nguyễn"), "jose nguyen");
        assert_eq!(fold("plain"), "plain");
    }

    #[test]
    fn squashes_whitespace() {
        assert_eq!(squash_whitespace("  Ada \n  Lovelace\t"), "Ada Lovelace");
        assert_eq!(squash_whitespace("   "), "");
    }
}
