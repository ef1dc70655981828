//! The one way a reply streams and is kept, under chat, jobs and documents alike: the caller
//! opens the conversation and stores the user's message, then `Reply` reports it, streams what
//! the model writes, and keeps the reply with its measurements.
//!
//! # The event contract
//! A caller's `on_event` sees, for a reply kept in history:
//! 1. `Started` once, first: the user's message is stored (in a new conversation if needed),
//!    or, when another reply is asked for, it is the stored question that reply answers. The
//!    message's `parent_id` says where its branch leaves the one shown before.
//! 2. `Progress`, `Note` and `Token` events, interleaved, as the work goes on. The text of the
//!    `Token`s, joined, is exactly what will be stored as the reply; a `Token` may hold many
//!    tokens (the app joins them further, to redraw its window less often). `Progress` and
//!    `Note` come from jobs only: `Note`s are the working notes of a long text's parts as the
//!    model writes them (shown while the text is read, so a person reads something within
//!    seconds), never stored.
//! 3. `Finished` once, last: the reply is stored; `completion.measurements.stopped` says
//!    whether it was stopped (the cancellation token) before its end. A stopped reply is kept
//!    and finishes like any other.
//!
//! On an error after `Started`, no `Finished` comes: what was shown so far is kept as a reply
//! marked as cut short, and the error is returned. On an error before `Started`, nothing is
//! stored and no event comes. A quick job (the popup's, kept nowhere) sends only `Progress`,
//! `Note` and `Token`.

use std::time::Instant;

use serde::Serialize;

use crate::engine::{Completion, Engine, Measurements, Role};
use crate::store::{Asker, Conversation, Message, NewMessage, Store, StoreError};
use crate::usage;

/// What the caller sees while a message is answered, in the order the module's contract gives.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ReplyEvent {
    /// The user's message is stored (in a new conversation when none was given), or the
    /// question that another reply is asked for.
    Started {
        conversation: Conversation,
        message: Message,
    },
    Token {
        text: String,
    },
    /// Part of the notes on a long text, as they are written (jobs only; not the reply).
    Note {
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

/// Where a long job is: `step` of `steps` in a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Progress {
    pub stage: Stage,
    pub step: usize,
    pub steps: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Counting tokens and cutting the text into chunks.
    Splitting,
    /// Taking notes on each chunk of a long text (map).
    Reading,
    /// Condensing the notes when they are still too long (reduce).
    Combining,
    /// Writing the final answer.
    Writing,
    Translating,
    Rewriting,
    Classifying,
    Extracting,
}

/// A reply on its way: events pass through it, and it remembers the text shown so that a
/// reply cut short by an error is still kept. Either way the request is counted in usage.
pub struct Reply<'a> {
    store: &'a Store,
    source: Asker,
    model: &'a str,
    started: Instant,
    conversation_id: i64,
    /// The user's message the reply answers (and follows in the tree).
    answers: i64,
    on_event: &'a mut (dyn FnMut(ReplyEvent) + Send),
    shown: String,
}

impl<'a> Reply<'a> {
    /// Reports that `message` (the user's, already stored) opened the reply, which `engine`
    /// writes for `source`.
    pub fn start(
        store: &'a Store,
        engine: &'a Engine,
        source: Asker,
        conversation: Conversation,
        message: Message,
        on_event: &'a mut (dyn FnMut(ReplyEvent) + Send),
    ) -> Self {
        let conversation_id = conversation.id;
        let answers = message.id;
        on_event(ReplyEvent::Started {
            conversation,
            message,
        });
        Self {
            store,
            source,
            model: &engine.info().name,
            started: Instant::now(),
            conversation_id,
            answers,
            on_event,
            shown: String::new(),
        }
    }

    pub fn emit(&mut self, event: ReplyEvent) {
        if let ReplyEvent::Token { text } = &event {
            self.shown.push_str(text);
        }
        (self.on_event)(event);
    }

    /// Stores the reply of a generation that ended: complete, stopped, or failed part-way
    /// (what was shown before the error is kept, marked as cut short, and the error returned).
    pub async fn keep<E: From<StoreError>>(
        self,
        result: Result<Completion, E>,
    ) -> Result<Message, E> {
        match result {
            Ok(completion) => {
                let message =
                    keep(self.store, self.conversation_id, self.answers, &completion).await?;
                usage::count(self.store, self.source, &completion).await?;
                (self.on_event)(ReplyEvent::Finished {
                    message: message.clone(),
                    completion,
                });
                Ok(message)
            }
            Err(error) => {
                let (thinking, text) = crate::text::thinking::split(&self.shown);
                let cut = Completion {
                    text,
                    thinking,
                    measurements: Measurements {
                        stopped: true,
                        duration_ms: self.started.elapsed().as_millis() as i64,
                        ..Measurements::default()
                    },
                    model: self.model.to_string(),
                    ..Completion::default()
                };
                if !self.shown.is_empty() {
                    keep(self.store, self.conversation_id, self.answers, &cut).await?;
                }
                usage::count(self.store, self.source, &cut).await?;
                Err(error)
            }
        }
    }
}

/// Stores `completion` as the assistant's reply to message `answers` of a conversation.
pub async fn keep(
    store: &Store,
    conversation_id: i64,
    answers: i64,
    completion: &Completion,
) -> Result<Message, StoreError> {
    store
        .add_message(
            conversation_id,
            NewMessage {
                role: Role::Assistant,
                content: &completion.text,
                completion: Some(completion),
                parent_id: Some(answers),
            },
        )
        .await
}
