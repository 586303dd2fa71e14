//! Answers that come back by mail, against a real SQLite file: replies in the shapes Outlook,
//! Apple Calendar, Thunderbird and Google send (tests/fixtures/replies, see its README), reply
//! links, a spoofed reply, one to an unknown UID, delivery reports; each applied once, and the
//! guest list they fill, for the whole series and for one date.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use guildhall_core::calendar::import::import;
use guildhall_core::invitations::{self, Audience, Rsvp};
use guildhall_core::members::{self, MemberInput, Role};
use guildhall_core::rsvp::{self, guest_list, ReplyOutcome, ReplyReport};
use guildhall_core::settings::{self, MailSettings, Security};
use guildhall_core::workshops::{self, WorkshopStatus};
use guildhall_core::{Clock, Context};

const WORKSHOPS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guildhall tests//EN\r\n\
BEGIN:VEVENT\r\nUID:ws1@guildhall.test\r\nDTSTAMP:20270101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20271110T180000\r\nDTEND;TZID=Europe/Berlin:20271110T200000\r\n\
SUMMARY:Rust workshop\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:series1@guildhall.test\r\nDTSTAMP:20270101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20271103T180000\r\nDTEND;TZID=Europe/Berlin:20271103T200000\r\n\
RRULE:FREQ=WEEKLY;COUNT=6\r\nSUMMARY:Rust evenings\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// Mail leaves through a server on this machine (nothing is sent in these tests).
fn use_test_server(tx: &rusqlite::Transaction, ctx: &Context) -> guildhall_core::Result<()> {
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
    Ok(())
}

struct World {
    _dir: tempfile::TempDir,
    ctx: Context,
    single: String,
    series: String,
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replies")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    let (single, series) = ctx
        .write(|tx| {
            use_test_server(tx, &ctx)?;
            for (name, email) in [
                ("Ada Lovelace", "ada@example.org"),
                ("Bob Builder", "bob@example.org"),
                ("Zoë Müller", "zoe@example.org"),
            ] {
                members::create(
                    tx,
                    &MemberInput {
                        name: name.into(),
                        email: Some(email.into()),
                        email_consent: true,
                        tags: vec!["rust".into()],
                        roles: vec![Role::Member],
                        ..Default::default()
                    },
                    &ctx.clock,
                )?;
            }
            import(tx, WORKSHOPS.as_bytes(), &ctx.clock)?;
            let id = |uid: &str| -> guildhall_core::Result<String> {
                Ok(tx.query_row(
                    "SELECT workshop_id FROM session WHERE ical_uid = ?1",
                    [uid],
                    |r| r.get(0),
                )?)
            };
            let (single, series) = (id("ws1@guildhall.test")?, id("series1@guildhall.test")?);
            for w in [&single, &series] {
                workshops::set_status(tx, w, WorkshopStatus::Scheduled, &ctx.clock)?;
                let everyone = Audience {
                    everyone: true,
                    ..Default::default()
                };
                invitations::invite(tx, w, &everyone, &ctx.clock)?;
            }
            Ok((single, series))
        })
        .unwrap();
    World {
        _dir: dir,
        ctx,
        single,
        series,
    }
}

impl World {
    fn apply(&self, name: &str) -> ReplyReport {
        self.apply_bytes(name, &fixture(name))
    }

    fn apply_bytes(&self, name: &str, bytes: &[u8]) -> ReplyReport {
        let now = self.ctx.clock.now();
        self.ctx
            .write(|tx| rsvp::apply_file(tx, name, bytes, now))
            .unwrap()
    }

    /// Each guest's name and answer, for the workshop or one of its dates.
    fn answers(&self, workshop: &str, date: Option<&str>) -> Vec<(String, Rsvp)> {
        let date = date.map(|d| d.parse().unwrap());
        let list = self.ctx.read(|c| guest_list(c, workshop, date)).unwrap();
        list.guests.into_iter().map(|g| (g.name, g.rsvp)).collect()
    }

    fn answer_of(&self, workshop: &str, date: Option<&str>, name: &str) -> Rsvp {
        self.answers(workshop, date)
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
    }

