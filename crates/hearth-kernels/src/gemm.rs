//! `y = x * W^T` for a quantized `W`: the input quantized once, then the output cut into
//! tiles that the pool's threads claim in turn. A tile of 16 input rows sweeps a few weight
//! rows at a time, so those stay in L1 while every input row of the tile uses them.

use std::cell::RefCell;

use crate::pool::{Pool, SharedMut};
use crate::quant::activation::{self, Q8};
#[cfg(target_arch = "x86_64")]
use crate::quant::{interleaved, wide};
use crate::quant::{scalar, QuantType, BLOCK};
use crate::{KernelError, Tier};

/// Input rows a work item covers, in a prompt.
const TOKENS_PER_ITEM: usize = 16;
/// Input rows up to which each one is multiplied exactly as a reply's lone row is: replies
/// decoded together as one batch (up to eight) then get the very bits each would get alone,
/// and each weight row is still read from memory once for all of them (it stays in L1 while
/// every input passes over it).
pub const REPLY_ROWS: usize = 8;
/// Weight rows one tile call keeps in registers.
const ROWS: usize = 4;
/// Input rows one tile call keeps in registers: AVX-512 has twice the registers of AVX2.
fn tile_tokens(tier: Tier) -> usize {
    if matches!(tier, Tier::Avx512Vnni | Tier::Avx512Wide) {
        4
    } else {
        2
    }
}

