//! Erasure: when an organizer deletes a member, the person goes and only a number stays.
//!
//! The community's numbers must stay honest ("we lost 12 Meetup members in March") without
//! keeping anything about who they were, so each deletion adds one to an anonymous count per
//! month and source (`member_erasure`), in the same transaction as the deletion (GDPR Art. 17:
//! the right to erasure; the count is not personal data).
//!
//! Deleting a row is not enough for "nothing personal is left in the file": SQLite leaves the
//! bytes of deleted rows in free pages. Every connection zeroes freed pages (`PRAGMA
//! secure_delete` in `db::configure`). The search index lives in memory and is rebuilt after
//! every write, so it forgets the member at once. Copies of old pages sit in the `-wal` file
//! until a checkpoint: an erasing action (`Context::write_erasing`: deleting or merging a
//! member) checkpoints and truncates it as soon as it is committed, while the app runs.

use jiff::civil::Date;
use rusqlite::{Connection, Transaction};
use serde::Serialize;

use super::model::MemberSource;
use crate::error::Result;
use crate::sql::bad_value;

/// How many members from one source were erased in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ErasureCount {
    /// `YYYY-MM` on the organizer's calendar.
    pub month: String,
    pub source: MemberSource,
    pub count: u32,
}

/// Counts one erasure of a member from `source` in the month of `today` (an upsert: count + 1).
pub(crate) fn record(tx: &Transaction, source: &str, today: Date) -> Result<()> {
    let month = today.strftime("%Y-%m").to_string();
    tx.execute(
        "INSERT INTO member_erasure (month, source, count) VALUES (?1, ?2, 1)
         ON CONFLICT (month, source) DO UPDATE SET count = count + 1",
        [&month, source],
    )?;
    Ok(())
}

/// Every erasure count, oldest month first, then by source.
pub fn erasure_counts(conn: &Connection) -> Result<Vec<ErasureCount>> {
    let mut stmt =
        conn.prepare("SELECT month, source, count FROM member_erasure ORDER BY month, source")?;
    let counts = stmt
        .query_map([], |r| {
            let source: String = r.get(1)?;
            Ok(ErasureCount {
                month: r.get(0)?,
                source: MemberSource::parse(&source)
                    .ok_or_else(|| bad_value(1, "source", &source))?,
                count: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(counts)
}
