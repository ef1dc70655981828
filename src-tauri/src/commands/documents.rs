use std::path::PathBuf;

use hearth_core::documents::{self, Limits, Outcome, Reading};
use hearth_core::jobs::Job;
use hearth_core::reply::ReplyEvent;
use hearth_core::store::{DocumentInfo, Message};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::save_as;
use crate::error::CommandResult;
use crate::granted::Granted;
use crate::redraw::to_channel;
use crate::state::AppState;

/// Reads and keeps the files at `paths` (dropped on the window), reporting progress.
#[tauri::command]
pub async fn add_documents(
    state: State<'_, AppState>,
    granted: State<'_, Granted>,
    paths: Vec<PathBuf>,
    on_reading: Channel<Reading>,
) -> CommandResult<Vec<Outcome>> {
    granted.check(&paths)?;
    add(state, paths, on_reading).await
}

async fn add(
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    on_reading: Channel<Reading>,
) -> CommandResult<Vec<Outcome>> {
    let report = move |reading| {
        // A closed window cannot show progress; the files are still added.
        let _ = on_reading.send(reading);
    };
    documents::add_many(&state.store()?, &paths, &Limits::default(), report)
        .await
        .map_err(Into::into)
}

/// Asks for files with the system's open dialog, then adds them; nothing when cancelled.
#[tauri::command]
pub async fn pick_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    on_reading: Channel<Reading>,
) -> CommandResult<Vec<Outcome>> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Add documents")
        .add_filter("Documents", &documents::extensions());
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_files()).await?;
    let paths: Vec<PathBuf> = picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|file| file.into_path().ok())
        .collect();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    add(state, paths, on_reading).await
}

#[tauri::command]
pub async fn list_documents(state: State<'_, AppState>) -> CommandResult<Vec<DocumentInfo>> {
    state.store()?.list_documents().await.map_err(Into::into)
}

#[tauri::command]
pub async fn document_text(state: State<'_, AppState>, id: i64) -> CommandResult<String> {
    state.store()?.document_text(id).await.map_err(Into::into)
}

/// Deletes a document with its chunks and index entries; conversations about it stay.
#[tauri::command]
pub async fn delete_document(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state.store()?.delete_document(id).await.map_err(Into::into)
}

/// Summarizes or translates a document into a new conversation that it is attached to.
#[tauri::command]
pub async fn run_document_job(
    state: State<'_, AppState>,
    id: i64,
    job: Job,
    on_event: Channel<ReplyEvent>,
) -> CommandResult<Message> {
    let (store, engine, cancel) = state.for_generation().await?;
    let mut events = to_channel(&on_event);
    documents::run_job(&store, &engine, id, job, &cancel, |event| {
        events.push(event)
    })
    .await
    .map_err(Into::into)
}

/// Saves `text` (a translation, a summary) where the person picks with the save dialog;
/// false when they cancelled.
#[tauri::command]
pub async fn save_text(app: AppHandle, file_name: String, text: String) -> CommandResult<bool> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Save as a text file")
        .set_file_name(&file_name)
        .add_filter("Text", &["txt", "md"]);
    save_as(dialog, text).await
}
