//! Hearth: quantized matmul on CPU through `hearth_kernels` (one pool, cache-blocked tiles,
//! SIMD chosen at run time) for Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K and Q6_K; `None` leaves
//! the rest to candle.

use candle_core::{
    quantized::{GgmlDType, QMatMul},
    DType, Device, Result, Storage, Tensor,
};
use hearth_kernels::QuantType;

pub(crate) fn forward(w: &QMatMul, x: &Tensor) -> Result<Option<Tensor>> {
    let QMatMul::QTensor(q) = w else {
        return Ok(None);
    };
    let ty = match q.dtype() {
        GgmlDType::Q4_0 => QuantType::Q4_0,
        GgmlDType::Q4_1 => QuantType::Q4_1,
        GgmlDType::Q5_0 => QuantType::Q5_0,
        GgmlDType::Q5_1 => QuantType::Q5_1,
        GgmlDType::Q8_0 => QuantType::Q8_0,
        GgmlDType::Q4K => QuantType::Q4_K,
        GgmlDType::Q6K => QuantType::Q6_K,
        _ => return Ok(None),
    };
    if !hearth_kernels::enabled() || !x.device().is_cpu() || !q.device().is_cpu() {
        return Ok(None);
    }
    let (n, k) = q.shape().dims2()?;
    let dims = x.dims();
    if dims.last() != Some(&k) || !k.is_multiple_of(ty.block_values()) {
        return Ok(None);
    }
    let m = x.elem_count() / k;
    let x32 = x.to_dtype(DType::F32)?.contiguous()?;
    let mut y = vec![0f32; m * n];
    {
        let (storage, layout) = x32.storage_and_layout();
        let Storage::Cpu(cpu) = &*storage else {
            return Ok(None);
        };
        let start = layout.start_offset();
        let xs = &cpu.as_slice::<f32>()?[start..start + m * k];
        hearth_kernels::quantized_matmul(ty, &q.data()?, n, k, xs, m, &mut y)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    }
    let mut out_dims = dims.to_vec();
    if let Some(last) = out_dims.last_mut() {
        *last = n;
    }
    Tensor::from_vec(y, out_dims, &Device::Cpu)?
        .to_dtype(x.dtype())
        .map(Some)
}
