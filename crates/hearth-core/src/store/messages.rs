//! Messages of a conversation, with the measurements of generated replies.

use serde::Serialize;

use super::conversations::found;
use super::{now_ms, Store, StoreError};
use crate::engine::{Completion, Role, Turn};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub role: Role,
    pub content: String,
    pub created_at: i64,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub time_to_first_token_ms: Option<i64>,
    pub tokens_per_second: Option<f64>,
    pub stopped: bool,
}

impl Message {
    pub fn turn(&self) -> Turn {
        Turn::new(self.role, self.content.clone())
    }
}

/// A message to store: what a person wrote, or a reply with its measurements.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub role: Role,
    pub content: &'a str,
    pub completion: Option<&'a Completion>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    conversation_id: i64,
    role: String,
    content: String,
    created_at: i64,
    prompt_tokens: Option<i64>,
    completion_tokens: Option<i64>,
    time_to_first_token_ms: Option<i64>,
    tokens_per_second: Option<f64>,
    stopped: bool,
}

/// A role as the messages table keeps it (its CHECK constraint admits only these three).
pub(super) fn stored_role(role: &str) -> Role {
    match role {
        "system" => Role::System,
        "assistant" => Role::Assistant,
        _ => Role::User,
    }
}

impl From<Row> for Message {
    fn from(row: Row) -> Self {
        Message {
            id: row.id,
            conversation_id: row.conversation_id,
            role: stored_role(&row.role),
            content: row.content,
            created_at: row.created_at,
            prompt_tokens: row.prompt_tokens,
            completion_tokens: row.completion_tokens,
            time_to_first_token_ms: row.time_to_first_token_ms,
            tokens_per_second: row.tokens_per_second,
            stopped: row.stopped,
        }
    }
}

impl Store {
    /// Stores a message and marks its conversation as updated, in one transaction.
    pub async fn add_message(
        &self,
        conversation_id: i64,
        message: NewMessage<'_>,
    ) -> Result<Message, StoreError> {
        let now = now_ms();
        let completion = message.completion;
        let mut tx = self.pool.begin().await?;
        let touched = sqlx::query("UPDATE conversations SET updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(conversation_id)
            .execute(&mut *tx)
            .await?;
        found(touched.rows_affected(), conversation_id)?;
        let row = sqlx::query_as::<_, Row>(
            "INSERT INTO messages (conversation_id, role, content, created_at, prompt_tokens,
                 completion_tokens, time_to_first_token_ms, tokens_per_second, stopped)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        )
        .bind(conversation_id)
        .bind(message.role.as_str())
        .bind(message.content)
        .bind(now)
        .bind(completion.map(|c| c.prompt_tokens as i64))
        .bind(completion.map(|c| c.completion_tokens as i64))
        .bind(completion.and_then(|c| c.time_to_first_token_ms.map(|t| t as i64)))
        .bind(completion.and_then(|c| c.tokens_per_second))
        .bind(completion.is_some_and(|c| c.stopped))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// A conversation's messages, oldest first.
    pub async fn messages(&self, conversation_id: i64) -> Result<Vec<Message>, StoreError> {
        self.conversation(conversation_id).await?;
        let rows = sqlx::query_as::<_, Row>(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id",
        )
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Message::from).collect())
    }
}
