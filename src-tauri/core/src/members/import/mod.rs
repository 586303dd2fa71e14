//! Importing members from the exports organizers already have: Meetup, Eventbrite, Luma,
//! Guildhall's own export, or any spreadsheet saved as CSV.
//!
//! An import is one user action and so one transaction: either every good row is written or
//! nothing is. [`preview`] shows what a file will become (format, columns, first rows) without
//! writing; [`import`] reads the file end to end before the first write (a broken line near the
//! end is reported before row 1 is touched), then validates each row with the editor's own
//! rules and adds or updates members. Rows that break a rule are listed with their line; unless
//! the organizer chose to skip them, one such row means nothing is written.
//!
//! The stages, each in its own file: `decode` (bytes to text), `parse` (CSV records with their
//! line numbers), `table` (header, row count, rows), `mapping` (which column is which field), `row` (a record to a draft member),
//! `write` (recognise the member a row is about), `merge` (what an update changes), `insert`
//! (new members in batches), and `model` (the types the UI sees).

mod decode;
mod insert;
mod mapping;
mod merge;
mod model;
mod parse;
mod row;
mod table;
mod write;

use std::borrow::Cow;
use std::collections::HashMap;

use std::sync::atomic::{AtomicBool, Ordering};
use unicode_normalization::UnicodeNormalization;

use rusqlite::Connection;

pub use model::{
    ColumnMapping, ImportFormat, ImportOptions, ImportPreview, ImportProgress, ImportReport,
    LookAlike, MemberField, RejectedRow,
};

use self::table::Table;
use self::write::{Outcome, RowError, Writer};
use crate::changes::{self, Domain};
use crate::clock::Clock;
use crate::db::Database;
use crate::error::{CoreError, Result};
use crate::members::model::MemberSource;

/// How many data rows the preview shows.
const PREVIEW_ROWS: usize = 5;

/// Progress is reported after this many rows (and once at the end).
const PROGRESS_EVERY: u32 = 1000;

/// How many rejected rows a report lists (all of them are counted).
pub const MAX_REJECTED_ROWS: usize = 1_000;

/// The page cache of the importing connection, as SQLite's negative KiB: room for 100k members
/// with their indexes, allocated only as pages are used.
const IMPORT_CACHE_KIB: i64 = -128 * 1024;

/// The format and column mapping an import will use.
struct Plan {
    format: ImportFormat,
    columns: Vec<Option<MemberField>>,
    remembered: bool,
}

/// Decides the format (given, or detected from the headers) and the mapping: the organizer's
/// own, else the one remembered for these headers (generic files only), else a guess.
fn plan(
    conn: &Connection,
    headers: &[String],
    format: Option<ImportFormat>,
    explicit: Option<&[ColumnMapping]>,
) -> Result<Plan> {
    let keys: Vec<String> = headers.iter().map(|h| mapping::header_key(h)).collect();
    let format = format.unwrap_or_else(|| mapping::detect(&keys));
    if let Some(entries) = explicit {
        return Ok(Plan {
            format,
            columns: mapping::apply(format, headers, entries)?,
            remembered: false,
        });
    }
    if format == ImportFormat::Generic {
        if let Some(columns) = mapping::remembered(conn, headers)? {
            return Ok(Plan {
                format,
                columns,
                remembered: true,
            });
        }
    }
    Ok(Plan {
        format,
        columns: mapping::guess(format, &keys),
        remembered: false,
    })
}

fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "\t".into(),
        other => char::from(other).to_string(),
    }
}

