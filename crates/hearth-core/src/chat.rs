//! The one path a chat message takes, shared by the window and the command line: the user's
//! message is committed, the reply streams from the engine, and the reply (complete, stopped
//! or cut short by an error) is committed with its measurements.

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::engine::{Completion, Engine, EngineError, Role, Sampling, Turn};
use crate::jobs::{prompts, Progress};
use crate::store::{title_from, Conversation, Message, NewMessage, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("Type a message first: an empty message has nothing to answer.")]
    EmptyMessage,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What the caller sees while a message is answered, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ChatEvent {
    /// The user's message is stored (in a new conversation when none was given).
    Started {
        conversation: Conversation,
        message: Message,
    },
    Token {
        text: String,
    },
    /// Where a long job is (jobs only).
    Progress(Progress),
    /// The reply is stored.
    Finished {
        message: Message,
        completion: Completion,
    },
}

pub struct ChatRequest<'a> {
    pub conversation_id: Option<i64>,
    pub text: &'a str,
    pub sampling: Sampling,
    /// Passages of documents the model reads with this message to answer it; history keeps
    /// only the message.
    pub passages: Option<&'a str>,
}

pub async fn send(
    store: &Store,
    engine: &Engine,
    request: ChatRequest<'_>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ChatEvent) + Send,
) -> Result<Message, ChatError> {
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ChatError::EmptyMessage);
    }
    request.sampling.validate().map_err(EngineError::from)?;
    let conversation = match request.conversation_id {
        Some(id) => store.conversation(id).await?,
        None => {
            store
                .create_conversation(&title_from(text), &engine.info().name)
                .await?
        }
    };
    let mut history: Vec<_> = store
        .messages(conversation.id)
        .await?
        .iter()
        .map(Message::turn)
        .collect();
    let user_message = store
        .add_message(
            conversation.id,
            NewMessage {
                role: Role::User,
                content: text,
                completion: None,
            },
        )
        .await?;
    history.push(match request.passages {
        Some(passages) => Turn::new(Role::User, prompts::document_question(passages, text)),
        None => user_message.turn(),
    });
    let conversation_id = conversation.id;
    on_event(ChatEvent::Started {
        conversation,
        message: user_message,
    });

    let mut partial = String::new();
    let result = engine
        .generate(&history, &request.sampling, cancel, |token| {
            partial.push_str(token);
            on_event(ChatEvent::Token {
                text: token.to_string(),
            });
        })
        .await;
    let result = result.map_err(ChatError::from);
    let (reply, completion) = keep_reply(store, conversation_id, result, partial).await?;
    on_event(ChatEvent::Finished {
        message: reply.clone(),
        completion,
    });
    Ok(reply)
}

/// Stores the reply of a generation that ended: complete, stopped, or failed part-way (what
/// the model said before it failed is kept, marked as cut short, and the error returned).
pub(crate) async fn keep_reply<E: From<StoreError>>(
    store: &Store,
    conversation_id: i64,
    result: Result<Completion, E>,
    partial: String,
) -> Result<(Message, Completion), E> {
    match result {
        Ok(completion) => {
            let reply = save_reply(store, conversation_id, &completion).await?;
            Ok((reply, completion))
        }
        Err(error) => {
            if !partial.is_empty() {
                let cut = Completion {
                    text: partial,
                    stopped: true,
                    ..Completion::default()
                };
                save_reply(store, conversation_id, &cut).await?;
            }
            Err(error)
        }
    }
}

async fn save_reply(
    store: &Store,
    conversation_id: i64,
    completion: &Completion,
) -> Result<Message, StoreError> {
    store
        .add_message(
            conversation_id,
            NewMessage {
                role: Role::Assistant,
                content: &completion.text,
                completion: Some(completion),
            },
        )
        .await
}

/// Joins tokens that come closer together than `every` into one `Token` event, so that a
/// window redraws a few times a second rather than once per token: rendering every token
/// took most of one of two cores in the webview and cut reply speed threefold. Any other
/// event passes at once, after the tokens held before it; tokens still held when the batcher
/// is dropped are sent then, so none is lost when a reply ends without `Finished`.
pub struct TokenBatcher<F: FnMut(ChatEvent)> {
    emit: F,
    every: Duration,
    held: String,
    sent_at: Option<Instant>,
}

impl<F: FnMut(ChatEvent)> TokenBatcher<F> {
    pub fn new(every: Duration, emit: F) -> Self {
        Self {
            emit,
            every,
            held: String::new(),
            sent_at: None,
        }
    }

    pub fn push(&mut self, event: ChatEvent) {
        match event {
            ChatEvent::Token { text } => {
                self.held.push_str(&text);
                // The first token goes at once: the time to the first word is what people feel.
                if self.sent_at.is_none_or(|at| at.elapsed() >= self.every) {
                    self.flush();
                }
            }
            other => {
                self.flush();
                (self.emit)(other);
            }
        }
    }

    fn flush(&mut self) {
        if !self.held.is_empty() {
            let text = std::mem::take(&mut self.held);
            (self.emit)(ChatEvent::Token { text });
            self.sent_at = Some(Instant::now());
        }
    }
}

impl<F: FnMut(ChatEvent)> Drop for TokenBatcher<F> {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(events: &[ChatEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                ChatEvent::Token { text } => text.clone(),
                ChatEvent::Progress(_) => "<progress>".to_string(),
                _ => "<other>".to_string(),
            })
            .collect()
    }

    #[test]
    fn batcher_sends_the_first_token_at_once_and_joins_the_rest_until_the_interval() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::from_secs(3600), |e| seen.push(e));
            for t in ["Hel", "lo", ", ", "world"] {
                batcher.push(ChatEvent::Token { text: t.into() });
            }
        }
        assert_eq!(tokens(&seen), ["Hel", "lo, world"]);
    }

    #[test]
    fn batcher_sends_held_tokens_before_any_other_event() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::from_secs(3600), |e| seen.push(e));
            batcher.push(ChatEvent::Token { text: "a".into() });
            batcher.push(ChatEvent::Token { text: "b".into() });
            batcher.push(ChatEvent::Progress(Progress {
                stage: crate::jobs::Stage::Reading,
                step: 1,
                steps: 2,
            }));
            batcher.push(ChatEvent::Token { text: "c".into() });
        }
        assert_eq!(tokens(&seen), ["a", "b", "<progress>", "c"]);
    }

    #[test]
    fn batcher_with_no_interval_sends_every_token() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::ZERO, |e| seen.push(e));
            for t in ["x", "y", "z"] {
                batcher.push(ChatEvent::Token { text: t.into() });
            }
        }
        assert_eq!(tokens(&seen), ["x", "y", "z"]);
    }
}
