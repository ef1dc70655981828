//! Hearth: on CPU, the KV cache in f16 where Hearth's attention reads it
//! (`hearth_kernels::f16_cache`): a reply streams the whole cache once a token, and f16 halves
//! that. `attention/hearth.rs` takes f32 queries over it; mistral.rs's own kernels get it
//! widened back.

use candle_core::{DType, Device, Result, Storage, Tensor, D};

use super::{KvCache, SingleCache};
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

// Sequences of different lengths decode as one batch: each sequence's cache is copied into
// the batch's cache right-aligned, after as many empty positions as it is shorter than the
// longest (its left padding), so that every row appends its new token at the same position.
// Hearth's attention (`attention/hearth.rs`) skips each row's padding; rotary positions are
// each sequence's own already.
//
// The padding lives beside the batched cache it describes, on the engine's thread: that thread
// builds the batch (`clone_in_cache`), runs the forward pass, and splits the batch again
// (`clone_out_cache`), and each engine has its own.
thread_local! {
    static LEFT_PADDING: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Each batch row's left padding in the engine's batched cache; empty when there is none.
pub(crate) fn left_padding() -> Vec<usize> {
    LEFT_PADDING.with_borrow(|p| p.clone())
}

pub(crate) fn set_left_padding(padding: Vec<usize>) {
    let padding = if padding.iter().all(|&p| p == 0) {
        Vec::new()
    } else {
        padding
    };
    LEFT_PADDING.with_borrow_mut(|p| *p = padding);
}

/// One layer's batched cache (k or v) from each sequence's `(all_data, current length)`,
/// `(batch, heads, positions, head_dim)`: each row right-aligned at the longest length, with
/// room up to the largest capacity. Returns it with that length and capacity.
pub(crate) fn left_padded(rows: &[(Tensor, usize)]) -> Result<(Tensor, usize, usize)> {
    let longest = rows.iter().map(|(_, len)| *len).max().unwrap_or(0);
    let mut capacity = longest;
    for (data, _) in rows {
        capacity = capacity.max(data.dim(2)?);
    }
    // Always copied into new storage: a sequence's cache may share its storage with a cached
    // prefix (or another batch), which appending in place would change.
    let mut padded = Vec::with_capacity(rows.len());
    for (data, len) in rows {
        let (b, heads, _, head_dim) = data.dims4()?;
        let row = Tensor::zeros((b, heads, capacity, head_dim), data.dtype(), data.device())?;
        row.slice_set(&data.narrow(2, 0, *len)?.contiguous()?, 2, longest - len)?;
        padded.push(row);
    }
    Ok((Tensor::cat(&padded, 0)?, longest, capacity))
}

/// The engine's batched caches for sequences with these per-layer caches, every row
/// left-padded to the longest (see `left_padded`), and that padding recorded; `None` unless
/// every layer of every sequence is a filled Normal cache.
pub(crate) fn batched(seqs: &[&[Option<KvCache>]]) -> Option<Result<Vec<KvCache>>> {
    let first = seqs.first()?;
    let mut layers = Vec::with_capacity(first.len());
    for layer in 0..first.len() {
        let mut ks = Vec::with_capacity(seqs.len());
        let mut vs = Vec::with_capacity(seqs.len());
        let mut template = None;
        for caches in seqs {
            let Some(Some(KvCache::Normal { k, v })) = caches.get(layer) else {
                return None;
            };
            let (Some(kd), Some(vd)) = (&k.all_data, &v.all_data) else {
                return None;
            };
            if k.dim != 2 || v.dim != 2 || k.current_seq_len != v.current_seq_len {
                return None;
            }
            ks.push((kd.clone(), k.current_seq_len));
            vs.push((vd.clone(), v.current_seq_len));
            template.get_or_insert(k.max_seq_len);
        }
        layers.push((ks, vs, template?));
    }
    let padding: Vec<usize> = {
        let (ks, _, _) = layers.first()?;
        let longest = ks.iter().map(|(_, len)| *len).max().unwrap_or(0);
        ks.iter().map(|(_, len)| longest - len).collect()
    };
    let built = layers
        .into_iter()
        .map(|(ks, vs, max_seq_len)| {
            let (k, len, capacity) = left_padded(&ks)?;
            let (v, _, _) = left_padded(&vs)?;
            let single = |data| SingleCache {
                all_data: Some(data),
                dim: 2,
                current_seq_len: len,
                max_seq_len,
                capacity_seq_len: capacity,
            };
            Ok(KvCache::Normal {
                k: single(k),
                v: single(v),
            })
        })
        .collect::<Result<Vec<_>>>();
    if built.is_ok() {
        set_left_padding(padding);
    }
    Some(built)
}

/// Batch row `row`'s own cache out of the batched `cache` (a view, not a copy): its left
/// padding cut off.
pub(crate) fn unpadded(cache: &SingleCache, data: Tensor, row: usize) -> Result<SingleCache> {
    let pad = LEFT_PADDING.with_borrow(|p| p.get(row).copied().unwrap_or(0));
    let data = if pad == 0 {
        data
    } else {
        let capacity = data.dim(cache.dim)?;
        data.narrow(cache.dim, pad, capacity - pad)?
    };
    Ok(SingleCache {
        all_data: Some(data),
        dim: cache.dim,
        current_seq_len: cache.current_seq_len - pad,
        max_seq_len: cache.max_seq_len,
        capacity_seq_len: cache.capacity_seq_len - pad,
    })
}

/// Whether `seq` can decode in a batch with replies of other lengths: it is a reply, its
/// caches are all Normal ones (no sliding window), and Hearth's attention runs here.
pub(crate) fn batches_any_length(seq: &mut crate::sequence::Sequence) -> bool {
    hearth_kernels::enabled()
        && seq.is_completion()
        && seq
            .normal_cache()
            .iter()
            .all(|c| matches!(c, Some(KvCache::Normal { .. })))
}
