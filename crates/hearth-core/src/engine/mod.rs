//! mistral.rs behind one small API: `load` a GGUF file, `generate` a reply as a stream of
//! tokens, cancel it with a token. One model at a time; up to `SEQUENCES` requests run
//! together (mistral.rs decodes them as one batch), the rest wait their turn.

mod context;
mod measurements;
pub mod sampling;
mod tokens;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use mistralrs::{
    ChatCompletionChunkResponse, Constraint, CustomLogitsProcessor, GgufModelBuilder, Model,
    RequestBuilder, Response, TextMessageRole, TextMessages, TokenSource,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::models::fit::MAX_CONTEXT;
use crate::models::{self, GgufError};
use crate::text::chunking::TokenCounter;
use crate::text::thinking;
pub use context::ContextPlan;
pub use measurements::Measurements;
pub use sampling::{Sampling, SamplingError};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Model(#[from] GgufError),
    #[error("The model {path} could not be loaded: {reason}")]
    Load { path: PathBuf, reason: String },
    #[error("The engine failed while loading {0}. The file may be damaged or of a kind Hearth cannot run.")]
    LoadCrashed(PathBuf),
    #[error(transparent)]
    Sampling(#[from] SamplingError),
    #[error("The message is too long for this model: it takes {tokens} tokens and at most {limit} fit. Shorten it, or start a new conversation.")]
    PromptTooLong { tokens: usize, limit: usize },
    #[error("The model failed while answering: {0}")]
    Generation(String),
    #[error("The model did not take the request: {0}")]
    Request(#[source] mistralrs::error::Error),
    #[error("The model's tokenizer failed: {0}")]
    Tokenizer(#[source] mistralrs::error::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }

    fn engine_role(self) -> TextMessageRole {
        match self {
            Role::System => TextMessageRole::System,
            Role::User => TextMessageRole::User,
            Role::Assistant => TextMessageRole::Assistant,
        }
    }
}

/// One message of a conversation as the engine sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub role: Role,
    pub content: String,
}

impl Turn {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub name: String,
    pub path: PathBuf,
    pub architecture: String,
    pub context_window: usize,
    pub file_size: u64,
}

/// What a finished (or stopped) generation produced, with its measurements.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    /// The answer; a thinking model's reasoning is in `thinking`, not here.
    pub text: String,
    pub thinking: Option<String>,
    #[serde(flatten)]
    pub measurements: Measurements,
    /// Earlier messages left out so the request fits the context window.
    pub dropped_turns: usize,
    /// The model that wrote it (its file's name).
    pub model: String,
}

pub struct Engine {
    model: Model,
    info: ModelInfo,
    /// A permit for each request the engine runs at once.
    running: Semaphore,
}

/// Requests the engine runs at once. A reply is bound by reading the weights, so decoding
/// several sequences in one batch reads them once for all; each one also keeps a KV cache
/// (up to 128 MB at 4,096 tokens on a 1B model). As many as the kernels multiply exactly as
/// they would alone, so a batch never changes a greedy reply.
pub const SEQUENCES: usize = hearth_kernels::REPLY_ROWS;

/// How many finished sequences' KV caches mistral.rs keeps for prompt reuse (16 by default).
/// One is the conversation being continued; a few more cover the popup, a job's fixed
/// instructions and a document question. Each costs its tokens x 46 KB on the default model
/// (f32), so 16 kept 800 MB through a long summary's parts.
const PREFIX_CACHES: usize = 4;

/// Loads the GGUF file at `path` after checking it, so that nothing the engine would panic on
/// or fetch from the network ever reaches it.
pub async fn load(path: &Path) -> Result<Engine, EngineError> {
    let path = std::fs::canonicalize(path).map_err(|_| GgufError::Missing(path.to_path_buf()))?;
    let gguf = models::inspect(&path)?;
    let (Some(dir), Some(file)) = (path.parent(), path.file_name()) else {
        return Err(GgufError::Missing(path.clone()).into());
    };
    let builder = GgufModelBuilder::new(
        dir.to_string_lossy(),
        vec![file.to_string_lossy().into_owned()],
    )
    .with_token_source(TokenSource::None)
    .with_prefix_cache_n(Some(PREFIX_CACHES))
    .with_max_num_seqs(SEQUENCES)
    .with_force_cpu();
    // build() loads on the calling thread; keep that off the async workers, and turn a panic
    // inside mistral.rs into an error instead of taking the app down.
    let handle = tokio::runtime::Handle::current();
    let model = tokio::task::spawn_blocking(move || handle.block_on(builder.build()))
        .await
        .map_err(|_| EngineError::LoadCrashed(path.clone()))?
        .map_err(|e| EngineError::Load {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    let name = models::name_of(&path, &gguf);
    let context_window = usize::try_from(models::fit::context_window(&gguf)).unwrap_or(MAX_CONTEXT);
    Ok(Engine {
        model,
        info: ModelInfo {
            name,
            path,
            architecture: gguf.architecture,
            context_window,
            file_size: gguf.file_size,
        },
        running: Semaphore::new(SEQUENCES),
    })
}

impl Engine {
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Streams a reply to `turns` through `on_token`. A request waits while `SEQUENCES` others
    /// run.
    /// Cancelling `cancel` ends it within a token and returns what was generated, marked
    /// stopped.
    pub async fn generate(
        &self,
        turns: &[Turn],
        sampling: &Sampling,
        cancel: &CancellationToken,
        on_token: impl FnMut(&str) + Send,
    ) -> Result<Completion, EngineError> {
        self.generate_constrained(turns, sampling, None, None, cancel, on_token)
            .await
    }

    /// Like `generate`, but the reply can only be JSON that matches `schema` (the engine
    /// masks every token that would break it).
    pub async fn generate_json(
        &self,
        turns: &[Turn],
        schema: serde_json::Value,
        max_tokens: usize,
        cancel: &CancellationToken,
    ) -> Result<Completion, EngineError> {
        let greedy = Sampling {
            temperature: 0.0,
            max_tokens,
            ..Sampling::default()
        };
        self.generate_constrained(turns, &greedy, Some(schema), None, cancel, |_| {})
            .await
    }

    async fn generate_constrained(
        &self,
        turns: &[Turn],
        sampling: &Sampling,
        schema: Option<serde_json::Value>,
        observer: Option<Arc<dyn CustomLogitsProcessor>>,
        cancel: &CancellationToken,
        mut on_token: impl FnMut(&str) + Send,
    ) -> Result<Completion, EngineError> {
        sampling.validate()?;
        let _permit = tokio::select! {
            permit = self.running.acquire() => permit,
            _ = cancel.cancelled() => return Ok(Completion {
                measurements: Measurements {
                    stopped: true,
                    ..Measurements::default()
                },
                model: self.info.name.clone(),
                ..Completion::default()
            }),
        };
        let fitted = self.fit_context(turns, sampling.max_tokens).await?;
        let (params, processor) = sampling.engine_params(fitted.max_len);
        let mut request = fitted
            .turns
            .iter()
            .fold(RequestBuilder::new(), |r, t| {
                r.add_message(t.role.engine_role(), &t.content)
            })
            .set_sampling(params);
        for processor in processor.into_iter().chain(observer) {
            request = request.add_logits_processor(processor);
        }
        let json = schema.is_some();
        if let Some(schema) = schema {
            request = request.set_constraint(Constraint::JsonSchema(schema));
        }

        let started = Instant::now();
        let mut stream = self
            .model
            .stream_chat_request(request)
            .await
            .map_err(EngineError::Request)?;
        let mut completion = Completion {
            dropped_turns: fitted.dropped,
            model: self.info.name.clone(),
            ..Completion::default()
        };
        let mut measured = Measurements {
            prompt_tokens: fitted.prompt_tokens as i64,
            ..Measurements::default()
        };
        let mut first_token_at = None;
        loop {
            let response = tokio::select! {
                _ = cancel.cancelled() => {
                    measured.stopped = true;
                    break;
                }
                response = stream.next() => response,
            };
            let Some(response) = response else { break };
            match response {
                Response::Chunk(ChatCompletionChunkResponse { choices, usage, .. }) => {
                    for choice in &choices {
                        if let Some(text) = choice.delta.content.as_deref() {
                            if !text.is_empty() {
                                first_token_at.get_or_insert_with(Instant::now);
                                completion.text.push_str(text);
                                measured.completion_tokens += 1;
                                on_token(text);
                            }
                        }
                    }
                    if let Some(usage) = usage {
                        measured.prompt_tokens = usage.prompt_tokens as i64;
                        measured.completion_tokens = usage.completion_tokens as i64;
                        measured.tokens_per_second = Some(f64::from(usage.avg_compl_tok_per_sec));
                    }
                    if choices.iter().any(|c| c.finish_reason.is_some()) {
                        break;
                    }
                    // mistral.rs 0.8.1 keeps generating (empty tokens) after a constrained
                    // answer is complete, up to the length limit; stop at the closing brace.
                    if json && complete_json(&completion.text) {
                        break;
                    }
                }
                Response::Done(_) => break,
                Response::InternalError(e) | Response::ValidationError(e) => {
                    return Err(EngineError::Generation(e.to_string()))
                }
                Response::ModelError(e, _) => return Err(EngineError::Generation(e)),
                _ => {}
            }
        }
        // Dropping the stream is what tells mistral.rs to stop the sequence.
        drop(stream);
        (completion.thinking, completion.text) = thinking::split(&completion.text);
        measured.duration_ms = started.elapsed().as_millis() as i64;
        if let Some(first) = first_token_at {
            measured.time_to_first_token_ms =
                Some(first.duration_since(started).as_millis() as i64);
            if measured.tokens_per_second.is_none() && measured.completion_tokens > 1 {
                let secs = first.elapsed().as_secs_f64();
                if secs > 0.0 {
                    measured.tokens_per_second =
                        Some((measured.completion_tokens - 1) as f64 / secs);
                }
            }
        }
        completion.measurements = measured;
        Ok(completion)
    }

    /// A greedy reply token by token, each step with the model's `top` likeliest tokens and
    /// their log probabilities (the chosen one first): tells a changed reply from a near tie.
    pub async fn greedy_alternatives(
        &self,
        turns: &[Turn],
        max_tokens: usize,
        top: usize,
    ) -> Result<Vec<Vec<(u32, f32)>>, EngineError> {
        let observer = Arc::new(sampling::TopTokens::new(top));
        let sampling = Sampling {
            temperature: 0.0,
            max_tokens,
            ..Sampling::default()
        };
        let observer_ref: Arc<dyn CustomLogitsProcessor> = observer.clone();
        self.generate_constrained(
            turns,
            &sampling,
            None,
            Some(observer_ref),
            &CancellationToken::new(),
            |_| {},
        )
        .await?;
        Ok(observer.steps())
    }

    /// The text of `tokens`, special tokens included.
    pub async fn detokenize(&self, tokens: Vec<u32>) -> Result<String, EngineError> {
        self.model
            .detokenize(tokens, false)
            .await
            .map_err(EngineError::Tokenizer)
    }

    /// `turns` cut to fit the context window with room for a reply of `max_tokens`.
    pub async fn fit_context(
        &self,
        turns: &[Turn],
        max_tokens: usize,
    ) -> Result<ContextPlan, EngineError> {
        context::fit(self, turns, max_tokens).await
    }

    /// Tokens `text` takes in this model's own tokenizer (no special tokens).
    pub async fn count_text_tokens(&self, text: &str) -> Result<usize, EngineError> {
        self.model
            .tokenize(
                either::Either::Right(text.to_string()),
                None,
                false,
                false,
                None,
            )
            .await
            .map(|tokens| tokens.len())
            .map_err(EngineError::Tokenizer)
    }

    /// Tokens the chat template turns `turns` into, generation prompt included.
    pub async fn count_tokens(&self, turns: &[Turn]) -> Result<usize, EngineError> {
        let messages = turns.iter().fold(TextMessages::new(), |m, t| {
            m.add_message(t.role.engine_role(), &t.content)
        });
        self.model
            .tokenize(either::Either::Left(messages), None, false, true, None)
            .await
            .map(|tokens| tokens.len())
            .map_err(EngineError::Tokenizer)
    }
}

impl TokenCounter for Engine {
    type Error = EngineError;
    fn count(
        &self,
        text: &str,
    ) -> impl std::future::Future<Output = Result<usize, EngineError>> + Send {
        self.count_text_tokens(text)
    }
}

/// Whether `text` is one whole JSON object (so a constrained answer is done).
fn complete_json(text: &str) -> bool {
    text.trim_end().ends_with('}') && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}
