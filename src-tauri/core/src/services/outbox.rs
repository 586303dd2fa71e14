//! The outbox sender as a service: it wakes when mail is queued (or a retry or a reminder
//! falls due), takes the send lock, queues due reminders, and sends with up to three
//! connections; pause stops it between mails, and stopping the service (the app closing)
//! waits for the mails on the wire to be answered. What it could not do is kept for the
//! window ("the server cannot be reached; trying again at 14:05").

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;

use super::{Service, StopSignal};
use crate::context::Context;
use crate::error::Result;
use crate::invitations::reminders;
use crate::outbox::deliver::{self, SendLock, MAX_CONNECTIONS};
use crate::outbox::mailer::{DeliveryError, Mailer};
use crate::outbox::store;
use crate::settings::{self, MailSettings};

/// Makes the mailer for the settings saved now (the app adds the password from the keychain).
pub trait MailerSource: Send + Sync {
    fn mailer(
        &self,
        settings: &MailSettings,
    ) -> std::result::Result<Box<dyn Mailer>, DeliveryError>;
}

/// How the sender is doing, for the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SenderState {
    pub paused: bool,
    /// Sending right now.
    pub sending: bool,
    /// Why mail is waiting, in words (settings missing, server unreachable, another Guildhall
    /// sending); `None` when nothing stands in the way.
    pub problem: Option<String>,
}

struct Shared {
    wake: Mutex<bool>,
    woken: Condvar,
    paused: AtomicBool,
    state: Mutex<SenderState>,
}

/// The handle the app (or the CLI) keeps.
#[derive(Clone)]
pub struct OutboxSender(Arc<Shared>);

impl std::fmt::Debug for OutboxSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxSender").finish_non_exhaustive()
    }
}

/// How long the sender sleeps when nothing is due (a retry or a reminder may come due; a new
/// mail wakes it at once).
const IDLE: Duration = Duration::from_secs(30);

impl OutboxSender {
    pub fn start(ctx: &Context, source: Arc<dyn MailerSource>) -> Result<(OutboxSender, Service)> {
        let shared = Arc::new(Shared {
            wake: Mutex::new(true),
            woken: Condvar::new(),
            paused: AtomicBool::new(false),
            state: Mutex::new(SenderState::default()),
        });
        let handle = OutboxSender(Arc::clone(&shared));
        let ctx = ctx.clone();
        let service = Service::spawn("outbox", move |stop| {
            {
                let shared = Arc::clone(&shared);
                stop.on_stop(move || {
                    *shared.wake.lock().unwrap_or_else(PoisonError::into_inner) = true;
                    shared.woken.notify_all();
                });
            }
            run(&ctx, &shared, &*source, &stop);
        })
        .map_err(|source| crate::CoreError::Io {
            context: "Could not start the outbox sender".into(),
            source,
        })?;
        Ok((handle, service))
    }

    /// Something was queued (or the settings changed): look now.
    pub fn wake(&self) {
        *self.0.wake.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.0.woken.notify_all();
    }

    pub fn pause(&self) {
        self.0.paused.store(true, Ordering::SeqCst);
        self.set(|s| s.paused = true);
    }

    pub fn resume(&self) {
        self.0.paused.store(false, Ordering::SeqCst);
        self.set(|s| s.paused = false);
        self.wake();
    }

    pub fn state(&self) -> SenderState {
        self.0
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, f: impl FnOnce(&mut SenderState)) {
        f(&mut self.0.state.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

fn set(shared: &Shared, f: impl FnOnce(&mut SenderState)) {
    f(&mut shared.state.lock().unwrap_or_else(PoisonError::into_inner));
}

fn run(ctx: &Context, shared: &Shared, source: &dyn MailerSource, stop: &StopSignal) {
    while !stop.is_stopped() {
        let wait = match pass(ctx, shared, source, stop) {
            Ok(wait) => wait,
            Err(error) => {
                tracing::error!(%error, "the outbox sender failed; trying again");
                set(shared, |s| {
                    s.sending = false;
                    s.problem = Some(error.to_string());
                });
                IDLE
            }
        };
        let mut woken = shared.wake.lock().unwrap_or_else(PoisonError::into_inner);
        if !*woken && !stop.is_stopped() {
            woken = shared
                .woken
                .wait_timeout_while(woken, wait, |w| !*w)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *woken = false;
    }
}

/// One look at the outbox; returns how long to sleep before the next one.
fn pass(
    ctx: &Context,
    shared: &Shared,
    source: &dyn MailerSource,
    stop: &StopSignal,
) -> Result<Duration> {
    let reminded = ctx.write(|tx| reminders::queue_due(tx, &ctx.clock))?;
    if reminded.mails > 0 || reminded.missed > 0 {
        tracing::info!(
            mails = reminded.mails,
            missed = reminded.missed,
            "reminders queued"
        );
    }
    if shared.paused.load(Ordering::SeqCst) {
        return Ok(IDLE);
    }
    let now = ctx.clock.now();
    let Some(next) = ctx.read(store::next_due)? else {
        set(shared, |s| s.problem = None);
        return Ok(IDLE);
    };
    if next > now {
        let until = now.duration_until(next).unsigned_abs();
        return Ok(until.min(IDLE).max(Duration::from_millis(200)));
    }
    let Some(settings) = ctx.read(settings::mail)? else {
        set(shared, |s| {
            s.problem = Some("Mail is waiting: set up how mail leaves (Settings → Mail).".into())
        });
        return Ok(IDLE);
    };
    let Some(lock) = SendLock::try_take(ctx)? else {
        set(shared, |s| {
            s.problem = Some("Another Guildhall (or the command line) is sending.".into())
        });
        return Ok(Duration::from_secs(5));
    };
    let mailer = match source.mailer(&settings) {
        Ok(m) => m,
        Err(e) => {
            set(shared, |s| s.problem = Some(e.message().to_owned()));
            return Ok(IDLE);
        }
    };
    set(shared, |s| {
        s.sending = true;
        s.problem = None;
    });
    let keep_going = || !stop.is_stopped() && !shared.paused.load(Ordering::SeqCst);
    let report = deliver::run(ctx, &lock, &*mailer, MAX_CONNECTIONS, &keep_going);
    drop(lock);
    set(shared, |s| s.sending = false);
    let report = report?;
    tracing::info!(
        sent = report.sent,
        failed = report.failed,
        retry = report.retry,
        unknown = report.unknown,
        "outbox run"
    );
    if let Some(problem) = report.problem {
        let words = match &problem {
            DeliveryError::Setup { message } => message.clone(),
            other => format!(
                "The mail server could not be reached ({}); Guildhall tries again shortly.",
                other.message()
            ),
        };
        set(shared, |s| s.problem = Some(words));
        return Ok(IDLE);
    }
    // More may be due (a retry, or mail queued while sending): look again soon.
    Ok(Duration::from_millis(200))
}
