//! The work that runs by itself, beside the window: each service is a thread with an owner,
//! started by the app in `setup` (or by the CLI, headless) and stopped on exit with a bound on
//! how long that may take, so that no thread is left writing while the process ends.
//!
//! The core holds the work itself; the app only starts, stops and reports. Today: the member
//! import ([`imports`]) and the change watcher ([`changes`]); the outbox sender, the inbox
//! reader and the door server join them.

pub mod changes;
pub mod imports;
pub mod outbox;

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Tells a service to stop. Cloned into the service's thread, which checks it (or waits on it)
/// between pieces of work; [`on_stop`](Self::on_stop) hooks let work that cannot poll (a
/// running import, a server) be told at once.
#[derive(Clone, Default)]
pub struct StopSignal(Arc<StopInner>);

#[derive(Default)]
struct StopInner {
    state: Mutex<StopState>,
    changed: Condvar,
}

#[derive(Default)]
struct StopState {
    stopped: bool,
    hooks: Vec<Box<dyn FnOnce() + Send>>,
}

impl std::fmt::Debug for StopSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StopSignal")
            .field("stopped", &self.is_stopped())
            .finish()
    }
}

impl StopSignal {
    fn state(&self) -> MutexGuard<'_, StopState> {
        // A panicking hook leaves only flags behind: keep using them.
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Asks the service to stop; runs the hooks once.
    pub fn stop(&self) {
        let hooks = {
            let mut state = self.state();
            if state.stopped {
                return;
            }
            state.stopped = true;
            std::mem::take(&mut state.hooks)
        };
        self.0.changed.notify_all();
        for hook in hooks {
            hook();
        }
    }

    pub fn is_stopped(&self) -> bool {
        self.state().stopped
    }

    /// Sleeps for `timeout`, or less if asked to stop meanwhile; `true` when asked to stop.
    pub fn wait(&self, timeout: Duration) -> bool {
        let state = self.state();
        let (state, _) = self
            .0
            .changed
            .wait_timeout_while(state, timeout, |s| !s.stopped)
            .unwrap_or_else(PoisonError::into_inner);
        state.stopped
    }

    /// Runs `hook` when the service is asked to stop (at once, if it has been already).
    pub fn on_stop(&self, hook: impl FnOnce() + Send + 'static) {
        let mut state = self.state();
        if state.stopped {
            drop(state);
            hook();
        } else {
            state.hooks.push(Box::new(hook));
        }
    }
}

/// A service that did not finish within the time it was given to stop.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {name} service did not stop within {waited:?}")]
pub struct StillRunning {
    pub name: &'static str,
    pub waited: Duration,
}

/// One running service: its thread and the signal that stops it.
#[derive(Debug)]
pub struct Service {
    name: &'static str,
    stop: StopSignal,
    finished: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

/// Marks the service finished when its thread ends, by returning or by panicking.
struct FinishOnDrop(Arc<(Mutex<bool>, Condvar)>);

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        let (done, cv) = &*self.0;
        *done.lock().unwrap_or_else(PoisonError::into_inner) = true;
        cv.notify_all();
    }
}

