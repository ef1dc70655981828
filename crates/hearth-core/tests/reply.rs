//! The reply path's event contract (documented in `hearth_core::reply`), for chat and jobs, as
//! exact sequences: a reply, a stopped reply, an error after `Started`, an error before it.

mod common;

use common::{engine, temp_store, RUNTIME};
use hearth_core::chat::{self, Branch, ChatRequest};
use hearth_core::engine::{Role, Sampling};
use hearth_core::jobs::{self, Job, JobRequest, SummaryStyle};
use hearth_core::reply::ReplyEvent;
use hearth_core::store::Store;
use tokio_util::sync::CancellationToken;

const MEETING: &str = include_str!("texts/meeting.txt");

/// Each event by its kind, runs of tokens (or notes) as one.
fn shape(events: &[ReplyEvent]) -> Vec<String> {
    let mut shape: Vec<String> = Vec::new();
    for event in events {
        let kind = match event {
            ReplyEvent::Started { .. } => "started".to_string(),
            ReplyEvent::Token { .. } => "token".to_string(),
            ReplyEvent::Note { .. } => "note".to_string(),
            ReplyEvent::Progress(p) => format!("{:?} {}/{}", p.stage, p.step, p.steps),
            ReplyEvent::Finished { completion, .. } if completion.measurements.stopped => {
                "finished, stopped".to_string()
            }
            ReplyEvent::Finished { .. } => "finished".to_string(),
        };
        if shape.last() != Some(&kind) || !matches!(kind.as_str(), "token" | "note") {
            shape.push(kind);
        }
    }
    shape
}

fn message(text: &str, sampling: Sampling) -> ChatRequest<'_> {
    ChatRequest {
        conversation_id: None,
        text,
        sampling: Some(sampling),
        persona: None,
        reads: None,
        branch: Branch::Next,
    }
}

fn greedy(max_tokens: usize) -> Sampling {
    Sampling {
        temperature: 0.0,
        max_tokens,
        ..Sampling::default()
    }
}

/// Sends `text`, cancelling after `stop_after` tokens when given; the events and what the
/// history then holds (roles of every conversation's messages, and whether each was stopped).
async fn chat_events(
    store: &Store,
    request: ChatRequest<'_>,
    stop_after: Option<usize>,
) -> (Vec<String>, Result<(), String>, Vec<(Role, bool)>) {
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let mut tokens = 0;
    let result = chat::send(store, engine().await, request, &cancel, |e| {
        if matches!(e, ReplyEvent::Token { .. }) {
            tokens += 1;
            if Some(tokens) == stop_after {
                cancel.cancel();
            }
        }
        events.push(e);
    })
    .await;
    (
        shape(&events),
        result.map(|_| ()).map_err(|e| e.to_string()),
        stored(store).await,
    )
}

async fn stored(store: &Store) -> Vec<(Role, bool)> {
    let mut all = Vec::new();
    for c in store.list_conversations().await.expect("list") {
        for m in store.messages(c.id).await.expect("messages") {
            all.push((m.role, m.stopped()));
        }
    }
    all
}

#[test]
fn chat_events_come_in_the_documented_order() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let (shape, result, kept) =
            chat_events(&store, message("Name a colour.", greedy(16)), None).await;
        assert_eq!(shape, ["started", "token", "finished"]);
        assert_eq!(result, Ok(()));
        assert_eq!(kept, [(Role::User, false), (Role::Assistant, false)]);
    });
}

#[test]
fn a_stopped_chat_reply_still_finishes_and_is_kept_marked() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let (shape, result, kept) =
            chat_events(&store, message("Write a long story.", greedy(200)), Some(3)).await;
        assert_eq!(shape, ["started", "token", "finished, stopped"]);
        assert_eq!(result, Ok(()));
        assert_eq!(kept, [(Role::User, false), (Role::Assistant, true)]);
    });
}

#[test]
fn a_chat_error_after_started_has_no_finished_and_keeps_the_message() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        // Too long for the model's context: refused by the engine after the message is stored.
        let long = "word ".repeat(6000);
        let (shape, result, kept) = chat_events(&store, message(&long, greedy(16)), None).await;
        assert_eq!(shape, ["started"]);
        assert!(result.is_err());
        assert_eq!(kept, [(Role::User, false)]);
    });
}

#[test]
fn a_chat_error_before_started_sends_nothing_and_stores_nothing() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let hot = Sampling {
            temperature: 5.0,
            ..Sampling::default()
        };
        for request in [message("  ", greedy(16)), message("Hello", hot)] {
            let (shape, result, kept) = chat_events(&store, request, None).await;
            assert!(shape.is_empty(), "{shape:?}");
            assert!(result.is_err());
            assert!(kept.is_empty());
        }
        assert!(store.list_conversations().await.expect("list").is_empty());
    });
}

async fn job_events(
    store: &Store,
    text: &str,
    chunk_tokens: Option<usize>,
    stop_at_first_token: bool,
) -> (Vec<String>, Result<(), String>, Vec<(Role, bool)>) {
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let request = JobRequest {
        job: Job::Summarize {
            style: SummaryStyle::Sentence,
            language: None,
        },
        text,
        chunk_tokens,
        document: None,
    };
    let result = jobs::run(store, engine().await, request, &cancel, |e| {
        if stop_at_first_token && matches!(e, ReplyEvent::Token { .. }) {
            cancel.cancel();
        }
        events.push(e);
    })
    .await;
    (
        shape(&events),
        result.map(|_| ()).map_err(|e| e.to_string()),
        stored(store).await,
    )
}

#[test]
fn job_events_come_in_the_documented_order() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let (shape, result, kept) = job_events(&store, MEETING, None, false).await;
        assert_eq!(
            shape,
            [
                "started",
                "Splitting 0/1",
                "Writing 1/1",
                "token",
                "finished"
            ]
        );
        assert_eq!(result, Ok(()));
        assert_eq!(kept, [(Role::User, false), (Role::Assistant, false)]);

        let (_dir, store) = temp_store().await;
        // A long text: notes on each part as they are written, then condensed, then the
        // summary.
        let (shape, result, _) = job_events(&store, &MEETING.repeat(3), Some(300), false).await;
        let expected = [
            "started",
            "Splitting 0/1",
            "Reading 1/4",
            "note",
            "Reading 2/4",
            "note",
            "Reading 3/4",
            "note",
            "Reading 4/4",
            "note",
            "Splitting 0/1",
            "Combining 1/2",
            "note",
            "Combining 2/2",
            "note",
            "Splitting 0/1",
            "Writing 1/1",
            "token",
            "finished",
        ];
        assert_eq!(shape, expected);
        assert_eq!(result, Ok(()));
    });
}

#[test]
fn a_stopped_job_finishes_stopped_and_a_refused_one_sends_nothing() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let (shape, result, kept) = job_events(&store, MEETING, None, true).await;
        assert_eq!(
            shape,
            [
                "started",
                "Splitting 0/1",
                "Writing 1/1",
                "token",
                "finished, stopped"
            ]
        );
        assert_eq!(result, Ok(()));
        assert_eq!(kept, [(Role::User, false), (Role::Assistant, true)]);

        let (_dir, store) = temp_store().await;
        let (shape, result, kept) = job_events(&store, " \n ", None, false).await;
        assert!(shape.is_empty(), "{shape:?}");
        assert!(result.is_err());
        assert!(kept.is_empty());
    });
}
