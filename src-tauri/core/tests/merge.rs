//! Merging two records of one person by hand, on real SQLite files in a temp folder.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{add, get, open, sql};
use guildhall_core::members::merge::{FieldDifference, MergeField};
use guildhall_core::members::{
    self, AudienceFilter, MailingListFormat, Member, MemberInput, MemberQuery, MergeChoices,
    MergeSide, PracticeLevel, Role,
};
use guildhall_core::{Context, CoreError};

/// Two records of Zoë: the one to keep has less, the other has more and older history.
fn two_zoes(ctx: &Context) -> (Member, Member) {
    let keep = add(
        ctx,
        MemberInput {
            name: "Zoë Berg".into(),
            email: Some("zoe@example.org".into()),
            roles: vec![Role::Member],
            tags: vec!["rust".into()],
            joined_on: Some("2024-05-01".into()),
            notes: "Met at the spring meetup.".into(),
            ..Default::default()
        },
    );
    let other = add(
        ctx,
        MemberInput {
            name: "Zoe van der Berg".into(),
            email: Some("zoe.berg@example.com".into()),
            phone: Some("+49 30 123456".into()),
            practice_level: Some(PracticeLevel::Expert),
            roles: vec![Role::Facilitator, Role::Member],
            tags: vec!["data science".into(), "rust".into()],
            email_consent: true,
            consent_on: Some("2023-02-01".into()),
            joined_on: Some("2023-01-15".into()),
            notes: "Runs the data track.".into(),
        },
    );
    sql(
        ctx,
        "UPDATE member SET profile_url = 'https://www.meetup.com/members/7/' WHERE id = ?1",
        &other.id,
    );
    ctx.write(|tx| Ok(tx.execute("UPDATE member SET updated_at = '2020-01-01T00:00:00Z'", [])?))
        .unwrap();
    (get(ctx, &keep.id), get(ctx, &other.id))
}

fn diff(
    field: MergeField,
    keep: Option<&str>,
    other: Option<&str>,
    merged: Option<&str>,
    default_side: Option<MergeSide>,
    choosable: bool,
) -> FieldDifference {
    FieldDifference {
        field,
        keep: keep.map(Into::into),
        other: other.map(Into::into),
        merged: merged.map(Into::into),
        default_side,
        choosable,
    }
}

#[test]
fn the_preview_shows_differences_and_defaults() {
    let (_dir, ctx) = open();
    let (keep, other) = two_zoes(&ctx);
    let preview = ctx
        .read(|c| members::merge_preview(c, &keep.id, &other.id))
        .unwrap();
    use MergeSide::{Keep, Other};
    assert_eq!(
        preview.differences,
        vec![
            diff(
                MergeField::Name,
                Some("Zoë Berg"),
                Some("Zoe van der Berg"),
                Some("Zoë Berg"),
                Some(Keep),
                true
            ),
            diff(
                MergeField::Email,
                Some("zoe@example.org"),
                Some("zoe.berg@example.com"),
                Some("zoe@example.org"),
                Some(Keep),
                true
            ),
            diff(
                MergeField::Phone,
                None,
                Some("+49 30 123456"),
                Some("+49 30 123456"),
                Some(Other),
                true
            ),
            diff(
                MergeField::PracticeLevel,
                Some("newcomer"),
                Some("expert"),
                Some("newcomer"),
                Some(Keep),
                true
            ),
            diff(
                MergeField::ProfileUrl,
                None,
                Some("https://www.meetup.com/members/7/"),
                Some("https://www.meetup.com/members/7/"),
                Some(Other),
                true
            ),
            diff(
                MergeField::JoinedOn,
                Some("2024-05-01"),
                Some("2023-01-15"),
                Some("2023-01-15"),
                Some(Other),
                false
            ),
            diff(
                MergeField::Notes,
                Some("Met at the spring meetup."),
                Some("Runs the data track."),
                Some("Met at the spring meetup.\n\nRuns the data track."),
                None,
                false
            ),
        ]
    );
    assert_eq!(preview.tags, vec!["data science", "rust"]);
    assert_eq!(preview.roles, vec![Role::Facilitator, Role::Member]);
    // The kept email wins, and its member never consented: the other's consent does not move
    // over to an address it was not given for.
    assert!(!preview.consent.email_consent);
    assert_eq!(preview.consent.consent_on, None);
    assert_eq!((preview.keep, preview.other), (keep, other));
}

