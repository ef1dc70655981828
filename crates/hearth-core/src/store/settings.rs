//! Where settings are kept: one JSON value per key, read leniently (what is kept under each key
//! is up to its owner: `crate::settings`, `crate::usage::prices`).

use serde::{de::DeserializeOwned, Serialize};

use super::{Store, StoreError};

impl Store {
    /// The JSON value kept under `key`, or the default when there is none or it cannot be read
    /// (a row from an older or damaged version never stops the app).
    pub async fn setting<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .and_then(|(value,)| serde_json::from_str(&value).ok())
            .unwrap_or_default())
    }

    pub async fn save_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(sqlx::types::Json(value))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
