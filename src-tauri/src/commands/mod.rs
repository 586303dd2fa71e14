//! The IPC surface: one file per domain, each command a few lines of glue over the core.

pub mod app;
pub mod calendar;
pub mod demo;
pub mod exports;
pub mod guests;
pub mod imports;
pub mod inbox;
pub mod invitations;
pub mod live;
pub mod mail;
pub mod members;
pub mod merge;
pub mod workshops;
