//! Hearth's desktop shell: a window, the app state, and thin commands over `hearth_core`.

mod commands;
mod state;

use hearth_core::paths::DataDir;

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
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(move |app| {
            use tauri::Manager;
            app.manage(state::AppState::start(data));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::model::model_state,
            commands::history::list_conversations,
            commands::history::open_conversation,
            commands::history::rename_conversation,
            commands::history::delete_conversation,
            commands::chat::send_message,
            commands::chat::stop_generation,
            commands::jobs::run_job,
            commands::jobs::languages,
            commands::jobs::detect_language,
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
