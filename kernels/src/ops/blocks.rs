//! Agent block sums: the summed synaptic weight between every pair of agents.
//!
//! Neurons are grouped into `A = n / block` agents of `block` consecutive neurons. With the
//! weight layout of `lif.rs` (`w[j*n + i]` is the synapse j → i, row = presynaptic neuron),
//!
//! ```text
//! out[a*A + b] = Σ_{j in agent a} Σ_{i in agent b} w[j*n + i]      (agent a → agent b)
//! ```
//!
//! One pass over W, row by row: each row is reduced block by block into the row of its
//! source agent, so W (the only big array) is read exactly once and contiguously. The mesh
//! view thresholds `out[a,b] + out[b,a]` into undirected edges a few times a second.
//!
//! A call computes the output rows of the source agents `first..first + count` only (and
//! touches no other row), reading just their `count · block` rows of W: the app spreads one
//! pass over several frames (at N = 4096 the JS tier's full pass takes ~23 ms, longer than a
//! frame can spare), and `first = 0, count = A` is the whole matrix.
//!
//! Parts (`ops::lif`'s [`Part`]): a thread that holds only the columns `first..first + width`
//! of W (`n × width`, whole agents: both multiples of `block`) computes the output columns of
//! its target agents, and no other entry; each entry gets the same additions in the same
//! order as in the whole call, so parts that cover `0..n`, joined by columns, are the whole
//! call's output bit for bit (`block_sums_part_*`; the whole call is the part `0..n`).
use crate::error::KernelError;
use crate::error::MAX_DIM;
use crate::ops::lif::Part;
use crate::ops::weight::Weight;
use crate::simd::{four, F32Lanes};
use core::ops::Range;

/// What a call computes after the shape checks: `A`, the source agents (output rows) and the
/// target agents (output columns) of `part`'s columns.
struct Shape {
    a: usize,
    sources: Range<usize>,
    targets: Range<usize>,
}

/// The shape checks of a call over `part`'s columns of W (`n × width`; [`Part::whole`]: the
/// whole `n × n`) for the source agents `first..first + count`. A part holds whole agents:
/// `part.first` and `part.width` multiples of `block`.
fn check<W>(
    w: &[W],
    part: Part,
    block: usize,
    first: usize,
    count: usize,
    out: &[f32],
) -> Result<Shape, KernelError> {
    let Part {
        n,
        first: col,
        width,
    } = part;
    if n == 0 || width == 0 || block == 0 {
        return Err(KernelError::ZeroSize);
    }
    if n > MAX_DIM {
        return Err(KernelError::TooLarge);
    }
    if !n.is_multiple_of(block)
        || !col.is_multiple_of(block)
        || !width.is_multiple_of(block)
        || col.checked_add(width).is_none_or(|end| end > n)
    {
        return Err(KernelError::BadArgument);
    }
    let a = n / block;
    if w.len() != n * width || out.len() != a * a {
        return Err(KernelError::LengthMismatch);
    }
    match first.checked_add(count) {
        Some(end) if end <= a => Ok(Shape {
            a,
            sources: first..end,
            targets: col / block..(col + width) / block,
        }),
        _ => Err(KernelError::BadArgument),
    }
}

/// The one walk of both versions: every row of the source agents (row j of the held columns at
/// `w[j*width..]`), each reduced block by block by `chunk_sum` and added to its agent's output
/// row, the output entries of `sources × targets` (and no other) starting from 0. Each entry
/// sees the same additions in the same order whichever columns the caller holds, so parts give
/// the whole matrix's bits.
fn sums<W: Weight>(
    w: &[W],
    width: usize,
    block: usize,
    s: Shape,
    out: &mut [f32],
    chunk_sum: impl Fn(&[W]) -> f32,
) {
    let Shape {
        a,
        sources,
        targets,
    } = s;
    for src in sources.clone() {
        out[src * a + targets.start..src * a + targets.end].fill(0.0);
    }
    for j in sources.start * block..sources.end * block {
        let row = &w[j * width..(j + 1) * width];
        let at = (j / block) * a;
        let dst = &mut out[at + targets.start..at + targets.end];
        for (d, chunk) in dst.iter_mut().zip(row.chunks_exact(block)) {
            *d += chunk_sum(chunk);
        }
    }
}

/// Plain loops, in the order the SIMD version must reproduce per lane; weights stored as `W`
/// (decoded exactly, `ops::weight`).
pub fn block_sums_scalar<W: Weight>(
    w: &[W],
    n: usize,
    block: usize,
    first: usize,
    count: usize,
    out: &mut [f32],
) -> Result<(), KernelError> {
    block_sums_part_scalar(w, block, first, count, out, Part::whole(n))
}

/// [`block_sums_scalar`] over the columns of `part` only (one thread's `n × width` columns of
/// W, `w[j*width + (i − first)]`; `part.first` and `part.width` multiples of `block`): the
/// output entries of the source agents `first..first + count` and the part's target agents
/// `part.first / block..(part.first + part.width) / block`, no other, each with the bits the
/// whole call gives it.
pub fn block_sums_part_scalar<W: Weight>(
    w: &[W],
    block: usize,
    first: usize,
    count: usize,
    out: &mut [f32],
    part: Part,
) -> Result<(), KernelError> {
    let shape = check(w, part, block, first, count, out)?;
    sums(w, part.width, block, shape, out, |chunk| {
        let mut s = 0.0f32;
        for &x in chunk {
            s += x.get();
        }
        s
    });
    Ok(())
}

