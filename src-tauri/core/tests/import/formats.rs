//! Each kind of export is recognised from its headers and its columns land in the right fields.

use guildhall_core::members::import::{ImportFormat, ImportOptions, MemberField, RejectedRow};
use guildhall_core::members::{self, MemberQuery, MemberSource, PracticeLevel, Role};

use crate::{all, by_name, counts, field_of, fixture, import, open, preview, try_import};

#[test]
fn meetup_members_are_recognised_by_their_profile_url() {
    let (_dir, ctx) = open();
    let bytes = fixture("meetup.csv");
    let p = preview(&ctx, &bytes);
    assert_eq!(p.format, ImportFormat::Meetup);
    assert_eq!((p.encoding.as_str(), p.delimiter.as_str()), ("UTF-8", ","));
    assert_eq!((p.total_rows, p.rows.len(), p.needs_mapping), (3, 3, false));
    assert_eq!(field_of(&p, "Name"), Some(MemberField::Name));
    assert_eq!(
        field_of(&p, "URL of Member Profile"),
        Some(MemberField::ProfileUrl)
    );
    assert_eq!(field_of(&p, "Joined Group on"), Some(MemberField::JoinedOn));
    assert!(p.ignored_columns.contains(&"Location".to_string()));
    assert!(p.ignored_columns.contains(&"Intro".to_string()));
    assert_eq!(p.rows[0][4], "London, United Kingdom");

    let report = import(&ctx, &bytes);
    assert_eq!(counts(&report), (3, 0, 0, 0));
    assert!(report.committed);
    assert_eq!(report.format, ImportFormat::Meetup);
    let grace = by_name(&ctx, "Grace Hopper");
    assert_eq!(grace.source, MemberSource::Meetup);
    assert_eq!(
        grace.profile_url.as_deref(),
        Some("https://www.meetup.com/rust-guild/members/102/")
    );
    assert_eq!(grace.joined_on.as_deref(), Some("2019-03-14"));
    assert_eq!((grace.email, grace.email_consent), (None, false));
    assert_eq!(
        by_name(&ctx, "Zoë Müller").joined_on.as_deref(),
        Some("2021-09-02")
    );

    // The same export again: the same three people, nothing new, nothing changed.
    assert_eq!(counts(&import(&ctx, &bytes)), (0, 0, 3, 0));
    assert_eq!(all(&ctx).len(), 3);

    // A later export: Grace renamed herself and the URL lost its slash; she is still Grace.
    let later = String::from_utf8(bytes)
        .unwrap()
        .replace("Grace Hopper", "Grace B. Hopper")
        .replace("members/102/", "members/102");
    assert_eq!(counts(&import(&ctx, later.as_bytes())), (0, 1, 2, 0));
    let grace_again = by_name(&ctx, "Grace B. Hopper");
    assert_eq!(grace_again.id, grace.id);
    assert_eq!(grace_again.check_in_code, grace.check_in_code);
    assert_eq!(all(&ctx).len(), 3);
}

#[test]
fn eventbrite_attendees_join_first_and_last_name() {
    let (_dir, ctx) = open();
    let bytes = fixture("eventbrite.csv");
    let p = preview(&ctx, &bytes);
    assert_eq!(p.format, ImportFormat::Eventbrite);
    assert_eq!(field_of(&p, "First Name"), Some(MemberField::FirstName));
    assert_eq!(field_of(&p, "Last Name"), Some(MemberField::LastName));
    assert_eq!(field_of(&p, "Email"), Some(MemberField::Email));
    // A custom question that is plainly a phone number is taken as one.
    assert_eq!(field_of(&p, "Cell Phone"), Some(MemberField::Phone));
    assert!(p.ignored_columns.contains(&"Ticket Type".to_string()));
    assert!(p
        .ignored_columns
        .contains(&"What do you want to learn?".to_string()));

    // Ada bought two tickets: her second row is the same person, not a second member.
    let report = import(&ctx, &bytes);
    assert_eq!(counts(&report), (3, 0, 1, 0));
    let ada = by_name(&ctx, "Ada Lovelace");
    assert_eq!(ada.email.as_deref(), Some("ada@example.org"));
    assert_eq!(ada.phone.as_deref(), Some("+1 555 0100"));
    assert_eq!(ada.joined_on.as_deref(), Some("2024-03-01"));
    assert_eq!(ada.source, MemberSource::Eventbrite);
    assert!(!ada.email_consent, "consent is never assumed");
    assert_eq!(
        by_name(&ctx, "Grace Hopper").email.as_deref(),
        Some("GRACE@example.org")
    );
    assert_eq!(counts(&import(&ctx, &bytes)), (0, 0, 4, 0));
    assert_eq!(all(&ctx).len(), 3);
}

#[test]
fn luma_guests_with_and_without_a_full_name() {
    let (_dir, ctx) = open();
    let bytes = fixture("luma.csv");
    let p = preview(&ctx, &bytes);
    assert_eq!(p.format, ImportFormat::Luma);
    assert_eq!(field_of(&p, "phone_number"), Some(MemberField::Phone));
    assert_eq!(field_of(&p, "created_at"), Some(MemberField::JoinedOn));
    assert!(p.ignored_columns.contains(&"approval_status".to_string()));

    assert_eq!(counts(&import(&ctx, &bytes)), (3, 0, 0, 0));
    let kwame = by_name(&ctx, "Kwame Mensah");
    assert_eq!(kwame.source, MemberSource::Luma);
    assert_eq!(kwame.joined_on.as_deref(), Some("2024-02-03"));
    let amara = by_name(&ctx, "Amara Okafor");
    assert_eq!(amara.phone.as_deref(), Some("+44 7700 900123"));
    assert_eq!(counts(&import(&ctx, &bytes)), (0, 0, 3, 0));
}

