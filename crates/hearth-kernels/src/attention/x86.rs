//! `Tile::run` in AVX2 and FMA for head dimensions that are multiples of 32. The compiler
//! does not vectorize the plain version well: it sums every score across a register on its
//! own and keeps the outputs in memory. Here four keys are scored against two query rows at
//! once (one horizontal reduction per four scores), the exponential is vectorized, and the
//! values are summed into two rows' outputs held in registers, 32 dimensions at a time.

use std::arch::x86_64::*;

use super::{Element, RowOut, Rows, Tile, KEYS, MAX_HEAD_DIM, ROWS};
use crate::exp::{exp, x86::exp8};
use crate::quant::x86::hsum;

/// Dimensions summed in registers at a time: four registers for each of two rows.
pub(super) const CHUNK: usize = 32;

/// # Safety
/// The CPU has AVX2, FMA and F16C; `q`, `k` and `v` hold every row the tile reads
/// (`Rows::fits`), and the head dimension is a multiple of `CHUNK`.
#[target_feature(enable = "avx2,fma,f16c")]
pub(super) unsafe fn tile<T: Element>(
    t: &Tile,
    q: Rows,
    k: Rows<T>,
    v: Rows<T>,
    write: &mut RowOut,
) {
    let d = t.shape.head_dim;
    let n = t.rows.len();
    let (qs, visible, keys) = t.queries(q);
    let (k_step, v_step) = (k.strides[1], v.strides[1]);
    let k_head = k.data.as_ptr().add(t.b * k.strides[0] + t.g * k.strides[2]);
    let v_head = v.data.as_ptr().add(t.b * v.strides[0] + t.g * v.strides[2]);
    let mut o = [[0f32; MAX_HEAD_DIM]; ROWS];
    let mut max = [f32::NEG_INFINITY; ROWS];
    let mut sum = [0f32; ROWS];
    // A row's scores, then its weights; -inf past what it sees, to a whole register.
    let mut scores = [[0f32; KEYS]; ROWS];
    // Rows go in pairs; an odd last row is paired with itself.
    let pairs = || (0..n).step_by(2).map(move |r| (r, (r + 1).min(n - 1)));
    for start in (t.keys.start..keys).step_by(KEYS) {
        let kn = KEYS.min(keys - start);
        let first_key = k_head.add(start * k_step);
        for (r0, r1) in pairs() {
            for j in (0..kn).step_by(4) {
                // Past the last key, the last key again: its scores land beyond `kn`.
                let key = |i: usize| first_key.add((j + i).min(kn - 1) * k_step);
                let (a, b) = dots(
                    qs[r0].as_ptr(),
                    qs[r1].as_ptr(),
                    [key(0), key(1), key(2), key(3)],
                    d,
                );
                _mm_storeu_ps(scores[r0].as_mut_ptr().add(j), a);
                _mm_storeu_ps(scores[r1].as_mut_ptr().add(j), b);
            }
        }
        let padded = kn.next_multiple_of(8);
        for r in 0..n {
            let seen = visible[r].saturating_sub(start).min(kn);
            scores[r][seen..padded].fill(f32::NEG_INFINITY);
            let Some(alpha) = weigh(&mut scores[r][..padded], &mut max[r], &mut sum[r]) else {
                continue;
            };
            if alpha != 1.0 {
                o[r][..d].iter_mut().for_each(|x| *x *= alpha);
            }
        }
        let first_value = v_head.add(start * v_step);
        for (r0, r1) in pairs() {
            for c in (0..d).step_by(CHUNK) {
                let out = [o[r0].as_mut_ptr().add(c), o[r1].as_mut_ptr().add(c)];
                let weights = [scores[r0].as_ptr(), scores[r1].as_ptr()];
                accumulate(out, weights, first_value.add(c), v_step, kn);
            }
        }
    }
    for (r, p) in t.rows.clone().enumerate() {
        write(p, &o[r][..d], max[r], sum[r]);
    }
}

