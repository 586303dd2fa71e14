//! SmtpMailer against a real SMTP server: tests/servers/smtp_server.py (aiosmtpd) in its own
//! process on 127.0.0.1, one per test. The recipient's local part picks the server's behaviour
//! (reject-, busy-, flaky-, drop-, dropkeep-; see the script).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use guildhall_core::outbox::mailer::{DeliveryError, Envelope, MailConnection, Mailer};
use guildhall_core::settings::{MailSettings, Security};
use guildhall_mail::SmtpMailer;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root is two folders above the mail crate")
}

/// The test SMTP server, stopped (killed) when dropped.
struct Server {
    child: Child,
    port: u16,
    out: tempfile::TempDir,
}

#[derive(Default)]
struct ServerOptions {
    /// (certificate PEM, key PEM): offer STARTTLS, or TLS from the first byte when `implicit`.
    tls: Option<(String, String)>,
    implicit: bool,
    auth: Option<&'static str>,
}

impl Server {
    fn start() -> Server {
        Server::start_with(ServerOptions::default())
    }

    fn start_with(options: ServerOptions) -> Server {
        let root = repo_root();
        let python = root.join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run `make python-deps` (the SMTP tests need Python with aiosmtpd)",
            python.display()
        );
        let out = tempfile::tempdir().expect("a temp folder for the received mail");
        let mut command = Command::new(&python);
        command
            .arg(root.join("tests/servers/smtp_server.py"))
            .args(["--port", "0", "--out"])
            .arg(out.path().join("mail"));
        if let Some((cert, key)) = &options.tls {
            let cert_path = out.path().join("cert.pem");
            let key_path = out.path().join("key.pem");
            std::fs::write(&cert_path, cert).expect("write the test certificate");
            std::fs::write(&key_path, key).expect("write the test key");
            command
                .arg("--tls-cert")
                .arg(cert_path)
                .arg("--tls-key")
                .arg(key_path);
            if options.implicit {
                command.arg("--implicit-tls");
            }
        }
        if let Some(auth) = options.auth {
            command.args(["--auth", auth]);
        }
        let stderr_path = out.path().join("server.log");
        let stderr = std::fs::File::create(&stderr_path).expect("create the server's log file");
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start tests/servers/smtp_server.py");

        let stdout = child.stdout.take().expect("the server's stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        // Only a guard against a server that never starts; nothing is measured.
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the test SMTP server did not start (printed {line:?}); is aiosmtpd installed? \
                 run `make python-deps`. Its log:\n{}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        };
        Server { child, port, out }
    }

    fn settings(&self, security: Security) -> MailSettings {
        settings("127.0.0.1", self.port, security)
    }

    fn mailer(&self) -> SmtpMailer {
        SmtpMailer::new(self.settings(Security::None), None)
    }

    fn mail_dir(&self) -> PathBuf {
        self.out.path().join("mail")
    }

    /// The messages the server stored, as (envelope JSON, raw bytes), in order.
    fn received(&self) -> Vec<(serde_json::Value, Vec<u8>)> {
        let mut found = Vec::new();
        for n in 1.. {
            let eml = self.mail_dir().join(format!("{n}.eml"));
            if !eml.exists() {
                break;
            }
            let meta = std::fs::read(self.mail_dir().join(format!("{n}.json")))
                .expect("each message has its envelope");
            let meta = serde_json::from_slice(&meta).expect("the envelope is JSON");
            found.push((meta, std::fs::read(eml).expect("read a received message")));
        }
        found
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn settings(host: &str, port: u16, security: Security) -> MailSettings {
    MailSettings {
        host: host.to_owned(),
        port,
        security,
        user: None,
        from_name: "Rust Study Group".to_owned(),
        from_address: "organizer@example.org".to_owned(),
        reply_to: None,
    }
}

fn envelope(to: &str) -> Envelope {
    Envelope {
        from: "organizer@example.org".to_owned(),
        to: to.to_owned(),
    }
}

fn message(to: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Rust Study Group <organizer@example.org>\r\n\
         To: <{to}>\r\n\
         Subject: Workshop\r\n\
         Message-ID: <test@example.org>\r\n\
         \r\n\
         {body}"
    )
    .into_bytes()
}

