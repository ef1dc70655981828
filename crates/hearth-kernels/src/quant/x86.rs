//! x86-64 tiles: AVX2 (`maddubs` + `madd`) and AVX-512 VNNI (`dpbusd` on 256-bit registers),
//! chosen at run time. The tile keeps `R x T` accumulators in registers while it walks the
//! blocks, so each weight block is unpacked once for `T` input rows.

use std::arch::x86_64::*;

use super::activation::Q8;

use super::{q4k_scale_min, QuantType, BLOCK};

/// A weight format: how to load sub-block `b` of a row as 32 bytes with its `d` and `c`.
pub(super) trait Weights {
    const TYPE: QuantType;
    /// The bytes are signed (Q8_0, Q6_K): the dot product then uses `|w|` and `x * sign(w)`,
    /// since both instructions multiply unsigned by signed bytes.
    const SIGNED: bool;
    /// Each half of the sub-block has its own 16-bit scale (Q6_K), applied by `madd`.
    const SCALED: bool = false;
    /// `c` is not always 0.
    const CONSTANT: bool = true;
    /// How many times `maddubs`'s 16-bit pair sums may be added pairwise before they could
    /// overflow 16 bits (inputs are at most 127): 3 for weights up to 15, 2 up to 31.
    const NARROW_LEVELS: u32 = 0;
    /// Where a block's 16 bytes of nibbles start, for the types whose low nibbles are values
    /// 0-15 and high nibbles 16-31 of one block (Q4_0, Q4_1): the AVX2 reply kernel then
    /// unpacks two blocks per register. 0 for the others.
    const NIBBLES_AT: usize = 0;
    /// `AVX512`: the caller is compiled with AVX-512 BW and VL, which unpack Q5's fifth bits
    /// in one instruction.
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32);
    unsafe fn scales(_row: *const u8, _b: usize) -> __m256i {
        _mm256_setzero_si256()
    }
    /// `d` and `c` of the eight sub-blocks from `b` (a multiple of 8), one per lane.
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256);
}

/// The two f16 at the start of each of eight blocks `stride` bytes apart, from `p`: eight
/// first halves and eight second halves.
#[inline(always)]
unsafe fn halves8(p: *const u8, stride: i32) -> (__m256, __m256) {
    // Eight plain loads, not a gather: gathers are microcoded on some AVX2 CPUs (Zen 1), where
    // the reply kernel spent a third of its time waiting on this one.
    let at = |i: isize| std::ptr::read_unaligned(p.offset(i * stride as isize) as *const i32);
    let both = _mm256_setr_epi32(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7));
    // Within each 128-bit lane the first halves to the low eight bytes, then the lanes' low
    // quadwords together: eight first halves, then eight second.
    let split = _mm256_shuffle_epi8(
        both,
        _mm256_setr_epi8(
            0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15, 0, 1, 4, 5, 8, 9, 12, 13, 2, 3,
            6, 7, 10, 11, 14, 15,
        ),
    );
    let split = _mm256_permute4x64_epi64::<0b11_01_10_00>(split);
    (
        _mm256_cvtph_ps(_mm256_castsi256_si128(split)),
        _mm256_cvtph_ps(_mm256_extracti128_si256::<1>(split)),
    )
}

/// `factors8` of the types with one f16 `d` first in each block and `c = offset * d`.
#[inline(always)]
unsafe fn offset_factors8(
    row: *const u8,
    b: usize,
    ty: QuantType,
    offset: f32,
) -> (__m256, __m256) {
    let (d, _) = halves8(row.add(b * ty.block_bytes()), ty.block_bytes() as i32);
    (d, _mm256_mul_ps(d, _mm256_set1_ps(offset)))
}

/// `factors8` of the types with an f16 `d` and `m` first in each block.
#[inline(always)]
unsafe fn min_factors8(row: *const u8, b: usize, ty: QuantType) -> (__m256, __m256) {
    halves8(row.add(b * ty.block_bytes()), ty.block_bytes() as i32)
}

