//! The one door mail leaves by: the outbox hands each rendered message to a [`Mailer`]'s
//! connection and files the answer by its class. The core knows no mail library; the
//! `guildhall-mail` crate implements these traits over SMTP, and tests implement them over
//! a real server too.

use serde::{Deserialize, Serialize};

/// Who a message is delivered to and from, as the SMTP envelope says (MAIL FROM / RCPT TO);
/// one recipient per message, always.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: String,
    pub to: String,
}

/// Why a message was not delivered, by what the outbox does next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum DeliveryError {
    /// Worth trying again later: a 4xx answer, a server that cannot be reached, a connection
    /// that broke before the message's data was sent.
    #[error("{message}")]
    Transient { code: Option<u16>, message: String },
    /// The server refused this message for good (5xx): this recipient fails, the others go on.
    #[error("{message}")]
    Permanent { code: u16, message: String },
    /// The connection broke after the message's data was (partly) sent and before the server
    /// answered: the server may or may not have it. Never resent without the organizer.
    #[error("{message}")]
    Unknown { message: String },
    /// The settings cannot work at all (no password, a plain connection to a remote host, a
    /// refused login): nothing is sent until they are fixed.
    #[error("{message}")]
    Setup { message: String },
}

impl DeliveryError {
    /// The server's words (or ours), for the organizer.
    pub fn message(&self) -> &str {
        match self {
            DeliveryError::Transient { message, .. }
            | DeliveryError::Permanent { message, .. }
            | DeliveryError::Unknown { message }
            | DeliveryError::Setup { message } => message,
        }
    }
}

/// Opens connections to one mail server with one set of settings.
pub trait Mailer: Send + Sync {
    /// One connection, greeted, secured and logged in as the settings say.
    fn connect(&self) -> Result<Box<dyn MailConnection>, DeliveryError>;
}

/// One open connection; messages go one after another.
pub trait MailConnection: Send {
    /// Delivers `message` (a whole RFC 5322 message, CRLF line ends) to `envelope.to`.
    /// Returns the server's final answer (e.g. `250 2.0.0 Ok: queued as 12345`).
    fn send(&mut self, envelope: &Envelope, message: &[u8]) -> Result<String, DeliveryError>;

    /// Says goodbye (QUIT); errors are of no interest any more.
    fn close(self: Box<Self>) {}
}
