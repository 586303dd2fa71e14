//! The change watcher: polls the [`ChangeFeed`] and hands the domains that changed to whoever
//! shows them (the app pushes them to the window; the CLI prints them).

use std::time::Duration;

use super::Service;
use crate::changes::{ChangeFeed, Domain};
use crate::db::Database;
use crate::error::Result;

/// How often the watcher looks: a screen is at most this late, and an idle poll costs one
/// `PRAGMA data_version` (see `make bench`).
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// Starts watching `db`: `on_change` is called on the service's thread with the domains
/// changed by the commits since the last look, never with an empty list.
pub fn watch(
    db: &Database,
    every: Duration,
    mut on_change: impl FnMut(&[Domain]) + Send + 'static,
) -> Result<Service> {
    let mut feed = ChangeFeed::open(db)?;
    let service = Service::spawn("changes", move |stop| {
        while !stop.wait(every) {
            match feed.poll() {
                Ok(changed) if !changed.is_empty() => on_change(&changed),
                Ok(_) => {}
                // A busy or briefly locked file: look again next time.
                Err(error) => tracing::warn!(kind = error.kind(), "could not read the change feed"),
            }
        }
    })
    .map_err(|source| crate::CoreError::Io {
        context: "could not start the change watcher".into(),
        source,
    })?;
    Ok(service)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Domain;
    use std::sync::mpsc;

    #[test]
    fn the_watcher_reports_a_write_from_another_connection_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_in(dir.path()).unwrap();
        let (tx, rx) = mpsc::channel();
        let service = watch(&db, Duration::from_millis(10), move |changed| {
            let _ = tx.send(changed.to_vec());
        })
        .unwrap();
        let other = Database::open_in(dir.path()).unwrap();
        other
            .write(|t| {
                t.execute(
                    "UPDATE change_counter SET version = version + 1 WHERE domain = 'members'",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        let changed = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_eq!(changed, [Domain::Members]);
        service.stop(Duration::from_secs(10)).unwrap();
        assert!(rx.recv().is_err(), "the callback went with the thread");
    }
}
