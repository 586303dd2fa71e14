//! The Guildhall desktop app: wires the core into a Tauri window. No domain logic lives here.

pub mod commands;
pub mod error;
pub mod files;
pub mod inbox;
pub mod logging;
pub mod services;
pub mod state;

use std::time::Duration;

use tauri::{Manager, Runtime};

pub use state::AppState;

/// Every command the webview may call, for both the real app and the mock-runtime tests. The
/// same list generates `ui/src/lib/bindings.ts`.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        app::app_info,
        app::open_link,
        app::quit_app,
        live::watch_changes,
        live::set_unsaved,
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
        mail::mail_setup,
        mail::save_mail_setup,
        mail::send_test_mail,
        mail::outbox_view,
        mail::pause_outbox,
        mail::resume_outbox,
        mail::cancel_outbox,
        mail::send_again,
        invitations::invitation_overview,
        invitations::preview_audience,
        invitations::preview_invitation,
        invitations::save_invitation_mail,
        invitations::send_invitations,
        invitations::send_workshop_update,
        invitations::cancel_and_notify,
        invitations::uninvite,
        guests::guest_list,
        guests::set_guest_answer,
        guests::promote_guest,
        guests::add_guest,
        guests::import_dropped_replies,
        guests::held_replies,
        guests::confirm_reply,
        guests::export_guests,
        commands::inbox::inbox_setup,
        commands::inbox::save_inbox_setup,
        commands::inbox::check_inbox_now,
    ])
}

/// How the TypeScript bindings are written (see `tests/bindings.rs`).
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .header("// Generated from the Rust commands by tauri-specta. Do not edit: run `make bindings`.\n// @ts-nocheck")
}

/// Registers the commands on a Tauri builder of any runtime (the mock runtime in tests). Each
/// call is logged by name at debug level (`GUILDHALL_LOG=debug`): what a screen asks, and that
/// an idle one asks nothing.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let handler = specta_builder::<R>().invoke_handler();
    builder.invoke_handler(move |invoke| {
        tracing::debug!(command = invoke.message.command(), "called");
        handler(invoke)
    })
}

/// Whether the webview may show `url`: only the app's own pages, i.e. the embedded UI
/// (`tauri://localhost`, or `http(s)://tauri.localhost` on Windows and Android), and
/// the origin of `dev_server` when there is one (see [`allowed_dev_server`]). Any other origin
/// is refused, other local ports included (the door server of a later release listens on one).
/// A link in a description opens in the browser through `open_link` instead.
pub fn is_app_page(url: &tauri::Url, dev_server: Option<&tauri::Url>) -> bool {
    let embedded = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        // Where the platform serves the embedded UI over http(s) (Windows' and Android's
        // webviews); elsewhere `tauri.localhost` is just a loopback name another program
        // could answer on.
        "http" | "https" if cfg!(any(windows, target_os = "android")) => {
            url.host_str() == Some("tauri.localhost")
        }
        // A frame whose document the app wrote itself (`srcdoc`: the mail preview, in a
        // sandbox with the app's CSP): it loads nothing from anywhere.
        "about" => url.path() == "srcdoc",
        _ => false,
    };
    let dev = dev_server.is_some_and(|dev| {
        url.scheme() == dev.scheme()
            && url.host_str() == dev.host_str()
            && url.port_or_known_default() == dev.port_or_known_default()
    });
    embedded || dev
}

/// The Vite dev server (the config's `devUrl`) the window may show: in a debug build only; a
/// release build shows nothing but its embedded pages.
pub fn allowed_dev_server(debug_build: bool, dev_url: Option<tauri::Url>) -> Option<tauri::Url> {
    dev_url.filter(|_| debug_build)
}

fn navigation_guard<R: Runtime>(dev_server: Option<tauri::Url>) -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(move |_, url| {
            let allowed = is_app_page(url, dev_server.as_ref());
            if !allowed {
                tracing::warn!(
                    scheme = url.scheme(),
                    "refused to show a page that is not the app's"
                );
            }
            allowed
        })
        .build()
}

