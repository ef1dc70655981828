use hearth_core::store::{Conversation, Message};
use serde::Serialize;
use tauri::State;

use super::{sentence, CommandResult};
use crate::state::AppState;

#[derive(Serialize)]
pub struct ConversationWithMessages {
    conversation: Conversation,
    messages: Vec<Message>,
}

#[tauri::command]
pub async fn list_conversations(state: State<'_, AppState>) -> CommandResult<Vec<Conversation>> {
    state.store()?.list_conversations().await.map_err(sentence)
}

#[tauri::command]
pub async fn open_conversation(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<ConversationWithMessages> {
    let store = state.store()?;
    Ok(ConversationWithMessages {
        conversation: store.conversation(id).await.map_err(sentence)?,
        messages: store.messages(id).await.map_err(sentence)?,
    })
}

#[tauri::command]
pub async fn rename_conversation(
    state: State<'_, AppState>,
    id: i64,
    title: String,
) -> CommandResult<()> {
    state
        .store()?
        .rename_conversation(id, &title)
        .await
        .map_err(sentence)
}

#[tauri::command]
pub async fn delete_conversation(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state
        .store()?
        .delete_conversation(id)
        .await
        .map_err(sentence)
}
