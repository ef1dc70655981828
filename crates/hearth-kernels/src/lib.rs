//! Hearth's CPU kernels for mistral.rs: quantized matmul, attention, and the one thread pool
//! they share. Nothing here knows about tensors; the vendored mistral.rs crates hand over
//! plain slices (see vendor/README.md).

pub mod attention;
mod exp;
mod gemm;
pub mod glu;
pub mod pool;
pub mod quant;
mod tier;

pub use attention::{AttentionShape, Element, Rows};
pub use gemm::{matmul, REPLY_ROWS};
pub use quant::QuantType;
pub use tier::Tier;

#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    #[error("kernel shapes do not match: {0}")]
    Shape(String),
}

/// Whether this build has kernels of its own that beat the engine's for this platform:
/// on x86-64 yes (chosen at run time); elsewhere mistral.rs keeps candle's (NEON on ARM).
pub const fn enabled() -> bool {
    cfg!(target_arch = "x86_64")
}

/// Whether a KV cache of rows of `head_dim` is best kept in f16 for `attend`: where its
/// vector tile reads it (AVX2 and F16C, a head size that is a multiple of 32), a reply then
/// streams half the memory. Elsewhere f16 would be slower to read than f32.
pub fn f16_cache(head_dim: usize) -> bool {
    enabled() && Tier::best() != Tier::Scalar && attention::vector_tile(head_dim)
}

/// `matmul` on the global pool with the best tier this CPU has.
pub fn quantized_matmul(
    ty: QuantType,
    w: &[u8],
    n: usize,
    k: usize,
    x: &[f32],
    m: usize,
    y: &mut [f32],
) -> Result<(), KernelError> {
    matmul(pool::global(), Tier::best(), ty, w, n, k, x, m, y)
}

/// `glu::silu_mul` on the global pool with the best tier this CPU has.
pub fn silu_mul(a: &[f32], b: &[f32], out: &mut [f32]) -> Result<(), KernelError> {
    glu::silu_mul(pool::global(), Tier::best(), a, b, out)
}

/// `attention::attention` on the global pool with the best tier this CPU has.
pub fn attend<T: Element>(
    shape: &AttentionShape,
    q: Rows,
    k: Rows<T>,
    v: Rows<T>,
    causal: bool,
    scale: f32,
    out: &mut [f32],
) -> Result<(), KernelError> {
    attention::attention(
        pool::global(),
        Tier::best(),
        shape,
        q,
        k,
        v,
        causal,
        scale,
        out,
    )
}
