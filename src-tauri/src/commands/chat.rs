use hearth_core::chat::{self, Branch, ChatRequest};
use hearth_core::documents::{self, Answer, Question};
use hearth_core::reply::ReplyEvent;
use hearth_core::store::Message;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandResult;
use crate::redraw::to_channel;
use crate::state::AppState;

/// Answers `text` in a conversation (a new one when `conversation_id` is absent), streaming
/// events to `on_event`; returns the stored reply. `branch` makes it a new version of an
/// earlier question, or another reply to one; `persona` is the persona the conversation talks
/// with from now on.
#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    conversation_id: Option<i64>,
    text: String,
    branch: Branch,
    persona: Option<i64>,
    on_event: Channel<ReplyEvent>,
) -> CommandResult<Message> {
    let (store, engine, cancel) = state.for_generation().await?;
    let request = ChatRequest {
        conversation_id,
        text: &text,
        sampling: None,
        persona,
        reads: None,
        branch,
    };
    let mut events = to_channel(&on_event);
    chat::send(&store, &engine, request, &cancel, |event| {
        events.push(event)
    })
    .await
    .map_err(Into::into)
}

/// Like `send_message`, in a conversation about documents (its own, and from now on
/// `documents` too): answered from their passages, which come back as the answer's sources.
#[tauri::command]
pub async fn ask_documents(
    state: State<'_, AppState>,
    conversation_id: Option<i64>,
    text: String,
    documents: Vec<i64>,
    branch: Branch,
    persona: Option<i64>,
    on_event: Channel<ReplyEvent>,
) -> CommandResult<Answer> {
    let (store, engine, cancel) = state.for_generation().await?;
    let question = Question {
        conversation_id,
        documents: &documents,
        text: &text,
        branch,
        persona,
    };
    let mut events = to_channel(&on_event);
    documents::ask(&store, &engine, question, &cancel, |event| {
        events.push(event)
    })
    .await
    .map_err(Into::into)
}

/// Stops the running generation (and any waiting one); what was generated is kept.
#[tauri::command]
pub fn stop_generation(state: State<'_, AppState>) {
    state.stop_all();
}
