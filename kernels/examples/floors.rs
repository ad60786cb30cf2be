//! What this machine allows, measured, for the goals `make bench` cannot reach: the bounds the
//! README's kernel section argues from (issue 12), each the simplest native loop that does the
//! work's unavoidable part and nothing else.
//!
//! - `read 16 MB`: summing matvec 2048²'s weights (16 MB of f32) once, four accumulators:
//!   one core's read bandwidth, so the fastest matvec 2048² any implementation can run.
//! - `stdp potentiation floor N`: the access pattern of STDP potentiation in the benchmark's
//!   case (5 % of neurons spiking, the same picker and seed as `native_bench`): every row, one
//!   weight per spike column loaded, incremented and stored, four rows interleaved as the
//!   tiers walk them, with no clipping, pruning or counting: no tier can potentiate faster.
//! - `gemm 4x8 128-bit`: the batched dense 2048×64→64 micro-kernel (4 inputs × 8 outputs of
//!   accumulators, W packed) at 128-bit width in the instruction encodings V8 emits for wasm
//!   SIMD on this CPU (AVX: three-operand, `vbroadcastss` from memory), once with separate
//!   multiply and add (what wasm SIMD128 can express) and once fused (what relaxed SIMD's
//!   `relaxed_madd` becomes): the native ceiling of each wasm tier's arithmetic.
//!
//! `cargo run --release -p sasi-kernels --example floors`. Best of 15 runs each (a floor, so
//! the best, not the median); prints one line per figure.
// A measuring tool, not library code.
#![allow(clippy::unwrap_used)]
use sasi_kernels::rng::pick_indices;
use std::hint::black_box;
use std::time::Instant;

fn best_of(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn read_bandwidth() {
    let a = vec![1.0f32; 4 << 20];
    let mut total = 0.0f32;
    let t = best_of(15, || {
        let mut s = [0.0f32; 16];
        for c in a.chunks_exact(16) {
            for (acc, &v) in s.iter_mut().zip(c) {
                *acc += v;
            }
        }
        total += black_box(s.iter().sum::<f32>());
    });
    println!(
        "read 16 MB (matvec 2048² weights): {:.0} µs = {:.1} GB/s   [{total}]",
        t * 1e6,
        (a.len() * 4) as f64 / t / 1e9
    );
}

fn stdp_floor(n: usize) {
    let mut w = vec![0.1f32; n * n];
    let spikes = pick_indices(43, n, 0.05);
    let t = best_of(15, || {
        for block in w.chunks_exact_mut(4 * n) {
            let (r0, rest) = block.split_at_mut(n);
            let (r1, rest) = rest.split_at_mut(n);
            let (r2, r3) = rest.split_at_mut(n);
            for &i in &spikes {
                let i = i as usize;
                r0[i] += 1e-7;
                r1[i] += 1e-7;
                r2[i] += 1e-7;
                r3[i] += 1e-7;
            }
        }
        black_box(&mut w);
    });
    println!(
        "stdp potentiation floor N = {n} ({} spikes, {} weights): {:.1} µs",
        spikes.len(),
        spikes.len() * n,
        t * 1e6
    );
}

#[cfg(target_arch = "x86_64")]
mod gemm {
    use core::arch::x86_64::*;

    pub const BATCH: usize = 2048;
    pub const N: usize = 64;
    pub const M: usize = 64;

    /// `ys = xs · Wᵀ` with W packed as 8 panels of `[p][8]`; 4 × 8 tiles.
    ///
    /// # Safety
    /// The CPU must have AVX (and FMA when `FUSED`); the slices must have the sizes above.
    #[target_feature(enable = "avx,fma")]
    pub unsafe fn run<const FUSED: bool>(xs: &[f32], panels: &[f32], ys: &mut [f32]) {
        assert!(xs.len() == BATCH * N && panels.len() == N * M && ys.len() == BATCH * M);
        for j0 in (0..M).step_by(8) {
            let pan = &panels[j0 * N..(j0 + 8) * N];
            for k in (0..BATCH).step_by(4) {
                let mut acc = [[_mm_setzero_ps(); 2]; 4];
                for p in 0..N {
                    // SAFETY: `pan` holds N rows of 8 floats and p < N; loads are unaligned.
                    let (w0, w1) = unsafe {
                        (
                            _mm_loadu_ps(pan.as_ptr().add(8 * p)),
                            _mm_loadu_ps(pan.as_ptr().add(8 * p + 4)),
                        )
                    };
                    for (q, a) in acc.iter_mut().enumerate() {
                        let x = _mm_broadcast_ss(&xs[(k + q) * N + p]);
                        if FUSED {
                            a[0] = _mm_fmadd_ps(x, w0, a[0]);
                            a[1] = _mm_fmadd_ps(x, w1, a[1]);
                        } else {
                            a[0] = _mm_add_ps(_mm_mul_ps(x, w0), a[0]);
                            a[1] = _mm_add_ps(_mm_mul_ps(x, w1), a[1]);
                        }
                    }
                }
                for (q, a) in acc.iter().enumerate() {
                    let at = (k + q) * M + j0;
                    let out = &mut ys[at..at + 8];
                    // SAFETY: `out` is 8 floats; unaligned stores.
                    unsafe {
                        _mm_storeu_ps(out.as_mut_ptr(), a[0]);
                        _mm_storeu_ps(out.as_mut_ptr().add(4), a[1]);
                    }
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn gemm_ceiling() {
    use gemm::{BATCH, M, N};
    if !(is_x86_feature_detected!("avx") && is_x86_feature_detected!("fma")) {
        println!("gemm 4x8 128-bit: this CPU has no AVX/FMA, not measured");
        return;
    }
    let xs: Vec<f32> = (0..BATCH * N).map(|i| (i % 7) as f32 * 0.1).collect();
    let panels: Vec<f32> = (0..N * M).map(|i| (i % 5) as f32 * 0.1).collect();
    let mut ys = vec![0.0f32; BATCH * M];
    let split = best_of(15, || {
        // SAFETY: AVX and FMA were detected above; the buffers have the sizes `run` asserts.
        unsafe { gemm::run::<false>(&xs, &panels, black_box(&mut ys)) }
    });
    let fused = best_of(15, || {
        // SAFETY: as above.
        unsafe { gemm::run::<true>(&xs, &panels, black_box(&mut ys)) }
    });
    let gflop = 2.0 * (BATCH * N * M) as f64 / 1e9;
    println!(
        "gemm 4x8 128-bit 2048x64x64, AVX encodings: mul + add {:.0} µs ({:.1} GFLOP/s), fused {:.0} µs ({:.1} GFLOP/s)",
        split * 1e6,
        gflop / split,
        fused * 1e6,
        gflop / fused
    );
}

#[cfg(not(target_arch = "x86_64"))]
fn gemm_ceiling() {
    println!("gemm 4x8 128-bit: x86_64 only");
}

fn main() {
    read_bandwidth();
    for n in [1024, 4096] {
        stdp_floor(n);
    }
    gemm_ceiling();
}
