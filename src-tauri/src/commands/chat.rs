use hearth_core::chat::{self, ChatEvent, ChatRequest};
use hearth_core::engine::Sampling;
use hearth_core::store::Message;
use tauri::ipc::Channel;
use tauri::State;

use super::{sentence, CommandResult};
use crate::state::AppState;

/// Answers `text` in a conversation (a new one when `conversation_id` is absent), streaming
/// events to `on_event`; returns the stored reply.
#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    conversation_id: Option<i64>,
    text: String,
    on_event: Channel<ChatEvent>,
) -> CommandResult<Message> {
    let (store, engine, cancel) = state.for_generation().await?;
    let request = ChatRequest {
        conversation_id,
        text: &text,
        sampling: Sampling::default(),
        passages: None,
    };
    chat::send(store, &engine, request, &cancel, |event| {
        // A closed window cannot receive events; the reply is still stored.
        let _ = on_event.send(event);
    })
    .await
    .map_err(sentence)
}

/// Stops the running generation (and any waiting one); what was generated is kept.
#[tauri::command]
pub fn stop_generation(state: State<'_, AppState>) {
    state.stop_all();
}
