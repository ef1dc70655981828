//! Prompt matmuls with sixteen weight rows a group, in 512-bit registers: for CPUs that run
//! them at full width (`Tier::Avx512Wide`), where one instruction then does the work of two
//! of `interleaved`'s. The layout is `interleaved`'s for two groups of eight side by side:
//! lanes 0-7 hold the first group's rows, lanes 8-15 the second's.

use std::arch::x86_64::*;
use std::cell::RefCell;

use super::activation::Q8;
use super::interleaved::{self, Inputs, Packed};
use super::QuantType;
use crate::Tier;

/// Weight rows interleaved in one group: the sixteen lanes of a 512-bit register.
pub(crate) const ROWS: usize = 16;
/// Input rows that share one pass over a packed group.
const TOKENS: usize = 4;

/// One sub-block of a group of sixteen rows, as `interleaved::Packed` for eight.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Wide {
    q: [__m512i; 8],
    d: __m512,
    e: __m512,
}

thread_local! {
    /// Each half of a group as `interleaved` packs it, then the group put together.
    static HALVES: RefCell<[Vec<Packed>; 2]> = const { RefCell::new([Vec::new(), Vec::new()]) };
    static PACKED: RefCell<Vec<Wide>> = const { RefCell::new(Vec::new()) };
}

/// `y[t * ldy + r] = dot(row r, input t)` for `rows` (at most sixteen) weight rows `w_stride`
/// bytes apart from `w`, and `tokens` input rows from `x`.
///
/// # Safety
/// The CPU has `Tier::Avx512Wide`; `w` holds `rows` rows of `x.nb` sub-blocks of `ty`, `x`
/// `tokens` rows, and `y` has room.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn pack_and_multiply(
    ty: QuantType,
    w: *const u8,
    w_stride: usize,
    rows: usize,
    x: Inputs,
    tokens: usize,
    y: *mut f32,
    ldy: usize,
) {
    let nb = x.nb;
    HALVES.with_borrow_mut(|halves| {
        PACKED.with_borrow_mut(|packed| {
            for (i, half) in halves.iter_mut().enumerate() {
                half.clear();
                half.resize(nb, Packed::zero());
                let first = i * interleaved::ROWS;
                let count = rows.saturating_sub(first).min(interleaved::ROWS);
                interleaved::pack(
                    Tier::Avx512Wide,
                    ty,
                    w.add(first * w_stride),
                    w_stride,
                    count,
                    half,
                );
            }
            packed.clear();
            packed.extend(
                halves[0]
                    .iter()
                    .zip(&halves[1])
                    .map(|(low, high)| join(low, high)),
            );
            multiply(ty, packed, x, tokens, rows, y, ldy);
        })
    });
}

/// Two groups of eight as one of sixteen.
#[target_feature(enable = "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")]
unsafe fn join(low: &Packed, high: &Packed) -> Wide {
    let ((lq, ld, le), (hq, hd, he)) = (low.parts(), high.parts());
    let mut q = [_mm512_setzero_si512(); 8];
    for g in 0..8 {
        q[g] = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(lq[g]), hq[g]);
    }
    Wide {
        q,
        d: join_floats(ld, hd),
        e: join_floats(le, he),
    }
}

#[inline(always)]
unsafe fn join_floats(low: __m256, high: __m256) -> __m512 {
    _mm512_castpd_ps(_mm512_insertf64x4::<1>(
        _mm512_castpd256_pd512(_mm256_castps_pd(low)),
        _mm256_castps_pd(high),
    ))
}

#[target_feature(enable = "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")]
unsafe fn multiply(
    ty: QuantType,
    packed: &[Wide],
    x: Inputs,
    tokens: usize,
    rows: usize,
    y: *mut f32,
    ldy: usize,
) {
    let halves = ty == QuantType::Q6_K;
    let mut t = 0;
    while t < tokens {
        let (xt, yt) = (x.rows_from(t), y.add(t * ldy));
        t += match (tokens - t >= TOKENS, halves) {
            (true, true) => sweep_into::<TOKENS, true>(packed, xt, rows, yt, ldy),
            (true, false) => sweep_into::<TOKENS, false>(packed, xt, rows, yt, ldy),
            (false, true) => sweep_into::<1, true>(packed, xt, rows, yt, ldy),
            (false, false) => sweep_into::<1, false>(packed, xt, rows, yt, ldy),
        };
    }
}

/// `T` input rows through the packed group, written to `y`; returns `T`.
#[inline(always)]
unsafe fn sweep_into<const T: usize, const HALVES: bool>(
    packed: &[Wide],
    x: Inputs,
    rows: usize,
    y: *mut f32,
    ldy: usize,
) -> usize {
    let out = sweep::<T, HALVES>(packed, x);
    for (i, v) in out.iter().enumerate() {
        let mut lanes = [0f32; ROWS];
        _mm512_storeu_ps(lanes.as_mut_ptr(), *v);
        std::ptr::copy_nonoverlapping(lanes.as_ptr(), y.add(i * ldy), rows);
    }
    T
}

/// The sixteen rows' dot products with `T` input rows, over every sub-block. `HALVES`
/// (Q6_K, packed as `q + 32`): each half of a sub-block has its own scale, so the halves are
/// summed apart and take back their `half_sums`. Otherwise two sums per input row, so the dot
/// products do not all wait on one another.
#[inline(always)]
unsafe fn sweep<const T: usize, const HALVES: bool>(packed: &[Wide], x: Inputs) -> [__m512; T] {
    let mut acc = [_mm512_setzero_ps(); T];
    for (b, p) in packed.iter().enumerate() {
        let xs: [&Q8; T] = std::array::from_fn(|t| &*x.x.add(t * x.nb + b));
        let mut sums = [[_mm512_setzero_si512(); T]; 2];
        for g in 0..8 {
            let half = if HALVES { g / 4 } else { g % 2 };
            for t in 0..T {
                let four = std::ptr::read_unaligned(xs[t].qs.as_ptr().add(4 * g) as *const i32);
                sums[half][t] = _mm512_dpbusd_epi32(sums[half][t], p.q[g], _mm512_set1_epi32(four));
            }
        }
        for t in 0..T {
            let dx = _mm512_set1_ps(xs[t].d);
            if HALVES {
                let [low, high] = *x.halves.add(t * x.nb + b);
                let first = _mm512_sub_epi32(sums[0][t], _mm512_set1_epi32(low));
                let second = _mm512_sub_epi32(sums[1][t], _mm512_set1_epi32(high));
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(first), _mm512_mul_ps(p.d, dx), acc[t]);
                acc[t] =
                    _mm512_fmadd_ps(_mm512_cvtepi32_ps(second), _mm512_mul_ps(p.e, dx), acc[t]);
            } else {
                let sum = _mm512_cvtepi32_ps(_mm512_add_epi32(sums[0][t], sums[1][t]));
                acc[t] = _mm512_fmadd_ps(sum, _mm512_mul_ps(p.d, dx), acc[t]);
                acc[t] = _mm512_fmadd_ps(p.e, _mm512_set1_ps(xs[t].s), acc[t]);
            }
        }
    }
    acc
}
