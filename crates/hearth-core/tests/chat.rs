//! The chat flow end to end in the core: the real model and a real SQLite file.

mod common;

use common::{engine, temp_store, RUNTIME};
use hearth_core::chat::{self, Branch, ChatError, ChatRequest};
use hearth_core::engine::{Role, Sampling};
use hearth_core::reply::ReplyEvent;
use hearth_core::store::{Asker, Message, NewMessage, PersonaFields};
use tokio_util::sync::CancellationToken;

fn request(conversation_id: Option<i64>, text: &str) -> ChatRequest<'_> {
    ChatRequest {
        conversation_id,
        text,
        sampling: Some(Sampling {
            temperature: 0.0,
            max_tokens: 24,
            ..Sampling::default()
        }),
        persona: None,
        reads: None,
        branch: Branch::Next,
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
        let mut streamed = String::new();
        let mut tokens = 0;
        let mut long = request(None, "Write a long essay about the sea.");
        long.sampling = Some(Sampling {
            temperature: 0.0,
            max_tokens: 300,
            ..Sampling::default()
        });
        let reply = chat::send(&store, engine, long, &cancel, |e| {
            if let ReplyEvent::Token { text } = e {
                streamed.push_str(&text);
                tokens += 1;
                if tokens == 4 {
                    cancel.cancel();
                }
            }
        })
        .await
        .expect("stopped reply");
        assert!(reply.stopped());
        assert!(tokens >= 4, "{tokens} tokens before the stop");
        assert_eq!(reply.content, streamed, "what was shown is what is kept");
        let stored = store
            .messages(reply.conversation_id)
            .await
            .expect("messages");
        assert_eq!(
            stored.last().map(|m| (m.stopped(), m.content.clone())),
            Some((true, reply.content))
        );
        assert_eq!(reply.model.as_deref(), Some(engine.info().name.as_str()));

        // The stopped reply is counted, and its record outlives the conversation.
        store
            .delete_conversation(reply.conversation_id)
            .await
            .expect("deleted");
        let usage = store.usage_records(None).await.expect("usage");
        assert_eq!(usage.len(), 1);
        let record = &usage[0];
        assert_eq!(record.source, Asker::Chat);
        assert!(record.measurements.stopped);
        assert_eq!(record.model, engine.info().name);
        assert_eq!(
            record.measurements.completion_tokens,
            reply.measurements.map_or(-1, |m| m.completion_tokens)
        );
        assert!(
            record.measurements.duration_ms
                >= record.measurements.time_to_first_token_ms.unwrap_or(0)
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

/// What a caller saw, in order: `Started` with the message's text and versions, the number of
/// token events, and `Finished` with the reply's versions.
fn sequence(events: &[ReplyEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            ReplyEvent::Started { message, .. } => {
                format!("started {} {:?}", message.content, message.versions)
            }
            ReplyEvent::Token { .. } => "token".to_string(),
            ReplyEvent::Finished { message, .. } => format!("finished {:?}", message.versions),
            other => format!("{other:?}"),
        })
        .fold(Vec::new(), |mut seen, e| {
            if !(e == "token" && seen.last().is_some_and(|l| l == "token")) {
                seen.push(e);
            }
            seen
        })
}

#[test]
fn an_edited_question_and_a_regenerated_reply_become_new_versions_beside_the_old() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let cancel = CancellationToken::new();
        let first = chat::send(
            &store,
            engine,
            request(None, "Name a fruit."),
            &cancel,
            |_| {},
        )
        .await
        .expect("reply");
        let c = first.conversation_id;
        let question = store.messages(c).await.expect("messages")[0].clone();

        let mut again = request(Some(c), "");
        again.branch = Branch::Regenerate(first.id);
        again.sampling = Some(Sampling {
            seed: Some(7),
            max_tokens: 24,
            ..Sampling::default()
        });
        let mut events = Vec::new();
        let second = chat::send(&store, engine, again, &cancel, |e| events.push(e))
            .await
            .expect("another reply");
        assert_eq!(
            sequence(&events),
            [
                format!("started Name a fruit. [{}]", question.id),
                "token".to_string(),
                format!("finished [{}, {}]", first.id, second.id),
            ]
        );
        assert_eq!(second.parent_id, Some(question.id));

        let mut edit = request(Some(c), "Name a colour.");
        edit.branch = Branch::Edit(question.id);
        let mut events = Vec::new();
        let answer = chat::send(&store, engine, edit, &cancel, |e| events.push(e))
            .await
            .expect("an answer to the edit");
        let edited = store.messages(c).await.expect("messages");
        assert_eq!(edited.len(), 2);
        assert_eq!(edited[1], answer);
        assert_eq!(edited[0].versions, [question.id, edited[0].id]);
        assert_eq!(
            sequence(&events),
            [
                format!("started Name a colour. [{}, {}]", question.id, edited[0].id),
                "token".to_string(),
                format!("finished [{}]", answer.id),
            ]
        );
        // The model read the edited question alone, as in a new conversation: the same prompt.
        // (Not the same words: the edit's prompt is mostly read from the cache of the first
        // question's, its last few tokens through the replies' kernel, and the default model
        // has near ties that a different order of additions tips.)
        let fresh = chat::send(
            &store,
            engine,
            request(None, "Name a colour."),
            &cancel,
            |_| {},
        )
        .await
        .expect("a fresh answer");
        let prompt_tokens = |m: &Message| m.measurements.map(|m| m.prompt_tokens);
        assert_eq!(prompt_tokens(&answer), prompt_tokens(&fresh));
        assert!(
            prompt_tokens(&fresh).is_some(),
            "replies keep their measurements"
        );

        // The first version is still there with both its replies.
        let old = store.show(c, question.id).await.expect("old branch");
        assert_eq!(old[1].id, second.id);
        assert_eq!(old[1].versions, [first.id, second.id]);
    });
}

