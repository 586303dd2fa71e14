//! Which column becomes which member field: the format recognised from the headers, each
//! format's known columns, a guess from common header names for everything else, the
//! organizer's own mapping, and the mapping remembered from the last import of the same columns.
//!
//! Headers are compared by a key that ignores case, accents, spaces and punctuation, so
//! "E-mail", "email" and "EMAIL " are one column name, and Luma's `first_name` is Eventbrite's
//! "First Name".

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::model::{ColumnMapping, ImportFormat, MemberField};
use crate::error::{CoreError, Result};
use crate::text::fold;

use MemberField as F;

/// How a header is compared: folded, letters and digits only.
pub(crate) fn header_key(header: &str) -> String {
    fold(header)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Guildhall's own export, column for column.
const GUILDHALL: &[(&str, MemberField)] = &[
    ("id", F::Id),
    ("name", F::Name),
    ("email", F::Email),
    ("phone", F::Phone),
    ("practicelevel", F::PracticeLevel),
    ("roles", F::Roles),
    ("tags", F::Tags),
    ("emailconsent", F::EmailConsent),
    ("consenton", F::ConsentOn),
    ("unsubscribedat", F::UnsubscribedAt),
    ("joinedon", F::JoinedOn),
    ("source", F::Source),
    ("profileurl", F::ProfileUrl),
    ("notes", F::Notes),
    ("checkincode", F::CheckInCode),
    ("createdat", F::CreatedAt),
    ("updatedat", F::UpdatedAt),
    ("archivedat", F::ArchivedAt),
];

/// Meetup's member export. Its "Intro" is the member's own text and is not mapped to the
/// organizer's notes, which a re-import would otherwise overwrite.
const MEETUP: &[(&str, MemberField)] = &[
    ("name", F::Name),
    ("urlofmemberprofile", F::ProfileUrl),
    ("joinedgroupon", F::JoinedOn),
];

/// Eventbrite's attendee report; the first order is the best guess of when someone joined.
const EVENTBRITE: &[(&str, MemberField)] = &[
    ("firstname", F::FirstName),
    ("lastname", F::LastName),
    ("email", F::Email),
    ("orderdate", F::JoinedOn),
];

/// Luma's guest export.
const LUMA: &[(&str, MemberField)] = &[
    ("name", F::Name),
    ("firstname", F::FirstName),
    ("lastname", F::LastName),
    ("email", F::Email),
    ("phonenumber", F::Phone),
    ("createdat", F::JoinedOn),
];

/// Common header names in spreadsheets people keep by hand. Consent is guessed only from a
/// column that says it is about email consent; a "newsletter" column is not consent.
const GUESSES: &[(&str, MemberField)] = &[
    ("name", F::Name),
    ("fullname", F::Name),
    ("membername", F::Name),
    ("attendeename", F::Name),
    ("displayname", F::Name),
    ("contactname", F::Name),
    ("firstname", F::FirstName),
    ("givenname", F::FirstName),
    ("forename", F::FirstName),
    ("first", F::FirstName),
    ("lastname", F::LastName),
    ("surname", F::LastName),
    ("familyname", F::LastName),
    ("last", F::LastName),
    ("email", F::Email),
    ("emailaddress", F::Email),
    ("mail", F::Email),
    ("phone", F::Phone),
    ("phonenumber", F::Phone),
    ("mobile", F::Phone),
    ("mobilephone", F::Phone),
    ("mobilenumber", F::Phone),
    ("cellphone", F::Phone),
    ("telephone", F::Phone),
    ("tel", F::Phone),
    ("tags", F::Tags),
    ("tag", F::Tags),
    ("interests", F::Tags),
    ("topics", F::Tags),
    ("notes", F::Notes),
    ("note", F::Notes),
    ("comments", F::Notes),
    ("comment", F::Notes),
    ("joined", F::JoinedOn),
    ("joinedon", F::JoinedOn),
    ("datejoined", F::JoinedOn),
    ("joindate", F::JoinedOn),
    ("membersince", F::JoinedOn),
    ("level", F::PracticeLevel),
    ("practicelevel", F::PracticeLevel),
    ("experiencelevel", F::PracticeLevel),
    ("skilllevel", F::PracticeLevel),
    ("role", F::Roles),
    ("roles", F::Roles),
    ("emailconsent", F::EmailConsent),
    ("consenttoemail", F::EmailConsent),
    ("consenton", F::ConsentOn),
    ("profileurl", F::ProfileUrl),
    ("profile", F::ProfileUrl),
];

/// Recognises an export by columns only that service writes; anything else is generic.
pub(crate) fn detect(keys: &[String]) -> ImportFormat {
    let has = |k: &str| keys.iter().any(|h| h == k);
    if GUILDHALL.iter().all(|(k, _)| has(k)) {
        ImportFormat::Guildhall
    } else if has("memberid") && has("urlofmemberprofile") {
        ImportFormat::Meetup
    } else if has("tickettype") && (has("attendee") || has("attendeestatus") || has("order")) {
        ImportFormat::Eventbrite
    } else if has("apiid") && (has("approvalstatus") || has("checkedinat")) {
        ImportFormat::Luma
    } else {
        ImportFormat::Generic
    }
}

/// The format's own columns first, then guesses for the rest (a custom question "Mobile" in
/// an Eventbrite report is still a phone number). Each field is taken by one column at most,
/// except tags and notes.
pub(crate) fn guess(format: ImportFormat, keys: &[String]) -> Vec<Option<MemberField>> {
    let known: &[(&str, MemberField)] = match format {
        ImportFormat::Guildhall => GUILDHALL,
        ImportFormat::Meetup => MEETUP,
        ImportFormat::Eventbrite => EVENTBRITE,
        ImportFormat::Luma => LUMA,
        ImportFormat::Generic => &[],
    };
    let mut columns: Vec<Option<MemberField>> = vec![None; keys.len()];
    let mut tables = vec![known];
    if format != ImportFormat::Guildhall {
        tables.push(GUESSES);
    }
    for table in tables {
        for (i, key) in keys.iter().enumerate() {
            if columns[i].is_some() {
                continue;
            }
            let Some(&(_, field)) = table.iter().find(|(k, _)| k == key) else {
                continue;
            };
            if field.repeatable() || !columns.contains(&Some(field)) {
                columns[i] = Some(field);
            }
        }
    }
    columns
}

/// A column holds the names (or first/last names): without one nothing can be imported.
pub(crate) fn has_name(columns: &[Option<MemberField>]) -> bool {
    columns
        .iter()
        .any(|c| matches!(c, Some(F::Name | F::FirstName | F::LastName)))
}

fn mapping_error(message: impl Into<String>) -> CoreError {
    CoreError::invalid("mapping", message)
}

/// Applies a mapping given by header: each entry takes the first column of that header not
/// taken yet (files may repeat a header); columns no entry names are not imported.
pub(crate) fn apply(
    format: ImportFormat,
    headers: &[String],
    entries: &[ColumnMapping],
) -> Result<Vec<Option<MemberField>>> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut columns: Vec<Option<MemberField>> = vec![None; headers.len()];
    for entry in entries {
        let key = header_key(&entry.header);
        let Some(i) = (0..keys.len()).find(|&i| !taken[i] && keys[i] == key) else {
            return Err(mapping_error(format!(
                "The mapping names a column {} that this file does not have.",
                crate::text::quoted(&entry.header)
            )));
        };
        taken[i] = true;
        let Some(field) = entry.field else { continue };
        if field.guildhall_only() && format != ImportFormat::Guildhall {
            return Err(mapping_error(format!(
                "{} can only be imported from a Guildhall export.",
                crate::text::quoted(&entry.header)
            )));
        }
        if !field.repeatable() && columns.contains(&Some(field)) {
            return Err(mapping_error(format!(
                "Two columns are mapped to the same field as {}; choose one.",
                crate::text::quoted(&entry.header)
            )));
        }
        columns[i] = Some(field);
    }
    Ok(columns)
}

