//! Whether a model fits in memory: its weights, its KV cache at the context Hearth will use,
//! and the engine's own buffers, against the memory available now.

use serde::Serialize;

use super::GgufInfo;

/// The engine's own memory beyond weights, KV cache and activations (the runtime, the
/// tokenizer, logits), and a prompt's activations per token per unit of hidden width:
/// measured on the default model, see docs/benchmarks.md, "Models: the fit estimate".
pub const OVERHEAD_BYTES: u64 = 300 << 20;
pub const ACTIVATION_BYTES_PER_TOKEN_AND_WIDTH: u64 = 80;
/// Bytes per KV cache value: f16 where the engine's attention reads the cache so (AVX2 and a
/// head size that is a multiple of 32: vendored change 8 in vendor/README.md), else f32.
fn kv_bytes_per_value(head_size: Option<u64>) -> u64 {
    match head_size {
        Some(d) if hearth_kernels::f16_cache(d as usize) => 2,
        _ => 4,
    }
}
/// A model needing up to this share of the memory available "fits"; up to all of it is
/// "tight" (the rest of the laptop will feel it).
const COMFORTABLE_SHARE: f64 = 0.75;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Fits,
    Tight,
    TooBig,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fits => "fits",
            Verdict::Tight => "tight",
            Verdict::TooBig => "too big",
        }
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Fit {
    pub verdict: Verdict,
    /// Tokens of context the estimate is for: the model's own, capped at Hearth's.
    pub context: u64,
    pub weights_bytes: u64,
    pub kv_cache_bytes: u64,
    /// A prompt as long as the context, on its way through the model.
    pub activations_bytes: u64,
    pub overhead_bytes: u64,
    pub needed_bytes: u64,
    pub available_bytes: u64,
    /// The numbers behind the verdict, as a sentence (see `summary`).
    pub summary: String,
}

/// Hearth never asks for more context than this, whatever the model allows: a long context
/// costs memory and prompt time on a laptop CPU.
pub const MAX_CONTEXT: usize = 4096;

/// The context window Hearth gives a model: its own, capped at `MAX_CONTEXT`.
pub fn context_window(info: &GgufInfo) -> u64 {
    info.context_length
        .map_or(2048, |c| c.min(MAX_CONTEXT as u64))
}

/// The estimate for `info` against `available_bytes` of free memory.
pub fn estimate(info: &GgufInfo, available_bytes: u64) -> Fit {
    let context = context_window(info);
    // A file without the sizes: assume a KV cache as large as a tenth of the weights.
    let kv_cache_bytes = info
        .kv_cache_bytes(context, kv_bytes_per_value(info.head_size))
        .unwrap_or(info.file_size / 10);
    let activations_bytes = info
        .embedding_length
        .unwrap_or(4096)
        .saturating_mul(ACTIVATION_BYTES_PER_TOKEN_AND_WIDTH)
        .saturating_mul(context);
    let needed_bytes = [kv_cache_bytes, activations_bytes, OVERHEAD_BYTES]
        .into_iter()
        .fold(info.file_size, u64::saturating_add);
    let verdict = if needed_bytes as f64 <= available_bytes as f64 * COMFORTABLE_SHARE {
        Verdict::Fits
    } else if needed_bytes <= available_bytes {
        Verdict::Tight
    } else {
        Verdict::TooBig
    };
    let mut fit = Fit {
        verdict,
        context,
        weights_bytes: info.file_size,
        kv_cache_bytes,
        activations_bytes,
        overhead_bytes: OVERHEAD_BYTES,
        needed_bytes,
        available_bytes,
        summary: String::new(),
    };
    fit.summary = fit.describe();
    fit
}

/// Memory the system could give a new program now, in bytes.
pub fn available_memory() -> u64 {
    let mut system = sysinfo::System::new();
    system.refresh_memory();
    system.available_memory()
}

impl Fit {
    /// The numbers behind the verdict, as a person reads them.
    fn describe(&self) -> String {
        format!(
            "{}: needs {} ({} weights, {} KV cache and {} activations at {} tokens, {} engine) of {} free",
            self.verdict.as_str(),
            size(self.needed_bytes),
            size(self.weights_bytes),
            size(self.kv_cache_bytes),
            size(self.activations_bytes),
            self.context,
            size(self.overhead_bytes),
            size(self.available_bytes)
        )
    }
}

/// Bytes as MB below a gigabyte, else GB with one decimal.
pub fn size(bytes: u64) -> String {
    const MB: f64 = 1e6;
    if bytes < 1_000_000_000 {
        format!("{:.0} MB", bytes as f64 / MB)
    } else {
        format!("{:.1} GB", bytes as f64 / 1e3 / MB)
    }
}
