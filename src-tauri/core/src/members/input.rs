//! From what someone typed to a record we are willing to store: trimmed, bounded, validated.
//! Each error names the field it belongs to so the UI can show it there.

use jiff::civil::Date;

use super::model::{MemberInput, PracticeLevel, Role};
use crate::error::{CoreError, Result};
use crate::tags::normalize_tags;
use crate::text::{squash_whitespace, strip_unsafe};
use unicode_normalization::UnicodeNormalization;

const MAX_NAME: usize = 200;
const MAX_EMAIL: usize = 254; // RFC 5321 path limit
const MAX_PHONE: usize = 40;
const MAX_NOTES: usize = 20_000;

/// A member input after validation, ready for the store.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CleanMember {
    pub name: String,
    pub email: Option<String>,
    pub email_key: Option<String>,
    pub phone: Option<String>,
    pub practice_level: PracticeLevel,
    pub roles: Vec<Role>,
    pub tags: Vec<String>,
    pub email_consent: bool,
    pub consent_on: Option<Date>,
    pub joined_on: Option<Date>,
    pub notes: String,
}

pub(crate) fn clean(input: &MemberInput) -> Result<CleanMember> {
    // Nothing that drives a terminal or hides in the text (see `text::strip_unsafe`).
    let name = squash_whitespace(&strip_unsafe(&input.name, false));
    if name.is_empty() {
        return Err(CoreError::invalid("name", "A name is required."));
    }
    if name.chars().count() > MAX_NAME {
        return Err(CoreError::invalid(
            "name",
            format!("A name can be at most {MAX_NAME} characters."),
        ));
    }
    let email = non_empty(input.email.as_deref()).map(str::to_owned);
    let email_key = match &email {
        Some(e) => Some(normalize_email(e)?),
        None => None,
    };
    let phone = match non_empty(input.phone.as_deref()) {
        Some(p) => Some(check_phone(p)?),
        None => None,
    };
    let notes = strip_unsafe(&input.notes, true).trim().to_owned();
    if notes.chars().count() > MAX_NOTES {
        return Err(CoreError::invalid(
            "notes",
            format!("Notes can be at most {MAX_NOTES} characters."),
        ));
    }
    let mut roles = input.roles.clone();
    roles.sort();
    roles.dedup();
    if input.email_consent && email.is_none() {
        return Err(CoreError::invalid(
            "emailConsent",
            "Consent to email needs an email address.",
        ));
    }
    Ok(CleanMember {
        name,
        email,
        email_key,
        phone,
        practice_level: input.practice_level.unwrap_or(PracticeLevel::Newcomer),
        roles,
        tags: normalize_tags(&input.tags, "member")?,
        email_consent: input.email_consent,
        consent_on: parse_date("consentOn", input.consent_on.as_deref())?,
        joined_on: parse_date("joinedOn", input.joined_on.as_deref())?,
        notes,
    })
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Checks an address and returns its comparison key (trimmed, lower-cased). Deliberately
/// pragmatic: one `@`, a local part, a dotted domain, no spaces or control characters. Real
/// validity is decided by the member's mail server, not by a regex.
pub fn normalize_email(email: &str) -> Result<String> {
    let email = email.trim();
    let bad = |why: &str| {
        CoreError::invalid(
            "email",
            format!(
                "{} is not an email address: {why}.",
                crate::text::quoted(email)
            ),
        )
    };
    if email.len() > MAX_EMAIL {
        return Err(bad("it is too long"));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains a space"));
    }
    if email.chars().any(crate::text::is_hidden) {
        return Err(bad("it contains an invisible character"));
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(bad("it has no @"));
    };
    if local.is_empty() || local.contains('@') {
        return Err(bad("the part before @ is missing or has another @"));
    }
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    if !domain.contains('.')
        || !labels_ok
        || domain.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']'])
    {
        return Err(bad("the part after @ is not a domain like example.org"));
    }
    // NFKC first: a full-width "ａｄａ@example.org" is ada@example.org, not another person.
    Ok(email.nfkc().collect::<String>().to_lowercase())
}

fn check_phone(phone: &str) -> Result<String> {
    let phone = squash_whitespace(phone);
    let allowed = |c: char| c.is_ascii_digit() || " +-()./x".contains(c);
    if phone.chars().count() > MAX_PHONE
        || !phone.chars().all(allowed)
        || phone.chars().filter(char::is_ascii_digit).count() < 3
    {
        return Err(CoreError::invalid(
            "phone",
            "A phone number has digits and may use + - ( ) . / and spaces.",
        ));
    }
    Ok(phone)
}

fn parse_date(field: &'static str, value: Option<&str>) -> Result<Option<Date>> {
    match non_empty(value) {
        None => Ok(None),
        Some(s) => s.parse::<Date>().map(Some).map_err(|_| {
            CoreError::invalid(
                field,
                format!("{} is not a date (YYYY-MM-DD).", crate::text::quoted(s)),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> MemberInput {
        MemberInput {
            name: name.into(),
            ..Default::default()
        }
    }

    fn field_of(err: CoreError) -> &'static str {
        match err {
            CoreError::Validation { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_are_required_and_squashed() {
        assert_eq!(field_of(clean(&input("  \n ")).unwrap_err()), "name");
        assert_eq!(
            clean(&input("  Ada \n Lovelace ")).unwrap().name,
            "Ada Lovelace"
        );
        assert_eq!(
            field_of(clean(&input(&"x".repeat(201))).unwrap_err()),
            "name"
        );
    }

    #[test]
    fn emails_are_checked_and_keyed_case_insensitively() {
        assert_eq!(
            normalize_email(" Ada@Example.ORG ").unwrap(),
            "ada@example.org"
        );
        assert_eq!(
            normalize_email("ÉLODIE@exemple.fr").unwrap(),
            "élodie@exemple.fr"
        );
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@exa..org",
            "ada@-x.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad} should be refused");
        }
        let mut i = input("Ada");
        i.email = Some("   ".into());
        assert_eq!(clean(&i).unwrap().email, None);
    }

    #[test]
    fn consent_needs_an_email() {
        let mut i = input("Ada");
        i.email_consent = true;
        assert_eq!(field_of(clean(&i).unwrap_err()), "emailConsent");
        i.email = Some("ada@example.org".into());
        assert!(clean(&i).unwrap().email_consent);
    }

    #[test]
    fn phones_and_dates_are_checked() {
        let mut i = input("Ada");
        i.phone = Some("+49 (30) 1234-567".into());
        assert_eq!(
            clean(&i).unwrap().phone.as_deref(),
            Some("+49 (30) 1234-567")
        );
        i.phone = Some("call me".into());
        assert_eq!(field_of(clean(&i).unwrap_err()), "phone");
        i.phone = None;
        i.joined_on = Some("2024-02-30".into());
        assert_eq!(field_of(clean(&i).unwrap_err()), "joinedOn");
        i.joined_on = Some("2024-02-29".into());
        assert_eq!(
            clean(&i).unwrap().joined_on,
            Some(jiff::civil::date(2024, 2, 29))
        );
    }

    #[test]
    fn roles_are_deduplicated() {
        let mut i = input("Ada");
        i.roles = vec![Role::Volunteer, Role::Member, Role::Volunteer];
        assert_eq!(
            clean(&i).unwrap().roles,
            vec![Role::Volunteer, Role::Member]
        );
    }
}
