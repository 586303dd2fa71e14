//! The unescaping `ical` 0.11 leaves to us: TEXT values (RFC 5545 §3.3.11) and parameter values
//! (RFC 6868), plus parameter lookup on its `Property`.

use ical::property::Property;

/// RFC 5545 §3.3.11: `\\` `\;` `\,` and `\n`/`\N` (a newline). Producers also escape characters
/// that need no escape (`\:` from some Outlook versions); the character is kept, the backslash
/// dropped. A lone trailing backslash is kept.
pub(super) fn unescape_text(value: &str) -> String {
    if !value.contains('\\') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// RFC 6868: `^n` is a newline, `^'` a double quote, `^^` a caret; any other `^` stays as is.
pub(super) fn decode_param(value: &str) -> String {
    if !value.contains('^') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('n' | 'N') => out.push('\n'),
            Some('\'') => out.push('"'),
            Some('^') => out.push('^'),
            _ => {
                out.push('^');
                continue;
            }
        }
        chars.next();
    }
    out
}

/// The first value of parameter `key`, RFC 6868-decoded (`ical` upper-cases keys and strips the
/// quotes around values).
pub(super) fn param(property: &Property, key: &str) -> Option<String> {
    property
        .params
        .as_ref()?
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, values)| values.first())
        .map(|v| decode_param(v))
}

/// The property's value, or "" when the line has nothing after the colon.
pub(super) fn value(property: &Property) -> &str {
    property.value.as_deref().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes() {
        assert_eq!(
            unescape_text(r"a\, b\; c\\d\ne\Nf\:g\"),
            "a, b; c\\d\ne\nf:g\\"
        );
        assert_eq!(unescape_text(r"C:\\path\\n"), r"C:\path\n");
    }

    #[test]
    fn rfc_6868() {
        assert_eq!(decode_param("a^nb^'c^'^^d^x"), "a\nb\"c\"^d^x");
        assert_eq!(decode_param("trailing^"), "trailing^");
    }
}
