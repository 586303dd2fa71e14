//! SMTP delivery: [`SmtpMailer`] opens connections to the organizer's server, each one
//! greeted, secured (STARTTLS or TLS from the first byte) and logged in; a connection then
//! delivers messages one after another and classes every failure by what the outbox does next.
//!
//! Built on lettre's `AsyncSmtpConnection` over a socket we open ourselves: lettre 0.11.23
//! never sets `TCP_NODELAY` and writes a message's final `.` on its own, so without it Nagle's
//! algorithm waits for the delayed ACK and one connection manages ~22 messages a second
//! instead of ~1,000. Each connection drives its socket on its own current-thread tokio runtime,
//! so the blocking [`MailConnection`] methods must not be called from inside an async task.
//!
//! How a send's failure is classed:
//! - a 4xx answer: `Transient { code }`; a 5xx: `Permanent { code }`, with the server's whole
//!   answer ("550 5.1.1 <x@y>: ..."); after a refused MAIL/RCPT/DATA the connection sends RSET
//!   and goes on (a 421 ends it);
//! - an I/O error, a timeout or a closed connection before the message's data: `Transient`;
//!   after the data started and before the final answer: `Unknown` (the server may have it);
//!   either way the connection is dead and later sends fail at once (connect again);
//! - while connecting: a 5xx, a refused login, a certificate that cannot be trusted, no
//!   STARTTLS when it was asked for, a login without a password, or a plain connection to
//!   another machine: `Setup`.
//!
//! The message goes byte for byte (lettre dot-stuffs it; its final CRLF is the one before the
//! terminating "."). A message with 8-bit bytes is declared `BODY=8BITMIME` when the server
//! offers it, and sent as it is otherwise.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use guildhall_core::outbox::mailer::{DeliveryError, Envelope, MailConnection, Mailer};
use guildhall_core::settings::{is_loopback, MailSettings, Security};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::Error as SmtpError;
use lettre::Address;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

/// How long reaching the server (TCP, and the TLS handshake for implicit TLS) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the server may take to answer one command (or the end of a message's data).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long writing a message's data and the server's answer to it may take: longer than a
/// command, since servers scan the message before answering (RFC 5321 allows them 10 minutes)
/// and giving up here leaves the delivery unknown.
const DATA_TIMEOUT: Duration = Duration::from_secs(180);
/// How long a polite QUIT may take; nobody waits for its answer.
const QUIT_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens SMTP connections with one set of settings and the password from the keychain.
#[derive(Clone)]
pub struct SmtpMailer {
    settings: MailSettings,
    password: Option<String>,
    extra_roots: Vec<Vec<u8>>,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SmtpMailer")
            .field("host", &self.settings.host)
            .field("port", &self.settings.port)
            .field("security", &self.settings.security)
            .field("user", &self.settings.user)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

impl SmtpMailer {
    /// A mailer for `settings`; `password` is the login's password (from the keychain) and is
    /// needed exactly when `settings.user` is set.
    pub fn new(settings: MailSettings, password: Option<String>) -> Self {
        SmtpMailer {
            settings,
            password,
            extra_roots: Vec::new(),
        }
    }

    /// Also trusts the certificate authority (or self-signed certificate) in `pem`, besides
    /// the usual public roots. A PEM that cannot be read makes every `connect` a `Setup` error.
    pub fn with_root_certificate(mut self, pem: &[u8]) -> Self {
        self.extra_roots.push(pem.to_vec());
        self
    }

    /// The settings this mailer connects with.
    pub fn settings(&self) -> &MailSettings {
        &self.settings
    }

    /// `host:port` (`[v6]:port`), as the organizer's messages name the server.
    fn server(&self) -> String {
        let host = self.bare_host();
        if host.contains(':') {
            format!("[{host}]:{}", self.settings.port)
        } else {
            format!("{host}:{}", self.settings.port)
        }
    }

    /// The host without the brackets of an IPv6 literal, as DNS and TLS want it.
    fn bare_host(&self) -> &str {
        self.settings
            .host
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
    }

    /// Checks what can be checked without the network.
    fn check_settings(&self) -> Result<Option<Credentials>, DeliveryError> {
        let host = self.bare_host();
        if host.is_empty() {
            return Err(setup(
                "No mail server is set: enter its name (for example smtp.example.org).",
            ));
        }
        if self.settings.port == 0 {
            return Err(setup(
                "The mail server's port is not set (usually 587, or 465 for TLS).",
            ));
        }
        if self.settings.security == Security::None && !is_loopback(host) {
            return Err(setup(format!(
                "An unencrypted connection is only allowed to a server on this computer, not to \
                 {host}: choose STARTTLS (usually port 587) or TLS (usually port 465)."
            )));
        }
        match (&self.settings.user, &self.password) {
            (Some(user), Some(password)) => {
                Ok(Some(Credentials::new(user.clone(), password.clone())))
            }
            (Some(user), None) => Err(setup(format!(
                "No password is saved for the login {user} at {}: enter it in the mail settings.",
                self.server()
            ))),
            (None, _) => Ok(None),
        }
    }

