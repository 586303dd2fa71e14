//! The inbox check over TLS against a real IMAP server: Debian's Dovecot, started by
//! tests/servers/imap_server.py on 127.0.0.1 with a certificate made here, requiring TLS
//! (STARTTLS, or TLS from the first byte as on port 993). The certificate is trusted only
//! when given; a server whose certificate cannot be trusted gets no password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use guildhall_core::inbox::InboxSettings;
use guildhall_core::settings::Security;
use guildhall_core::{Clock, Context};
use guildhall_mail::imap;

const USER: &str = "organizer@example.org";
const PASSWORD: &str = "s3cret: with a colon";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Dovecot, stopped (SIGTERM to its starter, which stops Dovecot) when dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(cert: &str, key: &str, implicit: bool) -> Server {
        let root = repo_root();
        let python = root.join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run `make python-deps`",
            python.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert_path, cert).unwrap();
        std::fs::write(&key_path, key).unwrap();
        let mail = dir.path().join("hello.eml");
        std::fs::write(
            &mail,
            "From: Ida <ida@example.org>\r\nTo: organizer@example.org\r\nSubject: Hello\r\n\
             Message-ID: <hello@example.org>\r\n\r\nNot an answer to anything.\r\n",
        )
        .unwrap();
        let mut command = Command::new(python);
        command
            .arg(root.join("tests/servers/imap_server.py"))
            .args([
                "--port",
                "0",
                "--user",
                USER,
                "--password",
                PASSWORD,
                "--dir",
            ])
            .arg(dir.path().join("server"))
            .arg("--tls-cert")
            .arg(&cert_path)
            .arg("--tls-key")
            .arg(&key_path)
            .arg("--append")
            .arg(&mail);
        if implicit {
            command.arg("--implicit-tls");
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tests/servers/imap_server.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the IMAP server did not start: {line:?}"));
        Server {
            child,
            port,
            _dir: dir,
        }
    }

    fn settings(&self, security: Security) -> InboxSettings {
        InboxSettings {
            host: "localhost".to_owned(),
            port: self.port,
            security,
            user: USER.to_owned(),
            folder: "INBOX".to_owned(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM: the harness stops Dovecot and removes its folder.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn self_signed() -> (String, String) {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    (key.cert.pem(), key.signing_key.serialize_pem())
}

fn check(settings: &InboxSettings, roots: &[Vec<u8>]) -> guildhall_core::inbox::InboxReport {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::open_in(dir.path(), Clock::system()).unwrap();
    imap::check_with_roots(&ctx, settings, PASSWORD, roots)
}

fn reads_over_tls(implicit: bool, security: Security) {
    let (cert, key) = self_signed();
    let server = Server::start(&cert, &key, implicit);
    let settings = server.settings(security);

    // A certificate nobody vouches for: nothing is read, and the organizer is told why.
    let untrusted = check(&settings, &[]);
    let problem = untrusted
        .problem
        .expect("an untrusted certificate is refused");
    assert!(problem.contains("certificate"), "{problem}");
    assert!(!problem.contains(PASSWORD), "never the password: {problem}");
    assert_eq!(untrusted.read, 0);

    // Trusted: the one mail is read over TLS, and left alone (it is not an answer).
    let report = check(&settings, &[cert.into_bytes()]);
    assert_eq!(report.problem, None);
    assert_eq!((report.read, report.ignored), (1, 1), "{report:?}");
}

#[test]
fn starttls_reads_the_inbox_once_the_certificate_is_trusted() {
    reads_over_tls(false, Security::StartTls);
}

#[test]
fn implicit_tls_reads_the_inbox_once_the_certificate_is_trusted() {
    reads_over_tls(true, Security::Tls);
}
