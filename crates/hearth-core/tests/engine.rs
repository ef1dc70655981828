//! The engine with the real default model (SmolLM2-135M-Instruct, Q4_1).

mod common;

use std::sync::Mutex;

use common::pinned::assert_pinned;
use common::{engine, RUNTIME};
use hearth_core::engine::{EngineError, Role, Sampling, Turn};
use tokio_util::sync::CancellationToken;

fn ask(text: &str) -> Vec<Turn> {
    vec![Turn::new(Role::User, text)]
}

fn greedy(max_tokens: usize) -> Sampling {
    Sampling {
        temperature: 0.0,
        max_tokens,
        ..Sampling::default()
    }
}

#[test]
fn streams_the_greedy_reply_with_measurements() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let mut tokens = Vec::new();
        let done = engine
            .generate(
                &ask("What is the capital of France?"),
                &greedy(24),
                &CancellationToken::new(),
                |t| tokens.push(t.to_string()),
            )
            .await
            .expect("a reply");
        assert_pinned("engine-capital-of-france", &done.text);
        assert!(tokens.len() > 1, "the reply arrives in pieces: {tokens:?}");
        assert_eq!(tokens.concat(), done.text);
        assert!(done.measurements.prompt_tokens > 0);
        assert!(
            done.measurements.completion_tokens > 0 && done.measurements.completion_tokens <= 24
        );
        assert!(done.measurements.time_to_first_token_ms.is_some());
        assert!(done.measurements.tokens_per_second.is_some_and(|r| r > 0.0));
        assert!(!done.measurements.stopped);
    });
}

/// Generates twice with the same settings: both replies are the one recorded as `case`.
async fn assert_repeatable(case: &str, prompt: &str, sampling: Sampling) {
    let engine = engine().await;
    let turns = ask(prompt);
    let mut replies = Vec::new();
    for _ in 0..2 {
        let done = engine
            .generate(&turns, &sampling, &CancellationToken::new(), |_| {})
            .await
            .expect("a reply");
        replies.push(done.text);
    }
    assert_pinned(case, &replies[0]);
    assert_eq!(replies[0], replies[1]);
}

#[test]
fn greedy_decoding_repeats_itself() {
    RUNTIME.block_on(assert_repeatable(
        "engine-three-colours",
        "Name three colours.",
        greedy(20),
    ));
}

/// Sampled, made repeatable by its seed.
fn seeded() -> Sampling {
    Sampling {
        temperature: 1.0,
        top_p: 0.95,
        max_tokens: 16,
        seed: Some(7),
        ..Sampling::default()
    }
}

#[test]
fn a_seed_makes_sampling_repeatable() {
    RUNTIME.block_on(assert_repeatable(
        "engine-rhymes-with-cat-seed-7",
        "Write a word that rhymes with cat.",
        seeded(),
    ));
}

#[test]
fn stop_ends_generation_within_a_few_tokens_and_keeps_the_partial_reply() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let cancel = CancellationToken::new();
        let mut streamed = Vec::new();
        let done = engine
            .generate(
                &ask("Tell me a very long story about a dragon and a knight."),
                &greedy(400),
                &cancel,
                |t| {
                    streamed.push(t.to_string());
                    if streamed.len() == 5 {
                        cancel.cancel();
                    }
                },
            )
            .await
            .expect("a stopped reply");
        assert!(done.measurements.stopped);
        assert!(streamed.len() >= 5, "{streamed:?}");
        assert_eq!(
            done.text,
            streamed.concat(),
            "the partial reply is kept whole"
        );
        assert!(
            done.measurements.completion_tokens <= 8,
            "{} tokens after stop",
            done.measurements.completion_tokens
        );
    });
}

