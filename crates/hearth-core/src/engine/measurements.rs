//! How one request went, as the engine measured it. Declared once and carried whole: in the
//! engine's completion, stored replies, archived messages, usage records and the usage CSV.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ts_rs::TS, sqlx::FromRow,
)]
#[serde(rename_all = "camelCase")]
pub struct Measurements {
    pub prompt_tokens: i64,
    /// The reply's tokens.
    pub completion_tokens: i64,
    pub time_to_first_token_ms: Option<i64>,
    pub tokens_per_second: Option<f64>,
    /// From the request reaching the engine to its last token (0 for replies kept before
    /// Hearth timed them and imported without it).
    #[serde(default)]
    pub duration_ms: i64,
    /// Stopped before its end (the Stop button, or cut short by an error).
    pub stopped: bool,
}
