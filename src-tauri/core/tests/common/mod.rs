//! Helpers shared by the integration tests: a database in a temp folder, members made through
//! the public API, and the fixed community the export tests are written against.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line
#![allow(dead_code)] // each test file uses some of them

use guildhall_core::members::{
    self, AudienceFilter, MailingListFormat, Member, MemberInput, PracticeLevel, Role,
};
use guildhall_core::Clock;
use guildhall_core::Context;

pub fn get(ctx: &Context, id: &str) -> Member {
    ctx.read(|c| members::get(c, id)).unwrap()
}

pub fn open() -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    (dir, ctx)
}

pub fn add(ctx: &Context, input: MemberInput) -> Member {
    ctx.write(|tx| members::create(tx, &input, &ctx.clock))
        .unwrap()
}

pub fn sql(ctx: &Context, statement: &str, id: &str) {
    ctx.write(|tx| Ok(tx.execute(statement, [id])?)).unwrap();
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
pub fn community(ctx: &Context) {
    add(
        ctx,
        MemberInput {
            phone: Some("+49 30 123456".into()),
            practice_level: Some(PracticeLevel::Expert),
            roles: vec![Role::Organizer, Role::Member],
            tags: vec!["Rust".into(), "data science".into()],
            ..mailable("Zoë van der Berg", "zoe@example.org")
        },
    );
    add(
        ctx,
        MemberInput {
            practice_level: Some(PracticeLevel::Practitioner),
            roles: vec![Role::Volunteer],
            tags: vec!["a;b".into(), "Écriture".into()],
            ..mailable("Aoife \"Fee\" O'Brien", "aoife@example.com")
        },
    );
    add(
        ctx,
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
    add(ctx, no_consent);
    let gone = add(ctx, mailable("Una Unsubscribed", "una@example.org"));
    sql(
        ctx,
        "UPDATE member SET unsubscribed_at = '2025-05-01T09:00:00Z' WHERE id = ?1",
        &gone.id,
    );
    let archived = add(ctx, mailable("Arlo Archived", "arlo@example.org"));
    ctx.write(|tx| members::archive(tx, &archived.id, &ctx.clock))
        .unwrap();
    add(
        ctx,
        MemberInput {
            name: "Nemo No-Email".into(),
            tags: vec!["rust".into()],
            ..Default::default()
        },
    );
    ctx.write(|tx| Ok(tx.execute("UPDATE member SET updated_at = '2025-04-01T10:00:00Z'", [])?))
        .unwrap();
}

pub fn export(ctx: &Context, filter: &AudienceFilter, format: MailingListFormat) -> (u32, String) {
    let mut out = Vec::new();
    let count = ctx
        .read(|c| members::mailing_list(c, filter, format, &mut out))
        .unwrap();
    (count, String::from_utf8(out).unwrap())
}

pub fn everyone(ctx: &Context, format: MailingListFormat) -> String {
    let (count, text) = export(ctx, &AudienceFilter::default(), format);
    assert_eq!(count, 3, "{format:?}");
    text
}
