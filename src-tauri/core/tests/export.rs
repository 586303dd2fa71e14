//! Mailing lists end to end: who is on one, each CSV-like format byte for byte, formula
//! neutralising, and the full backup, on real SQLite files in a temp folder.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{add, community, everyone, export, mailable, open, sql};
use guildhall_core::members::export::{neutralise_formula, unguard_formula};
use guildhall_core::members::{
    self, AudienceFilter, MailingListFormat, MemberInput, PracticeLevel, Role,
};

const ALL_FORMATS: [MailingListFormat; 5] = [
    MailingListFormat::Csv,
    MailingListFormat::Mailchimp,
    MailingListFormat::Listmonk,
    MailingListFormat::Plain,
    MailingListFormat::Vcard,
];

#[test]
fn only_consenting_active_members_with_an_email_are_ever_listed() {
    let (_dir, ctx) = open();
    community(&ctx);
    for format in ALL_FORMATS {
        let text = everyone(&ctx, format);
        for never in ["nora@", "una@", "arlo@", "Nemo", "PRIVATE NOTE"] {
            assert!(!text.contains(never), "{format:?} lists {never}:\n{text}");
        }
        for always in ["aoife@example.com", "mei@example.net", "zoe@example.org"] {
            assert!(text.contains(always), "{format:?} misses {always}");
        }
    }
}

#[test]
fn filters_match_any_tag_and_the_role_and_the_level() {
    let (_dir, ctx) = open();
    community(&ctx);
    let plain = |tags: &[&str], role, level| {
        let filter = AudienceFilter {
            tags: tags.iter().map(|t| t.to_string()).collect(),
            role,
            level,
        };
        export(&ctx, &filter, MailingListFormat::Plain)
    };
    // "rust" is also Nemo's tag, but Nemo has no email.
    assert_eq!(
        plain(&["rust"], None, None),
        (1, "zoe@example.org\n".into())
    );
    assert_eq!(
        plain(&[" RUST ", "A;B"], None, None),
        (2, "aoife@example.com, zoe@example.org\n".into())
    );
    assert_eq!(
        plain(&[], Some(Role::Volunteer), None),
        (1, "aoife@example.com\n".into())
    );
    assert_eq!(
        plain(&[], Some(Role::Member), None),
        (2, "mei@example.net, zoe@example.org\n".into())
    );
    assert_eq!(
        plain(&[], None, Some(PracticeLevel::Newcomer)),
        (1, "mei@example.net\n".into())
    );
    assert_eq!(
        plain(
            &["rust", "a;b"],
            Some(Role::Organizer),
            Some(PracticeLevel::Expert)
        ),
        (1, "zoe@example.org\n".into())
    );
    assert_eq!(
        plain(&["rust"], None, Some(PracticeLevel::Newcomer)),
        (0, String::new())
    );

    let nobody = AudienceFilter {
        tags: vec!["nobody has this".into()],
        ..Default::default()
    };
    let (count, csv) = export(&ctx, &nobody, MailingListFormat::Csv);
    assert_eq!(
        (count, csv.as_str()),
        (
            0,
            "\"email\",\"name\",\"first_name\",\"last_name\",\"tags\"\r\n"
        )
    );
}

#[test]
fn csv_is_rfc_4180() {
    let (_dir, ctx) = open();
    community(&ctx);
    assert_eq!(
        everyone(&ctx, MailingListFormat::Csv),
        "\"email\",\"name\",\"first_name\",\"last_name\",\"tags\"\r\n\
         \"aoife@example.com\",\"Aoife \"\"Fee\"\" O'Brien\",\"Aoife \"\"Fee\"\"\",\"O'Brien\",\"a;b, écriture\"\r\n\
         \"mei@example.net\",\"Chen, Mei; Dr\",\"Chen, Mei;\",\"Dr\",\"\"\r\n\
         \"zoe@example.org\",\"Zoë van der Berg\",\"Zoë van der\",\"Berg\",\"data science, rust\"\r\n"
    );
}

