//! The member import as a service: one import at a time, run on the service's own thread, with
//! a cancel that rolls everything back; stopping the service (the app closing) cancels the
//! running import and waits for its rollback, so no import is left writing while the process
//! ends.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};

use super::Service;
use crate::context::Context;
use crate::error::{CoreError, Result};
use crate::members::import::{self, ImportOptions, ImportProgress, ImportReport};

type Progress = Box<dyn FnMut(ImportProgress) + Send>;

struct Job {
    bytes: Vec<u8>,
    options: ImportOptions,
    progress: Progress,
    cancel: Arc<AtomicBool>,
    reply: mpsc::SyncSender<Result<ImportReport>>,
}

enum Message {
    Run(Box<Job>),
    Stop,
}

/// Which import runs (its cancel flag), and whether the service still takes work.
#[derive(Default)]
struct Slot {
    running: Option<Arc<AtomicBool>>,
    closed: bool,
}

/// The handle the app (or the CLI) keeps to hand imports to the service.
pub struct MemberImports {
    jobs: Mutex<mpsc::Sender<Message>>,
    slot: Arc<Mutex<Slot>>,
}

impl std::fmt::Debug for MemberImports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberImports").finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves only flags behind: keep using them.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemberImports {
    /// Starts the service on `ctx`'s database and clock.
    pub fn start(ctx: &Context) -> Result<(MemberImports, Service)> {
        let (sender, receiver) = mpsc::channel::<Message>();
        let slot = Arc::new(Mutex::new(Slot::default()));
        let ctx = ctx.clone();
        let service = Service::spawn("imports", move |_stop| {
            while let Ok(Message::Run(job)) = receiver.recv() {
                let Job {
                    bytes,
                    options,
                    mut progress,
                    cancel,
                    reply,
                } = *job;
                tracing::info!(
                    bytes = bytes.len(),
                    dry_run = options.dry_run,
                    "member import"
                );
                let result = import::import(
                    &ctx.db,
                    &ctx.clock,
                    &bytes,
                    &options,
                    &mut progress,
                    &cancel,
                );
                match &result {
                    Ok(r) => tracing::info!(
                        new = r.new,
                        updated = r.updated,
                        rejected = r.rejected,
                        committed = r.committed,
                        "member import done"
                    ),
                    Err(error) => match error {
                        CoreError::InvalidFile { line, .. } => {
                            tracing::info!(?line, "member import refused the file")
                        }
                        other => tracing::info!(kind = other.kind(), "member import not committed"),
                    },
                }
                // The caller may have gone (a closed window): the result still counts.
                let _ = reply.send(result);
            }
        })
        .map_err(|source| CoreError::Io {
            context: "could not start the import service".into(),
            source,
        })?;
        // Asked to stop: take no more work, cancel the running import (it rolls back), and
        // wake the thread so it ends once that import has returned.
        service.stop_signal().on_stop({
            let slot = Arc::clone(&slot);
            let sender = sender.clone();
            move || {
                let mut slot = lock(&slot);
                slot.closed = true;
                if let Some(flag) = &slot.running {
                    flag.store(true, Ordering::Relaxed);
                }
                let _ = sender.send(Message::Stop);
            }
        });
        Ok((
            MemberImports {
                jobs: Mutex::new(sender),
                slot,
            },
            service,
        ))
    }

    /// Runs one import on the service's thread and waits for its report; `progress` is called
    /// there as rows are written. Refused while another import runs; `cancelled` when it is
    /// cancelled or the service stops meanwhile (nothing is then written).
    pub fn run(
        &self,
        bytes: Vec<u8>,
        options: ImportOptions,
        progress: impl FnMut(ImportProgress) + Send + 'static,
    ) -> Result<ImportReport> {
        let cancel = Arc::new(AtomicBool::new(false));
        {
            let mut slot = lock(&self.slot);
            if slot.closed {
                return Err(CoreError::Cancelled);
            }
            if slot.running.is_some() {
                return Err(CoreError::Busy {
                    what: "import".into(),
                });
            }
            slot.running = Some(Arc::clone(&cancel));
        }
        let (reply, answer) = mpsc::sync_channel(1);
        let job = Job {
            bytes,
            options,
            progress: Box::new(progress),
            cancel,
            reply,
        };
        let sent = lock(&self.jobs).send(Message::Run(Box::new(job)));
        // No answer means the service ended before running it: nothing was written.
        let result = match sent {
            Ok(()) => answer.recv().unwrap_or(Err(CoreError::Cancelled)),
            Err(_) => Err(CoreError::Cancelled),
        };
        lock(&self.slot).running = None;
        result
    }

    /// Cancels the running import, if any; it rolls back and answers `cancelled`.
    pub fn cancel(&self) {
        if let Some(flag) = &lock(&self.slot).running {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Whether an import is running now.
    pub fn is_busy(&self) -> bool {
        lock(&self.slot).running.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use std::time::Duration;

    fn csv(rows: usize) -> Vec<u8> {
        let mut out = String::from("name,email\n");
        for i in 0..rows {
            out.push_str(&format!("Member {i},m{i}@example.org\n"));
        }
        out.into_bytes()
    }

    fn members(ctx: &Context) -> i64 {
        ctx.read(|c| Ok(c.query_row("SELECT count(*) FROM member", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn an_import_runs_on_the_service_and_reports() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
        let (imports, service) = MemberImports::start(&ctx).unwrap();
        let report = imports
            .run(csv(3), ImportOptions::default(), |_| {})
            .unwrap();
        assert_eq!(report.new, 3);
        assert!(report.committed);
        assert_eq!(members(&ctx), 3);
        service.stop(Duration::from_secs(10)).unwrap();
        assert!(matches!(
            imports.run(csv(1), ImportOptions::default(), |_| {}),
            Err(CoreError::Cancelled)
        ));
    }

    #[test]
    fn stopping_the_service_cancels_a_running_import_which_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
        let (imports, service) = MemberImports::start(&ctx).unwrap();
        let imports = Arc::new(imports);
        let (started, progressed) = mpsc::channel();
        let running = std::thread::spawn({
            let imports = Arc::clone(&imports);
            move || {
                imports.run(csv(200_000), ImportOptions::default(), move |p| {
                    if p.done > 0 {
                        let _ = started.send(());
                    }
                })
            }
        });
        // Rows are being written: the import is under way.
        progressed.recv_timeout(Duration::from_secs(60)).unwrap();
        assert!(imports.is_busy());
        assert!(matches!(
            imports.run(csv(1), ImportOptions::default(), |_| {}),
            Err(CoreError::Busy { .. })
        ));
        // A generous bound: the import checks between rows, so it ends within a row or two.
        service.stop(Duration::from_secs(30)).unwrap();
        assert!(matches!(running.join().unwrap(), Err(CoreError::Cancelled)));
        assert_eq!(members(&ctx), 0, "rolled back");
        assert!(!imports.is_busy());
    }
}
