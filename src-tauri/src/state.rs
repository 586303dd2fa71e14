//! The app's state: the database, opened once at start. If it could not be opened the reason is
//! kept, so every command answers with it and the UI can explain instead of crashing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use guildhall_core::Database;

use crate::commands::imports::RunningImport;
use crate::error::CommandError;
use crate::files::{FilePicker, NoDialogs};

pub struct AppState {
    db: Result<Database, CommandError>,
    data_dir: PathBuf,
    files: Box<dyn FilePicker>,
    imports: RunningImport,
    /// Files the organizer picked in an open dialog during this run: the only files an import
    /// command reads (the webview names a file, it does not get to read any file it likes).
    chosen: Mutex<HashSet<PathBuf>>,
}

impl AppState {
    /// Opens the database in `data_dir`; file dialogs answer only from the environment until
    /// [`AppState::with_file_picker`] gives real ones.
    pub fn open(data_dir: PathBuf) -> Self {
        let db = Database::open_in(&data_dir).map_err(CommandError::from);
        if let Err(e) = &db {
            eprintln!("guildhall: cannot open the database: {e}");
        }
        AppState {
            db,
            data_dir,
            files: Box::new(NoDialogs),
            imports: RunningImport::default(),
            chosen: Mutex::default(),
        }
    }

    pub fn with_file_picker(mut self, files: impl FilePicker + 'static) -> Self {
        self.files = Box::new(files);
        self
    }

    pub fn files(&self) -> &dyn FilePicker {
        self.files.as_ref()
    }

    /// Remembers a file the organizer picked, so the import commands may read it.
    pub fn remember_chosen(&self, path: &Path) {
        self.chosen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf());
    }

    pub fn was_chosen(&self, path: &Path) -> bool {
        self.chosen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(path)
    }

    pub fn imports(&self) -> &RunningImport {
        &self.imports
    }

    pub fn db(&self) -> Result<&Database, CommandError> {
        self.db.as_ref().map_err(Clone::clone)
    }

    pub fn startup_error(&self) -> Option<CommandError> {
        self.db.as_ref().err().cloned()
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }
}
