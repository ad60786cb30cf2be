//! Mesh efficiency: global efficiency of a graph (Latora & Marchiori 2001),
//!
//! ```text
//! E = 1/(n(n−1)) · Σ_{i≠j} 1/d(i,j)        (unreachable pairs add 0; n < 2 gives 0)
//! ```
//!
//! by bit-parallel BFS over an adjacency **bit** matrix: rows of `words_per_row(n) =
//! 4·⌈n/128⌉` u32 words (padded to 128 bits, padding zero), bit j of row i set when i → j.
//! From every source: `next = (OR of the rows of the frontier nodes) & !visited`,
//! `count[d] += popcount(next)`, until the frontier is empty. Each node enters a frontier once
//! per source, so the cost is n sources × n rows × n/32 words ≈ n³/32 word operations; the
//! SIMD tiers OR and AND-NOT 128 bits at a time. The sum is formed at the end as
//! `Σ_d count[d] / d` in f64, ascending d, so every tier returns the same f64 bits.
use crate::error::{KernelError, MAX_DIM};
use crate::simd::MaskLanes;

pub fn words_per_row(n: usize) -> usize {
    4 * n.div_ceil(128)
}

#[cfg(any(test, feature = "testing"))]
/// A seeded random graph in the bit-matrix layout, for tests and benchmarks. `symmetric`:
/// each pair i < j is an undirected edge with probability `p` (as `kernels/js/bench/bench.js`
/// builds its graphs); otherwise each ordered pair (i, j), self loops included, is an arc
/// with probability `p`.
pub fn random_graph(n: usize, p: f32, seed: u32, symmetric: bool) -> Vec<u32> {
    let wpr = words_per_row(n);
    let mut adj = vec![0u32; n * wpr];
    let mut r = crate::rng::Rng::new(seed);
    for i in 0..n {
        let from = if symmetric { i + 1 } else { 0 };
        for j in from..n {
            if r.next_f32() < p {
                adj[i * wpr + j / 32] |= 1 << (j % 32);
                if symmetric {
                    adj[j * wpr + i / 32] |= 1 << (i % 32);
                }
            }
        }
    }
    adj
}

pub fn check(adj: &[u32], n: usize, wpr: usize) -> Result<(), KernelError> {
    if n > MAX_DIM {
        return Err(KernelError::TooLarge);
    }
    if wpr != words_per_row(n) || adj.len() != n * wpr {
        return Err(KernelError::LengthMismatch);
    }
    // Padding bits must be zero, or they would count as nodes that do not exist.
    if !n.is_multiple_of(32) {
        let last_word = n / 32;
        let pad_mask = !((1u32 << (n % 32)) - 1);
        for i in 0..n {
            if adj[i * wpr + last_word] & pad_mask != 0 {
                return Err(KernelError::BadArgument);
            }
        }
    }
    for i in 0..n {
        if adj[i * wpr + n.div_ceil(32)..(i + 1) * wpr]
            .iter()
            .any(|&x| x != 0)
        {
            return Err(KernelError::BadArgument);
        }
    }
    Ok(())
}

fn finish(counts: &[u64], n: usize) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let mut sum = 0.0f64;
    for (d, &c) in counts.iter().enumerate().skip(1) {
        sum += c as f64 / d as f64;
    }
    sum / (n as f64 * (n as f64 - 1.0))
}

/// `len` zeros, or `OutOfMemory` instead of an abort when the allocator has no room (in a
/// kernel module near its memory limit an abort is a trap, which leaves the module unusable).
fn zeroed<T: Copy + Default>(len: usize) -> Result<Vec<T>, KernelError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| KernelError::OutOfMemory)?;
    v.resize(len, T::default());
    Ok(v)
}

/// The BFS from every source, shared by both versions; they differ only in how a row is
/// OR-ed into `next` and how `next` is settled against `visited` (returning its popcount).
fn all_sources(
    adj: &[u32],
    n: usize,
    wpr: usize,
    or_row: impl Fn(&mut [u32], &[u32]),
    settle: impl Fn(&mut [u32], &mut [u32]) -> u64,
) -> Result<f64, KernelError> {
    let mut counts = zeroed::<u64>(n + 1)?;
    let (mut visited, mut frontier, mut next) = (
        zeroed::<u32>(wpr)?,
        zeroed::<u32>(wpr)?,
        zeroed::<u32>(wpr)?,
    );
    for s in 0..n {
        visited.fill(0);
        frontier.fill(0);
        visited[s / 32] |= 1 << (s % 32);
        frontier[s / 32] |= 1 << (s % 32);
        let mut d = 0;
        loop {
            next.fill(0);
            for (wi, &word) in frontier.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    let u = wi * 32 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    or_row(&mut next, &adj[u * wpr..(u + 1) * wpr]);
                }
            }
            let found = settle(&mut next, &mut visited);
            if found == 0 {
                break;
            }
            d += 1;
            counts[d] += found;
            std::mem::swap(&mut frontier, &mut next);
        }
    }
    Ok(finish(&counts, n))
}

pub fn efficiency_scalar(adj: &[u32], n: usize, wpr: usize) -> Result<f64, KernelError> {
    check(adj, n, wpr)?;
    all_sources(
        adj,
        n,
        wpr,
        |next, row| {
            for (x, r) in next.iter_mut().zip(row) {
                *x |= r;
            }
        },
        |next, visited| {
            let mut found = 0u64;
            for (x, v) in next.iter_mut().zip(visited.iter_mut()) {
                *x &= !*v;
                *v |= *x;
                found += x.count_ones() as u64;
            }
            found
        },
    )
}

/// 128 bits at a time (`words_per_row` is a multiple of 4).
pub fn efficiency_lanes<M: MaskLanes>(
    adj: &[u32],
    n: usize,
    wpr: usize,
) -> Result<f64, KernelError> {
    check(adj, n, wpr)?;
    all_sources(
        adj,
        n,
        wpr,
        |next, row| {
            for (nx, r) in next
                .as_chunks_mut::<4>()
                .0
                .iter_mut()
                .zip(row.as_chunks::<4>().0)
            {
                M::load_array(nx).or(M::load_array(r)).store_array(nx);
            }
        },
        |next, visited| {
            let mut found = 0u64;
            let vis = visited.as_chunks_mut::<4>().0;
            for (nx, vi) in next.as_chunks_mut::<4>().0.iter_mut().zip(vis) {
                let fresh = M::load_array(nx).andnot(M::load_array(vi));
                fresh.store_array(nx);
                M::load_array(vi).or(fresh).store_array(vi);
                found += nx.iter().map(|x| x.count_ones() as u64).sum::<u64>();
            }
            found
        },
    )
}
