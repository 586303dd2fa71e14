//! Members: the people of the community, from first RSVP to long-time facilitator.
//!
//! `model` holds the types that cross into the UI, `input` turns what someone typed into a
//! validated record, `store` reads and writes them, `index` and `search` find them as someone
//! types, and `demo` makes a believable community for a first look at the app. `import` brings
//! members in from other tools' exports, `export` writes mailing lists and backups, `merge`
//! joins two records of one person, and `erasure` keeps the anonymous count of deleted members.

pub mod demo;
mod erasure;
pub mod export;
pub mod import;
mod index;
mod input;
pub mod merge;
mod model;
mod search;
pub(crate) mod store;

pub use erasure::{erasure_counts, ErasureCount};
pub use export::{all_members_csv, mailing_list, AudienceFilter, MailingListFormat};
pub use index::{Hits, SearchIndex};
pub use input::normalize_email;
pub use merge::{merge, merge_preview, MergeChoices, MergePreview, MergeSide};
pub use model::{
    Contact, Member, MemberCounts, MemberInput, MemberList, MemberQuery, MemberSource,
    PracticeLevel, Role,
};
pub use search::{counts, list, MemberSearch};
pub use store::{archive, contact, create, delete, exists, get, restore, update};
