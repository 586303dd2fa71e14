//! One data row to a draft member: each mapped cell read as what its field holds (dates in the
//! forms exports use, yes/no, levels, roles, lists, web addresses). The draft then goes
//! through the editor's own validation (`input::clean`), so an imported member obeys exactly
//! the rules of a typed one. A problem becomes the row's rejection reason, naming the column.

use std::borrow::Cow;

use jiff::civil::Date;

use super::model::MemberField;
use crate::members::model::{MemberInput, MemberSource, PracticeLevel, Role};
use crate::text::fold;

/// What only Guildhall's own export carries: identity and history, restored as they were.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    pub id: Option<String>,
    pub check_in_code: Option<String>,
    pub source: Option<MemberSource>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub archived_at: Option<String>,
    pub unsubscribed_at: Option<String>,
}

/// A row as a member input, plus what the input cannot say: whether level and consent were
/// given at all (an empty cell keeps what the member has), and the profile URL.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub input: MemberInput,
    pub level_given: bool,
    pub consent_given: bool,
    pub profile_url: Option<String>,
    pub extra: Extra,
}

/// Why a row cannot be imported, in words for the organizer; it becomes a rejected row's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection(pub String);

impl From<String> for Rejection {
    fn from(reason: String) -> Self {
        Rejection(reason)
    }
}

/// Reads one row. `lists` are the characters that separate tags and roles within a cell.
pub(crate) fn draft(
    fields: &[Cow<'_, str>],
    columns: &[Option<MemberField>],
    headers: &[String],
    lists: &[char],
) -> Result<Draft, Rejection> {
    let mut draft = Draft::default();
    let (mut first, mut last) = ("", "");
    for (i, field) in columns.iter().enumerate() {
        let Some(field) = *field else { continue };
        let value = fields.get(i).map_or("", |v| v.trim());
        if value.is_empty() {
            continue;
        }
        read_cell(&mut draft, field, value, lists, &mut first, &mut last)
            .map_err(|problem| Rejection(format!("{}: {}", headers[i], problem.0)))?;
    }
    if draft.input.name.is_empty() {
        draft.input.name = format!("{first} {last}");
    }
    Ok(draft)
}

fn read_cell<'r>(
    draft: &mut Draft,
    field: MemberField,
    value: &'r str,
    lists: &[char],
    first: &mut &'r str,
    last: &mut &'r str,
) -> Result<(), Rejection> {
    let input = &mut draft.input;
    let extra = &mut draft.extra;
    match field {
        MemberField::Name => input.name = value.to_owned(),
        MemberField::FirstName => *first = value,
        MemberField::LastName => *last = value,
        MemberField::Email => input.email = Some(value.to_owned()),
        MemberField::Phone => input.phone = Some(value.to_owned()),
        MemberField::PracticeLevel => {
            input.practice_level = Some(level(value).ok_or_else(|| {
                format!(
                    "{} is not a practice level (newcomer, practitioner or expert).",
                    crate::text::quoted(value)
                )
            })?);
            draft.level_given = true;
        }
        MemberField::Roles => {
            for role in value.split(lists).map(str::trim).filter(|r| !r.is_empty()) {
                input.roles.push(Role::parse(&fold(role)).ok_or_else(|| {
                    format!(
                        "{} is not a role (organizer, facilitator, volunteer or member).",
                        crate::text::quoted(role)
                    )
                })?);
            }
        }
        MemberField::Tags => input.tags.extend(value.split(lists).map(str::to_owned)),
        MemberField::EmailConsent => {
            input.email_consent = yes_no(value)
                .ok_or_else(|| format!("{} is neither yes nor no.", crate::text::quoted(value)))?;
            draft.consent_given = true;
        }
        MemberField::ConsentOn => input.consent_on = Some(date_text(value)?),
        MemberField::JoinedOn => input.joined_on = Some(date_text(value)?),
        MemberField::Notes => {
            if !input.notes.is_empty() {
                input.notes.push('\n');
            }
            input.notes.push_str(value);
        }
        MemberField::ProfileUrl => draft.profile_url = Some(web_address(value)?.to_owned()),
        MemberField::Id => extra.id = Some(code(value, "mem_", "a Guildhall member id")?),
        MemberField::CheckInCode => extra.check_in_code = Some(code(value, "", "a check-in code")?),
        MemberField::Source => {
            extra.source = Some(MemberSource::parse(&value.to_lowercase()).ok_or_else(|| {
                format!(
                    "{} is not a source Guildhall knows.",
                    crate::text::quoted(value)
                )
            })?)
        }
        MemberField::CreatedAt => extra.created_at = Some(timestamp(value)?),
        MemberField::UpdatedAt => extra.updated_at = Some(timestamp(value)?),
        MemberField::ArchivedAt => extra.archived_at = Some(timestamp(value)?),
        MemberField::UnsubscribedAt => extra.unsubscribed_at = Some(timestamp(value)?),
    }
    Ok(())
}

fn level(value: &str) -> Option<PracticeLevel> {
    match fold(value).as_str() {
        "newcomer" | "beginner" | "novice" => Some(PracticeLevel::Newcomer),
        "practitioner" | "intermediate" => Some(PracticeLevel::Practitioner),
        "expert" | "advanced" => Some(PracticeLevel::Expert),
        _ => None,
    }
}