    fn tls_parameters(&self) -> Result<TlsParameters, DeliveryError> {
        let mut builder = TlsParameters::builder(self.bare_host().to_owned());
        for pem in &self.extra_roots {
            let cert = Certificate::from_pem(pem).map_err(|e| {
                setup(format!(
                    "The extra certificate to trust could not be read: {e}"
                ))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        builder
            .build()
            .map_err(|e| setup(format!("TLS could not be set up: {e}")))
    }

    fn rustls_config(&self) -> Result<Arc<rustls::ClientConfig>, DeliveryError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for pem in &self.extra_roots {
            let mut any = false;
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| {
                    setup(format!(
                        "The extra certificate to trust could not be read: {e}"
                    ))
                })?;
                roots.add(cert).map_err(|e| {
                    setup(format!(
                        "The extra certificate to trust could not be used: {e}"
                    ))
                })?;
                any = true;
            }
            if !any {
                return Err(setup(
                    "The extra certificate to trust could not be read: no certificate in it.",
                ));
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| setup(format!("TLS could not be set up: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    async fn open(
        &self,
        credentials: Option<Credentials>,
    ) -> Result<AsyncSmtpConnection, DeliveryError> {
        let server = self.server();
        let host = self.bare_host().to_owned();
        let port = self.settings.port;

        let tcp =
            match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host.as_str(), port)))
                .await
            {
                Ok(Ok(tcp)) => tcp,
                Ok(Err(e)) => {
                    return Err(transient(
                        None,
                        format!("Could not reach the mail server {server}: {e}."),
                    ))
                }
                Err(_) => {
                    return Err(transient(
                        None,
                        format!(
                            "The mail server {server} did not answer within {CONNECT_TIMEOUT:?}."
                        ),
                    ))
                }
            };
        tcp.set_nodelay(true).map_err(|e| {
            transient(
                None,
                format!("Could not set up the connection to {server}: {e}."),
            )
        })?;
        let hello = match tcp.local_addr() {
            Ok(SocketAddr::V4(a)) => ClientId::Ipv4(*a.ip()),
            Ok(SocketAddr::V6(a)) => match a.ip().to_ipv4_mapped() {
                Some(v4) => ClientId::Ipv4(v4),
                None => ClientId::Ipv6(*a.ip()),
            },
            Err(_) => ClientId::Domain("localhost".to_owned()),
        };

        let stream: Box<dyn AsyncTokioStream> = match self.settings.security {
            Security::Tls => {
                let config = self.rustls_config()?;
                let name = ServerName::try_from(host.clone()).map_err(|_| {
                    setup(format!("\"{host}\" is not a valid name for a mail server."))
                })?;
                let connector = tokio_rustls::TlsConnector::from(config);
                match tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, tcp)).await {
                    Ok(Ok(tls)) => Box::new(TlsTcp(tls)),
                    Ok(Err(e)) => return Err(tls_failure(&server, &e)),
                    Err(_) => {
                        return Err(transient(
                            None,
                            format!("The mail server {server} did not complete the TLS handshake."),
                        ))
                    }
                }
            }
            Security::None | Security::StartTls => Box::new(tcp),
        };

        let mut conn = match tokio::time::timeout(
            COMMAND_TIMEOUT,
            AsyncSmtpConnection::connect_with_transport(stream, &hello),
        )
        .await
        {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return Err(connect_failure(&server, "greeting the server", &e)),
            Err(_) => return Err(no_answer(&server, "greeting")),
        };

        if self.settings.security == Security::StartTls {
            if !conn.server_info().supports_feature(Extension::StartTls) {
                quit(&mut conn).await;
                return Err(setup(format!(
                    "The mail server {server} does not offer STARTTLS, so the connection cannot \
                     be encrypted: choose TLS (usually port 465) or check the port."
                )));
            }
            let params = self.tls_parameters()?;
            match tokio::time::timeout(COMMAND_TIMEOUT, conn.starttls(params, &hello)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    if let Some(tls) = find_tls_error(&e) {
                        return Err(setup(format!(
                            "The secure connection to the mail server {server} failed: {tls}."
                        )));
                    }
                    return Err(connect_failure(&server, "starting TLS", &e));
                }
                Err(_) => return Err(no_answer(&server, "STARTTLS")),
            }
        }

