//! Mail out over the organizer's own SMTP server, implementing the core's
//! [`guildhall_core::outbox::mailer::Mailer`], and the keychain that holds its password.
