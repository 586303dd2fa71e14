//! Merging two records of one person by hand: the organizer sees both side by side
//! ([`merge_preview`]), picks a side where they differ, and [`merge`] keeps one member with the
//! best of both and deletes the other.
//!
//! The kept member keeps its id and check-in code (badges already printed stay valid). The
//! other is deleted as a duplicate, not erased: the person is still here, so it is not counted
//! in `member_erasure`.
//!
//! Defaults: for name, email, phone, practice level and profile URL the kept member's value
//! wins, and an empty one is filled from the other. Tags and roles are united, the earlier
//! "joined on" wins, notes are put one after the other. Consent follows the rules of
//! [`consent`], which only ever err on the side of sending less email.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::input::CleanMember;
use super::model::{Member, PracticeLevel, Role};
use super::store::{get, replace_roles_and_tags, search_text};
use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::text::fold;

/// Which of the two members a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MergeSide {
    Keep,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MergeField {
    Name,
    Email,
    Phone,
    PracticeLevel,
    ProfileUrl,
    JoinedOn,
    Notes,
}

/// The organizer's pick per field; `None` means the default shown in the preview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct MergeChoices {
    pub name: Option<MergeSide>,
    pub email: Option<MergeSide>,
    pub phone: Option<MergeSide>,
    pub practice_level: Option<MergeSide>,
    pub profile_url: Option<MergeSide>,
}

/// One field on which the two members differ.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldDifference {
    pub field: MergeField,
    pub keep: Option<String>,
    pub other: Option<String>,
    /// What the merged member gets unless the organizer picks the other side.
    pub merged: Option<String>,
    /// Where `merged` comes from; `None` when it combines both (notes).
    pub default_side: Option<MergeSide>,
    /// Whether [`MergeChoices`] can pick a side for this field; joined-on and notes follow
    /// fixed rules.
    pub choosable: bool,
}

/// The merged member's email consent, with the default choice of email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsentOutcome {
    pub email_consent: bool,
    pub consent_on: Option<String>,
    pub unsubscribed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MergePreview {
    pub keep: Member,
    pub other: Member,
    /// Only the fields whose values differ, in the order of the editor.
    pub differences: Vec<FieldDifference>,
    /// Both members' tags together.
    pub tags: Vec<String>,
    /// Both members' roles together.
    pub roles: Vec<Role>,
    pub consent: ConsentOutcome,
}

/// The merged member's values, before anything is written.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    name: String,
    email: Option<String>,
    email_side: MergeSide,
    phone: Option<String>,
    practice_level: PracticeLevel,
    profile_url: Option<String>,
    joined_on: Option<String>,
    notes: String,
    tags: Vec<String>,
    roles: Vec<Role>,
    consent: ConsentOutcome,
    archived_at: Option<String>,
}

fn side<T>(keep: &Option<T>, other: &Option<T>, choice: Option<MergeSide>) -> MergeSide {
    choice.unwrap_or(if keep.is_none() && other.is_some() {
        MergeSide::Other
    } else {
        MergeSide::Keep
    })
}

fn take<T: Clone>(keep: &T, other: &T, side: MergeSide) -> T {
    match side {
        MergeSide::Keep => keep.clone(),
        MergeSide::Other => other.clone(),
    }
}

/// Consent, conservatively (GDPR Art. 7: consent must be shown for the address we write to):
/// - consent belongs to an address, so the merged member has the consent (and its day) of the
///   member whose email wins, never the other's, and none without an email;
/// - an unsubscription is about the person: if either record unsubscribed, the merged member
///   is unsubscribed, with the later time (the most recent "stop").
fn consent(keep: &Member, other: &Member, email_side: MergeSide) -> ConsentOutcome {
    let owner = take(&keep, &other, email_side);
    let has_email = owner.email.is_some();
    ConsentOutcome {
        email_consent: has_email && owner.email_consent,
        consent_on: if has_email && owner.email_consent {
            owner.consent_on.clone()
        } else {
            None
        },
        unsubscribed_at: keep
            .unsubscribed_at
            .clone()
            .max(other.unsubscribed_at.clone()),
    }
}

fn union<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut all: Vec<T> = a.iter().chain(b).cloned().collect();
    all.sort();
    all.dedup();
    all
}

fn plan(keep: &Member, other: &Member, choices: &MergeChoices) -> Plan {
    let name_side = choices.name.unwrap_or(MergeSide::Keep);
    let level_side = choices.practice_level.unwrap_or(MergeSide::Keep);
    let email_side = side(&keep.email, &other.email, choices.email);
    let phone_side = side(&keep.phone, &other.phone, choices.phone);
    let url_side = side(&keep.profile_url, &other.profile_url, choices.profile_url);
    let joined_on = match (&keep.joined_on, &other.joined_on) {
        (Some(a), Some(b)) => Some(a.min(b).clone()),
        (a, b) => a.clone().or(b.clone()),
    };
    let notes = match (keep.notes.as_str(), other.notes.as_str()) {
        (a, b) if b.is_empty() || a == b => a.to_owned(),
        ("", b) => b.to_owned(),
        (a, b) => format!("{a}\n\n{b}"),
    };
    Plan {
        name: take(&keep.name, &other.name, name_side),
        email: take(&keep.email, &other.email, email_side),
        email_side,
        phone: take(&keep.phone, &other.phone, phone_side),
        practice_level: take(&keep.practice_level, &other.practice_level, level_side),
        profile_url: take(&keep.profile_url, &other.profile_url, url_side),
        joined_on,
        notes,
        tags: union(&keep.tags, &other.tags),
        roles: union(&keep.roles, &other.roles),
        consent: consent(keep, other, email_side),
        // One record still active means the person is: the merged member is archived (as the
        // kept one was) only when both were.
        archived_at: keep
            .archived_at
            .clone()
            .filter(|_| other.archived_at.is_some()),
    }
}