#[test]
fn merging_with_defaults_keeps_identity_and_fills_gaps() {
    let (_dir, ctx) = open();
    let (keep, other) = two_zoes(&ctx);
    let merged = ctx
        .write(|tx| {
            members::merge(
                tx,
                &keep.id,
                &other.id,
                &MergeChoices::default(),
                &ctx.clock,
            )
        })
        .unwrap();
    assert_eq!(merged.id, keep.id);
    assert_eq!(merged.check_in_code, keep.check_in_code);
    assert_eq!(merged.name, "Zoë Berg");
    assert_eq!(merged.email.as_deref(), Some("zoe@example.org"));
    assert_eq!(merged.phone.as_deref(), Some("+49 30 123456"));
    assert_eq!(merged.practice_level, PracticeLevel::Newcomer);
    assert_eq!(
        merged.profile_url.as_deref(),
        Some("https://www.meetup.com/members/7/")
    );
    assert_eq!(merged.joined_on.as_deref(), Some("2023-01-15"));
    assert_eq!(
        merged.notes,
        "Met at the spring meetup.\n\nRuns the data track."
    );
    assert_eq!(merged.tags, vec!["data science", "rust"]);
    assert_eq!(merged.roles, vec![Role::Facilitator, Role::Member]);
    assert!(!merged.email_consent);
    assert_ne!(merged.updated_at, keep.updated_at, "updated_at moves");
    assert_eq!(merged.created_at, keep.created_at);

    let err = ctx.read(|c| members::get(c, &other.id)).unwrap_err();
    assert!(matches!(err, CoreError::NotFound { .. }), "{err:?}");
    assert!(
        ctx.read(members::erasure_counts).unwrap().is_empty(),
        "a merge is not an erasure"
    );
}

fn search(ctx: &Context, text: &str) -> Vec<String> {
    let query = MemberQuery {
        text: text.into(),
        ..Default::default()
    };
    let list = ctx.read(|c| members::list(&ctx.search, c, &query)).unwrap();
    list.members.into_iter().map(|m| m.id).collect()
}

