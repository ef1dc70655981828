//! Conversations as an export holds them, read out of the database and restored into it. An
//! archived conversation has no local ids: its messages point at their parent by position, its
//! documents are named by content hash, and its `uid` recognises it when it is imported again.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::documents::{insert_document, ChunkText, Kind, NewDocument};
use super::personas::insert_persona;
use super::{PersonaFields, Store, StoreError};
use crate::engine::{Measurements, Role};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArchivedConversation {
    pub uid: String,
    pub title: String,
    pub model: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub job: Option<serde_json::Value>,
    pub persona: Option<PersonaFields>,
    pub instructions: Option<String>,
    /// The position of the last message of the branch shown.
    pub shown: Option<usize>,
    /// The hashes of the documents it is about.
    pub documents: Vec<String>,
    /// Every branch, oldest first.
    pub messages: Vec<ArchivedMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArchivedMessage {
    /// The position of the message it follows, always an earlier one.
    pub parent: Option<usize>,
    pub role: Role,
    pub content: String,
    pub created_at: i64,
    /// How a reply went (`None` for a person's message).
    pub measurements: Option<Measurements>,
    /// The passages the answer used, best first.
    pub sources: Vec<ArchivedSource>,
}

/// A passage: chunk `chunk` (its position) of the document with hash `document`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArchivedSource {
    pub document: String,
    pub chunk: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArchivedDocument {
    pub hash: String,
    pub name: String,
    pub kind: Kind,
    pub size: i64,
    pub pages: Option<i64>,
    pub text: String,
    pub added_at: i64,
    /// Its chunks, by position.
    pub chunks: Vec<ChunkText>,
}

/// What a restore did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    pub added: usize,
    /// Conversations that were here already (same uid), left as they were.
    pub already: usize,
}

impl std::fmt::Display for Restored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let conversations = |n: usize| match n {
            1 => "1 conversation".to_string(),
            n => format!("{n} conversations"),
        };
        match (self.added, self.already) {
            (0, 0) => write!(f, "The export holds no conversations."),
            (0, here) => write!(f, "Nothing new: {} here already.", conversations(here)),
            (added, 0) => write!(f, "Imported {}.", conversations(added)),
            (added, here) => write!(
                f,
                "Imported {} ({} here already).",
                conversations(added),
                conversations(here)
            ),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    message_id: i64,
    hash: String,
    position: i64,
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    hash: String,
    name: String,
    kind: Kind,
    size: i64,
    pages: Option<i64>,
    text: String,
    added_at: i64,
}

impl Store {
    /// One conversation, or all of them oldest first, with the documents they use.
    pub async fn archive(
        &self,
        only: Option<i64>,
    ) -> Result<(Vec<ArchivedConversation>, Vec<ArchivedDocument>), StoreError> {
        let ids: Vec<i64> = match only {
            Some(id) => vec![self.conversation(id).await?.id],
            None => {
                sqlx::query_scalar("SELECT id FROM conversations ORDER BY created_at, id")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let mut conversations = Vec::with_capacity(ids.len());
        for id in ids {
            conversations.push(self.archive_conversation(id).await?);
        }
        let hashes: BTreeSet<&String> = conversations
            .iter()
            .flat_map(|c| {
                let sources = c.messages.iter().flat_map(|m| &m.sources);
                c.documents.iter().chain(sources.map(|s| &s.document))
            })
            .collect();
        let mut documents = Vec::with_capacity(hashes.len());
        for hash in hashes {
            documents.push(self.archive_document(hash).await?);
        }
        Ok((conversations, documents))
    }

    async fn archive_conversation(&self, id: i64) -> Result<ArchivedConversation, StoreError> {
        let conversation = self.conversation(id).await?;
        let uid: String = sqlx::query_scalar("SELECT uid FROM conversations WHERE id = ?")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let persona = match conversation.persona_id {
            Some(persona) => Some(self.persona(persona).await?.fields()),
            None => None,
        };
        let messages = self.all_messages(id).await?;
        let position: HashMap<i64, usize> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id, i))
            .collect();
        let sources: Vec<SourceRow> = sqlx::query_as(
            "SELECT s.message_id, d.hash, c.position FROM message_sources s
             JOIN messages m ON m.id = s.message_id
             JOIN document_chunks c ON c.id = s.chunk_id
             JOIN documents d ON d.id = c.document_id
             WHERE m.conversation_id = ? ORDER BY s.message_id, s.rank",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut archived: Vec<ArchivedMessage> = messages
            .iter()
            .map(|m| ArchivedMessage {
                parent: m.parent_id.and_then(|p| position.get(&p).copied()),
                role: m.role,
                content: m.content.clone(),
                created_at: m.created_at,
                measurements: m.measurements,
                sources: Vec::new(),
            })
            .collect();
        for source in sources {
            if let Some(&at) = position.get(&source.message_id) {
                archived[at].sources.push(ArchivedSource {
                    document: source.hash,
                    chunk: usize::try_from(source.position).unwrap_or_default(),
                });
            }
        }
        let documents = self.conversation_documents(id).await?;
        Ok(ArchivedConversation {
            uid,
            title: conversation.title,
            model: conversation.model,
            created_at: conversation.created_at,
            updated_at: conversation.updated_at,
            job: conversation.job.map(|job| job.0),
            persona,
            instructions: conversation.instructions,
            shown: conversation
                .shown_id
                .and_then(|s| position.get(&s).copied()),
            documents: documents.into_iter().map(|d| d.hash).collect(),
            messages: archived,
        })
    }

    async fn archive_document(&self, hash: &str) -> Result<ArchivedDocument, StoreError> {
        let row: DocumentRow = sqlx::query_as(
            "SELECT id, hash, name, kind, size, pages, text, added_at FROM documents WHERE hash = ?",
        )
        .bind(hash)
        .fetch_one(&self.pool)
        .await?;
        let chunks: Vec<(Option<i64>, String)> = sqlx::query_as(
            "SELECT page, text FROM document_chunks WHERE document_id = ? ORDER BY position",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ArchivedDocument {
            hash: row.hash,
            name: row.name,
            kind: row.kind,
            size: row.size,
            pages: row.pages,
            text: row.text,
            added_at: row.added_at,
            chunks: chunks
                .into_iter()
                .map(|(page, text)| ChunkText { page, text })
                .collect(),
        })
    }

    /// Adds the conversations that are not here yet (by uid) and the documents they use, all
    /// in one transaction: a failure adds nothing. The caller has checked that positions and
    /// hashes point where they should.
    pub async fn restore(
        &self,
        conversations: &[ArchivedConversation],
        documents: &[ArchivedDocument],
    ) -> Result<Restored, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut document_ids = HashMap::new();
        for d in documents {
            let hash = imported_hash(&d.hash);
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM documents WHERE hash = ?")
                    .bind(&hash)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let new = NewDocument {
                        name: &d.name,
                        hash: &hash,
                        size: d.size,
                        kind: d.kind,
                        pages: d.pages,
                        text: &d.text,
                    };
                    insert_document(&mut tx, &new, d.added_at, &d.chunks).await?
                }
            };
            document_ids.insert(d.hash.as_str(), id);
        }
        let mut restored = Restored {
            added: 0,
            already: 0,
        };
        for c in conversations {
            let here: Option<i64> =
                sqlx::query_scalar("SELECT id FROM conversations WHERE uid = ?")
                    .bind(&c.uid)
                    .fetch_optional(&mut *tx)
                    .await?;
            if here.is_some() {
                restored.already += 1;
                continue;
            }
            restore_conversation(&mut tx, c, &document_ids).await?;
            restored.added += 1;
        }
        tx.commit().await?;
        Ok(restored)
    }
}

