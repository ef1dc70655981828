//! Greedy replies of the default model stay what mistral.rs's own CPU path gave before
//! Hearth's kernels replaced it. The fixture was recorded with the unpatched engine
//! (`HEARTH_RECORD_GREEDY=1 cargo test --release -p hearth-core --test greedy`).

mod common;

use common::{engine, RUNTIME};
use hearth_core::engine::{Role, Sampling, Turn};
use tokio_util::sync::CancellationToken;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/greedy-replies.json"
);

/// Log-probability gap (nats) under which two tokens count as a near tie.
const NEAR_TIE: f32 = 0.5;

const PROMPTS: &[&str] = &[
    "What is the capital of France?",
    "Write a haiku about the sea.",
    "Explain in two sentences why the sky is blue.",
    "List three fruits that are red.",
    "Translate to French: The cat sleeps on the warm windowsill.",
    "Summarize: The meeting moved the product launch from March to May because the supplier of the battery packs could not deliver before April. Marketing will rework the campaign, and support will be trained in the last week of April.",
];

#[test]
fn greedy_replies_are_unchanged_by_the_cpu_kernels() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let sampling = Sampling {
            temperature: 0.0,
            max_tokens: 48,
            ..Sampling::default()
        };
        let mut replies = Vec::new();
        for prompt in PROMPTS {
            let done = engine
                .generate(
                    &[Turn::new(Role::User, *prompt)],
                    &sampling,
                    &CancellationToken::new(),
                    |_| {},
                )
                .await
                .expect("a reply");
            replies.push(done.text);
        }
        if std::env::var_os("HEARTH_RECORD_GREEDY").is_some() {
            let json = serde_json::to_string_pretty(&replies).expect("strings serialize");
            std::fs::write(FIXTURE, json + "\n").expect("the fixture is writable");
            return;
        }
        let expected: Vec<String> =
            serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("the fixture exists"))
                .expect("the fixture is a list of strings");
        // A reply may change only where the old reply's next token was a near tie with the
        // new one: f32 activations and a different summation order move logits a little.
        let mut report = Vec::new();
        for ((prompt, got), want) in PROMPTS.iter().zip(&replies).zip(&expected) {
            if got == want {
                continue;
            }
            let steps = engine
                .greedy_alternatives(&[Turn::new(Role::User, *prompt)], 48, 5)
                .await
                .expect("a reply with its alternatives");
            let text = |ids: Vec<u32>| async { engine.detokenize(ids).await.expect("tokens decode") };
            let mut chosen = Vec::new();
            let mut fork = None;
            for step in &steps {
                let mut next = chosen.clone();
                next.push(step[0].0);
                if !want.starts_with(&text(next.clone()).await) {
                    fork = Some(step);
                    break;
                }
                chosen = next;
            }
            let step = fork.unwrap_or_else(|| panic!("{prompt}: the reply changed but no step differs"));
            let before = text(chosen.clone()).await;
            let mut old = None;
            for &(id, logprob) in &step[1..] {
                let mut with = chosen.clone();
                with.push(id);
                if want.starts_with(&text(with).await) {
                    old = Some((id, logprob));
                    break;
                }
            }
            let (old_id, old_logprob) = old.unwrap_or_else(|| {
                panic!("{prompt}: after {before:?} the old reply's next token is not among the top 5 now: {step:?}")
            });
            let gap = step[0].1 - old_logprob;
            report.push(format!(
                "{prompt:?}: after {before:?}, now {:?} ({:.3}) over {:?} ({old_logprob:.3}), gap {gap:.3} nats",
                text(vec![step[0].0]).await,
                step[0].1,
                text(vec![old_id]).await,
            ));
            assert!(gap < NEAR_TIE, "not a near tie:\n{}", report.join("\n"));
        }
        eprintln!("{} of {} replies forked at a near tie", report.len(), PROMPTS.len());
        for line in &report {
            eprintln!("  {line}");
        }
    });
}
