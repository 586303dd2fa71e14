//! The `guildhall` binary as a script would use it: real processes, a temp data folder, exit
//! codes, standard output and standard error.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::path::Path;
use std::process::{Command, Output};

fn guildhall(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("GUILDHALL_DATA_DIR")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const GOOD: &str = "Name,Email,Tags\nZoë Müller,zoe@example.org,\"rust, mentoring\"\nAda Lovelace,ada@example.org,math\n";

#[test]
fn import_search_and_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("members.csv");
    std::fs::write(&file, GOOD).unwrap();

    let out = guildhall(&data, &["import", "members", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 new, 0 updated, 0 unchanged, 0 rejected"),
        "{}",
        text(&out.stdout)
    );

    // The same file again changes nothing.
    let out = guildhall(&data, &["import", "members", file.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("0 new, 0 updated, 2 unchanged"),
        "{}",
        text(&out.stdout)
    );

    let out = guildhall(&data, &["search", "muller"]);
    assert!(out.status.success());
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("Zoë Müller\tzoe@example.org\tmentoring, rust"));

    let out = guildhall(&data, &["export", "members", "-"]);
    assert!(out.status.success());
    let csv = text(&out.stdout);
    assert!(csv.starts_with("\"id\",\"name\",\"email\","), "{csv}");
    assert_eq!(csv.lines().count(), 3);

    // Nobody agreed to email: the mailing list is empty, not an error.
    let out = guildhall(&data, &["export", "mailing-list", "-", "--format", "plain"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), "");

    let backup = dir.path().join("backup.csv");
    let out = guildhall(&data, &["export", "members", backup.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), csv);
}

#[test]
fn a_file_with_a_bad_row_imports_nothing_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("members.csv");
    std::fs::write(&file, format!("{GOOD}Bad Row,not-an-email,\n")).unwrap();

    let out = guildhall(&data, &["import", "members", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("nothing imported"),
        "{}",
        text(&out.stdout)
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("members.csv:4:") && err.contains("not-an-email"),
        "{err}"
    );
    let out = guildhall(&data, &["search", "a"]);
    assert_eq!(text(&out.stdout), "", "nothing was written");

    let out = guildhall(
        &data,
        &[
            "import",
            "members",
            "--dry-run",
            "--skip-bad-rows",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert_eq!(
        text(&guildhall(&data, &["search", "a"]).stdout),
        "",
        "a dry run writes nothing"
    );

    let out = guildhall(
        &data,
        &[
            "import",
            "members",
            "--skip-bad-rows",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 new, 0 updated, 0 unchanged, 1 rejected"));
}

#[test]
fn errors_go_to_stderr_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let out = guildhall(&data, &["import", "members", "/nonexistent/file.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("could not read /nonexistent/file.csv"));
    assert!(out.stdout.is_empty());

    let binary = dir.path().join("garbage.csv");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 0, 7, 255, 0, 1]).unwrap();
    let out = guildhall(&data, &["import", "members", binary.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).is_empty());

    let out = guildhall(&data, &["export", "mailing-list", "-", "--format", "fax"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a wrong command line is exit code 2"
    );

    let out = guildhall(&data, &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A calendar file of the core's reader tests (src-tauri/ical/tests/fixtures).
fn ics_fixture(name: &str) -> String {
    format!(
        "{}/../ical/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn vevents(ics: &str) -> usize {
    ics.matches("BEGIN:VEVENT").count()
}

#[test]
fn an_empty_database_exports_an_empty_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let out = guildhall(&dir.path().join("data"), &["export", "calendar", "-"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ics = text(&out.stdout);
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("\r\nPRODID:"), "{ics}");
    assert_eq!(vevents(&ics), 0);
    assert!(!ics.contains("BEGIN:VTIMEZONE"), "{ics}");
}

#[test]
fn exporting_a_workshop_that_does_not_exist_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = guildhall(
        &dir.path().join("data"),
        &["export", "calendar", "-", "--workshop", "wks_NOPE"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("wks_NOPE"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_calendar_imports_once_and_re_imports_as_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let google = ics_fixture("google.ics");

    // The study-group series (its override counts with it) and the all-day weekend.
    let out = guildhall(&data, &["import", "calendar", &google]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "imported 2 events: 2 new, 0 updated, 0 unchanged, 0 skipped"
    );
    let first = text(&guildhall(&data, &["export", "calendar", "-"]).stdout);
    assert_eq!(
        vevents(&first),
        3,
        "the series, its moved date, the weekend"
    );
    assert!(
        first.contains("SUMMARY:Study group: The Rust Book\r\n"),
        "{first}"
    );

    let out = guildhall(&data, &["import", "calendar", &google]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "imported 2 events: 0 new, 0 updated, 2 unchanged, 0 skipped"
    );
    let again = text(&guildhall(&data, &["export", "calendar", "-"]).stdout);
    assert_eq!(vevents(&again), 3, "nothing duplicated");
}

#[test]
fn a_malformed_calendar_names_the_file_and_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = ics_fixture("malformed/bad-datetime.ics");

    let out = guildhall(&data, &["import", "calendar", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.starts_with(&format!("guildhall: {bad}:7: ")), "{err}");
    assert!(err.trim_end().ends_with("; nothing was imported"), "{err}");

    let ics = text(&guildhall(&data, &["export", "calendar", "-"]).stdout);
    assert_eq!(vevents(&ics), 0);
}

#[test]
fn a_dry_run_of_a_calendar_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let google = ics_fixture("google.ics");

    let out = guildhall(&data, &["import", "calendar", "--dry-run", &google]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "would import 2 events: 2 new, 0 updated, 0 unchanged, 0 skipped"
    );
    let ics = text(&guildhall(&data, &["export", "calendar", "-"]).stdout);
    assert_eq!(vevents(&ics), 0, "a dry run writes nothing");

    // After a real import, a dry run says exactly what the import would: nothing to do.
    assert!(guildhall(&data, &["import", "calendar", &google])
        .status
        .success());
    let out = guildhall(&data, &["import", "calendar", "--dry-run", &google]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "would import 2 events: 0 new, 0 updated, 2 unchanged, 0 skipped"
    );
}

#[test]
fn a_calendar_export_takes_one_scope_at_most() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("out.ics");
    let out = guildhall(
        &data,
        &[
            "export",
            "calendar",
            file.to_str().unwrap(),
            "--workshop",
            "wks_A",
            "--member",
            "mem_B",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
    assert!(!file.exists());
}

#[test]
fn watch_prints_each_domain_another_process_changes() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("members.csv");
    std::fs::write(&file, GOOD).unwrap();
    let mut watch = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("--data-dir")
        .arg(&data)
        .arg("watch")
        .env_remove("GUILDHALL_DATA_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Ready once it says so; then another process imports.
    let mut ready = String::new();
    BufReader::new(watch.stderr.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.contains("watching for changes"), "{ready}");
    let out = guildhall(&data, &["import", "members", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Read on a thread, so a watcher that prints nothing fails the test instead of hanging it.
    let stdout = watch.stdout.take().unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = lines.recv_timeout(std::time::Duration::from_secs(60));
    watch.kill().unwrap();
    watch.wait().unwrap();
    assert_eq!(line.unwrap(), "members\n");
}

#[test]
fn a_shift_jis_file_is_read_as_such_and_the_guess_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("members.csv");
    let csv = "name,email\n山田太郎,taro@example.org\n佐藤花子,hanako@example.org\n鈴木一郎,ichiro@example.org\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(csv);
    std::fs::write(&file, &bytes).unwrap();
    let out = guildhall(&data, &["import", "members", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("read it as Shift_JIS (a guess)"),
        "{}",
        text(&out.stderr)
    );
    let found = guildhall(&data, &["search", "taro"]);
    assert!(
        text(&found.stdout).contains("山田太郎"),
        "{}",
        text(&found.stdout)
    );

    // Named by the organizer: read so, and nothing is said.
    let data2 = dir.path().join("data2");
    let out = guildhall(
        &data2,
        &[
            "import",
            "members",
            "--encoding",
            "Shift_JIS",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(
        !text(&out.stderr).contains("guess"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn control_characters_reach_the_terminal_only_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("members.csv");
    // A name with an ESC sequence (clear screen) and a bidi override.
    std::fs::write(
        &file,
        "name,email\nEve\u{1b}[2J\u{202e}gnirts,eve@example.org\n",
    )
    .unwrap();
    guildhall(&data, &["import", "members", file.to_str().unwrap()]);
    let out = guildhall(&data, &["search", "eve"]);
    let shown = text(&out.stdout);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown:?}"
    );
}