/// Where an imported document is kept: its hash is the export's word, not a file's, so it never
/// stands for a file dropped on Hearth (a crafted export could otherwise put its own text under
/// a real file's hash). Imported again, it is recognised by the same mark.
fn imported_hash(hash: &str) -> String {
    if hash.starts_with(IMPORTED) {
        hash.to_string()
    } else {
        format!("{IMPORTED}{hash}")
    }
}

const IMPORTED: &str = "imported:";

async fn restore_conversation(
    tx: &mut sqlx::SqliteConnection,
    c: &ArchivedConversation,
    document_ids: &HashMap<&str, i64>,
) -> Result<(), StoreError> {
    let persona_id = match &c.persona {
        Some(persona) => Some(persona_named_or_added(tx, persona).await?),
        None => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (title, model, created_at, updated_at, job, uid, persona_id, instructions)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&c.title)
    .bind(&c.model)
    .bind(c.created_at)
    .bind(c.updated_at)
    .bind(c.job.as_ref().map(sqlx::types::Json))
    .bind(&c.uid)
    .bind(persona_id)
    .bind(&c.instructions)
    .fetch_one(&mut *tx)
    .await?;
    let mut ids: Vec<i64> = Vec::with_capacity(c.messages.len());
    for m in &c.messages {
        let message_id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (conversation_id, role, content, created_at, prompt_tokens,
                 completion_tokens, time_to_first_token_ms, tokens_per_second, duration_ms,
                 stopped, parent_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(m.role.as_str())
        .bind(&m.content)
        .bind(m.created_at)
        .bind(m.measurements.map(|m| m.prompt_tokens))
        .bind(m.measurements.map(|m| m.completion_tokens))
        .bind(m.measurements.and_then(|m| m.time_to_first_token_ms))
        .bind(m.measurements.and_then(|m| m.tokens_per_second))
        .bind(m.measurements.map(|m| m.duration_ms))
        .bind(m.measurements.is_some_and(|m| m.stopped))
        .bind(m.parent.and_then(|p| ids.get(p).copied()))
        .fetch_one(&mut *tx)
        .await?;
        for (rank, source) in m.sources.iter().enumerate() {
            let Some(&document) = document_ids.get(source.document.as_str()) else {
                continue;
            };
            // A document that was here already may be cut differently: a passage it lacks
            // is left out, the answer kept.
            sqlx::query(
                "INSERT OR IGNORE INTO message_sources (message_id, chunk_id, rank)
                 SELECT ?, id, ? FROM document_chunks WHERE document_id = ? AND position = ?",
            )
            .bind(message_id)
            .bind(rank as i64)
            .bind(document)
            .bind(source.chunk as i64)
            .execute(&mut *tx)
            .await?;
        }
        ids.push(message_id);
    }
    for hash in &c.documents {
        if let Some(&document) = document_ids.get(hash.as_str()) {
            sqlx::query(
                "INSERT OR IGNORE INTO conversation_documents (conversation_id, document_id) VALUES (?, ?)",
            )
            .bind(id)
            .bind(document)
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query("UPDATE conversations SET shown_id = ? WHERE id = ?")
        .bind(c.shown.and_then(|s| ids.get(s).copied()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The persona of that name here, else the archived one added.
async fn persona_named_or_added(
    tx: &mut sqlx::SqliteConnection,
    persona: &PersonaFields,
) -> Result<i64, StoreError> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM personas WHERE name = ?")
        .bind(&persona.name)
        .fetch_optional(&mut *tx)
        .await?;
    match existing {
        Some(id) => Ok(id),
        None => Ok(insert_persona(tx, persona).await?.id),
    }
}
