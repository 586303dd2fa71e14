//! The workshop and calendar commands through IPC on Tauri's mock runtime: the JSON shapes the
//! UI relies on, errors tagged with their field, and calendar files through the dialog overrides.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use serde_json::{json, Value};

fn workshop(title: &str) -> Value {
    json!({
        "title": title,
        "description": "",
        "status": "scheduled",
        "timeZone": "Asia/Kolkata",
        "venue": "Hall A",
        "onlineUrl": null,
        "capacity": null,
        "facilitatorIds": [],
        "tags": [],
        "sessions": [{ "id": null, "title": "", "start": "2027-01-05T18:30", "end": "2027-01-05T20:00" }],
        "series": { "frequency": "weekly", "interval": 1, "until": null, "count": 3, "rule": null }
    })
}

#[test]
fn create_read_the_schedule_and_cancel_through_ipc() {
    let app = common::start();
    let created = app.ok("create_workshop", json!({ "input": workshop("Kata") }));
    assert_eq!(created["sessions"][0]["start"], "2027-01-05T13:00:00Z");
    assert_eq!(created["sessions"][0]["startLocal"], "2027-01-05T18:30");
    assert_eq!(
        created["series"]["summary"],
        "Every week on Tuesday, 3 times"
    );
    let id = created["id"].as_str().unwrap();

    let week = app.ok(
        "schedule",
        json!({ "from": "2027-01-01T00:00:00Z", "to": "2027-02-01T00:00:00Z" }),
    );
    let starts: Vec<&str> = week
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2027-01-05T13:00:00Z",
            "2027-01-12T13:00:00Z",
            "2027-01-19T13:00:00Z"
        ]
    );

    let cancelled = app.ok(
        "set_workshop_status",
        json!({ "id": id, "status": "cancelled" }),
    );
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["icalSequence"], 1);
}

#[test]
fn bad_input_is_a_validation_error_with_its_field() {
    let app = common::start();
    let mut bad = workshop("Kata");
    bad["timeZone"] = json!("Nowhere/Special");
    let err = app
        .invoke("create_workshop", json!({ "input": bad }))
        .unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["field"], "timeZone");
    let err = app
        .invoke(
            "schedule",
            json!({ "from": "yesterday", "to": "2027-01-01T00:00:00Z" }),
        )
        .unwrap_err();
    assert_eq!(err["field"], "from");
    let err = app
        .invoke("get_workshop", json!({ "id": "wks_NONE" }))
        .unwrap_err();
    assert_eq!(err["kind"], "notFound");
}

#[test]
fn calendar_files_go_out_and_come_back_in_through_the_dialogs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.ics");
    std::env::set_var("GUILDHALL_DIALOG_SAVE_PATH", &file);
    std::env::set_var("GUILDHALL_DIALOG_OPEN_PATH", &file);
    let app = common::start();
    app.ok("create_workshop", json!({ "input": workshop("Kata") }));
    let written = app.ok("export_calendar", json!({ "scope": { "kind": "all" } }));
    assert_eq!(written["workshops"], 1);
    assert_eq!(written["events"], 1);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("SUMMARY:Kata\r\n"));
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\n"));

    // Into a second app with its own data: a preview, then the import, then again (no copies).
    let other = common::start();
    let path = other.ok("choose_calendar_file", json!({}));
    assert_eq!(path.as_str().unwrap(), file.display().to_string());
    let preview = other.ok(
        "preview_calendar_import",
        json!({ "path": path, "options": {} }),
    );
    assert_eq!(
        (preview["events"].clone(), preview["created"].clone()),
        (json!(1), json!(1))
    );
    let report = other.ok("import_calendar", json!({ "path": path, "options": {} }));
    assert_eq!(report["created"], 1);
    let again = other.ok("import_calendar", json!({ "path": path, "options": {} }));
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (json!(0), json!(1))
    );

    std::fs::write(&file, "BEGIN:VCALENDAR\r\nnonsense\r\n").unwrap();
    let err = other
        .invoke("import_calendar", json!({ "path": path, "options": {} }))
        .unwrap_err();
    assert_eq!(err["kind"], "invalidFile");
    std::env::remove_var("GUILDHALL_DIALOG_SAVE_PATH");
    std::env::remove_var("GUILDHALL_DIALOG_OPEN_PATH");
}
