//! Where the sender's mailer and its password come from, for the app and the CLI alike: the
//! password from `GUILDHALL_SMTP_PASSWORD` (scripts, the CLI), else one typed in for this run
//! only (kept in memory, when no keychain is reachable), else the OS keychain.

use std::sync::{Mutex, PoisonError};

use guildhall_core::outbox::mailer::{DeliveryError, Mailer};
use guildhall_core::services::outbox::MailerSource;
use guildhall_core::settings::MailSettings;

use crate::secrets::{smtp_account, Keychain, KeychainError};
use crate::smtp::SmtpMailer;

/// The environment variable a script sets the SMTP password in.
pub const PASSWORD_VARIABLE: &str = "GUILDHALL_SMTP_PASSWORD";
/// The environment variable a script sets the IMAP password in.
pub const IMAP_PASSWORD_VARIABLE: &str = "GUILDHALL_IMAP_PASSWORD";

/// Makes the SMTP mailer for the saved settings, with the password found as above.
#[derive(Debug, Default)]
pub struct Mailers {
    keychain: Keychain,
    /// Typed in for this run; never written anywhere.
    this_run: Mutex<Option<(String, String)>>,
}

impl Mailers {
    pub fn new() -> Self {
        Mailers::default()
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// Keeps `password` in memory for the settings' account until the process ends.
    pub fn remember_for_this_run(&self, settings: &MailSettings, password: String) {
        *self.this_run.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((smtp_account(settings), password));
    }

    /// Whether a password typed for this run is held for these settings.
    pub fn has_password_for_this_run(&self, settings: &MailSettings) -> bool {
        let account = smtp_account(settings);
        self.this_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|(a, _)| *a == account)
    }

    /// The password for `settings`; `None` when the server needs no login.
    pub fn password(&self, settings: &MailSettings) -> Result<Option<String>, DeliveryError> {
        if settings.user.is_none() {
            return Ok(None);
        }
        if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
            return Ok(Some(password));
        }
        let account = smtp_account(settings);
        if let Some((a, password)) = &*self.this_run.lock().unwrap_or_else(PoisonError::into_inner)
        {
            if *a == account {
                return Ok(Some(password.clone()));
            }
        }
        match self.keychain.get(&account) {
            Ok(Some(password)) => Ok(Some(password)),
            Ok(None) => Err(DeliveryError::Setup {
                message: format!(
                    "No password is saved for {account}. Enter it in Settings → Mail (or set \
                     {PASSWORD_VARIABLE} for the command line)."
                ),
            }),
            Err(KeychainError::Unavailable(why)) => Err(DeliveryError::Setup {
                message: format!(
                    "{why} Type the password in Settings → Mail to use it until Guildhall \
                     closes (or set {PASSWORD_VARIABLE} for the command line)."
                ),
            }),
            Err(KeychainError::Failed(why)) => Err(DeliveryError::Setup { message: why }),
        }
    }
}

impl Mailers {
    /// The inbox password: `GUILDHALL_IMAP_PASSWORD`, else the keychain; or why there is none,
    /// in words.
    pub fn inbox_password(
        &self,
        settings: &guildhall_core::inbox::InboxSettings,
    ) -> Result<String, guildhall_core::CoreError> {
        let missing = |why: String| guildhall_core::CoreError::invalid("password", why);
        if let Ok(password) = std::env::var(IMAP_PASSWORD_VARIABLE) {
            return Ok(password);
        }
        let account = crate::secrets::imap_account(settings);
        match self.keychain.get(&account) {
            Ok(Some(password)) => Ok(password),
            Ok(None) => Err(missing(format!(
                "No password is saved for {account}. Enter it in Settings → Inbox (or set \
                 {IMAP_PASSWORD_VARIABLE} for the command line)."
            ))),
            Err(KeychainError::Unavailable(why)) | Err(KeychainError::Failed(why)) => Err(missing(
                format!("{why} (For the command line, set {IMAP_PASSWORD_VARIABLE}.)"),
            )),
        }
    }
}

impl MailerSource for Mailers {
    fn mailer(&self, settings: &MailSettings) -> Result<Box<dyn Mailer>, DeliveryError> {
        let password = self.password(settings)?;
        Ok(Box::new(SmtpMailer::new(settings.clone(), password)))
    }
}