#[inline(always)]
unsafe fn halves(p: *const u8) -> __m128 {
    _mm_cvtph_ps(_mm_cvtsi32_si128(std::ptr::read_unaligned(p as *const i32)))
}

/// 16 bytes' low nibbles, then their high nibbles. The bytes are loaded into both halves and
/// the upper half shifted, which needs no shuffle (shuffle ports are the scarce ones).
#[inline(always)]
unsafe fn nibbles(p: *const u8) -> __m256i {
    let raw = _mm256_broadcastsi128_si256(_mm_loadu_si128(p as *const __m128i));
    let shifted = _mm256_srlv_epi64(raw, _mm256_setr_epi64x(0, 0, 4, 4));
    _mm256_and_si256(shifted, _mm256_set1_epi8(0x0F))
}

/// The low (`high == false`) or high nibbles of 32 bytes.
#[inline(always)]
unsafe fn nibbles_of(raw: __m256i, high: bool) -> __m256i {
    let v = if high { _mm256_srli_epi16(raw, 4) } else { raw };
    _mm256_and_si256(v, _mm256_set1_epi8(0x0F))
}

pub(super) struct Q40;
impl Weights for Q40 {
    const TYPE: QuantType = QuantType::Q4_0;
    const SIGNED: bool = false;
    const NARROW_LEVELS: u32 = 3;
    const NIBBLES_AT: usize = 2;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let p = row.add(b * QuantType::Q4_0.block_bytes());
        let d = _mm_cvtss_f32(halves(p));
        (nibbles(p.add(2)), d, -8.0 * d)
    }
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        offset_factors8(row, b, QuantType::Q4_0, -8.0)
    }
}

pub(super) struct Q41;
impl Weights for Q41 {
    const TYPE: QuantType = QuantType::Q4_1;
    const SIGNED: bool = false;
    const NARROW_LEVELS: u32 = 3;
    const NIBBLES_AT: usize = 4;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let p = row.add(b * QuantType::Q4_1.block_bytes());
        let dm = halves(p);
        let d = _mm_cvtss_f32(dm);
        let m = _mm_cvtss_f32(_mm_movehdup_ps(dm));
        (nibbles(p.add(4)), d, m)
    }
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        min_factors8(row, b, QuantType::Q4_1)
    }
}

/// 32 nibbles with Q5's fifth bits (the 32 bits at `p`) added as 16.
#[inline(always)]
unsafe fn with_fifth_bits<const AVX512: bool>(low: __m256i, p: *const u8) -> __m256i {
    if AVX512 {
        let bits = std::ptr::read_unaligned(p as *const u32);
        return _mm256_mask_add_epi8(low, bits, low, _mm256_set1_epi8(0x10));
    }
    _mm256_or_si256(low, fifth_bits(p))
}

/// The 32 bits at `p` as 32 bytes of 0x10 (bit set) or 0.
#[inline(always)]
unsafe fn fifth_bits(p: *const u8) -> __m256i {
    let bits = std::ptr::read_unaligned(p as *const i32);
    let spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(bits),
        _mm256_set_epi64x(
            0x0303030303030303,
            0x0202020202020202,
            0x0101010101010101,
            0,
        ),
    );
    let all = _mm256_or_si256(spread, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    _mm256_and_si256(
        _mm256_cmpeq_epi8(all, _mm256_set1_epi64x(-1)),
        _mm256_set1_epi8(0x10),
    )
}

pub(super) struct Q50;
impl Weights for Q50 {
    const TYPE: QuantType = QuantType::Q5_0;
    const SIGNED: bool = false;
    const NARROW_LEVELS: u32 = 2;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let p = row.add(b * QuantType::Q5_0.block_bytes());
        let d = _mm_cvtss_f32(halves(p));
        let q = with_fifth_bits::<AVX512>(nibbles(p.add(6)), p.add(2));
        (q, d, -16.0 * d)
    }
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        offset_factors8(row, b, QuantType::Q5_0, -16.0)
    }
}

