//! Hearth: CPU attention through `hearth_kernels` (grouped-query heads share one pass over
//! the KV cache, causal tiles stop at the diagonal, one thread pool) for f32 queries over an
//! f32 or f16 KV cache (`kv_cache/hearth.rs`), with a plain causal mask or none; `None`
//! leaves anything else to mistral.rs's own kernels.

use candle_core::{DType, Device, Layout, Result, Storage, Tensor, WithDType};
use half::f16;
use hearth_kernels::{AttentionShape, Element, Rows};

use super::SdpaParams;

/// `q`, `k`, `v` are `(batch, heads, positions, head_dim)`, as `Sdpa::run_attention` takes
/// them, and so is the result.
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
    let cache = k.dtype();
    // A batch of sequences of different lengths (`kv_cache::hearth::left_padding`): only this
    // kernel knows to skip each row's padding, so anything it declines is an error, not a
    // silently wrong answer from another kernel.
    let padding = crate::kv_cache::hearth::left_padding();
    let declined = || {
        if padding.is_empty() {
            Ok(None)
        } else {
            Err(candle_core::Error::Msg(
                "sequences of different lengths were batched for an attention Hearth does not run"
                    .to_string(),
            ))
        }
    };
    if !hearth_kernels::enabled()
        || !q.device().is_cpu()
        || !plain
        || q.dtype() != DType::F32
        || v.dtype() != cache
        || !matches!(cache, DType::F32 | DType::F16)
    {
        return declined();
    }
    // The kernels take `(batch, positions, heads, head_dim)` strides.
    let (q, k, v) = (q.transpose(1, 2)?, k.transpose(1, 2)?, v.transpose(1, 2)?);
    let (batch, q_len, heads, head_dim) = q.dims4()?;
    let (_, kv_len, kv_heads, _) = k.dims4()?;
    // The causal mask mistral.rs builds for a prompt is `(q_len, kv_len)`; decode has none.
    let causal = match mask {
        None if q_len == 1 => false,
        Some(m) if m.dims() == [q_len, kv_len] => true,
        _ => return declined(),
    };
    if !padding.is_empty()
        && (q_len != 1 || padding.len() != batch || padding.iter().any(|&p| p >= kv_len))
    {
        return declined();
    }
    let shape = AttentionShape {
        batch,
        q_len,
        kv_len,
        heads,
        kv_heads,
        head_dim,
    };
    let mut out = vec![0f32; batch * heads * q_len * head_dim];
    let (qs, ql) = q.storage_and_layout();
    let Some(qr) = rows::<f32>(&qs, ql)? else {
        return declined();
    };
    let scale = params.softmax_scale;
    let done = if cache == DType::F16 {
        attend::<f16>(&shape, qr, &k, &v, &padding, causal, scale, &mut out)?
    } else {
        attend::<f32>(&shape, qr, &k, &v, &padding, causal, scale, &mut out)?
    };
    if !done {
        return declined();
    }
    Tensor::from_vec(out, (batch, heads, q_len, head_dim), &Device::Cpu).map(Some)
}

/// `hearth_kernels::attend` over a cache in `T`, one batch row at a time, each after its
/// `padding` (if any): each exactly as it would run alone (how the kernel splits its work, and
/// so how it adds, depends on the batch). False when `k` and `v` are not plain CPU rows.
#[allow(clippy::too_many_arguments)]
fn attend<T: WithDType + Element>(
    shape: &AttentionShape,
    q: Rows,
    k: &Tensor,
    v: &Tensor,
    padding: &[usize],
    causal: bool,
    scale: f32,
    out: &mut [f32],
) -> Result<bool> {
    let (ks, kl) = k.storage_and_layout();
    let (vs, vl) = v.storage_and_layout();
    let (Some(kr), Some(vr)) = (rows::<T>(&ks, kl)?, rows::<T>(&vs, vl)?) else {
        return Ok(false);
    };
    let per_row = shape.heads * shape.q_len * shape.head_dim;
    for (b, out) in out.chunks_exact_mut(per_row).enumerate() {
        let pad = padding.get(b).copied().unwrap_or(0);
        let row = AttentionShape {
            batch: 1,
            kv_len: shape.kv_len - pad,
            ..*shape
        };
        let qb = starting_at(&q, b * q.strides[0])?;
        let kb = starting_at(&kr, b * kr.strides[0] + pad * kr.strides[1])?;
        let vb = starting_at(&vr, b * vr.strides[0] + pad * vr.strides[1])?;
        hearth_kernels::attend(&row, qb, kb, vb, causal, scale, out)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    }
    Ok(true)
}

/// `r` from element `start` on.
fn starting_at<'a, T>(r: &Rows<'a, T>, start: usize) -> Result<Rows<'a, T>> {
    let data = r
        .data
        .get(start..)
        .ok_or_else(|| candle_core::Error::Msg("a batch row lies outside its tensor".into()))?;
    Ok(Rows {
        data,
        strides: r.strides,
    })
}

fn rows<'a, T: WithDType>(storage: &'a Storage, layout: &Layout) -> Result<Option<Rows<'a, T>>> {
    let Storage::Cpu(cpu) = storage else {
        return Ok(None);
    };
    let stride = layout.stride();
    if stride.len() != 4 || stride[3] != 1 {
        return Ok(None);
    }
    Ok(Some(Rows {
        data: &cpu.as_slice::<T>()?[layout.start_offset()..],
        strides: [stride[0], stride[1], stride[2]],
    }))
}

/// `k` and `v` in `q`'s dtype, for mistral.rs's own kernels: Hearth keeps the KV cache in
/// f16 where its attention reads it.
pub(crate) fn widened(q: &Tensor, k: &Tensor, v: &Tensor) -> Result<(Tensor, Tensor)> {
    if k.dtype() == q.dtype() && v.dtype() == q.dtype() {
        return Ok((k.clone(), v.clone()));
    }
    Ok((k.to_dtype(q.dtype())?, v.to_dtype(q.dtype())?))
}
