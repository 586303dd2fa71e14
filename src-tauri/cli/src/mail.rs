//! The mail commands: SMTP and IMAP settings, invitations, updates, cancellations, the outbox.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use guildhall_core::invitations::{self, compose, Audience, Combine, LeftOut, Queued};
use guildhall_core::outbox::deliver::{self, SendLock};
use guildhall_core::outbox::mailer::DeliveryError;
use guildhall_core::outbox::{self, MailSelection, MailStatus};
use guildhall_core::services::outbox::MailerSource;
use guildhall_core::settings::{self, MailSettings, Security};
use guildhall_core::{Context, CoreError};
use guildhall_mail::{smtp_account, Mailers};

use crate::args::{LevelArg, Outbox, RoleArg, SecurityArg, Settings};
use crate::show::{level_of, printable, role_of};

fn setup_error(e: DeliveryError) -> CoreError {
    CoreError::invalid("mailSettings", e.message().to_owned())
}

/// `Name <address>` or `address`.
fn parse_from(from: &str) -> (String, String) {
    match from.rsplit_once('<') {
        Some((name, rest)) => (
            name.trim().trim_matches('"').trim().to_owned(),
            rest.trim_end().trim_end_matches('>').trim().to_owned(),
        ),
        None => (String::new(), from.trim().to_owned()),
    }
}

