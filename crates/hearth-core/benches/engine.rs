//! `cargo bench -p hearth-core --bench engine [-- MODEL.gguf] [MEASURE...]`: the engine's speed through
//! Hearth's own API, on the default model or the GGUF file given:
//! - prompt tokens/s for a ~512-token and a ~730-token prompt (time to first token);
//! - reply tokens/s at depth 0 and after the ~730-token prompt (128 tokens);
//! - time to first token of turn 1 and turn 10 of a chat, each turn answered in turn;
//! - time to first token of a follow-up to a 512-token reply (the model's own tokens for its
//!   reply need not be the tokenizer's, and the prompt cache must still serve it);
//! - replies of 1, 2, 4 and 8 requests sent at once: the tokens/s of all of them together.
//!
//! Measure names after the file (`pp512 pp730 tg128@0 turn1_ms follow_up_ms batch`; tg128@730
//! and turn10_ms come with pp730 and turn1_ms) run only those.
//!
//! Each figure is the median of 3 runs; every run's prompt starts with its own words so that
//! no cache answers for it. Prints a table, then `RESULT name value` lines for
//! scripts/bench-engine.sh. `HEARTH_THREADS` sets the threads.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use hearth_core::engine::{self, Completion, Engine, Role, Sampling, Turn};
use tokio_util::sync::CancellationToken;

const RUNS: usize = 3;

const PASSAGE: &str = "The village sat at the edge of a wide valley, where the river bent twice \
    before running out toward the sea. Every morning the baker opened her shutters, the smith lit \
    his forge, and children ran along the stone walls on their way to school. ";

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let model = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".gguf"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../models/SmolLM2-135M-Instruct.Q4_1.gguf")
        });
    std::env::set_var(
        "HF_HOME",
        std::env::temp_dir().join("hearth-bench-engine-cache"),
    );

    let started = Instant::now();
    let engine = engine::load(&model).await.expect("the model loads");
    let load = started.elapsed().as_secs_f64();
    println!("model: {} (loaded in {load:.2} s)", model.display());

    let mut rows = Vec::new();
    if wanted(&["pp512"]) {
        let short = median(
            &engine,
            |run| prompt(run, "Repeat the first word of this text.", 10),
            1,
        )
        .await;
        rows.push((
            "prompt tokens/s, ~512 tokens",
            "pp512",
            prompt_rate(&short),
            short.measurements.prompt_tokens,
        ));
    }
    if wanted(&["pp730", "tg128@730"]) {
        let long = median(
            &engine,
            |run| prompt(run, "Summarize this text in two sentences.", 14),
            128,
        )
        .await;
        rows.push((
            "prompt tokens/s, ~730 tokens",
            "pp730",
            prompt_rate(&long),
            long.measurements.prompt_tokens,
        ));
        rows.push((
            "reply tokens/s after ~730 tokens",
            "tg128@730",
            reply_rate(&long),
            long.measurements.completion_tokens,
        ));
    }
    if wanted(&["tg128@0"]) {
        let fresh = median(
            &engine,
            |run| {
                format!(
                    "Story {run}: tell me a long story about a dragon who learns to bake bread."
                )
            },
            128,
        )
        .await;
        rows.push((
            "reply tokens/s at depth 0",
            "tg128@0",
            reply_rate(&fresh),
            fresh.measurements.completion_tokens,
        ));
    }

    println!("| measure | value | tokens |");
    println!("| --- | --- | --- |");
    for (name, _, value, tokens) in &rows {
        println!("| {name} | {value:.1} | {tokens} |");
    }
    let mut results: Vec<(&str, String)> = rows
        .iter()
        .map(|(_, key, value, _)| (*key, format!("{value:.1}")))
        .collect();
    if wanted(&["turn1_ms", "turn10_ms"]) {
        let (first, tenth, tenth_tokens) = chat_turns(&engine).await;
        println!("| time to first token, chat turn 1 | {first} ms | |");
        println!("| time to first token, chat turn 10 | {tenth} ms | {tenth_tokens} |");
        results.push(("turn1_ms", first.to_string()));
        results.push(("turn10_ms", tenth.to_string()));
    }
    if wanted(&["follow_up_ms"]) {
        let (follow_up, follow_up_tokens) = follow_up(&engine).await;
        println!(
            "| time to first token, after a 512-token reply | {follow_up} ms | {follow_up_tokens} |"
        );
        results.push(("follow_up_ms", follow_up.to_string()));
    }
    if wanted(&["batch"]) {
        for requests in [1, 2, 4, 8] {
            let rate = together(&engine, requests).await;
            println!(
                "| reply tokens/s of {requests} requests at once, all together | {rate:.1} | |"
            );
            results.push((BATCH_KEYS[requests.ilog2() as usize], format!("{rate:.1}")));
        }
    }
    println!();
    for (key, value) in results {
        println!("RESULT {key} {value}");
    }
    common::print_memory();
}

