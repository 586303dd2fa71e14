//! From the bytes of an uploaded file to text. Exports come from Excel, Numbers, LibreOffice and
//! web services, so the encodings seen in practice are UTF-8 (with or without a byte-order
//! mark), UTF-16 with a mark (Excel's "Unicode text"), and Windows-1252 (Excel's "CSV" on a
//! Western Windows). A file that is none of these (Shift_JIS from a Japanese Excel, GB18030
//! from a Chinese one, windows-1251…) is guessed with Mozilla's detector (chardetng) and the
//! guess is said, so the organizer sees the preview and can choose another encoding: nothing is
//! read as Windows-1252 mojibake without a word. Anything else — a spreadsheet binary, a photo,
//! a zip — is refused with a message the organizer can act on, before any of it reaches the
//! parser.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use crate::error::{CoreError, Result};

/// A decoded file: its text without the byte-order mark, the encoding's name, and whether that
/// encoding is a guess (no mark, not UTF-8, not chosen by the organizer).
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
    pub guessed: bool,
}

/// The encodings an organizer can choose when the guess is wrong: what spreadsheets save CSV
/// in around the world.
pub const CHOICES: &[&str] = &[
    "UTF-8",
    "windows-1252",
    "ISO-8859-2",
    "windows-1250",
    "windows-1251",
    "KOI8-R",
    "windows-1253",
    "windows-1254",
    "windows-1255",
    "windows-1256",
    "Shift_JIS",
    "EUC-JP",
    "GB18030",
    "Big5",
    "EUC-KR",
];

fn file_error(message: impl Into<String>) -> CoreError {
    CoreError::InvalidFile {
        line: None,
        message: message.into(),
    }
}

pub(crate) fn not_text() -> CoreError {
    file_error("this is not a text/CSV file")
}

/// The file's text, in `chosen` (an encoding label) when the organizer named one.
pub(crate) fn decode<'a>(bytes: &'a [u8], chosen: Option<&str>) -> Result<Decoded<'a>> {
    let decoded = if let Some(label) = chosen {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            file_error(format!(
                "{} is not an encoding Guildhall knows",
                crate::text::quoted(label)
            ))
        })?;
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(file_error(format!(
                "the file is not {}: choose another encoding",
                encoding.name()
            )));
        }
        Decoded {
            text,
            encoding: encoding.name(),
            guessed: false,
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Decoded {
            text: Cow::Borrowed(utf8(rest)?),
            encoding: "UTF-8",
            guessed: false,
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, UTF_16LE)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, UTF_16BE)?
    } else if bytes.contains(&0) {
        // NUL never appears in a text file outside UTF-16, and UTF-16 exports carry a mark.
        return Err(not_text());
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
            guessed: false,
        }
    } else {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(bytes, true);
        let encoding = detector.guess(None, false);
        let (text, _, had_errors) = encoding.decode(bytes);
        // What a guess cannot decode cleanly, decodes to mostly non-letters or to one endless
        // line, is not a table someone exported.
        if had_errors || !mostly_letters(&text) || !text.trim_end().contains('\n') {
            return Err(not_text());
        }
        Decoded {
            text,
            encoding: encoding.name(),
            guessed: true,
        }
    };
    if decoded.text.trim().is_empty() {
        return Err(file_error("the file is empty"));
    }
    if mostly_control_characters(&decoded.text) {
        return Err(not_text());
    }
    Ok(decoded)
}

/// After a UTF-8 byte-order mark the rest must be UTF-8; say where it is not.
fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        CoreError::InvalidFile {
            line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
            message: "the file says it is UTF-8 but is not: save it again as \"CSV UTF-8\"".into(),
        }
    })
}

fn utf16(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> Result<Decoded<'static>> {
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            file_error("the file says it is UTF-16 but is not: save it again as \"CSV UTF-8\"")
        })?;
    Ok(Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding: encoding.name(),
        guessed: false,
    })
}

/// What of a name or value an error message quotes.
/// Whether a guessed decoding reads as a table: at most a third of its characters are neither
/// letters, digits, spaces nor the punctuation of a CSV.
fn mostly_letters(text: &str) -> bool {
    let mut chars = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        chars += 1;
        if !(c.is_alphanumeric() || c.is_whitespace() || c.is_ascii_punctuation()) {
            odd += 1;
        }
    }
    odd * 3 <= chars
}

