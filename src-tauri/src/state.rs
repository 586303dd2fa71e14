//! The app's state: the core (database, clock, caches) opened once at start, the services
//! started beside it, and the files the organizer picked. If the database could not be opened
//! the reason is kept, so every command answers with it and the UI can explain instead of
//! crashing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use guildhall_core::{Clock, Context};

use crate::error::CommandError;
use crate::files::{ChosenFiles, FilePicker, NoDialogs};
use crate::services::AppServices;

pub struct AppState {
    core: Result<Context, CommandError>,
    data_dir: PathBuf,
    log_file: Option<PathBuf>,
    files: Box<dyn FilePicker>,
    chosen: ChosenFiles,
    /// `None` when the database could not be opened (there is nothing for them to work on).
    services: Option<AppServices>,
    /// Ends the app the way closing its window does (the services stop on the way out).
    exit: Option<Box<dyn Fn() + Send + Sync>>,
    /// An editor in the window holds unsaved changes (the window says so).
    unsaved: AtomicBool,
    /// When the window was last asked to confirm closing and has not answered since.
    close_asked: Mutex<Option<Instant>>,
}

/// A window that was asked to confirm closing and did not answer within this time (its page
/// is stuck) is closed when asked again, rather than never.
const UNANSWERED_CLOSE: Duration = Duration::from_secs(10);

impl AppState {
    /// Opens the database in `data_dir` on the system clock and starts the services; file
    /// dialogs answer only from the environment until [`AppState::with_file_picker`] gives real
    /// ones.
    pub fn open(data_dir: PathBuf) -> Self {
        Self::open_on(data_dir, Clock::system())
    }

    /// [`AppState::open`] on a clock of the caller's (tests).
    pub fn open_on(data_dir: PathBuf, clock: Clock) -> Self {
        let core = Context::open_in(&data_dir, clock).map_err(CommandError::from);
        let services = match &core {
            Ok(ctx) => match AppServices::start(ctx) {
                Ok(services) => Some(services),
                Err(error) => {
                    tracing::error!(%error, "could not start the services");
                    None
                }
            },
            Err(error) => {
                tracing::error!(kind = error.kind(), "cannot open the database");
                None
            }
        };
        AppState {
            core,
            data_dir,
            log_file: None,
            files: Box::new(NoDialogs),
            chosen: ChosenFiles::default(),
            services,
            exit: None,
            unsaved: AtomicBool::new(false),
            close_asked: Mutex::new(None),
        }
    }

    /// What the window last said about unsaved changes; it is answering, too.
    pub fn set_unsaved(&self, unsaved: bool) {
        self.unsaved.store(unsaved, Ordering::Relaxed);
        *self
            .close_asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The organizer asked to close the window: `true` when it must ask them first (an editor
    /// holds unsaved changes, and the window answered the last time it was asked).
    pub fn ask_before_closing(&self) -> bool {
        if !self.unsaved.load(Ordering::Relaxed) {
            return false;
        }
        let mut asked = self
            .close_asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if asked.is_some_and(|at| at.elapsed() < UNANSWERED_CLOSE) {
            tracing::warn!("the window did not answer the close request; closing");
            return false;
        }
        *asked = Some(Instant::now());
        true
    }

    /// How the app ends itself (`AppHandle::exit`), for the Quit shortcut.
    pub fn with_exit(mut self, exit: impl Fn() + Send + Sync + 'static) -> Self {
        self.exit = Some(Box::new(exit));
        self
    }

    /// Ends the app; `false` when this state was made without a way to (tests).
    pub fn exit(&self) -> bool {
        match &self.exit {
            Some(exit) => {
                exit();
                true
            }
            None => false,
        }
    }

    pub fn with_file_picker(mut self, files: impl FilePicker + 'static) -> Self {
        self.files = Box::new(files);
        self
    }

    /// Where the log is written (shown in the app's sidebar).
    pub fn with_log_file(mut self, path: Option<PathBuf>) -> Self {
        self.log_file = path;
        self
    }

    pub fn files(&self) -> &dyn FilePicker {
        self.files.as_ref()
    }

    pub fn chosen(&self) -> &ChosenFiles {
        &self.chosen
    }

    pub fn core(&self) -> Result<&Context, CommandError> {
        self.core.as_ref().map_err(Clone::clone)
    }

    /// The running services, or why there are none.
    pub fn services(&self) -> Result<&AppServices, CommandError> {
        self.core()?;
        self.services
            .as_ref()
            .ok_or_else(|| CommandError::Internal {
                message: "Guildhall's background services did not start; see the log.".into(),
            })
    }

    pub fn startup_error(&self) -> Option<CommandError> {
        self.core.as_ref().err().cloned()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn log_file(&self) -> Option<&Path> {
        self.log_file.as_deref()
    }

    /// Stops every service (on exit): a running import is cancelled and rolled back first (one
    /// already committing finishes).
    pub fn stop_services(&self, within: Duration) {
        if let Some(services) = &self.services {
            services.stop(within);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_asks_only_with_unsaved_changes_and_never_traps_the_organizer() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().to_path_buf());
        assert!(!state.ask_before_closing(), "nothing unsaved: close");
        state.set_unsaved(true);
        assert!(state.ask_before_closing(), "unsaved: ask");
        // The window did not answer (its page is stuck): the next close closes.
        assert!(!state.ask_before_closing());
        // It answered (kept editing, still unsaved): asked again next time.
        state.set_unsaved(true);
        assert!(state.ask_before_closing());
        state.set_unsaved(false);
        assert!(!state.ask_before_closing());
    }
}
