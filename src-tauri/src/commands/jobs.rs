use hearth_core::chat::ChatEvent;
use hearth_core::jobs::{self, language, Job, JobRequest};
use hearth_core::store::Message;
use tauri::ipc::Channel;
use tauri::State;

use super::{sentence, CommandResult};
use crate::state::AppState;

/// Runs a job (summarize, translate, ...) on `text` into a new conversation, streaming events
/// to `on_event`; returns the stored result.
#[tauri::command]
pub async fn run_job(
    state: State<'_, AppState>,
    job: Job,
    text: String,
    on_event: Channel<ChatEvent>,
) -> CommandResult<Message> {
    let (store, engine, cancel) = state.for_generation().await?;
    let request = JobRequest {
        job,
        text: &text,
        chunk_tokens: None,
        document: None,
    };
    jobs::run(store, &engine, request, &cancel, |event| {
        // A closed window cannot receive events; the result is still stored.
        let _ = on_event.send(event);
    })
    .await
    .map_err(sentence)
}

/// The languages a text can be translated into.
#[tauri::command]
pub fn languages() -> &'static [language::Language] {
    language::LANGUAGES
}

/// The language `text` is written in, as far as the offline detector can tell.
#[tauri::command]
pub fn detect_language(text: String) -> language::Detection {
    language::detect(&text)
}