    fn token(&self, workshop: &str, email: &str) -> String {
        self.ctx
            .read(|c| {
                Ok(c.query_row(
                    "SELECT i.reply_token FROM invitation i JOIN member m ON m.id = i.member_id
                     WHERE i.workshop_id = ?1 AND m.email = ?2",
                    [workshop, email],
                    |r| r.get(0),
                )?)
            })
            .unwrap()
    }
}

#[test]
fn outlooks_decline_without_an_organizer_and_with_a_windows_zone_is_applied_with_its_comment() {
    let w = world();
    let report = w.apply("outlook_decline.eml");
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert_eq!(report.detail, "Ada Lovelace: can't come (Rust workshop)");
    let list = w.ctx.read(|c| guest_list(c, &w.single, None)).unwrap();
    let ada = list
        .guests
        .iter()
        .find(|g| g.name == "Ada Lovelace")
        .unwrap();
    assert_eq!(ada.rsvp, Rsvp::Declined);
    assert_eq!(ada.source.as_deref(), Some("calendar"));
    assert_eq!(
        ada.comment.as_deref(),
        Some("Sorry, I'm travelling that week.")
    );
    assert!(ada.responded_at.is_some());
    assert_eq!(
        (
            list.counts.declined,
            list.counts.no_answer,
            list.counts.going
        ),
        (1, 2, 0)
    );
}

#[test]
fn apples_quoted_printable_reply_without_a_method_parameter_is_applied() {
    let w = world();
    let report = w.apply("apple_accept.eml");
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert_eq!(w.answer_of(&w.single, None, "Bob Builder"), Rsvp::Accepted);
}

#[test]
fn thunderbirds_reply_with_its_calendar_twice_is_one_answer() {
    let w = world();
    let report = w.apply("thunderbird_tentative.eml");
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert_eq!(report.detail, "Zoë Müller: maybe (Rust workshop)");
    assert_eq!(w.answer_of(&w.single, None, "Zoë Müller"), Rsvp::Tentative);
}

#[test]
fn googles_reply_answers_the_whole_series() {
    let w = world();
    let report = w.apply("google_accept_series.eml");
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert_eq!(w.answer_of(&w.series, None, "Ada Lovelace"), Rsvp::Accepted);
    // Every date shows the series' answer.
    for date in ["2027-11-03", "2027-11-17", "2027-12-08"] {
        assert_eq!(
            w.answer_of(&w.series, Some(date), "Ada Lovelace"),
            Rsvp::Accepted,
            "{date}"
        );
    }
}

#[test]
fn one_date_of_a_series_is_answered_apart_also_in_a_windows_zone() {
    let w = world();
    let bob = w.apply("thunderbird_decline_one_date.eml");
    assert_eq!(bob.outcome, ReplyOutcome::Applied, "{bob:?}");
    assert_eq!(
        bob.detail,
        "Bob Builder: can't come on 17 Nov 2027 (Rust evenings)"
    );
    let zoe = w.apply("outlook_accept_one_date_windows_zone.eml");
    assert_eq!(zoe.outcome, ReplyOutcome::Applied, "{zoe:?}");
    assert_eq!(
        zoe.detail,
        "Zoë Müller: going on 24 Nov 2027 (Rust evenings)"
    );
    // The whole series is still unanswered by either; those dates are not.
    assert_eq!(
        w.answer_of(&w.series, None, "Bob Builder"),
        Rsvp::NeedsAction
    );
    assert_eq!(
        w.answer_of(&w.series, Some("2027-11-17"), "Bob Builder"),
        Rsvp::Declined
    );
    assert_eq!(
        w.answer_of(&w.series, Some("2027-11-10"), "Bob Builder"),
        Rsvp::NeedsAction
    );
    assert_eq!(
        w.answer_of(&w.series, Some("2027-11-24"), "Zoë Müller"),
        Rsvp::Accepted
    );
    // A day the series does not meet is said plainly.
    let err = w
        .ctx
        .read(|c| guest_list(c, &w.series, Some("2027-11-25".parse().unwrap())))
        .unwrap_err();
    assert!(err.to_string().contains("no date on 2027-11-25"), "{err}");
}

