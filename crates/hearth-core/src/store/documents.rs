//! Documents, their chunks and the FTS5 index over them; which documents a conversation is
//! about, and which passages an answer used.

use serde::{Deserialize, Serialize};

use super::{now_ms, Store, StoreError};

/// A document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, ts_rs::TS)]
#[ts(rename = "DocumentKind")]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum Kind {
    Text,
    Markdown,
    Html,
    Pdf,
    Docx,
    Odt,
    Csv,
    Code,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Markdown => "markdown",
            Kind::Html => "HTML",
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Odt => "ODT",
            Kind::Csv => "CSV",
            Kind::Code => "source code",
        }
    }
}

/// A passage of a document's text, as it is cut for retrieval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkText {
    /// 1-based, for formats with pages.
    pub page: Option<i64>,
    pub text: String,
}

/// A document as listed: everything but its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInfo {
    pub id: i64,
    pub name: String,
    pub hash: String,
    pub size: i64,
    pub kind: Kind,
    /// For formats with pages.
    pub pages: Option<i64>,
    pub chars: i64,
    pub added_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub name: &'a str,
    pub hash: &'a str,
    pub size: i64,
    pub kind: Kind,
    pub pages: Option<i64>,
    pub text: &'a str,
}

/// A chunk of a document, as found by a search or cited by an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Passage {
    pub chunk_id: i64,
    pub document_id: i64,
    pub document_name: String,
    pub page: Option<i64>,
    pub text: String,
}

const INFO: &str =
    "SELECT id, name, hash, size, kind, pages, length(text) AS chars, added_at FROM documents";

impl Store {
    /// Stores a document and its chunks (indexed by the schema's triggers) in one transaction.
    pub async fn add_document(
        &self,
        document: NewDocument<'_>,
        chunks: &[ChunkText],
    ) -> Result<DocumentInfo, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_document(&mut tx, &document, now_ms(), chunks).await?;
        tx.commit().await?;
        self.document_info(id).await
    }

    pub async fn document_by_hash(&self, hash: &str) -> Result<Option<DocumentInfo>, StoreError> {
        Ok(sqlx::query_as(&format!("{INFO} WHERE hash = ?"))
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn document_info(&self, id: i64) -> Result<DocumentInfo, StoreError> {
        sqlx::query_as(&format!("{INFO} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::DocumentNotFound(id))
    }

    /// Newest first.
    pub async fn list_documents(&self) -> Result<Vec<DocumentInfo>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{INFO} ORDER BY added_at DESC, id DESC"))
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn document_text(&self, id: i64) -> Result<String, StoreError> {
        sqlx::query_scalar("SELECT text FROM documents WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::DocumentNotFound(id))
    }

    /// Deletes a document with its chunks, their index entries and its attachments.
    pub async fn delete_document(&self, id: i64) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM documents WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::DocumentNotFound(id));
        }
        self.wipe_deleted(&["document_chunks_index"]).await
    }

    /// The `limit` chunks of `documents` that best match `query` (an FTS5 query), best first
    /// by BM25.
    pub async fn search_chunks(
        &self,
        documents: &[i64],
        query: &str,
        limit: usize,
    ) -> Result<Vec<Passage>, StoreError> {
        let ids = serde_json::to_string(documents).unwrap_or_else(|_| "[]".to_string());
        Ok(sqlx::query_as(
            "SELECT c.id AS chunk_id, c.document_id, d.name AS document_name, c.page, c.text
             FROM document_chunks_index
             JOIN document_chunks c ON c.id = document_chunks_index.rowid
             JOIN documents d ON d.id = c.document_id
             WHERE document_chunks_index MATCH ?
               AND c.document_id IN (SELECT value FROM json_each(?))
             ORDER BY bm25(document_chunks_index)
             LIMIT ?",
        )
        .bind(query)
        .bind(ids)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The first `limit` chunks of `documents`, in reading order.
    pub async fn first_chunks(
        &self,
        documents: &[i64],
        limit: usize,
    ) -> Result<Vec<Passage>, StoreError> {
        let ids = serde_json::to_string(documents).unwrap_or_else(|_| "[]".to_string());
        Ok(sqlx::query_as(
            "SELECT c.id AS chunk_id, c.document_id, d.name AS document_name, c.page, c.text
             FROM document_chunks c JOIN documents d ON d.id = c.document_id
             WHERE c.document_id IN (SELECT value FROM json_each(?))
             ORDER BY c.position, c.document_id
             LIMIT ?",
        )
        .bind(ids)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn attach_documents(
        &self,
        conversation_id: i64,
        documents: &[i64],
    ) -> Result<(), StoreError> {
        for document in documents {
            sqlx::query(
                "INSERT OR IGNORE INTO conversation_documents (conversation_id, document_id) VALUES (?, ?)",
            )
            .bind(conversation_id)
            .bind(document)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    pub async fn conversation_documents(
        &self,
        conversation_id: i64,
    ) -> Result<Vec<DocumentInfo>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{INFO} WHERE id IN (SELECT document_id FROM conversation_documents WHERE conversation_id = ?) ORDER BY id"
        ))
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn add_message_sources(
        &self,
        message_id: i64,
        passages: &[Passage],
    ) -> Result<(), StoreError> {
        for (rank, passage) in passages.iter().enumerate() {
            sqlx::query(
                "INSERT OR IGNORE INTO message_sources (message_id, chunk_id, rank) VALUES (?, ?, ?)",
            )
            .bind(message_id)
            .bind(passage.chunk_id)
            .bind(rank as i64)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The passages each answer of a conversation used: (message id, passage), best first.
    pub async fn conversation_sources(
        &self,
        conversation_id: i64,
    ) -> Result<Vec<(i64, Passage)>, StoreError> {
        let rows: Vec<SourceRow> = sqlx::query_as(
            "SELECT s.message_id, c.id AS chunk_id, c.document_id, d.name AS document_name, c.page, c.text
             FROM message_sources s
             JOIN messages m ON m.id = s.message_id
             JOIN document_chunks c ON c.id = s.chunk_id
             JOIN documents d ON d.id = c.document_id
             WHERE m.conversation_id = ?
             ORDER BY s.message_id, s.rank",
        )
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.message_id, r.passage))
            .collect())
    }
}

/// Inserts a document added at `added_at` and its chunks, in the caller's transaction.
pub(super) async fn insert_document(
    tx: &mut sqlx::SqliteConnection,
    document: &NewDocument<'_>,
    added_at: i64,
    chunks: &[ChunkText],
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (name, hash, size, kind, pages, text, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(document.name)
    .bind(document.hash)
    .bind(document.size)
    .bind(document.kind)
    .bind(document.pages)
    .bind(document.text)
    .bind(added_at)
    .fetch_one(&mut *tx)
    .await?;
    for (position, chunk) in chunks.iter().enumerate() {
        sqlx::query(
            "INSERT INTO document_chunks (document_id, position, page, text) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(chunk.page)
        .bind(&chunk.text)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    message_id: i64,
    #[sqlx(flatten)]
    passage: Passage,
}
