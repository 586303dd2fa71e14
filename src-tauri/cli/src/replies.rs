//! The answers: replies read from files (`import replies`, `import confirm`), the inbox
//! (`inbox check`) and the guest list (`guests`).

use std::path::PathBuf;
use std::process::ExitCode;

use guildhall_core::inbox;
use guildhall_core::rsvp::{self, ReplyOutcome};
use guildhall_core::{Context, CoreError};
use guildhall_mail::Mailers;

use crate::args::GuestFormat;
use crate::show::printable;

/// Applies each file (each in its own transaction: one bad file does not undo the others) and
/// prints a line per file. Exit 1 when a file could not be read.
pub fn import_replies(ctx: &Context, files: &[PathBuf]) -> Result<ExitCode, CoreError> {
    let mut unreadable = false;
    for file in files {
        let shown = printable(&file.display().to_string());
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                println!("{shown}: not read ({e})");
                unreadable = true;
                continue;
            }
        };
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        let now = ctx.clock.now();
        let report =
            ctx.write(|tx| rsvp::apply_file(tx, name.as_deref().unwrap_or_default(), &bytes, now))?;
        println!(
            "{shown}: {}: {}",
            report.outcome.as_str(),
            printable(&report.detail)
        );
        if let (ReplyOutcome::Held, Some(id)) = (report.outcome, &report.id) {
            eprintln!("guildhall: {shown} was held; if it is right: guildhall import confirm {id}");
        }
    }
    Ok(if unreadable {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads the inbox once and prints what it did.
pub fn check_inbox(ctx: &Context) -> Result<ExitCode, CoreError> {
    let settings = ctx.read(inbox::settings)?.ok_or_else(|| {
        CoreError::invalid(
            "inbox",
            "Set up the inbox first: guildhall settings imap --host H --port P --security tls --user U",
        )
    })?;
    let password = Mailers::new().inbox_password(&settings)?;
    let report = guildhall_mail::imap::check(ctx, &settings, &password);
    println!(
        "read {}: applied {}, held {}, unmatched {}, left alone {}",
        report.read, report.applied, report.held, report.unmatched, report.ignored
    );
    if let Some(problem) = &report.problem {
        eprintln!("guildhall: {}", printable(problem));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies a held reply the organizer confirms.
pub fn confirm(ctx: &Context, id: &str) -> Result<ExitCode, CoreError> {
    let now = ctx.clock.now();
    let report = ctx.write(|tx| rsvp::confirm(tx, id, now))?;
    println!("{id}: {}", printable(&report.detail));
    Ok(ExitCode::SUCCESS)
}

/// Prints the guest list: counts, then one guest a line (or CSV).
pub fn guests(
    ctx: &Context,
    workshop: &str,
    date: Option<String>,
    format: GuestFormat,
) -> Result<ExitCode, CoreError> {
    let date = date
        .map(|d| {
            d.parse::<jiff::civil::Date>().map_err(|_| {
                CoreError::invalid(
                    "date",
                    format!("{} is not a date (YYYY-MM-DD)", printable(&d)),
                )
            })
        })
        .transpose()?;
    let list = ctx.read(|c| rsvp::guest_list(c, workshop, date))?;
    match format {
        GuestFormat::Csv => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            rsvp::guests_csv(&list, &mut out)?;
        }
        GuestFormat::Text => {
            let c = &list.counts;
            let capacity = list
                .capacity
                .map(|n| format!(" of {n} places"))
                .unwrap_or_default();
            println!(
                "{}: going {}{capacity}, maybe {}, can't come {}, no answer {}, waitlisted {}",
                printable(&list.title),
                c.going,
                c.maybe,
                c.declined,
                c.no_answer,
                c.waitlisted
            );
            for g in &list.guests {
                let mut line = format!(
                    "{}\t{}\t{}",
                    rsvp::rsvp_words(g.rsvp),
                    printable(&g.name),
                    printable(g.email.as_deref().unwrap_or("-"))
                );
                if let Some(source) = &g.source {
                    line.push_str(&format!("\tby {source}"));
                }
                if let Some(comment) = &g.comment {
                    line.push_str(&format!("\t\"{}\"", printable(comment)));
                }
                if g.bounced {
                    line.push_str("\tbounced");
                }
                println!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