pub(super) struct Q51;
impl Weights for Q51 {
    const TYPE: QuantType = QuantType::Q5_1;
    const SIGNED: bool = false;
    const NARROW_LEVELS: u32 = 2;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let p = row.add(b * QuantType::Q5_1.block_bytes());
        let dm = halves(p);
        let q = with_fifth_bits::<AVX512>(nibbles(p.add(8)), p.add(4));
        (q, _mm_cvtss_f32(dm), _mm_cvtss_f32(_mm_movehdup_ps(dm)))
    }
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        min_factors8(row, b, QuantType::Q5_1)
    }
}

pub(super) struct Q80;
impl Weights for Q80 {
    const TYPE: QuantType = QuantType::Q8_0;
    const SIGNED: bool = true;
    const CONSTANT: bool = false;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let p = row.add(b * QuantType::Q8_0.block_bytes());
        let d = _mm_cvtss_f32(halves(p));
        (_mm256_loadu_si256(p.add(2) as *const __m256i), d, 0.0)
    }
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        offset_factors8(row, b, QuantType::Q8_0, 0.0)
    }
}

pub(super) struct Q4K;
impl Weights for Q4K {
    const TYPE: QuantType = QuantType::Q4_K;
    const SIGNED: bool = false;
    const NARROW_LEVELS: u32 = 3;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let (sup, j) = (b / 8, b % 8);
        let p = row.add(sup * QuantType::Q4_K.block_bytes());
        let (scale, min) = q4k_scale_min(std::slice::from_raw_parts(p.add(4), 12), j);
        let dm = halves(p);
        let d = _mm_cvtss_f32(dm) * f32::from(scale);
        let dmin = _mm_cvtss_f32(_mm_movehdup_ps(dm));
        let raw = _mm256_loadu_si256(p.add(16 + 32 * (j / 2)) as *const __m256i);
        (nibbles_of(raw, j % 2 == 1), d, -dmin * f32::from(min))
    }
    /// The eight 6-bit scales and mins unpacked at once, as llama.cpp does.
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        const LOW6: u32 = 0x3f3f3f3f;
        const LOW4: u32 = 0x0f0f0f0f;
        const LOW2: u32 = 0x03030303;
        let p = row.add(b / 8 * QuantType::Q4_K.block_bytes());
        let u: [u32; 3] =
            std::array::from_fn(|i| std::ptr::read_unaligned(p.add(4 + 4 * i) as *const u32));
        let scales = [u[0] & LOW6, (u[2] & LOW4) | (((u[0] >> 6) & LOW2) << 4)];
        let mins = [
            u[1] & LOW6,
            ((u[2] >> 4) & LOW4) | (((u[1] >> 6) & LOW2) << 4),
        ];
        let bytes = |v: [u32; 2]| {
            _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(
                (u64::from(v[1]) << 32 | u64::from(v[0])) as i64,
            )))
        };
        let dm = halves(p);
        let d = _mm256_set1_ps(_mm_cvtss_f32(dm));
        let dmin = _mm256_set1_ps(-_mm_cvtss_f32(_mm_movehdup_ps(dm)));
        (
            _mm256_mul_ps(d, bytes(scales)),
            _mm256_mul_ps(dmin, bytes(mins)),
        )
    }
}