impl Service {
    /// Starts `work` on a thread of its own named `guildhall-<name>`; `work` returns when its
    /// [`StopSignal`] says so.
    pub fn spawn(
        name: &'static str,
        work: impl FnOnce(StopSignal) + Send + 'static,
    ) -> std::io::Result<Service> {
        let stop = StopSignal::default();
        let finished = Arc::new((Mutex::new(false), Condvar::new()));
        let thread = std::thread::Builder::new()
            .name(format!("guildhall-{name}"))
            .spawn({
                let stop = stop.clone();
                let finished = FinishOnDrop(Arc::clone(&finished));
                move || {
                    let _finished = finished;
                    tracing::info!(service = name, "started");
                    work(stop);
                    tracing::info!(service = name, "stopped");
                }
            })?;
        Ok(Service {
            name,
            stop,
            finished,
            thread: Some(thread),
        })
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The signal that stops this service (for work handed to it from other threads).
    pub fn stop_signal(&self) -> &StopSignal {
        &self.stop
    }

    pub fn is_running(&self) -> bool {
        !*self
            .finished
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the thread has finished or `deadline` has passed; `true` when finished.
    fn wait_until(&self, deadline: Instant) -> bool {
        let (done, cv) = &*self.finished;
        let mut finished = done.lock().unwrap_or_else(PoisonError::into_inner);
        while !*finished {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            finished = cv
                .wait_timeout(finished, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!(service = self.name, "ended with a panic");
            }
        }
    }

    /// Asks the service to stop and waits up to `timeout` for its thread to end.
    pub fn stop(self, timeout: Duration) -> Result<(), StillRunning> {
        self.stop.stop();
        let deadline = Instant::now() + timeout;
        if self.wait_until(deadline) {
            self.join();
            Ok(())
        } else {
            Err(StillRunning {
                name: self.name,
                waited: timeout,
            })
        }
    }
}

/// The services one app (or one CLI run) started, stopped together; dropped, they are stopped
/// too (a start that failed halfway leaves no thread behind).
#[derive(Debug, Default)]
pub struct Services(Mutex<Vec<Service>>);

impl Drop for Services {
    fn drop(&mut self) {
        self.stop_all(Duration::from_secs(10));
    }
}

impl Services {
    pub fn add(&self, service: Service) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(service);
    }

    /// The names of the services still running.
    pub fn running(&self) -> Vec<&'static str> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|s| s.is_running())
            .map(Service::name)
            .collect()
    }

    /// Asks every service to stop at once, then waits for each, all within `timeout`. Returns
    /// the ones that did not stop in time.
    pub fn stop_all(&self, timeout: Duration) -> Vec<StillRunning> {
        let services = std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        for service in &services {
            service.stop.stop();
        }
        let deadline = Instant::now() + timeout;
        let mut late = Vec::new();
        for service in services {
            if service.wait_until(deadline) {
                service.join();
            } else {
                tracing::error!(service = service.name, ?timeout, "did not stop in time");
                late.push(StillRunning {
                    name: service.name,
                    waited: timeout,
                });
            }
        }
        late
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn a_service_stops_when_asked_and_says_so() {
        let ticks = Arc::new(AtomicU32::new(0));
        let service = Service::spawn("ticker", {
            let ticks = Arc::clone(&ticks);
            move |stop| {
                while !stop.wait(Duration::from_millis(5)) {
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
        .unwrap();
        assert!(service.is_running());
        service.stop(Duration::from_secs(10)).unwrap();
        let after = ticks.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(ticks.load(Ordering::Relaxed), after, "no work after stop");
    }

    #[test]
    fn a_service_that_ignores_the_signal_is_reported_not_waited_for_forever() {
        let release = StopSignal::default();
        let service = Service::spawn("stubborn", {
            let release = release.clone();
            move |_stop| {
                release.wait(Duration::from_secs(60));
            }
        })
        .unwrap();
        let services = Services::default();
        services.add(service);
        let late = services.stop_all(Duration::from_millis(50));
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].name, "stubborn");
        release.stop();
    }

    #[test]
    fn hooks_run_once_even_when_added_after_the_stop() {
        let signal = StopSignal::default();
        let ran = Arc::new(AtomicU32::new(0));
        let count = |ran: &Arc<AtomicU32>| {
            let ran = Arc::clone(ran);
            move || {
                ran.fetch_add(1, Ordering::Relaxed);
            }
        };
        signal.on_stop(count(&ran));
        signal.stop();
        signal.stop();
        assert_eq!(ran.load(Ordering::Relaxed), 1);
        signal.on_stop(count(&ran));
        assert_eq!(ran.load(Ordering::Relaxed), 2);
        assert!(
            signal.wait(Duration::from_secs(60)),
            "a stopped signal does not wait"
        );
    }

    #[test]
    fn a_panicking_service_counts_as_finished() {
        let service = Service::spawn("fragile", |_stop| panic!("boom")).unwrap();
        service.stop(Duration::from_secs(10)).unwrap();
    }
}
