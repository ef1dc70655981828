//! A document's text cut into passages for retrieval: about `CHUNK_WORDS` words each, at
//! paragraph, else sentence, else word boundaries (the jobs' splitter, counting words instead
//! of model tokens so that adding a document needs no model), each with its page.

use std::future::Future;

use super::Extracted;
use crate::engine::EngineError;
use crate::store::ChunkText;
use crate::text::chunking::{self, TokenCounter};

/// Small enough that three passages and a question fit a short prompt.
pub const CHUNK_WORDS: usize = 120;

struct Words;

impl TokenCounter for Words {
    fn count(&self, text: &str) -> impl Future<Output = Result<usize, EngineError>> + Send {
        std::future::ready(Ok(text.split_whitespace().count()))
    }
}

pub async fn split(extracted: &Extracted) -> Vec<ChunkText> {
    let mut chunks = Vec::new();
    for (index, page) in extracted.pages.iter().enumerate() {
        let page_number = extracted.paged.then_some(index as i64 + 1);
        let pieces = match chunking::split(page, CHUNK_WORDS, &Words).await {
            Ok(pieces) => pieces.into_iter().map(|c| c.text).collect(),
            // Counting words cannot fail; keep the page whole if it ever did.
            Err(_) => vec![page.as_str()],
        };
        chunks.extend(
            pieces
                .into_iter()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|text| ChunkText {
                    page: page_number,
                    text: text.to_string(),
                }),
        );
    }
    chunks
}