pub fn settings(ctx: &Context, command: Settings) -> Result<ExitCode, CoreError> {
    match command {
        Settings::Smtp {
            host,
            port,
            security,
            user,
            from,
            reply_to,
            password_stdin,
        } => {
            let (from_name, from_address) = parse_from(&from);
            let input = MailSettings {
                host,
                port,
                security: match security {
                    SecurityArg::None => Security::None,
                    SecurityArg::Starttls => Security::StartTls,
                    SecurityArg::Tls => Security::Tls,
                },
                user,
                from_name,
                from_address,
                reply_to,
            };
            let saved = ctx.write(|tx| settings::save_mail(tx, &input, ctx.clock.now()))?;
            if password_stdin {
                crate::secrets::keep_password_from_stdin(&smtp_account(&saved))?;
            }
            println!(
                "mail leaves through {}:{} ({}) from {}",
                saved.host,
                saved.port,
                saved.security.as_str(),
                printable(&guildhall_core::mime::mailbox(
                    &saved.from_name,
                    &saved.from_address
                ))
            );
            Ok(ExitCode::SUCCESS)
        }
        Settings::TestMail => {
            let saved = ctx.read(settings::mail_required)?;
            let mailer = Mailers::new().mailer(&saved).map_err(setup_error)?;
            let mail = compose::test_mail(&saved, ctx.clock.now());
            match deliver::send_now(ctx, &*mailer, &mail)? {
                Ok(reply) => {
                    println!(
                        "sent to {}; the server said: {}",
                        saved.from_address,
                        printable(&reply)
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!(
                        "guildhall: not sent; the server said: {}",
                        printable(e.message())
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Settings::Imap {
            host,
            port,
            security,
            user,
            folder,
            password_stdin,
        } => crate::secrets::save_imap(
            ctx,
            guildhall_core::inbox::InboxSettings {
                host,
                port,
                security: match security {
                    SecurityArg::None => Security::None,
                    SecurityArg::Starttls => Security::StartTls,
                    SecurityArg::Tls => Security::Tls,
                },
                user,
                folder,
            },
            password_stdin,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn audience(
    all: bool,
    tags: Vec<String>,
    roles: Vec<RoleArg>,
    levels: Vec<LevelArg>,
    attended: Vec<String>,
    members: Vec<String>,
    any: bool,
) -> Audience {
    Audience {
        everyone: all,
        tags,
        roles: roles.into_iter().map(role_of).collect(),
        levels: levels.into_iter().map(level_of).collect(),
        attended,
        members,
        combine: if any { Combine::Any } else { Combine::All },
    }
}

fn print_left_out(left_out: &[LeftOut]) {
    for l in left_out {
        println!("left out: {} ({})", l.count, l.reason.describe());
    }
}

fn print_queued(what: &str, q: &Queued) {
    println!("queued {} mails to {} people ({what})", q.mails, q.people);
    print_left_out(&q.left_out);
}

pub fn invite(
    ctx: &Context,
    workshop: &str,
    audience: &Audience,
    subject: Option<String>,
    body_file: Option<&Path>,
    dry_run: bool,
) -> Result<ExitCode, CoreError> {
    if dry_run {
        let preview = ctx.read(|c| invitations::audience::preview(c, workshop, audience))?;
        println!("would invite {} people", preview.invitees.len());
        for i in &preview.invitees {
            println!(
                "  {} <{}>{}",
                printable(&i.name),
                printable(&i.email),
                if i.role == invitations::InviteRole::Facilitator {
                    " (facilitator)"
                } else {
                    ""
                }
            );
        }
        print_left_out(&preview.left_out);
        return Ok(ExitCode::SUCCESS);
    }
    let body = body_file
        .map(|f| {
            std::fs::read_to_string(f).map_err(|source| CoreError::Io {
                context: format!("could not read {}", f.display()),
                source,
            })
        })
        .transpose()?;
    let queued = ctx.write(|tx| {
        if subject.is_some() || body.is_some() {
            let (mut mail, _) = invitations::mail::mail(tx, workshop)?;
            if let Some(s) = subject {
                mail.subject = s;
            }
            if let Some(b) = body {
                mail.body = b;
            }
            invitations::save_mail(tx, workshop, &mail, ctx.clock.now())?;
        }
        invitations::invite(tx, workshop, audience, &ctx.clock)
    })?;
    print_queued("invitations", &queued);
    Ok(ExitCode::SUCCESS)
}

pub fn update(ctx: &Context, workshop: &str) -> Result<ExitCode, CoreError> {
    let q = ctx.write(|tx| invitations::send_update(tx, workshop, &ctx.clock))?;
    print_queued("updates", &q);
    Ok(ExitCode::SUCCESS)
}

pub fn cancel(ctx: &Context, workshop: &str) -> Result<ExitCode, CoreError> {
    let q = ctx.write(|tx| invitations::cancel_workshop(tx, workshop, &ctx.clock))?;
    print_queued("cancellations", &q);
    Ok(ExitCode::SUCCESS)
}

pub fn uninvite(ctx: &Context, workshop: &str, member: &str) -> Result<ExitCode, CoreError> {
    let (q, promoted) =
        ctx.write(|tx| guildhall_core::rsvp::uninvite(tx, workshop, member, &ctx.clock))?;
    print_queued("cancellation", &q);
    if !promoted.is_empty() {
        println!("{} given the place from the waitlist", promoted.len());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn outbox(ctx: &Context, command: Outbox) -> Result<ExitCode, CoreError> {
    match command {
        Outbox::Send { connections, wait } => send(ctx, connections, wait),
        Outbox::Status => {
            let counts = ctx.read(outbox::counts)?;
            println!(
                "queued {}\nsending {}\nretry {}\nsent {}\nfailed {}\nunknown {}\ncancelled {}",
                counts.queued,
                counts.sending,
                counts.retry,
                counts.sent,
                counts.failed,
                counts.unknown,
                counts.cancelled
            );
            let problems = ctx.read(|c| {
                outbox::list(
                    c,
                    &[MailStatus::Failed, MailStatus::Unknown, MailStatus::Retry],
                    1000,
                )
            })?;
            for p in problems {
                println!(
                    "{} {} {} {}: {}",
                    p.status.as_str(),
                    p.id,
                    printable(&p.recipient),
                    printable(&p.subject),
                    printable(p.error.as_deref().unwrap_or(""))
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Outbox::Retry { failed, ids } => {
            let selection = if ids.is_empty() {
                MailSelection::Status {
                    status: if failed {
                        MailStatus::Failed
                    } else {
                        MailStatus::Unknown
                    },
                }
            } else {
                MailSelection::Ids { ids }
            };
            let n = ctx.write(|tx| outbox::store::send_again(tx, &selection, ctx.clock.now()))?;
            println!("queued again: {n}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn send(ctx: &Context, connections: usize, wait: u64) -> Result<ExitCode, CoreError> {
    let lock = SendLock::try_take(ctx)?.ok_or_else(|| CoreError::Busy {
        what: "sender (the app or another command)".into(),
    })?;
    let reminded = ctx.write(|tx| invitations::reminders::queue_due(tx, &ctx.clock))?;
    if reminded.mails > 0 {
        eprintln!("guildhall: {} reminders queued", reminded.mails);
    }
    let settings = ctx.read(settings::mail_required)?;
    let mailer = Mailers::new().mailer(&settings).map_err(setup_error)?;

    // Progress on standard error, once a second, from the outbox itself; told to stop at once
    // when the sending ends.
    let (done, stopped) = std::sync::mpsc::channel::<()>();
    let reporter = {
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(Duration::from_secs(1))
            {
                if let Ok(c) = ctx.read(outbox::counts) {
                    if c.batch_total > 0 {
                        eprintln!("guildhall: {} of {} handled", c.batch_done, c.batch_total);
                    }
                }
            }
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(wait);
    let mut problem = None;
    let mut total = deliver::RunReport {
        unknown: lock.interrupted() as u32,
        ..Default::default()
    };
    if lock.interrupted() > 0 {
        eprintln!(
            "guildhall: {} mails were being handed to the server when the last sender stopped; \
             they may or may not have arrived (marked unknown, never resent without you)",
            lock.interrupted()
        );
    }
    loop {
        let report = deliver::run(ctx, &lock, &*mailer, connections, &|| true)?;
        total.sent += report.sent;
        total.failed += report.failed;
        total.unknown += report.unknown;
        if let Some(p) = report.problem {
            problem = Some(p);
            break;
        }
        let next = ctx.read(outbox::store::next_due)?;
        let now = ctx.clock.now();
        match next {
            Some(at) if at <= now => continue,
            Some(at) if std::time::Instant::now() < deadline => {
                let pause = now.duration_until(at).unsigned_abs();
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if pause > left {
                    break;
                }
                std::thread::sleep(pause);
            }
            _ => break,
        }
    }
    drop(done);
    let _ = reporter.join();
    drop(lock);
    let counts = ctx.read(outbox::counts)?;
    println!(
        "sent {}, failed {}, unknown {}; waiting to retry {}, still queued {}",
        total.sent, total.failed, total.unknown, counts.retry, counts.queued
    );
    if let Some(p) = problem {
        eprintln!("guildhall: {}", printable(p.message()));
    }
    if total.failed > 0 || total.unknown > 0 {
        eprintln!("guildhall: `guildhall outbox status` lists the mails that did not go, and why");
    }
    let clean = total.failed == 0 && total.unknown == 0 && counts.retry == 0 && counts.queued == 0;
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
