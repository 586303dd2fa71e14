//! CSV exports: the mailing-list layouts other tools import, and the full backup of every
//! member that Guildhall's own importer reads back.
//!
//! RFC 4180: CRLF line ends, every field quoted (so a spreadsheet that splits on `;` or TAB
//! still sees one cell: `Ada;=1+1` stays a name, not a name and a formula), a quote inside
//! doubled. UTF-8 without a BOM. Every cell that a spreadsheet would run as a formula is
//! neutralised, in every CSV we write, the backup included (see [`neutralise_formula`]).

use std::borrow::Cow;
use std::io::Write;

use rusqlite::Connection;
use serde::Serialize;

use super::list::{split_name, write_error, ListWriter};
use crate::error::{CoreError, Result};
use crate::members::model::Member;
use crate::members::store::{member_from_row, SELECT_MEMBER};

/// The column layouts of a mailing list.
#[derive(Debug, Clone, Copy)]
pub(super) enum Layout {
    Generic,
    Mailchimp,
    Listmonk,
}

impl Layout {
    fn header(self) -> &'static [&'static str] {
        match self {
            Layout::Generic => &["email", "name", "first_name", "last_name", "tags"],
            // Mailchimp's own field names, so its import maps them without asking.
            Layout::Mailchimp => &["Email Address", "First Name", "Last Name", "Tags"],
            // Listmonk's subscriber import: extra data goes in one JSON object column.
            Layout::Listmonk => &["email", "name", "attributes"],
        }
    }
}

fn writer(out: &mut dyn Write) -> ::csv::Writer<&mut dyn Write> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Always)
        .from_writer(out)
}

fn csv_error(e: ::csv::Error) -> CoreError {
    write_error(e.into())
}

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet would run `cell` as a formula, or `cell` begins with our guard before
/// such a start (so the guard can be told from a member's own `'`).
fn needs_guard(cell: &str) -> bool {
    cell.starts_with(FORMULA_START)
        || (cell.starts_with('\'') && cell.trim_start_matches('\'').starts_with(FORMULA_START))
}

/// Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets
/// run a cell that starts with `=`, `+`, `-` or `@` as a formula (TAB and CR can hide such a
/// start). Such a cell gets a leading `'`, which spreadsheets read as "this is text": nothing a
/// member typed is ever executed. A cell that already starts with `'`s before such a start gets
/// one more, so [`unguard_formula`] gives back exactly what was stored (Guildhall's importer
/// does that for its own backup). Elsewhere the price is that such a value shows the `'`.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The value [`neutralise_formula`] was given: one guard `'` removed where it added one.
pub fn unguard_formula(cell: &str) -> Cow<'_, str> {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => Cow::Borrowed(rest),
        _ => Cow::Borrowed(cell),
    }
}

/// What Listmonk keeps beside the address (never the notes).
#[derive(Serialize)]
struct ListmonkAttributes<'a> {
    tags: &'a [String],
    level: &'static str,
    roles: Vec<&'static str>,
}

/// A mailing list in one of the CSV layouts. The header is written even when no one matches,
/// so the file is still one the target tool recognises.
pub(super) struct ListCsv<'a> {
    csv: ::csv::Writer<&'a mut dyn Write>,
    layout: Layout,
}

impl<'a> ListCsv<'a> {
    pub(super) fn new(out: &'a mut dyn Write, layout: Layout) -> Result<Self> {
        let mut csv = writer(out);
        csv.write_record(layout.header()).map_err(csv_error)?;
        Ok(ListCsv { csv, layout })
    }
}

impl ListWriter for ListCsv<'_> {
    fn member(&mut self, m: &Member) -> Result<()> {
        let email = m.email.as_deref().unwrap_or_default();
        let (first, last) = split_name(&m.name);
        let record: Vec<Cow<'_, str>> = match self.layout {
            Layout::Generic => vec![
                email.into(),
                m.name.as_str().into(),
                first.into(),
                last.into(),
                m.tags.join(", ").into(),
            ],
            Layout::Mailchimp => vec![
                email.into(),
                first.into(),
                last.into(),
                // One field, tags separated by commas, as Mailchimp's import reads them.
                m.tags.join(",").into(),
            ],
            Layout::Listmonk => {
                let attributes = ListmonkAttributes {
                    tags: &m.tags,
                    level: m.practice_level.as_str(),
                    roles: m.roles.iter().map(|r| r.as_str()).collect(),
                };
                let json = serde_json::to_string(&attributes)
                    .map_err(|e| write_error(std::io::Error::other(e)))?;
                vec![email.into(), m.name.as_str().into(), json.into()]
            }
        };
        self.csv
            .write_record(
                record
                    .iter()
                    .map(|cell| neutralise_formula(cell).into_owned()),
            )
            .map_err(csv_error)
    }

    fn finish(&mut self) -> Result<()> {
        self.csv.flush().map_err(write_error)
    }
}

/// The exact header of the full export. Guildhall's importer recognises a backup by it: change
/// it only together with the importer.
pub const ALL_MEMBERS_HEADER: [&str; 18] = [
    "id",
    "name",
    "email",
    "phone",
    "practice_level",
    "roles",
    "tags",
    "email_consent",
    "consent_on",
    "unsubscribed_at",
    "joined_on",
    "source",
    "profile_url",
    "notes",
    "check_in_code",
    "created_at",
    "updated_at",
    "archived_at",
];

/// Writes every member, archived ones too, with every field, ordered by name; returns how many.
///
/// This file is a BACKUP that Guildhall reads back: values are written as stored (roles and
/// tags joined by ", ", consent as yes/no, an empty cell for nothing), each neutralised like
/// the mailing lists' so a spreadsheet opening it runs nothing; Guildhall's importer takes the
/// guard off again ([`unguard_formula`]), so the round trip is exact.
pub fn all_members_csv(conn: &Connection, out: &mut dyn Write) -> Result<u32> {
    let mut csv = writer(out);
    csv.write_record(ALL_MEMBERS_HEADER).map_err(csv_error)?;
    let mut stmt = conn.prepare(&format!("{SELECT_MEMBER} ORDER BY m.name_key, m.id"))?;
    let mut count = 0u32;
    for member in stmt.query_map([], member_from_row)? {
        let m = member?;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
        let record = [
            m.id.clone(),
            m.name.clone(),
            opt(&m.email),
            opt(&m.phone),
            m.practice_level.as_str().to_owned(),
            roles.join(", "),
            m.tags.join(", "),
            if m.email_consent { "yes" } else { "no" }.to_owned(),
            opt(&m.consent_on),
            opt(&m.unsubscribed_at),
            opt(&m.joined_on),
            m.source.as_str().to_owned(),
            opt(&m.profile_url),
            m.notes.clone(),
            m.check_in_code.clone(),
            m.created_at.clone(),
            m.updated_at.clone(),
            opt(&m.archived_at),
        ];
        csv.write_record(
            record
                .iter()
                .map(|cell| neutralise_formula(cell).into_owned()),
        )
        .map_err(csv_error)?;
        count += 1;
    }
    csv.flush().map_err(write_error)?;
    Ok(count)
}
