//! Attention, `softmax(scale * Q K^T) V`, over f32 queries and a KV cache in place, in f32
//! or f16 (half the memory a reply streams through; every sum is still f32).
//!
//! One work item is a tile of up to eight query rows of one KV head: in a prompt, a position
//! for each of the heads that share that KV head (grouped-query attention), so every key and
//! value row is read once for all of them. A causal tile stops at the last key its rows can
//! see, so nothing above the diagonal is computed. The softmax is online (running maximum
//! and sum per row), in tiles of 64 keys.
//!
//! A reply's one query row per head makes only as many tiles as KV heads (three on the
//! default model), too few to keep every thread busy: then each tile is also cut along the
//! keys into pieces, and the pieces' partial softmaxes are merged. The pieces depend on the
//! shape alone, so any number of threads gives the same bits.

use std::ops::Range;

#[cfg(target_arch = "x86_64")]
mod x86;

use crate::exp::exp;
use crate::pool::{Pool, SharedMut};
use crate::{KernelError, Tier};

/// Query rows one work item handles.
const ROWS: usize = 8;
/// Keys scored at a time, per row.
const KEYS: usize = 64;
/// The largest head dimension supported (the tiles live on the stack).
pub const MAX_HEAD_DIM: usize = 256;
/// Below this many tiles, tiles are cut along the keys.
const FEW_TILES: usize = 8;
/// Keys of one piece of a tile cut along the keys: long runs stream the cache best, and few
/// pieces cost little to merge (128 made a reply after 730 tokens 1.7x slower).
const PIECE_KEYS: usize = 512;

#[derive(Debug, Clone, Copy)]
pub struct AttentionShape {
    pub batch: usize,
    pub q_len: usize,
    pub kv_len: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
}

/// What a KV cache holds: f32, or f16.
pub trait Element: Copy + Send + Sync + 'static {
    fn to_f32(self) -> f32;
    /// Eight elements from `p`, as f32.
    ///
    /// # Safety
    /// The CPU has AVX2 and F16C, and `p` points at eight elements.
    #[cfg(target_arch = "x86_64")]
    unsafe fn load8(p: *const Self) -> std::arch::x86_64::__m256;
}

impl Element for f32 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(p: *const f32) -> std::arch::x86_64::__m256 {
        std::arch::x86_64::_mm256_loadu_ps(p)
    }
}

impl Element for half::f16 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        half::f16::to_f32(self)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(p: *const half::f16) -> std::arch::x86_64::__m256 {
        use std::arch::x86_64::*;
        _mm256_cvtph_ps(_mm_loadu_si128(p as *const __m128i))
    }
}

/// A `(batch, position, head, dim)` tensor: its elements and the strides of the first
/// three dimensions (the last one is contiguous).
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a, T = f32> {
    pub data: &'a [T],
    pub strides: [usize; 3],
}

impl<T> Rows<'_, T> {
    fn row(&self, b: usize, pos: usize, head: usize, d: usize) -> &[T] {
        let at = b * self.strides[0] + pos * self.strides[1] + head * self.strides[2];
        &self.data[at..at + d]
    }

    fn fits(&self, name: &str, dims: [usize; 3], d: usize) -> Result<(), KernelError> {
        let last = dims
            .iter()
            .zip(self.strides)
            .map(|(n, s)| n.saturating_sub(1) * s)
            .sum::<usize>()
            + d;
        if dims.contains(&0) || last <= self.data.len() {
            Ok(())
        } else {
            Err(KernelError::Shape(format!(
                "{name} needs {last} elements for {dims:?} x {d} with strides {:?}, has {}",
                self.strides,
                self.data.len()
            )))
        }
    }
}

