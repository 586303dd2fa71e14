//! Reading and writing members. Reads take `&Connection`; writes take the `&Transaction` of the
//! user action they belong to. Every write keeps `name_key`/`search_text` in step with the
//! fields they are folded from.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::input::{clean, CleanMember};
use super::model::{Contact, Member, MemberInput, MemberSource, PracticeLevel, Role};
use crate::clock::Clock;
use crate::error::{CoreError, Result};
use crate::ids;
use crate::sql::bad_value;
use crate::text::{fold, fold_into};

/// The columns of `member m` that [`member_from_row`] reads first (0 to 15); roles and tags
/// (16, 17) follow, then the bounce (18, 19: [`BOUNCE_COLUMNS`]).
macro_rules! member_columns {
    () => {
        "m.id, m.name, m.email, m.phone, m.practice_level, m.email_consent, m.consent_on,
         m.unsubscribed_at, m.joined_on, m.source, m.profile_url, m.notes, m.check_in_code,
         m.created_at, m.updated_at, m.archived_at"
    };
}

/// For a page of many members, where reading roles and tags in bulk is cheaper than two
/// subqueries per member (see `search`).
pub(super) const MEMBER_COLUMNS: &str = member_columns!();
pub(super) const BOUNCE_COLUMNS: &str = "m.email_bounced_at, m.email_bounce_reason";

pub(crate) const SELECT_MEMBER: &str = concat!(
    "SELECT ",
    member_columns!(),
    ",
           (SELECT group_concat(role, ',') FROM member_role r WHERE r.member_id = m.id),
           (SELECT group_concat(tag, char(31)) FROM member_tag t WHERE t.member_id = m.id),
           m.email_bounced_at, m.email_bounce_reason
    FROM member m"
);

pub(crate) fn member_from_row(row: &Row<'_>) -> rusqlite::Result<Member> {
    let level: String = row.get(4)?;
    let source: String = row.get(9)?;
    let roles: Option<String> = row.get(16)?;
    let tags: Option<String> = row.get(17)?;
    let mut roles = roles
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| Role::parse(r).ok_or_else(|| bad_value(16, "role", r)))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    roles.sort();
    let mut tags: Vec<String> = tags
        .as_deref()
        .unwrap_or_default()
        .split('\u{1f}')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    tags.sort();
    Ok(Member {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        phone: row.get(3)?,
        practice_level: PracticeLevel::parse(&level)
            .ok_or_else(|| bad_value(4, "level", &level))?,
        roles,
        tags,
        email_consent: row.get(5)?,
        consent_on: row.get(6)?,
        unsubscribed_at: row.get(7)?,
        joined_on: row.get(8)?,
        source: MemberSource::parse(&source).ok_or_else(|| bad_value(9, "source", &source))?,
        profile_url: row.get(10)?,
        notes: row.get(11)?,
        check_in_code: row.get(12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
        archived_at: row.get(15)?,
        email_bounced_at: row.get(18)?,
        email_bounce_reason: row.get(19)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Member> {
    conn.query_row(
        &format!("{SELECT_MEMBER} WHERE m.id = ?1"),
        [id],
        member_from_row,
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("member", id))
}

/// Whether a member with this id exists (archived ones too).
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM member WHERE id = ?1")?
        .exists([id])?)
}

/// How to name and reach a member, for another domain that shows them (a workshop's
/// facilitators); `None` when there is no such member.
pub fn contact(conn: &Connection, id: &str) -> Result<Option<Contact>> {
    Ok(conn
        .prepare_cached("SELECT id, name, email FROM member WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Contact {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
            })
        })
        .optional()?)
}

