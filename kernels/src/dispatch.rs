//! The one place that decides which implementation runs: SIMD where the build has 128-bit
//! vectors (wasm `simd128`, or x86_64's SSE2 natively), scalar otherwise. Kernel modules are
//! separate builds (`build-modules.sh`), so the choice is made at compile time.
use crate::activation::{self, Activation};
use crate::error::KernelError;
use crate::lif::LifParams;
use crate::stdp::StdpParams;
use crate::{blocks, dense, efficiency, lif, stdp};

#[cfg(any(target_feature = "simd128", target_arch = "x86_64"))]
macro_rules! pick {
    ($scalar:path, $simd:path) => {
        $simd
    };
}
#[cfg(not(any(target_feature = "simd128", target_arch = "x86_64")))]
macro_rules! pick {
    ($scalar:path, $simd:path) => {
        $scalar
    };
}

/// What this build is: 0 scalar, 1 SIMD128, 2 relaxed SIMD (native builds report 1).
pub const TIER: u32 = if cfg!(target_feature = "relaxed-simd") {
    2
} else if cfg!(any(target_feature = "simd128", target_arch = "x86_64")) {
    1
} else {
    0
};

pub fn act_apply(act: Activation, x: &mut [f32]) {
    pick!(activation::apply_scalar, activation::apply_simd)(act, x)
}

pub fn dense(
    w: &[f32],
    x: &[f32],
    b: &[f32],
    y: &mut [f32],
    m: usize,
    n: usize,
    act: Activation,
) -> Result<(), KernelError> {
    pick!(dense::dense_scalar, dense::dense_simd)(w, x, b, y, m, n, act)
}

#[allow(clippy::too_many_arguments)]
pub fn dense_batch(
    w: &[f32],
    xs: &[f32],
    b: &[f32],
    ys: &mut [f32],
    m: usize,
    n: usize,
    batch: usize,
    act: Activation,
) -> Result<(), KernelError> {
    pick!(dense::dense_batch_scalar, dense::dense_batch_simd)(w, xs, b, ys, m, n, batch, act)
}

#[allow(clippy::too_many_arguments)]
pub fn lif_step(
    p: &LifParams,
    v: &mut [f32],
    refr: &mut [f32],
    trace: &mut [f32],
    syn: &mut [f32],
    w: &[f32],
    prev: &[u32],
    rng: &mut [u32; 4],
    out: &mut [u32],
) -> Result<usize, KernelError> {
    pick!(lif::lif_step_scalar, lif::lif_step_simd)(p, v, refr, trace, syn, w, prev, rng, out)
}

pub fn stdp(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> Result<usize, KernelError> {
    pick!(stdp::stdp_scalar, stdp::stdp_simd)(w, n, trace, spikes, p)
}

pub fn efficiency(adj: &[u32], n: usize, wpr: usize) -> Result<f64, KernelError> {
    pick!(efficiency::efficiency_scalar, efficiency::efficiency_simd)(adj, n, wpr)
}

pub fn block_sums(w: &[f32], n: usize, block: usize, out: &mut [f32]) -> Result<(), KernelError> {
    pick!(blocks::block_sums_scalar, blocks::block_sums_simd)(w, n, block, out)
}