pub(super) struct Q6K;
impl Weights for Q6K {
    const TYPE: QuantType = QuantType::Q6_K;
    const SIGNED: bool = true;
    const SCALED: bool = true;
    const CONSTANT: bool = false;
    #[inline(always)]
    unsafe fn load<const AVX512: bool>(row: *const u8, b: usize) -> (__m256i, f32, f32) {
        let (sup, part) = (b / 8, b % 8);
        let p = row.add(sup * QuantType::Q6_K.block_bytes());
        let (n, half) = (part / 4, part % 4);
        let ql = _mm256_loadu_si256(p.add(64 * n + 32 * (half % 2)) as *const __m256i);
        let qh = _mm256_loadu_si256(p.add(128 + 32 * n) as *const __m256i);
        let high = _mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * half as i32));
        let high = _mm256_slli_epi16(_mm256_and_si256(high, _mm256_set1_epi8(3)), 4);
        let q = _mm256_or_si256(nibbles_of(ql, half >= 2), high);
        // F16C on the two bytes; `half`'s conversion checks the CPU on every call.
        let d = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(i32::from(
            std::ptr::read_unaligned(p.add(208) as *const u16),
        ))));
        (_mm256_sub_epi8(q, _mm256_set1_epi8(32)), d, 0.0)
    }
    #[inline(always)]
    unsafe fn factors8(row: *const u8, b: usize) -> (__m256, __m256) {
        let d = row.add(b / 8 * QuantType::Q6_K.block_bytes() + 208);
        let d = _mm_cvtph_ps(_mm_cvtsi32_si128(i32::from(std::ptr::read_unaligned(
            d as *const u16,
        ))));
        (_mm256_broadcastss_ps(d), _mm256_setzero_ps())
    }
    #[inline(always)]
    unsafe fn scales(row: *const u8, b: usize) -> __m256i {
        let (sup, part) = (b / 8, b % 8);
        let p =
            row.add(sup * QuantType::Q6_K.block_bytes() + 192 + 8 * (part / 4) + 2 * (part % 4));
        let (lo, hi) = (*p as i8, *p.add(1) as i8);
        _mm256_set_m128i(_mm_set1_epi16(i16::from(hi)), _mm_set1_epi16(i16::from(lo)))
    }
}

#[inline(always)]
unsafe fn dot_maddubs(u: __m256i, s: __m256i) -> __m256i {
    _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1))
}

#[inline(always)]
unsafe fn dot_vnni(u: __m256i, s: __m256i) -> __m256i {
    _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s)
}

/// How far ahead of a reply's matmul the weights are fetched, in bytes: from 1,536 on the
/// kernel bench's figures level off (Zen 1, 1,536 x 1,536).
const PREFETCH_AHEAD: usize = 1536;

/// Eight registers' lane sums, in one register in their order.
#[inline(always)]
unsafe fn totals(v: [__m256i; 8]) -> __m256i {
    let quarters = |a: usize| {
        _mm256_hadd_epi32(
            _mm256_hadd_epi32(v[a], v[a + 1]),
            _mm256_hadd_epi32(v[a + 2], v[a + 3]),
        )
    };
    lanes_together(quarters(0), quarters(4))
}

/// `totals` of eight registers of `maddubs` pair sums, added in 16 bits for `levels` (2 or 3)
/// steps first: on CPUs that split 256-bit multiplies in halves (Zen 1), the eight `madd`s
/// that would widen them cost more than the additions.
#[inline(always)]
unsafe fn narrow_totals(v: [__m256i; 8], levels: u32) -> __m256i {
    let quarters = |a: usize| {
        _mm256_hadd_epi16(
            _mm256_hadd_epi16(v[a], v[a + 1]),
            _mm256_hadd_epi16(v[a + 2], v[a + 3]),
        )
    };
    let (first, second) = (quarters(0), quarters(4));
    if levels >= 3 {
        // Each 128-bit lane: the eight registers' sums over that lane, in order.
        let all = _mm256_hadd_epi16(first, second);
        return _mm256_add_epi32(
            _mm256_cvtepi16_epi32(_mm256_castsi256_si128(all)),
            _mm256_cvtepi16_epi32(_mm256_extracti128_si256::<1>(all)),
        );
    }
    let ones = _mm256_set1_epi16(1);
    lanes_together(
        _mm256_madd_epi16(first, ones),
        _mm256_madd_epi16(second, ones),
    )
}