/// Writes the attention of `q` over `k` and `v` into `out`, laid out `(batch, head,
/// position, dim)`. With `causal`, query `i` sees the keys up to `i + kv_len - q_len`.
#[allow(clippy::too_many_arguments)]
pub fn attention<T: Element>(
    pool: &Pool,
    tier: Tier,
    shape: &AttentionShape,
    q: Rows,
    k: Rows<T>,
    v: Rows<T>,
    causal: bool,
    scale: f32,
    out: &mut [f32],
) -> Result<(), KernelError> {
    let s = *shape;
    let d = s.head_dim;
    if s.kv_heads == 0 || !s.heads.is_multiple_of(s.kv_heads) {
        return Err(KernelError::Shape(format!(
            "{} heads cannot share {} KV heads",
            s.heads, s.kv_heads
        )));
    }
    if d == 0 || d > MAX_HEAD_DIM || (causal && s.kv_len < s.q_len) {
        return Err(KernelError::Shape(format!(
            "head dimension {d} (at most {MAX_HEAD_DIM}), {} queries over {} keys",
            s.q_len, s.kv_len
        )));
    }
    q.fits("q", [s.batch, s.q_len, s.heads], d)?;
    k.fits("k", [s.batch, s.kv_len, s.kv_heads], d)?;
    v.fits("v", [s.batch, s.kv_len, s.kv_heads], d)?;
    if out.len() != s.batch * s.heads * s.q_len * d {
        return Err(KernelError::Shape(format!(
            "attention output of {} for {:?}",
            out.len(),
            s
        )));
    }
    let group_rows = s.q_len * (s.heads / s.kv_heads);
    let per_group = group_rows.div_ceil(ROWS);
    let tiles = s.batch * s.kv_heads * per_group;
    let pieces = if tiles < FEW_TILES {
        s.kv_len.div_ceil(PIECE_KEYS).max(1)
    } else {
        1
    };
    let tile_of = |item: usize| {
        let t = item / pieces;
        let first = (t % per_group) * ROWS;
        let keys = if pieces == 1 {
            0..s.kv_len
        } else {
            let piece = item % pieces;
            piece * PIECE_KEYS..((piece + 1) * PIECE_KEYS).min(s.kv_len)
        };
        Tile {
            shape: s,
            b: t / (s.kv_heads * per_group),
            g: t / per_group % s.kv_heads,
            rows: first..(first + ROWS).min(group_rows),
            keys,
            causal,
            scale,
        }
    };
    let run = |tile: &Tile, write: &mut RowOut| match tier {
        // SAFETY: the CPU has AVX2, FMA and F16C on these tiers; `fits` checked every row.
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 | Tier::Avx512Vnni | Tier::Avx512Wide if vector_tile(d) => unsafe {
            x86::tile(tile, q, k, v, write)
        },
        #[cfg(target_arch = "x86_64")]
        Tier::Avx2 | Tier::Avx512Vnni | Tier::Avx512Wide => unsafe {
            tile_avx2(tile, q, k, v, write)
        },
        _ => tile.run(q, k, v, write),
    };
    let rep = s.heads / s.kv_heads;
    // Where group row `p` of a tile goes in `out`, laid out (batch, head, position, dim).
    let at = |tile: &Tile, p: usize| {
        ((tile.b * s.heads + tile.g * rep + p % rep) * s.q_len + p / rep) * d
    };
    if pieces == 1 {
        let out = SharedMut(out.as_mut_ptr());
        pool.for_each(tiles, |item| {
            let tile = tile_of(item);
            run(&tile, &mut |p, o, _max, sum| {
                let inv = 1.0 / sum;
                // SAFETY: each tile writes only the output rows of its own query rows.
                let dst = unsafe { std::slice::from_raw_parts_mut(out.get().add(at(&tile, p)), d) };
                dst.iter_mut().zip(o).for_each(|(y, x)| *y = x * inv);
            });
        });
        return Ok(());
    }
    // Each piece's rows: the unscaled output, then the running maximum and sum.
    let width = d + 2;
    let mut partial = vec![0f32; tiles * pieces * ROWS * width];
    let parts = SharedMut(partial.as_mut_ptr());
    pool.for_each(tiles * pieces, |item| {
        let tile = tile_of(item);
        run(&tile, &mut |p, o, max, sum| {
            // SAFETY: each item writes only its own rows of `partial`.
            let dst = unsafe {
                let row = item * ROWS + p - tile.rows.start;
                std::slice::from_raw_parts_mut(parts.get().add(row * width), width)
            };
            dst[..d].copy_from_slice(o);
            dst[d] = max;
            dst[d + 1] = sum;
        });
    });
    for t in 0..tiles {
        let tile = tile_of(t * pieces);
        for p in tile.rows.clone() {
            let row = |piece: usize| {
                let at = ((t * pieces + piece) * ROWS + p - tile.rows.start) * width;
                &partial[at..at + width]
            };
            let max = (0..pieces)
                .map(|i| row(i)[d])
                .fold(f32::NEG_INFINITY, f32::max);
            let first = at(&tile, p);
            let dst = &mut out[first..first + d];
            dst.fill(0.0);
            let mut sum = 0f32;
            for i in 0..pieces {
                let r = row(i);
                if r[d] == f32::NEG_INFINITY {
                    continue; // this row sees none of the piece's keys
                }
                let weight = exp(r[d] - max);
                sum += r[d + 1] * weight;
                dst.iter_mut()
                    .zip(&r[..d])
                    .for_each(|(y, x)| *y += x * weight);
            }
            let inv = 1.0 / sum;
            dst.iter_mut().for_each(|y| *y *= inv);
        }
    }
    Ok(())
}