/// Both members and what merging them would do with the default choices.
pub fn merge_preview(conn: &Connection, keep_id: &str, other_id: &str) -> Result<MergePreview> {
    let (keep, other) = both(conn, keep_id, other_id)?;
    let plan = plan(&keep, &other, &MergeChoices::default());
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let level = |l: PracticeLevel| Some(l.as_str().to_owned());
    let (k, o, p) = (&keep, &other, &plan);
    let fields = [
        (
            MergeField::Name,
            some(&k.name),
            some(&o.name),
            some(&p.name),
            true,
        ),
        (
            MergeField::Email,
            k.email.clone(),
            o.email.clone(),
            p.email.clone(),
            true,
        ),
        (
            MergeField::Phone,
            k.phone.clone(),
            o.phone.clone(),
            p.phone.clone(),
            true,
        ),
        (
            MergeField::PracticeLevel,
            level(k.practice_level),
            level(o.practice_level),
            level(p.practice_level),
            true,
        ),
        (
            MergeField::ProfileUrl,
            k.profile_url.clone(),
            o.profile_url.clone(),
            p.profile_url.clone(),
            true,
        ),
        (
            MergeField::JoinedOn,
            k.joined_on.clone(),
            o.joined_on.clone(),
            p.joined_on.clone(),
            false,
        ),
        (
            MergeField::Notes,
            some(&k.notes),
            some(&o.notes),
            some(&p.notes),
            false,
        ),
    ];
    let differences = fields
        .into_iter()
        .filter(|(_, keep, other, _, _)| keep != other)
        .map(|(field, keep, other, merged, choosable)| FieldDifference {
            default_side: if merged == keep {
                Some(MergeSide::Keep)
            } else if merged == other {
                Some(MergeSide::Other)
            } else {
                None
            },
            field,
            keep,
            other,
            merged,
            choosable,
        })
        .collect();
    Ok(MergePreview {
        keep,
        other,
        differences,
        tags: plan.tags,
        roles: plan.roles,
        consent: plan.consent,
    })
}

fn both(conn: &Connection, keep_id: &str, other_id: &str) -> Result<(Member, Member)> {
    if keep_id == other_id {
        return Err(CoreError::invalid(
            "otherId",
            "A member cannot be merged with itself: choose two different members.",
        ));
    }
    Ok((get(conn, keep_id)?, get(conn, other_id)?))
}

/// Merges `other_id` into `keep_id` and returns the merged member; the other is deleted.
pub fn merge(
    tx: &Transaction,
    keep_id: &str,
    other_id: &str,
    choices: &MergeChoices,
    clock: &Clock,
) -> Result<Member> {
    let (keep, other) = both(tx, keep_id, other_id)?;
    let plan = plan(&keep, &other, choices);
    let email_key: Option<String> = tx
        .query_row(
            "SELECT email_key FROM member WHERE id = ?1",
            [take(&keep_id, &other_id, plan.email_side)],
            |r| r.get(0),
        )
        .optional()?
        .flatten();

    // The other goes first, so its email and profile URL are free before the kept member takes
    // them: the unique indexes on both never see two holders, not even mid-merge. Its roles and
    // tags go with it (ON DELETE CASCADE), its search entry with the trigger. Later tables that
    // point at members (attendance, …) must be moved to `keep_id` here, before this delete.
    tx.execute("DELETE FROM member WHERE id = ?1", [other_id])?;

    let clean = CleanMember {
        name: plan.name.clone(),
        email: plan.email.clone(),
        email_key: email_key.clone(),
        phone: plan.phone.clone(),
        practice_level: plan.practice_level,
        roles: plan.roles.clone(),
        tags: plan.tags.clone(),
        email_consent: plan.consent.email_consent,
        consent_on: plan
            .consent
            .consent_on
            .as_deref()
            .and_then(|d| d.parse().ok()),
        joined_on: plan.joined_on.as_deref().and_then(|d| d.parse().ok()),
        notes: plan.notes.clone(),
    };
    tx.execute(
        "UPDATE member SET name = ?2, email = ?3, email_key = ?4, phone = ?5, practice_level = ?6,
                email_consent = ?7, consent_on = ?8, unsubscribed_at = ?9, joined_on = ?10,
                profile_url = ?11, notes = ?12, archived_at = ?13, name_key = ?14,
                search_text = ?15, updated_at = ?16
         WHERE id = ?1",
        params![
            keep_id,
            plan.name,
            plan.email,
            email_key,
            plan.phone,
            plan.practice_level.as_str(),
            plan.consent.email_consent,
            plan.consent.consent_on,
            plan.consent.unsubscribed_at,
            plan.joined_on,
            plan.profile_url,
            plan.notes,
            plan.archived_at,
            fold(&plan.name),
            search_text(&clean),
            clock.stamp(),
        ],
    )?;
    replace_roles_and_tags(tx, keep_id, &clean)?;
    get(tx, keep_id)
}
