//! The inbox service: while the app is open it reads the organizer's IMAP inbox for answers
//! every few minutes, and at once when asked ("Check now", new settings). One check at a time;
//! each check's counts are kept for the Mail screen. Nothing happens until an inbox is set up.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use guildhall_core::inbox::{self, InboxReport};
use guildhall_core::services::Service;
use guildhall_core::Context;
use guildhall_mail::Mailers;

/// How often the inbox is read while the app is open.
pub const CHECK_EVERY: Duration = Duration::from_secs(5 * 60);

#[derive(Default)]
struct Shared {
    /// Asked to check now (or to stop).
    woken: Mutex<bool>,
    cv: Condvar,
    /// What the latest check did.
    last: Mutex<Option<InboxReport>>,
    /// One check at a time: the service's and one asked for by a command never overlap.
    checking: Mutex<()>,
}

#[derive(Clone)]
pub struct InboxChecker {
    shared: Arc<Shared>,
    ctx: Context,
    mailers: Arc<Mailers>,
}

impl InboxChecker {
    pub fn start(ctx: &Context, mailers: Arc<Mailers>) -> std::io::Result<(InboxChecker, Service)> {
        let checker = InboxChecker {
            shared: Arc::new(Shared::default()),
            ctx: ctx.clone(),
            mailers,
        };
        let service = Service::spawn("inbox", {
            let checker = checker.clone();
            move |stop| {
                let shared = Arc::clone(&checker.shared);
                stop.on_stop(move || {
                    *shared.woken.lock().unwrap_or_else(PoisonError::into_inner) = true;
                    shared.cv.notify_all();
                });
                while !stop.is_stopped() {
                    if let Some(report) = checker.check_if_set_up() {
                        if let Some(problem) = &report.problem {
                            tracing::warn!(problem, "the inbox could not be read");
                        }
                    }
                    let woken = checker
                        .shared
                        .woken
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    let (mut woken, _) = checker
                        .shared
                        .cv
                        .wait_timeout_while(woken, CHECK_EVERY, |w| !*w)
                        .unwrap_or_else(PoisonError::into_inner);
                    *woken = false;
                }
            }
        })?;
        Ok((checker, service))
    }

    /// Asks the service to check now.
    pub fn wake(&self) {
        *self
            .shared
            .woken
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
        self.shared.cv.notify_all();
    }

    /// What the latest check did.
    pub fn last(&self) -> Option<InboxReport> {
        self.shared
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Checks now, on this thread (a plain one: the IMAP connection drives its own runtime);
    /// `None` when no inbox is set up.
    pub fn check_if_set_up(&self) -> Option<InboxReport> {
        let settings = match self.ctx.read(inbox::settings) {
            Ok(Some(settings)) => settings,
            Ok(None) => return None,
            Err(e) => {
                return Some(self.keep(InboxReport {
                    problem: Some(e.to_string()),
                    ..Default::default()
                }))
            }
        };
        let _one = self
            .shared
            .checking
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let report = match self.mailers.inbox_password(&settings) {
            Ok(password) => guildhall_mail::imap::check(&self.ctx, &settings, &password),
            Err(why) => InboxReport {
                problem: Some(why.to_string()),
                ..Default::default()
            },
        };
        Some(self.keep(report))
    }

    fn keep(&self, report: InboxReport) -> InboxReport {
        *self
            .shared
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(report.clone());
        report
    }
}
