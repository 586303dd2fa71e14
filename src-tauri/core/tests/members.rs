//! Members end to end through the core, on real SQLite files in a temp folder.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use guildhall_core::members::{self, demo, MemberInput, MemberQuery, PracticeLevel, Role};
use guildhall_core::Clock;
use guildhall_core::{Context, CoreError};

fn open() -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    (dir, ctx)
}

fn input(name: &str, email: Option<&str>) -> MemberInput {
    MemberInput {
        name: name.into(),
        email: email.map(Into::into),
        ..Default::default()
    }
}

fn search(ctx: &Context, text: &str) -> Vec<String> {
    let query = MemberQuery {
        text: text.into(),
        ..Default::default()
    };
    ctx.read(|c| members::list(&ctx.search, c, &query))
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.name)
        .collect()
}

#[test]
fn create_then_read_back_every_field() {
    let (_dir, ctx) = open();
    let created = ctx
        .write(|tx| {
            members::create(
                tx,
                &MemberInput {
                    name: " Zoë  Müller ".into(),
                    email: Some("Zoe@Example.org".into()),
                    phone: Some("+49 30 123456".into()),
                    practice_level: Some(PracticeLevel::Expert),
                    roles: vec![Role::Volunteer, Role::Facilitator],
                    tags: vec!["Rust".into(), "mentoring".into()],
                    email_consent: true,
                    consent_on: Some("2025-03-01".into()),
                    joined_on: Some("2024-11-05".into()),
                    notes: "Brings the projector.".into(),
                },
                &ctx.clock,
            )
        })
        .unwrap();
    assert_eq!(created.name, "Zoë Müller");
    assert_eq!(created.email.as_deref(), Some("Zoe@Example.org"));
    assert_eq!(created.roles, vec![Role::Facilitator, Role::Volunteer]);
    assert_eq!(created.tags, vec!["mentoring", "rust"]);
    assert_eq!(created.consent_on.as_deref(), Some("2025-03-01"));
    assert_eq!(created.joined_on.as_deref(), Some("2024-11-05"));
    assert!(created.id.starts_with("mem_"));
    assert_eq!(created.check_in_code.len(), 24);
    assert_eq!(created.created_at, created.updated_at);

    // A second connection (a fresh open of the same file) sees the same member.
    drop(ctx);
    let ctx = Context::open_in(_dir.path(), Clock::system()).unwrap();
    let again = ctx.read(|c| members::get(c, &created.id)).unwrap();
    assert_eq!(again, created);
}

#[test]
fn emails_are_unique_case_insensitively_and_nothing_changes_on_refusal() {
    let (_dir, ctx) = open();
    let ada = ctx
        .write(|tx| members::create(tx, &input("Ada", Some("ada@example.org")), &ctx.clock))
        .unwrap();
    let err = ctx
        .write(|tx| {
            members::create(
                tx,
                &input("Imposter", Some("  ADA@example.ORG")),
                &ctx.clock,
            )
        })
        .unwrap_err();
    match err {
        CoreError::DuplicateEmail {
            existing_id,
            existing_name,
            ..
        } => {
            assert_eq!(existing_id, ada.id);
            assert_eq!(existing_name, "Ada");
        }
        other => panic!("expected DuplicateEmail, got {other:?}"),
    }
    let grace = ctx
        .write(|tx| members::create(tx, &input("Grace", Some("grace@example.org")), &ctx.clock))
        .unwrap();
    let err = ctx
        .write(|tx| {
            members::update(
                tx,
                &grace.id,
                &input("Grace Hopper", Some("Ada@Example.org")),
                &ctx.clock,
            )
        })
        .unwrap_err();
    assert!(matches!(err, CoreError::DuplicateEmail { .. }));
    let unchanged = ctx.read(|c| members::get(c, &grace.id)).unwrap();
    assert_eq!(unchanged, grace);
    // Members without email do not collide with each other.
    ctx.write(|tx| members::create(tx, &input("No Mail 1", None), &ctx.clock))
        .unwrap();
    ctx.write(|tx| members::create(tx, &input("No Mail 2", None), &ctx.clock))
        .unwrap();
}

