use std::time::Instant;
#[path = "../tests/support/mod.rs"]
#[macro_use]
mod support;
use hearth_kernels::pool::Pool;
use hearth_kernels::{matmul, QuantType, Tier};

fn main() {
    let pool = Pool::new(1);
    let (n, k, m) = (1536usize, 576usize, 512usize);
    let values: Vec<f32> = (0..n * k)
        .map(|i| ((i * 7919 % 1000) as f32 / 500.0 - 1.0) * 0.1)
        .collect();
    let x: Vec<f32> = (0..m * k)
        .map(|i| ((i * 31 % 200) as f32 - 100.0) / 50.0)
        .collect();
    let mut y = vec![0f32; m * n];
    let types: Vec<QuantType> = std::env::args()
        .skip(1)
        .filter_map(|a| {
            QuantType::ALL
                .iter()
                .copied()
                .find(|t| format!("{t:?}") == a)
        })
        .collect();
    for ty in if types.is_empty() {
        vec![QuantType::Q4_0, QuantType::Q4_1, QuantType::Q8_0]
    } else {
        types
    } {
        let w = support::quantize(ty, &values);
        for tier in [Tier::Avx2, Tier::Avx512Vnni] {
            let mut best = f64::MAX;
            for _ in 0..20 {
                let t = Instant::now();
                matmul(&pool, tier, ty, &w, n, k, &x, m, &mut y).unwrap();
                best = best.min(t.elapsed().as_secs_f64());
            }
            let gops = 2.0 * (n * k * m) as f64 / best / 1e9;
            println!(
                "{ty:?} {} {:.2} ms  {:.1} GOP/s",
                tier.name(),
                best * 1e3,
                gops
            );
        }
    }
}
