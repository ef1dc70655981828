//! Prompt matmuls on x86-64 with the weights interleaved eight rows at a time, as llama.cpp
//! repacks Q4_0 at load, but done per work item into a small buffer (so the model's memory
//! does not grow): the buffer stays in L1 while dozens of input rows sweep it.
//!
//! In the buffer, register `g` of a sub-block holds values `4g..4g+4` of each of the eight
//! rows, so one `dpbusd` (or `maddubs` + `madd`) against four input bytes broadcast to every
//! lane advances eight dot products at once, and the block's scales are one vector of eight.
//! The tiles in `x86` instead reduce each row's sum across lanes, with a scalar scale per row.
//!
//! Q6_K has a scale per 16 values: its sub-block's two halves (registers 0-3 and 4-7) are
//! summed apart and each takes its own scale, folded into `d` and `e` at packing.

use std::arch::x86_64::*;
use std::cell::RefCell;

use super::activation::Q8;
use super::x86::{Weights, Q40, Q41, Q4K, Q50, Q51, Q6K, Q80};
use super::QuantType;
use crate::Tier;

/// Weight rows interleaved in one group: the eight lanes of a 256-bit register.
pub(crate) const ROWS: usize = 8;
/// Input rows that share one pass over a packed group.
const TOKENS: usize = 4;

/// One sub-block of a group of eight rows: the 32 values of each (as unsigned bytes, or
/// signed where `keeps_signs`), their scales `d`, and `e`: the constants `c` (see `quant`), or
/// for Q6_K, which has none, the scales of the second half.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Packed {
    q: [__m256i; 8],
    d: __m256,
    e: __m256,
}

impl Packed {
    pub(crate) fn zero() -> Packed {
        // SAFETY: all-zero bits are valid for SIMD registers.
        unsafe { std::mem::zeroed() }
    }

    /// The values, `d` and `e`, for `wide` to put two groups side by side.
    pub(crate) fn parts(&self) -> (&[__m256i; 8], __m256, __m256) {
        (&self.q, self.d, self.e)
    }
}

/// Input rows as the kernels here read them: `nb` quantized blocks a row from `x`, and where
/// `needs_half_sums` each block's `half_sums` from `halves` (else null).
#[derive(Clone, Copy)]
pub(crate) struct Inputs {
    pub(crate) x: *const Q8,
    pub(crate) halves: *const [i32; 2],
    pub(crate) nb: usize,
}

// SAFETY: the rows are only read, and outlive the matmul whose work items share them.
unsafe impl Send for Inputs {}
// SAFETY: as above.
unsafe impl Sync for Inputs {}

impl Inputs {
    /// The same from input row `t` on.
    ///
    /// # Safety
    /// There are more than `t` rows.
    pub(crate) unsafe fn rows_from(self, t: usize) -> Inputs {
        let halves = if self.halves.is_null() {
            self.halves
        } else {
            self.halves.add(t * self.nb)
        };
        Inputs {
            x: self.x.add(t * self.nb),
            halves,
            nb: self.nb,
        }
    }
}

/// Whether a matmul of `ty` on `tier` needs each input block's `half_sums`: Q6_K on the VNNI
/// tiers, whose weights are packed unsigned (`q + 32`), so that `32 * sum(x)` of each half
/// must be taken back.
pub(crate) fn needs_half_sums(tier: Tier, ty: QuantType) -> bool {
    ty == QuantType::Q6_K && matches!(tier, Tier::Avx512Vnni | Tier::Avx512Wide)
}

/// `32 * sum(q)` of each half of a block's 16 inputs (see `needs_half_sums`).
pub(crate) fn half_sums(q: &Q8) -> [i32; 2] {
    let sum = |half: &[i8]| 32 * half.iter().map(|v| i32::from(*v)).sum::<i32>();
    [sum(&q.qs[..16]), sum(&q.qs[16..])]
}

thread_local! {
    /// One group of weight rows, packed by the work item that uses it.
    static PACKED: RefCell<Vec<Packed>> = const { RefCell::new(Vec::new()) };
}

