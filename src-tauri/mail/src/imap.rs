//! Answers in: one check of the organizer's IMAP inbox (RFC 3501). Log in, select the folder,
//! read what is new since the last check without marking it seen (`BODY.PEEK[]`), apply each
//! batch in one transaction (the core's `inbox::apply_batch`), put the
//! [`APPLIED_KEYWORD`](guildhall_core::inbox::APPLIED_KEYWORD) on what was applied, and log
//! out. Nothing is ever deleted or moved; mail that is not an answer is left as it was.
//!
//! Blocking, like the SMTP side: it drives its socket on a current-thread runtime of its own,
//! so call it from a plain thread.

use std::collections::HashSet;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use async_imap::Client;
use futures_util::TryStreamExt;
use guildhall_core::inbox::{self, Cursor, Fetched, InboxReport, InboxSettings, APPLIED_KEYWORD};
use guildhall_core::settings::Security;
use guildhall_core::Context;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Messages fetched and applied at a time (one transaction each batch).
const BATCH: usize = 200;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Any one command, a batch's fetch included.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a check could not be done, in words for the organizer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InboxError(pub String);

fn problem(what: &str, e: impl std::fmt::Display) -> InboxError {
    InboxError(format!("{what}: {e}"))
}

async fn within<T, E: std::fmt::Display>(
    what: &str,
    limit: Duration,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, InboxError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(problem(what, e)),
        Err(_) => Err(InboxError(format!(
            "{what}: the server did not answer within {} seconds",
            limit.as_secs()
        ))),
    }
}

/// One check of the inbox for `ctx`'s database. A failure part-way keeps what was applied
/// before it (and the cursor past it) and says what went wrong in `problem`.
pub fn check(ctx: &Context, settings: &InboxSettings, password: &str) -> InboxReport {
    check_with_roots(ctx, settings, password, &[])
}

/// As [`check`], also trusting the certificates in `extra_roots` (PEM; tests and servers with
/// their own authority).
pub fn check_with_roots(
    ctx: &Context,
    settings: &InboxSettings,
    password: &str,
    extra_roots: &[Vec<u8>],
) -> InboxReport {
    let mut report = InboxReport::default();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report.problem = Some(format!("Could not start reading mail: {e}"));
            return report;
        }
    };
    let outcome = rt.block_on(run(ctx, settings, password, extra_roots, &mut report));
    let (read_up_to, failed) = match outcome {
        Ok(cursor) => (cursor, None),
        Err(e) => (None, Some(e.0)),
    };
    let now = ctx.clock.now();
    if let Err(e) = ctx.write(|tx| inbox::finish_check(tx, read_up_to, failed.as_deref(), now)) {
        report.problem = Some(format!("Could not record the check: {e}"));
        return report;
    }
    report.problem = failed;
    report
}

async fn run(
    ctx: &Context,
    settings: &InboxSettings,
    password: &str,
    extra_roots: &[Vec<u8>],
    report: &mut InboxReport,
) -> Result<Option<Cursor>, InboxError> {
    let address = format!("{}:{}", settings.host, settings.port);
    let tcp = within(
        &format!("Could not reach {address}"),
        CONNECT_TIMEOUT,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await?;
    let _ = tcp.set_nodelay(true);
    match settings.security {
        Security::None => session(ctx, settings, password, Client::new(tcp), report).await,
        Security::Tls => {
            let tls = tls(settings, extra_roots, tcp).await?;
            session(ctx, settings, password, Client::new(tls), report).await
        }
        Security::StartTls => {
            let mut client = Client::new(tcp);
            greeting(&mut client).await?;
            within(
                "The server refused STARTTLS",
                COMMAND_TIMEOUT,
                client.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            let tls = tls(settings, extra_roots, client.into_inner()).await?;
            // After STARTTLS there is no second greeting (RFC 3501 §6.2.1).
            login_and_read(ctx, settings, password, Client::new(tls), report).await
        }
    }
}

async fn tls(
    settings: &InboxSettings,
    extra_roots: &[Vec<u8>],
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, InboxError> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for pem in extra_roots {
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| problem("The extra certificate could not be read", e))?;
            roots
                .add(cert)
                .map_err(|e| problem("The extra certificate could not be used", e))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| problem("TLS could not be set up", e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(settings.host.clone())
        .map_err(|e| problem("The server's name cannot be checked", e))?;
    within(
        &format!("TLS with {} failed", settings.host),
        CONNECT_TIMEOUT,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
}

async fn greeting<S: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    client: &mut Client<S>,
) -> Result<(), InboxError> {
    match within(
        "The server sent no greeting",
        CONNECT_TIMEOUT,
        client.read_response(),
    )
    .await?
    {
        Some(_) => Ok(()),
        None => Err(InboxError(
            "The server closed the connection before greeting".into(),
        )),
    }
}

async fn session<S: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    ctx: &Context,
    settings: &InboxSettings,
    password: &str,
    mut client: Client<S>,
    report: &mut InboxReport,
) -> Result<Option<Cursor>, InboxError> {
    greeting(&mut client).await?;
    login_and_read(ctx, settings, password, client, report).await
}

async fn login_and_read<S: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    ctx: &Context,
    settings: &InboxSettings,
    password: &str,
    client: Client<S>,
    report: &mut InboxReport,
) -> Result<Option<Cursor>, InboxError> {
    let mut session =
        match tokio::time::timeout(COMMAND_TIMEOUT, client.login(&settings.user, password)).await {
            Ok(Ok(session)) => session,
            Ok(Err((e, _))) => {
                return Err(InboxError(format!(
                    "The IMAP server refused the login for {}: {e}",
                    settings.user
                )))
            }
            Err(_) => return Err(InboxError("The login timed out".into())),
        };
    let result = read(ctx, settings, &mut session, report).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), session.logout()).await;
    result
}

