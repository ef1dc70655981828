use hearth_core::jobs::{self, Job, JobRequest};
use hearth_core::reply::ReplyEvent;
use hearth_core::store::Message;
use hearth_core::text::language;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandResult;
use crate::redraw::to_channel;
use crate::state::AppState;

/// Runs a job (summarize, translate, ...) on `text` into a new conversation, streaming events
/// to `on_event`; returns the stored result.
#[tauri::command]
pub async fn run_job(
    state: State<'_, AppState>,
    job: Job,
    text: String,
    on_event: Channel<ReplyEvent>,
) -> CommandResult<Message> {
    let (store, engine, cancel) = state.for_generation().await?;
    let request = JobRequest {
        job,
        text: &text,
        chunk_tokens: None,
        document: None,
    };
    let mut events = to_channel(&on_event);
    jobs::run(&store, &engine, request, &cancel, |event| {
        events.push(event)
    })
    .await
    .map_err(Into::into)
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
