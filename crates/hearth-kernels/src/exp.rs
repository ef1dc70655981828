//! `e^x` for `x <= 0` to about 1e-7 relative, for the softmax and the activations:
//! `x = n ln 2 + r`, a degree-6 polynomial for `e^r`, and `2^n` put in the exponent bits.
//! The scalar and the vector versions compute the same steps.

/// `ln 2` in two parts, so that `x - n ln 2` keeps its precision.
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
/// The degree-6 polynomial for `e^r` in Horner order, highest term first.
const EXP_TERMS: [f32; 7] = [
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
    1.0,
    1.0,
];

/// In plain arithmetic the compiler vectorizes.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // Adding and taking away 1.5 * 2^23 rounds to an integer without a rounding instruction.
    const ROUND: f32 = 12_582_912.0;
    let x = x.max(-87.0);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let t = &EXP_TERMS;
    let p = (((((t[0] * r + t[1]) * r + t[2]) * r + t[3]) * r + t[4]) * r + t[5]) * r + t[6];
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod x86 {
    use std::arch::x86_64::*;

    use super::{EXP_TERMS, LN2_HI, LN2_LO};

    /// Eight at a time, in AVX2 and FMA (the caller has them).
    #[inline(always)]
    pub(crate) unsafe fn exp8(x: __m256) -> __m256 {
        let x = _mm256_max_ps(x, _mm256_set1_ps(-87.0));
        let n = _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_ps(x, _mm256_set1_ps(std::f32::consts::LOG2_E)),
        );
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), x);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
        let mut p = _mm256_set1_ps(EXP_TERMS[0]);
        for c in &EXP_TERMS[1..] {
            p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(*c));
        }
        let two_n = _mm256_slli_epi32(
            _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)),
            23,
        );
        _mm256_mul_ps(p, _mm256_castsi256_ps(two_n))
    }
}
