//! Writing imported rows inside the import's one transaction: a new member, or an update of
//! the member the row is recognised as.
//!
//! A row is the same person as an existing member when it has their email (compared as
//! `normalize_email` keys), their profile URL, or — in Guildhall's own export — their id. The
//! keys of every existing member are loaded once into maps, and members added by the import go
//! into the maps too, so a second row with the same email updates the first instead of failing.
//!
//! Updating never loses what the organizer has: a cell with a value overwrites, an empty cell
//! keeps what is there, tags and roles are added to, and the joined day only moves earlier (a
//! later event's report must not make a long-time member look new). A row that changes nothing
//! is counted as unchanged and not written, so re-importing a file is a no-op.
//!
//! Like `store::insert`, every write keeps `name_key` and `search_text` in step with the fields
//! they are folded from (the FTS index follows by trigger).

use std::collections::HashMap;

use rusqlite::{params, ErrorCode, OptionalExtension, Transaction};

use super::row::{profile_key, Draft};
use crate::error::CoreError;
use crate::ids;
use crate::members::input::{clean, normalize_email, normalize_tags, CleanMember};
use crate::members::model::{Member, MemberSource};
use crate::members::store::{member_from_row, now, search_text, today, SELECT_MEMBER};
use crate::text::fold;

pub(crate) enum Outcome {
    New,
    Updated,
    Unchanged,
}

pub(crate) enum RowError {
    /// The row breaks a rule; the reason is shown to the organizer with the row's line.
    Rejected(String),
    /// The database failed: the whole import stops.
    Fatal(CoreError),
}

impl From<rusqlite::Error> for RowError {
    fn from(e: rusqlite::Error) -> Self {
        RowError::Fatal(e.into())
    }
}

fn rejected(err: CoreError) -> RowError {
    RowError::Rejected(err.to_string())
}

/// A unique index said no: the row is someone the maps did not know as the same person (a
/// Guildhall row whose id or check-in code another member has).
fn conflict(e: rusqlite::Error) -> RowError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == ErrorCode::ConstraintViolation
                && matches!(
                    f.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                ) =>
        {
            RowError::Rejected(
                "it clashes with another member (same id, email, profile URL or check-in code)."
                    .into(),
            )
        }
        _ => e.into(),
    }
}

const INSERT: &str = "
    INSERT INTO member (id, name, email, email_key, phone, practice_level, email_consent,
                        consent_on, unsubscribed_at, joined_on, source, profile_url, notes,
                        check_in_code, name_key, search_text, created_at, updated_at, archived_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

const UPDATE: &str = "
    UPDATE member SET name = ?2, email = ?3, email_key = ?4, phone = ?5, practice_level = ?6,
                      email_consent = ?7, consent_on = ?8, unsubscribed_at = ?9, joined_on = ?10,
                      profile_url = ?11, notes = ?12, archived_at = ?13, name_key = ?14,
                      search_text = ?15, updated_at = ?16
    WHERE id = ?1";

pub(crate) struct Writer<'a> {
    tx: &'a Transaction<'a>,
    source: MemberSource,
    now: String,
    today: String,
    by_email: HashMap<String, String>,
    by_profile: HashMap<String, String>,
    select_by_id: String,
}

impl<'a> Writer<'a> {
    /// Loads who is already there: every member's email key and profile URL, in one query.
    pub(crate) fn new(tx: &'a Transaction<'a>, source: MemberSource) -> Result<Self, CoreError> {
        let mut by_email = HashMap::new();
        let mut by_profile = HashMap::new();
        let mut stmt = tx.prepare(
            "SELECT id, email_key, profile_url FROM member
             WHERE email_key IS NOT NULL OR profile_url IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let email_key: Option<String> = row.get(1)?;
            let profile_url: Option<String> = row.get(2)?;
            if let Some(url) = profile_url {
                by_profile.insert(profile_key(&url), id.clone());
            }
            if let Some(key) = email_key {
                by_email.insert(key, id);
            }
        }
        Ok(Writer {
            tx,
            source,
            now: now(),
            today: today().to_string(),
            by_email,
            by_profile,
            select_by_id: format!("{SELECT_MEMBER} WHERE m.id = ?1"),
        })
    }

