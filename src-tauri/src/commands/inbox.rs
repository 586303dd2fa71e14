//! Where answers come back: the IMAP inbox's settings (the password in the keychain), and a
//! check now. The inbox service reads it every few minutes on its own.

use guildhall_core::inbox::{self, InboxReport, InboxSettings};
use guildhall_core::CoreError;
use guildhall_mail::imap_account;
use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxSetup {
    pub settings: Option<InboxSettings>,
    /// Whether a password can be found (keychain or GUILDHALL_IMAP_PASSWORD); else why not.
    pub password_problem: Option<String>,
    pub checked_at: Option<String>,
    pub last_error: Option<String>,
    /// What the latest check in this run did.
    pub last: Option<InboxReport>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn inbox_setup(state: State<'_, AppState>) -> Result<InboxSetup, CommandError> {
    let core = state.core()?;
    let services = state.services()?;
    let (settings, checked_at, last_error) = core.read(|c| {
        let settings = inbox::settings(c)?;
        let (checked, error): (Option<String>, Option<String>) = c
            .query_row(
                "SELECT checked_at, last_error FROM inbox_setting WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or((None, None));
        Ok((settings, checked, error))
    })?;
    let password_problem = settings
        .as_ref()
        .and_then(|s| services.mailers().inbox_password(s).err())
        .map(|e| e.to_string());
    Ok(InboxSetup {
        settings,
        password_problem,
        checked_at,
        last_error,
        last: services.inbox().last(),
    })
}

/// Saves the inbox (and its password in the keychain, when given), then checks it.
#[tauri::command(async)]
#[specta::specta]
pub fn save_inbox_setup(
    state: State<'_, AppState>,
    settings: InboxSettings,
    password: Option<String>,
) -> Result<InboxSettings, CommandError> {
    let core = state.core()?;
    let services = state.services()?;
    let saved = core.write(|tx| inbox::save(tx, &settings, core.clock.now()))?;
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        services
            .mailers()
            .keychain()
            .set(&imap_account(&saved), &password)
            .map_err(|e| CoreError::invalid("password", e.to_string()))?;
    }
    services.inbox().wake();
    Ok(saved)
}

/// Reads the inbox now and says what it did; `None` when no inbox is set up.
#[tauri::command(async)]
#[specta::specta]
pub fn check_inbox_now(state: State<'_, AppState>) -> Result<Option<InboxReport>, CommandError> {
    let checker = state.services()?.inbox().clone();
    // The IMAP connection drives its own runtime: a plain thread, never this async one.
    Ok(std::thread::scope(|scope| {
        scope
            .spawn(move || checker.check_if_set_up())
            .join()
            .unwrap_or_else(|_| {
                Some(InboxReport {
                    problem: Some("The inbox check stopped unexpectedly (see the log).".into()),
                    ..Default::default()
                })
            })
    }))
}