thread_local! {
    /// The quantized input, kept between calls so a prompt does not allocate per matmul.
    static INPUT: RefCell<Vec<Q8>> = const { RefCell::new(Vec::new()) };
    /// Each reply input row's blocks' `d`, then their `s`: the vector kernels load eight at a
    /// time.
    static FACTORS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// `y[t * n + r] = sum_i x[t * k + i] * W[r][i]` for `m` input rows `x` and `n` weight rows of
/// `k` values in `w`, GGML blocks of type `ty`.
#[allow(clippy::too_many_arguments)]
pub fn matmul(
    pool: &Pool,
    tier: Tier,
    ty: QuantType,
    w: &[u8],
    n: usize,
    k: usize,
    x: &[f32],
    m: usize,
    y: &mut [f32],
) -> Result<(), KernelError> {
    let per_block = ty.block_values();
    if !k.is_multiple_of(per_block) {
        return Err(KernelError::Shape(format!(
            "k = {k} is not a multiple of {per_block}"
        )));
    }
    let nb = k / BLOCK;
    let row_bytes = k / per_block * ty.block_bytes();
    if w.len() != n * row_bytes || x.len() != m * k || y.len() != m * n {
        return Err(KernelError::Shape(format!(
            "{ty:?} weights of {} bytes for {n} x {k}, input of {} for {m} x {k}, output of {} for {m} x {n}",
            w.len(),
            x.len(),
            y.len()
        )));
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    INPUT.with_borrow_mut(|xq| {
        xq.clear();
        xq.resize(m * nb, Q8::ZERO);
        quantize(pool, tier, x, k, xq);
        #[cfg(target_arch = "x86_64")]
        if m > REPLY_ROWS && interleaved::supports(tier, ty) {
            return multiply_interleaved(pool, tier, ty, w, row_bytes, n, xq, nb, m, y);
        }
        multiply(pool, tier, ty, w, row_bytes, n, xq, nb, m, y);
    });
    Ok(())
}

fn quantize(pool: &Pool, tier: Tier, x: &[f32], k: usize, xq: &mut [Q8]) {
    let nb = k / BLOCK;
    let m = x.len() / k;
    let rows_per_item = (m / (pool.threads() * 4)).max(1);
    let out = SharedMut(xq.as_mut_ptr());
    pool.for_each(m.div_ceil(rows_per_item), |item| {
        let first = item * rows_per_item;
        let last = (first + rows_per_item).min(m);
        // SAFETY: items cover disjoint rows of `xq`.
        let rows = unsafe {
            std::slice::from_raw_parts_mut(out.get().add(first * nb), (last - first) * nb)
        };
        for (row, q) in x[first * k..last * k]
            .chunks_exact(k)
            .zip(rows.chunks_exact_mut(nb))
        {
            quantize_row(tier, row, q);
        }
    });
}

/// One input row quantized by the tier's own code.
fn quantize_row(tier: Tier, x: &[f32], out: &mut [Q8]) {
    match tier {
        // SAFETY: a tier above the scalar one is only available with AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 | Tier::Avx512Vnni | Tier::Avx512Wide => unsafe {
            crate::quant::x86::quantize_row(x, out)
        },
        _ => activation::quantize_row(x, out),
    }
}

#[allow(clippy::too_many_arguments)]
fn multiply(
    pool: &Pool,
    tier: Tier,
    ty: QuantType,
    w: &[u8],
    row_bytes: usize,
    n: usize,
    xq: &[Q8],
    nb: usize,
    m: usize,
    y: &mut [f32],
) {
    // Replies (up to `REPLY_ROWS` input rows): two long runs of weight rows per thread (at most
    // 256 rows, so the output head still makes many), each streamed from memory in one go and
    // claimed once. Eight per thread, as before, made every matmul of a reply slower: more
    // claims on the shared counter, more short runs for the prefetcher to pick up.
    // A prompt: blocks of weight rows by blocks of input rows.
    let replies = m <= REPLY_ROWS;
    let rows_per_item = if replies {
        (n / (pool.threads() * 2))
            .next_multiple_of(ROWS)
            .clamp(ROWS, 256)
    } else {
        64
    };
    let row_items = n.div_ceil(rows_per_item);
    let token_items = m.div_ceil(TOKENS_PER_ITEM);
    let out = SharedMut(y.as_mut_ptr());
    FACTORS.with_borrow_mut(|factors| {
        factors.clear();
        if replies {
            for input in xq.chunks_exact(nb) {
                factors.extend(input.iter().map(|q| q.d));
                factors.extend(input.iter().map(|q| q.s));
            }
        }
        let xd: &[f32] = factors;
        pool.for_each(row_items * token_items, |item| {
            let (ti, ri) = (item / row_items, item % row_items);
            let rows = ri * rows_per_item..((ri + 1) * rows_per_item).min(n);
            let tokens = ti * TOKENS_PER_ITEM..((ti + 1) * TOKENS_PER_ITEM).min(m);
            if replies {
                for r in rows {
                    // SAFETY: as below, for one weight row and the `m` input rows, whose
                    // factors `FACTORS` holds, `2 * nb` an input row.
                    unsafe {
                        let wp = w.as_ptr().add(r * row_bytes);
                        let y = out.get().add(r);
                        reply_rows(tier, ty, wp, xq.as_ptr(), xd.as_ptr(), nb, m, y, n);
                    }
                }
                return;
            }
            let mut r = rows.start;
            while r < rows.end {
                let mut t = tokens.start;
                let tile_rows = (rows.end - r).min(ROWS);
                while t < tokens.end {
                    let tile_tokens = (tokens.end - t).min(tile_tokens(tier));
                    // SAFETY: rows `r..` and tokens `t..` lie inside `w` and `xq` (checked by
                    // `matmul`), and this item alone writes their outputs.
                    unsafe {
                        let wp = w.as_ptr().add(r * row_bytes);
                        let xp = xq.as_ptr().add(t * nb);
                        let yp = out.get().add(t * n + r);
                        tile(
                            tier,
                            ty,
                            tile_rows,
                            tile_tokens,
                            wp,
                            row_bytes,
                            xp,
                            nb,
                            yp,
                            n,
                        );
                    }
                    t += tile_tokens;
                }
                r += tile_rows;
            }
        });
    });
}

/// Input rows a work item of the interleaved path covers: the more, the less each packing
/// costs per input row, while the packed group stays in L1. Items next to each other share
/// their input rows, which at 128 (240 KiB quantized, 1,536 wide) still fit a 512 KiB L2.
/// 128 over 64: prompts 2 to 7% faster (engine bench); 256 added only 2 to 4% more in the
/// kernel bench, and its inputs (480 KiB) would crowd such an L2.
#[cfg(target_arch = "x86_64")]
const INTERLEAVED_TOKENS_PER_ITEM: usize = 128;

#[cfg(target_arch = "x86_64")]
thread_local! {
    /// The input blocks' `interleaved::half_sums`, where the kernel needs them.
    static HALF_SUMS: RefCell<Vec<[i32; 2]>> = const { RefCell::new(Vec::new()) };
}

/// A prompt's matmul on x86-64: each work item packs a group of weight rows (see
/// `interleaved`; sixteen at once on `Tier::Avx512Wide`, see `wide`) and sweeps up to
/// `INTERLEAVED_TOKENS_PER_ITEM` input rows over them.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
fn multiply_interleaved(
    pool: &Pool,
    tier: Tier,
    ty: QuantType,
    w: &[u8],
    row_bytes: usize,
    n: usize,
    xq: &[Q8],
    nb: usize,
    m: usize,
    y: &mut [f32],
) {
    let wide = tier == Tier::Avx512Wide;
    let group_rows = if wide { wide::ROWS } else { interleaved::ROWS };
    let groups = n.div_ceil(group_rows);
    let out = SharedMut(y.as_mut_ptr());
    HALF_SUMS.with_borrow_mut(|halves| {
        halves.clear();
        if interleaved::needs_half_sums(tier, ty) {
            halves.extend(xq.iter().map(interleaved::half_sums));
        }
        let inputs = interleaved::Inputs {
            x: xq.as_ptr(),
            halves: if halves.is_empty() {
                std::ptr::null()
            } else {
                halves.as_ptr()
            },
            nb,
        };
        pool.for_each(groups * m.div_ceil(INTERLEAVED_TOKENS_PER_ITEM), |item| {
            let (ti, group) = (item / groups, item % groups);
            let r = group * group_rows;
            let rows = (n - r).min(group_rows);
            let t = ti * INTERLEAVED_TOKENS_PER_ITEM;
            let tokens = (m - t).min(INTERLEAVED_TOKENS_PER_ITEM);
            // SAFETY: `supports` held for this tier, which the CPU has; rows `r..r + rows` and
            // tokens `t..t + tokens` lie inside `w` and `xq` (checked by `matmul`), and this item
            // alone writes their outputs.
            unsafe {
                let wp = w.as_ptr().add(r * row_bytes);
                let (xp, yp) = (inputs.rows_from(t), out.get().add(t * n + r));
                if wide {
                    wide::pack_and_multiply(ty, wp, row_bytes, rows, xp, tokens, yp, n);
                } else {
                    interleaved::pack_and_multiply(
                        tier, ty, wp, row_bytes, rows, xp, tokens, yp, n,
                    );
                }
            }
        });
    });
}

/// Input rows one pass over a weight row multiplies together. Four spill registers: four
/// requests at once on a 1B Q4_K_M model wrote 48 tokens/s with passes of four, 63 with two.
const REPLY_PASS: usize = 2;

/// One weight row times the `m` input rows of replies, each exactly as it would be alone:
/// input `t`'s blocks at `x + t * nb`, their `d` and then `s` at `xd + t * 2 * nb`; its output
/// at `y + t * ldy`.
#[allow(clippy::too_many_arguments)]
unsafe fn reply_rows(
    tier: Tier,
    ty: QuantType,
    w: *const u8,
    x: *const Q8,
    xd: *const f32,
    nb: usize,
    m: usize,
    y: *mut f32,
    ldy: usize,
) {
    let mut t = 0;
    while t < m {
        let pass = (m - t).min(REPLY_PASS);
        macro_rules! pass {
            ($n:literal) => {{
                let xs: [*const Q8; $n] = std::array::from_fn(|i| x.add((t + i) * nb));
                let ds: [*const f32; $n] = std::array::from_fn(|i| xd.add((t + i) * 2 * nb));
                for (i, v) in rows::<$n>(tier, ty, w, xs, ds, nb).into_iter().enumerate() {
                    *y.add((t + i) * ldy) = v;
                }
            }};
        }
        match pass {
            1 => pass!(1),
            2 => pass!(2),
            3 => pass!(3),
            _ => pass!(4),
        }
        t += pass;
    }
}

/// One weight row times `T` input rows (see `reply_rows`).
unsafe fn rows<const T: usize>(
    tier: Tier,
    ty: QuantType,
    w: *const u8,
    x: [*const Q8; T],
    xd: [*const f32; T],
    nb: usize,
) -> [f32; T] {
    match tier {
        #[cfg(target_arch = "x86_64")]
        Tier::Avx512Vnni | Tier::Avx512Wide => crate::quant::x86::vnni::rows(ty, w, x, xd, nb),
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 => crate::quant::x86::avx2::rows(ty, w, x, xd, nb),
        _ => {
            let _ = xd;
            std::array::from_fn(|t| scalar::row(ty, w, x[t], nb))
        }
    }
}

/// One tile of up to `ROWS x tile_tokens(tier)`, written to `y` (rows of the output `ldy` apart).
#[allow(clippy::too_many_arguments)]
unsafe fn tile(
    tier: Tier,
    ty: QuantType,
    rows: usize,
    tokens: usize,
    w: *const u8,
    w_stride: usize,
    x: *const Q8,
    nb: usize,
    y: *mut f32,
    ldy: usize,
) {
    macro_rules! run {
        ($r:literal, $t:literal) => {{
            let mut out = [[0f32; $t]; $r];
            match tier {
                #[cfg(target_arch = "x86_64")]
                Tier::Avx512Vnni | Tier::Avx512Wide => {
                    crate::quant::x86::vnni::tile::<$r, $t>(ty, w, w_stride, x, nb, &mut out)
                }
                #[cfg(target_arch = "x86_64")]
                Tier::Avx2 => {
                    crate::quant::x86::avx2::tile::<$r, $t>(ty, w, w_stride, x, nb, &mut out)
                }
                _ => scalar::tile::<$r, $t>(ty, w, w_stride, x, nb, &mut out),
            }
            for (r, row) in out.iter().enumerate() {
                for (t, v) in row.iter().enumerate() {
                    *y.add(t * ldy + r) = *v;
                }
            }
        }};
    }
    match (rows, tokens) {
        (4, 4) => run!(4, 4),
        (4, 3) => run!(4, 3),
        (4, 2) => run!(4, 2),
        (4, _) => run!(4, 1),
        (3, 4) => run!(3, 4),
        (3, 3) => run!(3, 3),
        (3, 2) => run!(3, 2),
        (3, _) => run!(3, 1),
        (2, 4) => run!(2, 4),
        (2, 3) => run!(2, 3),
        (2, 2) => run!(2, 2),
        (2, _) => run!(2, 1),
        (_, 4) => run!(1, 4),
        (_, 3) => run!(1, 3),
        (_, 2) => run!(1, 2),
        _ => run!(1, 1),
    }
}
