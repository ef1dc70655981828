//! Hearth: CPU attention through `hearth_kernels` (grouped-query heads share one pass over
//! the KV cache, causal tiles stop at the diagonal, one thread pool) for f32 tensors with a
//! plain causal mask or none; `None` leaves anything else to mistral.rs's own kernel.

use candle_core::{DType, Device, Layout, Result, Storage, Tensor};
use hearth_kernels::{AttentionShape, Rows};

use super::SdpaParams;

/// `q`, `k`, `v` are `(batch, positions, heads, head_dim)`; the result is `(batch, heads,
/// positions, head_dim)`, as `run_flash_attn_cpu` gives.
pub(crate) fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    mask: Option<&Tensor>,
    params: &SdpaParams,
) -> Result<Option<Tensor>> {
    let plain = params.sliding_window.is_none()
        && params.softcap.is_none_or(|c| c == 1.0)
        && params.sinks.is_none();
    if !hearth_kernels::enabled() || !plain || [q, k, v].iter().any(|t| t.dtype() != DType::F32) {
        return Ok(None);
    }
    let (batch, q_len, heads, head_dim) = q.dims4()?;
    let (_, kv_len, kv_heads, _) = k.dims4()?;
    // The causal mask mistral.rs builds for a prompt is `(q_len, kv_len)`; decode has none.
    let causal = match mask {
        None if q_len == 1 => false,
        Some(m) if m.dims() == [q_len, kv_len] => true,
        _ => return Ok(None),
    };
    let shape = AttentionShape {
        batch,
        q_len,
        kv_len,
        heads,
        kv_heads,
        head_dim,
    };
    let (qs, ql) = q.storage_and_layout();
    let (ks, kl) = k.storage_and_layout();
    let (vs, vl) = v.storage_and_layout();
    let (Some(qr), Some(kr), Some(vr)) = (rows(&qs, ql)?, rows(&ks, kl)?, rows(&vs, vl)?) else {
        return Ok(None);
    };
    let mut out = vec![0f32; batch * heads * q_len * head_dim];
    hearth_kernels::attend(&shape, qr, kr, vr, causal, params.softmax_scale, &mut out)
        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    Tensor::from_vec(out, (batch, heads, q_len, head_dim), &Device::Cpu).map(Some)
}

fn rows<'a>(storage: &'a Storage, layout: &Layout) -> Result<Option<Rows<'a>>> {
    let Storage::Cpu(cpu) = storage else {
        return Ok(None);
    };
    let stride = layout.stride();
    if stride.len() != 4 || stride[3] != 1 {
        return Ok(None);
    }
    Ok(Some(Rows {
        data: &cpu.as_slice::<f32>()?[layout.start_offset()..],
        strides: [stride[0], stride[1], stride[2]],
    }))
}