#[test]
fn choices_pick_a_side_and_search_follows() {
    let (_dir, ctx) = open();
    let (keep, other) = two_zoes(&ctx);
    let choices = MergeChoices {
        name: Some(MergeSide::Other),
        email: Some(MergeSide::Other),
        phone: Some(MergeSide::Keep), // the kept member has none: the phone goes
        practice_level: Some(MergeSide::Other),
        profile_url: None,
    };
    let merged = ctx
        .write(|tx| members::merge(tx, &keep.id, &other.id, &choices, &ctx.clock))
        .unwrap();
    assert_eq!(merged.name, "Zoe van der Berg");
    assert_eq!(merged.email.as_deref(), Some("zoe.berg@example.com"));
    assert_eq!(merged.phone, None);
    assert_eq!(merged.practice_level, PracticeLevel::Expert);
    // The winning address brings its own consent and its day.
    assert!(merged.email_consent);
    assert_eq!(merged.consent_on.as_deref(), Some("2023-02-01"));

    // name_key and search_text are in step: found by the new name and address, not the old.
    assert_eq!(search(&ctx, "van der"), vec![keep.id.clone()]);
    assert_eq!(search(&ctx, "zoe.berg@"), vec![keep.id.clone()]);
    assert!(search(&ctx, "zoe@example.org").is_empty());
    let name_key: String = ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT name_key FROM member WHERE id = ?1",
                [&keep.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(name_key, "zoe van der berg");

    // The address moved without breaking uniqueness, and it is still unique afterwards.
    let err = ctx
        .write(|tx| {
            members::create(
                tx,
                &MemberInput {
                    name: "Imposter".into(),
                    email: Some("ZOE.BERG@example.com".into()),
                    ..Default::default()
                },
                &ctx.clock,
            )
        })
        .unwrap_err();
    assert!(
        matches!(&err, CoreError::DuplicateEmail { existing_id, .. } if *existing_id == keep.id),
        "{err:?}"
    );
}

#[test]
fn an_unsubscription_on_either_side_wins_and_the_later_is_kept() {
    let (_dir, ctx) = open();
    let consenting = |name: &str, email: &str| MemberInput {
        name: name.into(),
        email: Some(email.into()),
        email_consent: true,
        consent_on: Some("2024-01-01".into()),
        ..Default::default()
    };
    let keep = add(&ctx, consenting("Ada", "ada@example.org"));
    let other = add(&ctx, consenting("Ada L.", "ada.l@example.org"));
    sql(
        &ctx,
        "UPDATE member SET unsubscribed_at = '2025-06-01T08:00:00Z' WHERE id = ?1",
        &other.id,
    );
    let preview = ctx
        .read(|c| members::merge_preview(c, &keep.id, &other.id))
        .unwrap();
    assert!(preview.consent.email_consent);
    assert_eq!(
        preview.consent.unsubscribed_at.as_deref(),
        Some("2025-06-01T08:00:00Z")
    );
    let merged = ctx
        .write(|tx| {
            members::merge(
                tx,
                &keep.id,
                &other.id,
                &MergeChoices::default(),
                &ctx.clock,
            )
        })
        .unwrap();
    assert_eq!(
        merged.unsubscribed_at.as_deref(),
        Some("2025-06-01T08:00:00Z")
    );
    let mut out = Vec::new();
    let listed = ctx
        .read(|c| {
            members::mailing_list(
                c,
                &AudienceFilter::default(),
                MailingListFormat::Plain,
                &mut out,
            )
        })
        .unwrap();
    assert_eq!(
        listed, 0,
        "someone who said stop is not mailed after a merge"
    );

    // Both unsubscribed: the later of the two.
    let third = add(&ctx, consenting("Ada Lovelace", "lovelace@example.org"));
    sql(
        &ctx,
        "UPDATE member SET unsubscribed_at = '2025-01-01T08:00:00Z' WHERE id = ?1",
        &third.id,
    );
    let merged = ctx
        .write(|tx| {
            members::merge(
                tx,
                &third.id,
                &keep.id,
                &MergeChoices::default(),
                &ctx.clock,
            )
        })
        .unwrap();
    assert_eq!(
        merged.unsubscribed_at.as_deref(),
        Some("2025-06-01T08:00:00Z")
    );
}

#[test]
fn the_merged_member_is_active_when_either_was() {
    let (_dir, ctx) = open();
    let (keep, other) = two_zoes(&ctx);
    ctx.write(|tx| members::archive(tx, &keep.id, &ctx.clock))
        .unwrap();
    let merged = ctx
        .write(|tx| {
            members::merge(
                tx,
                &keep.id,
                &other.id,
                &MergeChoices::default(),
                &ctx.clock,
            )
        })
        .unwrap();
    assert_eq!(merged.archived_at, None);
}

#[test]
fn merging_with_itself_or_a_missing_member_is_refused_and_changes_nothing() {
    let (_dir, ctx) = open();
    let (keep, other) = two_zoes(&ctx);
    let err = ctx
        .write(|tx| members::merge(tx, &keep.id, &keep.id, &MergeChoices::default(), &ctx.clock))
        .unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Validation {
                field: "otherId",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("itself"));
    let err = ctx
        .read(|c| members::merge_preview(c, &keep.id, &keep.id))
        .unwrap_err();
    assert!(matches!(err, CoreError::Validation { .. }), "{err:?}");

    for (a, b) in [
        (keep.id.as_str(), "mem_MISSING"),
        ("mem_MISSING", other.id.as_str()),
    ] {
        let err = ctx
            .write(|tx| members::merge(tx, a, b, &MergeChoices::default(), &ctx.clock))
            .unwrap_err();
        assert!(
            matches!(&err, CoreError::NotFound { id, .. } if id == "mem_MISSING"),
            "{err:?}"
        );
    }
    assert_eq!(get(&ctx, &keep.id), keep);
    assert_eq!(get(&ctx, &other.id), other);
}
