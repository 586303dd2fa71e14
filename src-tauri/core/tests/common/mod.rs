//! Helpers shared by the integration tests: a database in a temp folder, members made through
//! the public API, and the fixed community the export tests are written against.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line
#![allow(dead_code)] // each test file uses some of them

use guildhall_core::members::{
    self, AudienceFilter, MailingListFormat, Member, MemberInput, PracticeLevel, Role,
};
use guildhall_core::Database;

pub fn get(db: &Database, id: &str) -> Member {
    db.read(|c| members::get(c, id)).unwrap()
}

pub fn open() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_in(dir.path()).unwrap();
    (dir, db)
}

pub fn add(db: &Database, input: MemberInput) -> Member {
    db.write(|tx| members::create(tx, &input)).unwrap()
}

pub fn sql(db: &Database, statement: &str, id: &str) {
    db.write(|tx| Ok(tx.execute(statement, [id])?)).unwrap();
}

pub fn mailable(name: &str, email: &str) -> MemberInput {
    MemberInput {
        name: name.into(),
        email: Some(email.into()),
        email_consent: true,
        consent_on: Some("2025-03-01".into()),
        notes: "PRIVATE NOTE never in a list".into(),
        ..Default::default()
    }
}

/// Three members who may be mailed, four who may never be, fixed `updated_at` for REV.
pub fn community(db: &Database) {
    add(
        db,
        MemberInput {
            phone: Some("+49 30 123456".into()),
            practice_level: Some(PracticeLevel::Expert),
            roles: vec![Role::Organizer, Role::Member],
            tags: vec!["Rust".into(), "data science".into()],
            ..mailable("Zoë van der Berg", "zoe@example.org")
        },
    );
    add(
        db,
        MemberInput {
            practice_level: Some(PracticeLevel::Practitioner),
            roles: vec![Role::Volunteer],
            tags: vec!["a;b".into(), "Écriture".into()],
            ..mailable("Aoife \"Fee\" O'Brien", "aoife@example.com")
        },
    );
    add(
        db,
        MemberInput {
            roles: vec![Role::Member],
            ..mailable("Chen, Mei; Dr", "mei@example.net")
        },
    );
    // Never on a list: no consent, unsubscribed, archived, no email.
    let no_consent = MemberInput {
        email_consent: false,
        consent_on: None,
        ..mailable("Nora No-Consent", "nora@example.org")
    };
    add(db, no_consent);
    let gone = add(db, mailable("Una Unsubscribed", "una@example.org"));
    sql(
        db,
        "UPDATE member SET unsubscribed_at = '2025-05-01T09:00:00Z' WHERE id = ?1",
        &gone.id,
    );
    let archived = add(db, mailable("Arlo Archived", "arlo@example.org"));
    db.write(|tx| members::archive(tx, &archived.id)).unwrap();
    add(
        db,
        MemberInput {
            name: "Nemo No-Email".into(),
            tags: vec!["rust".into()],
            ..Default::default()
        },
    );
    db.write(|tx| Ok(tx.execute("UPDATE member SET updated_at = '2025-04-01T10:00:00Z'", [])?))
        .unwrap();
}

pub fn export(db: &Database, filter: &AudienceFilter, format: MailingListFormat) -> (u32, String) {
    let mut out = Vec::new();
    let count = db
        .read(|c| members::mailing_list(c, filter, format, &mut out))
        .unwrap();
    (count, String::from_utf8(out).unwrap())
}

pub fn everyone(db: &Database, format: MailingListFormat) -> String {
    let (count, text) = export(db, &AudienceFilter::default(), format);
    assert_eq!(count, 3, "{format:?}");
    text
}
