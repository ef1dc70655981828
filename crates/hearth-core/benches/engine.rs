//! `cargo bench -p hearth-core --bench engine`: model load time, time to first token and
//! tokens/s for a ~700-token prompt on the default model. Prints a markdown table row set.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use hearth_core::engine::{self, Role, Sampling, Turn};
use tokio_util::sync::CancellationToken;

const RUNS: usize = 3;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../models/SmolLM2-135M-Instruct.Q4_1.gguf");
    std::env::set_var(
        "HF_HOME",
        std::env::temp_dir().join("hearth-bench-engine-cache"),
    );

    let started = Instant::now();
    let engine = engine::load(&model).await.expect("the default model loads");
    let load = started.elapsed();

    // About 700 tokens of ordinary prose, as a summarize-this request would send.
    let passage =
        "The village sat at the edge of a wide valley, where the river bent twice before \
        running out toward the sea. Every morning the baker opened her shutters, the smith lit \
        his forge, and children ran along the stone walls on their way to school. ";
    let prompt = format!(
        "Summarize this text in two sentences.\n\n{}",
        passage.repeat(14)
    );
    let turns = [Turn::new(Role::User, prompt)];
    let sampling = Sampling {
        temperature: 0.0,
        max_tokens: 128,
        ..Sampling::default()
    };

    println!("| run | prompt tokens | time to first token | prompt tokens/s | reply tokens | reply tokens/s |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for run in 1..=RUNS {
        let done = engine
            .generate(&turns, &sampling, &CancellationToken::new(), |_| {})
            .await
            .expect("a reply");
        let ttft = done.time_to_first_token_ms.unwrap_or(0);
        let prompt_rate = done.prompt_tokens as f64 / (ttft.max(1) as f64 / 1000.0);
        println!(
            "| {run} | {} | {ttft} ms | {prompt_rate:.0} | {} | {:.1} |",
            done.prompt_tokens,
            done.completion_tokens,
            done.tokens_per_second.unwrap_or(0.0)
        );
    }
    println!("\nmodel load: {:.2} s", load.as_secs_f64());
    common::print_memory();
}
