//! The usage records as CSV, one row per request, for a spreadsheet.

use serde::Serialize;

/// Why the records could not be written (named here so callers need not depend on `csv`).
pub use ::csv::Error as CsvError;

use crate::store::UsageRecord;

#[derive(Serialize)]
struct Row<'a> {
    /// RFC 3339, in UTC: unambiguous whatever the reader's time zone.
    started_at: String,
    source: &'a str,
    model: &'a str,
    prompt_tokens: i64,
    completion_tokens: i64,
    time_to_first_token_ms: Option<i64>,
    tokens_per_second: Option<f64>,
    duration_ms: i64,
    stopped: bool,
}

pub fn csv(records: &[UsageRecord]) -> Result<String, CsvError> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    for record in records {
        out.serialize(Row {
            started_at: jiff::Timestamp::from_millisecond(record.started_at)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            source: record.source.as_str(),
            model: &record.model,
            prompt_tokens: record.prompt_tokens,
            completion_tokens: record.completion_tokens,
            time_to_first_token_ms: record.time_to_first_token_ms,
            tokens_per_second: record.tokens_per_second,
            duration_ms: record.duration_ms,
            stopped: record.stopped,
        })?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
