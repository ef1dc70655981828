//! The MLP gate `silu(a) * b` against f64: every tier, lengths around the vector width and
//! the pool's pieces, inputs far into both tails, 1 and 2 threads.

use hearth_kernels::glu::silu_mul;
use hearth_kernels::pool::Pool;
use hearth_kernels::Tier;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn reference(a: f32, b: f32) -> f64 {
    let x = a as f64;
    x / (1.0 + (-x).exp()) * b as f64
}

#[test]
fn matches_f64_for_every_tier_and_length() {
    let (one, two) = (Pool::new(1), Pool::new(2));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for len in [0, 1, 7, 8, 9, 1536, 40_003] {
        let mut a: Vec<f32> = (0..len).map(|_| rng.random_range(-12f32..12.0)).collect();
        // The tails: e^-x overflows f32 below -88, and silu(x) is x above it.
        for (slot, x) in a
            .iter_mut()
            .zip([-1e4, -100.0, -88.5, 0.0, -0.0, 88.5, 1e4])
        {
            *slot = x;
        }
        let b: Vec<f32> = (0..len).map(|_| rng.random_range(-3f32..3.0)).collect();
        for tier in Tier::available() {
            let mut got = vec![f32::NAN; len];
            silu_mul(&two, tier, &a, &b, &mut got).expect("lengths match");
            for (i, g) in got.iter().enumerate() {
                let want = reference(a[i], b[i]);
                assert!(
                    (*g as f64 - want).abs() <= 1e-6 * want.abs() + 1e-30,
                    "{tier:?} len {len} [{i}] silu({}) * {}: {g} vs {want}",
                    a[i],
                    b[i]
                );
            }
            let mut single = vec![f32::NAN; len];
            silu_mul(&one, tier, &a, &b, &mut single).expect("lengths match");
            assert_eq!(got, single, "{tier:?} len {len}: 1 and 2 threads differ");
        }
    }
}

#[test]
fn lengths_that_differ_are_refused() {
    let pool = Pool::new(1);
    let err = silu_mul(&pool, Tier::Scalar, &[1.0; 4], &[1.0; 3], &mut [0.0; 4]).unwrap_err();
    assert!(
        err.to_string().contains("gate of 4 and 3 values into 4"),
        "{err}"
    );
}
