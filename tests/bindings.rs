//! `ui/src/lib/bindings.ts` is generated from the Rust commands and committed. This test fails
//! when it is stale; `make bindings` (UPDATE_BINDINGS=1) rewrites it.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::path::Path;

#[test]
fn typescript_bindings_match_the_rust_commands() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("bindings.ts");
    guildhall_lib::specta_builder::<tauri::test::MockRuntime>()
        .export(guildhall_lib::typescript(), &fresh_path)
        .unwrap();
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is out of date with the Rust commands: run `make bindings` and commit it"
    );
}
