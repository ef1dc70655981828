//! Each architecture in the catalog computes what llama.cpp computes. The models in
//! `.test-data/models/conformance/` (written at the set-up by models/conformance/make.py) have the
//! tensor names, layouts and metadata of the real families (Llama 3.2 with its rope_freqs,
//! Qwen2.5 with tied embeddings and q/k/v biases, Qwen3 with q/k norms and wide heads, Phi-3.5
//! with fused projections and LongRoPE) and random f32 weights. llama.cpp's greedy steps on them,
//! from the same prompt tokens, were recorded by `scripts/record-conformance.sh` into
//! `tests/fixtures/conformance/`.
//!
//! What must agree, step by step: the log probability of each of llama.cpp's likeliest tokens
//! within `TOLERANCE`, and the chosen token (until llama.cpp itself had a near tie, where the
//! two may part). In f32 the engines differ by a few thousandths of a nat; llama.cpp with flash
//! attention on (f16 arithmetic) differs from itself by a few hundredths; a rope scaling left
//! out moves the likeliest tokens by whole nats.

mod common;

use std::path::PathBuf;

use common::RUNTIME;
use hearth_core::engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Largest difference in log probability (nats) allowed for any of llama.cpp's top tokens.
const TOLERANCE: f32 = 0.02;
/// llama.cpp's own gap between its first and second choice under which the engines may part.
const NEAR_TIE: f32 = 0.1;
/// How many of llama.cpp's likeliest tokens are compared at each step.
const COMPARED: usize = 5;

#[derive(Deserialize)]
struct Recorded {
    model_sha256: String,
    prompt: Vec<u32>,
    flash_attention_off: Vec<Vec<(u32, f32)>>,
    flash_attention_on: Vec<Vec<(u32, f32)>>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The model file, checked to be the one llama.cpp's steps were recorded on.
fn model(arch: &str, recorded: &Recorded) -> PathBuf {
    let path = root().join(format!(".test-data/models/conformance/{arch}.gguf"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("the {arch} conformance model is missing ({e}): run ./models/make-test-models.sh")
    });
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        recorded.model_sha256,
        "{} is not the file llama.cpp was recorded on: run ./scripts/record-conformance.sh",
        path.display()
    );
    path
}

fn conforms(arch: &str) {
    let recorded: Recorded = serde_json::from_str(
        &std::fs::read_to_string(root().join(format!("tests/fixtures/conformance/{arch}.json")))
            .unwrap_or_else(|e| panic!("the {arch} recording is readable: {e}")),
    )
    .unwrap_or_else(|e| panic!("the {arch} recording is JSON of steps: {e}"));
    let path = model(arch, &recorded);
    let steps = RUNTIME.block_on(async {
        std::env::set_var(
            "HF_HOME",
            std::env::temp_dir().join("hearth-test-engine-cache"),
        );
        let engine = engine::load(&path)
            .await
            .unwrap_or_else(|e| panic!("the {arch} conformance model loads: {e}"));
        engine
            .greedy_alternatives_from_tokens(
                recorded.prompt.clone(),
                recorded.flash_attention_off.len(),
                2 * COMPARED,
            )
            .await
            .unwrap_or_else(|e| panic!("the {arch} model generates: {e}"))
    });
    let reference = &recorded.flash_attention_off;
    // llama.cpp against itself (while it chose the same tokens), to show the tolerance is not
    // looser than it needs to be.
    let own = reference
        .iter()
        .zip(&recorded.flash_attention_on)
        .take_while(|(a, b)| a[0].0 == b[0].0)
        .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x.1 - y.1).abs()))
        .fold(0.0f32, f32::max);
    // Every step's largest difference, reported whole before any assertion, so that a failure
    // shows whether it is one step or all of them.
    let mut compared = Vec::new();
    let mut parted = None;
    for (i, (want, got)) in reference.iter().zip(&steps).enumerate() {
        let mut step = 0.0f32;
        for &(token, logprob) in want.iter().take(COMPARED) {
            let ours = got
                .iter()
                .find(|(t, _)| *t == token)
                .map_or(f32::INFINITY, |o| o.1);
            step = step.max((ours - logprob).abs());
        }
        compared.push(step);
        if got[0].0 != want[0].0 {
            parted = Some((i, got[0].0, want[0].0, want[0].1 - want[1].1));
            break;
        }
    }
    let worst = compared.iter().copied().fold(0.0f32, f32::max);
    let report = compared
        .iter()
        .map(|d| match d.is_finite() {
            true => format!("{d:.3}"),
            false => "(a top token missing)".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("{arch}: largest difference at each step (nats): {report}");
    eprintln!("{arch}: llama.cpp with and without flash attention differ by up to {own:.3}");
    assert!(
        worst <= TOLERANCE,
        "{arch}: Hearth's log probabilities differ from llama.cpp's by up to {worst:.3} nats (at most {TOLERANCE} allowed): {report}"
    );
    if let Some((i, ours, theirs, gap)) = parted {
        assert!(
            gap < NEAR_TIE,
            "{arch}, step {i}: Hearth chose token {ours} and llama.cpp {theirs} ({gap:.3} nats ahead of its second)"
        );
        eprintln!("{arch}: the engines parted at a near tie at step {i}; compared up to there");
        return;
    }
    if steps.len() < reference.len() {
        let last = steps.last().map(|s| s[0].0);
        panic!(
            "{arch}: Hearth stopped after {} of {} steps (last token {last:?})",
            steps.len(),
            reference.len()
        );
    }
    eprintln!("{arch}: {} steps agree", reference.len());
}

#[test]
fn llama_3_2_with_its_rope_frequencies_matches_llama_cpp() {
    conforms("llama");
}

#[test]
fn qwen2_5_with_tied_embeddings_and_biases_matches_llama_cpp() {
    conforms("qwen2");
}

#[test]
fn qwen3_with_q_and_k_norms_and_wide_heads_matches_llama_cpp() {
    conforms("qwen3");
}

#[test]
fn phi_3_5_with_fused_projections_and_longrope_matches_llama_cpp() {
    conforms("phi3");
}
