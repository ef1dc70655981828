//! The gate of a llama-style MLP, `silu(a) * b`, one element at a time: vectorized on x86
//! (the engine's version calls the C library's `expf` per element) and split across the
//! pool for a prompt's rows.

use crate::exp::exp;
use crate::pool::{Pool, SharedMut};
use crate::{KernelError, Tier};

/// Elements one work item takes: a reply's whole gate (1,536 on the default model) stays
/// on the calling thread, where waking the pool would cost more than the work.
const PIECE: usize = 16 * 1024;

/// `out[i] = silu(a[i]) * b[i]`, where `silu(x) = x / (1 + e^-x)`.
pub fn silu_mul(
    pool: &Pool,
    tier: Tier,
    a: &[f32],
    b: &[f32],
    out: &mut [f32],
) -> Result<(), KernelError> {
    if a.len() != out.len() || b.len() != out.len() {
        return Err(KernelError::Shape(format!(
            "gate of {} and {} values into {}",
            a.len(),
            b.len(),
            out.len()
        )));
    }
    let y = SharedMut(out.as_mut_ptr());
    pool.for_each(out.len().div_ceil(PIECE), |item| {
        let at = item * PIECE;
        let n = PIECE.min(a.len() - at);
        // SAFETY: each item writes only its own piece of `out`.
        let out = unsafe { std::slice::from_raw_parts_mut(y.get().add(at), n) };
        let (a, b) = (&a[at..at + n], &b[at..at + n]);
        match tier {
            // SAFETY: these tiers have AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            Tier::Avx2 | Tier::Avx512Vnni | Tier::Avx512Wide => unsafe { x86::silu_mul(a, b, out) },
            _ => scalar(a, b, out),
        }
    });
    Ok(())
}

fn scalar(a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((y, &x), &g) in out.iter_mut().zip(a).zip(b) {
        *y = silu(x) * g;
    }
}

/// Through `e^-|x|`, which stays in the exponential's range for any `x`.
#[inline(always)]
fn silu(x: f32) -> f32 {
    let e = exp(-x.abs());
    let sigmoid = (if x >= 0.0 { 1.0 } else { e }) / (1.0 + e);
    x * sigmoid
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use crate::exp::x86::exp8;

    /// # Safety
    /// The CPU has AVX2 and FMA; the slices have one length.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn silu_mul(a: &[f32], b: &[f32], out: &mut [f32]) {
        let whole = out.len() / 8 * 8;
        let one = _mm256_set1_ps(1.0);
        let sign = _mm256_set1_ps(-0.0);
        for i in (0..whole).step_by(8) {
            let x = _mm256_loadu_ps(a.as_ptr().add(i));
            let e = exp8(_mm256_or_ps(x, sign));
            let negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
            let top = _mm256_blendv_ps(one, e, negative);
            let sigmoid = _mm256_div_ps(top, _mm256_add_ps(one, e));
            let g = _mm256_loadu_ps(b.as_ptr().add(i));
            _mm256_storeu_ps(
                out.as_mut_ptr().add(i),
                _mm256_mul_ps(_mm256_mul_ps(x, sigmoid), g),
            );
        }
        super::scalar(&a[whole..], &b[whole..], &mut out[whole..]);
    }
}
