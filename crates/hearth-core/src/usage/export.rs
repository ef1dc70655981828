//! The usage records as CSV, one row per request, for a spreadsheet.

/// Why the records could not be written (named here so callers need not depend on `csv`).
pub use ::csv::Error as CsvError;

use crate::store::UsageRecord;

/// The columns, in the order a row's values are written: the record's own, then its
/// measurements in the order `Measurements` declares them (the usage tests pin the header).
const HEADER: [&str; 10] = [
    "started_at",
    "source",
    "client",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "time_to_first_token_ms",
    "tokens_per_second",
    "duration_ms",
    "stopped",
];

pub fn csv(records: &[UsageRecord]) -> Result<String, CsvError> {
    // The csv crate cannot write a header for a nested struct: it is written here.
    let mut out = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    out.write_record(HEADER)?;
    for record in records {
        // RFC 3339, in UTC: unambiguous whatever the reader's time zone.
        let started_at = jiff::Timestamp::from_millisecond(record.started_at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        out.serialize((
            started_at,
            record.source.as_str(),
            record.client.as_deref().unwrap_or_default(),
            &record.model,
            record.measurements,
        ))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
