//! How fast a model writes on this computer: measured, once it has answered here (the median
//! of its replies' speeds in the usage records), else predicted. A reply reads every weight
//! once a token, so its speed is about the memory's read speed over the file's size: the read
//! speed is probed once per process (a quarter of a second, on the engine's own thread count).

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Instant;

use serde::Serialize;

/// Share of the probed read speed a reply reaches, measured: on a 2-core AMD EPYC (Zen 4) the
/// probe read 27 GB/s and the default model (98 MB) replied at 156 tokens/s, 15 GB/s of weights
/// (57%; the engine bench, `tg128@0`). Larger models spend less of each token outside the weights.
const EFFICIENCY: f64 = 0.6;
/// Bytes each probe thread sums: well past any CPU cache, so it is the memory that is timed.
const PROBE_BYTES: usize = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Speed {
    /// Reply tokens a second.
    pub tokens_per_second: f64,
    /// From this computer's own replies with the model, not predicted.
    pub measured: bool,
}

/// The speed of the model named `name` in a file of `file_size` bytes: from `measured` (median
/// reply speeds by model name) when it has answered here, else predicted.
pub fn of(name: &str, file_size: u64, measured: &HashMap<String, f64>) -> Speed {
    match measured.get(name) {
        Some(&tokens_per_second) => Speed {
            tokens_per_second,
            measured: true,
        },
        None => Speed {
            tokens_per_second: EFFICIENCY * read_speed() / file_size.max(1) as f64,
            measured: false,
        },
    }
}

/// Bytes a second the engine's threads read from memory together, probed once per process.
pub fn read_speed() -> f64 {
    static PROBED: OnceLock<f64> = OnceLock::new();
    *PROBED.get_or_init(|| probe(hearth_kernels::pool::configured_threads()))
}

/// Each of `threads` sums its own buffer three times; the fastest pass counts (the first
/// also brings the pages in).
fn probe(threads: usize) -> f64 {
    let buffers: Vec<Vec<u64>> = (0..threads)
        .map(|i| vec![i as u64 + 1; PROBE_BYTES / 8])
        .collect();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let sums: u64 = std::thread::scope(|scope| {
            let running: Vec<_> = buffers.iter().map(|b| scope.spawn(|| sum(b))).collect();
            running.into_iter().map(|r| r.join().unwrap_or(0)).sum()
        });
        std::hint::black_box(sums);
        best = best.min(started.elapsed().as_secs_f64());
    }
    (threads * PROBE_BYTES) as f64 / best.max(1e-9)
}

/// Four running sums, so the loop is bound by loads, not by one addition's latency.
fn sum(values: &[u64]) -> u64 {
    let mut acc = [0u64; 4];
    for chunk in values.chunks_exact(4) {
        for (a, v) in acc.iter_mut().zip(chunk) {
            *a = a.wrapping_add(*v);
        }
    }
    acc.iter().fold(0, |t, a| t.wrapping_add(*a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measured_speed_replaces_the_prediction() {
        let measured = HashMap::from([("Qwen".to_string(), 31.5)]);
        assert_eq!(
            of("Qwen", 1 << 30, &measured),
            Speed {
                tokens_per_second: 31.5,
                measured: true
            }
        );
        let predicted = of("Other", 1 << 30, &measured);
        assert!(!predicted.measured);
        // Twice the file, half the speed: the prediction is the read speed over the size.
        let larger = of("Other", 2 << 30, &measured);
        let ratio = predicted.tokens_per_second / larger.tokens_per_second;
        assert!((ratio - 2.0).abs() < 1e-9, "{ratio}");
    }
}
