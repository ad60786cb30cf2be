//! Probes of this engine's ceilings (issue 28): not neural kernels, but the two loops whose
//! speed bounds every kernel here — a streaming read and independent multiply-adds — built in
//! each module like any kernel, so that the benchmark harness (`kernels/js/bench/bench.js`,
//! `ceilings`) times them with the same protocol as the cases.
//!
//! - [`probe_read_lanes`]: `Σ x[i]` with eight independent vector accumulators (32 lanes), so
//!   that the loop is bound by loads, not by the add latency; over a buffer ≫ the last-level
//!   cache its time is the engine's single-thread read bandwidth. The order of the sum is
//!   lane-wise then a fixed tree: within `len·2⁻²⁴·Σ|x|` of the exact sum.
//! - [`probe_mul_add_lanes`]: `x ← x·a + b`, `iters` times, on 48 independent lanes held
//!   in twelve vectors that start from the arguments (`b` and `a` in turn), written to `acc`
//!   at the end. Twelve chains hide the latency of an unfused multiply then add
//!   (3 + 3 cycles, two of each per cycle on current x86 cores) and of a fused one (4 cycles,
//!   two per cycle), and with the two constants they fit x86's 16 vector registers: measured
//!   in V8 on this VM's AMD EPYC, 8 chains gave 44 GFLOP/s mul+add (latency-bound, below the
//!   dense_batch case's 44–49), 12 gave 61, 16 spilled to 35. `mul_add` is fused in the
//!   relaxed-SIMD build only, so the same export measures mul+add throughput in the scalar
//!   and SIMD modules and fused multiply-add throughput in the relaxed one. 2 flops per lane
//!   per iteration. The chains start from the arguments, not from `acc`: SpiderMonkey's
//!   optimised code ran the same loop at under half its speed when its chains started from
//!   values loaded from memory, and Firefox's roof read low (README, "How the figures are
//!   measured").
use crate::error::KernelError;
use crate::simd::F32Lanes;

/// Lanes of [`probe_mul_add_lanes`]'s accumulator (the `acc` buffer of `probe_mul_add`).
pub const MUL_ADD_LANES: usize = 48;

/// Most iterations of one `probe_mul_add` call (about 2³⁰ flops; a larger count is
/// `TooLarge`, so that no u32 makes a call run for minutes).
pub const MAX_MUL_ADD_ITERS: usize = 1 << 24;

/// `Σ x` (f32, eight vector accumulators; the tail of `len % 32` added last).
pub fn probe_read_lanes<V: F32Lanes>(x: &[f32]) -> f32 {
    let (blocks, tail) = x.as_chunks::<32>();
    let mut acc = [V::zero(); 8];
    for b in blocks {
        let q = b.as_chunks::<4>().0;
        for k in 0..8 {
            acc[k] = acc[k].add(V::load_array(&q[k]));
        }
    }
    let a = acc[0].add(acc[1]).add(acc[2].add(acc[3]));
    let c = acc[4].add(acc[5]).add(acc[6].add(acc[7]));
    let mut s = a.add(c).sum();
    for &v in tail {
        s += v;
    }
    s
}

/// Twelve four-lane chains, chain `k` starting at `b` (even `k`) or `a` (odd `k`), each
/// `x ← x·a + b` `iters` times, then written to `acc` (chain `k` to lanes `4k..4k + 4`).
pub fn probe_mul_add_lanes<V: F32Lanes>(
    iters: usize,
    a: f32,
    b: f32,
    acc: &mut [f32],
) -> Result<(), KernelError> {
    if acc.len() != MUL_ADD_LANES {
        return Err(KernelError::LengthMismatch);
    }
    if iters > MAX_MUL_ADD_ITERS {
        return Err(KernelError::TooLarge);
    }
    let (va, vb) = (V::splat(a), V::splat(b));
    // From the arguments, never from memory (the module doc); two different starts, so that
    // no engine may fold the chains into fewer.
    let mut v: [V; 12] = core::array::from_fn(|k| if k % 2 == 0 { vb } else { va });
    for _ in 0..iters {
        for r in v.iter_mut() {
            *r = r.mul_add(va, vb);
        }
    }
    for (k, c) in acc.chunks_exact_mut(4).enumerate() {
        v[k].store(c);
    }
    Ok(())
}
