//! The one error type of the core. Variants exist where a caller acts differently (the UI puts a
//! validation message next to its field, offers the existing member on a duplicate email, shows a
//! full-page notice for a database it must not touch); everything else is `Sqlite`/`Io`.

use std::path::PathBuf;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input that breaks a rule; `field` names the input field (camelCase, as the UI knows it).
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },

    #[error("{email} is already used by {existing_name}")]
    DuplicateEmail {
        email: String,
        existing_id: String,
        existing_name: String,
    },

    /// A file that cannot be read as what it claims to be (an import, a calendar). `line` is
    /// 1-based, counted as an editor counts lines, when the problem has a place.
    #[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    InvalidFile { line: Option<u32>, message: String },

    /// The user cancelled a long action (or the app closed during it); nothing was written.
    #[error("cancelled; nothing was changed")]
    Cancelled,

    /// One of a kind of work that runs one at a time (an import) is running already.
    #[error("Another {what} is still running; wait for it or cancel it.")]
    Busy { what: String },

    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },

    #[error(
        "{} was written by a newer version of Guildhall (schema {found}; this version knows up to \
         {supported}). It was left untouched: please update Guildhall to open it.",
        path.display()
    )]
    DatabaseTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("{} is not a Guildhall database ({source}). It was left untouched.", path.display())]
    NotADatabase {
        path: PathBuf,
        source: rusqlite::Error,
    },

    /// The file cannot be read as a database any more (a disk error, a file overwritten in
    /// part). `copies`: the copies kept before upgrades, newest first, which it can be
    /// restored from.
    #[error(
        "The database {} is damaged: {detail}. Guildhall has not changed it. To restore {}, quit \
         Guildhall, move the damaged file somewhere safe (it may still be repairable), and put the \
         copy in its place under the same name. Or start afresh without it and import your last \
         members export.",
        path.display(),
        restore_source(copies)
    )]
    DatabaseDamaged {
        path: PathBuf,
        detail: String,
        copies: Vec<PathBuf>,
    },

    /// The file's schema or recorded history is not what Guildhall's migration files make:
    /// opening it could apply the wrong steps, so it is refused.
    #[error(
        "The database {} does not match this version of Guildhall's history (at schema \
         {version}, {detail}). It was left untouched. Open it with the version of Guildhall that \
         made it and export your members, or restore a copy.",
        path.display()
    )]
    SchemaMismatch {
        path: PathBuf,
        version: i64,
        detail: String,
    },

    #[error("Updating the database failed at {name}: {message}. Nothing was changed.")]
    Migration { name: &'static str, message: String },

    /// Another Guildhall (a second window, the CLI) kept the write lock for longer than a
    /// write waits, even after trying again.
    #[error("Another Guildhall (a window or the command line) is writing to this database; try again in a moment.")]
    DatabaseLocked,

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    /// A file the organizer asked for (an export, a calendar) could not be written: a
    /// read-only folder, a full disk, a name the system refuses.
    #[error("Could not write {}: {source}", path.display())]
    FileWrite {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A mail could not be delivered. `permanent` when the server refused it for good (5xx:
    /// no such mailbox); otherwise it may go through later (4xx, a dropped connection).
    #[error("{message}")]
    Delivery { permanent: bool, message: String },

    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("could not get a database connection: {0}")]
    Pool(#[from] r2d2::Error),
}

impl CoreError {
    /// The variant's name, for a log line: the messages may quote what a member typed or what
    /// a file held, so they are not logged.
    pub fn kind(&self) -> &'static str {
        match self {
            CoreError::Validation { .. } => "validation",
            CoreError::DuplicateEmail { .. } => "duplicateEmail",
            CoreError::InvalidFile { .. } => "invalidFile",
            CoreError::Cancelled => "cancelled",
            CoreError::Busy { .. } => "busy",
            CoreError::NotFound { .. } => "notFound",
            CoreError::DatabaseTooNew { .. } => "databaseTooNew",
            CoreError::NotADatabase { .. } => "notADatabase",
            CoreError::Migration { .. } => "migration",
            CoreError::DatabaseDamaged { .. } => "databaseDamaged",
            CoreError::SchemaMismatch { .. } => "schemaMismatch",
            CoreError::DatabaseLocked => "databaseLocked",
            CoreError::Io { .. } => "io",
            CoreError::FileWrite { .. } => "fileWrite",
            CoreError::Delivery { .. } => "delivery",
            CoreError::Sqlite(_) => "sqlite",
            CoreError::Pool(_) => "pool",
        }
    }

    pub(crate) fn not_found(what: &'static str, id: &str) -> Self {
        CoreError::NotFound {
            what,
            id: id.to_owned(),
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        CoreError::Validation {
            field,
            message: message.into(),
        }
    }
}

/// What a damaged database can be restored from, for its message.
fn restore_source(copies: &[PathBuf]) -> String {
    match copies.first() {
        Some(newest) => format!(
            "the copy Guildhall kept before its last upgrade ({})",
            newest.display()
        ),
        None => "a backup".into(),
    }
}

/// Whether SQLite gave up waiting for another connection's lock.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// SQLite's "database is locked" after the busy timeout is another Guildhall writing; every
/// other SQLite error is one.
impl From<rusqlite::Error> for CoreError {
    fn from(error: rusqlite::Error) -> Self {
        if is_busy(&error) {
            CoreError::DatabaseLocked
        } else {
            CoreError::Sqlite(error)
        }
    }
}

/// A calendar that cannot be read is an invalid file; a zone the tz database does not know is a
/// validation error on the time zone.
impl From<guildhall_ical::IcalError> for CoreError {
    fn from(error: guildhall_ical::IcalError) -> Self {
        match error {
            guildhall_ical::IcalError::InvalidFile { line, message } => {
                CoreError::InvalidFile { line, message }
            }
            unknown @ guildhall_ical::IcalError::UnknownZone { .. } => {
                CoreError::invalid("timeZone", unknown.to_string())
            }
        }
    }
}
