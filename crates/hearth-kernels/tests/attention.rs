//! Attention against softmax(Q K^T) V in f64: grouped-query heads, causal masks, queries
//! shorter than the keys (a prompt after a cached prefix), decode, a 2,000-token context,
//! strided K/V as the cache holds them, K/V in f32 and in f16, every tier, and 1 or 2 threads.

use half::f16;
use hearth_kernels::attention::attention;
use hearth_kernels::pool::Pool;
use hearth_kernels::{AttentionShape, Element, Rows, Tier};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct Case {
    s: AttentionShape,
    q: Vec<f32>,
    /// K and V hold values f16 represents exactly, so one reference serves both copies.
    k: Vec<f32>,
    v: Vec<f32>,
    k16: Vec<f16>,
    v16: Vec<f16>,
    /// K and V rows are `cap` positions apart per batch, like a cache with room to grow.
    cap: usize,
}

fn case(
    batch: usize,
    q_len: usize,
    kv_len: usize,
    heads: usize,
    kv_heads: usize,
    d: usize,
) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64((q_len * 31 + kv_len) as u64);
    let cap = kv_len + 3;
    let mut gen = |n: usize| {
        (0..n)
            .map(|_| f16::from_f32(rng.random_range(-2f32..2.0)).to_f32())
            .collect::<Vec<_>>()
    };
    let halves = |x: &[f32]| x.iter().map(|&x| f16::from_f32(x)).collect::<Vec<_>>();
    let (k, v) = (
        gen(batch * cap * kv_heads * d),
        gen(batch * cap * kv_heads * d),
    );
    Case {
        s: AttentionShape {
            batch,
            q_len,
            kv_len,
            heads,
            kv_heads,
            head_dim: d,
        },
        q: gen(batch * q_len * heads * d),
        k16: halves(&k),
        v16: halves(&v),
        k,
        v,
        cap,
    }
}

impl Case {
    fn rows(&self) -> (Rows<'_>, Rows<'_>, Rows<'_>) {
        let q = Rows {
            data: &self.q,
            strides: [
                self.s.q_len * self.s.heads * self.s.head_dim,
                self.s.heads * self.s.head_dim,
                self.s.head_dim,
            ],
        };
        (q, self.cache(&self.k), self.cache(&self.v))
    }

    /// k or v as the cache holds them: (batch, head, position).
    fn cache<'a, T>(&self, data: &'a [T]) -> Rows<'a, T> {
        let d = self.s.head_dim;
        Rows {
            data,
            strides: [self.s.kv_heads * self.cap * d, d, self.cap * d],
        }
    }

    /// The attention with K and V in f32, or in f16 with `half`.
    fn run(&self, pool: &Pool, tier: Tier, causal: bool, half: bool) -> Vec<f32> {
        let (q, k, v) = self.rows();
        if half {
            self.attend(
                pool,
                tier,
                causal,
                q,
                self.cache(&self.k16),
                self.cache(&self.v16),
            )
        } else {
            self.attend(pool, tier, causal, q, k, v)
        }
    }

    fn attend<T: Element>(
        &self,
        pool: &Pool,
        tier: Tier,
        causal: bool,
        q: Rows,
        k: Rows<T>,
        v: Rows<T>,
    ) -> Vec<f32> {
        let s = self.s;
        let mut out = vec![f32::NAN; s.batch * s.heads * s.q_len * s.head_dim];
        let scale = 1.0 / (s.head_dim as f32).sqrt();
        attention(pool, tier, &s, q, k, v, causal, scale, &mut out).expect("shapes fit");
        out
    }

    fn reference(&self, causal: bool) -> Vec<f64> {
        let s = self.s;
        let d = s.head_dim;
        let (q, k, v) = self.rows();
        let at = |r: &Rows, b: usize, p: usize, h: usize, i: usize| {
            r.data[b * r.strides[0] + p * r.strides[1] + h * r.strides[2] + i] as f64
        };
        let scale = 1.0 / (d as f64).sqrt();
        let mut out = vec![0f64; s.batch * s.heads * s.q_len * d];
        for b in 0..s.batch {
            for h in 0..s.heads {
                let g = h / (s.heads / s.kv_heads);
                for i in 0..s.q_len {
                    let seen = if causal {
                        i + s.kv_len - s.q_len + 1
                    } else {
                        s.kv_len
                    };
                    let logits: Vec<f64> = (0..seen)
                        .map(|j| {
                            (0..d)
                                .map(|x| at(&q, b, i, h, x) * at(&k, b, j, g, x))
                                .sum::<f64>()
                                * scale
                        })
                        .collect();
                    let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let w: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
                    let total: f64 = w.iter().sum();
                    for x in 0..d {
                        let o = (0..seen).map(|j| w[j] * at(&v, b, j, g, x)).sum::<f64>() / total;
                        out[((b * s.heads + h) * s.q_len + i) * d + x] = o;
                    }
                }
            }
        }
        out
    }
}

