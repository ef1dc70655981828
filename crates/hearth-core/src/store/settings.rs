//! Where the settings are kept: one JSON row per key, read leniently (see `crate::settings`).

use serde::{de::DeserializeOwned, Serialize};

use super::{Store, StoreError};
use crate::settings::{Settings, SettingsError};

const KEY: &str = "app";

impl Store {
    /// The stored settings, or the defaults for anything not stored (or not readable).
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        self.setting(KEY).await
    }

    /// Checks and stores `settings`; returns them as stored.
    pub async fn save_settings(&self, settings: Settings) -> Result<Settings, SettingsError> {
        let settings = settings.checked()?;
        self.save_setting(KEY, &settings).await?;
        Ok(settings)
    }

    /// The JSON value kept under `key`, or the default when there is none or it cannot be read
    /// (a row from an older or damaged version never stops the app).
    pub(super) async fn setting<T: DeserializeOwned + Default>(
        &self,
        key: &str,
    ) -> Result<T, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .and_then(|(value,)| serde_json::from_str(&value).ok())
            .unwrap_or_default())
    }

    pub(super) async fn save_setting<T: Serialize>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
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