/// Whether any of these measures was asked for: every one when no measure names are given.
fn wanted(keys: &[&str]) -> bool {
    let asked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-') && !a.ends_with(".gguf"))
        .collect();
    asked.is_empty() || keys.iter().any(|k| asked.iter().any(|a| a == k))
}

fn prompt(run: usize, instruction: &str, repeats: usize) -> String {
    format!(
        "Text number {run}. {instruction}\n\n{}",
        PASSAGE.repeat(repeats)
    )
}

fn greedy(max_tokens: usize) -> Sampling {
    Sampling {
        temperature: 0.0,
        max_tokens,
        ..Sampling::default()
    }
}

async fn generate(engine: &Engine, turns: &[Turn], max_tokens: usize) -> Completion {
    engine
        .generate(
            turns,
            &greedy(max_tokens),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .expect("a reply")
}

/// The run with the median time to first token among `RUNS`.
async fn median(engine: &Engine, text: impl Fn(usize) -> String, max_tokens: usize) -> Completion {
    let mut runs = Vec::new();
    for run in 0..RUNS {
        runs.push(generate(engine, &[Turn::new(Role::User, text(run))], max_tokens).await);
    }
    runs.sort_by_key(|c| c.measurements.time_to_first_token_ms);
    runs.swap_remove(RUNS / 2)
}

fn prompt_rate(c: &Completion) -> f64 {
    c.measurements.prompt_tokens as f64
        / (c.measurements.time_to_first_token_ms.unwrap_or(0).max(1) as f64 / 1000.0)
}

fn reply_rate(c: &Completion) -> f64 {
    c.measurements.tokens_per_second.unwrap_or(0.0)
}

const BATCH_KEYS: [&str; 4] = ["batch1", "batch2", "batch4", "batch8"];

/// `requests` stories asked for at once, with prompts of the same length (as
/// llama-batched-bench's; two-digit numbers no other call uses, so no cached prompt serves
/// them): the reply tokens all of them wrote after their first, per second
/// from the first one's first token to the last one's end.
async fn together(engine: &Engine, requests: usize) -> f64 {
    let asks: Vec<Vec<Turn>> = (0..requests)
        .map(|i| {
            vec![Turn::new(
                Role::User,
                format!(
                    "Story {}: tell me a long story about a dragon who learns to bake bread.",
                    10 * (requests + 1) + i
                ),
            )]
        })
        .collect();
    let done =
        futures::future::join_all(asks.iter().map(|turns| generate(engine, turns, 128))).await;
    let first = done
        .iter()
        .filter_map(|c| c.measurements.time_to_first_token_ms)
        .min()
        .unwrap_or(0);
    let end = done
        .iter()
        .map(|c| c.measurements.duration_ms)
        .max()
        .unwrap_or(0);
    let tokens: i64 = done
        .iter()
        .map(|c| (c.measurements.completion_tokens - 1).max(0))
        .sum();
    tokens as f64 / ((end - first).max(1) as f64 / 1000.0)
}

/// Ten turns of one chat, each sent after the previous reply: the first and the tenth turn's
/// time to first token, and the tenth's prompt tokens.
async fn chat_turns(engine: &Engine) -> (i64, i64, i64) {
    let mut turns = Vec::new();
    let mut times = Vec::new();
    let mut last_prompt = 0;
    for turn in 1..=10 {
        turns.push(Turn::new(
            Role::User,
            format!(
                "Question {turn}: what is one thing a village baker does each morning? {PASSAGE}"
            ),
        ));
        let done = generate(engine, &turns, 48).await;
        times.push(done.measurements.time_to_first_token_ms.unwrap_or(0));
        last_prompt = done.measurements.prompt_tokens;
        turns.push(Turn::new(Role::Assistant, done.text));
    }
    (times[0], times[9], last_prompt)
}

/// A story of 512 tokens, then a question about it: the question's time to first token and
/// its prompt tokens.
async fn follow_up(engine: &Engine) -> (i64, i64) {
    let mut turns = vec![Turn::new(
        Role::User,
        "Tell me a very long story about a dragon who learns to bake bread.".to_string(),
    )];
    let story = generate(engine, &turns, 512).await;
    turns.push(Turn::new(Role::Assistant, story.text));
    turns.push(Turn::new(
        Role::User,
        "What was the dragon's name?".to_string(),
    ));
    let done = generate(engine, &turns, 16).await;
    (
        done.measurements.time_to_first_token_ms.unwrap_or(0),
        done.measurements.prompt_tokens,
    )
}
