//! GGML's quantized block formats, and the 8-bit blocks the input rows are turned into so
//! that a matmul is a run of integer dot products.
//!
//! Every supported weight block of 32 values reads as `d * q[i] + c`-style pairs that let one
//! formula serve them all: `dot(w, x) = d_w * d_x * sum(q_w[i] * q_x[i]) + c_w * s_x`, where
//! `s_x = d_x * sum(q_x)`. For Q4_0 `q_w` is the nibble and `c_w = -8 d_w`; for Q4_1 the nibble
//! and `c_w = m`; for Q8_0 the signed byte and `c_w = 0`.

pub(crate) mod activation;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86;

use half::f16;

/// Values per block, for every type here.
pub const BLOCK: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum QuantType {
    Q4_0,
    Q4_1,
    Q8_0,
}

impl QuantType {
    pub const ALL: [QuantType; 3] = [QuantType::Q4_0, QuantType::Q4_1, QuantType::Q8_0];

    /// Bytes of one block of 32 values.
    pub const fn block_bytes(self) -> usize {
        match self {
            QuantType::Q4_0 => 18,
            QuantType::Q4_1 => 20,
            QuantType::Q8_0 => 34,
        }
    }

    /// The weights' 32 integers of block `b` (nibbles or signed bytes) with `d_w` and `c_w`.
    pub(crate) fn decode(self, b: &[u8]) -> ([i32; BLOCK], f32, f32) {
        let d = f16_at(b, 0);
        let mut q = [0i32; BLOCK];
        match self {
            QuantType::Q4_0 | QuantType::Q4_1 => {
                let start = if self == QuantType::Q4_0 { 2 } else { 4 };
                for (j, byte) in b[start..start + 16].iter().enumerate() {
                    q[j] = i32::from(byte & 0x0F);
                    q[j + 16] = i32::from(byte >> 4);
                }
                let c = if self == QuantType::Q4_0 {
                    -8.0 * d
                } else {
                    f16_at(b, 2)
                };
                (q, d, c)
            }
            QuantType::Q8_0 => {
                for (j, byte) in b[2..34].iter().enumerate() {
                    q[j] = i32::from(*byte as i8);
                }
                (q, d, 0.0)
            }
        }
    }

    /// Block `b` as 32 floats: the reference the kernels are tested against.
    pub fn dequantize_block(self, b: &[u8]) -> [f32; BLOCK] {
        let (q, d, c) = self.decode(b);
        q.map(|q| d * q as f32 + c)
    }

    /// Quantizes `values` (a multiple of 32 long) to this type, as GGML does: for building
    /// test weights.
    pub fn quantize(self, values: &[f32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(values.len() / BLOCK * self.block_bytes());
        for block in values.chunks_exact(BLOCK) {
            match self {
                QuantType::Q4_0 => {
                    let max =
                        block
                            .iter()
                            .copied()
                            .fold(0f32, |m, v| if v.abs() > m.abs() { v } else { m });
                    let d = max / -8.0;
                    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                    out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
                    push_nibbles(&mut out, block, |v| (v * id + 8.5).clamp(0.0, 15.0) as u8);
                }
                QuantType::Q4_1 => {
                    let min = block.iter().copied().fold(f32::INFINITY, f32::min);
                    let max = block.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let d = (max - min) / 15.0;
                    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                    out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
                    out.extend_from_slice(&f16::from_f32(min).to_le_bytes());
                    push_nibbles(&mut out, block, |v| ((v - min) * id + 0.5).min(15.0) as u8);
                }
                QuantType::Q8_0 => {
                    let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
                    let d = amax / 127.0;
                    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                    out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
                    out.extend(block.iter().map(|v| (v * id).round() as i8 as u8));
                }
            }
        }
        out
    }
}

fn push_nibbles(out: &mut Vec<u8>, block: &[f32], q: impl Fn(f32) -> u8) {
    for j in 0..16 {
        out.push(q(block[j]) | (q(block[j + 16]) << 4));
    }
}

fn f16_at(b: &[u8], at: usize) -> f32 {
    f16::from_le_bytes([b[at], b[at + 1]]).to_f32()
}
