use hearth_core::archive::{self, Format};
use hearth_core::store::{Conversation, DocumentInfo, Message, Passage, SearchHit};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::save_as;
use crate::error::CommandResult;
use crate::state::AppState;

/// A conversation as the window shows it: its messages, the documents it is about, and the
/// passages each answer used.
#[derive(Serialize, ts_rs::TS)]
pub struct ConversationWithMessages {
    conversation: Conversation,
    messages: Vec<Message>,
    documents: Vec<DocumentInfo>,
    sources: Vec<Source>,
}

#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    message_id: i64,
    passage: Passage,
}

#[tauri::command]
pub async fn list_conversations(state: State<'_, AppState>) -> CommandResult<Vec<Conversation>> {
    state
        .store()?
        .list_conversations()
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn open_conversation(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<ConversationWithMessages> {
    let store = state.store()?;
    Ok(ConversationWithMessages {
        conversation: store.conversation(id).await?,
        messages: store.messages(id).await?,
        documents: store.conversation_documents(id).await?,
        sources: (store.conversation_sources(id).await?)
            .into_iter()
            .map(|(message_id, passage)| Source {
                message_id,
                passage,
            })
            .collect(),
    })
}

/// Shows the branch through message `message_id` (one of the versions of a message), down its
/// newest replies, and returns it.
#[tauri::command]
pub async fn show_branch(
    state: State<'_, AppState>,
    conversation_id: i64,
    message_id: i64,
) -> CommandResult<Vec<Message>> {
    state
        .store()?
        .show(conversation_id, message_id)
        .await
        .map_err(Into::into)
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
        .map_err(Into::into)
}

#[tauri::command]
pub async fn delete_conversation(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state
        .store()?
        .delete_conversation(id)
        .await
        .map_err(Into::into)
}

/// How many messages (and titles) a search shows at most.
const SEARCH_HITS: usize = 50;

/// Messages and titles holding every word of `words`, newest first.
#[tauri::command]
pub async fn search_history(
    state: State<'_, AppState>,
    words: String,
) -> CommandResult<Vec<SearchHit>> {
    state
        .store()?
        .search(&words, SEARCH_HITS)
        .await
        .map_err(Into::into)
}

/// Exports one conversation (or all) to a file the person picks; false when they cancelled.
#[tauri::command]
pub async fn export_history(
    app: AppHandle,
    state: State<'_, AppState>,
    conversation_id: Option<i64>,
    format: Format,
) -> CommandResult<bool> {
    let text = archive::export(&state.store()?, conversation_id, format).await?;
    let name = format!("Hearth history.{}", format.extension());
    let dialog = app
        .dialog()
        .file()
        .set_title("Export conversations")
        .set_file_name(&name)
        .add_filter(format.extension(), &[format.extension()]);
    save_as(dialog, text).await
}

/// Imports a JSON export the person picks; says what it did (`None` when they cancelled).
#[tauri::command]
pub async fn import_history(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<Option<String>> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Import conversations")
        .add_filter("Hearth export", &["json"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file()).await?;
    let Some(path) = picked.and_then(|file| file.into_path().ok()) else {
        return Ok(None);
    };
    archive::import_file(&state.store()?, &path)
        .await
        .map(|restored| Some(restored.to_string()))
        .map_err(Into::into)
}
