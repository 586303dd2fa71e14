//! A workshop's invitation mail: its subject and text as saved (checked when saved), and the
//! preview of what one person would get.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::compose::{self, Purpose, Recipient};
use super::model::{InvitationMail, InviteRole, MailPreview, Rsvp};
use crate::error::{CoreError, Result};
use crate::settings::{self, MailSettings};
use crate::time::stamp;
use crate::workshops;

/// The workshop's saved mail, or the default one (`false`).
pub fn mail(conn: &Connection, workshop_id: &str) -> Result<(InvitationMail, bool)> {
    let saved = conn
        .query_row(
            "SELECT subject, body, remind_before_minutes, confirm_answers FROM invitation_mail
             WHERE workshop_id = ?1",
            [workshop_id],
            |r| {
                Ok(InvitationMail {
                    subject: r.get(0)?,
                    body: r.get(1)?,
                    remind_before_minutes: r.get(2)?,
                    confirm_answers: r.get(3)?,
                })
            },
        )
        .optional()?;
    Ok(match saved {
        Some(m) => (m, true),
        None => (InvitationMail::default(), false),
    })
}

/// Saves the workshop's mail after checking every placeholder.
pub fn save_mail(
    tx: &Transaction,
    workshop_id: &str,
    mail: &InvitationMail,
    now: Timestamp,
) -> Result<InvitationMail> {
    workshops::get(tx, workshop_id)?;
    compose::templates(mail)?;
    if let Some(m) = mail.remind_before_minutes {
        if !(1..=43_200).contains(&m) {
            return Err(CoreError::invalid(
                "remindBeforeMinutes",
                "A reminder goes out between 1 minute and 30 days before.",
            ));
        }
    }
    tx.execute(
        "INSERT INTO invitation_mail (workshop_id, subject, body, remind_before_minutes,
             confirm_answers, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (workshop_id) DO UPDATE SET subject = ?2, body = ?3,
             remind_before_minutes = ?4, confirm_answers = ?5, updated_at = ?6",
        params![
            workshop_id,
            mail.subject,
            mail.body,
            mail.remind_before_minutes,
            mail.confirm_answers,
            stamp(now)
        ],
    )?;
    Ok(mail.clone())
}

/// The mail `member_id` would get, with `draft` as the text (saved or not): the first
/// session's mail, and how many mails they get in all.
pub fn preview_mail(
    conn: &Connection,
    workshop_id: &str,
    member_id: &str,
    draft: &InvitationMail,
    now: Timestamp,
) -> Result<MailPreview> {
    let workshop = workshops::get(conn, workshop_id)?;
    if workshop.sessions.is_empty() {
        return Err(CoreError::invalid(
            "sessions",
            "Give the workshop a date before previewing its invitation.",
        ));
    }
    let settings = settings::mail(conn)?.unwrap_or_else(|| MailSettings {
        host: "smtp.example.org".into(),
        port: 587,
        security: settings::Security::StartTls,
        user: None,
        from_name: "Your community".into(),
        from_address: "you@example.org".into(),
        reply_to: None,
    });
    let member = crate::members::get(conn, member_id)?;
    let email = member.email.clone().unwrap_or_default();
    let role = if workshop.facilitators.iter().any(|f| f.id == member.id) {
        InviteRole::Facilitator
    } else {
        InviteRole::Attendee
    };
    let to = Recipient {
        member_id: &member.id,
        name: &member.name,
        email: &email,
        check_in_code: &member.check_in_code,
        role,
        rsvp: Rsvp::NeedsAction,
        invitation_id: "preview",
        reply_token: "preview",
    };
    let r = compose::render(
        &workshop,
        0,
        &to,
        &compose::templates(draft)?,
        &settings,
        Purpose::Invitation,
        workshop.ical_sequence,
        now,
    )?;
    Ok(MailPreview {
        to: crate::mime::mailbox(&member.name, &email),
        subject: r.subject,
        text: r.text,
        html: r.html,
        parts: workshop.sessions.len() as u32,
    })
}
