//! A document's text cut into passages for retrieval: about `CHUNK_WORDS` words each, at
//! paragraph, else sentence, else word boundaries (the jobs' splitter, counting words instead
//! of model tokens so that adding a document needs no model), each with its page.

use std::convert::Infallible;
use std::future::Future;

use super::Extracted;
use crate::store::ChunkText;
use crate::text::chunking::{self, TokenCounter};

/// Small enough that three passages and a question fit a short prompt.
pub const CHUNK_WORDS: usize = 120;

struct Words;

impl TokenCounter for Words {
    type Error = Infallible;
    fn count(&self, text: &str) -> impl Future<Output = Result<usize, Infallible>> + Send {
        std::future::ready(Ok(text.split_whitespace().count()))
    }
}

pub async fn split(extracted: &Extracted) -> Vec<ChunkText> {
    let mut chunks = Vec::new();
    for (index, page) in extracted.pages.iter().enumerate() {
        let page_number = extracted.paged.then_some(index as i64 + 1);
        let Ok(pieces) = chunking::split(page, CHUNK_WORDS, &Words).await;
        chunks.extend(
            pieces
                .into_iter()
                .map(|c| c.text.trim())
                .filter(|t| !t.is_empty())
                .map(|text| ChunkText {
                    page: page_number,
                    text: text.to_string(),
                }),
        );
    }
    chunks
}
