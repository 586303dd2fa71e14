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
    assert!(text.starts_with("id,name,email,"), "{text}");
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