/// The key a mapping is remembered under: the set of header keys, so that the same export with
/// its columns in another order finds it too.
fn remembered_key(headers: &[String]) -> String {
    let mut keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    keys.sort();
    keys.dedup();
    keys.join("\u{1f}")
}

/// The mapping last used for a file with these headers, if any and if it still applies.
pub(crate) fn remembered(
    conn: &Connection,
    headers: &[String],
) -> Result<Option<Vec<Option<MemberField>>>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT mapping FROM import_mapping WHERE header_key = ?1",
            [remembered_key(headers)],
            |r| r.get(0),
        )
        .optional()?;
    // A mapping from an older Guildhall that no longer reads is simply not offered.
    let entries = json.and_then(|j| serde_json::from_str::<Vec<ColumnMapping>>(&j).ok());
    Ok(entries.and_then(|e| apply(ImportFormat::Generic, headers, &e).ok()))
}

/// How many remembered mappings are kept: the most recently used (a community imports from a
/// handful of tools; a stream of odd files must not grow the database).
pub(crate) const MAX_REMEMBERED: i64 = 50;

pub(crate) fn remember(
    tx: &Transaction,
    headers: &[String],
    columns: &[Option<MemberField>],
    now: &str,
) -> Result<()> {
    let json = serde_json::to_string(&describe(headers, columns))
        .map_err(|e| mapping_error(format!("The mapping could not be saved: {e}")))?;
    tx.execute(
        "INSERT INTO import_mapping (header_key, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (header_key) DO UPDATE SET mapping = excluded.mapping,
                                               updated_at = excluded.updated_at",
        params![remembered_key(headers), json, now],
    )?;
    tx.execute(
        "DELETE FROM import_mapping WHERE header_key NOT IN
           (SELECT header_key FROM import_mapping ORDER BY updated_at DESC, rowid DESC LIMIT ?1)",
        [MAX_REMEMBERED],
    )?;
    Ok(())
}

