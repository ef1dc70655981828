//! Search over every conversation: the words a person types, matched against message texts
//! and conversation titles (FTS5), newest first, each hit with the matching words marked.

use serde::Serialize;

use super::messages::stored_role;
use super::{Store, StoreError};
use crate::engine::Role;

/// Marks around each matching word in `SearchHit::snippet` (control characters, which stored
/// text does not hold, so the UI can split on them and never parse the text as markup).
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

/// Words of context around the matches in a snippet.
const SNIPPET_WORDS: i64 = 12;

/// A conversation whose title matches, or a message that does.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub conversation_id: i64,
    pub title: String,
    /// The matching message; `None` when the title is what matched.
    pub message_id: Option<i64>,
    pub role: Option<Role>,
    /// The matching part of the message (or the title), matches between `MATCH_START` and
    /// `MATCH_END`.
    pub snippet: String,
    pub created_at: i64,
}

/// An FTS5 query that matches every word of `words`, the last also as a prefix (so results
/// follow the typing). Each word is quoted, so nothing typed is read as FTS5 syntax. `None`
/// when there is no word.
pub fn match_all(words: &str) -> Option<String> {
    let words: Vec<String> = words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    query.push(format!("\"{last}\"*"));
    Some(query.join(" "))
}

#[derive(sqlx::FromRow)]
struct Row {
    conversation_id: i64,
    title: String,
    message_id: Option<i64>,
    role: Option<String>,
    snippet: String,
    created_at: i64,
}

impl Store {
    /// Conversations whose titles match `words`, then messages that do, newest first, at most
    /// `limit` of each.
    pub async fn search(&self, words: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = match_all(words) else {
            return Ok(Vec::new());
        };
        let marks = (MATCH_START.to_string(), MATCH_END.to_string());
        let titles: Vec<Row> = sqlx::query_as(
            "SELECT c.id AS conversation_id, c.title, NULL AS message_id, NULL AS role,
                    highlight(conversations_index, 0, ?1, ?2) AS snippet, c.updated_at AS created_at
             FROM conversations_index JOIN conversations c ON c.id = conversations_index.rowid
             WHERE conversations_index MATCH ?3
             ORDER BY conversations_index.rowid DESC LIMIT ?4",
        )
        .bind(&marks.0)
        .bind(&marks.1)
        .bind(&query)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        // The newest matches first: FTS5 hands rowids out in order without sorting them all.
        let messages: Vec<Row> = sqlx::query_as(
            "SELECT m.conversation_id, c.title, m.id AS message_id, m.role, hit.snippet,
                    m.created_at
             FROM (SELECT rowid, snippet(messages_index, 0, ?1, ?2, '…', ?3) AS snippet
                   FROM messages_index WHERE messages_index MATCH ?4
                   ORDER BY rowid DESC LIMIT ?5) AS hit
             JOIN messages m ON m.id = hit.rowid
             JOIN conversations c ON c.id = m.conversation_id
             ORDER BY m.id DESC",
        )
        .bind(&marks.0)
        .bind(&marks.1)
        .bind(SNIPPET_WORDS)
        .bind(&query)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(titles
            .into_iter()
            .chain(messages)
            .map(|row| SearchHit {
                conversation_id: row.conversation_id,
                title: row.title,
                message_id: row.message_id,
                role: row.role.as_deref().map(stored_role),
                snippet: row.snippet,
                created_at: row.created_at,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_a_safe_all_words_prefix_query() {
        assert_eq!(match_all("Late fee").as_deref(), Some("\"late\" \"fee\"*"));
        assert_eq!(
            match_all("NEAR(\"x\" AND *) -- drop").as_deref(),
            Some("\"near\" \"x\" \"and\" \"drop\"*")
        );
        assert_eq!(match_all("  ?! "), None);
    }
}