/// `y[t * ldy + r] = dot(row r, input t)` for `rows` (at most eight) weight rows `w_stride`
/// bytes apart from `w`, packed here, and `tokens` input rows from `x`.
///
/// # Safety
/// `supports(tier, ty)` for a tier the CPU has; `w` holds `rows` rows of `x.nb` sub-blocks of
/// `ty`, `x` `tokens` rows, and `y` has room.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn pack_and_multiply(
    tier: Tier,
    ty: QuantType,
    w: *const u8,
    w_stride: usize,
    rows: usize,
    x: Inputs,
    tokens: usize,
    y: *mut f32,
    ldy: usize,
) {
    PACKED.with_borrow_mut(|packed| {
        packed.clear();
        packed.resize(x.nb, Packed::zero());
        pack(tier, ty, w, w_stride, rows, packed);
        multiply(tier, ty, packed, x, tokens, rows, y, ldy);
    });
}

/// Whether `tier` has an interleaved kernel for `ty`: every vector tier has one for every type.
pub(crate) fn supports(tier: Tier, _ty: QuantType) -> bool {
    tier != Tier::Scalar
}

/// Whether the packed bytes keep a signed type's signs. VNNI takes Q8_0 offset by 128
/// (unsigned, with the offset taken back in the constant term); AVX2's `maddubs` would
/// overflow 16 bits on the offset range, so it takes `|w|` and `x * sign(w)` instead, and so
/// does Q6_K. VNNI takes Q6_K as `q + 32`, and `half_sums` takes the offset back.
fn keeps_signs(tier: Tier, ty: QuantType) -> bool {
    tier == Tier::Avx2 && matches!(ty, QuantType::Q8_0 | QuantType::Q6_K)
}

/// Packs `rows` (at most eight; the rest of the group is zero) weight rows `w_stride` bytes
/// apart into `out`, one `Packed` per sub-block.
///
/// # Safety
/// `supports(tier, ty)` for a tier the CPU has, and `w` holds `rows` rows of `out.len()`
/// sub-blocks of `ty`.
pub(crate) unsafe fn pack(
    tier: Tier,
    ty: QuantType,
    w: *const u8,
    w_stride: usize,
    rows: usize,
    out: &mut [Packed],
) {
    let signs = keeps_signs(tier, ty);
    match ty {
        QuantType::Q4_0 => pack_typed::<Q40>(w, w_stride, rows, signs, out),
        QuantType::Q4_1 => pack_typed::<Q41>(w, w_stride, rows, signs, out),
        QuantType::Q5_0 => pack_typed::<Q50>(w, w_stride, rows, signs, out),
        QuantType::Q5_1 => pack_typed::<Q51>(w, w_stride, rows, signs, out),
        QuantType::Q8_0 => pack_typed::<Q80>(w, w_stride, rows, signs, out),
        QuantType::Q4_K => pack_typed::<Q4K>(w, w_stride, rows, signs, out),
        QuantType::Q6_K => pack_typed::<Q6K>(w, w_stride, rows, signs, out),
    }
}

#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn pack_typed<W: Weights>(
    w: *const u8,
    w_stride: usize,
    rows: usize,
    signs: bool,
    out: &mut [Packed],
) {
    for (b, p) in out.iter_mut().enumerate() {
        let mut v = [_mm256_setzero_si256(); ROWS];
        let mut d = [0f32; ROWS];
        let mut c = [0f32; ROWS];
        for r in 0..rows {
            let row = w.add(r * w_stride);
            let (q, dr, cr) = W::load::<false>(row, b);
            if W::SCALED {
                // The halves' scales, as 16-bit lanes 0 and 8; `e` takes the second's.
                let scales = W::scales(row, b);
                v[r] = if signs {
                    q
                } else {
                    _mm256_add_epi8(q, _mm256_set1_epi8(32))
                };
                d[r] = dr * f32::from(_mm256_extract_epi16::<0>(scales) as i16);
                c[r] = dr * f32::from(_mm256_extract_epi16::<8>(scales) as i16);
                continue;
            }
            if W::SIGNED && !signs {
                // q + 128 as an unsigned byte; the constant term takes back 128 * sum(x).
                v[r] = _mm256_xor_si256(q, _mm256_set1_epi8(-128));
                c[r] = cr - 128.0 * dr;
            } else {
                v[r] = q;
                c[r] = cr;
            }
            d[r] = dr;
        }
        p.q = transpose(v);
        p.d = _mm256_loadu_ps(d.as_ptr());
        p.e = _mm256_loadu_ps(c.as_ptr());
    }
}