/// Two query rows' dot products with four key rows, `d` values each.
#[inline(always)]
unsafe fn dots<T: Element>(
    q0: *const f32,
    q1: *const f32,
    k: [*const T; 4],
    d: usize,
) -> (__m128, __m128) {
    let mut a = [_mm256_setzero_ps(); 4];
    let mut b = [_mm256_setzero_ps(); 4];
    for i in (0..d).step_by(8) {
        let (x0, x1) = (_mm256_loadu_ps(q0.add(i)), _mm256_loadu_ps(q1.add(i)));
        for j in 0..4 {
            let kv = T::load8(k[j].add(i));
            a[j] = _mm256_fmadd_ps(x0, kv, a[j]);
            b[j] = _mm256_fmadd_ps(x1, kv, b[j]);
        }
    }
    (sums4(a), sums4(b))
}

/// The four registers' sums, in order.
#[inline(always)]
unsafe fn sums4(a: [__m256; 4]) -> __m128 {
    let h = _mm256_hadd_ps(_mm256_hadd_ps(a[0], a[1]), _mm256_hadd_ps(a[2], a[3]));
    _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1))
}

/// One step of the online softmax for a row: its scores (a whole number of registers) become
/// weights `e^(score - max)`, 0 where masked; the running maximum and sum move on. Returns
/// the factor that rescales what the row summed before, or `None` when the row sees none of
/// these keys (its weights are then all 0).
#[inline(always)]
unsafe fn weigh(scores: &mut [f32], max: &mut f32, sum: &mut f32) -> Option<f32> {
    let p = scores.as_mut_ptr();
    let neg_inf = _mm256_set1_ps(f32::NEG_INFINITY);
    let mut top = neg_inf;
    for c in (0..scores.len()).step_by(8) {
        top = _mm256_max_ps(top, _mm256_loadu_ps(p.add(c)));
    }
    let top = hmax(top);
    if top == f32::NEG_INFINITY {
        scores.fill(0.0);
        return None;
    }
    let new_max = max.max(top);
    let alpha = exp(*max - new_max);
    let m = _mm256_set1_ps(new_max);
    let mut total = _mm256_setzero_ps();
    for c in (0..scores.len()).step_by(8) {
        let x = _mm256_loadu_ps(p.add(c));
        let seen = _mm256_cmp_ps(x, neg_inf, _CMP_NEQ_OQ);
        let w = _mm256_and_ps(exp8(_mm256_sub_ps(x, m)), seen);
        _mm256_storeu_ps(p.add(c), w);
        total = _mm256_add_ps(total, w);
    }
    *sum = *sum * alpha + hsum(total);
    *max = new_max;
    Some(alpha)
}

/// `out[r][..CHUNK] += sum_j weights[r][j] * v_j[..CHUNK]` for two rows and `kn` value rows
/// `step` apart.
#[inline(always)]
unsafe fn accumulate<T: Element>(
    out: [*mut f32; 2],
    weights: [*const f32; 2],
    v: *const T,
    step: usize,
    kn: usize,
) {
    let mut acc: [[__m256; 4]; 2] =
        std::array::from_fn(|r| std::array::from_fn(|i| _mm256_loadu_ps(out[r].add(8 * i))));
    for j in 0..kn {
        let w = [
            _mm256_broadcast_ss(&*weights[0].add(j)),
            _mm256_broadcast_ss(&*weights[1].add(j)),
        ];
        let row = v.add(j * step);
        let [a0, a1] = &mut acc;
        for (i, (s0, s1)) in a0.iter_mut().zip(a1.iter_mut()).enumerate() {
            let x = T::load8(row.add(8 * i));
            *s0 = _mm256_fmadd_ps(w[0], x, *s0);
            *s1 = _mm256_fmadd_ps(w[1], x, *s1);
        }
    }
    // The second row last: when a row is paired with itself, both hold the same sums.
    for (r, row) in acc.iter().enumerate() {
        for (i, a) in row.iter().enumerate() {
            _mm256_storeu_ps(out[r].add(8 * i), *a);
        }
    }
}

#[inline(always)]
unsafe fn hmax(v: __m256) -> f32 {
    let s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    let s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)))
}
