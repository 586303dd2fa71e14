//! The outbox: every mail Guildhall sends is written here, in the transaction that made it,
//! before anything is sent; the outbox service delivers it exactly once or says it cannot know.

pub mod deliver;
pub mod mailer;
pub mod store;

pub use store::{
    counts, list, MailKind, MailSelection, MailStatus, MailSummary, NewMail, OutboxCounts,
};