/// Eight rows of eight 32-bit groups into eight registers of one group from every row.
#[inline(always)]
unsafe fn transpose(v: [__m256i; 8]) -> [__m256i; 8] {
    let a: [__m256i; 8] = std::array::from_fn(|i| {
        let (x, y) = (v[i / 2 * 2], v[i / 2 * 2 + 1]);
        if i % 2 == 0 {
            _mm256_unpacklo_epi32(x, y)
        } else {
            _mm256_unpackhi_epi32(x, y)
        }
    });
    // a[0] = r0g0 r1g0 r0g1 r1g1 | r0g4 r1g4 r0g5 r1g5; a[1] the same for g2, g3, g6, g7.
    let b: [__m256i; 8] = std::array::from_fn(|i| {
        let (pair, part) = (i / 4, i % 4);
        let (x, y) = (a[4 * pair + part % 2], a[4 * pair + 2 + part % 2]);
        if part < 2 {
            _mm256_unpacklo_epi64(x, y)
        } else {
            _mm256_unpackhi_epi64(x, y)
        }
    });
    // b[0..4] = rows 0-3 of groups (0|4), (2|6), (1|5), (3|7); b[4..8] rows 4-7 likewise.
    let order = [0, 2, 1, 3];
    std::array::from_fn(|g| {
        let j = order[g % 4];
        if g < 4 {
            _mm256_permute2x128_si256(b[j], b[4 + j], 0x20)
        } else {
            _mm256_permute2x128_si256(b[j], b[4 + j], 0x31)
        }
    })
}

/// `y[t * ldy + r] = dot(row r, input t)` for the eight packed rows and `tokens` input rows
/// (`nb` sub-blocks apart in `x`); only the first `rows` outputs of each input row are written.
///
/// # Safety
/// The CPU has `tier`; `x` holds `tokens` rows of `packed.len()` blocks; `y` has room.
// Compiled for AVX2 (every tier here has it) so that the stores are inlined, not calls.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn multiply(
    tier: Tier,
    ty: QuantType,
    packed: &[Packed],
    x: Inputs,
    tokens: usize,
    rows: usize,
    y: *mut f32,
    ldy: usize,
) {
    let signs = keeps_signs(tier, ty);
    let mut t = 0;
    while t < tokens {
        let (xt, yt) = (x.rows_from(t), y.add(t * ldy));
        t += if tokens - t >= TOKENS {
            sweep_into::<TOKENS>(tier, ty, signs, packed, xt, rows, yt, ldy)
        } else {
            sweep_into::<1>(tier, ty, signs, packed, xt, rows, yt, ldy)
        };
    }
}

/// `T` input rows through the packed group, written to `y`; returns `T`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn sweep_into<const T: usize>(
    tier: Tier,
    ty: QuantType,
    signs: bool,
    packed: &[Packed],
    x: Inputs,
    rows: usize,
    y: *mut f32,
    ldy: usize,
) -> usize {
    let halves = ty == QuantType::Q6_K;
    let out = match tier {
        Tier::Avx512Vnni | Tier::Avx512Wide if halves => vnni::sweep::<T, HalvesVnni>(packed, x),
        Tier::Avx512Vnni | Tier::Avx512Wide => vnni::sweep::<T, Vnni>(packed, x),
        _ if halves => avx2::sweep::<T, HalvesMaddubs>(packed, x),
        _ if signs => avx2::sweep::<T, Signed>(packed, x),
        _ => avx2::sweep::<T, Maddubs>(packed, x),
    };
    store(&out, rows, y, ldy);
    T
}

#[inline(always)]
unsafe fn store(out: &[__m256], rows: usize, y: *mut f32, ldy: usize) {
    for (i, v) in out.iter().enumerate() {
        let mut lanes = [0f32; ROWS];
        _mm256_storeu_ps(lanes.as_mut_ptr(), *v);
        std::ptr::copy_nonoverlapping(lanes.as_ptr(), y.add(i * ldy), rows);
    }
}