/// The confirmation mails queued, (recipient, its text part).
fn confirmations(w: &World) -> Vec<(String, String)> {
    let rows: Vec<(String, Vec<u8>)> = w
        .ctx
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT recipient, message FROM outbox WHERE kind = 'confirmation'
                 ORDER BY created_at, recipient",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    rows.into_iter()
        .map(|(to, raw)| {
            let mail = mailparse::parse_mail(&raw).unwrap();
            assert!(mail
                .subparts
                .iter()
                .all(|p| p.ctype.mimetype != "text/calendar"));
            let subject = mail
                .headers
                .iter()
                .find(|h| h.get_key() == "Subject")
                .unwrap();
            assert!(
                subject.get_value().starts_with("Your answer: "),
                "{}",
                subject.get_value()
            );
            let text = mail.subparts[0].subparts[0].get_body().unwrap();
            (to, text)
        })
        .collect()
}

#[test]
fn answers_are_confirmed_by_mail_only_when_the_organizer_chose_it() {
    let w = world();
    // By default nothing goes back.
    w.apply("outlook_decline.eml");
    assert!(confirmations(&w).is_empty());

    // Chosen for the series: an answer by mail is confirmed, for its date; by hand it is not.
    w.ctx
        .write(|tx| {
            let (mut mail, _) = invitations::mail(tx, &w.series)?;
            mail.confirm_answers = true;
            invitations::save_mail(tx, &w.series, &mail, w.ctx.clock.now())?;
            Ok(())
        })
        .unwrap();
    let bob = w.apply("thunderbird_decline_one_date.eml");
    assert_eq!(bob.outcome, ReplyOutcome::Applied, "{bob:?}");
    let sent = confirmations(&w);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "bob@example.org");
    assert!(
        sent[0].1.starts_with(
            "We have your answer: can't come, for Rust evenings on Wednesday 17 November 2027"
        ),
        "{}",
        sent[0].1
    );
    // Reading the same mail again confirms nothing again.
    w.apply("thunderbird_decline_one_date.eml");
    assert_eq!(confirmations(&w).len(), 1);
    let ada = w.token(&w.series, "ada@example.org");
    let invitation: String = w
        .ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM invitation WHERE reply_token = ?1",
                [&ada],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let now = w.ctx.clock.now();
    w.ctx
        .write(|tx| rsvp::answer_by_hand(tx, &invitation, rsvp::Answer::Accepted, None, now))
        .unwrap();
    assert_eq!(
        confirmations(&w).len(),
        1,
        "the organizer's own answers are not mailed"
    );
}

#[test]
fn a_reply_sent_by_someone_else_is_held_until_the_organizer_confirms_it() {
    let w = world();
    let report = w.apply("spoofed.eml");
    assert_eq!(report.outcome, ReplyOutcome::Held, "{report:?}");
    assert!(report.detail.contains("mallory@evil.example"), "{report:?}");
    assert_eq!(
        w.answer_of(&w.single, None, "Ada Lovelace"),
        Rsvp::NeedsAction
    );
    let id: String = w
        .ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM inbound_reply WHERE outcome = 'held'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let now = w.ctx.clock.now();
    let confirmed = w.ctx.write(|tx| rsvp::confirm(tx, &id, now)).unwrap();
    assert_eq!(confirmed.outcome, ReplyOutcome::Applied);
    assert_eq!(w.answer_of(&w.single, None, "Ada Lovelace"), Rsvp::Declined);
    // Once: confirming again finds nothing held.
    assert!(w.ctx.write(|tx| rsvp::confirm(tx, &id, now)).is_err());
}

#[test]
fn a_reply_to_an_event_that_is_not_ours_changes_nothing() {
    let w = world();
    let report = w.apply("unknown_uid.eml");
    assert_eq!(report.outcome, ReplyOutcome::Unmatched, "{report:?}");
    assert!(report.detail.contains("nothing-like-this@elsewhere.test"));
    assert!(w
        .answers(&w.single, None)
        .iter()
        .all(|(_, r)| *r == Rsvp::NeedsAction));
}