/// The row's cells, one per header (short rows padded, extra cells dropped).
fn cells(fields: &[Cow<'_, str>], width: usize) -> Vec<String> {
    (0..width)
        .map(|i| fields.get(i).map_or_else(String::new, |f| f.to_string()))
        .collect()
}

/// What `bytes` would import as: format, encoding, delimiter, mapping, the first rows and the
/// row count. Writes nothing. `format` overrides the detected format.
pub fn preview(
    conn: &Connection,
    bytes: &[u8],
    format: Option<ImportFormat>,
) -> Result<ImportPreview> {
    preview_in(conn, bytes, format, None)
}

/// [`preview`] with the file read in `encoding` (a label the organizer chose), if given.
pub fn preview_in(
    conn: &Connection,
    bytes: &[u8],
    format: Option<ImportFormat>,
    encoding: Option<&str>,
) -> Result<ImportPreview> {
    let decoded = decode::decode(bytes, encoding)?;
    let table = Table::read(&decoded.text)?;
    let plan = plan(conn, &table.headers, format, None)?;
    let mut rows = Vec::with_capacity(PREVIEW_ROWS);
    let mut reader = table.rows();
    let mut fields = Vec::new();
    while rows.len() < PREVIEW_ROWS && reader.next_into(&mut fields)?.is_some() {
        rows.push(cells(&fields, table.headers.len()));
    }
    let look_alikes = look_alikes(conn, &table, &plan.columns)?;
    let ignored_columns = table
        .headers
        .iter()
        .zip(&plan.columns)
        .filter(|(_, field)| field.is_none())
        .map(|(header, _)| header.clone())
        .collect();
    Ok(ImportPreview {
        format: plan.format,
        encoding: decoded.encoding.to_owned(),
        encoding_guessed: decoded.guessed,
        encodings: decode::CHOICES.iter().map(|e| (*e).to_owned()).collect(),
        delimiter: delimiter_name(table.delimiter),
        mapping: mapping::describe(&table.headers, &plan.columns),
        remembered_mapping: plan.remembered,
        needs_mapping: !mapping::has_name(&plan.columns),
        headers: table.headers,
        rows,
        total_rows: table.row_count,
        ignored_columns,
        look_alikes,
    })
}

/// Look-alikes listed in a preview, at most.
const MAX_LOOK_ALIKES: usize = 50;

/// The emails of the file that look like an existing member's without being it: the same
/// after Unicode's confusables are folded (a Cyrillic "а" for a Latin "a", "rn" for "m"), but a
/// different address. An import would otherwise add a second "ada@example.org".
fn look_alikes(
    conn: &Connection,
    table: &Table<'_>,
    columns: &[Option<MemberField>],
) -> Result<Vec<LookAlike>> {
    let Some(email_column) = columns.iter().position(|c| *c == Some(MemberField::Email)) else {
        return Ok(Vec::new());
    };
    let skeleton = |key: &str| -> String {
        unicode_security::skeleton(key)
            .collect::<String>()
            .to_lowercase()
    };
    // skeleton -> (the member's email key, their email as written, their name)
    let mut existing: HashMap<String, (String, String, String)> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT email_key, email, name FROM member WHERE email_key IS NOT NULL")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let key: String = row.get(0)?;
        existing.insert(skeleton(&key), (key, row.get(1)?, row.get(2)?));
    }
    let mut out = Vec::new();
    if existing.is_empty() {
        return Ok(out);
    }
    let mut reader = table.rows();
    let mut fields = Vec::new();
    while let Some(line) = reader.next_into(&mut fields)? {
        let Some(email) = fields
            .get(email_column)
            .map(|f| f.trim())
            .filter(|e| !e.is_empty())
        else {
            continue;
        };
        // A key like the store's (an address it would refuse is the row's own problem).
        let key = email.nfkc().collect::<String>().to_lowercase();
        if let Some((theirs, their_email, their_name)) = existing.get(&skeleton(&key)) {
            if *theirs != key {
                out.push(LookAlike {
                    line,
                    email: email.chars().take(254).collect(),
                    existing_email: their_email.clone(),
                    existing_name: their_name.clone(),
                });
                if out.len() == MAX_LOOK_ALIKES {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// Imports `bytes` into `db` in one transaction. See the module documentation for what is
/// committed when; `cancel` is checked between rows and rolls everything back.
pub fn import(
    db: &Database,
    clock: &Clock,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    let decoded = decode::decode(bytes, options.encoding.as_deref())?;
    let table = Table::read(&decoded.text)?;

    // The import's own connection, closed when it returns: a large import touches more pages
    // than the default cache holds, and the members' change counter moves once for the whole import
    // rather than by a trigger per row (1.80 s -> 1.55 s for 100k new members).
    let mut conn = db.connection_without_triggers()?;
    conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
    let mut report = write_rows(&mut conn, clock, &table, options, progress, cancel)?;
    report.encoding = decoded.encoding.to_owned();
    report.encoding_guessed = decoded.guessed;
    Ok(report)
}

/// The import's one transaction: every row of `table`, then commit or roll back.
fn write_rows(
    conn: &mut Connection,
    clock: &Clock,
    table: &Table<'_>,
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    let tx = crate::db::begin_immediate(conn)?;
    let plan = plan(
        &tx,
        &table.headers,
        options.format,
        options.mapping.as_deref(),
    )?;
    if !mapping::has_name(&plan.columns) {
        return Err(CoreError::InvalidFile {
            line: None,
            message: "no column holds the members' names: choose which column is the name \
                      (or the first and last name)"
                .into(),
        });
    }
    // Guildhall writes tags with ", "; a hand-made sheet may use ";" too.
    let lists: &[char] = match plan.format {
        ImportFormat::Guildhall => &[','],
        _ => &[',', ';'],
    };
    let source = match plan.format {
        ImportFormat::Meetup => MemberSource::Meetup,
        ImportFormat::Eventbrite => MemberSource::Eventbrite,
        ImportFormat::Luma => MemberSource::Luma,
        ImportFormat::Guildhall | ImportFormat::Generic => MemberSource::Csv,
    };
    let mut writer = Writer::new(&tx, source, clock)?;
    let mut report = ImportReport {
        format: plan.format,
        new: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        rejected_rows: Vec::new(),
        committed: false,
        encoding: String::new(),
        encoding_guessed: false,
    };
    let total = table.row_count;
    progress(ImportProgress { done: 0, total });

    let mut rows = table.rows();
    let mut fields = Vec::new();
    let mut done = 0u32;
    while let Some(line) = rows.next_into(&mut fields)? {
        if cancel.load(Ordering::Relaxed) {
            return Err(CoreError::Cancelled);
        }
        if plan.format == ImportFormat::Guildhall {
            // Our own backup: take off the guard its export put before formula-like cells.
            for field in fields.iter_mut() {
                let unguarded = crate::members::export::unguard_formula(field);
                if unguarded.len() != field.len() {
                    let owned = unguarded.into_owned();
                    *field = Cow::Owned(owned);
                }
            }
        }
        let outcome = row::draft(&fields, &plan.columns, &table.headers, lists)
            .map_err(|rejection| RowError::Rejected(rejection.0))
            .and_then(|draft| writer.write(line, draft));
        match outcome {
            Ok(Outcome::New) => report.new += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(RowError::Rejected(reason)) => {
                report.rejected += 1;
                if report.rejected_rows.len() < MAX_REJECTED_ROWS {
                    report.rejected_rows.push(RejectedRow { line, reason });
                }
            }
            Err(RowError::Fatal(e)) => return Err(e),
        }
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(ImportProgress { done, total });
        }
    }
    // Rows counted as new whose batch found them clashing are rejected after all.
    let late = writer.finish()?;
    report.new -= late.len() as u32;
    report.rejected += late.len() as u32;
    if !late.is_empty() {
        report.rejected_rows.extend(late);
        report.rejected_rows.sort_by_key(|r| r.line);
        report.rejected_rows.truncate(MAX_REJECTED_ROWS);
    }
    if !done.is_multiple_of(PROGRESS_EVERY) {
        progress(ImportProgress { done, total });
    }

    report.committed = !options.dry_run && (report.rejected == 0 || options.skip_bad_rows);
    if report.committed {
        if report.new + report.updated > 0 {
            changes::record(&tx, Domain::Members)?;
        }
        if plan.format == ImportFormat::Generic {
            mapping::remember(&tx, &table.headers, &plan.columns, &clock.stamp())?;
        }
        tx.commit()?;
    }
    // Otherwise the transaction is dropped here, which rolls it back.
    Ok(report)
}
