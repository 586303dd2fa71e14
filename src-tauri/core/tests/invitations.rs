//! Invitations against a real SQLite file: one invitation per person whatever the audience
//! says, its mails in the outbox in the same transaction, updates only to calendars that are
//! behind, a cancellation to everyone told, one to the uninvited person alone, and erasing a
//! member erases the mail written to them.

#![allow(clippy::unwrap_used)]

use guildhall_core::invitations::{self, Audience, LeftOutReason};
use guildhall_core::members::{self, MemberInput, Role};
use guildhall_core::settings::{self, MailSettings, Security};
use guildhall_core::workshops::{self, SessionInput, WorkshopInput, WorkshopStatus};
use guildhall_core::{outbox, Clock, Context};
use jiff::tz::TimeZone;
use jiff::Timestamp;

fn setup() -> (tempfile::TempDir, Context, String, Vec<String>) {
    setup_on(Clock::system())
}

fn setup_on(clock: Clock) -> (tempfile::TempDir, Context, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), clock).unwrap();
    let (workshop, people) = ctx
        .write(|tx| {
            settings::save_mail(
                tx,
                &MailSettings {
                    host: "127.0.0.1".into(),
                    port: 2525,
                    security: Security::None,
                    user: None,
                    from_name: "Rust Group".into(),
                    from_address: "group@example.org".into(),
                    reply_to: None,
                },
                ctx.clock.now(),
            )?;
            let mut people = Vec::new();
            for (name, email, consent) in [
                ("Ada Lovelace", Some("ada@example.org"), true),
                ("Grace Hopper", Some("grace@example.org"), true),
                ("Bob Quiet", Some("bob@example.org"), false),
                ("No Mail", None, false),
            ] {
                let m = members::create(
                    tx,
                    &MemberInput {
                        name: name.into(),
                        email: email.map(Into::into),
                        email_consent: consent,
                        tags: vec!["rust".into()],
                        roles: vec![Role::Member],
                        ..Default::default()
                    },
                    &ctx.clock,
                )?;
                people.push(m.id);
            }
            let w = workshops::create(
                tx,
                &WorkshopInput {
                    title: "Ownership".into(),
                    description: String::new(),
                    status: WorkshopStatus::Scheduled,
                    time_zone: "Europe/Berlin".into(),
                    venue: Some("Kiezhaus".into()),
                    online_url: None,
                    capacity: None,
                    facilitator_ids: vec![people[1].clone()],
                    tags: vec![],
                    sessions: vec![
                        SessionInput {
                            id: None,
                            title: "Part 1".into(),
                            start: "2027-03-10T18:00".into(),
                            end: "2027-03-10T20:00".into(),
                        },
                        SessionInput {
                            id: None,
                            title: "Part 2".into(),
                            start: "2027-03-17T18:00".into(),
                            end: "2027-03-17T20:00".into(),
                        },
                    ],
                    series: None,
                },
                &ctx.clock,
            )?;
            Ok((w.id, people))
        })
        .unwrap();
    (dir, ctx, workshop, people)
}

fn rust() -> Audience {
    Audience {
        tags: vec!["rust".into()],
        ..Default::default()
    }
}

#[test]
fn one_invitation_per_person_and_one_mail_per_session_in_the_same_transaction() {
    let (_dir, ctx, workshop, _) = setup();
    let q = ctx
        .write(|tx| invitations::invite(tx, &workshop, &rust(), &ctx.clock))
        .unwrap();
    assert_eq!((q.people, q.mails), (2, 4), "{q:?}");
    let reasons: Vec<_> = q.left_out.iter().map(|l| (l.reason, l.count)).collect();
    assert_eq!(
        reasons,
        [(LeftOutReason::NoEmail, 1), (LeftOutReason::NoConsent, 1)]
    );
    // The same audience again, and everyone: nobody twice.
    let again = ctx
        .write(|tx| invitations::invite(tx, &workshop, &rust(), &ctx.clock))
        .unwrap();
    assert_eq!((again.people, again.mails), (0, 0));
    let counts = ctx.read(outbox::counts).unwrap();
    assert_eq!(counts.queued, 4);
    let overview = ctx.read(|c| invitations::overview(c, &workshop)).unwrap();
    let grace = overview
        .invitations
        .iter()
        .find(|i| i.name == "Grace Hopper")
        .unwrap();
    assert_eq!(grace.role, invitations::InviteRole::Facilitator);

    // A failed action writes nothing: an unknown placeholder in the saved mail.
    let bad = ctx.write(|tx| {
        invitations::save_mail(
            tx,
            &workshop,
            &invitations::InvitationMail {
                subject: "Hi {nme}".into(),
                body: String::new(),
                remind_before_minutes: None,
                confirm_answers: false,
            },
            ctx.clock.now(),
        )
    });
    assert!(bad.is_err());
}