#[test]
fn a_database_constraint_backs_up_the_duplicate_check() {
    let (_dir, ctx) = open();
    ctx.write(|tx| members::create(tx, &input("Ada", Some("ada@example.org")), &ctx.clock))
        .unwrap();
    let err = ctx
        .write(|tx| {
            tx.execute(
                "INSERT INTO member (id, name, email, email_key, check_in_code, name_key, search_text, created_at, updated_at)
                 VALUES ('mem_X', 'X', 'ADA@example.org', 'ada@example.org', 'C', 'x', 'x', 'now', 'now')",
                [],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("UNIQUE"), "{err}");
}

#[test]
fn update_keeps_identity_and_moves_updated_at_forward() {
    let (_dir, ctx) = open();
    let ada = ctx
        .write(|tx| members::create(tx, &input("Ada", Some("ada@example.org")), &ctx.clock))
        .unwrap();
    let mut edit = input("Ada Lovelace", Some("ada@example.org"));
    edit.email_consent = true;
    edit.tags = vec!["math".into()];
    let updated = ctx
        .write(|tx| members::update(tx, &ada.id, &edit, &ctx.clock))
        .unwrap();
    assert_eq!(updated.id, ada.id);
    assert_eq!(updated.check_in_code, ada.check_in_code);
    assert_eq!(updated.created_at, ada.created_at);
    assert_eq!(updated.joined_on, ada.joined_on);
    assert!(updated.updated_at >= ada.updated_at);
    assert_eq!(updated.name, "Ada Lovelace");
    assert_eq!(updated.tags, vec!["math"]);
    assert!(
        updated.consent_on.is_some(),
        "consent given today gets today's date"
    );

    edit.email_consent = false;
    let withdrawn = ctx
        .write(|tx| members::update(tx, &ada.id, &edit, &ctx.clock))
        .unwrap();
    assert_eq!(withdrawn.consent_on, None);

    let err = ctx
        .write(|tx| members::update(tx, "mem_missing", &edit, &ctx.clock))
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound { .. }));
}

