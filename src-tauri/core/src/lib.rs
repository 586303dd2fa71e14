//! Guildhall's core: every behaviour of the app that is not the window.
//!
//! The Tauri crate and the CLI are thin layers over this crate; nothing here knows about Tauri,
//! so the whole domain is testable in milliseconds against real SQLite files.
//!
//! The layers, from the bottom (a module imports only modules below it; `tests/layers.rs`
//! fails on any loop):
//! - leaves: `error`, `time`, `clock`, `sql`, `tags`, `text`, `ids`, `files`;
//! - storage: `db` (the file, its pool and transactions; it knows no domain) and `changes`
//!   (which domains changed, for live screens);
//! - domains, each the one owner of its tables: `members`, then `workshops` (which names
//!   members as facilitators through the members' functions);
//! - across domains: `calendar` (workshops as .ics files and back), `demo`;
//! - `context` (the database with the clock and the caches kept beside it) and `services`
//!   (the work that runs by itself: imports, the change watcher).

pub mod calendar;
pub mod changes;
pub mod clock;
pub mod context;
pub mod db;
pub mod demo;
pub mod error;
pub mod files;
pub mod ids;
pub mod inbox;
pub mod invitations;
pub mod members;
pub mod mime;
pub mod outbox;
pub mod rsvp;
pub mod services;
pub mod settings;
pub mod sql;
pub mod tags;
pub mod text;
pub mod time;
pub mod workshops;

pub use clock::Clock;
pub use context::Context;
pub use db::Database;
pub use error::{CoreError, Result};