        if let Some(credentials) = credentials {
            let mechanisms = [Mechanism::Plain, Mechanism::Login];
            match tokio::time::timeout(COMMAND_TIMEOUT, conn.auth(&mechanisms, &credentials)).await
            {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    let failure = match code_and_text(&e) {
                        Some((code, text)) if (400..500).contains(&code) => transient(
                            Some(code),
                            format!("The mail server {server} could not log in now: {text}"),
                        ),
                        Some((_, text)) => setup(format!(
                            "The mail server {server} refused the login: {text}"
                        )),
                        None if e.is_client() => setup(format!(
                            "Could not log in to the mail server {server}: it offers no login \
                             method Guildhall knows (PLAIN or LOGIN)."
                        )),
                        None => transient(
                            None,
                            format!("The connection to {server} broke while logging in: {e}."),
                        ),
                    };
                    quit(&mut conn).await;
                    return Err(failure);
                }
                Err(_) => return Err(no_answer(&server, "the login")),
            }
        }
        Ok(conn)
    }
}

impl Mailer for SmtpMailer {
    fn connect(&self) -> Result<Box<dyn MailConnection>, DeliveryError> {
        let credentials = self.check_settings()?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| transient(None, format!("Could not start the mail connection: {e}.")))?;
        let conn = rt.block_on(self.open(credentials))?;
        Ok(Box::new(SmtpConnection {
            rt,
            conn,
            server: self.server(),
            dead: false,
        }))
    }
}

/// One open SMTP connection with the runtime that drives its socket.
struct SmtpConnection {
    rt: Runtime,
    conn: AsyncSmtpConnection,
    server: String,
    /// Set after an I/O error, a timeout or a 421: nothing more is sent on it.
    dead: bool,
}

/// Where a send stood when something went wrong.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// MAIL FROM, RCPT TO, DATA: nothing of the message has left.
    Envelope,
    /// The message's data was (partly) written: the server may have it.
    Data,
}

/// Runs `fut` on `rt`, at most `limit` long.
fn within<T>(rt: &Runtime, limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
    rt.block_on(async { tokio::time::timeout(limit, fut).await })
        .ok()
}

impl SmtpConnection {
    /// Sends one envelope command (MAIL, RCPT, DATA) and classes a failure.
    fn envelope_command(
        &mut self,
        what: &str,
        command: impl std::fmt::Display,
    ) -> Result<(), DeliveryError> {
        match within(&self.rt, COMMAND_TIMEOUT, self.conn.command(command)) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(self.failure(Stage::Envelope, what, &e)),
            None => {
                self.dead = true;
                Err(transient(
                    None,
                    format!(
                        "The mail server {} did not answer {what} within {COMMAND_TIMEOUT:?}; \
                         the message was not sent.",
                        self.server
                    ),
                ))
            }
        }
    }

    /// The class of `e` at `stage`; after a server's refusal of an envelope command, RSET
    /// so the connection can go on.
    fn failure(&mut self, stage: Stage, what: &str, e: &SmtpError) -> DeliveryError {
        match code_and_text(e) {
            Some((code, text)) => {
                if code == 421 {
                    // "Service not available, closing transmission channel".
                    self.dead = true;
                } else if stage == Stage::Envelope {
                    self.reset();
                }
                if (400..500).contains(&code) {
                    transient(Some(code), text)
                } else {
                    DeliveryError::Permanent {
                        code,
                        message: text,
                    }
                }
            }
            None => {
                self.dead = true;
                match stage {
                    Stage::Envelope => transient(
                        None,
                        format!(
                            "The connection to the mail server {} broke at {what}, before the \
                             message was sent: {e}.",
                            self.server
                        ),
                    ),
                    Stage::Data => DeliveryError::Unknown {
                        message: format!(
                            "The connection to the mail server {} broke while the message was \
                             being sent, before the server answered: it may or may not have \
                             it ({e}).",
                            self.server
                        ),
                    },
                }
            }
        }
    }

    fn reset(&mut self) {
        match within(&self.rt, COMMAND_TIMEOUT, self.conn.command(Rset)) {
            Some(Ok(_)) => {}
            Some(Err(e)) if e.status().is_some_and(|c| u16::from(c) != 421) => {}
            _ => self.dead = true,
        }
    }
}

