//! Where the settings are kept: one JSON row, read leniently (see `crate::settings`).

use super::{Store, StoreError};
use crate::settings::{Settings, SettingsError};

const KEY: &str = "app";

impl Store {
    /// The stored settings, or the defaults for anything not stored (or not readable).
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(KEY)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .and_then(|(value,)| serde_json::from_str(&value).ok())
            .unwrap_or_default())
    }

    /// Checks and stores `settings`; returns them as stored.
    pub async fn save_settings(&self, settings: Settings) -> Result<Settings, SettingsError> {
        let settings = settings.checked()?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(KEY)
        .bind(sqlx::types::Json(&settings))
        .execute(&self.pool)
        .await
        .map_err(StoreError::from)?;
        Ok(settings)
    }
}