#[test]
fn mailchimp_uses_its_column_names_and_one_tags_field() {
    let (_dir, ctx) = open();
    community(&ctx);
    assert_eq!(
        everyone(&ctx, MailingListFormat::Mailchimp),
        "\"Email Address\",\"First Name\",\"Last Name\",\"Tags\"\r\n\
         \"aoife@example.com\",\"Aoife \"\"Fee\"\"\",\"O'Brien\",\"a;b,écriture\"\r\n\
         \"mei@example.net\",\"Chen, Mei;\",\"Dr\",\"\"\r\n\
         \"zoe@example.org\",\"Zoë van der\",\"Berg\",\"data science,rust\"\r\n"
    );
}

#[test]
fn listmonk_puts_tags_level_and_roles_in_json_attributes() {
    let (_dir, ctx) = open();
    community(&ctx);
    let text = everyone(&ctx, MailingListFormat::Listmonk);
    assert_eq!(
        text,
        "\"email\",\"name\",\"attributes\"\r\n\
         \"aoife@example.com\",\"Aoife \"\"Fee\"\" O'Brien\",\"{\"\"tags\"\":[\"\"a;b\"\",\"\"écriture\"\"],\"\"level\"\":\"\"practitioner\"\",\"\"roles\"\":[\"\"volunteer\"\"]}\"\r\n\
         \"mei@example.net\",\"Chen, Mei; Dr\",\"{\"\"tags\"\":[],\"\"level\"\":\"\"newcomer\"\",\"\"roles\"\":[\"\"member\"\"]}\"\r\n\
         \"zoe@example.org\",\"Zoë van der Berg\",\"{\"\"tags\"\":[\"\"data science\"\",\"\"rust\"\"],\"\"level\"\":\"\"expert\"\",\"\"roles\"\":[\"\"organizer\"\",\"\"member\"\"]}\"\r\n"

    );
    // And a CSV reader gets valid JSON back.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for row in reader.records() {
        let json: serde_json::Value = serde_json::from_str(&row.unwrap()[2]).unwrap();
        assert!(json["tags"].is_array() && json["level"].is_string());
    }
}

#[test]
fn plain_is_one_line_for_bcc() {
    let (_dir, ctx) = open();
    community(&ctx);
    assert_eq!(
        everyone(&ctx, MailingListFormat::Plain),
        "aoife@example.com, mei@example.net, zoe@example.org\n"
    );
}

#[test]
fn spreadsheet_formulas_are_neutralised_in_every_csv_we_write() {
    let (_dir, ctx) = open();
    add(
        &ctx,
        MemberInput {
            tags: vec!["-minus".into(), "@home".into()],
            notes: "=1+1".into(),
            ..mailable(
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "+1@example.org",
            )
        },
    );
    add(
        &ctx,
        MemberInput {
            // `;` as the spreadsheet's separator must not split a formula off a name.
            notes: "'=already quoted by the member".into(),
            ..mailable("Ada;=1+1", "ada@example.org")
        },
    );
    let (_, csv) = export(&ctx, &AudienceFilter::default(), MailingListFormat::Csv);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[1],
        "\"'+1@example.org\",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\
         \"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"\",\"'-minus, @home\""
    );
    assert_eq!(
        lines[2],
        "\"ada@example.org\",\"Ada;=1+1\",\"Ada;=1+1\",\"\",\"\""
    );
    let (_, mailchimp) = export(
        &ctx,
        &AudienceFilter::default(),
        MailingListFormat::Mailchimp,
    );
    assert_eq!(
        mailchimp.lines().nth(1).unwrap(),
        "\"'+1@example.org\",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"\",\"'-minus,@home\""
    );
    let (_, listmonk) = export(
        &ctx,
        &AudienceFilter::default(),
        MailingListFormat::Listmonk,
    );
    assert!(listmonk.contains("\r\n\"'+1@example.org\",\"'=HYPERLINK("));
    for cell in ["=", "+", "-", "@", "\t", "\r"] {
        let value = format!("{cell}x");
        assert_eq!(neutralise_formula(&value), format!("'{value}"));
        assert_eq!(unguard_formula(&neutralise_formula(&value)), value);
    }
    assert_eq!(neutralise_formula("a=b"), "a=b");
    // A member's own leading quote before a formula start gets one more, so taking the guard
    // off gives back exactly what they typed; a quote before plain text is left alone.
    assert_eq!(neutralise_formula("'=x"), "''=x");
    assert_eq!(unguard_formula("''=x"), "'=x");
    assert_eq!(neutralise_formula("'tis"), "'tis");
    assert_eq!(unguard_formula("'tis"), "'tis");

    // The backup is neutralised too, and Guildhall's importer takes the guard off again (the
    // round trip is in round_trip.rs).
    let mut out = Vec::new();
    ctx.read(|c| members::all_members_csv(c, &mut out)).unwrap();
    let backup = String::from_utf8(out).unwrap();
    assert!(backup
        .contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"'+1@example.org\","));
    assert!(backup.contains(",\"'-minus, @home\",") && backup.contains(",\"'=1+1\","));
    assert!(backup.contains(",\"''=already quoted by the member\","));
    let mut reader = csv::Reader::from_reader(backup.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run as a formula"
            );
        }
    }
}