#[test]
fn only_questions_are_edited_only_replies_regenerated_and_never_a_jobs_input() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let cancel = CancellationToken::new();
        let reply = chat::send(&store, engine, request(None, "Hi."), &cancel, |_| {})
            .await
            .expect("reply");
        let c = reply.conversation_id;
        let question = reply.parent_id.expect("a question");
        let mut wrong = Vec::new();
        for branch in [Branch::Edit(reply.id), Branch::Regenerate(question)] {
            let mut r = request(Some(c), "Hello.");
            r.branch = branch;
            wrong.push(chat::send(&store, engine, r, &cancel, |_| {}).await);
        }
        assert!(wrong.iter().all(|r| matches!(r, Err(ChatError::WrongRole))));

        let job = serde_json::json!({"job": {"kind": "summarize"}});
        let summary = store
            .create_job_conversation("Summary: text", "m", &job)
            .await
            .expect("job conversation");
        let input = store
            .add_message(
                summary.id,
                NewMessage {
                    role: Role::User,
                    content: "The text.",
                    completion: None,
                    parent_id: None,
                },
            )
            .await
            .expect("input");
        let mut r = request(Some(summary.id), "Another text.");
        r.branch = Branch::Edit(input.id);
        let error = chat::send(&store, engine, r, &cancel, |_| {})
            .await
            .expect_err("a job's input is not edited in the chat");
        assert!(matches!(error, ChatError::JobInput));
        assert_eq!(store.messages(summary.id).await.expect("kept"), [input]);
    });
}

#[test]
fn a_persona_gives_its_instructions_and_sampling_and_a_conversation_its_own() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let cancel = CancellationToken::new();
        let terse = store
            .add_persona(&PersonaFields {
                name: "Terse".into(),
                instructions: "Answer in at most five words. Never explain.".into(),
                temperature: 0.0,
                max_tokens: 6,
            })
            .await
            .expect("persona");
        let ask = |persona: Option<i64>, conversation: Option<i64>| ChatRequest {
            sampling: None,
            persona,
            ..request(conversation, "What is the sea?")
        };
        let mut events = Vec::new();
        let with = chat::send(&store, engine, ask(Some(terse.id), None), &cancel, |e| {
            events.push(e)
        })
        .await
        .expect("with the persona");
        let Some(ReplyEvent::Finished { completion, .. }) = events.last() else {
            panic!("no Finished event: {events:?}");
        };
        let Some(ReplyEvent::Started { conversation, .. }) = events.first() else {
            panic!("no Started event: {events:?}");
        };
        assert_eq!(conversation.persona_id, Some(terse.id));
        assert!(
            completion.measurements.completion_tokens <= 6,
            "{completion:?}"
        );
        assert_eq!(
            store
                .conversation(with.conversation_id)
                .await
                .expect("get")
                .persona_id,
            Some(terse.id)
        );
        // Greedy (the persona's temperature): the same again gives the same reply.
        let again = chat::send(&store, engine, ask(Some(terse.id), None), &cancel, |_| {})
            .await
            .expect("again");
        assert_eq!(again.content, with.content);
        let tokens =
            |m: &hearth_core::store::Message| m.measurements.map_or(0, |m| m.prompt_tokens);

        // The conversation's own instructions take the place of the persona's: the model reads
        // the shorter ones (the question is the same), with the persona's sampling still.
        store
            .set_instructions(with.conversation_id, "Be brief.")
            .await
            .expect("instructions");
        let own = chat::send(
            &store,
            engine,
            ChatRequest {
                branch: Branch::Regenerate(with.id),
                ..ask(None, Some(with.conversation_id))
            },
            &cancel,
            |_| {},
        )
        .await
        .expect("with its own instructions");
        assert!(tokens(&own) < tokens(&with), "{own:?} {with:?}");
        assert!(own.measurements.map_or(0, |m| m.completion_tokens) <= 6);
    });
}
