//! Who an audience names, and who of them may be invited: one query over the members, the
//! reasons for everyone left out counted, one invitation per person per workshop whatever the
//! audience says, and the workshop's facilitators always invited as such.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::Connection;

use super::model::{
    Audience, AudiencePreview, Combine, InviteRole, Invitee, LeftOut, LeftOutReason,
};
use crate::error::{CoreError, Result};
use crate::tags::normalize_tags;

/// At most this many members picked by hand (far more than anyone picks; it bounds the query).
pub const MAX_PICKED: usize = 10_000;

/// The criteria as SQL over `member m`, with their values; `None` when the audience names
/// nobody.
fn criteria(audience: &Audience) -> Result<Option<(String, Vec<Value>)>> {
    if audience.members.len() > MAX_PICKED {
        return Err(CoreError::invalid(
            "members",
            format!("Pick at most {MAX_PICKED} members by hand; use a tag for more."),
        ));
    }
    let mut groups: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let marks = |n: usize| vec!["?"; n].join(", ");
    let tags = normalize_tags(&audience.tags, "audience")?;
    if !tags.is_empty() {
        groups.push(format!(
            "EXISTS (SELECT 1 FROM member_tag t WHERE t.member_id = m.id AND t.tag IN ({}))",
            marks(tags.len())
        ));
        values.extend(tags.into_iter().map(Value::Text));
    }
    if !audience.roles.is_empty() {
        groups.push(format!(
            "EXISTS (SELECT 1 FROM member_role r WHERE r.member_id = m.id AND r.role IN ({}))",
            marks(audience.roles.len())
        ));
        values.extend(
            audience
                .roles
                .iter()
                .map(|r| Value::Text(r.as_str().into())),
        );
    }
    if !audience.levels.is_empty() {
        groups.push(format!(
            "m.practice_level IN ({})",
            marks(audience.levels.len())
        ));
        values.extend(
            audience
                .levels
                .iter()
                .map(|l| Value::Text(l.as_str().into())),
        );
    }
    if !audience.attended.is_empty() {
        groups.push(format!(
            "EXISTS (SELECT 1 FROM invitation a WHERE a.member_id = m.id
                     AND a.rsvp = 'accepted' AND a.removed_at IS NULL AND a.workshop_id IN ({}))",
            marks(audience.attended.len())
        ));
        values.extend(audience.attended.iter().cloned().map(Value::Text));
    }
    let joiner = match audience.combine {
        Combine::All => " AND ",
        Combine::Any => " OR ",
    };
    let mut any: Vec<String> = Vec::new();
    if audience.everyone {
        any.push("1".to_owned());
    } else if !groups.is_empty() {
        any.push(format!("({})", groups.join(joiner)));
    }
    if !audience.members.is_empty() {
        any.push(format!("m.id IN ({})", marks(audience.members.len())));
        values.extend(audience.members.iter().cloned().map(Value::Text));
    }
    if any.is_empty() {
        return Ok(None);
    }
    Ok(Some((any.join(" OR "), values)))
}

/// Why `row` may not be invited, if it may not.
fn reason(
    email: &Option<String>,
    consent: bool,
    unsubscribed: bool,
    archived: bool,
    bounced: bool,
) -> Option<LeftOutReason> {
    if archived {
        Some(LeftOutReason::Archived)
    } else if email.is_none() {
        Some(LeftOutReason::NoEmail)
    } else if unsubscribed {
        Some(LeftOutReason::Unsubscribed)
    } else if bounced {
        Some(LeftOutReason::Bounced)
    } else if !consent {
        Some(LeftOutReason::NoConsent)
    } else {
        None
    }
}

/// Who `audience` would invite to `workshop_id` now (facilitators included), and who it leaves
/// out and why.
pub fn preview(
    conn: &Connection,
    workshop_id: &str,
    audience: &Audience,
) -> Result<AudiencePreview> {
    let facilitators: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT member_id FROM workshop_facilitator WHERE workshop_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([workshop_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut filter =
        "m.id IN (SELECT member_id FROM workshop_facilitator WHERE workshop_id = ?)".to_owned();
    let mut values = vec![Value::Text(workshop_id.to_owned())];
    if let Some((sql, more)) = criteria(audience)? {
        filter = format!("{filter} OR {sql}");
        values.extend(more);
    }
    let sql = format!(
        "SELECT m.id, m.name, m.email, m.email_consent, m.unsubscribed_at IS NOT NULL,
                m.archived_at IS NOT NULL, m.email_bounced_at IS NOT NULL,
                EXISTS (SELECT 1 FROM invitation i WHERE i.workshop_id = ?
                        AND i.member_id = m.id AND i.removed_at IS NULL)
         FROM member m WHERE {filter}
         ORDER BY m.name_key, m.id"
    );
    values.insert(0, Value::Text(workshop_id.to_owned()));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    let mut invitees = Vec::new();
    let mut left: BTreeMap<LeftOutReason, u32> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let email: Option<String> = r.get(2)?;
        let already: bool = r.get(7)?;
        let why = reason(&email, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)
            .or(already.then_some(LeftOutReason::AlreadyInvited));
        if let Some(why) = why {
            *left.entry(why).or_default() += 1;
            continue;
        }
        let role = if facilitators.contains(&id) {
            InviteRole::Facilitator
        } else {
            InviteRole::Attendee
        };
        invitees.push(Invitee {
            member_id: id,
            name: r.get(1)?,
            email: email.unwrap_or_default(),
            role,
        });
    }
    // Facilitators first, in their order on the workshop; then by name.
    invitees.sort_by_key(|i| {
        facilitators
            .iter()
            .position(|f| *f == i.member_id)
            .unwrap_or(usize::MAX)
    });
    Ok(AudiencePreview {
        invitees,
        left_out: left
            .into_iter()
            .map(|(reason, count)| LeftOut { reason, count })
            .collect(),
    })
}