#[test]
fn search_as_you_type_ignores_accents_and_case_and_matches_tags_and_email() {
    let (_dir, ctx) = open();
    for (name, email, tag) in [
        ("Zoë Müller", "zoe@example.org", "rust"),
        ("Jonas Becker", "jb@example.com", "design"),
        ("Amara Okafor", "amara@example.net", "data science"),
        ("100% Pure_Name", "pure@example.net", "odd"),
    ] {
        let mut i = input(name, Some(email));
        i.tags = vec![tag.into()];
        ctx.write(|tx| members::create(tx, &i, &ctx.clock)).unwrap();
    }
    assert_eq!(search(&ctx, "zoe"), vec!["Zoë Müller"]);
    assert_eq!(search(&ctx, "MULLER"), vec!["Zoë Müller"]);
    assert_eq!(search(&ctx, "mül"), vec!["Zoë Müller"]);
    assert_eq!(
        search(&ctx, "zo"),
        vec!["Zoë Müller"],
        "short words match name starts"
    );
    assert_eq!(
        search(&ctx, "mu"),
        Vec::<String>::new(),
        "…not the middle of a name"
    );
    assert_eq!(search(&ctx, "jonas be"), vec!["Jonas Becker"]);
    assert_eq!(search(&ctx, "example.com"), vec!["Jonas Becker"]);
    assert_eq!(search(&ctx, "data sci"), vec!["Amara Okafor"]);
    assert_eq!(search(&ctx, "design jonas"), vec!["Jonas Becker"]);
    assert_eq!(
        search(&ctx, "0%"),
        Vec::<String>::new(),
        "% is not a wildcard"
    );
    assert_eq!(search(&ctx, "100%"), vec!["100% Pure_Name"]);
    assert_eq!(search(&ctx, "e_n"), vec!["100% Pure_Name"]);
    assert_eq!(
        search(&ctx, "pure e_"),
        vec!["100% Pure_Name"],
        "_ is not a wildcard"
    );
    assert_eq!(search(&ctx, "pure x_"), Vec::<String>::new());
    assert_eq!(
        search(&ctx, r#"pure" OR "jonas"#),
        Vec::<String>::new(),
        "typed text is not FTS syntax"
    );
    assert!(search(&ctx, "nobody").is_empty());
    assert_eq!(search(&ctx, "").len(), 4);
}

#[test]
fn archive_hides_restore_undoes_delete_erases() {
    let (_dir, ctx) = open();
    let ada = ctx
        .write(|tx| members::create(tx, &input("Ada", None), &ctx.clock))
        .unwrap();
    let archived = ctx
        .write(|tx| members::archive(tx, &ada.id, &ctx.clock))
        .unwrap();
    assert!(archived.archived_at.is_some());
    assert!(search(&ctx, "ada").is_empty());
    let all = ctx
        .read(|c| {
            members::list(
                &ctx.search,
                c,
                &MemberQuery {
                    text: "ada".into(),
                    include_archived: true,
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(all.total, 1);
    let counts = ctx.read(members::counts).unwrap();
    assert_eq!((counts.active, counts.archived), (0, 1));

    let restored = ctx
        .write(|tx| members::restore(tx, &ada.id, &ctx.clock))
        .unwrap();
    assert_eq!(restored.archived_at, None);
    assert_eq!(search(&ctx, "ada"), vec!["Ada"]);

    ctx.write(|tx| members::delete(tx, &ada.id, &ctx.clock))
        .unwrap();
    assert!(search(&ctx, "ada").is_empty());
    let leftovers: i64 = ctx
        .read(|c| Ok(c.query_row("SELECT count(*) FROM member_role", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(leftovers, 0);
    let err = ctx
        .write(|tx| members::delete(tx, &ada.id, &ctx.clock))
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound { .. }));
}

#[test]
fn validation_errors_name_their_field_and_write_nothing() {
    let (_dir, ctx) = open();
    let err = ctx
        .write(|tx| members::create(tx, &input("Ada", Some("not-an-email")), &ctx.clock))
        .unwrap_err();
    assert!(
        matches!(err, CoreError::Validation { field: "email", .. }),
        "{err:?}"
    );
    assert_eq!(
        ctx.read(|c| members::list(&ctx.search, c, &MemberQuery::default()))
            .unwrap()
            .total,
        0
    );
}

#[test]
fn demo_community_loads_once_and_leaves_real_members_when_removed() {
    let (_dir, ctx) = open();
    // A real member who happens to use one of the demo addresses keeps it.
    let first_demo_email = demo::community().into_iter().find_map(|m| m.email).unwrap();
    let real = ctx
        .write(|tx| {
            members::create(
                tx,
                &input("Real Person", Some(&first_demo_email)),
                &ctx.clock,
            )
        })
        .unwrap();

    let status = ctx
        .write(|tx| guildhall_core::demo::load(tx, &ctx.clock))
        .unwrap();
    assert_eq!(status.demo_members as usize, demo::DEMO_SIZE);
    assert_eq!(status.own_members, 1);
    assert_eq!(
        ctx.write(|tx| guildhall_core::demo::load(tx, &ctx.clock))
            .unwrap(),
        status,
        "loading twice adds nothing"
    );
    assert!(search(&ctx, "zoe").len() >= 2, "the demo has a few Zoës");

    let status = ctx.write(guildhall_core::demo::remove).unwrap();
    assert_eq!((status.demo_members, status.own_members), (0, 1));
    assert_eq!(ctx.read(|c| members::get(c, &real.id)).unwrap(), real);
}

#[test]
fn what_a_member_typed_cannot_drive_a_terminal_or_hide_a_second_address() {
    let (_dir, ctx) = open();
    let add = |name: &str, email: &str| {
        ctx.write(|tx| {
            members::create(
                tx,
                &MemberInput {
                    name: name.into(),
                    email: Some(email.into()),
                    ..Default::default()
                },
                &ctx.clock,
            )
        })
    };
    let eve = add("Eve\u{1b}[2J\u{7} \u{202e}Smith", "eve@example.org").unwrap();
    assert_eq!(eve.name, "Eve[2J Smith");
    // Invisible characters in an address are refused; a full-width copy is the same address.
    for hidden in ["e\u{200b}ve@example.org", "eve\u{202e}@example.org"] {
        let err = add("Other", hidden).unwrap_err();
        assert!(
            err.to_string().contains("invisible character"),
            "{hidden:?}: {err}"
        );
    }
    let err = add("Eve again", "\u{ff45}\u{ff56}\u{ff45}@example.org").unwrap_err();
    assert!(matches!(err, CoreError::DuplicateEmail { .. }), "{err:?}");
}
