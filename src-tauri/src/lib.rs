//! Hearth's desktop shell: a window, the app state, and thin commands over `hearth_core`.

#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod granted;
mod history_watch;
mod hotkey;
mod model_watch;
mod platform;
mod popup;
mod redraw;
mod selection;
mod state;
mod tray;
mod windows;

use hearth_core::paths::DataDir;
use tauri::{AppHandle, Manager, WindowEvent};

use popup::Source;

/// Asks the running Hearth (or this one) to summarize the selection in the popup: for desktops
/// where global shortcuts cannot be grabbed, bind this command to a key instead.
const SUMMARIZE_SELECTION: &str = "--summarize-selection";
const SUMMARIZE_CLIPBOARD: &str = "--summarize-clipboard";

pub fn run() {
    // The data folder (and the engine's environment) must be settled before any thread starts.
    let data = match DataDir::resolve(data_dir_arg()) {
        Ok(data) => data,
        Err(error) => {
            eprintln!("hearth: {error}");
            std::process::exit(1);
        }
    };
    data.prepare_engine_environment();

    let result = tauri::Builder::default()
        // First, so that a second start hands over its arguments before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id(&data))
                .callback(|app, args, _cwd| on_second_start(app, &args))
                .build(),
        )
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .plugin(windows::stay_on_hearth())
        .setup(move |app| {
            app.manage(state::AppState::start(data));
            app.manage(popup::Popup::default());
            app.manage(granted::Granted::default());
            let handle = app.handle();
            model_watch::start(handle);
            history_watch::start(handle);
            popup::register_shortcut_from_settings(handle);
            // Without a tray (no status area on this desktop), Hearth still works.
            if let Err(error) = tray::create(handle) {
                eprintln!("hearth: no tray icon: {error}");
            }
            Ok(())
        })
        .on_window_event(on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::model::model_state,
            commands::model::list_models,
            commands::model::use_model,
            commands::model::import_models,
            commands::model::pick_models,
            commands::model::remove_model,
            commands::model::download_model,
            commands::model::recommended_models,
            commands::model::stop_download,
            commands::history::list_conversations,
            commands::history::open_conversation,
            commands::history::show_branch,
            commands::history::rename_conversation,
            commands::history::delete_conversation,
            commands::history::search_history,
            commands::history::export_history,
            commands::history::import_history,
            commands::chat::send_message,
            commands::chat::ask_documents,
            commands::chat::stop_generation,
            commands::jobs::run_job,
            commands::jobs::languages,
            commands::jobs::detect_language,
            commands::documents::add_documents,
            commands::documents::pick_documents,
            commands::documents::list_documents,
            commands::documents::document_text,
            commands::documents::delete_document,
            commands::documents::run_document_job,
            commands::documents::save_text,
            commands::personas::list_personas,
            commands::personas::save_persona,
            commands::personas::delete_persona,
            commands::personas::set_conversation_persona,
            commands::personas::set_conversation_instructions,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::privacy::history_state,
            commands::privacy::unlock_history,
            commands::privacy::start_new_history,
            commands::privacy::change_history_key,
            commands::popup::popup_run,
            commands::popup::popup_close,
            commands::popup::popup_open_in_hearth,
            commands::usage::usage_report,
            commands::usage::usage_prices,
            commands::usage::save_usage_prices,
            commands::usage::export_usage,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("hearth: the window could not be started: {error}");
        std::process::exit(1);
    }
}

/// `--data-dir DIR` on the command line (the environment variable HEARTH_DATA_DIR also works).
fn data_dir_arg() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(Into::into);
        }
    }
    None
}

/// One running Hearth per data folder: a second start with the same folder hands its
/// arguments to the first (D-Bus name on Linux), while tests with their own folders run side by
/// side.
fn instance_id(data: &DataDir) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data.root().hash(&mut hasher);
    format!("app.hearth.desktop.h{:016x}", hasher.finish())
}

fn on_second_start(app: &AppHandle, args: &[String]) {
    if args.iter().any(|a| a == SUMMARIZE_SELECTION) {
        popup::trigger(app, Source::Selection);
    } else if args.iter().any(|a| a == SUMMARIZE_CLIPBOARD) {
        popup::trigger(app, Source::Clipboard);
    } else {
        windows::show_main(app);
    }
}

fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    let app = window.app_handle();
    match (window.label(), event) {
        (windows::MAIN, WindowEvent::CloseRequested { api, .. }) => {
            let keep_running = app.state::<state::AppState>().settings().close_to_tray;
            if keep_running {
                api.prevent_close();
                let _ = window.hide();
            } else {
                app.exit(0);
            }
        }
        (windows::MAIN, WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. })) => {
            app.state::<granted::Granted>().grant(paths);
        }
        (windows::POPUP, WindowEvent::CloseRequested { api, .. }) => {
            api.prevent_close();
            popup::close(app);
        }
        // A click anywhere else closes the popup, as Esc does.
        (windows::POPUP, WindowEvent::Focused(false)) => popup::close(app),
        _ => {}
    }
}
