//! The organizer's settings that live in the database: today, how mail leaves (the SMTP
//! server). The password is never here: it lives in the OS keychain (`guildhall-mail`).

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Security {
    /// No encryption: only to a server on this machine (127.0.0.1, ::1, localhost).
    None,
    /// A plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "none",
            Security::StartTls => "starttls",
            Security::Tls => "tls",
        }
    }

    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "none" => Some(Security::None),
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            _ => None,
        }
    }
}

/// The SMTP server and the sender, as the organizer set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// The login; none when the server needs no login.
    pub user: Option<String>,
    /// The sender's name as members see it ("Rust Study Group").
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
}

/// Whether `host` is this machine, the only place a plain connection may go.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