/// Refuses an email that another member already has (compared case-insensitively).
fn ensure_email_free(tx: &Transaction, clean: &CleanMember, except_id: Option<&str>) -> Result<()> {
    let Some(key) = &clean.email_key else {
        return Ok(());
    };
    let holder: Option<(String, String)> = tx
        .query_row(
            "SELECT id, name FROM member WHERE email_key = ?1 AND id IS NOT ?2",
            params![key, except_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match holder {
        Some((existing_id, existing_name)) => Err(CoreError::DuplicateEmail {
            email: clean.email.clone().unwrap_or_default(),
            existing_id,
            existing_name,
        }),
        None => Ok(()),
    }
}

pub(crate) fn search_text(clean: &CleanMember) -> String {
    search_text_with(&fold(&clean.name), clean)
}

/// [`search_text`] when the caller has folded the name already (it is also the `name_key`):
/// the folded name, email key and tags (space-separated), one per line.
pub(crate) fn search_text_with(name_key: &str, clean: &CleanMember) -> String {
    let email = clean.email_key.as_deref().unwrap_or_default();
    let tags: usize = clean.tags.iter().map(|t| t.len() + 1).sum();
    let mut out = String::with_capacity(name_key.len() + email.len() + tags + 2);
    out.push_str(name_key);
    out.push('\n');
    fold_into(&mut out, email);
    out.push('\n');
    for (i, tag) in clean.tags.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        fold_into(&mut out, tag);
    }
    out
}

pub(crate) fn replace_roles_and_tags(
    tx: &Transaction,
    id: &str,
    clean: &CleanMember,
) -> Result<()> {
    tx.execute("DELETE FROM member_role WHERE member_id = ?1", [id])?;
    tx.execute("DELETE FROM member_tag WHERE member_id = ?1", [id])?;
    let mut role =
        tx.prepare_cached("INSERT INTO member_role (member_id, role) VALUES (?1, ?2)")?;
    for r in &clean.roles {
        role.execute(params![id, r.as_str()])?;
    }
    let mut tag = tx.prepare_cached("INSERT INTO member_tag (member_id, tag) VALUES (?1, ?2)")?;
    for t in &clean.tags {
        tag.execute(params![id, t])?;
    }
    Ok(())
}

/// Inserts a cleaned member; shared by the editor and the demo community.
pub(crate) fn insert(
    tx: &Transaction,
    clean: &CleanMember,
    source: MemberSource,
    clock: &Clock,
) -> Result<String> {
    ensure_email_free(tx, clean, None)?;
    let id = ids::member_id();
    let today = clock.today();
    let consent_on = clean
        .email_consent
        .then(|| clean.consent_on.unwrap_or(today).to_string());
    let joined_on = clean.joined_on.unwrap_or(today).to_string();
    tx.prepare_cached(
        "INSERT INTO member (id, name, email, email_key, phone, practice_level, email_consent,
                             consent_on, joined_on, source, notes, check_in_code, name_key,
                             search_text, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
    )?
    .execute(params![
        id,
        clean.name,
        clean.email,
        clean.email_key,
        clean.phone,
        clean.practice_level.as_str(),
        clean.email_consent,
        consent_on,
        joined_on,
        source.as_str(),
        clean.notes,
        ids::check_in_code(),
        fold(&clean.name),
        search_text(clean),
        clock.stamp(),
    ])?;
    replace_roles_and_tags(tx, &id, clean)?;
    Ok(id)
}

pub fn create(tx: &Transaction, input: &MemberInput, clock: &Clock) -> Result<Member> {
    let clean = clean(input)?;
    let id = insert(tx, &clean, MemberSource::Manual, clock)?;
    get(tx, &id)
}

pub fn update(tx: &Transaction, id: &str, input: &MemberInput, clock: &Clock) -> Result<Member> {
    let existing = get(tx, id)?;
    let clean = clean(input)?;
    ensure_email_free(tx, &clean, Some(id))?;
    // Keep the original consent day unless the organizer gives another one.
    let consent_on = match (clean.email_consent, clean.consent_on) {
        (false, _) => None,
        (true, Some(day)) => Some(day.to_string()),
        (true, None) => existing
            .consent_on
            .clone()
            .or_else(|| Some(clock.today().to_string())),
    };
    let joined_on = clean
        .joined_on
        .map(|d| d.to_string())
        .or(existing.joined_on.clone());
    tx.execute(
        "UPDATE member SET name = ?2, email = ?3, email_key = ?4, phone = ?5, practice_level = ?6,
                email_consent = ?7, consent_on = ?8, joined_on = ?9, notes = ?10,
                name_key = ?11, search_text = ?12, updated_at = ?13,
                -- A new address has not bounced (yet).
                email_bounced_at = CASE WHEN email IS ?3 THEN email_bounced_at END,
                email_bounce_reason = CASE WHEN email IS ?3 THEN email_bounce_reason END
         WHERE id = ?1",
        params![
            id,
            clean.name,
            clean.email,
            clean.email_key,
            clean.phone,
            clean.practice_level.as_str(),
            clean.email_consent,
            consent_on,
            joined_on,
            clean.notes,
            fold(&clean.name),
            search_text(&clean),
            clock.stamp(),
        ],
    )?;
    replace_roles_and_tags(tx, id, &clean)?;
    get(tx, id)
}

/// Hides a member from lists without losing anything; [`restore`] undoes it.
pub fn archive(tx: &Transaction, id: &str, clock: &Clock) -> Result<Member> {
    get(tx, id)?;
    tx.execute(
        "UPDATE member SET archived_at = ?2, updated_at = ?2 WHERE id = ?1 AND archived_at IS NULL",
        params![id, clock.stamp()],
    )?;
    get(tx, id)
}

pub fn restore(tx: &Transaction, id: &str, clock: &Clock) -> Result<Member> {
    get(tx, id)?;
    tx.execute(
        "UPDATE member SET archived_at = NULL, updated_at = ?2 WHERE id = ?1 AND archived_at IS NOT NULL",
        params![id, clock.stamp()],
    )?;
    get(tx, id)
}

/// Erases a member: the row and everything that is only about them (roles, tags, their entries
/// in the search index) go, and one anonymous count is added to `member_erasure` for this month
/// and the member's source, in the same transaction. `members/erasure.rs` tells how nothing
/// personal is left behind in the file.
pub fn delete(tx: &Transaction, id: &str, clock: &Clock) -> Result<()> {
    let source: String = tx
        .query_row("SELECT source FROM member WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| CoreError::not_found("member", id))?;
    tx.execute("DELETE FROM member WHERE id = ?1", [id])?;
    super::erasure::record(tx, &source, clock.today())?;
    Ok(())
}