async fn read<S: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    ctx: &Context,
    settings: &InboxSettings,
    session: &mut async_imap::Session<S>,
    report: &mut InboxReport,
) -> Result<Option<Cursor>, InboxError> {
    let folder = within(
        &format!("The folder {} could not be opened", settings.folder),
        COMMAND_TIMEOUT,
        session.select(&settings.folder),
    )
    .await?;
    let Some(uid_validity) = folder.uid_validity else {
        return Err(InboxError(
            "The server gives the folder no UIDVALIDITY, so Guildhall cannot tell what it has read"
                .into(),
        ));
    };
    // Everything below UIDNEXT now is what this check considers (a server that gives no
    // UIDNEXT: everything it finds).
    let uid_next = folder.uid_next;
    let keywords_allowed = folder
        .permanent_flags
        .iter()
        .any(|f| matches!(f, async_imap::types::Flag::MayCreate))
        || folder.permanent_flags.iter().any(|f| {
            matches!(f, async_imap::types::Flag::Custom(k) if k.eq_ignore_ascii_case(APPLIED_KEYWORD))
        });
    let known = ctx
        .read(inbox::cursor)
        .map_err(|e| problem("Could not read where the last check stopped", e))?
        .filter(|c| c.uid_validity == uid_validity);
    let query = match known {
        Some(c) => format!("UID {}:*", c.last_uid.saturating_add(1)),
        None => {
            let since =
                ctx.clock.now() - jiff::SignedDuration::from_hours(24 * inbox::FIRST_LOOK_DAYS);
            let date = since
                .to_zoned(jiff::tz::TimeZone::UTC)
                .strftime("%-d-%b-%Y")
                .to_string();
            format!("SINCE {date}")
        }
    };
    let found: HashSet<u32> = within(
        "The folder could not be searched",
        COMMAND_TIMEOUT,
        session.uid_search(&query),
    )
    .await?;
    let after = known.map_or(0, |c| c.last_uid);
    let mut uids: Vec<u32> = found
        .into_iter()
        .filter(|u| *u > after && uid_next.is_none_or(|next| *u < next))
        .collect();
    uids.sort_unstable();
    for chunk in uids.chunks(BATCH) {
        let set = uid_set(chunk);
        let fetched: Vec<Fetched> = within("Messages could not be read", COMMAND_TIMEOUT, async {
            let stream = session.uid_fetch(&set, "BODY.PEEK[]").await?;
            let all: Vec<async_imap::types::Fetch> = stream.try_collect().await?;
            Ok::<_, async_imap::error::Error>(all)
        })
        .await?
        .into_iter()
        .filter_map(|f| {
            Some(Fetched {
                uid: f.uid?,
                bytes: f.body()?.to_vec(),
            })
        })
        .collect();
        let now = ctx.clock.now();
        let applied = ctx
            .write(|tx| inbox::apply_batch(tx, uid_validity, &fetched, now))
            .map_err(|e| problem("The answers could not be saved", e))?;
        for r in &applied.reports {
            report.count(r);
        }
        if keywords_allowed && !applied.to_mark.is_empty() {
            within(
                "The answers could not be marked as read by Guildhall",
                COMMAND_TIMEOUT,
                async {
                    let stream = session
                        .uid_store(
                            uid_set(&applied.to_mark),
                            format!("+FLAGS.SILENT ({APPLIED_KEYWORD})"),
                        )
                        .await?;
                    let _: Vec<_> = stream.try_collect().await?;
                    Ok::<_, async_imap::error::Error>(())
                },
            )
            .await?;
        }
    }
    let last_uid = match uid_next {
        Some(next) => next.saturating_sub(1),
        None => uids.last().copied().unwrap_or(after),
    };
    Ok(Some(Cursor {
        uid_validity,
        last_uid: last_uid.max(after),
    }))
}

/// `1:3,7,9:10` for the sorted `uids`.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_ranges() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
    }
}
