//! The member types shared with the UI (exported to TypeScript through specta).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PracticeLevel {
    Newcomer,
    Practitioner,
    Expert,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Organizer,
    Facilitator,
    Volunteer,
    Member,
}

/// Where a member record came from; `Demo` rows belong to the removable demo community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MemberSource {
    Manual,
    Demo,
    Meetup,
    Eventbrite,
    Luma,
    Csv,
}

macro_rules! sql_text_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

sql_text_enum!(PracticeLevel {
    Newcomer => "newcomer",
    Practitioner => "practitioner",
    Expert => "expert",
});
sql_text_enum!(Role {
    Organizer => "organizer",
    Facilitator => "facilitator",
    Volunteer => "volunteer",
    Member => "member",
});
sql_text_enum!(MemberSource {
    Manual => "manual",
    Demo => "demo",
    Meetup => "meetup",
    Eventbrite => "eventbrite",
    Luma => "luma",
    Csv => "csv",
});

/// A member as stored. Timestamps are RFC 3339 in UTC; dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub practice_level: PracticeLevel,
    pub roles: Vec<Role>,
    pub tags: Vec<String>,
    pub email_consent: bool,
    /// The day the member agreed to receive email; `None` without consent.
    pub consent_on: Option<String>,
    pub unsubscribed_at: Option<String>,
    pub joined_on: Option<String>,
    pub source: MemberSource,
    pub profile_url: Option<String>,
    pub notes: String,
    /// Printed on badges as a QR code later; unguessable, never reused.
    pub check_in_code: String,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Mail to the address bounced (a delivery failure report): when, and the server's
    /// reason. Nothing goes to it until the address is changed.
    pub email_bounced_at: Option<String>,
    pub email_bounce_reason: Option<String>,
}

/// What the editor sends: the fields a person types. Everything is validated and normalised by
/// the core; the UI's own checks are a convenience, not the rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub practice_level: Option<PracticeLevel>,
    pub roles: Vec<Role>,
    pub tags: Vec<String>,
    pub email_consent: bool,
    /// The day consent was given; defaults to today when consent is newly given.
    pub consent_on: Option<String>,
    /// Defaults to today for a new member.
    pub joined_on: Option<String>,
    pub notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberQuery {
    /// Words to find in name, email or tags; accents and case are ignored.
    pub text: String,
    pub include_archived: bool,
    /// Skip this many matches (for a list that loads as it scrolls).
    pub offset: Option<u32>,
    /// At most this many members (default 200).
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberList {
    pub members: Vec<Member>,
    /// How many members match the query, beyond the limit too.
    pub total: u32,
}

/// How many members there are, whatever the query; separate from [`MemberList`] because the UI
/// needs them after a write, not on every keystroke.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberCounts {
    /// Members who are not archived.
    pub active: u32,
    pub archived: u32,
}

/// A member's name and email, as another domain shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}
