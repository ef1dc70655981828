//! GGML's quantized block formats, and the 8-bit blocks the input rows are turned into so
//! that a matmul is a run of integer dot products.
//!
//! The kernels walk every type in sub-blocks of 32 values, read as 32 integers `q` with a
//! scale `d` and a constant `c`, so one formula serves them all:
//! `dot(w, x) = d_w * d_x * sum(q_w[i] * q_x[i]) + c_w * s_x`, with `s_x = d_x * sum(q_x)`.
//! - Q4_0: `q` the nibble, `c = -8 d`. Q4_1: the nibble, `c = m`. Q8_0: the signed byte, `c = 0`.
//! - Q5_0 and Q5_1: the nibble with its fifth bit, `c = -16 d` or `m`.
//! - Q4_K (256 values in 8 sub-blocks with 6-bit scales and mins): the nibble,
//!   `d = d_super * scale_j`, `c = -dmin * min_j`.
//! - Q6_K (256 values, a signed 8-bit scale per 16): `q - 32` times its half's scale, `d` the
//!   super-block's, `c = 0`.

pub(crate) mod activation;
#[cfg(target_arch = "x86_64")]
pub(crate) mod interleaved;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod wide;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86;

use half::f16;

/// Values per sub-block, for every type here.
pub const BLOCK: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum QuantType {
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
    Q8_0,
    Q4_K,
    Q6_K,
}

impl QuantType {
    pub const ALL: [QuantType; 7] = [
        QuantType::Q4_0,
        QuantType::Q4_1,
        QuantType::Q5_0,
        QuantType::Q5_1,
        QuantType::Q8_0,
        QuantType::Q4_K,
        QuantType::Q6_K,
    ];

    /// Values in one stored block: 32, or 256 for the K-quants.
    pub const fn block_values(self) -> usize {
        match self {
            QuantType::Q4_K | QuantType::Q6_K => 256,
            _ => BLOCK,
        }
    }

    /// Bytes of one stored block.
    pub const fn block_bytes(self) -> usize {
        match self {
            QuantType::Q4_0 => 18,
            QuantType::Q4_1 => 20,
            QuantType::Q5_0 => 22,
            QuantType::Q5_1 => 24,
            QuantType::Q8_0 => 34,
            QuantType::Q4_K => 144,
            QuantType::Q6_K => 210,
        }
    }

    /// Sub-block `b` of a weight row: its 32 integers (any per-16 scale folded in), `d` and `c`.
    pub(crate) fn decode(self, row: &[u8], b: usize) -> ([i32; BLOCK], f32, f32) {
        let mut q = [0i32; BLOCK];
        match self {
            QuantType::Q4_0 | QuantType::Q4_1 | QuantType::Q8_0 => {
                let blk = &row[b * self.block_bytes()..(b + 1) * self.block_bytes()];
                let d = f16_at(blk, 0);
                match self {
                    QuantType::Q8_0 => {
                        for (j, byte) in blk[2..34].iter().enumerate() {
                            q[j] = i32::from(*byte as i8);
                        }
                        (q, d, 0.0)
                    }
                    _ => {
                        let start = if self == QuantType::Q4_0 { 2 } else { 4 };
                        for (j, byte) in blk[start..start + 16].iter().enumerate() {
                            q[j] = i32::from(byte & 0x0F);
                            q[j + 16] = i32::from(byte >> 4);
                        }
                        let c = if self == QuantType::Q4_0 {
                            -8.0 * d
                        } else {
                            f16_at(blk, 2)
                        };
                        (q, d, c)
                    }
                }
            }
            QuantType::Q5_0 | QuantType::Q5_1 => {
                let blk = &row[b * self.block_bytes()..(b + 1) * self.block_bytes()];
                let d = f16_at(blk, 0);
                let (c, at) = if self == QuantType::Q5_0 {
                    (-16.0 * d, 2)
                } else {
                    (f16_at(blk, 2), 4)
                };
                let qh = u32::from_le_bytes([blk[at], blk[at + 1], blk[at + 2], blk[at + 3]]);
                for (j, byte) in blk[at + 4..at + 20].iter().enumerate() {
                    q[j] = i32::from(byte & 0x0F) | (((qh >> j) & 1) << 4) as i32;
                    q[j + 16] = i32::from(byte >> 4) | (((qh >> (j + 16)) & 1) << 4) as i32;
                }
                (q, d, c)
            }
            QuantType::Q4_K => {
                let (sup, j) = (b / 8, b % 8);
                let blk = &row[sup * 144..(sup + 1) * 144];
                let (scale, min) = q4k_scale_min(&blk[4..16], j);
                let nibbles = &blk[16 + 32 * (j / 2)..16 + 32 * (j / 2) + 32];
                for (dst, byte) in q.iter_mut().zip(nibbles) {
                    *dst = i32::from(if j % 2 == 0 { byte & 0x0F } else { byte >> 4 });
                }
                let d = f16_at(blk, 0) * f32::from(scale);
                (q, d, -f16_at(blk, 2) * f32::from(min))
            }
            QuantType::Q6_K => {
                let (sup, part) = (b / 8, b % 8);
                let blk = &row[sup * 210..(sup + 1) * 210];
                let (n, p) = (part / 4, part % 4);
                let ql = &blk[64 * n + 32 * (p % 2)..];
                let qh = &blk[128 + 32 * n..];
                for l in 0..BLOCK {
                    let low = if p < 2 { ql[l] & 0x0F } else { ql[l] >> 4 };
                    let high = (qh[l] >> (2 * p)) & 3;
                    let scale = blk[192 + 8 * n + 2 * p + l / 16] as i8;
                    q[l] = (i32::from(low | (high << 4)) - 32) * i32::from(scale);
                }
                (q, f16_at(blk, 208), 0.0)
            }
        }
    }
}

/// The 6-bit scale and min of sub-block `j` of a Q4_K block, from its 12 packed bytes.
// Always inlined: the vector kernels call it per sub-block, and as a call (with the register
// clean-up around it) it made a reply's Q4_K matmul 1.6x slower.
#[inline(always)]
pub(crate) fn q4k_scale_min(packed: &[u8], j: usize) -> (u8, u8) {
    if j < 4 {
        (packed[j] & 63, packed[j + 4] & 63)
    } else {
        (
            (packed[j + 4] & 0x0F) | ((packed[j - 4] >> 6) << 4),
            (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4),
        )
    }
}

pub(crate) fn f16_at(b: &[u8], at: usize) -> f32 {
    f16::from_le_bytes([b[at], b[at + 1]]).to_f32()
}
