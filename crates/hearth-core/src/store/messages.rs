//! Messages of a conversation, with the measurements of generated replies. The messages form a
//! tree (editing a question or regenerating a reply adds a version beside the old one), and a
//! conversation shows one branch of it: from its first message to its `shown_id`.

use std::collections::HashMap;

use serde::Serialize;

use super::conversations::found;
use super::{now_ms, Store, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row as _};

use crate::engine::{Completion, Measurements, Role, Turn};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub role: Role,
    pub content: String,
    pub created_at: i64,
    /// How a reply went; `None` for a person's message (and a reply imported without them).
    pub measurements: Option<Measurements>,
    /// The model that wrote a reply (its file's name).
    pub model: Option<String>,
    /// The message this one follows (`None` for a conversation's first message).
    pub parent_id: Option<i64>,
    /// The ids of every version of this message (those with the same parent), oldest first,
    /// this one among them.
    pub versions: Vec<i64>,
}

impl Message {
    /// Whether this is a reply stopped before its end.
    pub fn stopped(&self) -> bool {
        self.measurements.is_some_and(|m| m.stopped)
    }

    pub fn turn(&self) -> Turn {
        Turn::new(self.role, self.content.clone())
    }
}

/// A message to store: what a person wrote, or a reply with its measurements. The
/// conversation then shows the branch that ends with it.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub role: Role,
    pub content: &'a str,
    pub completion: Option<&'a Completion>,
    /// The message it follows (`None`: first in the conversation). A parent with replies
    /// already gets another version beside them: a regenerated reply, an edited question.
    pub parent_id: Option<i64>,
}

#[derive(Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    conversation_id: i64,
    role: String,
    content: String,
    created_at: i64,
    #[sqlx(flatten)]
    measured: Measured,
    model: Option<String>,
    parent_id: Option<i64>,
}

/// A message's measurement columns: all of them for a reply that has them, else none (a
/// person's message leaves them empty).
#[derive(Clone)]
struct Measured(Option<Measurements>);

impl<'r> FromRow<'r, SqliteRow> for Measured {
    fn from_row(row: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        let Some(prompt_tokens) = row.try_get("prompt_tokens")? else {
            return Ok(Measured(None));
        };
        Ok(Measured(Some(Measurements {
            prompt_tokens,
            completion_tokens: row
                .try_get::<Option<i64>, _>("completion_tokens")?
                .unwrap_or(0),
            time_to_first_token_ms: row.try_get("time_to_first_token_ms")?,
            tokens_per_second: row.try_get("tokens_per_second")?,
            duration_ms: row.try_get::<Option<i64>, _>("duration_ms")?.unwrap_or(0),
            stopped: row.try_get("stopped")?,
        })))
    }
}

/// A role as the messages table keeps it (its CHECK constraint admits only these three).
pub(super) fn stored_role(role: &str) -> Role {
    match role {
        "system" => Role::System,
        "assistant" => Role::Assistant,
        _ => Role::User,
    }
}

impl Row {
    fn into_message(self, versions: Vec<i64>) -> Message {
        let row = self;
        Message {
            id: row.id,
            conversation_id: row.conversation_id,
            role: stored_role(&row.role),
            content: row.content,
            created_at: row.created_at,
            measurements: row.measured.0,
            model: row.model,
            parent_id: row.parent_id,
            versions,
        }
    }
}

/// A conversation's messages, by id, with each parent's children (oldest first).
struct Tree {
    rows: HashMap<i64, Row>,
    children: HashMap<Option<i64>, Vec<i64>>,
}

impl Tree {
    fn new(rows: Vec<Row>) -> Self {
        let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
        for row in &rows {
            children.entry(row.parent_id).or_default().push(row.id);
        }
        for ids in children.values_mut() {
            ids.sort_unstable();
        }
        let rows = rows.into_iter().map(|row| (row.id, row)).collect();
        Self { rows, children }
    }

    /// The branch from the first message to `last`, oldest first.
    fn branch_to(mut self, last: Option<i64>) -> Vec<Message> {
        let mut branch = Vec::new();
        let mut next = last;
        while let Some(row) = next.and_then(|id| self.rows.remove(&id)) {
            next = row.parent_id;
            let versions = self
                .children
                .get(&row.parent_id)
                .cloned()
                .unwrap_or_default();
            branch.push(row.into_message(versions));
        }
        branch.reverse();
        branch
    }