/// Four input bytes of group `g` of each of the `T` input rows, broadcast to every lane.
// Loops, not `array::from_fn`: a closure does not take its caller's target features and,
// if not inlined, turns every intrinsic in it into a call.
#[inline(always)]
unsafe fn inputs<const T: usize>(xs: &[&Q8; T], g: usize) -> [__m256i; T] {
    let mut v = [_mm256_setzero_si256(); T];
    for t in 0..T {
        let four = std::ptr::read_unaligned(xs[t].qs.as_ptr().add(4 * g) as *const i32);
        v[t] = _mm256_set1_epi32(four);
    }
    v
}

/// A sub-block's integer dot products of the eight rows with `T` input rows, for one way of
/// multiplying bytes. Called only from `sweep`, whose target features it takes when inlined.
trait Sums {
    /// The halves (registers 0-3 and 4-7) come apart, each for its own scale (Q6_K); else
    /// the first sum is the whole and the second is not used.
    const HALVES: bool;
    /// The weights were packed as `q + 32`: each half's sum takes back its `half_sums`.
    const OFFSET: bool = false;
    unsafe fn sums<const T: usize>(p: &Packed, xs: &[&Q8; T]) -> [[__m256i; T]; 2];
}

/// AVX2. `maddubs` leaves 16-bit sums of two products; four groups of them add up in 16 bits
/// before one `madd` widens them, so a sub-block takes two `madd`s a row instead of eight (the
/// multiplier is the bottleneck: it is one port on many CPUs). Four groups fit: the weights
/// here are at most 31 (the unsigned 4- and 5-bit types; Q8_0 goes to `Signed`) and inputs at
/// most 127, so four groups sum to at most 4 x 2 x 31 x 127 = 31,496 in magnitude.
struct Maddubs;
impl Sums for Maddubs {
    const HALVES: bool = false;
    #[inline(always)]
    unsafe fn sums<const T: usize>(p: &Packed, xs: &[&Q8; T]) -> [[__m256i; T]; 2] {
        let [mut whole, second] = maddubs_halves::<false, T>(p, xs);
        for t in 0..T {
            whole[t] = _mm256_add_epi32(whole[t], second[t]);
        }
        [whole, whole]
    }
}

/// AVX2 for Q6_K (kept signed by `pack`), each half apart, as in `Maddubs`. Its weights are at
/// most 32 in magnitude, so a half sums to at most 4 x 2 x 32 x 127 = 32,512.
struct HalvesMaddubs;
impl Sums for HalvesMaddubs {
    const HALVES: bool = true;
    #[inline(always)]
    unsafe fn sums<const T: usize>(p: &Packed, xs: &[&Q8; T]) -> [[__m256i; T]; 2] {
        maddubs_halves::<true, T>(p, xs)
    }
}

/// Each half's four groups of `maddubs` pair sums added in 16 bits, then widened by one
/// `madd`. Signed weights go in as `|w|` times `x * sign(w)`.
#[inline(always)]
unsafe fn maddubs_halves<const SIGNED: bool, const T: usize>(
    p: &Packed,
    xs: &[&Q8; T],
) -> [[__m256i; T]; 2] {
    let mut halves = [[_mm256_setzero_si256(); T]; 2];
    for g in 0..8 {
        let (wv, xv) = (p.q[g], inputs(xs, g));
        for t in 0..T {
            let pairs = if SIGNED {
                maddubs_signed(wv, xv[t])
            } else {
                _mm256_maddubs_epi16(wv, xv[t])
            };
            halves[g / 4][t] = _mm256_add_epi16(halves[g / 4][t], pairs);
        }
    }
    let ones = _mm256_set1_epi16(1);
    for half in halves.iter_mut() {
        for sum in half.iter_mut() {
            *sum = _mm256_madd_epi16(*sum, ones);
        }
    }
    halves
}

/// `maddubs` of signed weights: `|w|` times `x * sign(w)`.
#[inline(always)]
unsafe fn maddubs_signed(w: __m256i, x: __m256i) -> __m256i {
    _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w))
}