#[test]
fn matches_the_f64_reference_for_prompts_decode_and_grouped_heads() {
    let one = Pool::new(1);
    let two = Pool::new(2);
    let cases = [
        (case(1, 7, 7, 9, 3, 64), true),
        (case(1, 5, 12, 9, 3, 64), true),
        (case(2, 17, 17, 4, 4, 32), true),
        (case(1, 1, 300, 9, 3, 64), false),
        // Few tiles, cut along the keys: causal, and a last piece of one key.
        (case(1, 2, 1100, 9, 3, 64), true),
        (case(1, 1, 513, 4, 1, 32), false),
        (case(1, 1, 1, 2, 1, 64), false),
        (case(1, 3, 70, 8, 2, 20), true),
        (case(1, 130, 130, 6, 2, 128), true),
        // Head sizes of other models: three registers' chunks, and the largest supported.
        (case(1, 9, 20, 4, 2, 96), true),
        (case(1, 1, 200, 8, 2, 256), false),
    ];
    for (c, causal) in &cases {
        let want = c.reference(*causal);
        for tier in Tier::available() {
            for half in [false, true] {
                let got = c.run(&two, tier, *causal, half);
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        (*g as f64 - w).abs() <= 1e-4,
                        "{:?} {tier:?} causal={causal} f16={half} [{i}]: {g} vs {w}",
                        c.s
                    );
                }
                assert_eq!(
                    got,
                    c.run(&one, tier, *causal, half),
                    "{:?} {tier:?} f16={half}: 1 and 2 threads differ",
                    c.s
                );
            }
        }
    }
}

#[test]
fn a_two_thousand_token_context_is_exact_in_decode_and_prompt() {
    let pool = Pool::new(2);
    for (c, causal) in [
        (case(1, 1, 2000, 9, 3, 64), false),
        (case(1, 48, 2000, 3, 1, 64), true),
    ] {
        let want = c.reference(causal);
        for half in [false, true] {
            let got = c.run(&pool, Tier::best(), causal, half);
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (*g as f64 - w).abs() <= 1e-4,
                    "{:?} f16={half}: {g} vs {w}",
                    c.s
                );
            }
        }
    }
}

#[test]
fn shapes_that_do_not_fit_are_refused() {
    let pool = Pool::new(1);
    let c = case(1, 4, 4, 6, 4, 16);
    let (q, k, v) = c.rows();
    let mut out = vec![0f32; 6 * 4 * 16];
    let err = attention(&pool, Tier::Scalar, &c.s, q, k, v, true, 1.0, &mut out).unwrap_err();
    assert!(
        err.to_string().contains("6 heads cannot share 4 KV heads"),
        "{err}"
    );
    let short = AttentionShape {
        kv_len: 2,
        heads: 4,
        ..c.s
    };
    let err = attention(
        &pool,
        Tier::Scalar,
        &short,
        q,
        k,
        v,
        true,
        1.0,
        &mut out[..4 * 4 * 16],
    )
    .unwrap_err();
    assert!(err.to_string().contains("4 queries over 2 keys"), "{err}");
}