/// The 16 bytes at `low` and the 16 at `high` in one register.
#[inline(always)]
unsafe fn two_halves(low: *const u8, high: *const u8) -> __m256i {
    _mm256_loadu2_m128i(high as *const __m128i, low as *const __m128i)
}

/// Eight sub-blocks' integer dot products, in order, for 4-bit weights whose nibbles hold
/// values `j` and `j + 16` (see `Weights::NIBBLES_AT`): two sub-blocks share each register,
/// their low nibbles against the first halves of their inputs and their high nibbles against
/// the second, so a register holds two blocks' 16-bit sums, one block per 128-bit lane.
/// Weights of at most 15 and inputs of at most 127 leave every sum here within 30,480.
#[inline(always)]
unsafe fn paired_nibble_dots<W: Weights>(w: *const u8, x: *const Q8, b: usize) -> __m256i {
    let mask = _mm256_set1_epi8(0x0F);
    let mut pairs = [_mm256_setzero_si256(); 4];
    for (i, pair) in pairs.iter_mut().enumerate() {
        let first = b + 2 * i;
        let wp = w.add(first * W::TYPE.block_bytes() + W::NIBBLES_AT);
        let raw = two_halves(wp, wp.add(W::TYPE.block_bytes()));
        let low = _mm256_and_si256(raw, mask);
        let high = _mm256_and_si256(_mm256_srli_epi16(raw, 4), mask);
        let (x0, x1) = ((*x.add(first)).qs.as_ptr(), (*x.add(first + 1)).qs.as_ptr());
        let x_low = two_halves(x0 as *const u8, x1 as *const u8);
        let x_high = two_halves(x0.add(16) as *const u8, x1.add(16) as *const u8);
        *pair = _mm256_add_epi16(
            _mm256_maddubs_epi16(low, x_low),
            _mm256_maddubs_epi16(high, x_high),
        );
    }
    // Lanes after the tree: blocks 0, 2, 4, 6 | 1, 3, 5, 7.
    let tree = _mm256_hadd_epi16(
        _mm256_hadd_epi16(pairs[0], pairs[1]),
        _mm256_hadd_epi16(pairs[2], pairs[3]),
    );
    let sums = _mm256_madd_epi16(tree, _mm256_set1_epi16(1));
    _mm256_permutevar8x32_epi32(sums, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7))
}

/// Two registers whose 128-bit lanes each hold four registers' sums over that lane: the
/// eight full sums, in order.
#[inline(always)]
unsafe fn lanes_together(first: __m256i, second: __m256i) -> __m256i {
    _mm256_add_epi32(
        _mm256_permute2x128_si256::<0x20>(first, second),
        _mm256_permute2x128_si256::<0x31>(first, second),
    )
}

/// The sum of a register's eight lanes.
#[inline(always)]
pub(crate) unsafe fn hsum(v: __m256) -> f32 {
    let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)))
}

