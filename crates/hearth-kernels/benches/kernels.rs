//! Micro-benchmark of the quantized matmul on the default model's shapes (SmolLM2-135M:
//! 30 layers, hidden 576, 3 KV heads of 64, MLP 1536, vocabulary 49,152 in Q8_0), for each
//! tier this CPU has, beside candle's kernels as mistral.rs 0.8.1 calls them. It prints the
//! matmul time of one forward pass as tokens/s: a ceiling for the whole engine. Then a
//! reply's matmul for every weight type on square 1,536-wide matrices (whole K-quant blocks),
//! as the memory it streams per second: a reply is limited by that. Last, a prompt's matmuls
//! for every type on one layer of a 1B model, as multiply-adds per second: what a prompt on the
//! models people run is limited by.
//!
//! `cargo bench -p hearth-kernels --bench kernels` (HEARTH_THREADS sets the threads); with
//! `-- bandwidth` or `-- prompt`, only that table.

use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
#[macro_use]
mod support;

use candle_core::quantized::k_quants;
use hearth_kernels::pool::{self, Pool};
use hearth_kernels::{matmul, QuantType, Tier};

const LAYERS: usize = 30;
/// (outputs, inputs) of each matmul in one layer: q, k, v, o, gate, up, down.
const LAYER: [(usize, usize); 7] = [
    (576, 576),
    (192, 576),
    (192, 576),
    (576, 576),
    (1536, 576),
    (1536, 576),
    (576, 1536),
];
const VOCAB: usize = 49_152;
/// One layer of a 1B llama shape (hidden 2048, 32/8 heads of 64, FFN 8192), as `LAYER`.
const LAYER_1B: [(usize, usize); 7] = [
    (2048, 2048),
    (512, 2048),
    (512, 2048),
    (2048, 2048),
    (8192, 2048),
    (8192, 2048),
    (2048, 8192),
];
/// The widest input of any matmul here.
const MAX_K: usize = 8192;

/// One matmul: the weights, the input rows and the output.
type Run<'a> = dyn FnMut(&Matrix, &[f32], &mut [f32]) + 'a;

struct Matrix {
    ty: QuantType,
    n: usize,
    k: usize,
    w: Vec<u8>,
}

fn matrix(ty: QuantType, n: usize, k: usize) -> Matrix {
    let values: Vec<f32> = (0..n * k)
        .map(|i| ((i * 7919 % 1000) as f32 / 500.0 - 1.0) * 0.1)
        .collect();
    Matrix {
        ty,
        n,
        k,
        w: support::quantize(ty, &values),
    }
}

/// Seconds for one pass over `mats` with `m` input rows, the best of a few runs.
fn best(mats: &[Matrix], m: usize, mut run: impl FnMut(&Matrix, &[f32], &mut [f32])) -> f64 {
    let x: Vec<f32> = (0..m * MAX_K)
        .map(|i| ((i * 31 % 200) as f32 - 100.0) / 50.0)
        .collect();
    let mut y = vec![0f32; m * VOCAB];
    let mut best = Duration::MAX;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) || best == Duration::MAX {
        let t = Instant::now();
        for mat in mats {
            run(mat, &x[..m * mat.k], &mut y[..m * mat.n]);
        }
        best = best.min(t.elapsed());
    }
    best.as_secs_f64()
}

fn candle(mat: &Matrix, x: &[f32], m: usize, y: &mut [f32]) {
    with_blocks!(mat.ty, &mat.w, |b| k_quants::matmul(
        (m, mat.k, mat.n),
        x,
        &b,
        y
    ))
    .expect("candle takes these shapes");
}

