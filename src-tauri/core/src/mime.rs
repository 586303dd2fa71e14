//! Mail messages as bytes (RFC 5322 with MIME, RFC 2045–2047), written by hand so that what is
//! stored in the outbox is exactly what is sent: CRLF only, no line over 78 octets in what we
//! write (998 is the limit), every body base64, every header value free of CR/LF, non-ASCII
//! words as RFC 2047 encoded words.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use jiff::Timestamp;

/// One MIME part: a leaf with its bytes, or a multipart of parts.
#[derive(Debug, Clone)]
pub enum Part {
    Leaf {
        /// The whole Content-Type value, parameters included (`text/plain; charset=utf-8`).
        content_type: String,
        /// Further headers (Content-Disposition, Content-ID), names and values as written.
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Multipart {
        /// `mixed`, `alternative`, `related`.
        subtype: &'static str,
        parts: Vec<Part>,
    },
}

impl Part {
    pub fn text(content_type: &str, text: &str) -> Part {
        Part::Leaf {
            content_type: content_type.to_owned(),
            headers: Vec::new(),
            body: crlf(text).into_bytes(),
        }
    }

    pub fn bytes(content_type: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Part {
        Part::Leaf {
            content_type: content_type.to_owned(),
            headers,
            body,
        }
    }
}

/// Line ends as mail wants them: every `\n` or lone `\r` becomes CRLF.
pub fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\r\n");
            }
            '\n' => out.push_str("\r\n"),
            c => out.push(c),
        }
    }
    out
}

/// A header value with every control character (CR and LF above all) replaced by a space: no
/// value can start a header of its own.
pub fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Unstructured text (a Subject) as the header wants it: ASCII stays as it is, anything else
/// becomes UTF-8 encoded words of at most 75 octets, folded onto lines of their own.
pub fn unstructured(value: &str) -> String {
    let value = one_line(value);
    if value.is_ascii() && !value.contains("=?") {
        return fold_words(&value);
    }
    encoded_words(&value)
}

/// `Name <address>`: the name quoted or encoded as needed; the address as it is (checked by
/// the caller).
pub fn mailbox(name: &str, address: &str) -> String {
    let name = one_line(name);
    let address = one_line(address);
    if name.trim().is_empty() {
        return format!("<{address}>");
    }
    let phrase = if name.is_ascii() {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        encoded_words(&name)
    };
    format!("{phrase} <{address}>")
}

/// RFC 2047 `=?utf-8?b?…?=` words, each at most 75 octets and split on character
/// boundaries, separated by a fold.
fn encoded_words(value: &str) -> String {
    // 75 - len("=?utf-8?b?") - len("?=") = 63 base64 characters = 45 bytes of text at most.
    const MAX_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(format!("=?utf-8?b?{}?=", BASE64.encode(&chunk)));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?utf-8?b?{}?=", BASE64.encode(&chunk)));
    }
    words.join("\r\n ")
}

/// Folds ASCII text at spaces so that no line passes 78 characters where a space allows (the
/// first line leaves room for a header name such as `Subject: `).
fn fold_words(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut line = 12;
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            if line + 1 + word.len() > 76 && line > 0 {
                out.push_str("\r\n ");
                line = 1;
            } else {
                out.push(' ');
                line += 1;
            }
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// The Date header's form (RFC 5322 §3.3), in UTC.
pub fn date(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// Writes the message: `headers` (name, value; values already encoded with the functions
/// above), then MIME-Version and the root part.
pub fn message(headers: &[(&str, String)], root: &Part, boundary_seed: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    for (name, value) in headers {
        header(&mut out, name, value);
    }
    header(&mut out, "MIME-Version", "1.0");
    let mut counter = 0;
    write_part(&mut out, root, boundary_seed, &mut counter);
    out
}

fn header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

fn write_part(out: &mut Vec<u8>, part: &Part, seed: &str, counter: &mut u32) {
    match part {
        Part::Leaf {
            content_type,
            headers,
            body,
        } => {
            header(out, "Content-Type", content_type);
            header(out, "Content-Transfer-Encoding", "base64");
            for (name, value) in headers {
                header(out, name, value);
            }
            out.extend_from_slice(b"\r\n");
            base64_lines(out, body);
        }
        Part::Multipart { subtype, parts } => {
            *counter += 1;
            // The seed is random per message and base32 (never in base64's alphabet with '='
            // and '_' around it), so no body line can be mistaken for the boundary.
            let boundary = format!("=_{seed}_{counter}");
            header(
                out,
                "Content-Type",
                &format!("multipart/{subtype}; boundary=\"{boundary}\""),
            );
            out.extend_from_slice(b"\r\n");
            for part in parts {
                out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                write_part(out, part, seed, counter);
            }
            out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        }
    }
}

fn base64_lines(out: &mut Vec<u8>, body: &[u8]) {
    let encoded = BASE64.encode(body);
    for line in encoded.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_cannot_break_a_line() {
        assert_eq!(one_line("Ada\r\nBcc: x@y"), "Ada  Bcc: x@y");
        let subject = unstructured("Hi\r\nBcc: evil@example.org");
        assert!(!subject.contains("\r\nBcc"), "{subject}");
        let from = mailbox("Ada \"the\" \\ Lovelace\nX: y", "ada@example.org");
        assert_eq!(
            from,
            "\"Ada \\\"the\\\" \\\\ Lovelace X: y\" <ada@example.org>"
        );
    }

    #[test]
    fn non_ascii_becomes_encoded_words_on_character_boundaries() {
        let subject = unstructured(&"山田太郎さんへ、ワークショップのご案内".repeat(3));
        for line in subject.split("\r\n") {
            let word = line.trim_start();
            assert!(word.len() <= 75, "{word}");
            let inner = word
                .strip_prefix("=?utf-8?b?")
                .and_then(|w| w.strip_suffix("?="))
                .expect("an encoded word");
            String::from_utf8(BASE64.decode(inner).expect("base64")).expect("whole characters");
        }
    }

    #[test]
    fn every_line_ends_in_crlf_and_stays_short() {
        let root = Part::Multipart {
            subtype: "mixed",
            parts: vec![
                Part::text("text/plain; charset=utf-8", &"word ".repeat(1000)),
                Part::bytes("image/png", Vec::new(), vec![0u8; 5000]),
            ],
        };
        let long = "a ".repeat(200);
        let msg = message(&[("Subject", unstructured(&long))], &root, "SEED");
        let text = String::from_utf8(msg).expect("ASCII");
        assert!(text.ends_with("--=_SEED_1--\r\n"));
        for line in text.split("\r\n") {
            assert!(!line.contains('\n') && !line.contains('\r'));
            assert!(line.len() <= 78, "{} octets: {line}", line.len());
        }
    }

    #[test]
    fn dates_are_rfc_5322() {
        let t: Timestamp = "2026-12-08T17:00:05Z".parse().expect("a time");
        assert_eq!(date(t), "Tue, 08 Dec 2026 17:00:05 +0000");
    }
}
