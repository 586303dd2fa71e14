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

    /// The database could not be opened (written by a newer Guildhall, not a Guildhall file,
    /// unreadable folder): the UI shows a full-page notice instead of the app.
    #[error("{message}")]
    DatabaseUnavailable { message: String },

    /// Anything else: shown as a notice, details in the log.
    #[error("{message}")]
    Internal { message: String },
}

impl From<CoreError> for CommandError {
    fn from(error: CoreError) -> Self {
        let message = error.to_string();
        match error {
            CoreError::Validation { field, .. } => CommandError::Validation {
                field: field.to_owned(),
                message,
            },
            CoreError::DuplicateEmail {
                existing_id,
                existing_name,
                ..
            } => CommandError::DuplicateEmail {
                message,
                existing_id,
                existing_name,
            },
            CoreError::NotFound { .. } => CommandError::NotFound { message },
            CoreError::InvalidFile { line, .. } => CommandError::InvalidFile { message, line },
            CoreError::Cancelled => CommandError::Cancelled { message },
            CoreError::DatabaseTooNew { .. }
            | CoreError::NotADatabase { .. }
            | CoreError::Migration { .. }
            | CoreError::Io { .. } => CommandError::DatabaseUnavailable { message },
            CoreError::Sqlite(_) | CoreError::Pool(_) => {
                eprintln!("guildhall: internal error: {message}");
                CommandError::Internal { message }
            }
        }
    }
}