#[test]
fn a_semicolon_spreadsheet_is_guessed_from_its_header_names() {
    let (_dir, ctx) = open();
    let bytes = fixture("generic_semicolon.csv");
    let p = preview(&ctx, &bytes);
    assert_eq!(
        (p.format, p.delimiter.as_str()),
        (ImportFormat::Generic, ";")
    );
    let fields: Vec<_> = p.mapping.iter().map(|m| m.field).collect();
    assert_eq!(
        fields,
        vec![
            Some(MemberField::Name),
            Some(MemberField::Email),
            Some(MemberField::Phone),
            Some(MemberField::Tags),
            Some(MemberField::JoinedOn),
            Some(MemberField::Notes),
            None,
        ]
    );
    assert_eq!(p.ignored_columns, vec!["Shoe size"]);
    assert!(!p.needs_mapping && !p.remembered_mapping);

    assert_eq!(counts(&import(&ctx, &bytes)), (2, 0, 0, 0));
    let elodie = by_name(&ctx, "Élodie Dubois");
    assert_eq!(elodie.tags, vec!["accessibility", "design"]);
    assert_eq!(elodie.notes, "Runs the design clinic");
    assert_eq!(elodie.joined_on.as_deref(), Some("2022-09-01"));
    assert_eq!(elodie.source, MemberSource::Csv);
    assert!(!elodie.email_consent);
    let tomasz = by_name(&ctx, "Tomasz Kowalski");
    assert_eq!(tomasz.tags, vec!["databases", "rust"]);
    assert_eq!(tomasz.joined_on.as_deref(), Some("2023-01-20"));
    assert_eq!(tomasz.phone, None);
}

#[test]
fn a_tab_separated_file_with_first_and_last_names_levels_and_roles() {
    let (_dir, ctx) = open();
    let bytes = fixture("tab.tsv");
    let p = preview(&ctx, &bytes);
    assert_eq!(
        (p.format, p.delimiter.as_str()),
        (ImportFormat::Generic, "\t")
    );
    assert_eq!(field_of(&p, "Level"), Some(MemberField::PracticeLevel));
    assert_eq!(counts(&import(&ctx, &bytes)), (2, 0, 0, 0));
    let ravi = by_name(&ctx, "Ravi Iyer");
    assert_eq!(ravi.practice_level, PracticeLevel::Expert);
    assert_eq!(ravi.roles, vec![Role::Facilitator]);
    let ingrid = by_name(&ctx, "Ingrid Larsen");
    assert_eq!(ingrid.practice_level, PracticeLevel::Newcomer);
    assert_eq!(ingrid.email.as_deref(), Some("ingrid@example.org"));
}

#[test]
fn utf16_and_windows_1252_files_read_correctly() {
    let (_dir, ctx) = open();
    let bytes = fixture("utf16le.csv");
    assert_eq!(preview(&ctx, &bytes).encoding, "UTF-16LE");
    assert_eq!(counts(&import(&ctx, &bytes)), (2, 0, 0, 0));
    assert_eq!(
        by_name(&ctx, "Łukasz Nowak").email.as_deref(),
        Some("lukasz@example.org")
    );

    let bytes = fixture("windows1252.csv");
    let p = preview(&ctx, &bytes);
    assert_eq!(
        (p.encoding.as_str(), p.delimiter.as_str()),
        ("windows-1252", ";")
    );
    assert_eq!(
        p.rows[0],
        vec!["Jürgen Müller", "juergen@example.de", "Köln"]
    );
    assert_eq!(counts(&import(&ctx, &bytes)), (2, 0, 0, 0));
    let query = MemberQuery {
        text: "muller".into(),
        ..Default::default()
    };
    let found = ctx
        .read(|c| members::list(&ctx.search, c, &query))
        .unwrap()
        .members;
    let names: Vec<_> = found.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["Jürgen Müller", "Zoë Müller"]);
    by_name(&ctx, "François Ménard");
}

#[test]
fn quoted_multi_line_fields_and_line_numbers_of_rejected_rows() {
    let (_dir, ctx) = open();
    let bytes = fixture("multiline.csv");
    let p = preview(&ctx, &bytes);
    assert_eq!(p.total_rows, 4);
    assert_eq!(p.rows[0][0], "Lovelace, Ada");
    assert_eq!(p.rows[0][2], "First line\nsecond line with \"quotes\"");

    // The bad row starts on line 5 of the file (the first record spans lines 2 and 3).
    let report = import(&ctx, &bytes);
    assert!(!report.committed);
    assert_eq!(report.rejected_rows.len(), 1);
    let RejectedRow { line, reason } = &report.rejected_rows[0];
    assert_eq!(*line, 5);
    assert!(reason.contains("not an email address"), "{reason}");
    assert!(all(&ctx).is_empty());

    let options = ImportOptions {
        skip_bad_rows: true,
        ..Default::default()
    };
    let report = try_import(&ctx, &bytes, &options).unwrap();
    assert_eq!(counts(&report), (3, 0, 0, 1));
    assert!(report.committed);
    assert_eq!(
        by_name(&ctx, "Lovelace, Ada").notes,
        "First line\nsecond line with \"quotes\""
    );
    assert_eq!(by_name(&ctx, "Grace Hopper").notes, "a \"quoted\" word");
}