#[test]
fn the_same_mail_read_twice_is_applied_once() {
    let w = world();
    assert_eq!(w.apply("apple_accept.eml").outcome, ReplyOutcome::Applied);
    // Bob changes his mind by hand in between; reading the old mail again must not undo it.
    let now = w.ctx.clock.now();
    w.ctx
        .write(|tx| {
            let id: String = tx.query_row(
                "SELECT i.id FROM invitation i JOIN member m ON m.id = i.member_id
                 WHERE i.workshop_id = ?1 AND m.email = 'bob@example.org'",
                [&w.single],
                |r| r.get(0),
            )?;
            rsvp::set_answer(tx, &id, rsvp::Answer::Declined, None, None, "manual", now)
        })
        .unwrap();
    let again = w.apply("apple_accept.eml");
    assert_eq!(again.outcome, ReplyOutcome::AlreadyRead, "{again:?}");
    assert_eq!(w.answer_of(&w.single, None, "Bob Builder"), Rsvp::Declined);
}

#[test]
fn a_reply_link_sets_the_answer_only_with_its_own_token_from_its_own_member() {
    let w = world();
    let token = w.token(&w.single, "ada@example.org");
    let going = String::from_utf8(fixture("reply_link_going.eml"))
        .unwrap()
        .replace("GH-TOKEN", &format!("gh-{token}"));
    let report = w.apply_bytes("going.eml", going.as_bytes());
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert_eq!(w.answer_of(&w.single, None, "Ada Lovelace"), Rsvp::Accepted);
    let list = w.ctx.read(|c| guest_list(c, &w.single, None)).unwrap();
    let ada = list
        .guests
        .iter()
        .find(|g| g.name == "Ada Lovelace")
        .unwrap();
    assert_eq!(ada.source.as_deref(), Some("link"));

    let cant = String::from_utf8(fixture("reply_link_cant_come.eml"))
        .unwrap()
        .replace("GH-TOKEN", &format!("gh-{token}"));
    assert_eq!(
        w.apply_bytes("cant.eml", cant.as_bytes()).outcome,
        ReplyOutcome::Applied
    );
    assert_eq!(w.answer_of(&w.single, None, "Ada Lovelace"), Rsvp::Declined);

    // Bob's token in a mail from Ada: held, not applied to Bob.
    let bobs = w.token(&w.single, "bob@example.org");
    let forged = String::from_utf8(fixture("reply_link_going.eml"))
        .unwrap()
        .replace("GH-TOKEN", &format!("gh-{bobs}"))
        .replace("Message-ID: <", "Message-ID: <forged-");
    let report = w.apply_bytes("forged.eml", forged.as_bytes());
    assert_eq!(report.outcome, ReplyOutcome::Held, "{report:?}");
    assert_eq!(
        w.answer_of(&w.single, None, "Bob Builder"),
        Rsvp::NeedsAction
    );

    // A token that is not ours.
    let made_up = String::from_utf8(fixture("reply_link_going.eml"))
        .unwrap()
        .replace("GH-TOKEN", "gh-aaaaaaaaaaaaaaaaaaaaaaaaaa")
        .replace("Message-ID: <", "Message-ID: <other-");
    let report = w.apply_bytes("made-up.eml", made_up.as_bytes());
    assert_eq!(report.outcome, ReplyOutcome::Unmatched, "{report:?}");
}

