//! The usage records: one per request the model answered, with its measurements and no text
//! (see `crate::usage` for what is made of them).

use serde::{Deserialize, Serialize};

use super::{now_ms, Store, StoreError};
use crate::engine::Completion;

/// What asked the model: the chat, a job, the popup, or questions and jobs on documents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "lowercase")]
pub enum Asker {
    Chat,
    Summarize,
    Translate,
    Rewrite,
    Classify,
    Extract,
    Popup,
    Document,
}

impl Asker {
    pub const ALL: [Asker; 8] = [
        Asker::Chat,
        Asker::Summarize,
        Asker::Translate,
        Asker::Rewrite,
        Asker::Classify,
        Asker::Extract,
        Asker::Popup,
        Asker::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Asker::Chat => "chat",
            Asker::Summarize => "summarize",
            Asker::Translate => "translate",
            Asker::Rewrite => "rewrite",
            Asker::Classify => "classify",
            Asker::Extract => "extract",
            Asker::Popup => "popup",
            Asker::Document => "document",
        }
    }

    /// A source as the table keeps it; one this version does not know counts as chat.
    fn stored(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or(Asker::Chat)
    }
}

/// One request: when it started (ms since the epoch), what asked, which model, and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UsageRecord {
    pub started_at: i64,
    pub source: Asker,
    pub model: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub time_to_first_token_ms: Option<i64>,
    pub tokens_per_second: Option<f64>,
    pub duration_ms: i64,
    pub stopped: bool,
}

impl UsageRecord {
    /// The record of `completion`, which has just ended.
    pub fn of(source: Asker, completion: &Completion) -> Self {
        Self {
            started_at: now_ms() - completion.duration_ms as i64,
            source,
            model: completion.model.clone(),
            prompt_tokens: completion.prompt_tokens as i64,
            completion_tokens: completion.completion_tokens as i64,
            time_to_first_token_ms: completion.time_to_first_token_ms.map(|t| t as i64),
            tokens_per_second: completion.tokens_per_second,
            duration_ms: completion.duration_ms as i64,
            stopped: completion.stopped,
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    started_at: i64,
    source: String,
    model: String,
    prompt_tokens: i64,
    completion_tokens: i64,
    time_to_first_token_ms: Option<i64>,
    tokens_per_second: Option<f64>,
    duration_ms: i64,
    stopped: bool,
}

impl Store {
    pub async fn record_usage(&self, record: &UsageRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO usage_records (started_at, source, model, prompt_tokens,
                 completion_tokens, time_to_first_token_ms, tokens_per_second, duration_ms, stopped)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(record.started_at)
        .bind(record.source.as_str())
        .bind(&record.model)
        .bind(record.prompt_tokens)
        .bind(record.completion_tokens)
        .bind(record.time_to_first_token_ms)
        .bind(record.tokens_per_second)
        .bind(record.duration_ms)
        .bind(record.stopped)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The records of requests started at or after `since` (ms since the epoch; `None`: all),
    /// oldest first.
    pub async fn usage_records(&self, since: Option<i64>) -> Result<Vec<UsageRecord>, StoreError> {
        let rows = sqlx::query_as::<_, Row>(
            "SELECT started_at, source, model, prompt_tokens, completion_tokens,
                 time_to_first_token_ms, tokens_per_second, duration_ms, stopped
             FROM usage_records WHERE started_at >= ? ORDER BY started_at, id",
        )
        .bind(since.unwrap_or(i64::MIN))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| UsageRecord {
                started_at: row.started_at,
                source: Asker::stored(&row.source),
                model: row.model,
                prompt_tokens: row.prompt_tokens,
                completion_tokens: row.completion_tokens,
                time_to_first_token_ms: row.time_to_first_token_ms,
                tokens_per_second: row.tokens_per_second,
                duration_ms: row.duration_ms,
                stopped: row.stopped,
            })
            .collect())
    }
}