    /// The newest message at the end of the newest replies after `id`.
    fn newest_below(&self, id: i64) -> i64 {
        let mut last = id;
        while let Some(&child) = self.children.get(&Some(last)).and_then(|ids| ids.last()) {
            last = child;
        }
        last
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
        let measured = completion.map(|c| c.measurements);
        let mut tx = self.pool.begin().await?;
        let touched = sqlx::query("UPDATE conversations SET updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(conversation_id)
            .execute(&mut *tx)
            .await?;
        found(touched.rows_affected(), conversation_id)?;
        let parent_id = message.parent_id;
        if let Some(id) = parent_id {
            in_conversation(&mut tx, conversation_id, id).await?;
        }
        let row = sqlx::query_as::<_, Row>(
            "INSERT INTO messages (conversation_id, role, content, created_at, prompt_tokens,
                 completion_tokens, time_to_first_token_ms, tokens_per_second, duration_ms,
                 stopped, model, parent_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        )
        .bind(conversation_id)
        .bind(message.role.as_str())
        .bind(message.content)
        .bind(now)
        .bind(measured.map(|m| m.prompt_tokens))
        .bind(measured.map(|m| m.completion_tokens))
        .bind(measured.and_then(|m| m.time_to_first_token_ms))
        .bind(measured.and_then(|m| m.tokens_per_second))
        .bind(measured.map(|m| m.duration_ms))
        .bind(measured.is_some_and(|m| m.stopped))
        .bind(
            completion
                .map(|c| c.model.as_str())
                .filter(|m| !m.is_empty()),
        )
        .bind(parent_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE conversations SET shown_id = ? WHERE id = ?")
            .bind(row.id)
            .bind(conversation_id)
            .execute(&mut *tx)
            .await?;
        let versions = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id",
        )
        .bind(conversation_id)
        .bind(parent_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.into_message(versions))
    }

    /// The branch a conversation shows, oldest first.
    pub async fn messages(&self, conversation_id: i64) -> Result<Vec<Message>, StoreError> {
        let shown = self.conversation(conversation_id).await?.shown_id;
        Ok(self.tree(conversation_id).await?.branch_to(shown))
    }

    /// The branch from a conversation's first message to `last` (none: an empty branch), as
    /// the model reads it before `last`'s next version or reply.
    pub async fn branch_to(
        &self,
        conversation_id: i64,
        last: Option<i64>,
    ) -> Result<Vec<Message>, StoreError> {
        let tree = self.tree(conversation_id).await?;
        if let Some(id) = last.filter(|id| !tree.rows.contains_key(id)) {
            return Err(StoreError::MessageNotFound(id));
        }
        Ok(tree.branch_to(last))
    }

    /// One message of a conversation, with its versions.
    pub async fn message(&self, conversation_id: i64, id: i64) -> Result<Message, StoreError> {
        self.branch_to(conversation_id, Some(id))
            .await?
            .pop()
            .ok_or(StoreError::MessageNotFound(id))
    }

    /// Shows the branch through message `id`, down its newest replies; returns that branch.
    pub async fn show(&self, conversation_id: i64, id: i64) -> Result<Vec<Message>, StoreError> {
        let tree = self.tree(conversation_id).await?;
        if !tree.rows.contains_key(&id) {
            return Err(StoreError::MessageNotFound(id));
        }
        let last = tree.newest_below(id);
        sqlx::query("UPDATE conversations SET shown_id = ? WHERE id = ?")
            .bind(last)
            .bind(conversation_id)
            .execute(&self.pool)
            .await?;
        Ok(tree.branch_to(Some(last)))
    }

    /// Every message of a conversation, every branch, oldest first.
    pub async fn all_messages(&self, conversation_id: i64) -> Result<Vec<Message>, StoreError> {
        let tree = self.tree(conversation_id).await?;
        let mut rows: Vec<&Row> = tree.rows.values().collect();
        rows.sort_unstable_by_key(|row| row.id);
        Ok(rows
            .into_iter()
            .map(|row| {
                let versions = tree
                    .children
                    .get(&row.parent_id)
                    .cloned()
                    .unwrap_or_default();
                row.clone().into_message(versions)
            })
            .collect())
    }

    async fn tree(&self, conversation_id: i64) -> Result<Tree, StoreError> {
        self.conversation(conversation_id).await?;
        let rows = sqlx::query_as::<_, Row>("SELECT * FROM messages WHERE conversation_id = ?")
            .bind(conversation_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(Tree::new(rows))
    }
}

/// A message to follow must be in the same conversation.
async fn in_conversation(
    tx: &mut sqlx::SqliteConnection,
    conversation_id: i64,
    id: i64,
) -> Result<(), StoreError> {
    sqlx::query_scalar::<_, i64>("SELECT id FROM messages WHERE id = ? AND conversation_id = ?")
        .bind(id)
        .bind(conversation_id)
        .fetch_optional(tx)
        .await?
        .map(|_| ())
        .ok_or(StoreError::MessageNotFound(id))
}
