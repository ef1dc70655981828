//! Personas: named instructions with their own sampling, and which one a conversation uses.

use serde::{Deserialize, Serialize};

use super::conversations::found;
use super::{now_ms, Store, StoreError};
use crate::engine::Sampling;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Persona {
    pub id: i64,
    pub name: String,
    /// The system prompt of its conversations.
    pub instructions: String,
    pub temperature: f64,
    /// The longest reply, in tokens.
    pub max_tokens: i64,
}

/// A persona as the person writes it, to add or to change one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonaFields {
    pub name: String,
    pub instructions: String,
    pub temperature: f64,
    pub max_tokens: i64,
}

impl Persona {
    pub fn fields(&self) -> PersonaFields {
        PersonaFields {
            name: self.name.clone(),
            instructions: self.instructions.clone(),
            temperature: self.temperature,
            max_tokens: self.max_tokens,
        }
    }

    /// Hearth's default sampling with the persona's temperature and reply length.
    pub fn sampling(&self) -> Sampling {
        Sampling {
            temperature: self.temperature,
            max_tokens: usize::try_from(self.max_tokens).unwrap_or(1),
            ..Sampling::default()
        }
    }
}

/// Replies longer than this would not fit the context of the models Hearth runs.
const MAX_TOKENS: i64 = 4096;

impl PersonaFields {
    /// Trimmed, and refused with a sentence when a field cannot be used.
    pub(crate) fn checked(&self) -> Result<Self, StoreError> {
        let name = self.name.trim();
        let instructions = self.instructions.trim();
        let refuse = |why: &str| Err(StoreError::BadPersona(why.to_string()));
        if name.is_empty() {
            return refuse("A persona needs a name.");
        }
        if instructions.is_empty() {
            return refuse("A persona needs instructions: what the model should be or do.");
        }
        if !(0.0..=2.0).contains(&self.temperature) {
            return refuse("The temperature must be between 0 and 2.");
        }
        if !(1..=MAX_TOKENS).contains(&self.max_tokens) {
            return refuse("The reply length must be between 1 and 4096 tokens.");
        }
        Ok(Self {
            name: name.to_string(),
            instructions: instructions.to_string(),
            ..self.clone()
        })
    }
}

/// A name taken by another persona (the UNIQUE constraint) is said in words.
fn named(error: sqlx::Error, name: &str) -> StoreError {
    if error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
    {
        StoreError::BadPersona(format!("There is already a persona named {name}."))
    } else {
        error.into()
    }
}

/// Checks and adds a persona, on the caller's connection (or in its transaction).
pub(super) async fn insert_persona(
    connection: &mut sqlx::SqliteConnection,
    fields: &PersonaFields,
) -> Result<Persona, StoreError> {
    let fields = fields.checked()?;
    sqlx::query_as::<_, Persona>(
        "INSERT INTO personas (name, instructions, temperature, max_tokens, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING *",
    )
    .bind(&fields.name)
    .bind(&fields.instructions)
    .bind(fields.temperature)
    .bind(fields.max_tokens)
    .bind(now_ms())
    .fetch_one(connection)
    .await
    .map_err(|e| named(e, &fields.name))
}

impl Store {
    /// Every persona, by name.
    pub async fn personas(&self) -> Result<Vec<Persona>, StoreError> {
        Ok(
            sqlx::query_as::<_, Persona>("SELECT * FROM personas ORDER BY name COLLATE NOCASE")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn persona(&self, id: i64) -> Result<Persona, StoreError> {
        sqlx::query_as::<_, Persona>("SELECT * FROM personas WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::PersonaNotFound(id.to_string()))
    }

    /// The persona of that name, whatever its case.
    pub async fn persona_named(&self, name: &str) -> Result<Persona, StoreError> {
        sqlx::query_as::<_, Persona>("SELECT * FROM personas WHERE name = ?")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::PersonaNotFound(name.trim().to_string()))
    }

    pub async fn add_persona(&self, fields: &PersonaFields) -> Result<Persona, StoreError> {
        insert_persona(&mut *self.pool.acquire().await?, fields).await
    }

    pub async fn update_persona(
        &self,
        id: i64,
        fields: &PersonaFields,
    ) -> Result<Persona, StoreError> {
        let fields = fields.checked()?;
        sqlx::query_as::<_, Persona>(
            "UPDATE personas SET name = ?, instructions = ?, temperature = ?, max_tokens = ?
             WHERE id = ? RETURNING *",
        )
        .bind(&fields.name)
        .bind(&fields.instructions)
        .bind(fields.temperature)
        .bind(fields.max_tokens)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| named(e, &fields.name))?
        .ok_or(StoreError::PersonaNotFound(id.to_string()))
    }

    /// Deletes a persona; its conversations keep their messages and go on without it.
    pub async fn delete_persona(&self, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM personas WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::PersonaNotFound(id.to_string()));
        }
        Ok(())
    }

    /// Gives a conversation a persona (`None`: none).
    pub async fn set_persona(
        &self,
        conversation_id: i64,
        persona_id: Option<i64>,
    ) -> Result<(), StoreError> {
        if let Some(id) = persona_id {
            self.persona(id).await?;
        }
        let done = sqlx::query("UPDATE conversations SET persona_id = ? WHERE id = ?")
            .bind(persona_id)
            .bind(conversation_id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), conversation_id)
    }

    /// Gives a conversation instructions of its own, in place of its persona's (blank: none).
    pub async fn set_instructions(
        &self,
        conversation_id: i64,
        instructions: &str,
    ) -> Result<(), StoreError> {
        let instructions = Some(instructions.trim()).filter(|i| !i.is_empty());
        let done = sqlx::query("UPDATE conversations SET instructions = ? WHERE id = ?")
            .bind(instructions)
            .bind(conversation_id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), conversation_id)
    }
}
