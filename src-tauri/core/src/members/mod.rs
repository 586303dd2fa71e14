//! Members: the people of the community, from first RSVP to long-time facilitator.
//!
//! `model` holds the types that cross into the UI, `input` turns what someone typed into a
//! validated record, `store` reads and writes them, `index` and `search` find them as someone
//! types, and `demo` makes a believable community for a first look at the app.

pub mod demo;
mod index;
mod input;
mod model;
pub(crate) mod search;
mod store;

pub use index::{Hits, SearchIndex};
pub use input::{normalize_email, normalize_tags};
pub use model::{
    Member, MemberCounts, MemberInput, MemberList, MemberQuery, MemberSource, PracticeLevel, Role,
};
pub use search::{counts, list};
pub use store::{archive, create, delete, get, restore, update};
