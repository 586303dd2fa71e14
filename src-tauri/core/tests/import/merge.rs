//! Recognising people again (email, profile URL, Guildhall id), merging what a row brings with
//! what the member has, remembered mappings, and Guildhall's own export round trip.

use guildhall_core::members::import::{ColumnMapping, ImportFormat, ImportOptions, MemberField};
use guildhall_core::members::{self, Member, MemberInput, MemberSource, PracticeLevel, Role};
use guildhall_core::CoreError;

use crate::{all, by_name, counts, import, open, preview, try_import};

#[test]
fn a_known_email_updates_the_member_and_keeps_what_the_row_leaves_empty() {
    let (_dir, ctx) = open();
    let ada = ctx
        .write(|tx| {
            members::create(
                tx,
                &MemberInput {
                    name: "Ada Lovelace".into(),
                    email: Some("ada@example.org".into()),
                    phone: Some("+44 20 7946 0000".into()),
                    tags: vec!["rust".into()],
                    email_consent: true,
                    consent_on: Some("2024-01-01".into()),
                    joined_on: Some("2020-05-05".into()),
                    notes: "Brings the projector.".into(),
                    ..Default::default()
                },
                &ctx.clock,
            )
        })
        .unwrap();
    let csv = "Name,Email,Phone,Tags,Notes,Joined\n\
               Ada King, ADA@Example.org ,,\"mentoring, Rust\",,2023-01-01\n";
    assert_eq!(counts(&import(&ctx, csv.as_bytes())), (0, 1, 0, 0));
    let after = ctx.read(|c| members::get(c, &ada.id)).unwrap();
    assert_eq!(after.name, "Ada King");
    assert_eq!(after.email.as_deref(), Some("ADA@Example.org"));
    assert_eq!(after.phone, ada.phone);
    assert_eq!(after.tags, vec!["mentoring", "rust"]);
    assert_eq!(after.notes, ada.notes);
    assert!(
        after.email_consent,
        "a file without a consent column keeps consent"
    );
    assert_eq!(after.consent_on, ada.consent_on);
    assert_eq!(
        after.joined_on.as_deref(),
        Some("2020-05-05"),
        "joined only moves earlier"
    );
    assert_eq!(after.source, MemberSource::Manual);
    assert_eq!(after.check_in_code, ada.check_in_code);

    assert_eq!(counts(&import(&ctx, csv.as_bytes())), (0, 0, 1, 0));
    assert_eq!(all(&ctx).len(), 1);
}

#[test]
fn a_second_row_with_the_same_email_updates_the_first() {
    let (_dir, ctx) = open();
    let csv = "Name,Email,Tags\nAda,ada@example.org,rust\nAda Lovelace,ADA@example.org,go\n";
    assert_eq!(counts(&import(&ctx, csv.as_bytes())), (1, 1, 0, 0));
    let members = all(&ctx);
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].name, "Ada Lovelace");
    assert_eq!(members[0].tags, vec!["go", "rust"]);
}

#[test]
fn only_the_latest_mappings_are_remembered() {
    let (_dir, ctx) = open();
    let file = |i: usize| {
        format!(
            "Who,Contact{i},Column with a long name {}\nAda,ada@example.org,x\n",
            "q".repeat(500)
        )
    };
    let mapping = |i: usize| {
        vec![
            ColumnMapping {
                header: "Who".into(),
                field: Some(MemberField::Name),
            },
            ColumnMapping {
                header: format!("Contact{i}"),
                field: Some(MemberField::Email),
            },
        ]
    };
    for i in 0..120 {
        let options = ImportOptions {
            mapping: Some(mapping(i)),
            ..Default::default()
        };
        try_import(&ctx, file(i).as_bytes(), &options).unwrap();
    }
    let (rows, longest): (i64, i64) = ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*), max(length(mapping) + length(header_key)) FROM import_mapping",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(rows, 50);
    assert!(longest < 1_000, "{longest}");
    assert!(preview(&ctx, file(119).as_bytes()).remembered_mapping);
    assert!(!preview(&ctx, file(0).as_bytes()).remembered_mapping);
}

