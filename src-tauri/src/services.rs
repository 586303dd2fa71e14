//! The app's side of the services (`guildhall_core::services` holds the work): it starts them
//! in `setup`, hands the member import to its service, pushes the change feed to each open
//! window over a Tauri channel, and stops them all on exit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use guildhall_core::changes::Domain;
use guildhall_core::services::changes::{self, POLL_EVERY};
use guildhall_core::services::imports::MemberImports;
use guildhall_core::services::outbox::OutboxSender;
use guildhall_core::services::Services;
use guildhall_core::Context;
use guildhall_mail::Mailers;

use crate::inbox::InboxChecker;
use serde::Serialize;
use tauri::ipc::Channel;

/// What the app tells a window of its own accord.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WindowMessage {
    /// Data the window may show changed (by it, another window, the CLI, a service): the
    /// domains to reload.
    DataChanged { domains: Vec<Domain> },
    /// The organizer asked to close the window while an editor holds unsaved changes: the
    /// window asks them, and quits if they agree.
    CloseRequested,
}

/// The windows that listen, each by its label: a reloaded page subscribes again and replaces
/// its old channel.
#[derive(Default)]
pub struct LiveWindows(Mutex<HashMap<String, Channel<WindowMessage>>>);

impl LiveWindows {
    pub fn subscribe(&self, window: String, channel: Channel<WindowMessage>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(window, channel);
    }

    fn send(&self, only: Option<&str>, message: &WindowMessage) -> bool {
        let windows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut told = false;
        for (label, channel) in windows.iter() {
            if only.is_some_and(|only| only != label) {
                continue;
            }
            match channel.send(message.clone()) {
                Ok(()) => told = true,
                Err(error) => tracing::debug!(window = label, %error, "a window was not told"),
            }
        }
        told
    }

    fn tell(&self, domains: &[Domain]) {
        let message = WindowMessage::DataChanged {
            domains: domains.to_vec(),
        };
        self.send(None, &message);
    }

    /// Asks `window` to confirm closing; `false` when it could not be asked.
    pub fn ask_to_close(&self, window: &str) -> bool {
        self.send(Some(window), &WindowMessage::CloseRequested)
    }
}

/// The services one app runs.
pub struct AppServices {
    services: Services,
    imports: MemberImports,
    sender: OutboxSender,
    inbox: InboxChecker,
    mailers: Arc<Mailers>,
    live: Arc<LiveWindows>,
}

impl AppServices {
    pub fn start(ctx: &Context) -> guildhall_core::Result<Self> {
        let services = Services::default();
        let (imports, import_service) = MemberImports::start(ctx)?;
        services.add(import_service);
        let mailers = Arc::new(Mailers::new());
        let (sender, outbox_service) = OutboxSender::start(ctx, Arc::clone(&mailers) as _)?;
        services.add(outbox_service);
        let (inbox, inbox_service) =
            InboxChecker::start(ctx, Arc::clone(&mailers)).map_err(|source| {
                guildhall_core::CoreError::Io {
                    context: "Could not start the inbox service".into(),
                    source,
                }
            })?;
        services.add(inbox_service);
        let live = Arc::new(LiveWindows::default());
        let watcher = changes::watch(&ctx.db, POLL_EVERY, {
            let live = Arc::clone(&live);
            let sender = sender.clone();
            move |domains| {
                // Mail queued by anyone (this window, the CLI) or new settings: send now.
                if domains.contains(&Domain::Outbox) || domains.contains(&Domain::Settings) {
                    sender.wake();
                }
                live.tell(domains)
            }
        })?;
        services.add(watcher);
        Ok(AppServices {
            services,
            imports,
            sender,
            inbox,
            mailers,
            live,
        })
    }

    pub fn inbox(&self) -> &InboxChecker {
        &self.inbox
    }

    pub fn sender(&self) -> &OutboxSender {
        &self.sender
    }

    pub fn mailers(&self) -> &Mailers {
        &self.mailers
    }

    pub fn imports(&self) -> &MemberImports {
        &self.imports
    }

    pub fn live(&self) -> &LiveWindows {
        &self.live
    }

    /// The names of the services still running.
    pub fn running(&self) -> Vec<&'static str> {
        self.services.running()
    }

    /// Stops them all, waiting up to `within` (one that did not stop is logged by
    /// `Services::stop_all`).
    pub fn stop(&self, within: Duration) {
        self.services.stop_all(within);
    }
}

/// Whoever drops the services without stopping them (a test's app) still gets them stopped.
impl Drop for AppServices {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guildhall_core::{Clock, Database};
    use std::sync::mpsc;
    use tauri::ipc::InvokeResponseBody;

    #[test]
    fn a_subscribed_window_is_told_of_a_write_from_another_process_and_the_services_stop() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
        let services = AppServices::start(&ctx).unwrap();
        assert_eq!(
            services.running(),
            ["imports", "outbox", "inbox", "changes"]
        );
        let (sender, told) = mpsc::channel();
        services.live().subscribe(
            "main".into(),
            Channel::new(move |body| {
                if let InvokeResponseBody::Json(json) = body {
                    let _ = sender.send(json);
                }
                Ok(())
            }),
        );
        // What the CLI does: its own connection to the same file.
        let other = Database::open_in(dir.path()).unwrap();
        other
            .write(|tx| {
                guildhall_core::members::create(
                    tx,
                    &guildhall_core::members::MemberInput {
                        name: "Ada".into(),
                        ..Default::default()
                    },
                    &Clock::system(),
                )
            })
            .unwrap();
        let message = told.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_eq!(message, r#"{"kind":"dataChanged","domains":["members"]}"#);
        services.stop(Duration::from_secs(10));
        assert_eq!(services.running(), Vec::<&str>::new());
    }
}
