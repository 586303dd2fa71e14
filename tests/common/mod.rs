//! Shared by the app's integration tests: the app's commands on Tauri's mock runtime, over a
//! real SQLite file in a temp folder.
#![allow(clippy::unwrap_used, dead_code)] // test helpers: a panic is a failed test with its line

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

pub struct Harness {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

pub fn start_in(dir: tempfile::TempDir) -> Harness {
    let state = guildhall_lib::AppState::open(dir.path().to_path_buf());
    let app = guildhall_lib::with_commands(mock_builder())
        .manage(state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        _app: app,
        window,
        _dir: dir,
    }
}

pub fn start() -> Harness {
    start_in(tempfile::tempdir().unwrap())
}

impl Harness {
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    /// What the app does on exit: stops the services.
    pub fn stop_services(&self) {
        self._app
            .state::<guildhall_lib::AppState>()
            .stop_services(std::time::Duration::from_secs(10));
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

pub fn member(name: &str, email: &str) -> Value {
    json!({ "input": {
        "name": name, "email": email, "phone": null, "practiceLevel": "practitioner",
        "roles": ["member", "volunteer"], "tags": ["Rust"], "emailConsent": true,
        "consentOn": null, "joinedOn": "2025-01-15", "notes": ""
    }})
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop_services();
    }
}
