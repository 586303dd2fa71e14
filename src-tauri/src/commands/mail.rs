//! How mail leaves (SMTP settings, the password in the keychain or for this run), the test
//! mail, and the outbox: its counts, pause, resume, cancel and send-again.

use guildhall_core::invitations::compose;
use guildhall_core::outbox::deliver;
use guildhall_core::outbox::{self, MailSelection, MailStatus, MailSummary, OutboxCounts};
use guildhall_core::services::outbox::{MailerSource, SenderState};
use guildhall_core::settings::{self, MailSettings};
use guildhall_core::CoreError;
use guildhall_mail::{smtp_account, KeychainError};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Where the SMTP password is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PasswordState {
    /// The server needs no login.
    NotNeeded,
    /// In the OS keychain.
    Keychain,
    /// Typed in for this run; forgotten when Guildhall closes.
    ThisRun,
    /// Needed and not found.
    Missing,
    /// No keychain can be reached here: the reason, in words.
    NoKeychain { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MailSetup {
    pub settings: Option<MailSettings>,
    pub password: PasswordState,
}

fn password_state(
    state: &AppState,
    settings: &MailSettings,
) -> Result<PasswordState, CommandError> {
    if settings.user.is_none() {
        return Ok(PasswordState::NotNeeded);
    }
    let mailers = state.services()?.mailers();
    if mailers.has_password_for_this_run(settings) {
        return Ok(PasswordState::ThisRun);
    }
    Ok(match mailers.keychain().get(&smtp_account(settings)) {
        Ok(Some(_)) => PasswordState::Keychain,
        Ok(None) => PasswordState::Missing,
        Err(KeychainError::Unavailable(reason)) | Err(KeychainError::Failed(reason)) => {
            PasswordState::NoKeychain { reason }
        }
    })
}

fn setup(state: &AppState) -> Result<MailSetup, CommandError> {
    let settings = state.core()?.read(settings::mail)?;
    let password = match &settings {
        Some(s) => password_state(state, s)?,
        None => PasswordState::Missing,
    };
    Ok(MailSetup { settings, password })
}

/// The mail settings and where the password is.
#[tauri::command(async)]
#[specta::specta]
pub fn mail_setup(state: State<'_, AppState>) -> Result<MailSetup, CommandError> {
    setup(&state)
}

/// Where a newly typed password goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum KeepPassword {
    Keychain,
    ThisRun,
}

/// Saves the settings (checked) and, when given, the password (in the keychain, or in memory
/// for this run).
#[tauri::command(async)]
#[specta::specta]
pub fn save_mail_setup(
    state: State<'_, AppState>,
    settings: MailSettings,
    password: Option<String>,
    keep: KeepPassword,
) -> Result<MailSetup, CommandError> {
    let core = state.core()?;
    let saved = settings::check(&settings)?;
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        let mailers = state.services()?.mailers();
        match keep {
            KeepPassword::Keychain => mailers
                .keychain()
                .set(&smtp_account(&saved), &password)
                .map_err(|e| CommandError::from(CoreError::invalid("password", e.to_string())))?,
            KeepPassword::ThisRun => mailers.remember_for_this_run(&saved, password),
        }
    }
    core.write(|tx| settings::save_mail(tx, &saved, core.clock.now()))?;
    setup(&state)
}

/// What the server said to the test mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TestMailResult {
    pub sent: bool,
    pub to: String,
    /// The server's words (or ours, when it could not be reached).
    pub server_said: String,
}

/// Sends a test mail to the sender's own address, now, and reports the server's answer.
#[tauri::command(async)]
#[specta::specta]
pub fn send_test_mail(state: State<'_, AppState>) -> Result<TestMailResult, CommandError> {
    let core = state.core()?;
    let saved = core.read(settings::mail_required)?;
    let mail = compose::test_mail(&saved, core.clock.now());
    let mailers = state.services()?.mailers();
    // The SMTP connection drives its own runtime: it runs on a plain thread, never on the
    // async runtime this command is called on.
    let answer = std::thread::scope(|scope| {
        scope
            .spawn(|| match mailers.mailer(&saved) {
                Ok(mailer) => deliver::send_now(core, &*mailer, &mail),
                Err(e) => Ok(Err(e)),
            })
            .join()
            .unwrap_or_else(|_| {
                Err(CoreError::Delivery {
                    permanent: false,
                    message: "The test mail could not be sent (see the log).".into(),
                })
            })
    })?;
    Ok(match answer {
        Ok(reply) => TestMailResult {
            sent: true,
            to: saved.from_address,
            server_said: reply,
        },
        Err(e) => TestMailResult {
            sent: false,
            to: saved.from_address,
            server_said: e.message().to_owned(),
        },
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutboxView {
    pub counts: OutboxCounts,
    pub sender: SenderState,
    /// Mails that did not go (failed, unknown) or wait for a retry, newest first.
    pub problems: Vec<MailSummary>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn outbox_view(state: State<'_, AppState>) -> Result<OutboxView, CommandError> {
    let core = state.core()?;
    let (counts, problems) = core.snapshot(|c| {
        Ok((
            outbox::counts(c)?,
            outbox::list(
                c,
                &[MailStatus::Failed, MailStatus::Unknown, MailStatus::Retry],
                200,
            )?,
        ))
    })?;
    Ok(OutboxView {
        counts,
        sender: state.services()?.sender().state(),
        problems,
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn pause_outbox(state: State<'_, AppState>) -> Result<SenderState, CommandError> {
    let sender = state.services()?.sender();
    sender.pause();
    Ok(sender.state())
}

#[tauri::command(async)]
#[specta::specta]
pub fn resume_outbox(state: State<'_, AppState>) -> Result<SenderState, CommandError> {
    let sender = state.services()?.sender();
    sender.resume();
    Ok(sender.state())
}

/// Cancels every mail not sent yet; returns how many.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_outbox(state: State<'_, AppState>) -> Result<u32, CommandError> {
    let core = state.core()?;
    let mut n = 0;
    core.write(|tx| {
        for status in [MailStatus::Queued, MailStatus::Retry] {
            n += outbox::store::cancel(tx, &MailSelection::Status { status }, core.clock.now())?;
        }
        Ok(())
    })?;
    Ok(n as u32)
}

/// Queues again mails whose delivery is unknown or that failed, as the organizer chose.
#[tauri::command(async)]
#[specta::specta]
pub fn send_again(
    state: State<'_, AppState>,
    selection: MailSelection,
) -> Result<u32, CommandError> {
    let core = state.core()?;
    let n = core.write(|tx| outbox::store::send_again(tx, &selection, core.clock.now()))?;
    state.services()?.sender().wake();
    Ok(n as u32)
}
