//! Micro-benchmark of attention on the default model's shapes (SmolLM2-135M: 30 layers, 9
//! heads sharing 3 KV heads of 64), for each tier this CPU has: a causal prompt of 730 tokens,
//! and one reply token after 300, 730 and 2,000. Thirty layers' KV caches, as in the model,
//! so a reply streams them from memory as it would, in f32 and in f16. Prints the attention
//! time of one forward pass.
//!
//! `cargo bench -p hearth-kernels --bench attention` (HEARTH_THREADS sets the threads).

use std::time::{Duration, Instant};

use half::f16;
use hearth_kernels::attention::attention;
use hearth_kernels::pool::{self, Pool};
use hearth_kernels::{AttentionShape, Element, Rows, Tier};

const LAYERS: usize = 30;
const HEADS: usize = 9;
const KV_HEADS: usize = 3;
const D: usize = 64;

fn values(n: usize, seed: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (((i + seed) * 7919 % 1000) as f32 / 500.0 - 1.0) * 0.5)
        .collect()
}

/// Seconds for one pass over every layer with the cache in `T`, the best of a few runs.
fn pass<T: Element>(
    pool: &Pool,
    tier: Tier,
    q_len: usize,
    kv_len: usize,
    cache: impl Fn(f32) -> T,
) -> f64 {
    let shape = AttentionShape {
        batch: 1,
        q_len,
        kv_len,
        heads: HEADS,
        kv_heads: KV_HEADS,
        head_dim: D,
    };
    let q = values(q_len * HEADS * D, 1);
    // As the cache holds them: (head, position) with room to grow.
    let cap = kv_len + 64;
    let layer = |seed: usize| -> Vec<T> {
        values(KV_HEADS * cap * D, seed)
            .into_iter()
            .map(&cache)
            .collect()
    };
    let caches: Vec<(Vec<T>, Vec<T>)> = (0..LAYERS)
        .map(|l| (layer(2 * l), layer(2 * l + 1)))
        .collect();
    let mut out = vec![0f32; HEADS * q_len * D];
    let q_rows = Rows {
        data: &q,
        strides: [q_len * HEADS * D, HEADS * D, D],
    };
    let strides = [KV_HEADS * cap * D, D, cap * D];
    let mut best = Duration::MAX;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) || best == Duration::MAX {
        let t = Instant::now();
        for (k, v) in &caches {
            let k = Rows { data: k, strides };
            let v = Rows { data: v, strides };
            let scale = 1.0 / (D as f32).sqrt();
            attention(pool, tier, &shape, q_rows, k, v, q_len > 1, scale, &mut out)
                .expect("shapes fit");
        }
        best = best.min(t.elapsed());
    }
    best.as_secs_f64()
}

fn main() {
    let pool = pool::global();
    println!(
        "threads: {}; tiers here: {:?}",
        pool.threads(),
        Tier::available()
    );
    println!(
        "| tier | cache | prompt of 730 | reply after 300 | reply after 730 | reply after 2,000 |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for tier in Tier::available() {
        row(pool, tier, "f32", |x| x);
        row(pool, tier, "f16", f16::from_f32);
    }
}

fn row<T: Element>(pool: &Pool, tier: Tier, name: &str, cache: impl Fn(f32) -> T + Copy) {
    println!(
        "| {} | {name} | {:.1} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
        tier.name(),
        pass(pool, tier, 730, 730, cache) * 1e3,
        pass(pool, tier, 1, 300, cache) * 1e3,
        pass(pool, tier, 1, 730, cache) * 1e3,
        pass(pool, tier, 1, 2000, cache) * 1e3,
    );
}