#[test]
fn a_mapping_is_remembered_for_the_same_headers() {
    let (_dir, ctx) = open();
    let csv = "Who,Contact,Team\nAda,ada@example.org,core\n";
    let p = preview(&ctx, csv.as_bytes());
    assert_eq!(p.format, ImportFormat::Generic);
    assert!(p.needs_mapping);
    assert_eq!(p.ignored_columns, vec!["Who", "Contact", "Team"]);
    let err = try_import(&ctx, csv.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(
        matches!(&err, CoreError::InvalidFile { line: None, message } if message.contains("names")),
        "{err:?}"
    );

    let entry = |header: &str, field| ColumnMapping {
        header: header.into(),
        field,
    };
    let mapping = vec![
        entry("Who", Some(MemberField::Name)),
        entry("Contact", Some(MemberField::Email)),
        entry("Team", Some(MemberField::Tags)),
    ];
    // A dry run uses the mapping but does not remember it.
    let dry = ImportOptions {
        mapping: Some(mapping.clone()),
        dry_run: true,
        ..Default::default()
    };
    assert_eq!(
        counts(&try_import(&ctx, csv.as_bytes(), &dry).unwrap()),
        (1, 0, 0, 0)
    );
    assert!(preview(&ctx, csv.as_bytes()).needs_mapping);

    let options = ImportOptions {
        mapping: Some(mapping),
        ..Default::default()
    };
    assert_eq!(
        counts(&try_import(&ctx, csv.as_bytes(), &options).unwrap()),
        (1, 0, 0, 0)
    );
    assert_eq!(by_name(&ctx, "Ada").tags, vec!["core"]);

    // Next month's file, columns in another order: the mapping is offered and used again.
    let next = "Team,Who,Contact\ndocs,Grace,grace@example.org\n";
    let p = preview(&ctx, next.as_bytes());
    assert!(p.remembered_mapping && !p.needs_mapping);
    assert_eq!(
        p.mapping.iter().map(|m| m.field).collect::<Vec<_>>(),
        vec![
            Some(MemberField::Tags),
            Some(MemberField::Name),
            Some(MemberField::Email)
        ]
    );
    assert_eq!(counts(&import(&ctx, next.as_bytes())), (1, 0, 0, 0));
    assert_eq!(by_name(&ctx, "Grace").tags, vec!["docs"]);
}

#[test]
fn explicit_mappings_cannot_forge_identity() {
    let (_dir, ctx) = open();
    let csv = "Who,Key\nAda,mem_ABC\n";
    let options = ImportOptions {
        mapping: Some(vec![
            ColumnMapping {
                header: "Who".into(),
                field: Some(MemberField::Name),
            },
            ColumnMapping {
                header: "Key".into(),
                field: Some(MemberField::Id),
            },
        ]),
        ..Default::default()
    };
    let err = try_import(&ctx, csv.as_bytes(), &options).unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Validation {
                field: "mapping",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(all(&ctx).is_empty());
}

const GUILDHALL_HEADER: &str = "id,name,email,phone,practice_level,roles,tags,email_consent,\
consent_on,unsubscribed_at,joined_on,source,profile_url,notes,check_in_code,created_at,\
updated_at,archived_at";

fn zoe() -> Member {
    Member {
        id: "mem_7K2M9Q4XW1RZ3B8D".into(),
        name: "Zoë Müller".into(),
        email: Some("Zoe@Example.org".into()),
        phone: Some("+49 30 123456".into()),
        practice_level: PracticeLevel::Expert,
        roles: vec![Role::Facilitator, Role::Volunteer],
        tags: vec!["data science".into(), "rust".into()],
        email_consent: true,
        consent_on: Some("2025-03-01".into()),
        unsubscribed_at: Some("2025-06-01T08:00:00Z".into()),
        joined_on: Some("2024-11-05".into()),
        source: MemberSource::Meetup,
        profile_url: Some("https://www.meetup.com/guild/members/9/".into()),
        notes: "Brings the projector.\nSays \"hi\", often.".into(),
        check_in_code: "0123456789ABCDEFGHJKMNPQ".into(),
        created_at: "2024-11-05T10:00:00Z".into(),
        updated_at: "2025-06-01T08:00:00Z".into(),
        archived_at: Some("2025-07-01T09:30:00Z".into()),
        email_bounced_at: None,
        email_bounce_reason: None,
    }
}

/// The export of one member as Guildhall writes it (lists joined with ", ", yes/no consent).
fn export_line(m: &Member) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
    [
        m.id.clone(),
        quote(&m.name),
        opt(&m.email),
        opt(&m.phone),
        m.practice_level.as_str().into(),
        quote(&roles.join(", ")),
        quote(&m.tags.join(", ")),
        if m.email_consent { "yes" } else { "no" }.into(),
        opt(&m.consent_on),
        opt(&m.unsubscribed_at),
        opt(&m.joined_on),
        m.source.as_str().into(),
        opt(&m.profile_url),
        quote(&m.notes),
        m.check_in_code.clone(),
        m.created_at.clone(),
        m.updated_at.clone(),
        opt(&m.archived_at),
    ]
    .join(",")
}

#[test]
fn guildhall_export_round_trips_with_nothing_lost() {
    let (_dir, ctx) = open();
    let zoe = zoe();
    let csv = format!("{GUILDHALL_HEADER}\r\n{}\r\n", export_line(&zoe));
    let p = preview(&ctx, csv.as_bytes());
    assert_eq!(p.format, ImportFormat::Guildhall);
    assert!(p.ignored_columns.is_empty(), "{:?}", p.ignored_columns);

    let report = import(&ctx, csv.as_bytes());
    assert_eq!(
        (report.format, counts(&report)),
        (ImportFormat::Guildhall, (1, 0, 0, 0))
    );
    assert_eq!(ctx.read(|c| members::get(c, &zoe.id)).unwrap(), zoe);
    assert_eq!(counts(&import(&ctx, csv.as_bytes())), (0, 0, 1, 0));

    // Where the id exists, the row updates that member: new values overwrite, tags and roles
    // are added, identity and history stay.
    let mut edited = zoe.clone();
    edited.name = "Zoë Müller-Okafor".into();
    edited.tags = vec!["go".into()];
    edited.roles = vec![Role::Organizer];
    edited.email_consent = false;
    edited.consent_on = None;
    let csv = format!("{GUILDHALL_HEADER}\n{}\n", export_line(&edited));
    assert_eq!(counts(&import(&ctx, csv.as_bytes())), (0, 1, 0, 0));
    let after = ctx.read(|c| members::get(c, &zoe.id)).unwrap();
    assert_eq!(after.name, "Zoë Müller-Okafor");
    assert_eq!(after.tags, vec!["data science", "go", "rust"]);
    assert_eq!(
        after.roles,
        vec![Role::Organizer, Role::Facilitator, Role::Volunteer]
    );
    assert_eq!((after.email_consent, after.consent_on), (false, None));
    assert_eq!(
        (&after.check_in_code, &after.created_at, after.source),
        (&zoe.check_in_code, &zoe.created_at, zoe.source)
    );
    assert!(after.updated_at > zoe.updated_at);
    assert_eq!(all(&ctx).len(), 1);
}

#[test]
fn a_guildhall_row_whose_check_in_code_is_taken_is_rejected_with_its_line() {
    let (_dir, ctx) = open();
    let first = Member {
        profile_url: None,
        ..zoe()
    };
    let second = Member {
        id: "mem_SECOND0000000000".into(),
        name: "Someone Else".into(),
        email: Some("else@example.org".into()),
        ..first.clone()
    };
    let csv = format!(
        "{GUILDHALL_HEADER}\n{}\n{}\n",
        export_line(&first),
        export_line(&second)
    );
    let report = import(&ctx, csv.as_bytes());
    assert_eq!(counts(&report), (1, 0, 0, 1));
    assert!(!report.committed);
    // Zoë's notes span two lines, so the second row starts on line 4.
    assert_eq!(report.rejected_rows[0].line, 4);
    assert!(
        report.rejected_rows[0].reason.contains("check-in code"),
        "{}",
        report.rejected_rows[0].reason
    );
    assert!(all(&ctx).is_empty());

    let skip = ImportOptions {
        skip_bad_rows: true,
        ..Default::default()
    };
    let report = try_import(&ctx, csv.as_bytes(), &skip).unwrap();
    assert_eq!((counts(&report), report.committed), ((1, 0, 0, 1), true));
    assert_eq!(all(&ctx).len(), 1);
    assert_eq!(all(&ctx)[0].id, first.id);
}
