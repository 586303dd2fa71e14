//! Invitations: who is invited to a workshop (an audience, one invitation per person), the mail
//! they get (a template with placeholders, HTML and text, a calendar invitation every client
//! accepts and updates, their check-in code as a QR image), and the actions that put those
//! mails in the outbox: invite, send the update, cancel, uninvite; and the reminders.
//!
//! The files, from the bottom up: `model` (the types the UI sees), `template` (placeholders,
//! Markdown to safe HTML), `qr`, `links` (the reply links), `audience` (who), `compose` (one
//! mail as bytes), `mail` (the saved subject and text, the preview), `store` (the actions, one
//! transaction each), `reminders` (due reminders into the outbox).

pub mod audience;
pub mod compose;
pub mod links;
pub mod mail;
mod model;
pub mod qr;
pub mod reminders;
pub mod store;
pub mod template;

pub use mail::{mail, preview_mail, save_mail};
pub use model::{
    Audience, AudiencePreview, Combine, Invitation, InvitationMail, InvitationOverview, InviteRole,
    Invitee, LeftOut, LeftOutReason, MailPreview, Queued, Rsvp,
};
pub use store::{cancel_workshop, invite, overview, queue_one, remove, send_update};
