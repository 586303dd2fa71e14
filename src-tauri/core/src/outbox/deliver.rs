//! Sending what is due, exactly once: one sender at a time per database (the send lock), up to
//! three connections at once (providers refuse more), each message claimed in a commit before its
//! data goes out and marked with the server's answer after (in the commit that claims the
//! connection's next one).
//!
//! The send lock is an OS lock on a file beside the database, so it is released by the
//! operating system when its holder dies, however it dies (`kill -9` included). Whoever takes
//! it next knows that every `sending` row was cut off mid-delivery and marks it `unknown`:
//! after a crash, at most one mail per connection is unknown, and none is resent silently.
//!
//! The sender's connections write with `synchronous = FULL`: a claim or an answer is on disk
//! before the next step, so a power cut cannot undo a claim and send that mail twice.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;

use rusqlite::{params, Connection};

use super::mailer::{DeliveryError, Envelope, MailConnection, Mailer};
use super::store::{self, backoff, Claimed, Outcome, MAX_ATTEMPTS};
use crate::context::Context;
use crate::db::begin_immediate;
use crate::error::{CoreError, Result};

/// At most this many connections to the server at once.
pub const MAX_CONNECTIONS: usize = 3;

/// The right to send from one database's outbox; released when dropped or when the process
/// ends.
#[derive(Debug)]
pub struct SendLock {
    _file: File,
    path: PathBuf,
    interrupted: usize,
}

impl SendLock {
    /// The lock file beside `database`.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".sending");
        PathBuf::from(name)
    }

    /// Takes the lock, or `None` when another sender (another window's process, the CLI)
    /// holds it. Marks what the previous holder left `sending` as `unknown`.
    pub fn try_take(ctx: &Context) -> Result<Option<SendLock>> {
        let path = Self::path_for(ctx.db.path());
        let io = |source| CoreError::Io {
            context: format!("Could not open the send lock {}", path.display()),
            source,
        };
        let file = crate::files::open_private_append(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let now = ctx.clock.now();
        let interrupted = ctx.write(|tx| store::mark_interrupted(tx, now))?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "mails were cut off mid-delivery by the last sender; marked unknown"
            );
        }
        Ok(Some(SendLock {
            _file: file,
            path,
            interrupted,
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many mails the previous sender left mid-delivery, now marked unknown.
    pub fn interrupted(&self) -> usize {
        self.interrupted
    }
}

/// What one run of the sender did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    pub sent: u32,
    pub failed: u32,
    /// Temporary failures, due again later.
    pub retry: u32,
    pub unknown: u32,
    /// Why nothing (more) could be sent: settings that cannot work, or a server that could not
    /// be reached.
    pub problem: Option<DeliveryError>,
}

struct Shared {
    sent: AtomicU32,
    failed: AtomicU32,
    retry: AtomicU32,
    unknown: AtomicU32,
    /// A worker met settings that cannot work: every worker stops.
    halt: AtomicBool,
    problem: Mutex<Option<DeliveryError>>,
}

impl Shared {
    fn problem(&self, error: DeliveryError) {
        let mut slot = self.problem.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(error);
        }
    }
}

/// Sends every due mail until none is left, `keep_going` says stop (checked between mails),
/// or the settings cannot work. Holding `_lock` proves this is the only sender.
pub fn run(
    ctx: &Context,
    _lock: &SendLock,
    mailer: &dyn Mailer,
    connections: usize,
    keep_going: &(dyn Fn() -> bool + Sync),
) -> Result<RunReport> {
    let due: u32 = ctx.read(|c| {
        Ok(c.query_row(
            "SELECT count(*) FROM outbox WHERE status IN ('queued', 'retry')
             AND next_attempt_at <= ?1",
            [crate::time::stamp(ctx.clock.now())],
            |r| r.get(0),
        )?)
    })?;
    let workers = connections.clamp(1, MAX_CONNECTIONS).min(due as usize);
    let shared = Shared {
        sent: AtomicU32::new(0),
        failed: AtomicU32::new(0),
        retry: AtomicU32::new(0),
        unknown: AtomicU32::new(0),
        halt: AtomicBool::new(false),
        problem: Mutex::new(None),
    };
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| work(ctx, mailer, &shared, keep_going)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Ok(())))
            .collect()
    });
    for result in results {
        result?;
    }
    Ok(RunReport {
        sent: shared.sent.into_inner(),
        failed: shared.failed.into_inner(),
        retry: shared.retry.into_inner(),
        unknown: shared.unknown.into_inner(),
        problem: shared
            .problem
            .into_inner()
            .unwrap_or_else(|e| e.into_inner()),
    })
}

/// Records the answer for the mail this connection sent last (if any) and claims the next due
/// one, in one commit: a connection never holds more than one mail in `sending`, and each
/// mail costs one commit (one fsync) instead of two.
fn record_and_claim(
    conn: &mut Connection,
    ctx: &Context,
    answered: Option<(String, Outcome)>,
) -> Result<Option<Claimed>> {
    let tx = begin_immediate(conn)?;
    let now = ctx.clock.now();
    if let Some((id, outcome)) = &answered {
        store::record(&tx, id, outcome, now)?;
    }
    let claimed = store::claim_next(&tx, now)?;
    tx.commit()?;
    Ok(claimed)
}

fn record(conn: &mut Connection, ctx: &Context, id: &str, outcome: &Outcome) -> Result<()> {
    let tx = begin_immediate(conn)?;
    store::record(&tx, id, outcome, ctx.clock.now())?;
    tx.commit()?;
    Ok(())
}