/// Whether the AVX2 tiers' vector tile takes heads of `head_dim` (the others take the plain
/// tile compiled for AVX2).
pub(crate) fn vector_tile(head_dim: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    return head_dim.is_multiple_of(x86::CHUNK) && head_dim <= MAX_HEAD_DIM;
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Takes group row `p` of a tile: its output not yet divided by the softmax's sum, the
/// running maximum, and the sum.
type RowOut<'a> = dyn FnMut(usize, &[f32], f32, f32) + 'a;

/// A tile's query rows, scaled.
type Queries = [[f32; MAX_HEAD_DIM]; ROWS];

struct Tile {
    shape: AttentionShape,
    b: usize,
    /// The KV head.
    g: usize,
    /// Rows of the KV head's group: row `p` is position `p / rep` of head `g * rep + p % rep`.
    rows: Range<usize>,
    /// The keys this tile scores (all of them, unless the tile is cut into pieces).
    keys: Range<usize>,
    causal: bool,
    scale: f32,
}

/// The same code as `Tile::run`, compiled for AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn tile_avx2<T: Element>(tile: &Tile, q: Rows, k: Rows<T>, v: Rows<T>, write: &mut RowOut) {
    tile.run(q, k, v, write)
}

impl Tile {
    /// The tile's query rows, scaled; how many keys each row sees; and the end of the keys
    /// to score (the last any row sees, within the tile's keys).
    #[inline(always)]
    fn queries(&self, q: Rows) -> (Queries, [usize; ROWS], usize) {
        let s = self.shape;
        let d = s.head_dim;
        let rep = s.heads / s.kv_heads;
        let mut qs: Queries = [[0f32; MAX_HEAD_DIM]; ROWS];
        let mut visible = [0usize; ROWS];
        for (r, p) in self.rows.clone().enumerate() {
            let head = self.g * rep + p % rep;
            for (dst, x) in qs[r][..d].iter_mut().zip(q.row(self.b, p / rep, head, d)) {
                *dst = x * self.scale;
            }
            visible[r] = if self.causal {
                p / rep + s.kv_len - s.q_len + 1
            } else {
                s.kv_len
            };
        }
        let keys = visible[..self.rows.len()]
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .min(self.keys.end);
        (qs, visible, keys)
    }

    // `j` indexes a key row and every query row's scores at once.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    /// Scores the tile's keys and hands each of its rows to `write`.
    fn run<T: Element>(&self, q: Rows, k: Rows<T>, v: Rows<T>, write: &mut RowOut) {
        let d = self.shape.head_dim;
        let n = self.rows.len();
        let (qs, visible, keys) = self.queries(q);
        let mut o = [[0f32; MAX_HEAD_DIM]; ROWS];
        let mut max = [f32::NEG_INFINITY; ROWS];
        let mut sum = [0f32; ROWS];
        let mut scores = [[0f32; KEYS]; ROWS];
        for start in (self.keys.start..keys).step_by(KEYS) {
            let kn = KEYS.min(keys - start);
            for j in 0..kn {
                let kr = k.row(self.b, start + j, self.g, d);
                for r in 0..n {
                    scores[r][j] = if start + j < visible[r] {
                        dot(&qs[r][..d], kr)
                    } else {
                        f32::NEG_INFINITY
                    };
                }
            }
            for r in 0..n {
                let sr = &mut scores[r][..kn];
                let top = sr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                if top == f32::NEG_INFINITY {
                    sr.fill(0.0);
                    continue;
                }
                let new_max = max[r].max(top);
                let alpha = exp(max[r] - new_max);
                let mut tile_sum = 0f32;
                for x in sr.iter_mut() {
                    *x = if *x == f32::NEG_INFINITY {
                        0.0
                    } else {
                        exp(*x - new_max)
                    };
                    tile_sum += *x;
                }
                sum[r] = sum[r] * alpha + tile_sum;
                max[r] = new_max;
                if alpha != 1.0 {
                    o[r][..d].iter_mut().for_each(|x| *x *= alpha);
                }
            }
            for j in 0..kn {
                let vr = v.row(self.b, start + j, self.g, d);
                for r in 0..n {
                    let p = scores[r][j];
                    for (x, vv) in o[r][..d].iter_mut().zip(vr) {
                        *x += p * vv.to_f32();
                    }
                }
            }
        }
        for (r, p) in self.rows.clone().enumerate() {
            write(p, &o[r][..d], max[r], sum[r]);
        }
    }
}

/// A dot product written so the compiler vectorizes it (eight running sums).
#[inline(always)]
fn dot<T: Element>(a: &[f32], b: &[T]) -> f32 {
    let mut acc = [0f32; 8];
    let (a8, a_rest) = a.split_at(a.len() / 8 * 8);
    let (b8, b_rest) = b.split_at(a8.len());
    for (x, y) in a8.chunks_exact(8).zip(b8.chunks_exact(8)) {
        for l in 0..8 {
            acc[l] += x[l] * y[l].to_f32();
        }
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y.to_f32()).sum();
    acc.iter().sum::<f32>() + tail
}
