//! The types of invitations that cross into the UI and the CLI.

use serde::{Deserialize, Serialize};

use crate::members::{PracticeLevel, Role};

/// How an audience's criteria combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Combine {
    /// Members who match every criterion given.
    #[default]
    All,
    /// Members who match at least one.
    Any,
}

/// Who a workshop is sent to. Each non-empty list is one criterion (a member matches it when
/// they match one of its entries); the criteria combine by `combine`; members picked by hand
/// are added whatever the criteria say. `everyone` is every member. Only members with an
/// email who consented and have not unsubscribed are ever invited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct Audience {
    pub everyone: bool,
    pub tags: Vec<String>,
    pub roles: Vec<Role>,
    pub levels: Vec<PracticeLevel>,
    /// Members who accepted an invitation to one of these workshops.
    pub attended: Vec<String>,
    pub members: Vec<String>,
    pub combine: Combine,
}

/// Why a member the audience names is not invited.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum LeftOutReason {
    NoEmail,
    NoConsent,
    Unsubscribed,
    /// Mail to the address bounced; the organizer fixes it first.
    Bounced,
    Archived,
    AlreadyInvited,
}

impl LeftOutReason {
    pub fn describe(self) -> &'static str {
        match self {
            LeftOutReason::NoEmail => "no email address",
            LeftOutReason::NoConsent => "did not agree to receive mail",
            LeftOutReason::Unsubscribed => "unsubscribed",
            LeftOutReason::Bounced => "the address bounced",
            LeftOutReason::Archived => "archived",
            LeftOutReason::AlreadyInvited => "already invited",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    pub reason: LeftOutReason,
    pub count: u32,
}

/// Someone an invitation would go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Invitee {
    pub member_id: String,
    pub name: String,
    pub email: String,
    pub role: InviteRole,
}

/// Who the audience gives, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AudiencePreview {
    /// Everyone who would get an invitation now, facilitators first, then by name.
    pub invitees: Vec<Invitee>,
    /// How many members the audience names are left out, by reason.
    pub left_out: Vec<LeftOut>,
}

/// How someone takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InviteRole {
    Attendee,
    Facilitator,
}

impl InviteRole {
    pub fn as_str(self) -> &'static str {
        match self {
            InviteRole::Attendee => "attendee",
            InviteRole::Facilitator => "facilitator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "attendee" => Some(InviteRole::Attendee),
            "facilitator" => Some(InviteRole::Facilitator),
            _ => None,
        }
    }
}

/// A member's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Rsvp {
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
    Waitlisted,
}

impl Rsvp {
    pub fn as_str(self) -> &'static str {
        match self {
            Rsvp::NeedsAction => "needs-action",
            Rsvp::Accepted => "accepted",
            Rsvp::Declined => "declined",
            Rsvp::Tentative => "tentative",
            Rsvp::Waitlisted => "waitlisted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Rsvp::NeedsAction,
            Rsvp::Accepted,
            Rsvp::Declined,
            Rsvp::Tentative,
            Rsvp::Waitlisted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// RFC 5545 PARTSTAT.
    pub fn partstat(self) -> &'static str {
        match self {
            Rsvp::NeedsAction | Rsvp::Waitlisted => "NEEDS-ACTION",
            Rsvp::Accepted => "ACCEPTED",
            Rsvp::Declined => "DECLINED",
            Rsvp::Tentative => "TENTATIVE",
        }
    }
}

/// A workshop's invitation mail as saved: subject and body (Markdown with placeholders) and the
/// reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvitationMail {
    pub subject: String,
    pub body: String,
    /// Minutes before each date; `None`: no reminder.
    pub remind_before_minutes: Option<u32>,
    /// Whether an answer that arrives by mail (calendar reply, reply link) is confirmed with
    /// a short mail back; off unless the organizer chose it.
    #[serde(default)]
    pub confirm_answers: bool,
}

impl Default for InvitationMail {
    fn default() -> Self {
        InvitationMail {
            subject: "Invitation: {workshop}".to_owned(),
            body: "Hello {first_name},\n\nyou are invited to **{workshop}**.\n\n\
                   - When: {when}\n- Where: {where}\n\n{description}\n\n\
                   Use your calendar's Yes / Maybe / No to let us know whether you come.\n\n\
                   See you there,\n{organizer}"
                .to_owned(),
            remind_before_minutes: Some(24 * 60),
            confirm_answers: false,
        }
    }
}

/// One person's invitation, as the workshop's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub member_id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: InviteRole,
    pub rsvp: Rsvp,
    /// The SEQUENCE their calendar has; `None` before anything was queued.
    pub sent_sequence: Option<u32>,
    /// Behind the workshop: their calendar shows an old time or place.
    pub outdated: bool,
    pub removed: bool,
}

/// What a workshop's invitations look like now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvitationOverview {
    pub workshop_id: String,
    pub mail: InvitationMail,
    /// Whether the mail was saved (else `mail` is the default).
    pub mail_saved: bool,
    pub invitations: Vec<Invitation>,
    /// How many invited people's calendars have an older version of the workshop.
    pub outdated: u32,
    /// What those calendars show (the most common old time and place), and what is current.
    pub sent_summary: Option<String>,
    pub current_summary: String,
}

/// What queueing did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    /// People newly invited (or sent the update, or the cancellation).
    pub people: u32,
    /// Mails put in the outbox (one per person and session).
    pub mails: u32,
    pub left_out: Vec<LeftOut>,
}

/// One rendered mail for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MailPreview {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The HTML part: comrak's output with every member value escaped, shown in a sandboxed
    /// frame.
    pub html: String,
    /// How many mails this person gets (one per session).
    pub parts: u32,
}
