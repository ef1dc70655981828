//! A chat message, from the window and the command line: the conversation is opened (or
//! made), the user's message stored, and the reply streams from the engine and is kept
//! through `reply` (whose module documents the events).

use tokio_util::sync::CancellationToken;

use crate::engine::{Engine, EngineError, Role, Sampling, Turn};
use crate::reply::{Reply, ReplyEvent};
use crate::store::{title_from, Message, NewMessage, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("Type a message first: an empty message has nothing to answer.")]
    EmptyMessage,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

pub struct ChatRequest<'a> {
    pub conversation_id: Option<i64>,
    pub text: &'a str,
    pub sampling: Sampling,
    /// What the model reads in place of the message (the question with passages of
    /// documents); history keeps only the message.
    pub reads: Option<String>,
}

pub async fn send(
    store: &Store,
    engine: &Engine,
    request: ChatRequest<'_>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ReplyEvent) + Send,
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
    history.push(match request.reads {
        Some(reads) => Turn::new(Role::User, reads),
        None => user_message.turn(),
    });
    let mut reply = Reply::start(store, conversation, user_message, &mut on_event);
    let result = engine
        .generate(&history, &request.sampling, cancel, |token| {
            reply.emit(ReplyEvent::Token {
                text: token.to_string(),
            });
        })
        .await;
    reply.keep(result.map_err(ChatError::from)).await
}
