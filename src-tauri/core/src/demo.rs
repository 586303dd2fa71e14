//! The removable demo: a community of about two hundred made-up members and a few weeks of
//! workshops around today, for a first look at the app. It sits above both domains (members
//! and workshops each make their own part) and is loaded and removed as one action.

use rusqlite::{Connection, Transaction};
use serde::Serialize;

use crate::clock::Clock;
use crate::error::Result;
use crate::{members, workshops};

/// How many of the demo's workshops get facilitators from the demo community.
const DEMO_FACILITATORS: u32 = 6;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoStatus {
    /// How many demo members are in the database (0 when none are loaded).
    pub demo_members: u32,
    /// How many members the organizer has entered or imported themselves.
    pub own_members: u32,
}

pub fn status(conn: &Connection) -> Result<DemoStatus> {
    let (demo_members, own_members) = members::demo::counts(conn)?;
    Ok(DemoStatus {
        demo_members,
        own_members,
    })
}

/// Loads the demo community and its workshops, dated around `clock`'s today, unless they are
/// there already (loading twice is a no-op).
pub fn load(tx: &Transaction, clock: &Clock) -> Result<DemoStatus> {
    members::demo::insert_community(tx, clock)?;
    let facilitators = members::demo::facilitators(tx, DEMO_FACILITATORS)?;
    workshops::demo::load(tx, clock, &facilitators)?;
    status(tx)
}

/// Removes every demo member and workshop, and nothing else.
pub fn remove(tx: &Transaction) -> Result<DemoStatus> {
    workshops::demo::remove(tx)?;
    members::demo::remove(tx)?;
    status(tx)
}
