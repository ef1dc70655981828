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
        let mut differ = Vec::new();
        for ((prompt, got), want) in PROMPTS.iter().zip(&replies).zip(&expected) {
            if got != want {
                differ.push(format!("{prompt}\n  before: {want:?}\n  now:    {got:?}"));
            }
        }
        assert!(
            differ.is_empty(),
            "greedy replies changed:\n{}",
            differ.join("\n")
        );
    });
}
