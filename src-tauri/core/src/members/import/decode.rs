//! From the bytes of an uploaded file to text. Exports come from Excel, Numbers, LibreOffice and
//! web services, so the encodings seen in practice are UTF-8 (with or without a byte-order
//! mark), UTF-16 with a mark (Excel's "Unicode text"), and Windows-1252 (Excel's "CSV" on a
//! Western Windows). Anything else — a spreadsheet binary, a photo, a zip — is refused with a
//! message the organizer can act on, before any of it reaches the parser.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::error::{CoreError, Result};

/// A decoded file: its text without the byte-order mark, and the encoding's name.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

fn file_error(message: impl Into<String>) -> CoreError {
    CoreError::InvalidFile {
        line: None,
        message: message.into(),
    }
}

pub(crate) fn not_text() -> CoreError {
    file_error("this is not a text/CSV file")
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded<'_>> {
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Decoded {
            text: Cow::Borrowed(utf8(rest)?),
            encoding: "UTF-8",
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
        }
    } else {
        // Every byte means something in Windows-1252, so this cannot fail; what is left to
        // check is whether the result reads as text at all.
        let high = bytes.iter().filter(|b| **b >= 0x80).count();
        if high * 3 > bytes.len() {
            return Err(not_text());
        }
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        Decoded {
            text,
            encoding: "windows-1252",
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
    })
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
        let plain = decode("name\nZoë\n".as_bytes()).unwrap();
        assert_eq!(plain.text, "name\nZoë\n");
        assert_eq!(plain.encoding, "UTF-8");
        assert!(matches!(plain.text, Cow::Borrowed(_)));
        let marked = decode("\u{feff}name\nZoë\n".as_bytes()).unwrap();
        assert_eq!(marked.text, "name\nZoë\n");
    }

    #[test]
    fn utf16_both_ways() {
        let bytes = utf16le("name\nMüller\n");
        let le = decode(&bytes).unwrap();
        assert_eq!(le.text, "name\nMüller\n");
        assert_eq!(le.encoding, "UTF-16LE");
        let mut be = vec![0xFE, 0xFF];
        be.extend("name\nŁukasz\n".encode_utf16().flat_map(u16::to_be_bytes));
        let be = decode(&be).unwrap();
        assert_eq!(be.text, "name\nŁukasz\n");
        assert_eq!(be.encoding, "UTF-16BE");
        // An odd number of bytes cannot be UTF-16.
        let mut broken = utf16le("name\nAda\n");
        broken.push(b'x');
        assert!(message(decode(&broken).unwrap_err()).contains("UTF-16"));
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        let d = decode(b"name;city\nM\xFCller;K\xF6ln\n").unwrap();
        assert_eq!(d.text, "name;city\nMüller;Köln\n");
        assert_eq!(d.encoding, "windows-1252");
        // The euro sign and curly quotes live in 0x80..0x9F in Windows-1252.
        assert_eq!(
            decode(b"price\n\x80 5, \x93cheap\x94\n").unwrap().text,
            "price\n€ 5, “cheap”\n"
        );
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(message(decode(b"").unwrap_err()), "the file is empty");
        assert_eq!(
            message(decode(b"\xEF\xBB\xBF \n\n").unwrap_err()),
            "the file is empty"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            message(decode(png).unwrap_err()),
            "this is not a text/CSV file"
        );
        let mostly_high: Vec<u8> = (0..400).map(|i| 0x80 + (i % 0x7F) as u8).collect();
        assert_eq!(
            message(decode(&mostly_high).unwrap_err()),
            "this is not a text/CSV file"
        );
        let controls: Vec<u8> = (0..400)
            .map(|i| if i % 10 == 0 { 1 } else { b'a' })
            .collect();
        assert_eq!(
            message(decode(&controls).unwrap_err()),
            "this is not a text/CSV file"
        );
    }

    #[test]
    fn a_broken_utf8_file_with_a_mark_names_the_line() {
        let err = decode(b"\xEF\xBB\xBFname\nAda\nM\xFCller\n").unwrap_err();
        assert!(
            matches!(err, CoreError::InvalidFile { line: Some(3), .. }),
            "{err:?}"
        );
    }
}