/// AVX2 for Q8_0 kept signed: two such products nearly fill 16 bits, so each group is widened
/// by its own `madd`.
struct Signed;
impl Sums for Signed {
    const HALVES: bool = false;
    #[inline(always)]
    unsafe fn sums<const T: usize>(p: &Packed, xs: &[&Q8; T]) -> [[__m256i; T]; 2] {
        let mut sums = [_mm256_setzero_si256(); T];
        let ones = _mm256_set1_epi16(1);
        for g in 0..8 {
            let (wv, xv) = (p.q[g], inputs(xs, g));
            for t in 0..T {
                let pairs = maddubs_signed(wv, xv[t]);
                sums[t] = _mm256_add_epi32(sums[t], _mm256_madd_epi16(pairs, ones));
            }
        }
        [sums, sums]
    }
}

/// VNNI: two sums per input row, so the dot products do not all wait on one another.
struct Vnni;
impl Sums for Vnni {
    const HALVES: bool = false;
    #[inline(always)]
    unsafe fn sums<const T: usize>(p: &Packed, xs: &[&Q8; T]) -> [[__m256i; T]; 2] {
        let mut even = [_mm256_setzero_si256(); T];
        let mut odd = [_mm256_setzero_si256(); T];
        for g in 0..8 {
            let (wv, xv) = (p.q[g], inputs(xs, g));
            let sums = if g % 2 == 0 { &mut even } else { &mut odd };
            for t in 0..T {
                sums[t] = _mm256_dpbusd_epi32(sums[t], wv, xv[t]);
            }
        }
        for t in 0..T {
            even[t] = _mm256_add_epi32(even[t], odd[t]);
        }
        [even, even]
    }
}

/// VNNI for Q6_K packed as `q + 32` (unsigned), each half apart.
struct HalvesVnni;
impl Sums for HalvesVnni {
    const HALVES: bool = true;
    const OFFSET: bool = true;
    #[inline(always)]
    unsafe fn sums<const T: usize>(p: &Packed, xs: &[&Q8; T]) -> [[__m256i; T]; 2] {
        let mut sums = [[_mm256_setzero_si256(); T]; 2];
        for g in 0..8 {
            let (wv, xv) = (p.q[g], inputs(xs, g));
            for t in 0..T {
                sums[g / 4][t] = _mm256_dpbusd_epi32(sums[g / 4][t], wv, xv[t]);
            }
        }
        sums
    }
}

macro_rules! tier {
    ($name:ident, $features:literal) => {
        mod $name {
            use super::*;

            /// The eight rows' dot products with `T` input rows, over every sub-block.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn sweep<const T: usize, S: Sums>(
                packed: &[Packed],
                x: Inputs,
            ) -> [__m256; T] {
                let mut acc = [_mm256_setzero_ps(); T];
                for (b, p) in packed.iter().enumerate() {
                    let xs: [&Q8; T] = std::array::from_fn(|t| &*x.x.add(t * x.nb + b));
                    let [mut first, mut second] = S::sums(p, &xs);
                    if S::OFFSET {
                        for t in 0..T {
                            let [low, high] = *x.halves.add(t * x.nb + b);
                            first[t] = _mm256_sub_epi32(first[t], _mm256_set1_epi32(low));
                            second[t] = _mm256_sub_epi32(second[t], _mm256_set1_epi32(high));
                        }
                    }
                    for t in 0..T {
                        let dx = _mm256_set1_ps(xs[t].d);
                        let sum = _mm256_cvtepi32_ps(first[t]);
                        acc[t] = _mm256_fmadd_ps(sum, _mm256_mul_ps(p.d, dx), acc[t]);
                        acc[t] = if S::HALVES {
                            let sum = _mm256_cvtepi32_ps(second[t]);
                            _mm256_fmadd_ps(sum, _mm256_mul_ps(p.e, dx), acc[t])
                        } else {
                            _mm256_fmadd_ps(p.e, _mm256_set1_ps(xs[t].s), acc[t])
                        };
                    }
                }
                acc
            }
        }
    };
}

tier!(avx2, "avx2,fma,f16c");
tier!(vnni, "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni");
