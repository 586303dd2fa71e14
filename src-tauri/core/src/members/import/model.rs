//! The import types shared with the UI (exported to TypeScript through specta). Counts and line
//! numbers are `u32`: TypeScript numbers, and no member list comes near four billion rows.

use serde::{Deserialize, Serialize};

/// Where a file came from, recognised by its column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ImportFormat {
    /// Meetup's member export: no email, members are recognised by their profile URL.
    Meetup,
    /// Eventbrite's attendee report.
    Eventbrite,
    /// Luma's guest export.
    Luma,
    /// Guildhall's own export: imported back with nothing lost.
    Guildhall,
    /// Any other CSV: the columns are guessed from their names or mapped by the organizer.
    Generic,
}

/// What a column of the file becomes in a member record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MemberField {
    Name,
    /// Joined with `LastName` when the row has no full name.
    FirstName,
    LastName,
    Email,
    Phone,
    PracticeLevel,
    /// One or more of organizer, facilitator, volunteer, member; added to the member's roles.
    Roles,
    /// Comma- or semicolon-separated; added to the member's tags. Several columns may be tags.
    Tags,
    /// yes/no. Consent is never assumed: without this column it stays as it is (no for new
    /// members).
    EmailConsent,
    ConsentOn,
    JoinedOn,
    /// Several columns may be notes; they are joined line by line.
    Notes,
    ProfileUrl,
    // Only Guildhall's own export carries these.
    Id,
    CheckInCode,
    Source,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
    UnsubscribedAt,
}

impl MemberField {
    /// Fields that only Guildhall's own export may fill: identity and history, which an
    /// arbitrary spreadsheet must not be able to forge.
    pub fn guildhall_only(self) -> bool {
        matches!(
            self,
            Self::Id
                | Self::CheckInCode
                | Self::Source
                | Self::CreatedAt
                | Self::UpdatedAt
                | Self::ArchivedAt
                | Self::UnsubscribedAt
        )
    }

    /// Fields that several columns may feed at once.
    pub fn repeatable(self) -> bool {
        matches!(self, Self::Tags | Self::Notes)
    }
}

/// One column of the file and what it is imported as (`None`: not imported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnMapping {
    pub header: String,
    pub field: Option<MemberField>,
}

/// What the organizer sees before importing.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub format: ImportFormat,
    /// The encoding the file was read in (UTF-8, UTF-16LE, Shift_JIS…).
    pub encoding: String,
    /// The encoding is a guess (the file is neither marked nor UTF-8): the preview says so and
    /// the organizer may choose another from `encodings`.
    pub encoding_guessed: bool,
    /// The encodings the organizer can choose from.
    pub encodings: Vec<String>,
    /// "," ";" or a tab.
    pub delimiter: String,
    pub headers: Vec<String>,
    /// One entry per column, in the file's order.
    pub mapping: Vec<ColumnMapping>,
    /// True when the mapping is the one remembered from an earlier import of these columns.
    pub remembered_mapping: bool,
    /// The first data rows, one cell per header.
    pub rows: Vec<Vec<String>>,
    /// How many data rows the file has (blank rows not counted).
    pub total_rows: u32,
    /// No column holds the names: the organizer must choose one before importing.
    pub needs_mapping: bool,
    /// The headers of the columns that will not be imported.
    pub ignored_columns: Vec<String>,
    /// Rows whose email looks like an existing member's but is another address (the first
    /// fifty): a look-alike the organizer should check before importing.
    pub look_alikes: Vec<LookAlike>,
}

/// An email of the file that looks like an existing member's without being it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LookAlike {
    pub line: u32,
    pub email: String,
    pub existing_email: String,
    pub existing_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportOptions {
    /// Overrides the detected format.
    pub format: Option<ImportFormat>,
    /// Overrides the guessed (or remembered) mapping; matched to the file's columns by header.
    pub mapping: Option<Vec<ColumnMapping>>,
    /// Import the good rows even when some are rejected (otherwise nothing is written).
    pub skip_bad_rows: bool,
    /// Check everything and count what would happen, but write nothing.
    pub dry_run: bool,
    /// The encoding the organizer chose (a label like "Shift_JIS"); else detected.
    #[serde(default)]
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// Data rows handled so far.
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    /// 1-based line of the file where the row starts.
    pub line: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub format: ImportFormat,
    /// Members added (or that would have been, when nothing was committed).
    pub new: u32,
    /// Existing members that the file changed.
    pub updated: u32,
    /// Rows that matched an existing member and changed nothing.
    pub unchanged: u32,
    /// Rows with a problem, all of them counted.
    pub rejected: u32,
    /// The first [`super::MAX_REJECTED_ROWS`] of them by line, with their reasons (a file of five
    /// million bad rows is not kept, or printed, row by row).
    pub rejected_rows: Vec<RejectedRow>,
    /// False for a dry run, and when rows were rejected without `skip_bad_rows`: then the
    /// database is exactly as it was.
    pub committed: bool,
    /// The encoding the file was read in, and whether it was a guess (see `ImportPreview`).
    pub encoding: String,
    pub encoding_guessed: bool,
}