fn connect(mailer: &SmtpMailer) -> Box<dyn MailConnection> {
    match mailer.connect() {
        Ok(conn) => conn,
        Err(e) => panic!("connecting to the test server failed: {e:?}"),
    }
}

fn self_signed() -> (String, String) {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("generate a self-signed certificate");
    (key.cert.pem(), key.signing_key.serialize_pem())
}

#[test]
fn a_delivered_message_arrives_byte_for_byte() {
    let server = Server::start();
    let long_line = "x".repeat(998);
    let body = format!(
        "Dear member,\r\n\
         .a line that starts with a dot\r\n\
         .\r\n\
         ..two dots\r\n\
         {long_line}\r\n\
         \r\n\
         See you there.\r\n"
    );
    let to = "member@example.org";
    let bytes = message(to, &body);
    let mut conn = connect(&server.mailer());
    let answer = conn.send(&envelope(to), &bytes).expect("delivered");
    assert!(answer.starts_with("250 "), "{answer}");
    assert!(answer.contains("queued as 1"), "{answer}");
    conn.close();

    let received = server.received();
    assert_eq!(received.len(), 1);
    let (meta, raw) = &received[0];
    assert_eq!(
        meta,
        &serde_json::json!({"from": "organizer@example.org", "to": [to]})
    );
    assert_eq!(
        String::from_utf8_lossy(raw),
        String::from_utf8_lossy(&bytes),
        "the message arrives as it was given"
    );
    assert_eq!(raw, &bytes);
}

#[test]
fn several_messages_go_over_one_connection() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    for n in 0..5 {
        let to = format!("member{n}@example.org");
        conn.send(&envelope(&to), &message(&to, "Hello\r\n"))
            .expect("delivered");
    }
    conn.close();
    let received = server.received();
    assert_eq!(received.len(), 5);
    assert_eq!(received[4].0["to"][0], "member4@example.org");
}

#[test]
fn a_rejected_recipient_is_permanent_with_the_servers_words() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    let to = "reject-ann@example.org";
    let err = conn
        .send(&envelope(to), &message(to, "Hi\r\n"))
        .expect_err("refused");
    assert_eq!(
        err,
        DeliveryError::Permanent {
            code: 550,
            message: "550 5.1.1 <reject-ann@example.org>: Recipient address rejected: no such user"
                .to_owned()
        }
    );
    assert!(server.received().is_empty());
}

#[test]
fn a_busy_mailbox_is_transient() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    let to = "busy-bob@example.org";
    let err = conn
        .send(&envelope(to), &message(to, "Hi\r\n"))
        .expect_err("not now");
    match err {
        DeliveryError::Transient { code, message } => {
            assert_eq!(code, Some(450));
            assert!(
                message.starts_with("450 4.2.1 <busy-bob@example.org>"),
                "{message}"
            );
        }
        other => panic!("expected Transient, got {other:?}"),
    }
}

#[test]
fn the_connection_goes_on_after_refusals() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    let rejected = "reject-carl@example.org";
    assert!(matches!(
        conn.send(&envelope(rejected), &message(rejected, "Hi\r\n")),
        Err(DeliveryError::Permanent { code: 550, .. })
    ));
    let flaky = "flaky-dora@example.org";
    assert!(matches!(
        conn.send(&envelope(flaky), &message(flaky, "Hi\r\n")),
        Err(DeliveryError::Transient {
            code: Some(450),
            ..
        })
    ));
    // Same connection: RSET after each refusal lets the next transaction start clean.
    conn.send(&envelope(flaky), &message(flaky, "Hi again\r\n"))
        .expect("accepted the second time");
    let fine = "eve@example.org";
    conn.send(&envelope(fine), &message(fine, "Hi\r\n"))
        .expect("delivered");
    conn.close();

    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].0["to"], serde_json::json!([flaky]));
    assert_eq!(received[1].0["to"], serde_json::json!([fine]));
}