/// Four-lane partial sums per block (blocks of fewer than 8 fall back to the scalar sum).
pub fn block_sums_lanes<V: F32Lanes, W: Weight>(
    w: &[W],
    n: usize,
    block: usize,
    first: usize,
    count: usize,
    out: &mut [f32],
) -> Result<(), KernelError> {
    block_sums_part_lanes::<V, W>(w, block, first, count, out, Part::whole(n))
}

/// [`block_sums_lanes`] over the columns of `part` only, as [`block_sums_part_scalar`].
pub fn block_sums_part_lanes<V: F32Lanes, W: Weight>(
    w: &[W],
    block: usize,
    first: usize,
    count: usize,
    out: &mut [f32],
    part: Part,
) -> Result<(), KernelError> {
    let shape = check(w, part, block, first, count, out)?;
    if block < 8 {
        return block_sums_part_scalar(w, block, first, count, out, part);
    }
    sums(w, part.width, block, shape, out, |chunk| {
        let mut acc0 = V::splat(0.0);
        let mut acc1 = V::splat(0.0);
        let mut pairs = chunk.chunks_exact(8);
        for p in &mut pairs {
            acc0 = acc0.add(W::load4::<V>(four(&p[0..4])));
            acc1 = acc1.add(W::load4::<V>(four(&p[4..8])));
        }
        let mut s = acc0.add(acc1).sum();
        for &x in pairs.remainder() {
            s += x.get();
        }
        s
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::BlockSumsFn;
    use crate::rng::Rng;
    use crate::simd::F32x4;

    fn reference(w: &[f32], n: usize, block: usize) -> Vec<f64> {
        let a = n / block;
        let mut out = vec![0.0f64; a * a];
        for j in 0..n {
            for i in 0..n {
                out[(j / block) * a + i / block] += w[j * n + i] as f64;
            }
        }
        out
    }

    #[test]
    fn matches_f64_reference_in_both_versions() {
        for (n, block) in [(1, 1), (12, 3), (64, 8), (96, 32), (130, 13), (256, 64)] {
            let mut rng = Rng::new(n as u32 * 7 + block as u32);
            let w: Vec<f32> = (0..n * n).map(|_| rng.next_f32()).collect();
            let r = reference(&w, n, block);
            let a = n / block;
            for f in [
                block_sums_scalar as BlockSumsFn,
                block_sums_lanes::<F32x4, f32>,
                block_sums_lanes::<crate::simd::array::F32x4, f32>,
            ] {
                let mut out = vec![f32::NAN; a * a];
                f(&w, n, block, 0, a, &mut out).unwrap();
                for (x, y) in out.iter().zip(&r) {
                    assert!(
                        (*x as f64 - y).abs() <= 1e-5 * (block * block) as f64,
                        "n={n} block={block}: {x} vs {y}"
                    );
                }
            }
        }
    }

    #[test]
    fn bad_shapes_are_errors_and_leave_out_untouched() {
        let w = vec![1.0; 16];
        let mut out = vec![7.0; 4];
        assert_eq!(
            block_sums_lanes::<F32x4, f32>(&w, 4, 3, 0, 1, &mut out),
            Err(KernelError::BadArgument)
        );
        assert_eq!(
            block_sums_lanes::<F32x4, f32>(&w, 4, 0, 0, 1, &mut out),
            Err(KernelError::ZeroSize)
        );
        assert_eq!(
            block_sums_lanes::<F32x4, f32>(&w[..15], 4, 2, 0, 2, &mut out),
            Err(KernelError::LengthMismatch)
        );
        assert_eq!(
            block_sums_scalar(&w, 4, 1, 0, 4, &mut out),
            Err(KernelError::LengthMismatch)
        );
        // Source agents past A, or a range whose end overflows.
        assert_eq!(
            block_sums_lanes::<F32x4, f32>(&w, 4, 2, 1, 2, &mut out),
            Err(KernelError::BadArgument)
        );
        assert_eq!(
            block_sums_scalar(&w, 4, 2, usize::MAX, 2, &mut out),
            Err(KernelError::BadArgument)
        );
        assert_eq!(out, vec![7.0; 4]);
    }

    #[test]
    fn a_range_of_source_agents_writes_only_its_rows_and_equals_the_whole_pass() {
        let (n, block) = (96, 16);
        let a = n / block;
        let mut rng = Rng::new(5);
        let w: Vec<f32> = (0..n * n).map(|_| rng.next_f32()).collect();
        for f in [
            block_sums_scalar as BlockSumsFn,
            block_sums_lanes::<F32x4, f32>,
        ] {
            let mut whole = vec![0.0; a * a];
            f(&w, n, block, 0, a, &mut whole).unwrap();
            // Rows 0..2, then 2..2 (nothing), then 2..6 into a buffer of stale values.
            let mut parts = vec![-1.0; a * a];
            f(&w, n, block, 0, 2, &mut parts).unwrap();
            assert!(
                parts[2 * a..].iter().all(|&x| x == -1.0),
                "rows 2.. untouched"
            );
            f(&w, n, block, 2, 0, &mut parts).unwrap();
            assert!(
                parts[2 * a..].iter().all(|&x| x == -1.0),
                "an empty range writes nothing"
            );
            f(&w, n, block, 2, a - 2, &mut parts).unwrap();
            assert_eq!(
                parts.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                whole.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}
