//! The app's state: the core (database, clock, caches) opened once at start, the services
//! started beside it, and the files the organizer picked. If the database could not be opened
//! the reason is kept, so every command answers with it and the UI can explain instead of
//! crashing.

use std::path::{Path, PathBuf};
use std::time::Duration;

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
}

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
        }
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

    /// Stops every service (on exit): a running import is cancelled and rolled back first.
    pub fn stop_services(&self, within: Duration) {
        if let Some(services) = &self.services {
            services.stop(within);
        }
    }
}
