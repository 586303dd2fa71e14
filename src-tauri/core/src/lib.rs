//! Guildhall's core: every behaviour of the app that is not the window.
//!
//! The Tauri crate and the CLI are thin layers over this crate; nothing here knows about Tauri,
//! so the whole domain is testable in milliseconds against real SQLite files.

pub mod calendar;
pub mod db;
pub mod error;
pub mod files;
pub mod ids;
pub mod members;
pub mod text;
pub mod workshops;

pub use db::Database;
pub use error::{CoreError, Result};