#[test]
fn a_connection_dropped_after_the_data_is_unknown_and_the_connection_is_dead() {
    let server = Server::start();
    let mailer = server.mailer();
    let mut conn = connect(&mailer);
    let to = "drop-fay@example.org";
    let err = conn
        .send(&envelope(to), &message(to, "Hi\r\n"))
        .expect_err("no answer");
    assert!(matches!(err, DeliveryError::Unknown { .. }), "{err:?}");
    assert!(server.received().is_empty());

    // The connection is known to be broken: the next message is not even tried on it.
    let next = "gus@example.org";
    let err = conn
        .send(&envelope(next), &message(next, "Hi\r\n"))
        .expect_err("dead connection");
    assert!(
        matches!(err, DeliveryError::Transient { code: None, .. }),
        "{err:?}"
    );
    conn.close();

    // A new connection works.
    let mut conn = connect(&mailer);
    conn.send(&envelope(next), &message(next, "Hi\r\n"))
        .expect("delivered on a new connection");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_message_the_server_kept_without_answering_is_unknown() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    let to = "dropkeep-hal@example.org";
    let bytes = message(to, "Hi\r\n");
    let err = conn.send(&envelope(to), &bytes).expect_err("no answer");
    assert!(matches!(err, DeliveryError::Unknown { .. }), "{err:?}");
    let received = server.received();
    assert_eq!(received.len(), 1, "the server has it all the same");
    assert_eq!(received[0].1, bytes);
}

#[test]
fn a_server_that_is_down_is_transient() {
    let port = {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port to find a free one");
        listener.local_addr().expect("its address").port()
    };
    let mailer = SmtpMailer::new(settings("127.0.0.1", port, Security::None), None);
    match mailer.connect() {
        Err(DeliveryError::Transient {
            code: None,
            message,
        }) => {
            assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
        }
        Err(other) => panic!("expected Transient, got {other:?}"),
        Ok(_) => panic!("connected to a closed port"),
    }
}

#[test]
fn a_plain_connection_to_another_machine_is_refused_before_connecting() {
    // Names that resolve nowhere: should the check fail, nothing leaves this machine.
    for host in ["smtp.example.invalid", "mail.example.invalid"] {
        let mailer = SmtpMailer::new(settings(host, 25, Security::None), None);
        match mailer.connect() {
            Err(DeliveryError::Setup { message }) => {
                assert!(message.contains("STARTTLS"), "{message}");
            }
            Err(other) => panic!("expected Setup for {host}, got {other:?}"),
            Ok(_) => panic!("connected in plain text to {host}"),
        }
    }
}

#[test]
fn a_login_without_a_password_is_setup() {
    let mut settings = settings("127.0.0.1", 2525, Security::None);
    settings.user = Some("organizer".to_owned());
    let mailer = SmtpMailer::new(settings, None);
    assert!(matches!(mailer.connect(), Err(DeliveryError::Setup { .. })));
}

#[test]
fn logging_in() {
    let server = Server::start_with(ServerOptions {
        auth: Some("organizer:s3cret"),
        ..ServerOptions::default()
    });
    let mut settings = server.settings(Security::None);
    settings.user = Some("organizer".to_owned());

    // A refused login is a setup problem, in the server's words.
    let wrong = SmtpMailer::new(settings.clone(), Some("wrong".to_owned()));
    match wrong.connect() {
        Err(DeliveryError::Setup { message }) => {
            assert!(message.contains("535"), "{message}");
            assert!(!message.contains("wrong"), "never the password: {message}");
        }
        Err(other) => panic!("expected Setup, got {other:?}"),
        Ok(_) => panic!("logged in with the wrong password"),
    }

    // Without logging in, the server refuses the mail.
    let anonymous = SmtpMailer::new(server.settings(Security::None), None);
    let mut conn = connect(&anonymous);
    let to = "ida@example.org";
    let err = conn
        .send(&envelope(to), &message(to, "Hi\r\n"))
        .expect_err("authentication required");
    assert!(
        matches!(err, DeliveryError::Permanent { code: 530, .. }),
        "{err:?}"
    );

    let right = SmtpMailer::new(settings, Some("s3cret".to_owned()));
    let mut conn = connect(&right);
    conn.send(&envelope(to), &message(to, "Hi\r\n"))
        .expect("delivered after logging in");
    conn.close();
    assert_eq!(server.received().len(), 1);
}

