//! What an existing member becomes when an imported row is about them.
//!
//! Importing never loses what the organizer has: a cell with a value overwrites, an empty cell
//! keeps what is there, tags and roles are added to (never taken away), consent changes only
//! when the file has a consent column, and the joined day only moves earlier (a later event's
//! report must not make a long-time member look new). Identity and history — id, check-in
//! code, source, created_at — are never changed by an import.

use super::row::Draft;
use crate::error::Result;
use crate::members::input::CleanMember;
use crate::members::model::Member;
use crate::tags::normalize_tags;

/// The member after the row; equal to `existing` when the row changes nothing. `today` is the
/// consent day when consent is newly given without one.
pub(crate) fn merge(
    existing: &Member,
    draft: &Draft,
    clean: CleanMember,
    today: &str,
) -> Result<Member> {
    let mut roles = existing.roles.clone();
    roles.extend(clean.roles.iter().filter(|r| !existing.roles.contains(r)));
    roles.sort();
    let mut tags = existing.tags.clone();
    tags.extend(clean.tags);
    // Checks the union too: it may pass the limit on the number of tags.
    let tags = normalize_tags(&tags, "member")?;
    let email_consent = if draft.consent_given {
        clean.email_consent
    } else {
        existing.email_consent
    };
    let consent_on = email_consent.then(|| {
        clean
            .consent_on
            .map(|d| d.to_string())
            .or_else(|| existing.consent_on.clone())
            .unwrap_or_else(|| today.to_owned())
    });
    let joined_on = match (&existing.joined_on, clean.joined_on) {
        (Some(old), Some(new)) => Some(old.clone().min(new.to_string())),
        (old, new) => old.clone().or_else(|| new.map(|d| d.to_string())),
    };
    let extra = &draft.extra;
    Ok(Member {
        name: clean.name,
        email: clean.email.or_else(|| existing.email.clone()),
        phone: clean.phone.or_else(|| existing.phone.clone()),
        practice_level: if draft.level_given {
            clean.practice_level
        } else {
            existing.practice_level
        },
        roles,
        tags,
        email_consent,
        consent_on,
        unsubscribed_at: extra
            .unsubscribed_at
            .clone()
            .or_else(|| existing.unsubscribed_at.clone()),
        joined_on,
        profile_url: draft
            .profile_url
            .clone()
            .or_else(|| existing.profile_url.clone()),
        notes: if clean.notes.is_empty() {
            existing.notes.clone()
        } else {
            clean.notes
        },
        archived_at: extra
            .archived_at
            .clone()
            .or_else(|| existing.archived_at.clone()),
        ..existing.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::members::input::clean;
    use crate::members::model::{MemberInput, MemberSource, PracticeLevel, Role};

    fn ada() -> Member {
        Member {
            id: "mem_ADA".into(),
            name: "Ada Lovelace".into(),
            email: Some("ada@example.org".into()),
            phone: Some("+44 20 7946 0000".into()),
            practice_level: PracticeLevel::Expert,
            roles: vec![Role::Organizer],
            tags: vec!["rust".into()],
            email_consent: true,
            consent_on: Some("2024-01-01".into()),
            unsubscribed_at: None,
            joined_on: Some("2020-05-05".into()),
            source: MemberSource::Manual,
            profile_url: None,
            notes: "Brings the projector.".into(),
            check_in_code: "CODE".into(),
            created_at: "2020-05-05T10:00:00Z".into(),
            updated_at: "2024-01-01T10:00:00Z".into(),
            archived_at: None,
            email_bounced_at: None,
            email_bounce_reason: None,
        }
    }

    fn draft(input: MemberInput) -> (Draft, CleanMember) {
        let c = clean(&input).unwrap();
        let d = Draft {
            input,
            ..Default::default()
        };
        (d, c)
    }

    #[test]
    fn empty_cells_keep_lists_grow_and_joined_moves_only_earlier() {
        let (d, c) = draft(MemberInput {
            name: "Ada Lovelace".into(),
            tags: vec!["Go".into()],
            roles: vec![Role::Volunteer],
            joined_on: Some("2023-01-01".into()),
            ..Default::default()
        });
        let merged = merge(&ada(), &d, c, "2025-01-01").unwrap();
        assert_eq!(merged.tags, vec!["go", "rust"]);
        assert_eq!(merged.roles, vec![Role::Organizer, Role::Volunteer]);
        assert_eq!(merged.joined_on.as_deref(), Some("2020-05-05"));
        assert_eq!(merged.practice_level, PracticeLevel::Expert);
        assert_eq!((merged.email_consent, merged.phone), (true, ada().phone));
        assert_eq!(merged.notes, ada().notes);

        let (d, c) = draft(MemberInput {
            name: "Ada Lovelace".into(),
            joined_on: Some("2019-01-01".into()),
            ..Default::default()
        });
        let merged = merge(&ada(), &d, c, "2025-01-01").unwrap();
        assert_eq!(merged.joined_on.as_deref(), Some("2019-01-01"));
    }

    #[test]
    fn the_same_row_again_changes_nothing() {
        let (d, c) = draft(MemberInput {
            name: "Ada Lovelace".into(),
            email: Some("ada@example.org".into()),
            tags: vec!["RUST".into()],
            ..Default::default()
        });
        assert_eq!(merge(&ada(), &d, c, "2025-01-01").unwrap(), ada());
    }

    #[test]
    fn consent_changes_only_with_a_consent_column() {
        let (mut d, c) = draft(MemberInput {
            name: "Ada Lovelace".into(),
            ..Default::default()
        });
        d.consent_given = true;
        let merged = merge(&ada(), &d, c, "2025-01-01").unwrap();
        assert_eq!((merged.email_consent, merged.consent_on), (false, None));
    }
}