fn main() {
    let pool: &Pool = pool::global();
    println!(
        "threads: {}; tiers here: {:?}",
        pool.threads(),
        Tier::available()
    );
    if std::env::args().any(|a| a == "bandwidth") {
        return bandwidth(pool);
    }
    if std::env::args().any(|a| a == "prompt") {
        return prompt(pool);
    }
    println!("| weights | m | engine | one pass | tokens/s (matmuls only) |");
    println!("| --- | --- | --- | --- | --- |");
    // The default model's family: its widths (576) are not whole K-quant blocks of 256, so
    // its Q4_K_M file is mostly Q5_0.
    for ty in [
        QuantType::Q4_0,
        QuantType::Q4_1,
        QuantType::Q5_0,
        QuantType::Q8_0,
    ] {
        // Thirty distinct layers, as in the model, so a reply streams them from memory as it
        // would; one pass = every layer once and the output head.
        let model: Vec<Matrix> = (0..LAYERS)
            .flat_map(|_| LAYER.iter().map(|&(n, k)| matrix(ty, n, k)))
            .chain([matrix(QuantType::Q8_0, VOCAB, 576)])
            .collect();
        for m in [512, 1] {
            let report = |name: &str, run: &mut Run| {
                let (layers, head) = model.split_at(model.len() - 1);
                let pass = best(layers, m, &mut *run) + best(head, 1, &mut *run);
                println!(
                    "| {ty:?} | {m} | {name} | {:.1} ms | {:.0} |",
                    pass * 1e3,
                    m as f64 / pass
                );
            };
            for tier in Tier::available() {
                if m > 1 && tier == Tier::Scalar {
                    continue; // minutes per pass
                }
                report(tier.name(), &mut |mat, x, y| {
                    let m = x.len() / mat.k;
                    matmul(pool, tier, mat.ty, &mat.w, mat.n, mat.k, x, m, y).expect("shapes fit")
                });
            }
            if m == 1 {
                report("candle 0.10.2", &mut |mat, x, y| {
                    candle(mat, x, x.len() / mat.k, y)
                });
            }
        }
    }
    bandwidth(pool);
    prompt(pool);
}

/// A prompt's matmuls (256 input rows) over one 1B layer for each type and vector tier.
fn prompt(pool: &Pool) {
    const M: usize = 256;
    println!();
    println!("| weights | one 1B layer, {M} input rows | engine | time | GMAC/s |");
    println!("| --- | --- | --- | --- | --- |");
    for ty in QuantType::ALL {
        let mats: Vec<Matrix> = LAYER_1B.iter().map(|&(n, k)| matrix(ty, n, k)).collect();
        let macs: usize = LAYER_1B.iter().map(|&(n, k)| n * k * M).sum();
        for tier in Tier::available().into_iter().filter(|t| *t != Tier::Scalar) {
            let pass = best(&mats, M, |mat, x, y| {
                matmul(pool, tier, mat.ty, &mat.w, mat.n, mat.k, x, M, y).expect("shapes fit")
            });
            println!(
                "| {ty:?} | q k v o gate up down | {} | {:.1} ms | {:.0} |",
                tier.name(),
                pass * 1e3,
                macs as f64 / pass / 1e9
            );
        }
    }
}

/// A reply's matmul (m = 1) over 30 matrices of 1,536 x 1,536 for each type and tier, then of
/// 1,536 x 576 (the default model's width: 18 blocks a row, not a multiple of the 8 that the
/// vector kernels take at once) for the types whose blocks fit it.
fn bandwidth(pool: &Pool) {
    println!();
    println!("| weights | n x k | engine | one pass of 30 | GB/s |");
    println!("| --- | --- | --- | --- | --- |");
    for (n, k) in [(1536usize, 1536usize), (1536, 576)] {
        for ty in QuantType::ALL {
            if !k.is_multiple_of(ty.block_values()) {
                continue;
            }
            let mats: Vec<Matrix> = (0..LAYERS).map(|_| matrix(ty, n, k)).collect();
            let bytes: usize = mats.iter().map(|m| m.w.len()).sum();
            for tier in Tier::available().into_iter().filter(|t| *t != Tier::Scalar) {
                let pass = best(&mats, 1, |mat, x, y| {
                    matmul(pool, tier, mat.ty, &mat.w, mat.n, mat.k, x, 1, y).expect("shapes fit")
                });
                println!(
                    "| {ty:?} | {n} x {k} | {} | {:.2} ms | {:.1} |",
                    tier.name(),
                    pass * 1e3,
                    bytes as f64 / pass / 1e9
                );
            }
        }
    }
}