    fn get(&self, id: &str) -> rusqlite::Result<Option<Member>> {
        self.tx
            .prepare_cached(&self.select_by_id)?
            .query_row([id], member_from_row)
            .optional()
    }

    pub(crate) fn write(&mut self, draft: Draft) -> Result<Outcome, RowError> {
        let clean = clean(&draft.input).map_err(rejected)?;
        let profile = draft.profile_url.as_deref().map(profile_key);
        let by_email = clean
            .email_key
            .as_ref()
            .and_then(|k| self.by_email.get(k))
            .cloned();
        let by_profile = profile
            .as_ref()
            .and_then(|k| self.by_profile.get(k))
            .cloned();
        let by_id = match &draft.extra.id {
            Some(id) => self.get(id)?,
            None => None,
        };
        let target = by_id
            .as_ref()
            .map(|m| m.id.clone())
            .or_else(|| by_email.clone())
            .or_else(|| by_profile.clone());
        let Some(target) = target else {
            return self.insert(&draft, &clean, profile);
        };
        if by_email.as_ref().is_some_and(|id| *id != target) {
            return Err(RowError::Rejected(format!(
                "{} is already the email of another member.",
                clean.email.as_deref().unwrap_or_default()
            )));
        }
        if by_profile.as_ref().is_some_and(|id| *id != target) {
            return Err(RowError::Rejected(
                "This profile URL is already another member's.".into(),
            ));
        }
        let existing = match by_id {
            Some(member) => member,
            None => self.get(&target)?.ok_or_else(|| {
                RowError::Fatal(CoreError::NotFound {
                    what: "member",
                    id: target.clone(),
                })
            })?,
        };
        self.update(existing, &draft, clean, profile)
    }

    fn insert(
        &mut self,
        draft: &Draft,
        clean: &CleanMember,
        profile: Option<String>,
    ) -> Result<Outcome, RowError> {
        let extra = &draft.extra;
        let id = extra.id.clone().unwrap_or_else(ids::member_id);
        let check_in_code = extra
            .check_in_code
            .clone()
            .unwrap_or_else(ids::check_in_code);
        let consent_on = clean.email_consent.then(|| {
            clean
                .consent_on
                .map_or_else(|| self.today.clone(), |d| d.to_string())
        });
        let joined_on = clean
            .joined_on
            .map_or_else(|| self.today.clone(), |d| d.to_string());
        let created_at = extra.created_at.as_deref().unwrap_or(&self.now);
        let updated_at = extra.updated_at.as_deref().unwrap_or(created_at);
        self.tx
            .prepare_cached(INSERT)?
            .execute(params![
                id,
                clean.name,
                clean.email,
                clean.email_key,
                clean.phone,
                clean.practice_level.as_str(),
                clean.email_consent,
                consent_on,
                extra.unsubscribed_at,
                joined_on,
                extra.source.unwrap_or(self.source).as_str(),
                draft.profile_url,
                clean.notes,
                check_in_code,
                fold(&clean.name),
                search_text(clean),
                created_at,
                updated_at,
                extra.archived_at,
            ])
            .map_err(conflict)?;
        self.add_roles_and_tags(
            &id,
            clean.roles.iter().map(|r| r.as_str()),
            clean.tags.iter().map(String::as_str),
        )?;
        if let Some(key) = &clean.email_key {
            self.by_email.insert(key.clone(), id.clone());
        }
        if let Some(key) = profile {
            self.by_profile.insert(key, id);
        }
        Ok(Outcome::New)
    }

