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
use crate::error::KernelError;
use crate::error::MAX_DIM;
use crate::ops::weight::Weight;
use crate::simd::{four, F32Lanes};
use core::ops::Range;

/// The output rows `first..first + count` after the shape checks, with `A`.
fn check<W>(
    w: &[W],
    n: usize,
    block: usize,
    first: usize,
    count: usize,
    out: &[f32],
) -> Result<(usize, Range<usize>), KernelError> {
    if n == 0 || block == 0 {
        return Err(KernelError::ZeroSize);
    }
    if n > MAX_DIM {
        return Err(KernelError::TooLarge);
    }
    if !n.is_multiple_of(block) {
        return Err(KernelError::BadArgument);
    }
    let a = n / block;
    if w.len() != n * n || out.len() != a * a {
        return Err(KernelError::LengthMismatch);
    }
    match first.checked_add(count) {
        Some(end) if end <= a => Ok((a, first..end)),
        _ => Err(KernelError::BadArgument),
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
    let (a, sources) = check(w, n, block, first, count, out)?;
    out[sources.start * a..sources.end * a].fill(0.0);
    for j in sources.start * block..sources.end * block {
        let row = &w[j * n..(j + 1) * n];
        let dst = &mut out[(j / block) * a..(j / block + 1) * a];
        for (b, chunk) in row.chunks_exact(block).enumerate() {
            let mut s = 0.0f32;
            for &x in chunk {
                s += x.get();
            }
            dst[b] += s;
        }
    }
    Ok(())
}

/// Four-lane partial sums per block (blocks of fewer than 4 fall back to the scalar sum).
pub fn block_sums_lanes<V: F32Lanes, W: Weight>(
    w: &[W],
    n: usize,
    block: usize,
    first: usize,
    count: usize,
    out: &mut [f32],
) -> Result<(), KernelError> {
    let (a, sources) = check(w, n, block, first, count, out)?;
    if block < 8 {
        return block_sums_scalar(w, n, block, first, count, out);
    }
    out[sources.start * a..sources.end * a].fill(0.0);
    for j in sources.start * block..sources.end * block {
        let row = &w[j * n..(j + 1) * n];
        let dst = &mut out[(j / block) * a..(j / block + 1) * a];
        for (b, chunk) in row.chunks_exact(block).enumerate() {
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
            dst[b] += s;
        }
    }
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