/// More than 1% control characters (other than tab, line breaks and form feed): binary data
/// that happened to decode, not a table someone exported.
fn mostly_control_characters(text: &str) -> bool {
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            controls += 1;
        }
    }
    controls * 100 > chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    fn message(err: CoreError) -> String {
        match err {
            CoreError::InvalidFile { message, .. } => message,
            other => panic!("expected an invalid file, got {other:?}"),
        }
    }

    #[test]
    fn utf8_with_and_without_mark() {
        let plain = decode("name\nZoë\n".as_bytes(), None).unwrap();
        assert_eq!(plain.text, "name\nZoë\n");
        assert_eq!(plain.encoding, "UTF-8");
        assert!(matches!(plain.text, Cow::Borrowed(_)));
        let marked = decode("\u{feff}name\nZoë\n".as_bytes(), None).unwrap();
        assert_eq!(marked.text, "name\nZoë\n");
    }

    #[test]
    fn utf16_both_ways() {
        let bytes = utf16le("name\nMüller\n");
        let le = decode(&bytes, None).unwrap();
        assert_eq!(le.text, "name\nMüller\n");
        assert_eq!(le.encoding, "UTF-16LE");
        let mut be = vec![0xFE, 0xFF];
        be.extend("name\nŁukasz\n".encode_utf16().flat_map(u16::to_be_bytes));
        let be = decode(&be, None).unwrap();
        assert_eq!(be.text, "name\nŁukasz\n");
        assert_eq!(be.encoding, "UTF-16BE");
        // An odd number of bytes cannot be UTF-16.
        let mut broken = utf16le("name\nAda\n");
        broken.push(b'x');
        assert!(message(decode(&broken, None).unwrap_err()).contains("UTF-16"));
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        let d = decode(b"name;city\nM\xFCller;K\xF6ln\n", None).unwrap();
        assert_eq!(d.text, "name;city\nMüller;Köln\n");
        assert_eq!(d.encoding, "windows-1252");
        // The euro sign and curly quotes live in 0x80..0x9F in Windows-1252.
        assert_eq!(
            decode(b"price\n\x80 5, \x93cheap\x94\n", None)
                .unwrap()
                .text,
            "price\n€ 5, “cheap”\n"
        );
    }

    #[test]
    fn a_file_in_an_east_asian_encoding_is_guessed_and_said_to_be_a_guess() {
        for (label, names) in [
            ("Shift_JIS", ["山田太郎", "佐藤花子", "鈴木一郎"]),
            ("GB18030", ["王小明", "李娜", "张伟"]),
            ("EUC-KR", ["김민수", "이서연", "박지훈"]),
        ] {
            let encoding = Encoding::for_label(label.as_bytes()).unwrap();
            let mut csv = String::from("name,email\n");
            for (i, name) in names.iter().enumerate() {
                csv.push_str(&format!("{name},m{i}@example.org\n"));
            }
            let (bytes, _, _) = encoding.encode(&csv);
            let d = decode(&bytes, None).unwrap();
            assert!(d.guessed, "{label}");
            assert_eq!(d.text, csv, "{label} read as {}", d.encoding);
            // Chosen by the organizer: no guess.
            let chosen = decode(&bytes, Some(label)).unwrap();
            assert!(!chosen.guessed);
            assert_eq!(chosen.text, csv);
        }
        // A choice the bytes do not fit is refused, not read as mojibake.
        let (sjis, _, _) = Encoding::for_label(b"Shift_JIS")
            .unwrap()
            .encode("name\n山田太郎\n");
        assert!(message(decode(&sjis, Some("UTF-8")).unwrap_err()).contains("not UTF-8"));
        assert!(message(decode(&sjis, Some("klingon")).unwrap_err()).contains("not an encoding"));
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(message(decode(b"", None).unwrap_err()), "the file is empty");
        assert_eq!(
            message(decode(b"\xEF\xBB\xBF \n\n", None).unwrap_err()),
            "the file is empty"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            message(decode(png, None).unwrap_err()),
            "this is not a text/CSV file"
        );
        let mostly_high: Vec<u8> = (0..400).map(|i| 0x80 + (i % 0x7F) as u8).collect();
        assert_eq!(
            message(decode(&mostly_high, None).unwrap_err()),
            "this is not a text/CSV file"
        );
        let controls: Vec<u8> = (0..400)
            .map(|i| if i % 10 == 0 { 1 } else { b'a' })
            .collect();
        assert_eq!(
            message(decode(&controls, None).unwrap_err()),
            "this is not a text/CSV file"
        );
    }

    #[test]
    fn a_broken_utf8_file_with_a_mark_names_the_line() {
        let err = decode(b"\xEF\xBB\xBFname\nAda\nM\xFCller\n", None).unwrap_err();
        assert!(
            matches!(err, CoreError::InvalidFile { line: Some(3), .. }),
            "{err:?}"
        );
    }
}
