//! The app's commands through Tauri's IPC layer (mock runtime, no webview): arguments are
//! deserialised, the core runs against a real SQLite file, and errors reach the caller as the
//! tagged `CommandError` the UI branches on.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{member, start, start_in};
use serde_json::json;

#[test]
fn create_list_update_through_ipc() {
    let h = start();
    let created = h.ok("create_member", member("Zoë Müller", "zoe@example.org"));
    assert_eq!(created["name"], "Zoë Müller");
    assert_eq!(created["practiceLevel"], "practitioner");
    assert_eq!(created["roles"], json!(["volunteer", "member"]));
    assert_eq!(created["tags"], json!(["rust"]));
    let id = created["id"].as_str().unwrap().to_owned();

    let listed = h.ok(
        "list_members",
        json!({ "query": { "text": "zoe", "includeArchived": false } }),
    );
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["members"][0]["id"], id.as_str());

    let mut edit = member("Zoë Müller-Schmidt", "zoe@example.org");
    edit["id"] = json!(id);
    let updated = h.ok("update_member", edit);
    assert_eq!(updated["name"], "Zoë Müller-Schmidt");
    assert_eq!(updated["checkInCode"], created["checkInCode"]);
}

#[test]
fn a_duplicate_email_is_a_tagged_error_naming_the_holder() {
    let h = start();
    let ada = h.ok("create_member", member("Ada", "ada@example.org"));
    let err = h
        .invoke("create_member", member("Someone", "ADA@example.org"))
        .unwrap_err();
    assert_eq!(err["kind"], "duplicateEmail");
    assert_eq!(err["existingId"], ada["id"]);
    assert_eq!(err["existingName"], "Ada");
    assert!(err["message"].as_str().unwrap().contains("Ada"));
    let listed = h.ok(
        "list_members",
        json!({ "query": { "text": "", "includeArchived": true } }),
    );
    assert_eq!(listed["total"], 1, "nothing was added");
}

#[test]
fn validation_errors_carry_their_field() {
    let h = start();
    let err = h
        .invoke("create_member", member("   ", "x@example.org"))
        .unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["field"], "name");
    let err = h
        .invoke("create_member", member("Ada", "not an email"))
        .unwrap_err();
    assert_eq!(err["field"], "email");
}

#[test]
fn archive_restore_delete_and_not_found() {
    let h = start();
    let ada = h.ok("create_member", member("Ada", "ada@example.org"));
    let id = json!({ "id": ada["id"] });
    assert!(h.ok("archive_member", id.clone())["archivedAt"].is_string());
    assert!(h.ok("restore_member", id.clone())["archivedAt"].is_null());
    assert!(h.ok("delete_member", id.clone()).is_null());
    let err = h.invoke("get_member", id).unwrap_err();
    assert_eq!(err["kind"], "notFound");
}

#[test]
fn demo_community_loads_and_goes() {
    let h = start();
    let status = h.ok("load_demo", json!({}));
    assert_eq!(status["demoMembers"], 200);
    let listed = h.ok(
        "list_members",
        json!({ "query": { "text": "", "includeArchived": false, "limit": 10 } }),
    );
    assert_eq!(listed["total"], 200);
    assert_eq!(listed["members"].as_array().unwrap().len(), 10);
    let status = h.ok("remove_demo", json!({}));
    assert_eq!(status["demoMembers"], 0);
}

#[test]
fn malformed_arguments_are_refused() {
    let h = start();
    let err = h
        .invoke("create_member", json!({ "input": { "name": 42 } }))
        .unwrap_err();
    assert!(
        err.as_str().unwrap_or_default().contains("invalid"),
        "{err}"
    );
}

#[test]
fn a_database_from_a_newer_guildhall_is_reported_and_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guildhall.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 77;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let h = start_in(dir);
    let info = h.ok("app_info", json!({}));
    assert_eq!(info["startupError"]["kind"], "databaseUnavailable");
    assert!(info["startupError"]["message"]
        .as_str()
        .unwrap()
        .contains("newer version of Guildhall"));
    let err = h
        .invoke(
            "list_members",
            json!({ "query": { "text": "", "includeArchived": false } }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "databaseUnavailable");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn only_web_and_mail_links_open() {
    let app = start();
    let err = app
        .invoke("open_link", json!({ "url": "javascript:alert(1)" }))
        .unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["field"], "url");
    // Which pages the window may show is tested beside `is_app_page` (src-tauri/src/lib.rs).
}
