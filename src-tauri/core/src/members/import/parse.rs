//! The CSV dialect of member exports: RFC 4180 (quoted fields may hold delimiters, line breaks
//! and doubled quotes) with `,`, `;` or TAB as the delimiter, sniffed from the header line.
//!
//! A small reader of our own rather than a general CSV crate, because an import needs three
//! things exactly: the physical line where each record starts (a quoted field may span lines,
//! and the organizer fixes the file in an editor that counts lines), hard limits so that a 50 MB
//! line is refused in one linear scan instead of being buffered, and a clear error for a quote
//! that is never closed instead of silently swallowing the rest of the file. Fields borrow from
//! the decoded text; only a field with doubled quotes is copied.

use std::borrow::Cow;

use crate::error::{CoreError, Result};

/// No line, and no field, of a member list is anywhere near this long.
pub(crate) const MAX_LINE: usize = 1 << 20;
pub(crate) const MAX_FIELD: usize = 1 << 20;
/// Eventbrite's widest exports have a few hundred columns (one per question).
pub(crate) const MAX_COLUMNS: usize = 1_000;

fn at_line(line: u32, message: impl Into<String>) -> CoreError {
    CoreError::InvalidFile {
        line: Some(line),
        message: message.into(),
    }
}

/// The delimiter that occurs most often outside quotes on the first non-blank line; ties go to
/// `,` then `;` then TAB, and a single-column file is comma-separated.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let (mut comma, mut semicolon, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    let header = text.trim_start_matches(['\r', '\n', '\u{feff}']);
    for &b in header.as_bytes().iter().take(MAX_LINE) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semicolon += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab > semicolon {
        b'\t'
    } else if semicolon > comma {
        b';'
    } else {
        b','
    }
}

/// Reads records one at a time, reusing the caller's field vector.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'t> {
    text: &'t str,
    delimiter: u8,
    pos: usize,
    /// The physical line (1-based) that `pos` is on, and where that line starts.
    line: u32,
    line_start: usize,
}

