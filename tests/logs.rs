//! The log names no member: after adding, finding, refusing and exporting members through the
//! app's commands, the log file holds what happened (services, errors by kind) and none of the
//! names, emails or typed values involved. Its own test binary, as the log is process-wide.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{member, start_in};
use serde_json::json;

#[test]
fn the_log_holds_what_happened_and_nothing_a_member_typed() {
    let logs = tempfile::tempdir().unwrap();
    let log = guildhall_lib::logging::init(logs.path()).unwrap();
    assert_eq!(log, logs.path().join("logs").join("guildhall.log"));
    let zelda_id;
    {
        let h = start_in(tempfile::tempdir().unwrap());
        let zelda = h.ok(
            "create_member",
            member("Zelda Quux", "zelda.quux@example.org"),
        );
        h.ok(
            "list_members",
            json!({ "query": { "text": "quux", "includeArchived": false } }),
        );
        let err = h
            .invoke(
                "create_member",
                member("Zelda Again", "ZELDA.QUUX@example.org"),
            )
            .unwrap_err();
        assert_eq!(err["kind"], "duplicateEmail");
        let err = h
            .invoke("create_member", member("Xavier", "not-an-email-xyzzy"))
            .unwrap_err();
        assert_eq!(err["kind"], "validation");
        let err = h
            .invoke("get_member", json!({ "id": "mem_NOSUCHPLUGH" }))
            .unwrap_err();
        assert_eq!(err["kind"], "notFound");
        h.ok("archive_member", json!({ "id": zelda["id"] }));
        zelda_id = zelda["id"].clone();
        h.ok("load_demo", json!({}));
        // The harness drops here: the services stop and say so.
    }
    let text = std::fs::read_to_string(&log).unwrap();
    for service in ["imports", "changes"] {
        assert!(
            text.contains(&format!("stopped service=\"{service}\"")),
            "{text}"
        );
    }
    // Refusals by kind, naming the member who has the address by id only.
    let zelda_id = zelda_id.as_str().unwrap();
    assert!(
        text.contains(&format!(
            "refused kind=\"duplicateEmail\" existing_id=\"{zelda_id}\""
        )),
        "{text}"
    );
    assert!(
        text.contains("refused kind=\"validation\" field=\"email\""),
        "{text}"
    );
    assert!(
        text.contains("refused kind=\"notFound\" what=\"member\""),
        "{text}"
    );
    for typed in [
        "Zelda",
        "Quux",
        "quux",
        "Xavier",
        "xyzzy",
        "PLUGH",
        "example.org",
    ] {
        assert!(!text.contains(typed), "the log names {typed:?}:\n{text}");
    }
}
