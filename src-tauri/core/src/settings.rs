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

fn invalid(field: &'static str, message: impl Into<String>) -> CoreError {
    CoreError::Validation {
        field,
        message: message.into(),
    }
}

fn one_line(value: &str, field: &'static str, what: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value
        .chars()
        .any(|c| c.is_control() || crate::text::is_hidden(c))
    {
        return Err(invalid(
            field,
            format!("{what} is one line of visible text."),
        ));
    }
    if value.chars().count() > max {
        return Err(invalid(
            field,
            format!("{what} has at most {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

/// The settings as they may be saved, trimmed; or what is wrong, on its field.
pub fn check(input: &MailSettings) -> Result<MailSettings> {
    let host = one_line(&input.host, "host", "The server's name", 253)?;
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
        return Err(invalid(
            "host",
            "Give the mail server's name, like smtp.example.org.",
        ));
    }
    if input.port == 0 {
        return Err(invalid("port", "A port is a number from 1 to 65535."));
    }
    if input.security == Security::None && !is_loopback(&host) {
        return Err(invalid(
            "security",
            "Without encryption your password and your members' mail would cross the network \
             readable by anyone on the way; choose STARTTLS or TLS (a plain connection is only \
             for a server on this computer).",
        ));
    }
    let user = input
        .user
        .as_deref()
        .map(|u| one_line(u, "user", "The login", 320))
        .transpose()?
        .filter(|u| !u.is_empty());
    let from_name = one_line(&input.from_name, "fromName", "The sender's name", 100)?;
    let from_address = input.from_address.trim().to_owned();
    crate::members::normalize_email(&from_address).map_err(|e| match e {
        CoreError::Validation { message, .. } => invalid("fromAddress", message),
        other => other,
    })?;
    let reply_to = match input.reply_to.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => {
            crate::members::normalize_email(r).map_err(|e| match e {
                CoreError::Validation { message, .. } => invalid("replyTo", message),
                other => other,
            })?;
            Some(r.to_owned())
        }
    };
    Ok(MailSettings {
        host,
        port: input.port,
        security: input.security,
        user,
        from_name,
        from_address,
        reply_to,
    })
}

/// The mail settings, if the organizer has saved them.
pub fn mail(conn: &Connection) -> Result<Option<MailSettings>> {
    let row = conn
        .query_row(
            "SELECT host, port, security, user, from_name, from_address, reply_to
             FROM mail_setting WHERE id = 1",
            [],
            |r| {
                let security: String = r.get(2)?;
                Ok(MailSettings {
                    host: r.get(0)?,
                    port: r.get(1)?,
                    security: Security::parse(&security)
                        .ok_or_else(|| crate::sql::bad_value(2, "security", &security))?,
                    user: r.get(3)?,
                    from_name: r.get(4)?,
                    from_address: r.get(5)?,
                    reply_to: r.get(6)?,
                })
            },
        )
        .optional()?;
    Ok(row)
}

/// The mail settings, or a plain message saying they are needed first.
pub fn mail_required(conn: &Connection) -> Result<MailSettings> {
    mail(conn)?.ok_or_else(|| {
        invalid(
            "mailSettings",
            "Set up how mail leaves first (Settings → Mail: your SMTP server and sender).",
        )
    })
}

/// Saves the mail settings (checked); returns them as saved.
pub fn save_mail(
    tx: &Transaction,
    input: &MailSettings,
    now: jiff::Timestamp,
) -> Result<MailSettings> {
    let s = check(input)?;
    tx.execute(
        "INSERT INTO mail_setting (id, host, port, security, user, from_name, from_address,
             reply_to, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET host = ?1, port = ?2, security = ?3, user = ?4,
             from_name = ?5, from_address = ?6, reply_to = ?7, updated_at = ?8",
        rusqlite::params![
            s.host,
            s.port,
            s.security.as_str(),
            s.user,
            s.from_name,
            s.from_address,
            s.reply_to,
            crate::time::stamp(now)
        ],
    )?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> MailSettings {
        MailSettings {
            host: "smtp.example.org".into(),
            port: 587,
            security: Security::StartTls,
            user: Some("ada".into()),
            from_name: "Rust Study Group".into(),
            from_address: "groups@example.org".into(),
            reply_to: None,
        }
    }

    #[test]
    fn plain_connections_only_stay_on_this_machine() {
        let remote = MailSettings {
            security: Security::None,
            ..settings()
        };
        let err = check(&remote).unwrap_err();
        assert!(matches!(
            err,
            CoreError::Validation {
                field: "security",
                ..
            }
        ));
        for host in ["127.0.0.1", "localhost", "::1", "[::1]"] {
            let local = MailSettings {
                host: host.into(),
                ..remote.clone()
            };
            assert!(check(&local).is_ok(), "{host}");
        }
    }

    #[test]
    fn a_sender_name_cannot_carry_a_header() {
        let bad = MailSettings {
            from_name: "Ada\r\nBcc: all@example.org".into(),
            ..settings()
        };
        assert!(matches!(
            check(&bad),
            Err(CoreError::Validation {
                field: "fromName",
                ..
            })
        ));
        let bad = MailSettings {
            from_address: "not an address".into(),
            ..settings()
        };
        assert!(matches!(
            check(&bad),
            Err(CoreError::Validation {
                field: "fromAddress",
                ..
            })
        ));
    }
}