#[test]
fn long_histories_are_trimmed_oldest_first_to_fit_the_window() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let window = engine.info().context_window;
        let mut turns = vec![Turn::new(Role::System, "You are a helpful assistant.")];
        for i in 0..40 {
            turns.push(Turn::new(
                Role::User,
                format!("Question {i}: {}", "words ".repeat(150)),
            ));
            turns.push(Turn::new(
                Role::Assistant,
                format!("Answer {i}: {}", "reply ".repeat(150)),
            ));
        }
        turns.push(Turn::new(Role::User, "And the last question?"));
        let plan = engine.fit_context(&turns, 512).await.expect("a plan");
        assert!(plan.dropped > 0);
        assert!(
            plan.prompt_tokens + 512 <= window,
            "{} + 512 > {window}",
            plan.prompt_tokens
        );
        assert_eq!(plan.max_len, 512);
        assert_eq!(
            plan.turns.first(),
            turns.first(),
            "the system message stays"
        );
        assert_eq!(plan.turns.last(), turns.last(), "the newest message stays");
        assert_eq!(
            plan.turns[1].role,
            Role::User,
            "kept history starts with a question"
        );
        // What was kept is the newest part, in order.
        assert_eq!(
            plan.turns[1..],
            turns[turns.len() - (plan.turns.len() - 1)..]
        );
    });
}

#[test]
fn a_message_longer_than_the_window_is_refused_not_cut() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let huge = ask(&"lorem ipsum ".repeat(4000));
        let error = engine
            .generate(&huge, &greedy(16), &CancellationToken::new(), |_| {})
            .await
            .expect_err("too long");
        assert!(
            matches!(error, EngineError::PromptTooLong { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("too long"));
    });
}

#[test]
fn requests_that_arrive_together_run_together_and_reply_as_they_would_alone() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        // Three greedy requests and a seeded one: the seed stays the request's own in a batch.
        // One prompt is longer than the others by more than a reply, so they decode together
        // only if sequences of different lengths can.
        let requests = [
            (ask("Say hello."), greedy(16)),
            (ask("Say goodbye."), greedy(16)),
            (
                ask(
                    "My notes from today: the bakery opened late, the river was high after the \
                     rain, and the school bus came ten minutes early because the driver took \
                     the short road past the old mill. Which of these happened first?",
                ),
                greedy(16),
            ),
            (ask("Write a word that rhymes with cat."), seeded()),
        ];
        let never = CancellationToken::new();
        // Which request each streamed token belonged to, in the order they came.
        let order = Mutex::new(String::new());
        let run = |i: usize| {
            let (turns, sampling) = &requests[i];
            let order = &order;
            let never = &never;
            async move {
                engine
                    .generate(turns, sampling, never, |_| {
                        order.lock().unwrap().push(char::from(b'a' + i as u8))
                    })
                    .await
                    .expect("a reply")
            }
        };
        let together = tokio::join!(run(0), run(1), run(2), run(3));
        let together = [together.0, together.1, together.2, together.3];
        let order = order.into_inner().unwrap();
        // Decoded as one batch, every stream starts before any other ends; taking turns (or
        // batching only sequences of one length), the long prompt's reply would start after
        // the short ones had ended.
        for (i, j) in [(0, 1), (0, 2), (1, 2), (0, 3), (2, 3)] {
            let (a, b) = (char::from(b'a' + i), char::from(b'a' + j));
            let (first, last) = (order.find(a), order.rfind(b));
            assert!(
                first < last && order.find(b) < order.rfind(a),
                "replies {a} and {b} did not run together: {order}"
            );
        }
        for ((turns, sampling), together) in requests.iter().zip(&together) {
            let alone = engine
                .generate(turns, sampling, &never, |_| {})
                .await
                .expect("a reply alone");
            assert_eq!(together.text, alone.text);
        }
        assert_pinned("engine-rhymes-with-cat-seed-7", &together[3].text);
    });
}

#[test]
fn bad_sampling_settings_are_refused() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let hot = Sampling {
            temperature: 5.0,
            ..Sampling::default()
        };
        let error = engine
            .generate(&ask("hi"), &hot, &CancellationToken::new(), |_| {})
            .await
            .expect_err("refused");
        assert!(error.to_string().contains("temperature"), "{error}");
    });
}
