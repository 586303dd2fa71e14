//! A CSV file as an import sees it: the header, the number of data rows, and the data rows one
//! at a time. The whole file is read once up front, so that a broken line 90,000 is reported
//! before row 1 is written and progress can say "n of total".

use std::borrow::Cow;

use super::parse::{sniff_delimiter, Reader};
use crate::error::{CoreError, Result};

/// A record that holds nothing: an empty line, or only delimiters and spaces (spreadsheets
/// write those below the data).
pub(crate) fn is_blank(fields: &[Cow<'_, str>]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

/// A column name longer than this (a survey question as a header) is cut here: it is shown,
/// compared and remembered, and a sentence identifies a column as well as a page does.
pub(crate) const MAX_HEADER_CHARS: usize = 200;

/// A parsed file: its delimiter, header and number of data rows, checked from end to end.
#[derive(Debug)]
pub(crate) struct Table<'t> {
    pub delimiter: u8,
    pub headers: Vec<String>,
    /// Data records that are not blank.
    pub row_count: u32,
    body: Reader<'t>,
}

impl<'t> Table<'t> {
    pub(crate) fn read(text: &'t str) -> Result<Self> {
        let delimiter = sniff_delimiter(text);
        let mut reader = Reader::new(text, delimiter);
        let mut fields = Vec::new();
        let headers = loop {
            match reader.read(&mut fields)? {
                None => {
                    return Err(CoreError::InvalidFile {
                        line: None,
                        message: "the file is empty".into(),
                    })
                }
                Some(_) if is_blank(&fields) => continue,
                Some(_) => {
                    break fields
                        .iter()
                        .map(|h| h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
                        .map(|h| h.chars().take(MAX_HEADER_CHARS).collect())
                        .collect::<Vec<String>>()
                }
            }
        };
        let body = reader.clone();
        let mut row_count = 0u32;
        while reader.read(&mut fields)?.is_some() {
            if !is_blank(&fields) {
                row_count = row_count.saturating_add(1);
            }
        }
        if row_count == 0 {
            return Err(CoreError::InvalidFile {
                line: None,
                message: "the file has column names but no rows of members below them".into(),
            });
        }
        Ok(Table {
            delimiter,
            headers,
            row_count,
            body,
        })
    }

    /// The data rows from the first, skipping blank ones.
    pub(crate) fn rows(&self) -> Rows<'t> {
        Rows(self.body.clone())
    }
}

pub(crate) struct Rows<'t>(Reader<'t>);

impl<'t> Rows<'t> {
    /// The next non-blank data row into `fields`, and the line it starts on.
    pub(crate) fn next_into(&mut self, fields: &mut Vec<Cow<'t, str>>) -> Result<Option<u32>> {
        while let Some(line) = self.0.read(fields)? {
            if !is_blank(fields) {
                return Ok(Some(line));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_skip_blank_rows_and_need_data() {
        let table =
            Table::read("\n\u{feff}Name , Email\n\nAda,a@x.org\n,,\nGrace,g@x.org\n\n").unwrap();
        assert_eq!(table.headers, vec!["Name", "Email"]);
        assert_eq!(table.row_count, 2);
        let mut rows = table.rows();
        let mut fields = Vec::new();
        assert_eq!(rows.next_into(&mut fields).unwrap(), Some(4));
        assert_eq!(rows.next_into(&mut fields).unwrap(), Some(6));
        assert_eq!(rows.next_into(&mut fields).unwrap(), None);

        let long = format!("name,{}\nAda,x\n", "Q".repeat(5_000));
        assert_eq!(
            Table::read(&long).unwrap().headers[1].chars().count(),
            MAX_HEADER_CHARS
        );
        let wide = format!("name{}\nAda\n", ",".repeat(1_000_000));
        let err = Table::read(&wide).unwrap_err().to_string();
        assert!(
            err.contains("line 1") && err.contains("more than 1,000 columns"),
            "{err}"
        );
        let at_limit = format!(
            "name{}\nAda\n",
            ",".repeat(super::super::parse::MAX_COLUMNS - 1)
        );
        assert_eq!(Table::read(&at_limit).unwrap().headers.len(), 1_000);

        assert!(matches!(
            Table::read("name,email\n\n").unwrap_err(),
            CoreError::InvalidFile { line: None, .. }
        ));
    }
}