/// SIGTERM (logging out, shutting down, `kill`) and SIGINT (Ctrl+C in a terminal) end the app
/// the way closing its window does, so the services stop cleanly instead of dying mid-write.
fn exit_on_signals<R: Runtime>(handle: tauri::AppHandle<R>) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut interrupt)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot listen for stop signals");
            return;
        };
        let mut asked = false;
        loop {
            tokio::select! {
                _ = term.recv() => tracing::info!("asked to stop (SIGTERM)"),
                _ = interrupt.recv() => tracing::info!("asked to stop (SIGINT)"),
            }
            if asked {
                // The stop is under way and bounded (STOP_WITHIN); ending now could leave a
                // service mid-write.
                tracing::warn!("asked to stop again; already stopping");
                continue;
            }
            asked = true;
            handle.exit(0);
        }
    });
    #[cfg(not(unix))]
    let _ = handle;
}

/// Closing the window (its title bar, Alt+F4) while an editor holds unsaved changes: the close
/// waits, and the window asks the organizer (who can quit from there).
fn ask_before_closing<R: Runtime>(window: &tauri::Window<R>, api: &tauri::CloseRequestApi) {
    let Some(state) = window.try_state::<AppState>() else {
        return;
    };
    if !state.ask_before_closing() {
        return;
    }
    let asked = state
        .services()
        .is_ok_and(|services| services.live().ask_to_close(window.label()));
    if asked {
        tracing::info!("closing waits for the organizer (unsaved changes)");
        api.prevent_close();
    }
}

/// How long the services may take to stop when the app closes (an import rolls back first).
const STOP_WITHIN: Duration = Duration::from_secs(10);

pub fn run() {
    let context = tauri::generate_context!();
    let dev_server = allowed_dev_server(
        cfg!(debug_assertions),
        context.config().build.dev_url.clone(),
    );
    let app = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation_guard(dev_server))
        .setup(|app| {
            let dir = guildhall_core::db::data_dir(|| app.path().app_data_dir().ok())
                .ok_or("no folder for the app's data could be found; set GUILDHALL_DATA_DIR")?;
            let log_file = logging::init(&dir);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "Guildhall starts");
            let files = files::NativeDialogs(app.handle().clone());
            let handle = app.handle().clone();
            app.manage(
                AppState::open(dir)
                    .with_file_picker(files)
                    .with_log_file(log_file)
                    .with_exit(move || handle.exit(0)),
            );
            exit_on_signals(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                ask_before_closing(window, api);
            }
        })
        .build(context)
        .expect("error while building Guildhall");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<AppState>() {
                state.stop_services(STOP_WITHIN);
            }
            tracing::info!("Guildhall exits");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> tauri::Url {
        s.parse().unwrap()
    }

    #[test]
    fn only_the_app_s_own_pages_are_shown() {
        for page in [
            "tauri://localhost/",
            "tauri://localhost/index.html#schedule",
            "about:srcdoc",
        ] {
            assert!(is_app_page(&url(page), None), "{page}");
        }
        // The embedded UI's origin on Windows and Android; on Linux and macOS a loopback name.
        for page in [
            "http://tauri.localhost/",
            "https://tauri.localhost/index.html",
        ] {
            assert_eq!(
                is_app_page(&url(page), None),
                cfg!(any(windows, target_os = "android")),
                "{page}"
            );
        }
        for page in [
            "http://localhost:5173/",
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "https://example.org/",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "data:text/html,hi",
            "about:blank#x",
            "about:config",
        ] {
            assert!(!is_app_page(&url(page), None), "{page}");
        }
    }

    #[test]
    fn the_dev_server_is_allowed_in_debug_builds_only_and_only_its_own_origin() {
        let page = url("http://localhost:5173/index.html");
        let release = allowed_dev_server(false, Some(url("http://localhost:5173")));
        assert_eq!(release, None);
        assert!(!is_app_page(&page, release.as_ref()));
        let debug = allowed_dev_server(true, Some(url("http://localhost:5173")));
        assert!(is_app_page(&page, debug.as_ref()));
        let dev = debug.unwrap();
        for other in [
            "http://localhost:5174/",
            "http://127.0.0.1:5173/",
            "https://localhost:5173/",
            "http://localhost/",
        ] {
            assert!(!is_app_page(&url(other), Some(&dev)), "{other}");
        }
    }
}
