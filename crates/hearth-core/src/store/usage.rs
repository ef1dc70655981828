//! The usage records: one per request the model answered, with its measurements and no text
//! (see `crate::usage` for what is made of them).

use serde::{Deserialize, Serialize};

use super::{now_ms, Store, StoreError};
use crate::engine::{Completion, Measurements};

/// What asked the model: the chat, a job, the popup, questions and jobs on documents, or a
/// client of the local API.
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
    Api,
}

impl Asker {
    pub const ALL: [Asker; 9] = [
        Asker::Chat,
        Asker::Summarize,
        Asker::Translate,
        Asker::Rewrite,
        Asker::Classify,
        Asker::Extract,
        Asker::Popup,
        Asker::Document,
        Asker::Api,
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
            Asker::Api => "api",
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

/// One request: when it started (ms since the epoch), what asked (and which API client), which
/// model, and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UsageRecord {
    pub started_at: i64,
    pub source: Asker,
    pub client: Option<String>,
    pub model: String,
    #[serde(flatten)]
    pub measurements: Measurements,
}

impl UsageRecord {
    /// The record of `completion`, which has just ended.
    pub fn of(source: Asker, completion: &Completion) -> Self {
        Self {
            started_at: now_ms() - completion.measurements.duration_ms,
            source,
            client: None,
            model: completion.model.clone(),
            measurements: completion.measurements,
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    started_at: i64,
    source: String,
    client: Option<String>,
    model: String,
    #[sqlx(flatten)]
    measurements: Measurements,
}

impl Store {
    pub async fn record_usage(&self, record: &UsageRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO usage_records (started_at, source, client, model, prompt_tokens,
                 completion_tokens, time_to_first_token_ms, tokens_per_second, duration_ms, stopped)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(record.started_at)
        .bind(record.source.as_str())
        .bind(&record.client)
        .bind(&record.model)
        .bind(record.measurements.prompt_tokens)
        .bind(record.measurements.completion_tokens)
        .bind(record.measurements.time_to_first_token_ms)
        .bind(record.measurements.tokens_per_second)
        .bind(record.measurements.duration_ms)
        .bind(record.measurements.stopped)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The records of requests started at or after `since` (ms since the epoch; `None`: all),
    /// oldest first.
    pub async fn usage_records(&self, since: Option<i64>) -> Result<Vec<UsageRecord>, StoreError> {
        let rows = sqlx::query_as::<_, Row>(
            "SELECT started_at, source, client, model, prompt_tokens, completion_tokens,
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
                client: row.client,
                model: row.model,
                measurements: row.measurements,
            })
            .collect())
    }
}