macro_rules! tier {
    ($name:ident, $features:literal, $dot:ident, $avx512:literal) => {
        pub(crate) mod $name {
            use super::*;

            /// See `scalar::tile`; the same contract.
            pub(crate) unsafe fn tile<const R: usize, const T: usize>(
                ty: QuantType,
                w: *const u8,
                w_stride: usize,
                x: *const Q8,
                nb: usize,
                out: &mut [[f32; T]; R],
            ) {
                match ty {
                    QuantType::Q4_0 => typed::<R, T, Q40>(w, w_stride, x, nb, out),
                    QuantType::Q4_1 => typed::<R, T, Q41>(w, w_stride, x, nb, out),
                    QuantType::Q5_0 => typed::<R, T, Q50>(w, w_stride, x, nb, out),
                    QuantType::Q5_1 => typed::<R, T, Q51>(w, w_stride, x, nb, out),
                    QuantType::Q8_0 => typed::<R, T, Q80>(w, w_stride, x, nb, out),
                    QuantType::Q4_K => typed::<R, T, Q4K>(w, w_stride, x, nb, out),
                    QuantType::Q6_K => typed::<R, T, Q6K>(w, w_stride, x, nb, out),
                }
            }

            /// The 8 partial sums of `u * s`, with Q6_K's per-16 scales applied.
            #[inline(always)]
            unsafe fn dot<W: Weights>(u: __m256i, s: __m256i, row: *const u8, b: usize) -> __m256i {
                if W::SCALED {
                    _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), W::scales(row, b))
                } else {
                    $dot(u, s)
                }
            }

            /// One weight row times `T` input rows of replies, each exactly as it would be
            /// alone: input `t`'s blocks are at `x[t]`, their `d` also at `xd[t]` and their `s`
            /// at `xd[t] + nb`.
            pub(crate) unsafe fn rows<const T: usize>(
                ty: QuantType,
                w: *const u8,
                x: [*const Q8; T],
                xd: [*const f32; T],
                nb: usize,
            ) -> [f32; T] {
                match ty {
                    QuantType::Q4_0 => typed_rows::<Q40, T>(w, x, xd, nb),
                    QuantType::Q4_1 => typed_rows::<Q41, T>(w, x, xd, nb),
                    QuantType::Q5_0 => typed_rows::<Q50, T>(w, x, xd, nb),
                    QuantType::Q5_1 => typed_rows::<Q51, T>(w, x, xd, nb),
                    QuantType::Q8_0 => typed_rows::<Q80, T>(w, x, xd, nb),
                    QuantType::Q4_K => typed_rows::<Q4K, T>(w, x, xd, nb),
                    QuantType::Q6_K => typed_rows::<Q6K, T>(w, x, xd, nb),
                }
            }

            /// The 8 partial sums of sub-block `b`'s integer dot product.
            #[inline(always)]
            unsafe fn block_dot<W: Weights>(
                w: *const u8,
                x: *const Q8,
                b: usize,
            ) -> (__m256i, f32, f32) {
                let (u, s, d, c) = block_operands::<W>(w, x, b);
                (dot::<W>(u, s, w, b), d, c)
            }

            /// Sub-block `b`'s unsigned weights and signed inputs for `maddubs`, with `d`, `c`.
            #[inline(always)]
            unsafe fn block_operands<W: Weights>(
                w: *const u8,
                x: *const Q8,
                b: usize,
            ) -> (__m256i, __m256i, f32, f32) {
                let xv = _mm256_loadu_si256((*x.add(b)).qs.as_ptr() as *const __m256i);
                let (wv, d, c) = W::load::<$avx512>(w, b);
                if W::SIGNED {
                    (_mm256_sign_epi8(wv, wv), _mm256_sign_epi8(xv, wv), d, c)
                } else {
                    (wv, xv, d, c)
                }
            }

            /// The row is read straight through, eight sub-blocks at a time: their integer
            /// sums land in one register, scaled by one multiply-add with the eight blocks'
            /// factors (per-block scalar work was most of a reply's matmul). With several
            /// inputs, each sub-block's weights are loaded and unpacked once for all of them,
            /// and each input's sums and scaling are the very operations it gets alone.
            #[target_feature(enable = $features)]
            unsafe fn typed_rows<W: Weights, const T: usize>(
                w: *const u8,
                x: [*const Q8; T],
                xd: [*const f32; T],
                nb: usize,
            ) -> [f32; T] {
                let mut acc = [_mm256_setzero_ps(); T];
                let mut constant = [_mm256_setzero_ps(); T];
                let mut b = 0;
                let eight = W::TYPE.block_bytes() * 8 * BLOCK / W::TYPE.block_values();
                // The AVX2 tier's own ways of adding (two blocks a register, or 16-bit sums)
                // take each input apart.
                let apart = !$avx512 && (W::NIBBLES_AT != 0 || W::NARROW_LEVELS >= 2);
                while b + 8 <= nb {
                    // The hardware prefetcher alone left a reply's matmul well under the memory's
                    // speed on Zen 1 (Q8_0 13 -> 17 GB/s with this). Past the row's end it
                    // fetches the next rows; a prefetch never faults.
                    let next = w.wrapping_add(b * eight / 8 + PREFETCH_AHEAD) as *const i8;
                    for line in 0..eight.div_ceil(64) {
                        _mm_prefetch::<_MM_HINT_T0>(next.wrapping_add(64 * line));
                    }
                    // Loops, not `array::from_fn`: a closure here is compiled without this
                    // function's target features, and its intrinsics become calls.
                    let mut sums = [_mm256_setzero_si256(); T];
                    if apart {
                        for t in 0..T {
                            sums[t] = if W::NIBBLES_AT != 0 {
                                paired_nibble_dots::<W>(w, x[t], b)
                            } else {
                                let mut pairs = [_mm256_setzero_si256(); 8];
                                for (i, pair) in pairs.iter_mut().enumerate() {
                                    let (u, s, _, _) = block_operands::<W>(w, x[t], b + i);
                                    *pair = _mm256_maddubs_epi16(u, s);
                                }
                                narrow_totals(pairs, W::NARROW_LEVELS)
                            };
                        }
                    } else {
                        let mut blocks = [[_mm256_setzero_si256(); 8]; T];
                        for i in 0..8 {
                            let (wv, _, _) = W::load::<$avx512>(w, b + i);
                            let u = if W::SIGNED {
                                _mm256_sign_epi8(wv, wv)
                            } else {
                                wv
                            };
                            for t in 0..T {
                                let xv = _mm256_loadu_si256(
                                    (*x[t].add(b + i)).qs.as_ptr() as *const __m256i
                                );
                                let s = if W::SIGNED {
                                    _mm256_sign_epi8(xv, wv)
                                } else {
                                    xv
                                };
                                blocks[t][i] = dot::<W>(u, s, w, b + i);
                            }
                        }
                        for t in 0..T {
                            sums[t] = totals(blocks[t]);
                        }
                    }
                    let (d, c) = W::factors8(w, b);
                    for t in 0..T {
                        let dt = _mm256_mul_ps(d, _mm256_loadu_ps(xd[t].add(b)));
                        acc[t] = _mm256_fmadd_ps(dt, _mm256_cvtepi32_ps(sums[t]), acc[t]);
                        if W::CONSTANT {
                            constant[t] =
                                _mm256_fmadd_ps(c, _mm256_loadu_ps(xd[t].add(nb + b)), constant[t]);
                        }
                    }
                    b += 8;
                }
                let mut out = [0f32; T];
                for t in 0..T {
                    let mut tail = 0f32;
                    for b in b..nb {
                        let (sum, d, c) = block_dot::<W>(w, x[t], b);
                        let xb = &*x[t].add(b);
                        let dot = _mm256_cvtepi32_ps(sum);
                        acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * xb.d), dot, acc[t]);
                        tail += c * xb.s;
                    }
                    out[t] = hsum(_mm256_add_ps(acc[t], constant[t])) + tail;
                }
                out
            }

            #[target_feature(enable = $features)]
            unsafe fn typed<const R: usize, const T: usize, W: Weights>(
                w: *const u8,
                w_stride: usize,
                x: *const Q8,
                nb: usize,
                out: &mut [[f32; T]; R],
            ) {
                let mut acc = [[_mm256_setzero_ps(); T]; R];
                // The constant term, one lane per input row: `c_w * s_x` summed over blocks.
                let mut constant = [_mm256_setzero_ps(); R];
                let mut s_lanes = [0f32; 8];
                for b in 0..nb {
                    let xs: [&Q8; T] = std::array::from_fn(|t| &*x.add(t * nb + b));
                    let xv: [__m256i; T] = std::array::from_fn(|t| {
                        _mm256_loadu_si256(xs[t].qs.as_ptr() as *const __m256i)
                    });
                    let xd: [__m256; T] = std::array::from_fn(|t| _mm256_set1_ps(xs[t].d));
                    for t in 0..T {
                        s_lanes[t] = xs[t].s;
                    }
                    let s_x = _mm256_loadu_ps(s_lanes.as_ptr());
                    for r in 0..R {
                        let row = w.add(r * w_stride);
                        let (wv, d, c) = W::load::<$avx512>(row, b);
                        let u = if W::SIGNED {
                            _mm256_sign_epi8(wv, wv)
                        } else {
                            wv
                        };
                        let scales = W::scales(row, b);
                        let d = _mm256_set1_ps(d);
                        for t in 0..T {
                            let s = if W::SIGNED {
                                _mm256_sign_epi8(xv[t], wv)
                            } else {
                                xv[t]
                            };
                            let dot = if W::SCALED {
                                _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), scales)
                            } else {
                                $dot(u, s)
                            };
                            let dot = _mm256_cvtepi32_ps(dot);
                            acc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(d, xd[t]), dot, acc[r][t]);
                        }
                        if c != 0.0 {
                            constant[r] = _mm256_fmadd_ps(_mm256_set1_ps(c), s_x, constant[r]);
                        }
                    }
                }
                for r in 0..R {
                    let mut lanes = [0f32; 8];
                    _mm256_storeu_ps(lanes.as_mut_ptr(), constant[r]);
                    for t in 0..T {
                        out[r][t] = hsum(acc[r][t]) + lanes[t];
                    }
                }
            }
        }
    };
}

