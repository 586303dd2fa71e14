//! Members: the people of the community, from first RSVP to long-time facilitator.
//!
//! `model` holds the types that cross into the UI, `input` turns what someone typed into a
//! validated record, `store` reads and writes them, and `demo` makes a believable community for
//! a first look at the app.

pub mod demo;
pub mod import;
mod input;
mod model;
mod store;

pub use input::{normalize_email, normalize_tags};
pub use model::{Member, MemberInput, MemberList, MemberQuery, MemberSource, PracticeLevel, Role};
pub use store::{archive, create, delete, get, list, restore, update};