impl<'t> Reader<'t> {
    pub(crate) fn new(text: &'t str, delimiter: u8) -> Self {
        Reader {
            text,
            delimiter,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Reads the next record into `fields` and returns the line it starts on, or `None` at the
    /// end of the text. An empty line is a record with one empty field.
    pub(crate) fn read(&mut self, fields: &mut Vec<Cow<'t, str>>) -> Result<Option<u32>> {
        fields.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return Ok(None);
        }
        let record_line = self.line;
        loop {
            let field = self.field()?;
            fields.push(field);
            if fields.len() > MAX_COLUMNS {
                return Err(at_line(
                    record_line,
                    "this line has more than 1,000 columns, which no member list needs: is this \
                     the right file?",
                ));
            }
            match bytes.get(self.pos) {
                Some(&b) if b == self.delimiter => self.pos += 1,
                Some(b'\r' | b'\n') => {
                    self.end_line();
                    return Ok(Some(record_line));
                }
                _ => return Ok(Some(record_line)),
            }
        }
    }

    /// Steps over the line break at `pos` (CRLF, LF, or a lone CR as old Mac exports have).
    fn end_line(&mut self) {
        let bytes = self.text.as_bytes();
        self.pos += if bytes[self.pos] == b'\r' && bytes.get(self.pos + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        self.line += 1;
        self.line_start = self.pos;
    }

    fn check_line(&self, end: usize) -> Result<()> {
        if end - self.line_start > MAX_LINE {
            return Err(at_line(
                self.line,
                "this line is longer than 1 MiB, which no member list needs: is this the right \
                 file?",
            ));
        }
        Ok(())
    }

    fn ends_field(&self, b: u8) -> bool {
        b == self.delimiter || b == b'\n' || b == b'\r'
    }

    fn field(&mut self) -> Result<Cow<'t, str>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        // Spaces before an opening quote are tolerated, as in `Ada, "Lovelace, Countess"`.
        let mut q = start;
        while self.delimiter != b' ' && bytes.get(q) == Some(&b' ') {
            q += 1;
        }
        if bytes.get(q) == Some(&b'"') {
            self.pos = q + 1;
            return self.quoted();
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| self.ends_field(b))
            .map_or(bytes.len(), |n| start + n);
        self.check_line(end)?;
        self.pos = end;
        Ok(Cow::Borrowed(&self.text[start..end]))
    }

    /// A quoted field, `pos` just after its opening quote.
    fn quoted(&mut self) -> Result<Cow<'t, str>> {
        let bytes = self.text.as_bytes();
        let open_line = self.line;
        let content_start = self.pos;
        let mut run_start = self.pos; // the plain text not yet copied into `owned`
        let mut owned: Option<String> = None;
        let mut i = self.pos;
        loop {
            let Some(&b) = bytes.get(i) else {
                return Err(at_line(
                    open_line,
                    "a quoted field starting on this line is never closed (a \" is missing)",
                ));
            };
            match b {
                b'"' if bytes.get(i + 1) == Some(&b'"') => {
                    owned
                        .get_or_insert_with(String::new)
                        .push_str(&self.text[run_start..=i]);
                    i += 2;
                    run_start = i;
                    continue;
                }
                b'"' => break,
                b'\n' => {
                    self.line += 1;
                    self.line_start = i + 1;
                }
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                    self.line += 1;
                    self.line_start = i + 1;
                }
                _ => {}
            }
            i += 1;
            if i - content_start > MAX_FIELD {
                return Err(at_line(
                    open_line,
                    "a field starting on this line is longer than 1 MiB (is a closing \" \
                     missing?)",
                ));
            }
            self.check_line(i)?;
        }
        let mut value = match owned {
            None => Cow::Borrowed(&self.text[run_start..i]),
            Some(mut s) => {
                s.push_str(&self.text[run_start..i]);
                Cow::Owned(s)
            }
        };
        // After the closing quote: spaces are dropped; other text (`"12" inch`, not RFC 4180
        // but what spreadsheets accept) is kept as part of the field.
        let after = i + 1;
        let mut j = after;
        while j < bytes.len()
            && !self.ends_field(bytes[j])
            && (bytes[j] == b' ' || bytes[j] == b'\t')
        {
            j += 1;
        }
        if j < bytes.len() && !self.ends_field(bytes[j]) {
            j = bytes[after..]
                .iter()
                .position(|&b| self.ends_field(b))
                .map_or(bytes.len(), |n| after + n);
            value.to_mut().push_str(&self.text[after..j]);
        }
        self.check_line(j)?;
        self.pos = j;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u32, Vec<String>)> {
        let mut reader = Reader::new(text, sniff_delimiter(text));
        let mut fields = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = reader.read(&mut fields).unwrap() {
            out.push((line, fields.iter().map(|f| f.to_string()).collect()));
        }
        out
    }

    /// Reads every record; the first error, if any.
    fn read_all(text: &str) -> Result<usize> {
        let mut reader = Reader::new(text, sniff_delimiter(text));
        let mut fields = Vec::new();
        let mut n = 0;
        while reader.read(&mut fields)?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    fn line_of(err: CoreError) -> Option<u32> {
        match err {
            CoreError::InvalidFile { line, .. } => line,
            other => panic!("expected an invalid file, got {other:?}"),
        }
    }

    #[test]
    fn delimiters_are_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("name,email\n"), b',');
        assert_eq!(sniff_delimiter("name;email;phone\na,b;c"), b';');
        assert_eq!(sniff_delimiter("name\temail\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b;c\",d\n"), b',');
        assert_eq!(sniff_delimiter("\"x,y,z\";d;e\n"), b';');
        assert_eq!(sniff_delimiter("\n\r\nname;email\n"), b';');
        assert_eq!(sniff_delimiter("name\n"), b',');
        // The header's own quoted line break does not end the header.
        assert_eq!(sniff_delimiter("\"first\nname\";b;c\n"), b';');
    }

    #[test]
    fn quoted_fields_span_lines_and_double_their_quotes() {
        let text = "name,notes\r\nAda,\"line one\r\nline \"\"two\"\"\"\r\n\"Lovelace, A\",x\n";
        assert_eq!(
            records(text),
            vec![
                (1, vec!["name".into(), "notes".into()]),
                (2, vec!["Ada".into(), "line one\r\nline \"two\"".into()]),
                (4, vec!["Lovelace, A".into(), "x".into()]),
            ]
        );
    }

    #[test]
    fn fields_borrow_unless_quotes_are_doubled() {
        let text = "a,\"b\",\"c\"\"d\"";
        let mut reader = Reader::new(text, b',');
        let mut fields = Vec::new();
        reader.read(&mut fields).unwrap();
        assert!(matches!(fields[0], Cow::Borrowed("a")));
        assert!(matches!(fields[1], Cow::Borrowed("b")));
        assert_eq!(fields[2], "c\"d");
    }

    #[test]
    fn lenient_where_spreadsheets_are() {
        assert_eq!(
            records("a, \"b, c\" ,\"12\" inch,d\"e\nlast,"),
            vec![
                (
                    1,
                    vec!["a".into(), "b, c".into(), "12 inch".into(), "d\"e".into()]
                ),
                (2, vec!["last".into(), "".into()]),
            ]
        );
        // Lone CR line breaks count as lines too.
        assert_eq!(
            records("a\rb\r\rc").iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        let mut reader = Reader::new("name\nAda\n\"Grace\nHopper\n", b',');
        let mut fields = Vec::new();
        reader.read(&mut fields).unwrap();
        reader.read(&mut fields).unwrap();
        assert_eq!(line_of(reader.read(&mut fields).unwrap_err()), Some(3));
    }

    #[test]
    fn long_lines_and_fields_are_refused_with_their_line() {
        let long_line = format!("name\nAda\n{}\n", "x".repeat(MAX_LINE + 1));
        assert_eq!(line_of(read_all(&long_line).unwrap_err()), Some(3));
        let many_fields = format!("name\n{}\n", "a,".repeat(MAX_LINE / 2 + 1));
        assert_eq!(line_of(read_all(&many_fields).unwrap_err()), Some(2));
        let short_lines = "ab\n".repeat(MAX_FIELD / 3 + 1);
        let long_field = format!("name\nAda\n\"{short_lines}\"\n");
        assert_eq!(line_of(read_all(&long_field).unwrap_err()), Some(3));
        let just_fits = format!("name\n{}\n", "x".repeat(MAX_LINE));
        assert_eq!(read_all(&just_fits).unwrap(), 2);
    }
}
