//! Exports and merges through the app's commands. The save dialog is answered through
//! GUILDHALL_DIALOG_SAVE_PATH (process-wide, so these steps live in one test).
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{member, start};
use serde_json::json;

#[test]
fn exports_write_where_the_dialog_says_and_merges_combine_two_records() {
    let h = start();
    let out = tempfile::tempdir().unwrap();
    let zoe = h.ok("create_member", member("Zoë Müller", "zoe@example.org"));
    let mut no_consent = member("Grace Hopper", "grace@example.org");
    no_consent["input"]["emailConsent"] = json!(false);
    let grace = h.ok("create_member", no_consent);

    // Cancelled dialog: nothing written, no error.
    std::env::remove_var("GUILDHALL_DIALOG_SAVE_PATH");
    assert!(h.ok("export_members", json!({})).is_null());

    let backup = out.path().join("members.csv");
    std::env::set_var("GUILDHALL_DIALOG_SAVE_PATH", &backup);
    let result = h.ok("export_members", json!({}));
    assert_eq!(result["count"], 2);
    let text = std::fs::read_to_string(&backup).unwrap();
    assert!(text.starts_with("\"id\",\"name\",\"email\","), "{text}");
    assert!(text.contains("Zoë Müller") && text.contains("Grace Hopper"));

    let list = out.path().join("list.txt");
    std::env::set_var("GUILDHALL_DIALOG_SAVE_PATH", &list);
    let result = h.ok(
        "export_mailing_list",
        json!({ "filter": { "tags": [], "role": null, "level": null }, "format": "plain" }),
    );
    assert_eq!(result["count"], 1, "only the member who agreed to email");
    assert_eq!(
        std::fs::read_to_string(&list).unwrap().trim(),
        "zoe@example.org"
    );

    // A folder that cannot be written is the file's problem, not the database's.
    let nowhere = out.path().join("no-such-folder").join("members.csv");
    std::env::set_var("GUILDHALL_DIALOG_SAVE_PATH", &nowhere);
    let err = h.invoke("export_members", json!({})).unwrap_err();
    assert_eq!(err["kind"], "fileNotWritten", "{err}");
    assert_eq!(err["path"], nowhere.to_str().unwrap());
    let err = h
        .invoke("export_calendar", json!({ "scope": { "kind": "all" } }))
        .unwrap_err();
    assert_eq!(err["kind"], "fileNotWritten", "{err}");
    std::env::remove_var("GUILDHALL_DIALOG_SAVE_PATH");

    let preview = h.ok(
        "merge_preview",
        json!({ "keepId": zoe["id"], "otherId": grace["id"] }),
    );
    assert_eq!(preview["keep"]["id"], zoe["id"]);
    let merged = h.ok(
        "merge_members",
        json!({ "keepId": zoe["id"], "otherId": grace["id"], "choices": { "name": "other" } }),
    );
    assert_eq!(merged["id"], zoe["id"]);
    assert_eq!(merged["name"], "Grace Hopper");
    assert_eq!(merged["email"], "zoe@example.org");
    let err = h
        .invoke("get_member", json!({ "id": grace["id"] }))
        .unwrap_err();
    assert_eq!(err["kind"], "notFound");
}

#[test]
fn import_previews_then_imports_with_progress_and_refuses_bad_rows() {
    let h = start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("luma.csv");
    std::fs::write(
        &file,
        "api_id,name,first_name,last_name,email,phone_number,created_at,approval_status,checked_in_at\n\
         gst-1,Zoë Müller,Zoë,Müller,zoe@example.org,,2025-01-01T10:00:00Z,approved,\n\
         gst-2,Ada Lovelace,Ada,Lovelace,not-an-email,,2025-01-01T10:00:00Z,approved,\n",
    )
    .unwrap();
    // A file the webview names without the organizer having picked it is not read.
    let err = h
        .invoke(
            "preview_import",
            json!({ "path": file.to_str().unwrap(), "format": null }),
        )
        .unwrap_err();
    assert_eq!(
        (err["kind"].clone(), err["field"].clone()),
        (json!("validation"), json!("path"))
    );

    // Picked in the (overridden) open dialog, it is.
    std::env::set_var("GUILDHALL_DIALOG_OPEN_PATH", &file);
    let chosen = h.ok("choose_import_file", json!({}));
    let path = chosen.as_str().unwrap();
    assert_eq!(path, file.to_str().unwrap());

    let preview = h.ok("preview_import", json!({ "path": path, "format": null }));
    assert_eq!(preview["format"], "luma");
    assert_eq!(preview["totalRows"], 2);

    let options = json!({ "format": null, "mapping": null, "skipBadRows": false, "dryRun": false });
    let report = h.ok(
        "import_members",
        json!({ "path": path, "options": options, "onProgress": "__CHANNEL__:1" }),
    );
    assert_eq!(report["committed"], false);
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["rejectedRows"][0]["line"], 3);
    let listed = h.ok(
        "list_members",
        json!({ "query": { "text": "", "includeArchived": true } }),
    );
    assert_eq!(listed["total"], 0, "nothing was written");

    let options = json!({ "format": null, "mapping": null, "skipBadRows": true, "dryRun": false });
    let report = h.ok(
        "import_members",
        json!({ "path": path, "options": options, "onProgress": "__CHANNEL__:2" }),
    );
    assert_eq!(report["committed"], true);
    assert_eq!(report["new"], 1);

    // A picked file that has gone away is an invalid file, named.
    std::env::set_var("GUILDHALL_DIALOG_OPEN_PATH", "/nonexistent.csv");
    h.ok("choose_import_file", json!({}));
    std::env::remove_var("GUILDHALL_DIALOG_OPEN_PATH");
    let err = h
        .invoke(
            "preview_import",
            json!({ "path": "/nonexistent.csv", "format": null }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "invalidFile");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("/nonexistent.csv"));
}
