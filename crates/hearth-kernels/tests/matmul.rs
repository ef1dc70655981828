//! Quantized matmul against two references: the weights as candle dequantizes them, in f64,
//! and candle's own kernels (what mistral.rs used before); every type, every tier this CPU
//! has, odd shapes, and 1 or 2 threads giving the same bits. Test weights are quantized by
//! candle too, so the block layouts are checked against an independent implementation.

#[macro_use]
mod support;

use candle_core::quantized::k_quants;
use hearth_kernels::pool::Pool;
use hearth_kernels::quant::BLOCK;
use hearth_kernels::{matmul, QuantType, Tier, REPLY_ROWS};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::{dequantize, quantize};

struct Case {
    ty: QuantType,
    m: usize,
    n: usize,
    k: usize,
    w: Vec<u8>,
    x: Vec<f32>,
}

fn case(ty: QuantType, m: usize, n: usize, k: usize, seed: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Weights with a different scale and offset per row, as real layers have.
    let w: Vec<f32> = (0..n)
        .flat_map(|_| {
            let scale = rng.random_range(0.01f32..0.2);
            let shift = rng.random_range(-0.05f32..0.05);
            (0..k)
                .map(|_| rng.random_range(-1f32..1.0) * scale + shift)
                .collect::<Vec<_>>()
        })
        .collect();
    let x = (0..m * k).map(|_| rng.random_range(-3f32..3.0)).collect();
    Case {
        ty,
        m,
        n,
        k,
        w: quantize(ty, &w),
        x,
    }
}

impl Case {
    fn run(&self, pool: &Pool, tier: Tier) -> Vec<f32> {
        let mut y = vec![f32::NAN; self.m * self.n];
        matmul(
            pool, tier, self.ty, &self.w, self.n, self.k, &self.x, self.m, &mut y,
        )
        .expect("shapes are consistent");
        y
    }

    /// The exact product of the dequantized weights and the unquantized input, with the most
    /// an 8-bit input quantized in blocks of `step_block` may move it (half a step, times |w|).
    fn reference(&self, step_block: usize) -> (Vec<f64>, Vec<f64>) {
        let w = dequantize(self.ty, &self.w);
        let mut exact = vec![0f64; self.m * self.n];
        let mut bound = vec![0f64; self.m * self.n];
        for t in 0..self.m {
            let x = &self.x[t * self.k..(t + 1) * self.k];
            for r in 0..self.n {
                let wr = &w[r * self.k..(r + 1) * self.k];
                let (mut sum, mut err) = (0f64, 0f64);
                for (xb, wb) in x.chunks(step_block).zip(wr.chunks(step_block)) {
                    let step = xb.iter().fold(0f32, |a, v| a.max(v.abs())) as f64 / 127.0;
                    for (xi, wi) in xb.iter().zip(wb) {
                        sum += *xi as f64 * *wi as f64;
                        err +=
                            wi.abs() as f64 * (step / 2.0 + 1e-6) + (xi * wi).abs() as f64 * 1e-5;
                    }
                }
                exact[t * self.n + r] = sum;
                bound[t * self.n + r] = err;
            }
        }
        (exact, bound)
    }

    /// Every tier within `reference`'s bound of the exact product.
    fn assert_matches_reference(&self, pool: &Pool) {
        let (exact, bound) = self.reference(BLOCK);
        let (ty, m, n, k) = (self.ty, self.m, self.n, self.k);
        for tier in Tier::available() {
            let y = self.run(pool, tier);
            for (i, ((y, e), b)) in y.iter().zip(&exact).zip(&bound).enumerate() {
                assert!(
                    (*y as f64 - e).abs() <= *b,
                    "{ty:?} {tier:?} m={m} n={n} k={k} [{i}]: {y} vs {e} (bound {b})"
                );
            }
        }
    }

    fn candle(&self) -> Vec<f32> {
        let mut y = vec![0f32; self.m * self.n];
        let mkn = (self.m, self.k, self.n);
        with_blocks!(self.ty, &self.w, |b| k_quants::matmul(
            mkn, &self.x, &b, &mut y
        ))
        .expect("candle's matmul takes these shapes");
        y
    }
}

const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 32),
    (1, 7, 576),
    (2, 5, 96),
    (3, 193, 64),
    (5, 64, 1536),
    (17, 9, 576),
    (70, 24, 576),
    (700, 13, 96),
];

/// The shapes for a type: K-quants take whole blocks of 256 values.
fn shapes(ty: QuantType) -> impl Iterator<Item = (usize, usize, usize)> {
    SHAPES
        .iter()
        .map(move |&(m, n, k)| (m, n, k.next_multiple_of(ty.block_values())))
}

