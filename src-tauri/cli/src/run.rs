//! What each command does: open the data folder's database, call the core, print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use guildhall_core::calendar::{self, export::CalendarScope};
use guildhall_core::files::write_atomically;
use guildhall_core::members::import::{ImportFormat, ImportOptions};
use guildhall_core::members::{self, AudienceFilter, MailingListFormat, MemberQuery};
use guildhall_core::services::{changes, imports::MemberImports};
use guildhall_core::{Clock, Context, CoreError};

use crate::args::{Cli, Command, Export, FormatArg, Import, ListFormatArg};
use crate::show::{level_of, printable, role_of};

/// The app's identifier (tauri.conf.json): its data folder is `<platform data dir>/<this>`.
const APP_IDENTIFIER: &str = "org.guildhall.desktop";

fn data_dir(cli: &Cli) -> Result<PathBuf, CoreError> {
    cli.data_dir
        .clone()
        .or_else(|| {
            guildhall_core::db::data_dir(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
        })
        .ok_or_else(|| CoreError::Io {
            context: "no data folder: pass --data-dir or set GUILDHALL_DATA_DIR".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        })
}

fn read_file(path: &Path) -> Result<Vec<u8>, CoreError> {
    std::fs::read(path).map_err(|source| CoreError::Io {
        context: format!("could not read {}", path.display()),
        source,
    })
}

/// Writes to `target` ("-" is standard output) through `write`.
fn write_target(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<u32, CoreError>,
) -> Result<u32, CoreError> {
    if target == Path::new("-") {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let count = write(&mut out)?;
        out.flush().map_err(|source| CoreError::Io {
            context: "could not write to standard output".into(),
            source,
        })?;
        Ok(count)
    } else {
        write_atomically(target, write)
    }
}

/// How long a service run by a command may take to stop once the command is done.
const STOP_WITHIN: Duration = Duration::from_secs(30);

pub fn run(cli: Cli) -> Result<ExitCode, CoreError> {
    let db = Context::open_in(&data_dir(&cli)?, Clock::system())?;
    for note in db.db.upgrade_notes() {
        eprintln!("guildhall: {}", printable(note));
    }
    match cli.command {
        Command::Import(Import::Members {
            file,
            format,
            dry_run,
            skip_bad_rows,
            encoding,
        }) => import_members(&db, &file, format, dry_run, skip_bad_rows, encoding),
        Command::Export(Export::Members { file }) => {
            let count = write_target(&file, |out| db.read(|c| members::all_members_csv(c, out)))?;
            eprintln!("exported {count} members");
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(Export::MailingList {
            file,
            format,
            tags,
            role,
            level,
        }) => {
            let filter = AudienceFilter {
                tags,
                role: role.map(role_of),
                level: level.map(level_of),
            };
            let format = list_format_of(format);
            let count = write_target(&file, |out| {
                db.read(|c| members::mailing_list(c, &filter, format, out))
            })?;
            eprintln!("exported {count} addresses");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(Import::Calendar {
            file,
            dry_run,
            skip_bad_events,
        }) => import_calendar(&db, &file, dry_run, skip_bad_events),
        Command::Export(Export::Calendar {
            file,
            workshop,
            member,
            upcoming,
        }) => {
            let scope = match (workshop, member) {
                (Some(id), _) => CalendarScope::Workshop { id },
                (None, Some(member_id)) => CalendarScope::Facilitator { member_id },
                (None, None) if upcoming => CalendarScope::Upcoming,
                (None, None) => CalendarScope::All,
            };
            let (text, written) =
                db.snapshot(|c| calendar::export::calendar(c, &scope, &db.clock))?;
            write_target(&file, |out| {
                out.write_all(text.as_bytes())
                    .map_err(|source| CoreError::Io {
                        context: format!("could not write {}", file.display()),
                        source,
                    })?;
                Ok(written.events)
            })?;
            eprintln!(
                "exported {} workshops ({} events)",
                written.workshops, written.events
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, archived } => search(&db, &query, archived),
        Command::Watch => watch(&db),
        Command::Settings(command) => crate::mail::settings(&db, command),
        Command::Invite {
            workshop,
            all,
            tags,
            roles,
            levels,
            attended,
            members,
            any,
            subject,
            body_file,
            dry_run,
        } => {
            let audience = crate::mail::audience(all, tags, roles, levels, attended, members, any);
            crate::mail::invite(
                &db,
                &workshop,
                &audience,
                subject,
                body_file.as_deref(),
                dry_run,
            )
        }
        Command::Update { workshop } => crate::mail::update(&db, &workshop),
        Command::Cancel { workshop } => crate::mail::cancel(&db, &workshop),
        Command::Uninvite { workshop, member } => crate::mail::uninvite(&db, &workshop, &member),
        Command::Outbox(command) => crate::mail::outbox(&db, command),
        Command::Inbox(crate::args::Inbox::Check) => crate::replies::check_inbox(&db),
        Command::Import(Import::Replies { files }) => crate::replies::import_replies(&db, &files),
        Command::Import(Import::Confirm { reply }) => crate::replies::confirm(&db, &reply),
        Command::Guests {
            workshop,
            date,
            format,
        } => crate::replies::guests(&db, &workshop, date, format),
    }
}

/// Prints each domain that changes, a line each, until the process is interrupted: the change
/// watcher the app runs, headless.
fn watch(db: &Context) -> Result<ExitCode, CoreError> {
    let (sender, changed) = std::sync::mpsc::channel();
    let service = changes::watch(&db.db, changes::POLL_EVERY, move |domains| {
        let _ = sender.send(domains.to_vec());
    })?;
    eprintln!("guildhall: watching for changes (Ctrl+C to stop)");
    let mut out = std::io::stdout().lock();
    for domains in changed {
        for domain in domains {
            if writeln!(out, "{}", domain.as_str())
                .and_then(|()| out.flush())
                .is_err()
            {
                // The reader went away.
                let _ = service.stop(STOP_WITHIN);
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn import_calendar(
    db: &Context,
    file: &Path,
    dry_run: bool,
    skip_bad_events: bool,
) -> Result<ExitCode, CoreError> {
    let bytes = read_file(file)?;
    let options = calendar::import::CalendarImportOptions { skip_bad_events };
    let result = if dry_run {
        calendar::import::preview(&db.db, &bytes, &db.clock, options)
    } else {
        calendar::import::import_file(&db.db, &bytes, &db.clock, options)
    };
    let report = match result {
        Ok(report) => report,
        // Where in the file, as compilers say it, so an editor can jump there.
        Err(CoreError::InvalidFile { line, message }) => {
            let place = line.map(|l| format!(":{l}")).unwrap_or_default();
            eprintln!(
                "guildhall: {}{place}: {}; nothing was imported",
                file.display(),
                printable(&message)
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(other) => return Err(other),
    };
    for skipped in &report.skipped {
        eprintln!(
            "{}:{}: {} (skipped “{}”)",
            file.display(),
            skipped.line,
            printable(&skipped.reason),
            printable(&skipped.title)
        );
    }
    if report.skipped_count as usize > report.skipped.len() {
        eprintln!(
            "… and {} more skipped",
            report.skipped_count as usize - report.skipped.len()
        );
    }
    let verb = if dry_run { "would import" } else { "imported" };
    println!(
        "{verb} {} events: {} new, {} updated, {} unchanged, {} skipped",
        report.events, report.created, report.updated, report.unchanged, report.skipped_count
    );
    Ok(ExitCode::SUCCESS)
}

fn import_members(
    db: &Context,
    file: &Path,
    format: FormatArg,
    dry_run: bool,
    skip_bad_rows: bool,
    encoding: Option<String>,
) -> Result<ExitCode, CoreError> {
    let bytes = read_file(file)?;
    let options = ImportOptions {
        format: format_of(format),
        skip_bad_rows,
        dry_run,
        encoding,
        ..Default::default()
    };
    // The import service the app runs, headless: started for this one import, then stopped.
    let (imports, service) = MemberImports::start(db)?;
    let report = imports.run(bytes, options, |_| {});
    if let Err(late) = service.stop(STOP_WITHIN) {
        eprintln!("guildhall: {late}");
    }
    let report = report?;
    if report.encoding_guessed {
        // Never mojibake without a word: the guess is said, and how to choose another.
        eprintln!(
            "guildhall: {} is not UTF-8; read it as {} (a guess): if names look wrong, import \
             again with --encoding NAME",
            file.display(),
            report.encoding
        );
    }
    for row in &report.rejected_rows {
        eprintln!(
            "{}:{}: {}",
            file.display(),
            row.line,
            printable(&row.reason)
        );
    }
    let unlisted = report.rejected as usize - report.rejected_rows.len();
    if unlisted > 0 {
        eprintln!(
            "{}: and {unlisted} more rows with problems (the first {} are listed)",
            file.display(),
            report.rejected_rows.len()
        );
    }
    let verb = if report.committed {
        "imported"
    } else {
        "nothing imported"
    };
    println!(
        "{verb} ({:?} format): {} new, {} updated, {} unchanged, {} rejected",
        report.format, report.new, report.updated, report.unchanged, report.rejected
    );
    let refused = report.rejected > 0 && !skip_bad_rows;
    if refused {
        eprintln!(
            "guildhall: {} rows have problems, so nothing was imported; fix them or pass --skip-bad-rows",
            report.rejected
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn search(db: &Context, text: &str, archived: bool) -> Result<ExitCode, CoreError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut offset = 0;
    loop {
        let query = MemberQuery {
            text: text.to_owned(),
            include_archived: archived,
            offset: Some(offset),
            limit: Some(1_000),
        };
        let page = db.read(|c| members::list(&db.search, c, &query))?;
        for m in &page.members {
            let line = printable(&format!(
                "{}\t{}\t{}\t{}",
                m.id,
                m.name,
                m.email.as_deref().unwrap_or(""),
                m.tags.join(", ")
            ));
            if writeln!(out, "{line}").is_err() {
                return Ok(ExitCode::SUCCESS); // the reader went away (e.g. `| head`)
            }
        }
        offset += page.members.len() as u32;
        if page.members.is_empty() || offset >= page.total {
            break;
        }
    }
    let _ = out.flush();
    Ok(ExitCode::SUCCESS)
}

fn format_of(format: FormatArg) -> Option<ImportFormat> {
    match format {
        FormatArg::Auto => None,
        FormatArg::Meetup => Some(ImportFormat::Meetup),
        FormatArg::Eventbrite => Some(ImportFormat::Eventbrite),
        FormatArg::Luma => Some(ImportFormat::Luma),
        FormatArg::Guildhall => Some(ImportFormat::Guildhall),
        FormatArg::Csv => Some(ImportFormat::Generic),
    }
}

fn list_format_of(format: ListFormatArg) -> MailingListFormat {
    match format {
        ListFormatArg::Csv => MailingListFormat::Csv,
        ListFormatArg::Mailchimp => MailingListFormat::Mailchimp,
        ListFormatArg::Listmonk => MailingListFormat::Listmonk,
        ListFormatArg::Plain => MailingListFormat::Plain,
        ListFormatArg::Vcard => MailingListFormat::Vcard,
    }
}
