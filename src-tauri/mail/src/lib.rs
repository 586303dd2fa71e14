//! Mail out over the organizer's own SMTP server, implementing the core's
//! [`guildhall_core::outbox::mailer::Mailer`], and the keychain that holds its password.
//!
//! - [`smtp::SmtpMailer`]: connections to one server, secured as [`MailSettings`] say
//!   (plain only to this machine, STARTTLS, or TLS from the first byte), logged in with the
//!   password from the keychain; each failure comes back classed (`Transient`, `Permanent`,
//!   `Unknown`, `Setup`) so the outbox knows whether to retry, give up, ask the organizer or
//!   wait for the settings to be fixed.
//! - [`secrets::Keychain`]: the password in the OS keychain, under [`secrets::smtp_account`]
//!   (and [`secrets::imap_account`] for the inbox).
//! - [`imap::check`]: one check of the organizer's IMAP inbox for answers.
//!
//! The connections are blocking (each drives its socket on a runtime of its own): call them
//! from a plain thread or `spawn_blocking`, never from inside an async task.
//!
//! [`MailSettings`]: guildhall_core::settings::MailSettings

pub mod imap;
pub mod secrets;
pub mod smtp;
pub mod source;

pub use secrets::{imap_account, smtp_account, Keychain, KeychainError};
pub use smtp::SmtpMailer;
pub use source::Mailers;
