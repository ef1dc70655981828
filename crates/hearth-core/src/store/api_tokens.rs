//! The local API's client tokens: made with a name, shown once, kept as their SHA-256, and
//! looked up by it on every request.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{now_ms, Store, StoreError};

/// What every token starts with, so a leaked one is recognisable (as in secret scanners).
const PREFIX: &str = "hearth-";

#[derive(Debug, Clone, PartialEq)]
pub struct ApiClient {
    pub name: String,
    /// When the token was made, ms since the epoch.
    pub created_at: i64,
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Makes a token for the client `name` and returns it: the only time it can be read.
    pub async fn add_api_token(&self, name: &str) -> Result<String, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(StoreError::BadClientName(name.to_string()));
        }
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        let token = format!("{PREFIX}{}", hex::encode(secret));
        let added = sqlx::query(
            "INSERT INTO api_tokens (name, token_sha256, created_at) VALUES (?, ?, ?)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(digest(&token))
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if added.rows_affected() == 0 {
            return Err(StoreError::ClientExists(name.to_string()));
        }
        Ok(token)
    }

    /// The clients with a token, by name.
    pub async fn api_clients(&self) -> Result<Vec<ApiClient>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT name, created_at FROM api_tokens ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(name, created_at)| ApiClient { name, created_at })
            .collect())
    }

    /// Revokes the client `name`'s token.
    pub async fn remove_api_token(&self, name: &str) -> Result<(), StoreError> {
        let removed = sqlx::query("DELETE FROM api_tokens WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        if removed.rows_affected() == 0 {
            return Err(StoreError::ClientNotFound(name.to_string()));
        }
        Ok(())
    }

    /// The name of the client whose token `token` is, if it is one.
    pub async fn api_client_of(&self, token: &str) -> Result<Option<String>, StoreError> {
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        let row: Option<(String,)> =
            sqlx::query_as("SELECT name FROM api_tokens WHERE token_sha256 = ?")
                .bind(digest(token))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(name,)| name))
    }
}