#[test]
fn a_delivery_failure_marks_the_address_and_no_more_mail_goes_to_it() {
    let w = world();
    // Nothing has been sent in this world yet: Bob's two invitations wait, and must not go now.
    let report = w.apply("dsn_bounce.eml");
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert!(report.detail.contains("bob@example.org"), "{report:?}");
    assert!(report.detail.contains("5.1.1"), "{report:?}");
    let waiting: Vec<(String, String)> = w
        .ctx
        .read(|c| {
            let mut stmt = c.prepare("SELECT recipient, status FROM outbox ORDER BY recipient")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    for (to, status) in &waiting {
        let expected = if to == "bob@example.org" {
            "cancelled"
        } else {
            "queued"
        };
        assert_eq!(status, expected, "{to}");
    }
    assert!(
        report.detail.contains("(2 waiting mails not sent)"),
        "{report:?}"
    );
    let list = w.ctx.read(|c| guest_list(c, &w.single, None)).unwrap();
    let bob = list
        .guests
        .iter()
        .find(|g| g.name == "Bob Builder")
        .unwrap();
    assert!(bob.bounced);
    // The member editor shows it, with the server's reason.
    let member = w.ctx.read(|c| members::get(c, &bob.member_id)).unwrap();
    assert!(member.email_bounced_at.is_some());
    assert!(
        member
            .email_bounce_reason
            .as_deref()
            .unwrap_or_default()
            .contains("5.1.1"),
        "{member:?}"
    );
    // A new workshop's invitation leaves him out, and says why.
    let preview = w
        .ctx
        .read(|c| {
            invitations::audience::preview(
                c,
                &w.series,
                &Audience {
                    everyone: true,
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert!(preview
        .left_out
        .iter()
        .any(|l| l.reason == invitations::LeftOutReason::Bounced && l.count == 1));
    // A delay is not a failure.
    let delayed = w.apply("dsn_delayed.eml");
    assert_eq!(delayed.outcome, ReplyOutcome::Ignored, "{delayed:?}");
    let zoe = w.ctx.read(|c| guest_list(c, &w.single, None)).unwrap();
    assert!(zoe
        .guests
        .iter()
        .all(|g| g.name == "Bob Builder" || !g.bounced));
}

#[test]
fn an_ordinary_mail_is_left_alone_and_its_sender_not_kept() {
    let w = world();
    let report = w.apply("not_a_reply.eml");
    assert_eq!(report.outcome, ReplyOutcome::Ignored, "{report:?}");
    let kept: Option<String> = w
        .ctx
        .read(|c| Ok(c.query_row("SELECT sender FROM inbound_reply", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(kept, None);
}

#[test]
fn a_dropped_ics_file_is_the_organizers_own_say_so() {
    let w = world();
    let report = w.apply("ics/thunderbird_tentative.ics");
    assert_eq!(report.outcome, ReplyOutcome::Applied, "{report:?}");
    assert_eq!(w.answer_of(&w.single, None, "Zoë Müller"), Rsvp::Tentative);
}

#[test]
fn the_guest_list_csv_has_every_guest_with_formulas_neutralised() {
    let w = world();
    w.apply("outlook_decline.eml");
    let list = w.ctx.read(|c| guest_list(c, &w.single, None)).unwrap();
    let mut out = Vec::new();
    rsvp::guests_csv(&list, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("\"name\",\"email\""));
    assert!(text.contains("\"Ada Lovelace\",\"ada@example.org\",\"attendee\",\"can't come\""));
}

mod capacity {
    use super::*;
    use guildhall_core::rsvp::Answer;
    use guildhall_core::workshops::{Frequency, SeriesInput, SessionInput, WorkshopInput};
    use jiff::tz::TimeZone;
    use jiff::Timestamp;

    /// A workshop of 10 places on 10 Nov 2027 (or a series from then), 15 members invited;
    /// the clock is manual.
    fn full_house_of(
        series: Option<SeriesInput>,
    ) -> (tempfile::TempDir, Context, String, Vec<String>, Clock) {
        let clock = Clock::manual(
            "2027-10-01T09:00:00Z".parse::<Timestamp>().unwrap(),
            TimeZone::UTC,
        );
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open_in(dir.path(), clock.clone()).unwrap();
        let (workshop, invitations) = ctx
            .write(|tx| {
                use_test_server(tx, &ctx)?;
                for i in 1..=15 {
                    members::create(
                        tx,
                        &MemberInput {
                            name: format!("Member {i:02}"),
                            email: Some(format!("m{i:02}@example.org")),
                            email_consent: true,
                            roles: vec![Role::Member],
                            ..Default::default()
                        },
                        &ctx.clock,
                    )?;
                }
                let w = workshops::create(
                    tx,
                    &WorkshopInput {
                        title: "Small room".into(),
                        description: String::new(),
                        status: WorkshopStatus::Scheduled,
                        time_zone: "Europe/Berlin".into(),
                        venue: Some("Kiezhaus".into()),
                        online_url: None,
                        capacity: Some(10),
                        facilitator_ids: vec![],
                        tags: vec![],
                        sessions: vec![SessionInput {
                            id: None,
                            title: String::new(),
                            start: "2027-11-10T18:00".into(),
                            end: "2027-11-10T20:00".into(),
                        }],
                        series: series.clone(),
                    },
                    &ctx.clock,
                )?;
                let everyone = Audience {
                    everyone: true,
                    ..Default::default()
                };
                invitations::invite(tx, &w.id, &everyone, &ctx.clock)?;
                let mut stmt = tx.prepare(
                    "SELECT i.id FROM invitation i JOIN member m ON m.id = i.member_id
                     WHERE i.workshop_id = ?1 ORDER BY m.name",
                )?;
                let ids = stmt
                    .query_map([&w.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                Ok((w.id, ids))
            })
            .unwrap();
        (dir, ctx, workshop, invitations, clock)
    }

    fn full_house() -> (tempfile::TempDir, Context, String, Vec<String>, Clock) {
        full_house_of(None)
    }

    fn answer(ctx: &Context, clock: &Clock, invitation: &str, answer: Answer) {
        // A minute between answers: first come, first served is by the clock.
        clock.set(clock.now() + jiff::SignedDuration::from_mins(1));
        ctx.write(|tx| rsvp::set_answer(tx, invitation, answer, None, None, "manual", clock.now()))
            .unwrap();
    }

    fn rsvps(ctx: &Context, workshop: &str) -> Vec<Rsvp> {
        ctx.read(|c| guest_list(c, workshop, None))
            .unwrap()
            .guests
            .into_iter()
            .map(|g| g.rsvp)
            .collect()
    }

    /// The kinds of mail each member got after the invitation, in order.
    fn mails(ctx: &Context) -> Vec<(String, String)> {
        ctx.read(|c| {
            let mut stmt = c.prepare(
                "SELECT recipient, kind FROM outbox WHERE kind != 'invitation'
                 ORDER BY created_at, recipient",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
    }

    #[test]
    fn a_full_workshop_waitlists_and_promotes_the_first_who_waited_each_mailed_once() {
        let (_dir, ctx, workshop, inv, clock) = full_house();
        // Members 01-15 say "going" in order: ten places, five wait.
        for id in &inv {
            answer(&ctx, &clock, id, Answer::Accepted);
        }
        let states = rsvps(&ctx, &workshop);
        assert_eq!(&states[..10], &[Rsvp::Accepted; 10]);
        assert_eq!(&states[10..], &[Rsvp::Waitlisted; 5]);
        let waited: Vec<(String, String)> = (11..=15)
            .map(|i| (format!("m{i}@example.org"), "waitlist".to_owned()))
            .collect();
        assert_eq!(mails(&ctx), waited);
        // Saying "going" again while waiting keeps the place in the queue and mails nothing.
        answer(&ctx, &clock, &inv[14], Answer::Accepted);
        assert_eq!(mails(&ctx).len(), 5);

        // Members 02, 05 and 09 decline: 11, 12 and 13 get their places, in that order.
        for i in [1, 4, 8] {
            answer(&ctx, &clock, &inv[i], Answer::Declined);
        }
        let states = rsvps(&ctx, &workshop);
        for (i, state) in states.iter().enumerate() {
            let expected = match i {
                1 | 4 | 8 => Rsvp::Declined,
                13 | 14 => Rsvp::Waitlisted,
                _ => Rsvp::Accepted,
            };
            assert_eq!(*state, expected, "member {:02}", i + 1);
        }
        let promoted: Vec<(String, String)> = mails(&ctx)
            .into_iter()
            .filter(|(_, kind)| kind == "promotion")
            .collect();
        assert_eq!(
            promoted,
            (11..=13)
                .map(|i| (format!("m{i}@example.org"), "promotion".to_owned()))
                .collect::<Vec<_>>()
        );
        // Another promotion run finds no free place, and never takes back a declined one.
        let again = ctx
            .write(|tx| rsvp::fill_free_places(tx, &workshop, clock.now()))
            .unwrap();
        assert!(again.is_empty());
        assert_eq!(rsvps(&ctx, &workshop)[1], Rsvp::Declined);

        // The organizer promotes member 15 by hand, over capacity.
        ctx.write(|tx| rsvp::promote(tx, &inv[14], None, clock.now()))
            .unwrap();
        let list = ctx.read(|c| guest_list(c, &workshop, None)).unwrap();
        assert_eq!((list.counts.going, list.counts.waitlisted), (11, 1));

        // Once the workshop has begun, a place that frees up stays free.
        clock.set("2027-11-10T17:30:00Z".parse().unwrap());
        answer(&ctx, &clock, &inv[0], Answer::Declined);
        assert_eq!(rsvps(&ctx, &workshop)[13], Rsvp::Waitlisted);
    }

    #[test]
    fn the_waitlist_mail_has_no_calendar_and_the_promotion_an_accepted_one() {
        let (_dir, ctx, _workshop, inv, clock) = full_house();
        for id in &inv[..11] {
            answer(&ctx, &clock, id, Answer::Accepted);
        }
        answer(&ctx, &clock, &inv[0], Answer::Declined);
        let message = |kind: &str| -> String {
            ctx.read(|c| {
                Ok(
                    c.query_row("SELECT message FROM outbox WHERE kind = ?1", [kind], |r| {
                        r.get::<_, Vec<u8>>(0)
                    })?,
                )
            })
            .map(|m| String::from_utf8(m).unwrap())
            .unwrap()
        };
        let waitlist = message("waitlist");
        assert!(waitlist.contains("Subject: Waitlist: "), "{waitlist}");
        assert!(!waitlist.contains("text/calendar"));
        let promotion = message("promotion");
        assert!(promotion.contains("Subject: A place for you: "));
        assert!(promotion.contains("text/calendar; charset=utf-8; method=REQUEST"));
    }

    /// Answers for one date (`YYYY-MM-DD`) of the series, as the organizer sets them.
    fn answer_on(ctx: &Context, clock: &Clock, invitation: &str, answer: Answer, date: &str) {
        clock.set(clock.now() + jiff::SignedDuration::from_mins(1));
        let date = Some(date.parse().unwrap());
        ctx.write(|tx| rsvp::answer_by_hand(tx, invitation, answer, date, clock.now()))
            .unwrap();
    }

    fn rsvps_on(ctx: &Context, workshop: &str, date: &str) -> Vec<Rsvp> {
        let date = Some(date.parse().unwrap());
        ctx.read(|c| guest_list(c, workshop, date))
            .unwrap()
            .guests
            .into_iter()
            .map(|g| g.rsvp)
            .collect()
    }

    #[test]
    fn a_series_counts_its_places_per_date_and_fills_each_date_from_its_own_waitlist() {
        // Three Wednesdays, 10, 17 and 24 Nov 2027, ten places each.
        let (_dir, ctx, workshop, inv, clock) = full_house_of(Some(SeriesInput {
            frequency: Frequency::Weekly,
            interval: 1,
            until: None,
            count: Some(3),
            rule: None,
        }));
        use Rsvp::{Accepted as In, Declined as Out, NeedsAction as Open, Waitlisted as Wait};
        // Members 01-10 go to the whole series; 11 and 12 wait for it.
        for id in &inv[..12] {
            answer(&ctx, &clock, id, Answer::Accepted);
        }
        let whole = rsvps(&ctx, &workshop);
        assert_eq!(
            &whole[..12],
            &[[In; 10].as_slice(), &[Wait; 2]].concat()[..]
        );

        // Member 03 cannot come on 17 Nov: that date's place goes to 11 (the first who
        // waits), for that date only.
        answer_on(&ctx, &clock, &inv[2], Answer::Declined, "2027-11-17");
        let on17 = rsvps_on(&ctx, &workshop, "2027-11-17");
        assert_eq!((on17[2], on17[10], on17[11]), (Out, In, Wait));
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-10")[10], Wait);
        assert_eq!(
            rsvps(&ctx, &workshop)[10],
            Wait,
            "still waiting for the series"
        );

        // Member 13 says going for 24 Nov alone, 14 for 17 Nov alone: both dates are full.
        answer_on(&ctx, &clock, &inv[12], Answer::Accepted, "2027-11-24");
        answer_on(&ctx, &clock, &inv[13], Answer::Accepted, "2027-11-17");
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-24")[12], Wait);
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-17")[13], Wait);
        assert_eq!(
            rsvps(&ctx, &workshop)[12],
            Open,
            "the series stays unanswered"
        );

        // Member 05 leaves the series: 11 gets the series' place; on 17 Nov (where 11 had
        // one already) the place goes to 12, who waited longer than 14; 24 Nov stays full.
        answer(&ctx, &clock, &inv[4], Answer::Declined);
        let whole = rsvps(&ctx, &workshop);
        assert_eq!((whole[10], whole[11]), (In, Wait));
        let on17 = rsvps_on(&ctx, &workshop, "2027-11-17");
        assert_eq!((on17[11], on17[13]), (In, Wait));
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-24")[12], Wait);
        for date in ["2027-11-10", "2027-11-17", "2027-11-24"] {
            let list = ctx
                .read(|c| guest_list(c, &workshop, Some(date.parse().unwrap())))
                .unwrap();
            assert_eq!(list.counts.going, 10, "{date}");
        }

        // Everyone was mailed once for each wait and each place, in order.
        let expected: Vec<(String, String)> = [
            ("m11", "waitlist"),
            ("m12", "waitlist"),
            ("m11", "promotion"),
            ("m13", "waitlist"),
            ("m14", "waitlist"),
            ("m11", "promotion"),
            ("m12", "promotion"),
        ]
        .iter()
        .map(|(m, k)| (format!("{m}@example.org"), (*k).to_owned()))
        .collect();
        let mut got = mails(&ctx);
        got.sort_by_key(|(to, _)| to.clone());
        let mut want = expected.clone();
        want.sort_by_key(|(to, _)| to.clone());
        assert_eq!(got, want);
        // A date's mail names the date and carries no calendar (the series' stays as it was).
        let dated: String = ctx
            .read(|c| {
                Ok(c.query_row(
                    "SELECT message FROM outbox WHERE kind = 'promotion' AND recipient = ?1",
                    ["m12@example.org"],
                    |r| r.get::<_, Vec<u8>>(0),
                )?)
            })
            .map(|m| String::from_utf8(m).unwrap())
            .unwrap();
        let parsed = mailparse::parse_mail(dated.as_bytes()).unwrap();
        let text = parsed.subparts[0].subparts[0].get_body().unwrap();
        assert!(
            text.starts_with(
                "A place came free for you at Small room on Wednesday 17 November 2027, 18:00"
            ),
            "{text}"
        );
        assert!(!dated.contains("text/calendar"));

        // Once 17 Nov has begun, its freed place stays free; the organizer can still give it.
        clock.set("2027-11-17T17:30:00Z".parse().unwrap());
        answer_on(&ctx, &clock, &inv[3], Answer::Declined, "2027-11-17");
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-17")[13], Wait);
        let date = Some("2027-11-17".parse().unwrap());
        ctx.write(|tx| rsvp::promote_by_hand(tx, &inv[13], date, clock.now()))
            .unwrap();
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-17")[13], In);

        // Someone who leaves the series stops waiting for its dates: never given one later.
        answer(&ctx, &clock, &inv[12], Answer::Declined);
        answer(&ctx, &clock, &inv[0], Answer::Declined);
        assert_eq!(rsvps_on(&ctx, &workshop, "2027-11-24")[12], Out);
    }

    #[test]
    fn uninviting_someone_going_gives_their_place_to_the_first_who_waits() {
        let (_dir, ctx, workshop, inv, clock) = full_house();
        for id in &inv[..12] {
            answer(&ctx, &clock, id, Answer::Accepted);
        }
        let member: String = ctx
            .read(|c| {
                Ok(c.query_row(
                    "SELECT member_id FROM invitation WHERE id = ?1",
                    [&inv[0]],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        let (_, promoted) = ctx
            .write(|tx| rsvp::uninvite(tx, &workshop, &member, &clock))
            .unwrap();
        assert_eq!(promoted, vec![inv[10].clone()]);
        let states = rsvps(&ctx, &workshop);
        assert_eq!(states.len(), 14, "the uninvited are left out");
        assert_eq!((states[9], states[10]), (Rsvp::Accepted, Rsvp::Waitlisted));
    }
}
