//! What a failed command tells the UI: a tagged enum (`{ kind: "duplicateEmail", … }`) the UI
//! branches on, with a variant only where the UI acts differently. Messages are written for the
//! organizer, not for us.

use guildhall_core::CoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CommandError {
    /// Shown next to the input field named by `field`.
    #[error("{message}")]
    Validation { field: String, message: String },

    /// Shown next to the email field, naming who already has the address.
    #[error("{message}")]
    DuplicateEmail {
        message: String,
        #[serde(rename = "existingId")]
        existing_id: String,
        #[serde(rename = "existingName")]
        existing_name: String,
    },

    /// A file could not be read (an import or calendar file); `line` says where, when known.
    #[error("{message}")]
    InvalidFile { message: String, line: Option<u32> },

    /// The user cancelled; nothing was changed.
    #[error("{message}")]
    Cancelled { message: String },

    /// The thing was deleted meanwhile (another window, the CLI): the UI reloads its list.
    #[error("{message}")]
    NotFound { message: String },

    /// A file the organizer asked for could not be written (a read-only folder, a full disk):
    /// the UI says which file and why; the database is fine (this used to be reported as
    /// "database unavailable").
    #[error("{message}")]
    FileNotWritten { message: String, path: String },

    /// A mail was not delivered. `permanent`: the server refused it for good (no such
    /// mailbox), so retrying is pointless; otherwise it may go through later.
    #[error("{message}")]
    DeliveryFailed { message: String, permanent: bool },

    /// Something else is using what this action needs (another Guildhall writing, an import
    /// already running): nothing was changed, and trying again later works.
    #[error("{message}")]
    Busy { message: String },

    /// The database could not be opened (written by a newer Guildhall, not a Guildhall file,
    /// unreadable folder): the UI shows a full-page notice instead of the app.
    #[error("{message}")]
    DatabaseUnavailable { message: String },

    /// Anything else: shown as a notice, details in the log.
    #[error("{message}")]
    Internal { message: String },
}

impl CommandError {
    /// The variant's name as the UI sees it, for the log (messages may hold what a member
    /// typed, so they are not logged).
    pub fn kind(&self) -> &'static str {
        match self {
            CommandError::Validation { .. } => "validation",
            CommandError::DuplicateEmail { .. } => "duplicateEmail",
            CommandError::InvalidFile { .. } => "invalidFile",
            CommandError::Cancelled { .. } => "cancelled",
            CommandError::NotFound { .. } => "notFound",
            CommandError::FileNotWritten { .. } => "fileNotWritten",
            CommandError::DeliveryFailed { .. } => "deliveryFailed",
            CommandError::Busy { .. } => "busy",
            CommandError::DatabaseUnavailable { .. } => "databaseUnavailable",
            CommandError::Internal { .. } => "internal",
        }
    }
}

impl From<CoreError> for CommandError {
    fn from(error: CoreError) -> Self {
        let message = error.to_string();
        match error {
            CoreError::Validation { field, .. } => {
                tracing::info!(kind = "validation", field, "refused");
                CommandError::Validation {
                    field: field.to_owned(),
                    message,
                }
            }
            CoreError::DuplicateEmail {
                existing_id,
                existing_name,
                ..
            } => {
                tracing::info!(kind = "duplicateEmail", existing_id, "refused");
                CommandError::DuplicateEmail {
                    message,
                    existing_id,
                    existing_name,
                }
            }
            CoreError::NotFound { what, .. } => {
                tracing::info!(kind = "notFound", what, "refused");
                CommandError::NotFound { message }
            }
            CoreError::InvalidFile { line, .. } => {
                tracing::info!(kind = "invalidFile", ?line, "refused");
                CommandError::InvalidFile { message, line }
            }
            CoreError::Cancelled => {
                tracing::info!(
                    kind = "cancelled",
                    "stopped before the end; nothing written"
                );
                CommandError::Cancelled { message }
            }
            CoreError::FileWrite { path, source } => {
                tracing::warn!(kind = ?source.kind(), "a file could not be written");
                CommandError::FileNotWritten {
                    message,
                    path: path.display().to_string(),
                }
            }
            CoreError::Delivery { permanent, .. } => {
                tracing::warn!(permanent, "a mail was not delivered");
                CommandError::DeliveryFailed { message, permanent }
            }
            // Logged without the message, which names folders on the organizer's computer.
            CoreError::DatabaseTooNew {
                found, supported, ..
            } => {
                tracing::error!(
                    found,
                    supported,
                    "the database was written by a newer Guildhall"
                );
                CommandError::DatabaseUnavailable { message }
            }
            CoreError::NotADatabase { source, .. } => {
                tracing::error!(%source, "the database file is not a Guildhall database");
                CommandError::DatabaseUnavailable { message }
            }
            CoreError::Migration { name, .. } => {
                tracing::error!(name, "a migration failed; nothing was changed");
                CommandError::DatabaseUnavailable { message }
            }
            CoreError::DatabaseDamaged { .. } => {
                tracing::error!("the database file is damaged");
                CommandError::DatabaseUnavailable { message }
            }
            CoreError::SchemaMismatch { version, .. } => {
                tracing::error!(
                    version,
                    "the database's history does not match the migrations"
                );
                CommandError::DatabaseUnavailable { message }
            }
            CoreError::DatabaseLocked => {
                tracing::warn!(kind = "databaseLocked", "another writer kept the lock");
                CommandError::Busy { message }
            }
            CoreError::Io { source, .. } => {
                tracing::error!(kind = ?source.kind(), "the data folder is unavailable");
                CommandError::DatabaseUnavailable { message }
            }
            CoreError::Busy { .. } => CommandError::Busy { message },
            CoreError::Sqlite(ref sqlite) => {
                // SQLite's own messages name tables and constraints; a conversion failure may
                // quote a stored value, so only SQLite's code is logged for those.
                match sqlite {
                    rusqlite::Error::SqliteFailure(failure, text) => {
                        tracing::error!(code = ?failure.code, text, "database error")
                    }
                    _ => tracing::error!("database error (reading a row)"),
                }
                CommandError::Internal { message }
            }
            CoreError::Pool(_) => {
                tracing::error!("no database connection");
                CommandError::Internal { message }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_deliveries_and_unwritable_files_reach_the_ui_as_their_own_kinds() {
        let transient = CommandError::from(CoreError::Delivery {
            permanent: false,
            message: "451 try again later".into(),
        });
        assert_eq!(
            transient,
            CommandError::DeliveryFailed {
                message: "451 try again later".into(),
                permanent: false
            }
        );
        let permanent = CommandError::from(CoreError::Delivery {
            permanent: true,
            message: "550 no such mailbox".into(),
        });
        assert!(matches!(
            permanent,
            CommandError::DeliveryFailed {
                permanent: true,
                ..
            }
        ));
        let json = serde_json::to_value(&permanent).unwrap();
        assert_eq!(json["kind"], "deliveryFailed");
        assert_eq!(json["permanent"], true);

        let unwritable = CommandError::from(CoreError::FileWrite {
            path: "/read-only/out.ics".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        });
        let json = serde_json::to_value(&unwritable).unwrap();
        assert_eq!(json["kind"], "fileNotWritten");
        assert_eq!(json["path"], "/read-only/out.ics");
        assert_eq!(unwritable.kind(), "fileNotWritten");
    }
}
