//! Exports: the members an organizer wants to reach, in the shape another tool reads, and a full
//! backup of every member.
//!
//! A mailing list is where consent matters most, so the rule lives in one query
//! ([`MAILABLE`]) and no format can widen it: only members with an email address, who agreed
//! to email (`email_consent = 1`), have not unsubscribed, and are not archived. Notes are
//! private to the organizers and never leave in a mailing list.
//!
//! Everything is streamed row by row to the caller's writer, so an export of 100k members
//! needs no more memory than one member.

mod csv;
mod list;
mod vcard;

use std::io::Write;

use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::model::{Member, PracticeLevel, Role};
use super::store::{member_from_row, SELECT_MEMBER};
use crate::error::Result;
use crate::tags::normalize_tags;

pub use self::csv::{all_members_csv, neutralise_formula, unguard_formula, ALL_MEMBERS_HEADER};
pub use self::list::split_name;
use self::list::{write_error, ListWriter};

/// Who a mailing list is for. A member matches when it has ANY of `tags` (no tags: no tag
/// filter), AND the `role` if one is given, AND the `level` if one is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AudienceFilter {
    /// Compared as tags are stored: case-insensitively, spaces collapsed.
    pub tags: Vec<String>,
    pub role: Option<Role>,
    pub level: Option<PracticeLevel>,
}

/// The shapes a mailing list can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MailingListFormat {
    /// `email,name,first_name,last_name,tags`: for spreadsheets and most tools.
    Csv,
    /// Mailchimp's contact import: `Email Address,First Name,Last Name,Tags`.
    Mailchimp,
    /// Listmonk's subscriber import: `email,name,attributes` (a JSON object).
    Listmonk,
    /// The addresses on one line, separated by ", ": to paste into a mail client's BCC.
    Plain,
    /// vCard 4.0 (RFC 6350), one card per member: for address books.
    Vcard,
}

impl MailingListFormat {
    /// The file name extension a save dialog should suggest.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv | Self::Mailchimp | Self::Listmonk => "csv",
            Self::Plain => "txt",
            Self::Vcard => "vcf",
        }
    }
}

/// The consent rule of every mailing list, in SQL. Keep it the only place this is decided.
const MAILABLE: &str = "m.email IS NOT NULL AND m.email_consent = 1
     AND m.unsubscribed_at IS NULL AND m.archived_at IS NULL AND m.email_bounced_at IS NULL";

/// Writes the mailing list of the members matching `filter` to `out`, ordered by name, and
/// returns how many members were written.
pub fn mailing_list(
    conn: &Connection,
    filter: &AudienceFilter,
    format: MailingListFormat,
    out: &mut dyn Write,
) -> Result<u32> {
    let mut sql = format!("{SELECT_MEMBER} WHERE {MAILABLE}");
    let mut params: Vec<String> = Vec::new();
    let tags = normalize_tags(&filter.tags, "member")?;
    if !tags.is_empty() {
        let marks = vec!["?"; tags.len()].join(", ");
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM member_tag ft WHERE ft.member_id = m.id AND ft.tag IN ({marks}))"
        ));
        params.extend(tags);
    }
    if let Some(role) = filter.role {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM member_role fr WHERE fr.member_id = m.id AND fr.role = ?)",
        );
        params.push(role.as_str().to_owned());
    }
    if let Some(level) = filter.level {
        sql.push_str(" AND m.practice_level = ?");
        params.push(level.as_str().to_owned());
    }
    sql.push_str(" ORDER BY m.name_key, m.id");

    let mut writer: Box<dyn ListWriter + '_> = match format {
        MailingListFormat::Csv => Box::new(csv::ListCsv::new(out, csv::Layout::Generic)?),
        MailingListFormat::Mailchimp => Box::new(csv::ListCsv::new(out, csv::Layout::Mailchimp)?),
        MailingListFormat::Listmonk => Box::new(csv::ListCsv::new(out, csv::Layout::Listmonk)?),
        MailingListFormat::Plain => Box::new(PlainList { out, written: 0 }),
        MailingListFormat::Vcard => Box::new(vcard::VcardList::new(out)),
    };
    let mut stmt = conn.prepare(&sql)?;
    let mut count = 0u32;
    for member in stmt.query_map(params_from_iter(&params), member_from_row)? {
        writer.member(&member?)?;
        count += 1;
    }
    writer.finish()?;
    Ok(count)
}

/// `a@example.org, b@example.org` and a final newline (nothing at all for no one).
struct PlainList<'a> {
    out: &'a mut dyn Write,
    written: u32,
}

impl ListWriter for PlainList<'_> {
    fn member(&mut self, member: &Member) -> Result<()> {
        let Some(email) = &member.email else {
            return Ok(());
        };
        let separator = if self.written == 0 { "" } else { ", " };
        write!(self.out, "{separator}{email}").map_err(write_error)?;
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if self.written > 0 {
            self.out.write_all(b"\n").map_err(write_error)?;
        }
        self.out.flush().map_err(write_error)
    }
}
