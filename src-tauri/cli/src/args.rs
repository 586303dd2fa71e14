//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "guildhall", version, about = "Guildhall from the command line")]
pub struct Cli {
    /// The data folder (default: GUILDHALL_DATA_DIR, else the app's own data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bring members or workshops in from a file.
    #[command(subcommand)]
    Import(Import),
    /// Write members, a mailing list or a calendar to a file ("-" for standard output).
    #[command(subcommand)]
    Export(Export),
    /// Print the members matching QUERY, one a line.
    Search {
        query: String,
        /// Include archived members.
        #[arg(long)]
        archived: bool,
    },
    /// Print "members" or "workshops" each time someone (the app, another command) changes
    /// them, until interrupted.
    Watch,
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Members from a Meetup, Eventbrite or Luma export, Guildhall's own export, or any CSV.
    Members {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
        format: FormatArg,
        /// Check the file and print what would happen, without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some rows are rejected.
        #[arg(long)]
        skip_bad_rows: bool,
        /// The file's encoding (e.g. Shift_JIS, GB18030, windows-1251) when it is not UTF-8
        /// and the guess is wrong.
        #[arg(long, value_name = "NAME")]
        encoding: Option<String>,
    },
    /// Workshops from an iCalendar (.ics) file; re-importing a file updates what it imported.
    Calendar {
        file: PathBuf,
        /// Check the file and print what would happen, without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Import the good events and list the others, instead of importing nothing.
        #[arg(long)]
        skip_bad_events: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Auto,
    Meetup,
    Eventbrite,
    Luma,
    Guildhall,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Every member with every field, as CSV (Guildhall's import reads it back).
    Members { file: PathBuf },
    /// Members who agreed to email and have not unsubscribed.
    MailingList {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ListFormatArg::Csv)]
        format: ListFormatArg,
        /// Only members with this tag (repeat for any of several tags).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        #[arg(long, value_enum)]
        level: Option<LevelArg>,
    },
    /// Workshops as an iCalendar (.ics) file: every workshop, or the ones chosen below.
    Calendar {
        file: PathBuf,
        /// Only this workshop (its id, wks_…).
        #[arg(long, value_name = "ID", group = "scope")]
        workshop: Option<String>,
        /// Only the workshops this member facilitates (their id, mem_…).
        #[arg(long, value_name = "ID", group = "scope")]
        member: Option<String>,
        /// Only workshops with a date from now on.
        #[arg(long, group = "scope")]
        upcoming: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormatArg {
    Csv,
    Mailchimp,
    Listmonk,
    Plain,
    Vcard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Organizer,
    Facilitator,
    Volunteer,
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Newcomer,
    Practitioner,
    Expert,
}
