//! Input rows quantized to 8 bits, once per matmul, in blocks of 32.

use super::BLOCK;

/// 32 inputs as `d * qs[i]`, with `s = d * sum(qs)` for the weights' constant term.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub(crate) struct Q8 {
    pub d: f32,
    pub s: f32,
    pub qs: [i8; BLOCK],
}

impl Q8 {
    pub const ZERO: Q8 = Q8 {
        d: 0.0,
        s: 0.0,
        qs: [0; BLOCK],
    };
}

/// Quantizes one row of `x` (a multiple of 32 long) into `out`. Every tier's version (see
/// `x86::quantize_row`) rounds the same way (to nearest, ties to even), so they agree to the bit.
pub(crate) fn quantize_row(x: &[f32], out: &mut [Q8]) {
    for (block, q) in x.chunks_exact(BLOCK).zip(out.iter_mut()) {
        let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let id = if amax != 0.0 { 1.0 / d } else { 0.0 };
        let mut sum = 0i32;
        for (dst, v) in q.qs.iter_mut().zip(block) {
            let v = (v * id).round_ties_even() as i32;
            sum += v;
            *dst = v as i8;
        }
        q.d = d;
        q.s = d * sum as f32;
    }
}
