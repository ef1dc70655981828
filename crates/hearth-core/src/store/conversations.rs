//! Conversations: create, list, rename, delete.

use serde::Serialize;

use super::{now_ms, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub id: i64,
    pub title: String,
    pub model: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The job and options that started it (`None` for a chat).
    #[ts(type = "ResolvedJob | null")]
    pub job: Option<sqlx::types::Json<serde_json::Value>>,
    /// The last message of the branch shown (`None` before the first message).
    pub shown_id: Option<i64>,
    /// The persona it talks with, if any.
    pub persona_id: Option<i64>,
    /// Instructions of its own, in place of the persona's.
    pub instructions: Option<String>,
}

const TITLE_CHARS: usize = 48;

/// A title from a conversation's first message: its first line, cut at a word near 48
/// characters.
pub fn title_from(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("New conversation");
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut title = String::new();
    for word in words {
        let next = title.chars().count() + word.chars().count() + usize::from(!title.is_empty());
        if next > TITLE_CHARS {
            if title.is_empty() {
                title = word.chars().take(TITLE_CHARS).collect();
            }
            title.push('…');
            return title;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title
}

impl Store {
    pub async fn create_conversation(
        &self,
        title: &str,
        model: &str,
    ) -> Result<Conversation, StoreError> {
        self.insert_conversation(title, model, None).await
    }

    /// A conversation that records the job (and its options) that started it.
    pub async fn create_job_conversation(
        &self,
        title: &str,
        model: &str,
        job: &serde_json::Value,
    ) -> Result<Conversation, StoreError> {
        self.insert_conversation(title, model, Some(job)).await
    }

    async fn insert_conversation(
        &self,
        title: &str,
        model: &str,
        job: Option<&serde_json::Value>,
    ) -> Result<Conversation, StoreError> {
        let now = now_ms();
        let conversation = sqlx::query_as::<_, Conversation>(
            "INSERT INTO conversations (title, model, created_at, updated_at, job, uid)
             VALUES (?, ?, ?, ?, ?, lower(hex(randomblob(16)))) RETURNING *",
        )
        .bind(title)
        .bind(model)
        .bind(now)
        .bind(now)
        .bind(job.map(sqlx::types::Json))
        .fetch_one(&self.pool)
        .await?;
        Ok(conversation)
    }

    /// Newest activity first.
    pub async fn list_conversations(&self) -> Result<Vec<Conversation>, StoreError> {
        Ok(sqlx::query_as::<_, Conversation>(
            "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn conversation(&self, id: i64) -> Result<Conversation, StoreError> {
        sqlx::query_as::<_, Conversation>("SELECT * FROM conversations WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::ConversationNotFound(id))
    }

    pub async fn rename_conversation(&self, id: i64, title: &str) -> Result<(), StoreError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::EmptyTitle);
        }
        let done = sqlx::query("UPDATE conversations SET title = ? WHERE id = ?")
            .bind(title)
            .bind(id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), id)
    }

    /// Deletes a conversation and its messages, leaving none of their text behind.
    pub async fn delete_conversation(&self, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM conversations WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), id)?;
        self.wipe_deleted(&["messages_index", "conversations_index"])
            .await
    }
}

/// A statement on conversation `id` that touched no row means there is no such conversation.
pub(super) fn found(rows: u64, id: i64) -> Result<(), StoreError> {
    if rows == 0 {
        return Err(StoreError::ConversationNotFound(id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::title_from;

    #[test]
    fn titles_come_from_the_first_line_cut_at_a_word() {
        assert_eq!(title_from("\n  Hello there\nsecond"), "Hello there");
        let long = "word ".repeat(30);
        let title = title_from(&long);
        assert!(title.ends_with('…'));
        assert!(title.chars().count() <= 49);
        assert_eq!(title_from("   "), "New conversation");
        assert_eq!(title_from(&"x".repeat(100)).chars().count(), 49);
    }
}