#[test]
fn updates_go_only_to_calendars_that_are_behind_and_cancels_to_everyone_told() {
    let (_dir, ctx, workshop, people) = setup();
    ctx.write(|tx| invitations::invite(tx, &workshop, &rust(), &ctx.clock))
        .unwrap();
    let nothing = ctx
        .write(|tx| invitations::send_update(tx, &workshop, &ctx.clock))
        .unwrap();
    assert_eq!(nothing.mails, 0);

    // The workshop moves: its SEQUENCE rises and both people are behind.
    ctx.write(|tx| {
        let w = workshops::get(tx, &workshop)?;
        let mut input = WorkshopInput {
            title: w.title.clone(),
            description: w.description.clone(),
            status: w.status,
            time_zone: w.time_zone.clone(),
            venue: Some("Library".into()),
            online_url: None,
            capacity: None,
            facilitator_ids: vec![people[1].clone()],
            tags: vec![],
            sessions: Vec::new(),
            series: None,
        };
        for s in &w.sessions {
            input.sessions.push(SessionInput {
                id: Some(s.id.clone()),
                title: s.title.clone(),
                start: s.start_local.clone(),
                end: s.end_local.clone(),
            });
        }
        workshops::update(tx, &workshop, &input, &ctx.clock)
    })
    .unwrap();
    let overview = ctx.read(|c| invitations::overview(c, &workshop)).unwrap();
    assert_eq!(overview.outdated, 2);
    assert!(overview.sent_summary.unwrap().contains("Kiezhaus"));
    assert!(overview.current_summary.contains("Library"));
    let update = ctx
        .write(|tx| invitations::send_update(tx, &workshop, &ctx.clock))
        .unwrap();
    assert_eq!((update.people, update.mails), (2, 4));
    assert_eq!(
        ctx.read(|c| invitations::overview(c, &workshop))
            .unwrap()
            .outdated,
        0
    );

    // Uninviting Ada sends her alone a cancellation; cancelling the workshop tells Grace.
    let removed = ctx
        .write(|tx| invitations::remove(tx, &workshop, &people[0], &ctx.clock))
        .unwrap();
    assert_eq!((removed.people, removed.mails), (1, 2));
    let cancelled = ctx
        .write(|tx| invitations::cancel_workshop(tx, &workshop, &ctx.clock))
        .unwrap();
    assert_eq!((cancelled.people, cancelled.mails), (1, 2));

    // Erasing Grace erases every mail written to her.
    let before = ctx.read(outbox::counts).unwrap();
    ctx.write_erasing(|tx| members::delete(tx, &people[1], &ctx.clock))
        .unwrap();
    let after = ctx.read(outbox::counts).unwrap();
    assert!(after.queued < before.queued);
    let left: u32 = ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM outbox WHERE recipient = 'grace@example.org'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_reminder_goes_once_before_each_date_to_those_going_and_a_passed_one_is_missed() {
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    let clock = Clock::manual(at("2027-03-01T12:00:00Z"), TimeZone::UTC);
    let (_dir, ctx, workshop, people) = setup_on(clock.clone());
    ctx.write(|tx| invitations::invite(tx, &workshop, &rust(), &ctx.clock))
        .unwrap();
    // Ada declines, Grace is going (someone who has not answered gets no reminder); the
    // default reminder is a day before (saved with the mail).
    ctx.write(|tx| {
        let (mail, _) = invitations::mail::mail(tx, &workshop)?;
        invitations::save_mail(tx, &workshop, &mail, ctx.clock.now())?;
        tx.execute(
            "UPDATE invitation SET rsvp = 'declined' WHERE member_id = ?1",
            [&people[0]],
        )?;
        tx.execute(
            "UPDATE invitation SET rsvp = 'accepted' WHERE member_id = ?1",
            [&people[1]],
        )?;
        Ok(())
    })
    .unwrap();
    let pass = || {
        ctx.write(|tx| invitations::reminders::queue_due(tx, &ctx.clock))
            .unwrap()
    };
    // Part 1 is on 10 March at 18:00 in Berlin (17:00 UTC): nothing is due a week before.
    clock.set(at("2027-03-05T12:00:00Z"));
    assert_eq!(pass().mails, 0);
    // Half an hour after its reminder's moment: Grace alone gets it, once.
    clock.set(at("2027-03-09T17:30:00Z"));
    assert_eq!(pass().mails, 1);
    assert_eq!(pass().mails, 0);
    let subjects: Vec<String> = ctx
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT subject FROM outbox WHERE kind = 'reminder' ORDER BY created_at",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(subjects.len(), 1);
    assert!(subjects[0].starts_with("Reminder: "), "{subjects:?}");
    // Guildhall was closed over Part 2's reminder and its start: it is marked missed, not sent.
    clock.set(at("2027-03-17T18:00:00Z"));
    let late = pass();
    assert_eq!((late.mails, late.missed), (0, 1));
}