#[test]
fn starttls_with_a_trusted_certificate() {
    let (cert, key) = self_signed();
    let server = Server::start_with(ServerOptions {
        tls: Some((cert.clone(), key)),
        auth: Some("organizer:s3cret"),
        ..ServerOptions::default()
    });
    let mut settings = settings("localhost", server.port, Security::StartTls);
    settings.user = Some("organizer".to_owned());

    // Not trusted: a setup problem, nothing sent.
    let untrusted = SmtpMailer::new(settings.clone(), Some("s3cret".to_owned()));
    match untrusted.connect() {
        Err(DeliveryError::Setup { message }) => {
            assert!(message.contains("certificate"), "{message}");
        }
        Err(other) => panic!("expected Setup, got {other:?}"),
        Ok(_) => panic!("trusted a self-signed certificate"),
    }

    let mailer =
        SmtpMailer::new(settings, Some("s3cret".to_owned())).with_root_certificate(cert.as_bytes());
    let mut conn = connect(&mailer);
    let to = "jo@example.org";
    let bytes = message(to, ".dot\r\nHi over TLS\r\n");
    conn.send(&envelope(to), &bytes).expect("delivered");
    conn.close();
    assert_eq!(server.received()[0].1, bytes);
}

#[test]
fn starttls_is_required_when_asked_for() {
    let server = Server::start();
    let mailer = SmtpMailer::new(settings("localhost", server.port, Security::StartTls), None);
    match mailer.connect() {
        Err(DeliveryError::Setup { message }) => {
            assert!(message.contains("STARTTLS"), "{message}");
        }
        Err(other) => panic!("expected Setup, got {other:?}"),
        Ok(_) => panic!("went on without encryption"),
    }
}

#[test]
fn tls_from_the_first_byte() {
    let (cert, key) = self_signed();
    let server = Server::start_with(ServerOptions {
        tls: Some((cert.clone(), key)),
        implicit: true,
        ..ServerOptions::default()
    });
    let settings = settings("localhost", server.port, Security::Tls);

    match SmtpMailer::new(settings.clone(), None).connect() {
        Err(DeliveryError::Setup { message }) => {
            assert!(message.contains("certificate"), "{message}");
        }
        Err(other) => panic!("expected Setup, got {other:?}"),
        Ok(_) => panic!("trusted a self-signed certificate"),
    }

    let mailer = SmtpMailer::new(settings, None).with_root_certificate(cert.as_bytes());
    let mut conn = connect(&mailer);
    let to = "kim@example.org";
    let bytes = message(to, "Hi over implicit TLS\r\n");
    conn.send(&envelope(to), &bytes).expect("delivered");
    let rejected = "reject-lee@example.org";
    assert!(matches!(
        conn.send(&envelope(rejected), &message(rejected, "Hi\r\n")),
        Err(DeliveryError::Permanent { code: 550, .. })
    ));
    conn.send(&envelope(to), &bytes).expect("delivered again");
    conn.close();
    assert_eq!(server.received().len(), 2);
    assert_eq!(server.received()[1].1, bytes);
}

#[test]
fn an_invalid_recipient_address_is_permanent_and_nothing_is_sent() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    for to in [
        "not an address",
        "ann@example.org>\r\nRCPT TO:<eve@example.org",
    ] {
        let err = conn
            .send(&envelope(to), &message("x@example.org", "Hi\r\n"))
            .expect_err("invalid");
        assert!(matches!(err, DeliveryError::Permanent { .. }), "{err:?}");
    }
    let to = "ann@example.org";
    conn.send(&envelope(to), &message(to, "Hi\r\n"))
        .expect("the connection still works");
    assert_eq!(server.received().len(), 1);
}

/// Not a check: how many 6 kB messages one connection delivers a second. Run with
/// `cargo test -p guildhall-mail --test smtp -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let server = Server::start();
    let mut conn = connect(&server.mailer());
    let to = "member@example.org";
    let body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n".repeat(104);
    let bytes = message(to, &body);
    assert!(bytes.len() >= 6000);
    let count = 1000;
    let start = Instant::now();
    for _ in 0..count {
        conn.send(&envelope(to), &bytes).expect("delivered");
    }
    let elapsed = start.elapsed();
    conn.close();
    println!(
        "{count} messages of {} bytes in {elapsed:?}: {:.0} msg/s",
        bytes.len(),
        f64::from(count) / elapsed.as_secs_f64()
    );
    assert_eq!(server.received().len(), count as usize);
}