/// Puts a claimed mail back as it was: it was never handed over (the settings cannot work).
fn release(conn: &mut Connection, id: &str) -> Result<()> {
    let tx = begin_immediate(conn)?;
    tx.execute(
        "UPDATE outbox SET status = 'queued', attempts = attempts - 1
         WHERE id = ?1 AND status = 'sending'",
        params![id],
    )?;
    tx.commit()?;
    Ok(())
}

/// What a temporary failure of try `attempts` becomes.
fn retry_or_fail(ctx: &Context, attempts: u32, message: &str) -> Outcome {
    if attempts >= MAX_ATTEMPTS {
        Outcome::Failed {
            error: format!("Gave up after {attempts} tries. The last answer: {message}"),
        }
    } else {
        Outcome::Retry {
            error: message.to_owned(),
            at: ctx.clock.now() + backoff(attempts),
        }
    }
}

fn work(
    ctx: &Context,
    mailer: &dyn Mailer,
    shared: &Shared,
    keep_going: &(dyn Fn() -> bool + Sync),
) -> Result<()> {
    let mut conn = ctx.db.dedicated_connection()?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let mut open: Option<Box<dyn MailConnection>> = None;
    // The last mail's answer, written with the next claim.
    let mut answered: Option<(String, Outcome)> = None;
    while keep_going() && !shared.halt.load(Ordering::SeqCst) {
        let Some(mail) = record_and_claim(&mut conn, ctx, answered.take())? else {
            break;
        };
        let connection = match open.as_mut() {
            Some(c) => c,
            None => match mailer.connect() {
                Ok(c) => open.insert(c),
                Err(e @ DeliveryError::Setup { .. }) => {
                    release(&mut conn, &mail.id)?;
                    shared.halt.store(true, Ordering::SeqCst);
                    shared.problem(e);
                    break;
                }
                Err(e) => {
                    // The server cannot be reached (or refused the connection): this mail
                    // waits, and so do the others; the next run tries again.
                    let outcome = retry_or_fail(ctx, mail.attempts, e.message());
                    record(&mut conn, ctx, &mail.id, &outcome)?;
                    count(shared, &outcome);
                    shared.problem(e);
                    break;
                }
            },
        };
        let envelope = Envelope {
            from: mail.sender.clone(),
            to: mail.recipient.clone(),
        };
        let (outcome, keep_connection) = match connection.send(&envelope, &mail.message) {
            Ok(reply) => (Outcome::Sent { reply }, true),
            Err(DeliveryError::Permanent { code, message }) => (
                Outcome::Failed {
                    error: if message.starts_with(&code.to_string()) {
                        message
                    } else {
                        format!("{code} {message}")
                    },
                },
                true,
            ),
            Err(DeliveryError::Transient { code, message }) => {
                // An answer (a code) leaves the connection usable; a broken one does not.
                (retry_or_fail(ctx, mail.attempts, &message), code.is_some())
            }
            Err(DeliveryError::Unknown { message }) => (
                Outcome::Unknown {
                    error: format!(
                        "The connection broke before the server confirmed this mail ({message}); \
                         it may or may not have arrived. Check with the recipient, or send it \
                         again."
                    ),
                },
                false,
            ),
            Err(e @ DeliveryError::Setup { .. }) => {
                release(&mut conn, &mail.id)?;
                shared.halt.store(true, Ordering::SeqCst);
                shared.problem(e);
                break;
            }
        };
        count(shared, &outcome);
        answered = Some((mail.id, outcome));
        if !keep_connection {
            open = None;
        }
    }
    if let Some((id, outcome)) = answered {
        record(&mut conn, ctx, &id, &outcome)?;
    }
    if let Some(c) = open {
        c.close();
    }
    Ok(())
}

fn count(shared: &Shared, outcome: &Outcome) {
    let counter = match outcome {
        Outcome::Sent { .. } => &shared.sent,
        Outcome::Retry { .. } => &shared.retry,
        Outcome::Failed { .. } => &shared.failed,
        Outcome::Unknown { .. } => &shared.unknown,
    };
    counter.fetch_add(1, Ordering::SeqCst);
}

/// Sends one mail at once and returns the server's answer (the organizer's test mail): it is
/// written to the outbox as being sent in the same commit, then marked with the answer.
pub fn send_now(
    ctx: &Context,
    mailer: &dyn Mailer,
    mail: &super::store::NewMail,
) -> Result<std::result::Result<String, DeliveryError>> {
    let now = ctx.clock.now();
    let id = ctx.write(|tx| {
        store::enqueue(tx, &crate::ids::batch_id(), mail, now)?;
        Ok(tx.query_row(
            "UPDATE outbox SET status = 'sending', attempts = 1
             WHERE idempotency_key = ?1 RETURNING id",
            [&mail.idempotency_key],
            |r| r.get::<_, String>(0),
        )?)
    })?;
    let envelope = Envelope {
        from: mail.sender.clone(),
        to: mail.recipient.clone(),
    };
    let answer = mailer.connect().and_then(|mut c| {
        let answer = c.send(&envelope, &mail.message);
        c.close();
        answer
    });
    let outcome = match &answer {
        Ok(reply) => Outcome::Sent {
            reply: reply.clone(),
        },
        Err(DeliveryError::Unknown { message }) => Outcome::Unknown {
            error: message.clone(),
        },
        Err(e) => Outcome::Failed {
            error: e.message().to_owned(),
        },
    };
    ctx.write(|tx| store::record(tx, &id, &outcome, ctx.clock.now()))?;
    Ok(answer)
}
