//! Reply links: "Going / Maybe / Can't come" as `mailto:` the organizer with a subject that
//! holds the invitation's unguessable token, for mail clients that never send a calendar reply
//! (Gmail to Gmail sends none). The organizer's inbox reads them back (`rsvp::parse`).

/// The token's marker in a reply link's subject: `[gh-TOKEN]`.
pub const TOKEN_PREFIX: &str = "[gh-";

/// Each link's label and the words its subject says, in the order the mail shows them.
pub const LINKS: [(&str, &str); 3] = [
    ("Going", "going"),
    ("Maybe", "maybe"),
    ("Can't come", "can't come"),
];

/// A reply link's subject, e.g. `RSVP going [gh-TOKEN]`.
pub fn subject(words: &str, token: &str) -> String {
    format!("RSVP {words} {TOKEN_PREFIX}{token}]")
}

/// `mailto:address?subject=…`, every character outside RFC 3986's unreserved set (and `@`)
/// percent-encoded, so the link is one token in Markdown, HTML and plain text alike.
pub fn mailto(address: &str, subject: &str) -> String {
    format!("mailto:{}?subject={}", encode(address), encode(subject))
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_one_plain_token() {
        let link = mailto("group@example.org", &subject("can't come", "abc"));
        assert_eq!(
            link,
            "mailto:group@example.org?subject=RSVP%20can%27t%20come%20%5Bgh-abc%5D"
        );
        // An address with characters Markdown or HTML would read: encoded too.
        assert_eq!(
            mailto("a(b)<c>@example.org", "x"),
            "mailto:a%28b%29%3Cc%3E@example.org?subject=x"
        );
    }
}
