//! The keychain against the real Secret Service. The round trip needs a D-Bus session with an
//! unlocked keychain, so it runs only when asked (`GUILDHALL_KEYCHAIN_TESTS=1`); `make
//! test-rust` asks, under a private session bus and gnome-keyring:
//!
//! ```sh
//! HOME=$(mktemp -d) dbus-run-session -- sh -c 'printf %s pw | gnome-keyring-daemon --unlock \
//!     --components=secrets >/dev/null; GUILDHALL_KEYCHAIN_TESTS=1 cargo test -p guildhall-mail --test keychain'
//! ```
//!
//! Whether a keychain is there is decided once per process (keyring picks its store on first
//! use), and environment variables are process-wide, so the "no keychain" case runs in a child
//! process of this test binary with its own environment.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use guildhall_core::settings::{MailSettings, Security};
use guildhall_mail::{smtp_account, Keychain, KeychainError};

const ASKED: &str = "GUILDHALL_KEYCHAIN_TESTS";
/// Set in the child process of `no_session_bus_means_unavailable`.
const CHILD: &str = "GUILDHALL_KEYCHAIN_TEST_CHILD";

fn asked() -> bool {
    std::env::var(ASKED).is_ok_and(|v| v == "1")
}

fn unique_account() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_nanos();
    format!("smtp:test-{}-{nanos}@localhost:2525", std::process::id())
}

#[test]
fn set_get_delete_in_the_real_keychain() {
    if !asked() {
        println!(
            "not asked: set {ASKED}=1 to test the real keychain (make test-rust does, under a \
             private D-Bus session with gnome-keyring)"
        );
        return;
    }
    let keychain = Keychain::new();
    assert_eq!(keychain.service(), "guildhall");
    let account = unique_account();

    match keychain.get(&account) {
        Ok(None) => {}
        Err(KeychainError::Unavailable(why)) => panic!(
            "{ASKED}=1 but no keychain is reachable: {why}\nRun these tests in a D-Bus session \
             with an unlocked Secret Service, e.g. HOME=$(mktemp -d) dbus-run-session -- sh -c \
             'printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
             {ASKED}=1 cargo test -p guildhall-mail --test keychain' (Debian: apt-get install \
             dbus gnome-keyring)"
        ),
        other => panic!("a fresh account has no password, got {other:?}"),
    }

    let password = "pa ss:wörd \"with\" everything\t!";
    keychain.set(&account, password).expect("saved");
    assert_eq!(
        keychain.get(&account).expect("read back").as_deref(),
        Some(password)
    );

    keychain.set(&account, "second").expect("replaced");
    assert_eq!(
        keychain.get(&account).expect("read back").as_deref(),
        Some("second")
    );

    keychain.delete(&account).expect("deleted");
    assert_eq!(keychain.get(&account).expect("read after delete"), None);
    keychain
        .delete(&account)
        .expect("deleting what is not there is fine");
}

/// The child half of `no_session_bus_means_unavailable`; does nothing when run on its own.
#[test]
fn child_without_a_session_bus() {
    if std::env::var_os(CHILD).is_none() {
        println!("run by no_session_bus_means_unavailable in a child process");
        return;
    }
    let keychain = Keychain::new();
    let account = unique_account();
    for result in [
        keychain.get(&account).map(|_| ()),
        keychain.set(&account, "secret"),
        keychain.delete(&account),
    ] {
        match result {
            Err(KeychainError::Unavailable(why)) => {
                assert!(!why.contains("secret"), "{why}");
                println!("UNAVAILABLE: {why}");
            }
            other => panic!("expected Unavailable without a session bus, got {other:?}"),
        }
    }
}

#[test]
fn no_session_bus_means_unavailable() {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "child_without_a_session_bus",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/guildhall-test-bus",
        )
        .env_remove("XDG_RUNTIME_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child test process");

    // A guard against a hang, nothing measured: the answer is expected at once.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the keychain hung without a session bus instead of reporting Unavailable");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_string(&mut out)
        .expect("read the child's output");
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut err)
        .expect("read the child's errors");
    assert!(status.success(), "the child failed:\n{out}\n{err}");
    assert_eq!(out.matches("UNAVAILABLE: ").count(), 3, "{out}");
}

#[test]
fn the_smtp_account_names_login_server_and_port() {
    let mut settings = MailSettings {
        host: "SMTP.Example.org".to_owned(),
        port: 587,
        security: Security::StartTls,
        user: Some("organizer@example.org".to_owned()),
        from_name: "Rust Study Group".to_owned(),
        from_address: "organizer@example.org".to_owned(),
        reply_to: None,
    };
    assert_eq!(
        smtp_account(&settings),
        "smtp:organizer@example.org@smtp.example.org:587"
    );
    settings.user = None;
    assert_eq!(smtp_account(&settings), "smtp:smtp.example.org:587");
}