impl MailConnection for SmtpConnection {
    fn send(&mut self, envelope: &Envelope, message: &[u8]) -> Result<String, DeliveryError> {
        if self.dead || self.conn.has_broken() {
            return Err(transient(
                None,
                format!(
                    "The connection to the mail server {} was already broken; the message was \
                     not sent.",
                    self.server
                ),
            ));
        }
        let from = if envelope.from.is_empty() {
            None
        } else {
            Some(envelope.from.parse::<Address>().map_err(|_| {
                setup(format!(
                    "The sender address \"{}\" is not a valid mail address.",
                    envelope.from
                ))
            })?)
        };
        let to = envelope
            .to
            .parse::<Address>()
            .map_err(|_| DeliveryError::Permanent {
                code: 553,
                message: format!(
                    "Not sent: \"{}\" is not a valid mail address (checked by Guildhall).",
                    envelope.to
                ),
            })?;

        let info = self.conn.server_info();
        let mut params = Vec::new();
        if !message.is_ascii() && info.supports_feature(Extension::EightBitMime) {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let non_ascii_address = !envelope.from.is_ascii() || !envelope.to.is_ascii();
        if non_ascii_address {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(DeliveryError::Permanent {
                    code: 553,
                    message: format!(
                        "Not sent: the mail server {} cannot take the address \"{}\" (it does not \
                         support international addresses, SMTPUTF8).",
                        self.server, envelope.to
                    ),
                });
            }
            params.push(MailParameter::SmtpUtfEight);
        }

        self.envelope_command("MAIL FROM", Mail::new(from, params))?;
        self.envelope_command("RCPT TO", Rcpt::new(to, vec![]))?;
        self.envelope_command("DATA", Data)?;

        // lettre ends the data with CRLF "." CRLF; the first CRLF of that is the message's own
        // last line end, so the message goes without it and arrives byte for byte.
        let body = message.strip_suffix(b"\r\n").unwrap_or(message);
        match within(&self.rt, DATA_TIMEOUT, self.conn.message(body)) {
            Some(Ok(response)) => Ok(response_text(&response)),
            Some(Err(e)) => Err(self.failure(Stage::Data, "the message", &e)),
            None => {
                self.dead = true;
                Err(DeliveryError::Unknown {
                    message: format!(
                        "The mail server {} did not answer within {DATA_TIMEOUT:?} after the \
                         message was sent: it may or may not have it.",
                        self.server
                    ),
                })
            }
        }
    }

    fn close(mut self: Box<Self>) {
        if !self.dead && !self.conn.has_broken() {
            let _ = within(&self.rt, QUIT_TIMEOUT, self.conn.command(Quit));
        }
    }
}

async fn quit(conn: &mut AsyncSmtpConnection) {
    let _ = tokio::time::timeout(QUIT_TIMEOUT, conn.command(Quit)).await;
}

fn setup(message: impl Into<String>) -> DeliveryError {
    DeliveryError::Setup {
        message: message.into(),
    }
}

fn transient(code: Option<u16>, message: impl Into<String>) -> DeliveryError {
    DeliveryError::Transient {
        code,
        message: message.into(),
    }
}

fn no_answer(server: &str, what: &str) -> DeliveryError {
    transient(
        None,
        format!("The mail server {server} did not answer {what} within {COMMAND_TIMEOUT:?}."),
    )
}

/// A failure while opening a connection (greeting, EHLO, STARTTLS): a 4xx is worth trying
/// later, a 5xx means this server will not take mail from us as set up.
fn connect_failure(server: &str, what: &str, e: &SmtpError) -> DeliveryError {
    match code_and_text(e) {
        Some((code, text)) if (400..500).contains(&code) => transient(
            Some(code),
            format!("The mail server {server} is not taking mail now: {text}"),
        ),
        Some((_, text)) => setup(format!(
            "The mail server {server} refused the connection: {text}"
        )),
        None => transient(
            None,
            format!("The connection to the mail server {server} broke while {what}: {e}."),
        ),
    }
}

/// The reply code and the server's full answer ("550 5.1.1 <x@y>: Recipient address rejected")
/// of a negative reply.
fn code_and_text(e: &SmtpError) -> Option<(u16, String)> {
    let code = u16::from(e.status()?);
    let words = e.source().map(|s| s.to_string()).unwrap_or_default();
    let text = if words.is_empty() {
        code.to_string()
    } else {
        format!("{code} {words}")
    };
    Some((code, text))
}

/// The server's whole answer, e.g. `250 2.0.0 Ok: queued as 12345`.
fn response_text(response: &Response) -> String {
    let mut text = u16::from(response.code()).to_string();
    for line in response.message() {
        text.push(' ');
        text.push_str(line);
    }
    text
}

/// The rustls error somewhere in `e`'s chain, if the failure was TLS's (a certificate that
/// cannot be trusted, a name that does not match): a setup problem, not a passing one.
fn find_tls_error<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    return Some(tls);
                }
            }
        }
        current = err.source();
    }
    None
}

fn tls_failure(server: &str, e: &io::Error) -> DeliveryError {
    match find_tls_error(e) {
        Some(tls) => setup(format!(
            "The secure connection to the mail server {server} failed: {tls}."
        )),
        None => transient(
            None,
            format!("The secure connection to the mail server {server} broke: {e}."),
        ),
    }
}

/// A TLS stream over our own socket (implicit TLS), in the shape lettre takes.
#[derive(Debug)]
struct TlsTcp(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for TlsTcp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsTcp {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}
