//! Hearth: on CPU, the KV cache in f16 where Hearth's attention reads it
//! (`hearth_kernels::f16_cache`): a reply streams the whole cache once a token, and f16 halves
//! that. `attention/hearth.rs` takes f32 queries over it; mistral.rs's own kernels get it
//! widened back.

use candle_core::{DType, Device, Result, Storage, Tensor, D};
use half::{f16, slice::HalfFloatSliceExt};

/// The dtype a cache of rows of `head_dim` keeps, for activations in `dtype` on `device`.
pub(crate) fn dtype(dtype: DType, device: &Device, head_dim: usize) -> DType {
    if device.is_cpu() && dtype == DType::F32 && hearth_kernels::f16_cache(head_dim) {
        DType::F16
    } else {
        dtype
    }
}

/// `x` (contiguous) as the cache keeps it.
pub(crate) fn stored(x: Tensor) -> Result<Tensor> {
    if dtype(x.dtype(), x.device(), x.dim(D::Minus1)?) == x.dtype() {
        return Ok(x);
    }
    let halves = {
        let (storage, layout) = x.storage_and_layout();
        let Storage::Cpu(cpu) = &*storage else {
            return Ok(x.clone());
        };
        let values = &cpu.as_slice::<f32>()?[layout.start_offset()..][..x.elem_count()];
        // Eight at a time with F16C, where candle's `to_dtype` converts one by one.
        let mut halves = vec![f16::ZERO; values.len()];
        halves.convert_from_f32_slice(values);
        halves
    };
    Tensor::from_vec(halves, x.shape(), x.device())
}
