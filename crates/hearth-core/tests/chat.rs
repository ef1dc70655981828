//! The chat flow end to end in the core: the real model and a real SQLite file.

mod common;

use common::{engine, temp_store, RUNTIME};
use hearth_core::chat::{self, ChatError, ChatRequest};
use hearth_core::engine::{Role, Sampling};
use hearth_core::reply::ReplyEvent;
use tokio_util::sync::CancellationToken;

fn request(conversation_id: Option<i64>, text: &str) -> ChatRequest<'_> {
    ChatRequest {
        conversation_id,
        text,
        sampling: Sampling {
            temperature: 0.0,
            max_tokens: 24,
            ..Sampling::default()
        },
        reads: None,
    }
}

#[test]
fn a_message_and_its_reply_are_stored_and_the_conversation_continues() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let mut events = Vec::new();
        let reply = chat::send(
            &store,
            engine,
            request(None, "Hello! Who are you?"),
            &CancellationToken::new(),
            |e| events.push(e),
        )
        .await
        .expect("reply");
        assert!(matches!(events.first(), Some(ReplyEvent::Started { .. })));
        assert!(matches!(events.last(), Some(ReplyEvent::Finished { .. })));
        let streamed: String = events
            .iter()
            .filter_map(|e| match e {
                ReplyEvent::Token { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(streamed, reply.content);

        let conversation = store
            .conversation(reply.conversation_id)
            .await
            .expect("stored");
        assert_eq!(conversation.title, "Hello! Who are you?");
        chat::send(
            &store,
            engine,
            request(Some(conversation.id), "Thanks."),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .expect("second reply");
        let roles: Vec<Role> = store
            .messages(conversation.id)
            .await
            .expect("messages")
            .iter()
            .map(|m| m.role)
            .collect();
        assert_eq!(
            roles,
            vec![Role::User, Role::Assistant, Role::User, Role::Assistant]
        );
    });
}

#[test]
fn a_stopped_reply_is_stored_with_what_was_generated() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let cancel = CancellationToken::new();
        let mut tokens = 0;
        let mut long = request(None, "Write a long essay about the sea.");
        long.sampling.max_tokens = 300;
        let reply = chat::send(&store, engine, long, &cancel, |e| {
            if matches!(e, ReplyEvent::Token { .. }) {
                tokens += 1;
                if tokens == 4 {
                    cancel.cancel();
                }
            }
        })
        .await
        .expect("stopped reply");
        assert!(reply.stopped);
        assert!(!reply.content.is_empty());
        let stored = store
            .messages(reply.conversation_id)
            .await
            .expect("messages");
        assert_eq!(
            stored.last().map(|m| (m.stopped, m.content.clone())),
            Some((true, reply.content))
        );
    });
}

#[test]
fn an_empty_message_is_refused_and_nothing_is_stored() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let error = chat::send(
            &store,
            engine,
            request(None, "  \n\t "),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .expect_err("refused");
        assert!(matches!(error, ChatError::EmptyMessage));
        assert!(store.list_conversations().await.expect("list").is_empty());
        let missing = chat::send(
            &store,
            engine,
            request(Some(42), "hi"),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .expect_err("no such conversation");
        assert!(missing.to_string().contains("does not exist"));
    });
}
