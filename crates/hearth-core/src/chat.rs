//! A chat message, from the window and the command line: the conversation is opened (or
//! made), the user's message stored, and the reply streams from the engine and is kept
//! through `reply` (whose module documents the events). A message can also be a new version of
//! an earlier question, or ask again for another reply: the old versions stay, as branches.

use tokio_util::sync::CancellationToken;

use crate::engine::{Engine, EngineError, Role, Sampling, Turn};
use crate::reply::{Reply, ReplyEvent};
use crate::store::{
    title_from, Asker, Conversation, Message, NewMessage, Persona, Store, StoreError,
};

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("Type a message first: an empty message has nothing to answer.")]
    EmptyMessage,
    #[error("Only your own messages can be edited, and only replies regenerated.")]
    WrongRole,
    #[error("This came from a job: run the job again for another result.")]
    JobInput,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

pub struct ChatRequest<'a> {
    pub conversation_id: Option<i64>,
    pub text: &'a str,
    /// `None`: the conversation's persona's sampling, else Hearth's default.
    pub sampling: Option<Sampling>,
    /// The persona the conversation talks with from now on (`None`: the one it has).
    pub persona: Option<i64>,
    /// What the model reads in place of the message (the question with passages of
    /// documents); history keeps only the message.
    pub reads: Option<String>,
    pub branch: Branch,
}

/// Where a message goes in the conversation's tree of messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum Branch {
    /// After the last message shown.
    #[default]
    Next,
    /// A new version of this question of the person's, beside it; the text is the new one.
    Edit(i64),
    /// Another reply beside this one, to the same question (the text is not used).
    Regenerate(i64),
}

/// The question a reply answers, for asking it again. A job's first reply is not a chat
/// answer, so it is refused.
pub async fn question_of(
    store: &Store,
    conversation_id: i64,
    reply_id: i64,
) -> Result<Message, ChatError> {
    let reply = store.message(conversation_id, reply_id).await?;
    let question = match reply.parent_id {
        Some(id) if reply.role == Role::Assistant => store.message(conversation_id, id).await?,
        _ => return Err(ChatError::WrongRole),
    };
    own_question(store, question).await
}

/// A question of the person's in a chat turn (not a job's input).
async fn own_question(store: &Store, question: Message) -> Result<Message, ChatError> {
    if question.role != Role::User {
        return Err(ChatError::WrongRole);
    }
    let job = store.conversation(question.conversation_id).await?.job;
    if job.is_some() && question.parent_id.is_none() {
        return Err(ChatError::JobInput);
    }
    Ok(question)
}

pub async fn send(
    store: &Store,
    engine: &Engine,
    request: ChatRequest<'_>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ReplyEvent) + Send,
) -> Result<Message, ChatError> {
    let text = request.text.trim();
    if text.is_empty() && !matches!(request.branch, Branch::Regenerate(_)) {
        return Err(ChatError::EmptyMessage);
    }
    // A persona's sampling was checked when it was saved; the caller's is checked here,
    // before anything is stored.
    if let Some(sampling) = &request.sampling {
        sampling.validate().map_err(EngineError::from)?;
    }
    let chosen = match request.persona {
        Some(id) => Some(store.persona(id).await?),
        None => None,
    };
    let mut conversation = match request.conversation_id {
        Some(id) => store.conversation(id).await?,
        None => match request.branch {
            Branch::Next => {
                store
                    .create_conversation(&title_from(text), &engine.info().name)
                    .await?
            }
            Branch::Edit(id) | Branch::Regenerate(id) => {
                return Err(StoreError::MessageNotFound(id).into())
            }
        },
    };
    let (parent_id, asked) = place(store, &conversation, request.branch).await?;
    if let Some(persona) = &chosen {
        store.set_persona(conversation.id, Some(persona.id)).await?;
        conversation.persona_id = Some(persona.id);
    }
    let (sampling, instructions) = voice(store, &conversation, chosen, request.sampling).await?;
    let mut history: Vec<_> = instructions
        .map(|text| Turn::new(Role::System, text))
        .into_iter()
        .chain(
            store
                .branch_to(conversation.id, parent_id)
                .await?
                .iter()
                .map(Message::turn),
        )
        .collect();
    let user_message = match asked {
        Some(question) => question,
        None => {
            store
                .add_message(
                    conversation.id,
                    NewMessage {
                        role: Role::User,
                        content: text,
                        completion: None,
                        parent_id,
                    },
                )
                .await?
        }
    };
    // Only questions about documents read something in place of the message.
    let source = match request.reads {
        Some(_) => Asker::Document,
        None => Asker::Chat,
    };
    history.push(match request.reads {
        Some(reads) => Turn::new(Role::User, reads),
        None => user_message.turn(),
    });
    let mut reply = Reply::start(
        store,
        engine,
        source,
        conversation,
        user_message,
        &mut on_event,
    );
    let result = engine
        .generate(&history, &sampling, cancel, |token| {
            reply.emit(ReplyEvent::Token {
                text: token.to_string(),
            });
        })
        .await;
    reply.keep(result.map_err(ChatError::from)).await
}

/// Where the message goes: the message it follows, and (for another reply) the question
/// already stored.
async fn place(
    store: &Store,
    conversation: &Conversation,
    branch: Branch,
) -> Result<(Option<i64>, Option<Message>), ChatError> {
    Ok(match branch {
        Branch::Next => (conversation.shown_id, None),
        Branch::Edit(id) => {
            let edited = own_question(store, store.message(conversation.id, id).await?).await?;
            (edited.parent_id, None)
        }
        Branch::Regenerate(id) => {
            let question = question_of(store, conversation.id, id).await?;
            (question.parent_id, Some(question))
        }
    })
}

/// How the conversation speaks: the caller's sampling, else its persona's, else the default;
/// its own instructions, else its persona's.
async fn voice(
    store: &Store,
    conversation: &Conversation,
    chosen: Option<Persona>,
    sampling: Option<Sampling>,
) -> Result<(Sampling, Option<String>), ChatError> {
    let persona = match (chosen, conversation.persona_id) {
        (Some(persona), _) => Some(persona),
        (None, Some(id)) => Some(store.persona(id).await?),
        (None, None) => None,
    };
    let sampling = sampling
        .or(persona.as_ref().map(Persona::sampling))
        .unwrap_or_default();
    let instructions = conversation
        .instructions
        .clone()
        .or(persona.map(|p| p.instructions));
    Ok((sampling, instructions))
}