#[test]
fn every_tier_matches_the_dequantized_reference_for_every_type_and_odd_shape() {
    let pool = Pool::new(2);
    for (seed, ty) in QuantType::ALL.into_iter().enumerate() {
        for (m, n, k) in shapes(ty) {
            case(ty, m, n, k, seed as u64 * 100 + m as u64).assert_matches_reference(&pool);
        }
    }
}

/// Each type's largest codes times the largest inputs, all of one sign: the kernels that add
/// `maddubs` sums in 16 bits before widening them must not overflow there.
#[test]
fn the_largest_weights_and_inputs_do_not_overflow() {
    let pool = Pool::new(2);
    for ty in QuantType::ALL {
        for m in [1, 16] {
            let (n, k) = (8, 1024);
            // One -1 at the start of each block and +1 after it: every type then gives the +1s
            // its top code (the scale comes from the -1 where it is signed).
            let w: Vec<f32> = (0..n * k)
                .map(|i| if i % BLOCK == 0 { -1.0 } else { 1.0 })
                .collect();
            let c = Case {
                ty,
                m,
                n,
                k,
                w: quantize(ty, &w),
                x: vec![3.0; m * k],
            };
            c.assert_matches_reference(&pool);
        }
    }
}

#[test]
fn every_tier_agrees_with_candles_kernels() {
    let pool = Pool::new(2);
    for ty in QuantType::ALL {
        for (m, n, k) in shapes(ty) {
            let c = case(ty, m, n, k, 7 + m as u64);
            let theirs = c.candle();
            let (_, bound) = c.reference(ty.block_values());
            for tier in Tier::available() {
                let ours = c.run(&pool, tier);
                for (i, ((a, b), e)) in ours.iter().zip(&theirs).zip(&bound).enumerate() {
                    // Both quantize the input to 8 bits; rounding ties may land apart.
                    assert!(
                        ((a - b).abs() as f64) <= 2.0 * e,
                        "{ty:?} {tier:?} m={m} n={n} k={k} [{i}]: ours {a}, candle {b}"
                    );
                }
            }
        }
    }
}

#[test]
fn tiers_agree_closely_and_one_or_two_threads_give_the_same_bits() {
    let one = Pool::new(1);
    let two = Pool::new(2);
    for ty in QuantType::ALL {
        for (m, n, k) in shapes(ty) {
            let c = case(ty, m, n, k, 42);
            let scalar = c.run(&one, Tier::Scalar);
            for tier in Tier::available() {
                let a = c.run(&one, tier);
                let b = c.run(&two, tier);
                assert_eq!(
                    a, b,
                    "{ty:?} {tier:?} m={m} n={n} k={k}: 1 and 2 threads differ"
                );
                for (x, s) in a.iter().zip(&scalar) {
                    assert!(
                        (x - s).abs() <= 1e-4 * s.abs().max(1.0),
                        "{ty:?} {tier:?}: {x} vs scalar {s}"
                    );
                }
            }
        }
    }
}

/// Replies decoded together: each input row of a batch of up to `REPLY_ROWS` gets the very bits
/// it gets alone, on every tier, so batching never changes a greedy reply.
#[test]
fn each_row_of_a_batch_of_replies_is_bit_for_bit_what_it_is_alone() {
    let pool = Pool::new(2);
    for ty in QuantType::ALL {
        let k = 576usize.next_multiple_of(ty.block_values());
        for m in 2..=REPLY_ROWS {
            let batch = case(ty, m, 37, k, 9 + m as u64);
            for tier in Tier::available() {
                let together = batch.run(&pool, tier);
                for t in 0..m {
                    let alone = Case {
                        m: 1,
                        x: batch.x[t * k..(t + 1) * k].to_vec(),
                        w: batch.w.clone(),
                        ..batch
                    }
                    .run(&pool, tier);
                    assert_eq!(
                        together[t * batch.n..(t + 1) * batch.n],
                        alone[..],
                        "{ty:?} {tier:?}: row {t} of {m} differs from the row alone"
                    );
                }
            }
        }
    }
}

#[test]
fn shapes_that_do_not_fit_are_refused() {
    let pool = Pool::new(1);
    let mut y = vec![0f32; 4];
    let w = quantize(QuantType::Q4_1, &[0.5; 64]);
    let err = matmul(
        &pool,
        Tier::Scalar,
        QuantType::Q4_1,
        &w,
        2,
        33,
        &[0.0; 66],
        2,
        &mut y,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a multiple of 32"), "{err}");
    let err = matmul(
        &pool,
        Tier::Scalar,
        QuantType::Q4_1,
        &w,
        2,
        32,
        &[0.0; 64],
        2,
        &mut y[..3],
    )
    .unwrap_err();
    assert!(err.to_string().contains("output of 3"), "{err}");
}