fn yes_no(value: &str) -> Option<bool> {
    match fold(value).as_str() {
        "yes" | "y" | "true" | "1" | "x" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A date as stored (`YYYY-MM-DD`), from what the cell says.
fn date_text(value: &str) -> Result<String, Rejection> {
    parse_date(value).map(|d| d.to_string()).ok_or_else(|| {
        Rejection(format!(
            "{} is not a date Guildhall can read unambiguously (use YYYY-MM-DD).",
            crate::text::quoted(value)
        ))
    })
}

/// ISO dates and date-times (the day as written), US `M/D/YYYY` with or without a time, and
/// month names ("Mar 14, 2019", "14 March 2019"). `14/03/2019` is not read: a day-first
/// date cannot be told from a US one in general, so it is refused rather than guessed.
pub(crate) fn parse_date(value: &str) -> Option<Date> {
    let value = value.trim();
    let bytes = value.as_bytes();
    if bytes.len() >= 10 && bytes[4] == b'-' && value.is_char_boundary(10) {
        let (day, rest) = value.split_at(10);
        return match rest.chars().next() {
            None | Some('T' | 't' | ' ') => day.parse().ok(),
            Some(_) => None,
        };
    }
    let day = value.split([' ', 'T']).next().unwrap_or_default();
    if day.contains('/') {
        let mut parts = day.split('/');
        let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || m.len() > 2 || d.len() > 2 || y.len() != 4 {
            return None;
        }
        return Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
    }
    let words: Vec<&str> = value
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .take(3)
        .collect();
    let [a, b, y] = words[..] else { return None };
    let (month, d) = match month(a) {
        Some(m) => (m, b),
        None => (month(b)?, a),
    };
    if y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, month, d.parse().ok()?).ok()
}

fn month(word: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.trim_end_matches('.').to_lowercase();
    if word.len() < 3 {
        return None;
    }
    let index = MONTHS.iter().position(|m| m.starts_with(&word))?;
    i8::try_from(index + 1).ok()
}

/// A timestamp as stored: RFC 3339 in UTC to the second.
fn timestamp(value: &str) -> Result<String, Rejection> {
    value
        .parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .map_err(|_| {
            Rejection(format!(
                "{} is not a timestamp like 2025-03-01T10:00:00Z.",
                crate::text::quoted(value)
            ))
        })
}

fn code(value: &str, prefix: &str, what: &str) -> Result<String, Rejection> {
    let rest = value.strip_prefix(prefix).unwrap_or_default();
    if rest.is_empty() || value.len() > 64 || !rest.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Rejection(format!(
            "{} is not {what}.",
            crate::text::quoted(value)
        )));
    }
    Ok(value.to_owned())
}

fn web_address(value: &str) -> Result<&str, Rejection> {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && value.len() <= 2048
        && !value.chars().any(char::is_whitespace)
    {
        Ok(value)
    } else {
        Err(Rejection(format!(
            "{} is not a web address (https://…).",
            crate::text::quoted(value)
        )))
    }
}

/// How profile URLs are compared: without scheme, `www.`, case and trailing slash, so that
/// `https://www.meetup.com/x/members/1/` and `http://meetup.com/x/members/1` are one person.
pub(crate) fn profile_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    rest.trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_in_the_forms_exports_use() {
        for (text, expected) in [
            ("2024-03-01", date(2024, 3, 1)),
            ("2024-03-01T23:30:00-08:00", date(2024, 3, 1)),
            ("2024-03-01 10:27:11+01:00", date(2024, 3, 1)),
            ("3/14/2019", date(2019, 3, 14)),
            ("03/04/2019 18:00", date(2019, 3, 4)),
            ("Mar 14, 2019", date(2019, 3, 14)),
            ("September 2, 2021 7:00 PM", date(2021, 9, 2)),
            ("14 March 2019", date(2019, 3, 14)),
        ] {
            assert_eq!(parse_date(text), Some(expected), "{text}");
        }
        for bad in [
            "14/03/2019",
            "3/14/19",
            "2024-02-30",
            "2024-03-01x",
            "soon",
            "1/2/3/2024",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn profile_urls_compare_loosely() {
        assert_eq!(
            profile_key(" https://www.Meetup.com/x/members/1/ "),
            profile_key("http://meetup.com/x/members/1")
        );
        assert!(web_address("ftp://x").is_err());
        assert!(web_address("HTTPS://meetup.com/x").is_ok());
    }

    #[test]
    fn names_come_from_first_and_last_when_there_is_no_full_name() {
        let headers = ["First", "Last", "Level"].map(String::from);
        let columns = [
            Some(MemberField::FirstName),
            Some(MemberField::LastName),
            Some(MemberField::PracticeLevel),
        ];
        let fields = ["Ada", " Lovelace ", "Advanced"].map(Cow::Borrowed);
        let d = draft(&fields, &columns, &headers, &[',']).unwrap();
        assert_eq!(d.input.name, "Ada Lovelace");
        assert_eq!(d.input.practice_level, Some(PracticeLevel::Expert));
        assert!(d.level_given && !d.consent_given);

        let fields = ["Ada", "", "guru"].map(Cow::Borrowed);
        let err = draft(&fields, &columns, &headers, &[',']).unwrap_err().0;
        assert!(err.starts_with("Level: “guru”"), "{err}");
    }
}