/// The mapping as the UI shows it: one entry per column, in the file's order.
pub(crate) fn describe(headers: &[String], columns: &[Option<MemberField>]) -> Vec<ColumnMapping> {
    headers
        .iter()
        .zip(columns)
        .map(|(header, field)| ColumnMapping {
            header: header.clone(),
            field: *field,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(headers: &[&str]) -> Vec<String> {
        headers.iter().map(|h| header_key(h)).collect()
    }

    #[test]
    fn headers_compare_without_case_accents_or_punctuation() {
        assert_eq!(header_key(" E-mail Address "), "emailaddress");
        assert_eq!(header_key("first_name"), header_key("First Name"));
        assert_eq!(header_key("Order #"), "order");
    }

    #[test]
    fn guesses_common_names_once_each() {
        let k = keys(&[
            "Full Name",
            "E-mail",
            "Mobile",
            "Name",
            "Interests",
            "Tags",
            "Shoe",
        ]);
        assert_eq!(
            guess(ImportFormat::Generic, &k),
            vec![
                Some(F::Name),
                Some(F::Email),
                Some(F::Phone),
                None,
                Some(F::Tags),
                Some(F::Tags),
                None
            ]
        );
    }

    #[test]
    fn explicit_mappings_are_checked() {
        let headers: Vec<String> = ["Who", "Mail", "Mail"].map(String::from).to_vec();
        let entry = |h: &str, f| ColumnMapping {
            header: h.into(),
            field: f,
        };
        let columns = apply(
            ImportFormat::Generic,
            &headers,
            &[
                entry("mail", None),
                entry("WHO", Some(F::Name)),
                entry("Mail", Some(F::Email)),
            ],
        )
        .unwrap();
        assert_eq!(columns, vec![Some(F::Name), None, Some(F::Email)]);
        assert!(apply(ImportFormat::Generic, &headers, &[entry("Age", None)]).is_err());
        assert!(apply(
            ImportFormat::Generic,
            &headers,
            &[entry("Who", Some(F::Id))]
        )
        .is_err());
        let twice = [entry("Mail", Some(F::Email)), entry("Mail", Some(F::Email))];
        assert!(apply(ImportFormat::Generic, &headers, &twice).is_err());
    }
}