#[test]
fn the_backup_has_every_member_and_every_field() {
    let (_dir, ctx) = open();
    let m = add(
        &ctx,
        MemberInput {
            name: "Zoë van der Berg".into(),
            email: Some("Zoe@Example.org".into()),
            phone: Some("+49 30 123456".into()),
            practice_level: Some(PracticeLevel::Expert),
            roles: vec![Role::Volunteer, Role::Facilitator],
            tags: vec!["rust".into(), "a;b".into()],
            email_consent: true,
            consent_on: Some("2025-03-01".into()),
            joined_on: Some("2024-11-05".into()),
            notes: "Brings the projector,\nand \"good\" coffee.".into(),
        },
    );
    sql(
        &ctx,
        "UPDATE member SET unsubscribed_at = '2025-05-01T09:00:00Z',
                profile_url = 'https://www.meetup.com/members/42/', source = 'meetup',
                created_at = '2024-11-05T18:00:00Z', updated_at = '2025-05-01T09:00:00Z',
                archived_at = '2025-06-01T12:00:00Z'
         WHERE id = ?1",
        &m.id,
    );
    add(
        &ctx,
        MemberInput {
            name: "Ada".into(),
            ..Default::default()
        },
    );

    let mut out = Vec::new();
    let count = ctx.read(|c| members::all_members_csv(c, &mut out)).unwrap();
    assert_eq!(count, 2, "archived members are in the backup");
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.split_inclusive("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "\"id\",\"name\",\"email\",\"phone\",\"practice_level\",\"roles\",\"tags\",\
         \"email_consent\",\"consent_on\",\"unsubscribed_at\",\"joined_on\",\"source\",\
         \"profile_url\",\"notes\",\"check_in_code\",\"created_at\",\"updated_at\",\
         \"archived_at\"\r\n"
    );
    assert!(lines
        .next()
        .unwrap()
        .contains(",\"Ada\",\"\",\"\",\"newcomer\",\"\",\"\",\"no\",\"\",\"\","));
    assert_eq!(
        lines.collect::<String>(),
        format!(
            "\"{}\",\"Zoë van der Berg\",\"Zoe@Example.org\",\"'+49 30 123456\",\"expert\",\
             \"facilitator, volunteer\",\"a;b, rust\",\"yes\",\"2025-03-01\",\
             \"2025-05-01T09:00:00Z\",\"2024-11-05\",\"meetup\",\
             \"https://www.meetup.com/members/42/\",\"Brings the projector,\nand \"\"good\"\" coffee.\",\
             \"{}\",\"2024-11-05T18:00:00Z\",\"2025-05-01T09:00:00Z\",\"2025-06-01T12:00:00Z\"\r\n",
            m.id, m.check_in_code
        )
    );
    // What a CSV reader gets back is what was stored.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().nth(1).unwrap().unwrap();
    assert_eq!(&row[13], "Brings the projector,\nand \"good\" coffee.");
    assert_eq!(row.len(), 18);
}
