//! Generation from raw prompt tokens, with no chat template: what another engine fed the same
//! tokens can be compared with (the per-architecture conformance tests).

use std::sync::Arc;

use image::DynamicImage;
use indexmap::IndexMap;
use mistralrs::{
    Constraint, CustomLogitsProcessor, MessageContent, RequestLike, RequestMessage, Response,
    SamplingParams, Tool, ToolChoice, WebSearchOptions,
};

use super::sampling::{Sampling, TopTokens};
use super::{Engine, EngineError};

/// A completion request for `tokens` as they are: mistral.rs adds nothing to them.
struct TokensRequest {
    tokens: Vec<u32>,
    sampling: SamplingParams,
    processors: Vec<Arc<dyn CustomLogitsProcessor>>,
}

impl RequestLike for TokensRequest {
    fn messages_ref(&self) -> &[IndexMap<String, MessageContent>] {
        &[]
    }
    fn images_ref(&self) -> &[DynamicImage] {
        &[]
    }
    fn take_messages(&mut self) -> RequestMessage {
        RequestMessage::CompletionTokens(std::mem::take(&mut self.tokens))
    }
    fn take_logits_processors(&mut self) -> Option<Vec<Arc<dyn CustomLogitsProcessor>>> {
        Some(std::mem::take(&mut self.processors))
    }
    fn take_adapters(&mut self) -> Option<Vec<String>> {
        None
    }
    fn return_logprobs(&self) -> bool {
        false
    }
    fn enable_search(&self) -> Option<bool> {
        None
    }
    fn take_constraint(&mut self) -> Constraint {
        Constraint::None
    }
    fn take_tools(&mut self) -> Option<(Vec<Tool>, ToolChoice)> {
        None
    }
    fn take_sampling_params(&mut self) -> SamplingParams {
        self.sampling.clone()
    }
    fn take_web_search_options(&mut self) -> Option<WebSearchOptions> {
        None
    }
}

impl Engine {
    /// Greedy steps after `prompt` (token ids, used as they are), each with the model's `top`
    /// likeliest tokens and their log probabilities, the chosen one first. Ends after
    /// `max_tokens` steps or at the model's end-of-sequence token.
    pub async fn greedy_alternatives_from_tokens(
        &self,
        prompt: Vec<u32>,
        max_tokens: usize,
        top: usize,
    ) -> Result<Vec<Vec<(u32, f32)>>, EngineError> {
        let greedy = Sampling {
            temperature: 0.0,
            max_tokens,
            ..Sampling::default()
        };
        greedy.validate()?;
        let (sampling, _) = greedy.engine_params(max_tokens);
        let observer = Arc::new(TopTokens::new(top));
        let request = TokensRequest {
            tokens: prompt,
            sampling,
            processors: vec![observer.clone()],
        };
        let _permit = self.running.acquire().await;
        let mut stream = self
            .model
            .stream_chat_request(request)
            .await
            .map_err(EngineError::Request)?;
        while let Some(response) = stream.next().await {
            match response {
                Response::CompletionChunk(chunk)
                    if chunk.choices.iter().any(|c| c.finish_reason.is_some()) =>
                {
                    break
                }
                Response::CompletionDone(_) | Response::Done(_) => break,
                Response::InternalError(e) | Response::ValidationError(e) => {
                    return Err(EngineError::Generation(e.to_string()))
                }
                Response::ModelError(e, _) | Response::CompletionModelError(e, _) => {
                    return Err(EngineError::Generation(e))
                }
                _ => {}
            }
        }
        Ok(observer.steps())
    }
}