    fn add_roles_and_tags<'r>(
        &self,
        id: &str,
        roles: impl Iterator<Item = &'r str>,
        tags: impl Iterator<Item = &'r str>,
    ) -> rusqlite::Result<()> {
        let mut role = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO member_role (member_id, role) VALUES (?1, ?2)",
        )?;
        for r in roles {
            role.execute(params![id, r])?;
        }
        let mut tag = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO member_tag (member_id, tag) VALUES (?1, ?2)")?;
        for t in tags {
            tag.execute(params![id, t])?;
        }
        Ok(())
    }

    fn update(
        &mut self,
        existing: Member,
        draft: &Draft,
        clean: CleanMember,
        profile: Option<String>,
    ) -> Result<Outcome, RowError> {
        let mut roles = existing.roles.clone();
        roles.extend(clean.roles.iter().filter(|r| !existing.roles.contains(r)));
        roles.sort();
        let mut tags = existing.tags.clone();
        tags.extend(clean.tags.iter().cloned());
        let tags = normalize_tags(&tags).map_err(rejected)?;
        let email_consent = if draft.consent_given {
            clean.email_consent
        } else {
            existing.email_consent
        };
        let consent_on = email_consent.then(|| {
            clean
                .consent_on
                .map(|d| d.to_string())
                .or_else(|| existing.consent_on.clone())
                .unwrap_or_else(|| self.today.clone())
        });
        let joined_on = match (&existing.joined_on, clean.joined_on) {
            (Some(old), Some(new)) => Some(old.clone().min(new.to_string())),
            (old, new) => old.clone().or_else(|| new.map(|d| d.to_string())),
        };
        let extra = &draft.extra;
        let merged = Member {
            name: clean.name,
            email: clean.email.or_else(|| existing.email.clone()),
            phone: clean.phone.or_else(|| existing.phone.clone()),
            practice_level: if draft.level_given {
                clean.practice_level
            } else {
                existing.practice_level
            },
            roles,
            tags,
            email_consent,
            consent_on,
            unsubscribed_at: extra
                .unsubscribed_at
                .clone()
                .or_else(|| existing.unsubscribed_at.clone()),
            joined_on,
            profile_url: draft
                .profile_url
                .clone()
                .or_else(|| existing.profile_url.clone()),
            notes: if clean.notes.is_empty() {
                existing.notes.clone()
            } else {
                clean.notes
            },
            archived_at: extra
                .archived_at
                .clone()
                .or_else(|| existing.archived_at.clone()),
            ..existing.clone()
        };
        if merged == existing {
            return Ok(Outcome::Unchanged);
        }
        let email_key = merged
            .email
            .as_deref()
            .map(normalize_email)
            .transpose()
            .map_err(rejected)?;
        let keys = CleanMember {
            name: merged.name.clone(),
            email: None,
            email_key: email_key.clone(),
            phone: None,
            practice_level: merged.practice_level,
            roles: Vec::new(),
            tags: merged.tags.clone(),
            email_consent: false,
            consent_on: None,
            joined_on: None,
            notes: String::new(),
        };
        self.tx
            .prepare_cached(UPDATE)?
            .execute(params![
                merged.id,
                merged.name,
                merged.email,
                email_key,
                merged.phone,
                merged.practice_level.as_str(),
                merged.email_consent,
                merged.consent_on,
                merged.unsubscribed_at,
                merged.joined_on,
                merged.profile_url,
                merged.notes,
                merged.archived_at,
                fold(&merged.name),
                search_text(&keys),
                self.now,
            ])
            .map_err(conflict)?;
        let new_roles = merged.roles.iter().filter(|r| !existing.roles.contains(r));
        let new_tags = merged.tags.iter().filter(|t| !existing.tags.contains(t));
        self.add_roles_and_tags(
            &merged.id,
            new_roles.map(|r| r.as_str()),
            new_tags.map(String::as_str),
        )?;
        // The member may now be found by a new email or URL; the old ones are no longer theirs.
        if merged.email != existing.email {
            if let Some(old) = existing
                .email
                .as_deref()
                .and_then(|e| normalize_email(e).ok())
            {
                self.by_email.remove(&old);
            }
            if let Some(key) = email_key {
                self.by_email.insert(key, merged.id.clone());
            }
        }
        if merged.profile_url != existing.profile_url {
            if let Some(old) = existing.profile_url.as_deref().map(profile_key) {
                self.by_profile.remove(&old);
            }
            if let Some(key) = profile {
                self.by_profile.insert(key, merged.id.clone());
            }
        }
        Ok(Outcome::Updated)
    }
}
