//! Questions about documents: the passages that best match the question (FTS5, BM25) are
//! handed to the model with it, through the one chat path, and the answer keeps them as its
//! sources. A document short enough to fit is handed over whole.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::chat::{self, Branch, ChatError, ChatRequest};
use crate::engine::{Engine, Sampling};
use crate::reply::ReplyEvent;
use crate::store::{Message, Passage, Store, StoreError};

/// Passages handed to the model for one question.
pub const PASSAGES: usize = 3;
/// Documents up to this many characters (about 700 tokens) are given whole.
pub const WHOLE_CHARS: usize = 2800;

#[derive(Debug, thiserror::Error)]
pub enum AskError {
    #[error("Add a document to the conversation first: there is nothing to ask about.")]
    NoDocuments,
    #[error(transparent)]
    Chat(#[from] ChatError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a person asks, and about which documents (added to the conversation's own).
pub struct Question<'a> {
    pub conversation_id: Option<i64>,
    pub documents: &'a [i64],
    pub text: &'a str,
    /// A new question, or a new version of an earlier one or of its answer.
    pub branch: Branch,
    /// The persona the conversation talks with from now on (`None`: the one it has).
    pub persona: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Answer {
    pub message: Message,
    pub sources: Vec<Passage>,
}

pub async fn ask(
    store: &Store,
    engine: &Engine,
    question: Question<'_>,
    cancel: &CancellationToken,
    on_event: impl FnMut(ReplyEvent) + Send,
) -> Result<Answer, AskError> {
    // Asked again: the question is the stored one (its passages are found again).
    let asked;
    let question = match (question.branch, question.conversation_id) {
        (Branch::Regenerate(id), Some(conversation)) => {
            asked = chat::question_of(store, conversation, id).await?.content;
            Question {
                text: &asked,
                ..question
            }
        }
        _ => question,
    };
    let documents = documents_of(store, &question).await?;
    if documents.is_empty() {
        return Err(AskError::NoDocuments);
    }
    answer(store, engine, question, &documents, cancel, on_event).await
}

/// A first answer from documents is greedy, the most faithful to the passages; asking again
/// samples as the conversation does, or it would only repeat the first.
fn sampling_for(branch: Branch) -> Option<Sampling> {
    match branch {
        Branch::Regenerate(_) => None,
        Branch::Next | Branch::Edit(_) => Some(Sampling {
            temperature: 0.0,
            ..Sampling::default()
        }),
    }
}

/// The question's documents and the conversation's, once each.
async fn documents_of(store: &Store, question: &Question<'_>) -> Result<Vec<i64>, StoreError> {
    let mut documents = question.documents.to_vec();
    if let Some(id) = question.conversation_id {
        documents.extend(store.conversation_documents(id).await?.iter().map(|d| d.id));
    }
    documents.sort_unstable();
    documents.dedup();
    Ok(documents)
}

async fn answer(
    store: &Store,
    engine: &Engine,
    question: Question<'_>,
    documents: &[i64],
    cancel: &CancellationToken,
    on_event: impl FnMut(ReplyEvent) + Send,
) -> Result<Answer, AskError> {
    let sources = passages_for(store, documents, question.text).await?;
    let passages = context(store, documents, &sources).await?;
    let request = ChatRequest {
        conversation_id: question.conversation_id,
        text: question.text,
        sampling: sampling_for(question.branch),
        persona: question.persona,
        reads: Some(question_with(&passages, question.text)),
        branch: question.branch,
    };
    let message = chat::send(store, engine, request, cancel, on_event).await?;
    store
        .attach_documents(message.conversation_id, documents)
        .await?;
    store.add_message_sources(message.id, &sources).await?;
    Ok(Answer { message, sources })
}

/// What the model reads for a question about documents: the question with the passages
/// retrieved for it.
fn question_with(passages: &str, question: &str) -> String {
    format!(
        "Answer the question using only these passages from the user's documents. If they do not hold the answer, say that the documents do not say.\n\n{passages}\n\nQuestion: {question}"
    )
}

/// The best passages for `question`; the documents' first passages when no word matches
/// (a question such as "what is this about?").
pub async fn passages_for(
    store: &Store,
    documents: &[i64],
    question: &str,
) -> Result<Vec<Passage>, StoreError> {
    let found = match search_query(question) {
        Some(query) => store.search_chunks(documents, &query, PASSAGES).await?,
        None => Vec::new(),
    };
    if !found.is_empty() {
        return Ok(found);
    }
    store.first_chunks(documents, PASSAGES).await
}

/// What the model reads: the short documents whole, else the passages, each labelled.
async fn context(
    store: &Store,
    documents: &[i64],
    sources: &[Passage],
) -> Result<String, StoreError> {
    let mut whole = Vec::new();
    let mut chars = 0;
    for id in documents {
        let info = store.document_info(*id).await?;
        chars += info.chars as usize;
        whole.push(info);
    }
    if chars <= WHOLE_CHARS {
        let mut parts = Vec::new();
        for info in whole {
            let text = store.document_text(info.id).await?;
            parts.push(format!("Document \"{}\":\n{text}", info.name));
        }
        return Ok(parts.join("\n\n"));
    }
    Ok(sources
        .iter()
        .enumerate()
        .map(|(i, p)| format!("[{}] {}:\n{}", i + 1, label(p), p.text))
        .collect::<Vec<_>>()
        .join("\n\n"))
}

/// "report.pdf, page 3", or the name alone.
pub fn label(passage: &Passage) -> String {
    match passage.page {
        Some(page) => format!("{}, page {page}", passage.document_name),
        None => passage.document_name.clone(),
    }
}

/// Words people use to ask, which match everywhere and so say nothing.
const STOP_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "her",
    "was",
    "one",
    "our",
    "out",
    "has",
    "had",
    "how",
    "its",
    "may",
    "who",
    "why",
    "what",
    "when",
    "where",
    "which",
    "with",
    "this",
    "that",
    "from",
    "they",
    "them",
    "their",
    "there",
    "does",
    "did",
    "have",
    "will",
    "would",
    "could",
    "should",
    "about",
    "into",
    "than",
    "then",
    "also",
    "much",
    "many",
    "some",
    "been",
    "were",
    "your",
    "more",
    "most",
    "is",
    "do",
    "an",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "or",
    "if",
    "it",
    "be",
    "as",
    "a",
    "i",
    "me",
    "my",
    "we",
    "say",
    "says",
    "tell",
    "please",
    "document",
    "documents",
];

/// An FTS5 query matching any of the question's meaningful words (each quoted, so nothing in
/// the question is read as FTS5 syntax). `None` when no word is left.
pub fn search_query(question: &str) -> Option<String> {
    let mut words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()))
        .collect();
    words.dedup();
    if words.is_empty() {
        return None;
    }
    Some(
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_become_safe_fts_queries() {
        assert_eq!(
            search_query("How much is the late fee?").as_deref(),
            Some("\"late\" OR \"fee\"")
        );
        assert_eq!(
            search_query("NEAR(\"x\" AND *) -- drop").as_deref(),
            Some("\"near\" OR \"drop\"")
        );
        assert_eq!(search_query("what is it?"), None);
    }
}
