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
    /// How mail leaves (the SMTP server) and a test mail.
    #[command(subcommand)]
    Settings(Settings),
    /// Invite members to a workshop: their mails go to the outbox (send them with `outbox
    /// send`). Facilitators of the workshop are always invited, as facilitators.
    Invite {
        /// The workshop's id (wks_…).
        workshop: String,
        /// Every member (who agreed to mail).
        #[arg(long)]
        all: bool,
        /// Members with this tag (repeat for several).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Members with this role (repeat for several).
        #[arg(long = "role", value_enum, value_name = "ROLE")]
        roles: Vec<RoleArg>,
        /// Members at this practice level (repeat for several).
        #[arg(long = "level", value_enum, value_name = "LEVEL")]
        levels: Vec<LevelArg>,
        /// Members who accepted an invitation to this workshop (repeat for several).
        #[arg(long = "attended", value_name = "WORKSHOP")]
        attended: Vec<String>,
        /// These members (their ids, mem_…), whatever the other criteria say.
        #[arg(long = "member", value_name = "ID")]
        members: Vec<String>,
        /// Match any of the criteria instead of all of them.
        #[arg(long)]
        any: bool,
        /// The subject (placeholders such as {workshop} allowed); saved for the workshop.
        #[arg(long)]
        subject: Option<String>,
        /// A file with the mail's text (Markdown with placeholders); saved for the workshop.
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
        /// Print who would be invited and who is left out, without queueing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Queue the update for everyone whose calendar has an older time or place.
    Update { workshop: String },
    /// Cancel the workshop and queue the cancellation to everyone it was sent to.
    Cancel { workshop: String },
    /// Uninvite one member: a cancellation goes to them alone.
    Uninvite { workshop: String, member: String },
    /// The mail waiting to go and what became of what went.
    #[command(subcommand)]
    Outbox(Outbox),
    /// The IMAP inbox answers come back to.
    #[command(subcommand)]
    Inbox(Inbox),
    /// The guest list of a workshop (or of one of its dates): who is going, who might, who
    /// can't come, who has not answered, who waits for a place.
    Guests {
        workshop: String,
        /// One date of the workshop (YYYY-MM-DD, in its time zone).
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value_t = GuestFormat::Text)]
        format: GuestFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GuestFormat {
    Text,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Settings {
    /// Save the SMTP server and the sender. The password is read from standard input with
    /// --password-stdin and saved in the OS keychain, never in the database.
    Smtp {
        #[arg(long)]
        host: String,
        #[arg(long)]
        port: u16,
        #[arg(long, value_enum)]
        security: SecurityArg,
        #[arg(long)]
        user: Option<String>,
        /// The sender, as `Name <address>` or just the address.
        #[arg(long)]
        from: String,
        #[arg(long)]
        reply_to: Option<String>,
        /// Read the password from standard input and save it in the keychain.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Send a test mail to the sender's own address and print what the server said.
    TestMail,
    /// Save the IMAP inbox answers come back to. The password is read from standard input
    /// with --password-stdin and saved in the OS keychain (or set GUILDHALL_IMAP_PASSWORD).
    Imap {
        #[arg(long)]
        host: String,
        #[arg(long)]
        port: u16,
        #[arg(long, value_enum)]
        security: SecurityArg,
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "INBOX")]
        folder: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum Inbox {
    /// Read the inbox once: apply the answers that arrived since the last check, mark them,
    /// and print what was read. Exit 1 when the inbox could not be read.
    Check,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecurityArg {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Subcommand)]
pub enum Outbox {
    /// Send what is due (progress on standard error). Exit 0 when everything was sent, 1 when
    /// some mail failed, is unknown, or waits for a retry.
    Send {
        /// Connections at once (at most 3).
        #[arg(long, default_value_t = 3)]
        connections: usize,
        /// Wait up to this many seconds for retries that fall due.
        #[arg(long, default_value_t = 0, value_name = "SECONDS")]
        wait: u64,
    },
    /// How many mails are queued, sent, failed or unknown, and why the problem ones are.
    Status,
    /// Queue again mails whose delivery is unknown (or that failed), after checking with the
    /// recipients.
    Retry {
        /// Mails that failed instead of the unknown ones.
        #[arg(long)]
        failed: bool,
        /// Only these mails (out_…).
        #[arg(value_name = "ID")]
        ids: Vec<String>,
    },
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
    /// Answers: calendar replies, reply-link mails and delivery reports saved as .eml files,
    /// or bare .ics replies. Prints one line per file: what it changed, or why it did not.
    Replies {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Apply a reply that was held because its sender is not the person it answers for
    /// (its id, rpl_…, is printed when it is held).
    Confirm { reply: String },
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
