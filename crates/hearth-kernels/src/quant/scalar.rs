//! The portable tile: plain integer dot products, for CPUs without the SIMD tiers and as the
//! reference the SIMD tiles must agree with.

use super::activation::Q8;
use super::{QuantType, BLOCK};

/// `out[r][t]` = the dot product of weight row `r` (rows `w_stride` bytes apart from `w`) and
/// input row `t` (rows `nb` blocks apart from `x`), over `nb` blocks.
///
/// # Safety
/// `w` must hold `R` rows of `nb` blocks of `ty`, and `x` must hold `T` rows of `nb` blocks.
pub(crate) unsafe fn tile<const R: usize, const T: usize>(
    ty: QuantType,
    w: *const u8,
    w_stride: usize,
    x: *const Q8,
    nb: usize,
    out: &mut [[f32; T]; R],
) {
    for (r, out) in out.iter_mut().enumerate() {
        let row = std::slice::from_raw_parts(
            w.add(r * w_stride),
            nb * BLOCK / ty.block_values() * ty.block_bytes(),
        );
        for (t, out) in out.iter_mut().enumerate() {
            let mut sum = 0f32;
            for b in 0..nb {
                let xb = &*x.add(t * nb + b);
                let (q, d, c) = ty.decode(row, b);
                let dot: i32 = (0..BLOCK).map(|i| q[i] * i32::from(xb.qs[i])).sum();
                sum += d * xb.d * dot as f32 + c * xb.s;
            }
            *out = sum;
        }
    }
}

/// One weight row times one input row: `tile::<1, 1>`.
///
/// # Safety
/// As for `tile`.
pub(crate) unsafe fn row(ty: QuantType, w: *const u8, x: *const Q8, nb: usize) -> f32 {
    let mut out = [[0f32; 1]; 1];
    tile::<1, 1>(ty, w, 0, x, nb, &mut out);
    out[0][0]
}
