//! The Guildhall desktop app: wires the core into a Tauri window. No domain logic lives here.

pub mod commands;
pub mod error;
pub mod files;
pub mod state;

use tauri::{Manager, Runtime};

pub use state::AppState;

/// Every command the webview may call, for both the real app and the mock-runtime tests. The
/// same list generates `ui/src/lib/bindings.ts`.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        app::app_info,
        app::open_link,
        members::list_members,
        members::member_counts,
        members::get_member,
        members::create_member,
        members::update_member,
        members::archive_member,
        members::restore_member,
        members::delete_member,
        demo::demo_status,
        demo::load_demo,
        demo::remove_demo,
        exports::export_members,
        exports::export_mailing_list,
        imports::choose_import_file,
        imports::preview_import,
        imports::import_members,
        imports::cancel_import,
        merge::merge_preview,
        merge::merge_members,
        workshops::schedule,
        workshops::get_workshop,
        workshops::create_workshop,
        workshops::update_workshop,
        workshops::duplicate_workshop,
        workshops::set_workshop_status,
        workshops::delete_workshop,
        workshops::skip_occurrence,
        workshops::move_occurrence,
        workshops::add_occurrence,
        workshops::restore_occurrence,
        workshops::time_zones,
        calendar::export_calendar,
        calendar::choose_calendar_file,
        calendar::preview_calendar_import,
        calendar::import_calendar,
    ])
}

/// How the TypeScript bindings are written (see `tests/bindings.rs`).
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .header("// Generated from the Rust commands by tauri-specta. Do not edit: run `make bindings`.\n// @ts-nocheck")
}

/// Registers the commands on a Tauri builder of any runtime (the mock runtime in tests).
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(specta_builder::<R>().invoke_handler())
}

/// Whether the webview may show `url`: only the app's own pages (the embedded UI, or Vite's
/// dev server). A link in a description opens in the browser through `open_link` instead.
pub fn is_app_page(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => {
            matches!(
                url.host_str(),
                Some("tauri.localhost" | "localhost" | "127.0.0.1")
            )
        }
        _ => false,
    }
}

fn navigation_guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| is_app_page(url))
        .build()
}

pub fn run() {
    with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation_guard())
        .setup(|app| {
            let dir = guildhall_core::db::data_dir(|| app.path().app_data_dir().ok())
                .ok_or("no folder for the app's data could be found; set GUILDHALL_DATA_DIR")?;
            let files = files::NativeDialogs(app.handle().clone());
            app.manage(AppState::open(dir).with_file_picker(files));
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Guildhall");
}