tier!(avx2, "avx2,fma,f16c", dot_maddubs, false);
tier!(
    vnni,
    "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni",
    dot_vnni,
    true
);

/// `quantize_row` with AVX2; the same rounding as the scalar one.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn quantize_row(x: &[f32], out: &mut [Q8]) {
    let sign = _mm256_set1_ps(-0.0);
    for (block, q) in x.chunks_exact(BLOCK).zip(out.iter_mut()) {
        let p = block.as_ptr();
        let v: [__m256; 4] = std::array::from_fn(|i| _mm256_loadu_ps(p.add(8 * i)));
        let mut max = _mm256_andnot_ps(sign, v[0]);
        for vi in &v[1..] {
            max = _mm256_max_ps(max, _mm256_andnot_ps(sign, *vi));
        }
        let m4 = _mm_max_ps(_mm256_castps256_ps128(max), _mm256_extractf128_ps(max, 1));
        let m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        let amax = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
        let d = amax / 127.0;
        let id = _mm256_set1_ps(if amax != 0.0 { 1.0 / d } else { 0.0 });
        let i: [__m256i; 4] = std::array::from_fn(|j| _mm256_cvtps_epi32(_mm256_mul_ps(v[j], id)));
        let sum = _mm256_add_epi32(_mm256_add_epi32(i[0], i[1]), _mm256_add_epi32(i[2], i[3]));
        let s4 = _mm_add_epi32(
            _mm256_castsi256_si128(sum),
            _mm256_extracti128_si256(sum, 1),
        );
        let s4 = _mm_hadd_epi32(s4, s4);
        let total = _mm_cvtsi128_si32(_mm_hadd_epi32(s4, s4));
        // Packing works within 128-bit lanes; the permute puts the 32 bytes back in order.
        let packed = _mm256_packs_epi16(
            _mm256_packs_epi32(i[0], i[1]),
            _mm256_packs_epi32(i[2], i[3]),
        );
        let ordered =
            _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(q.qs.as_mut_ptr() as *mut __m256i, ordered);
        q.d = d;
        q.s = d * total as f32;
    }
}
