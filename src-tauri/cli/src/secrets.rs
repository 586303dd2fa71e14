//! Settings that carry a password: the inbox's (saved with `settings imap`), and the one way a
//! password comes in from standard input into the OS keychain (SMTP and IMAP alike).

use std::io::Read;
use std::process::ExitCode;

use guildhall_core::inbox::{self, InboxSettings};
use guildhall_core::{Context, CoreError};
use guildhall_mail::{imap_account, Mailers};

use crate::show::printable;

/// Saves the inbox settings (and the password in the keychain when given on stdin).
pub fn save_imap(
    ctx: &Context,
    settings: InboxSettings,
    password_stdin: bool,
) -> Result<ExitCode, CoreError> {
    let saved = ctx.write(|tx| inbox::save(tx, &settings, ctx.clock.now()))?;
    if password_stdin {
        keep_password_from_stdin(&imap_account(&saved))?;
    }
    println!(
        "answers are read from {} at {}:{} ({}) as {}",
        printable(&saved.folder),
        saved.host,
        saved.port,
        saved.security.as_str(),
        printable(&saved.user)
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads a password from standard input (one line; its line end dropped) and saves it in the
/// keychain under `account`.
pub fn keep_password_from_stdin(account: &str) -> Result<(), CoreError> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|source| CoreError::Io {
            context: "could not read the password from standard input".into(),
            source,
        })?;
    let password = password.trim_end_matches(['\r', '\n']);
    Mailers::new()
        .keychain()
        .set(account, password)
        .map_err(|e| CoreError::invalid("password", e.to_string()))?;
    eprintln!("guildhall: the password is in the keychain");
    Ok(())
}
