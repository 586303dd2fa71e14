//! Writing imported rows inside the import's one transaction: a new member, or an update of
//! the member the row is recognised as.
//!
//! A row is the same person as an existing member when it has their email (compared as
//! `normalize_email` keys), their profile URL, or — in Guildhall's own export — their id. The
//! keys of every existing member are loaded once into maps, and members added by the import go
//! into the maps too, so a second row with the same email updates the first instead of failing.
//!
//! What an update changes is decided by `merge`; a row that changes nothing is counted as
//! unchanged and not written, so re-importing a file is a no-op.
//!
//! Like `store::insert`, every write keeps `name_key` and `search_text` in step with the fields
//! they are folded from (the FTS index follows by trigger). New members go through `insert`'s
//! batches; updates are written one by one.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::insert::{is_clash, Batch, NewMember};
use super::merge::merge;
use super::model::RejectedRow;
use super::row::{profile_key, Draft};
use crate::clock::Clock;
use crate::error::CoreError;
use crate::ids;
use crate::members::input::{clean, normalize_email, CleanMember};
use crate::members::model::{Member, MemberSource};
use crate::members::store::{member_from_row, search_text, search_text_with, SELECT_MEMBER};
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

const CLASH: &str =
    "it clashes with another member (same id, email, profile URL or check-in code).";

/// A unique index said no: the row is someone the maps did not know as the same person (a
/// Guildhall row whose id or check-in code another member has).
fn conflict(e: rusqlite::Error) -> RowError {
    if is_clash(&e) {
        RowError::Rejected(CLASH.into())
    } else {
        e.into()
    }
}

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
    batch: Batch<'a>,
    /// Rows that were counted as new but whose batch found them clashing.
    late_rejections: Vec<RejectedRow>,
}

impl<'a> Writer<'a> {
    /// Loads who is already there: every member's email key and profile URL, in one query.
    pub(crate) fn new(
        tx: &'a Transaction<'a>,
        source: MemberSource,
        clock: &Clock,
    ) -> Result<Self, CoreError> {
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
        let now = clock.stamp();
        Ok(Writer {
            tx,
            source,
            batch: Batch::new(now.clone()),
            now,
            today: clock.today().to_string(),
            by_email,
            by_profile,
            select_by_id: format!("{SELECT_MEMBER} WHERE m.id = ?1"),
            late_rejections: Vec::new(),
        })
    }

    fn get(&self, id: &str) -> rusqlite::Result<Option<Member>> {
        self.tx
            .prepare_cached(&self.select_by_id)?
            .query_row([id], member_from_row)
            .optional()
    }

    /// Writes what is still held back, and returns the rows that turned out to clash.
    pub(crate) fn finish(mut self) -> Result<Vec<RejectedRow>, CoreError> {
        self.flush()?;
        Ok(self.late_rejections)
    }

    fn flush(&mut self) -> Result<(), CoreError> {
        for member in self.batch.flush(self.tx)? {
            // Not written after all: nobody can be recognised as this member.
            if let Some(key) = &member.email_key {
                if self.by_email.get(key) == Some(&member.id) {
                    self.by_email.remove(key);
                }
            }
            if let Some(key) = &member.profile_key {
                if self.by_profile.get(key) == Some(&member.id) {
                    self.by_profile.remove(key);
                }
            }
            self.late_rejections.push(RejectedRow {
                line: member.line,
                reason: CLASH.into(),
            });
        }
        Ok(())
    }

    /// Whether the row may be about a member still held back in the batch.
    fn about_held_back(
        &self,
        id: Option<&str>,
        email: Option<&str>,
        profile: Option<&str>,
    ) -> bool {
        let by_email = email.and_then(|k| self.by_email.get(k)).map(String::as_str);
        let by_profile = profile
            .and_then(|k| self.by_profile.get(k))
            .map(String::as_str);
        [id, by_email, by_profile]
            .into_iter()
            .flatten()
            .any(|id| self.batch.holds(id))
    }

    pub(crate) fn write(&mut self, line: u32, draft: Draft) -> Result<Outcome, RowError> {
        let clean = clean(&draft.input).map_err(rejected)?;
        let profile = draft.profile_url.as_deref().map(profile_key);
        if self.about_held_back(
            draft.extra.id.as_deref(),
            clean.email_key.as_deref(),
            profile.as_deref(),
        ) {
            self.flush().map_err(RowError::Fatal)?;
        }
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
            return self.insert(line, draft, clean, profile);
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
        line: u32,
        draft: Draft,
        clean: CleanMember,
        profile_key: Option<String>,
    ) -> Result<Outcome, RowError> {
        let extra = draft.extra;
        let today = &self.today;
        let name_key = fold(&clean.name);
        let member = NewMember {
            line,
            id: extra.id.unwrap_or_else(ids::member_id),
            search_text: search_text_with(&name_key, &clean),
            name_key,
            consent_on: clean.email_consent.then(|| {
                clean
                    .consent_on
                    .map_or_else(|| today.clone(), |d| d.to_string())
            }),
            joined_on: clean
                .joined_on
                .map_or_else(|| today.clone(), |d| d.to_string()),
            name: clean.name,
            email: clean.email,
            email_key: clean.email_key,
            phone: clean.phone,
            practice_level: clean.practice_level,
            email_consent: clean.email_consent,
            unsubscribed_at: extra.unsubscribed_at,
            source: extra.source.unwrap_or(self.source),
            profile_url: draft.profile_url,
            profile_key,
            notes: clean.notes,
            check_in_code: extra.check_in_code.unwrap_or_else(ids::check_in_code),
            created_at: extra.created_at,
            updated_at: extra.updated_at,
            archived_at: extra.archived_at,
            roles: clean.roles,
            tags: clean.tags,
        };
        // Known at once, so that a later row for the same person finds this one.
        if let Some(key) = &member.email_key {
            self.by_email.insert(key.clone(), member.id.clone());
        }
        if let Some(key) = &member.profile_key {
            self.by_profile.insert(key.clone(), member.id.clone());
        }
        if self.batch.push(member) {
            self.flush().map_err(RowError::Fatal)?;
        }
        Ok(Outcome::New)
    }

    /// Adds roles and tags an existing member does not have yet.
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
        let merged = merge(&existing, draft, clean, &self.today).map_err(rejected)?;
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
