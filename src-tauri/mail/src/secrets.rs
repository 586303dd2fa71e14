//! The SMTP password in the OS keychain (Secret Service on Linux, the Keychain on macOS, the
//! Credential Manager on Windows), never in the database. The password is never logged and
//! never part of an error.

use std::sync::mpsc;
use std::time::Duration;

use guildhall_core::settings::MailSettings;
use keyring::{Entry, Error as KeyringError};

/// The service name every Guildhall secret is filed under.
pub const SERVICE: &str = "guildhall";

/// How long the keychain may take to answer (it may be asking the organizer to unlock it).
const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(120);

/// Why the keychain could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// There is no keychain to use here (no Secret Service, no session bus, a locked keychain
    /// that was not unlocked): the sentence says so plainly.
    #[error("{0}")]
    Unavailable(String),
    /// The keychain is there but the operation failed.
    #[error("{0}")]
    Failed(String),
}

/// The OS keychain, under one service name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keychain {
    service: String,
}

impl Default for Keychain {
    fn default() -> Self {
        Keychain::new()
    }
}

impl Keychain {
    /// The keychain under the service name "guildhall".
    pub fn new() -> Self {
        Keychain {
            service: SERVICE.to_owned(),
        }
    }

    /// The service name entries are filed under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The password saved for `account`, or `None` if there is none.
    pub fn get(&self, account: &str) -> Result<Option<String>, KeychainError> {
        self.with_entry(account, |entry| match entry.get_password() {
            Ok(password) => Ok(Some(password)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    /// Saves `password` for `account`, replacing any earlier one.
    pub fn set(&self, account: &str, password: &str) -> Result<(), KeychainError> {
        let password = password.to_owned();
        self.with_entry(account, move |entry| entry.set_password(&password))
    }

    /// Forgets the password for `account`; one that is not there is fine.
    pub fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.with_entry(account, |entry| match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }

    /// Runs `op` on the entry for `account` on its own thread, so that a keychain that never
    /// answers (a prompt nobody sees) becomes an error instead of a hang.
    fn with_entry<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(&Entry) -> Result<T, KeyringError> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let service = self.service.clone();
        let account = account.to_owned();
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("guildhall-keychain".to_owned())
            .spawn(move || {
                let result = Entry::new(&service, &account).and_then(|entry| op(&entry));
                let _ = tx.send(result.map_err(|e| describe(&e)));
            })
            .map_err(|e| KeychainError::Failed(format!("Could not ask the keychain: {e}.")))?;
        match rx.recv_timeout(KEYCHAIN_TIMEOUT) {
            Ok(result) => result,
            Err(_) => Err(KeychainError::Unavailable(
                "The system keychain did not answer (it may be waiting to be unlocked). Unlock \
                 it and try again."
                    .to_owned(),
            )),
        }
    }
}

/// The keychain account the SMTP password of `settings` is saved under, e.g.
/// `smtp:organizer@example.org@smtp.example.org:587`.
pub fn smtp_account(settings: &MailSettings) -> String {
    let host = settings.host.trim().to_ascii_lowercase();
    match &settings.user {
        Some(user) => format!("smtp:{user}@{host}:{}", settings.port),
        None => format!("smtp:{host}:{}", settings.port),
    }
}

/// The keychain account the IMAP password of `settings` is saved under, e.g.
/// `imap:organizer@example.org@imap.example.org:993`.
pub fn imap_account(settings: &guildhall_core::inbox::InboxSettings) -> String {
    let host = settings.host.trim().to_ascii_lowercase();
    format!("imap:{}@{host}:{}", settings.user, settings.port)
}

/// A keyring error in words an organizer understands. Never includes a secret: keyring's
/// errors carry none except `BadEncoding`/`BadDataFormat`, whose bytes are left out here.
fn describe(e: &KeyringError) -> KeychainError {
    match e {
        KeyringError::NoDefaultStore => KeychainError::Unavailable(
            "No system keychain is available here (on Linux: a Secret Service such as GNOME \
             Keyring or KeePassXC, in a desktop session), so Guildhall cannot keep the mail \
             password."
                .to_owned(),
        ),
        KeyringError::NoStorageAccess(detail) => KeychainError::Unavailable(format!(
            "The system keychain is locked or refused access: unlock it (on Linux, in the \
             Passwords and Keys app) and try again. ({detail})"
        )),
        KeyringError::BadEncoding(_) => KeychainError::Failed(
            "The password saved in the keychain is not readable text; enter it again.".to_owned(),
        ),
        KeyringError::BadDataFormat(_, _) => KeychainError::Failed(
            "The password saved in the keychain is damaged; enter it again.".to_owned(),
        ),
        KeyringError::Ambiguous(items) => KeychainError::Failed(format!(
            "The keychain holds {} passwords for this mail account; remove the extra ones in \
             the keychain's app and try again.",
            items.len()
        )),
        other => KeychainError::Failed(format!("The system keychain failed: {other}.")),
    }
}
