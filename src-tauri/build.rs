// tauri.conf.json sits at the repository root, so tauri-build would look for ./capabilities;
// point it at src-tauri/capabilities, or the capability silently never loads.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=ui/dist");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}

/// Every command `lib.rs` registers. Each gets an `allow-` permission, and a window may call
/// only the commands its capability in src-tauri/capabilities grants: a command missing here
/// can be called by no window.
const COMMANDS: &[&str] = &[
    "model_state",
    "list_models",
    "use_model",
    "import_models",
    "pick_models",
    "remove_model",
    "download_model",
    "recommended_models",
    "stop_download",
    "list_conversations",
    "open_conversation",
    "show_branch",
    "rename_conversation",
    "delete_conversation",
    "search_history",
    "export_history",
    "import_history",
    "send_message",
    "ask_documents",
    "stop_generation",
    "run_job",
    "languages",
    "detect_language",
    "add_documents",
    "pick_documents",
    "list_documents",
    "document_text",
    "delete_document",
    "run_document_job",
    "save_text",
    "list_personas",
    "save_persona",
    "delete_persona",
    "set_conversation_persona",
    "set_conversation_instructions",
    "get_settings",
    "save_settings",
    "history_state",
    "unlock_history",
    "start_new_history",
    "change_history_key",
    "popup_run",
    "popup_close",
    "popup_open_in_hearth",
    "usage_report",
    "usage_prices",
    "save_usage_prices",
    "export_usage",
];
