//! Quantized weights made and read by candle, for the tests and the benchmark: an
//! implementation of GGML's formats independent of the kernels'.

#![allow(dead_code)] // the benchmark uses part of it

use candle_core::quantized::k_quants::GgmlType;
pub use candle_core::quantized::k_quants::{
    BlockQ4K, BlockQ4_0, BlockQ4_1, BlockQ5_0, BlockQ5_1, BlockQ6K, BlockQ8_0,
};
use hearth_kernels::QuantType;

/// Runs `f` on `bytes` viewed as candle's blocks of `ty`.
#[macro_export]
macro_rules! with_blocks {
    ($ty:expr, $bytes:expr, |$b:ident| $f:expr) => {
        match $ty {
            hearth_kernels::QuantType::Q4_0 => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ4_0>($bytes);
                $f
            }
            hearth_kernels::QuantType::Q4_1 => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ4_1>($bytes);
                $f
            }
            hearth_kernels::QuantType::Q5_0 => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ5_0>($bytes);
                $f
            }
            hearth_kernels::QuantType::Q5_1 => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ5_1>($bytes);
                $f
            }
            hearth_kernels::QuantType::Q8_0 => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ8_0>($bytes);
                $f
            }
            hearth_kernels::QuantType::Q4_K => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ4K>($bytes);
                $f
            }
            hearth_kernels::QuantType::Q6_K => {
                let $b = $crate::support::blocks::<$crate::support::BlockQ6K>($bytes);
                $f
            }
        }
    };
}

pub fn blocks<T: GgmlType>(bytes: &[u8]) -> Vec<T> {
    assert_eq!(bytes.len() % size_of::<T>(), 0);
    let mut out: Vec<T> = (0..bytes.len() / size_of::<T>())
        .map(|_| T::zeros())
        .collect();
    // SAFETY: candle's block types are plain repr(C) data with GGML's layout.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.as_mut_ptr() as *mut u8, bytes.len())
    };
    out
}

pub fn bytes_of<T>(blocks: &[T]) -> Vec<u8> {
    // SAFETY: as above.
    unsafe {
        std::slice::from_raw_parts(blocks.as_ptr() as *const u8, std::mem::size_of_val(blocks))
    }
    .to_vec()
}

pub fn quantize(ty: QuantType, values: &[f32]) -> Vec<u8> {
    let empty = vec![0u8; values.len() / ty.block_values() * ty.block_bytes()];
    with_blocks!(ty, &empty, |b| {
        let mut b = b;
        GgmlType::from_float(values, &mut b);
        bytes_of(&b)
    })
}

pub fn dequantize(ty: QuantType, bytes: &[u8]) -> Vec<f32> {
    with_blocks!(ty, bytes, |b| {
        let mut out = vec![0f32; bytes.len() / ty.block_bytes() * ty.block_values()];
        GgmlType::to_float(&b, &mut out);
        out
    })
}
