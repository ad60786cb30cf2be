//! The one place that decides which implementation runs, as a table of kernels (the way
//! tract's `linalg` offers `generic()` and `best()`):
//!
//! | table | what it is |
//! |---|---|
//! | [`scalar()`] | what the scalar tier runs: plain loops where branches and early exits win, the generic lane source on [`array::F32x4`] where blocking and independent accumulators win (dense) |
//! | [`generic()`] | the SIMD source on [`array::F32x4`]: the portable fallback |
//! | [`simd()`] | the SIMD source on this build's vectors (wasm `simd128`, relaxed or not, or SSE2 natively); `None` where the build has none |
//! | [`best()`] | what a kernel module built for this target runs: `simd()` if there is one, else `scalar()` |
//!
//! [`all()`] lists every table this build can run, so one conformance suite
//! (`tests/conformance.rs`) checks each of them against the f64 references and each other.
//! Kernel modules are separate builds (`build-modules.sh`), so the choice is made at compile
//! time; the C ABI (`abi.rs`) calls [`BEST`].
use crate::error::KernelError;
use crate::ops::activation::{self, Activation};
use crate::ops::lif::{LifParams, LifState, Part};
use crate::ops::stdp::StdpParams;
use crate::ops::{blocks, dense, efficiency, lif, probe, stdp};
use crate::simd::{array, F32Lanes};

pub type ActFn = fn(Activation, &mut [f32]);
/// `(w, x, b, y, m, n, act)`: `y = act(W·x + b)`; weights stored as `W` (`ops::weight`).
pub type DenseFn<W = f32> =
    fn(&[W], &[f32], &[f32], &mut [f32], usize, usize, Activation) -> Result<(), KernelError>;
/// `(w, xs, b, ys, m, n, batch, act)`.
pub type DenseBatchFn = fn(
    &[f32],
    &[f32],
    &[f32],
    &mut [f32],
    usize,
    usize,
    usize,
    Activation,
) -> Result<(), KernelError>;
/// `(params, state, w, prev, out)` → spike count; weights stored as `W` (`ops::weight`).
pub type LifFn<W = f32> =
    fn(&LifParams, &mut LifState<'_>, &[W], &[u32], &mut [u32]) -> Result<usize, KernelError>;
/// `(params, state, w, prev, out, part)`: [`LifFn`] for the neurons of `part` only (its columns
/// of W; `ops::lif` "Parts"); weights stored as `W`.
pub type LifPartFn<W = f32> =
    fn(&LifParams, &mut LifState<'_>, &[W], &[u32], &mut [u32], Part) -> Result<usize, KernelError>;
/// `(w, trace, spikes, params, part)`: STDP of the columns of `part` only; weights stored as `W`.
pub type StdpPartFn<W = f32> =
    fn(&mut [W], &[f32], &[u32], &StdpParams, Part) -> Result<usize, KernelError>;
/// `(w, n, trace, spikes, params)` → synapses pruned.
pub type StdpFn<W = f32> =
    fn(&mut [W], usize, &[f32], &[u32], &StdpParams) -> Result<usize, KernelError>;
/// `(adj, n, words_per_row)` → global efficiency.
pub type EfficiencyFn = fn(&[u32], usize, usize) -> Result<f64, KernelError>;
/// `(w, n, block, first, count, out)`: the output rows of source agents `first..first + count`.
pub type BlockSumsFn<W = f32> =
    fn(&[W], usize, usize, usize, usize, &mut [f32]) -> Result<(), KernelError>;
/// `(w, block, first, count, out, part)`: [`BlockSumsFn`] over the columns of `part` only (its
/// `n × width` columns of W, whole agents): the output entries of the source agents
/// `first..first + count` and the part's target agents.
pub type BlockSumsPartFn<W = f32> =
    fn(&[W], usize, usize, usize, &mut [f32], Part) -> Result<(), KernelError>;

/// `(x)` → `Σ x` (the read-bandwidth probe).
pub type ProbeReadFn = fn(&[f32]) -> f32;
/// `(iters, a, b, acc)`: `acc ← acc·a + b`, `iters` times (the multiply-add probe).
pub type ProbeMulAddFn = fn(usize, f32, f32, &mut [f32]) -> Result<(), KernelError>;

/// One implementation of every kernel.
#[derive(Clone, Copy)]
pub struct Kernels {
    /// Which table this is ("scalar", "generic", "simd"), with the lane backend.
    pub name: &'static str,
    pub backend: &'static str,
    pub act_apply: ActFn,
    pub dense: DenseFn,
    pub dense_batch: DenseBatchFn,
    pub lif_step: LifFn,
    pub stdp: StdpFn,
    pub efficiency: EfficiencyFn,
    pub block_sums: BlockSumsFn,
    /// Matrix × vector, LIF, STDP and the block sums on bfloat16 weights (`ops::weight`), in
    /// the same form as their f32 twins above (a form is chosen per kernel, for both storages).
    pub dense_bf16: DenseFn<u16>,
    pub lif_step_bf16: LifFn<u16>,
    pub stdp_bf16: StdpFn<u16>,
    pub block_sums_bf16: BlockSumsFn<u16>,
    /// LIF, STDP and the block sums of one part of the population (one thread's columns,
    /// issue 29), in the same form as `lif_step`, `stdp` and `block_sums`, in both storages.
    pub lif_step_part: LifPartFn,
    pub stdp_part: StdpPartFn,
    pub block_sums_part: BlockSumsPartFn,
    pub lif_step_part_bf16: LifPartFn<u16>,
    pub stdp_part_bf16: StdpPartFn<u16>,
    pub block_sums_part_bf16: BlockSumsPartFn<u16>,
    pub probe_read: ProbeReadFn,
    pub probe_mul_add: ProbeMulAddFn,
}

impl std::fmt::Debug for Kernels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.backend)
    }
}

/// The SIMD source instantiated on lane type `V`.
const fn lanes<V: F32Lanes>(name: &'static str) -> Kernels {
    Kernels {
        name,
        backend: V::BACKEND,
        act_apply: activation::apply_lanes::<V>,
        dense: dense::dense_lanes::<V, f32>,
        dense_bf16: dense::dense_lanes::<V, u16>,
        dense_batch: dense::dense_batch_lanes::<V, false>,
        lif_step: lif::lif_step_lanes::<V, f32>,
        stdp: stdp::stdp_lanes::<V, f32>,
        efficiency: efficiency::efficiency_lanes::<V::Mask>,
        block_sums: blocks::block_sums_lanes::<V, f32>,
        lif_step_part: lif::lif_step_part_lanes::<V, f32>,
        stdp_part: stdp::stdp_part_lanes::<V, f32>,
        block_sums_part: blocks::block_sums_part_lanes::<V, f32>,
        lif_step_part_bf16: lif::lif_step_part_lanes::<V, u16>,
        stdp_part_bf16: stdp::stdp_part_lanes::<V, u16>,
        block_sums_part_bf16: blocks::block_sums_part_lanes::<V, u16>,
        lif_step_bf16: lif::lif_step_lanes::<V, u16>,
        stdp_bf16: stdp::stdp_lanes::<V, u16>,
        block_sums_bf16: blocks::block_sums_lanes::<V, u16>,
        probe_read: probe::probe_read_lanes::<V>,
        probe_mul_add: probe::probe_mul_add_lanes::<V>,
    }
}

/// The best scalar code per kernel, chosen by measurement in the scalar wasm module (V8,
/// full benchmark set, one run; README "What differs between scalar and SIMD"):
/// - activations and dense: the lane source on arrays. Branch-free selects and 8–16
///   independent accumulators help scalar code too: activations 1.4–1.8× faster than the
///   branchy scalar loop, dense 1.3–1.7× faster than a one-accumulator loop.
/// - LIF, STDP, efficiency, block sums: plain loops, whose early exits and skipped zero
///   weights beat the lane source by 5–24 % in scalar code.
const SCALAR: Kernels = Kernels {
    name: "scalar",
    backend: "scalar",
    act_apply: activation::apply_lanes::<array::F32x4>,
    dense: dense::dense_lanes::<array::F32x4, f32>,
    dense_bf16: dense::dense_lanes::<array::F32x4, u16>,
    dense_batch: dense::dense_batch_lanes::<array::F32x4, false>,
    lif_step: lif::lif_step_scalar,
    stdp: stdp::stdp_scalar,
    efficiency: efficiency::efficiency_scalar,
    block_sums: blocks::block_sums_scalar,
    lif_step_part: lif::lif_step_part_scalar,
    stdp_part: stdp::stdp_part_scalar,
    block_sums_part: blocks::block_sums_part_scalar,
    lif_step_part_bf16: lif::lif_step_part_scalar,
    stdp_part_bf16: stdp::stdp_part_scalar,
    block_sums_part_bf16: blocks::block_sums_part_scalar,
    lif_step_bf16: lif::lif_step_scalar,
    stdp_bf16: stdp::stdp_scalar,
    block_sums_bf16: blocks::block_sums_scalar,
    // The probes measure what the module's code can reach: the lane source on arrays, as
    // dense uses (independent accumulators are the point of both).
    probe_read: probe::probe_read_lanes::<array::F32x4>,
    probe_mul_add: probe::probe_mul_add_lanes::<array::F32x4>,
};

const GENERIC: Kernels = lanes::<array::F32x4>("generic");

#[cfg(any(target_feature = "simd128", target_arch = "x86_64"))]
const SIMD: Option<Kernels> = Some(lanes::<crate::simd::F32x4>("simd"));
#[cfg(not(any(target_feature = "simd128", target_arch = "x86_64")))]
const SIMD: Option<Kernels> = None;

/// What this build's kernel module runs.
pub const BEST: Kernels = match SIMD {
    Some(k) => k,
    None => SCALAR,
};

/// The kernels that have more than one form in every build, in the order of their index in
/// the `variant_select` export (kernels/ABI.md "Kernel forms").
pub const VARIANT_KERNELS: [&str; 5] = [
    "lif_step",
    "stdp",
    "efficiency",
    "block_sums",
    "dense_batch",
];
/// How many kernels have forms (the length of every per-kernel forms array).
pub const VARIANTS: usize = VARIANT_KERNELS.len();
/// Each kernel's forms, by index, in [`VARIANT_KERNELS`] order. For the first four, `lanes` is
/// the SIMD source on this build's lanes (vectors in the SIMD modules, arrays in the scalar
/// one) and `loop` the plain loop with early exits and skipped zero weights; for the batched
/// GEMM, `broadcast` splats each input value from memory and `shuffle` loads four values and
/// broadcasts each lane by a shuffle. A kernel's forms compute the same bits (the conformance
/// suite checks every table, the other-forms one included); which is faster depends on the
/// CPU and the engine, so the modules pick per kernel at load (the page's calibration).
pub const FORMS: [[&str; 2]; VARIANTS] = [
    ["lanes", "loop"],
    ["lanes", "loop"],
    ["lanes", "loop"],
    ["lanes", "loop"],
    ["broadcast", "shuffle"],
];

/// The index of form `name` of kernel `kernel` (an index into [`VARIANT_KERNELS`]).
pub fn form_index(kernel: usize, name: &str) -> Option<usize> {
    FORMS.get(kernel)?.iter().position(|f| *f == name)
}

/// The name of form `form` of kernel `kernel`.
pub fn form_name(kernel: usize, form: usize) -> Option<&'static str> {
    FORMS.get(kernel)?.get(form).copied()
}

/// The lanes table of this build: the SIMD source on its vectors, or on arrays without them.
const LANES: Kernels = match SIMD {
    Some(k) => k,
    None => GENERIC,
};

/// `k` with kernel `kernel` (an index into [`VARIANT_KERNELS`]) in form `form` (an index into
/// [`FORMS`]); `None` for an index out of range.
pub fn with_form(k: Kernels, kernel: usize, form: usize) -> Option<Kernels> {
    let lanes = form == 0;
    if form >= FORMS.get(kernel)?.len() {
        return None;
    }
    let mut k = k;
    // The table whose form this is, for the kernels whose forms are `lanes` and `loop`: a
    // form applies to every storage and to the parts alike.
    let src = if lanes { LANES } else { SCALAR };
    match kernel {
        0 => {
            k.lif_step = src.lif_step;
            k.lif_step_bf16 = src.lif_step_bf16;
            k.lif_step_part = src.lif_step_part;
            k.lif_step_part_bf16 = src.lif_step_part_bf16;
        }
        1 => {
            k.stdp = src.stdp;
            k.stdp_bf16 = src.stdp_bf16;
            k.stdp_part = src.stdp_part;
            k.stdp_part_bf16 = src.stdp_part_bf16;
        }
        2 => k.efficiency = src.efficiency,
        3 => {
            k.block_sums = src.block_sums;
            k.block_sums_bf16 = src.block_sums_bf16;
            k.block_sums_part = src.block_sums_part;
            k.block_sums_part_bf16 = src.block_sums_part_bf16;
        }
        // The GEMM on this build's lanes (vectors, or arrays without them) in either form.
        4 => {
            k.dense_batch = if lanes {
                dense::dense_batch_lanes::<crate::simd::F32x4, false>
            } else {
                dense::dense_batch_lanes::<crate::simd::F32x4, true>
            }
        }
        _ => return None,
    }
    Some(k)
}

/// The form [`BEST`] runs each kernel of [`VARIANT_KERNELS`] in: `lanes` where the build has
/// SIMD, `loop` in the scalar build (what [`scalar()`] chose by measurement); the GEMM in
/// `broadcast` in every build.
pub const BEST_FORMS: [usize; VARIANTS] = if SIMD.is_some() {
    [0, 0, 0, 0, 0]
} else {
    [1, 1, 1, 1, 0]
};

pub fn scalar() -> Kernels {
    SCALAR
}
pub fn generic() -> Kernels {
    GENERIC
}
pub fn simd() -> Option<Kernels> {
    SIMD
}
pub fn best() -> Kernels {
    BEST
}
/// Every table this build can run (scalar, generic, and simd where present), and the best
/// table with every kernel that has forms in its other form ("simd, other forms" or "scalar,
/// other forms"), so the suite runs each form a module can select.
pub fn all() -> Vec<Kernels> {
    let mut v = vec![SCALAR, GENERIC];
    v.extend(SIMD);
    let mut other = BEST;
    for (kernel, best) in BEST_FORMS.iter().enumerate() {
        other = with_form(other, kernel, 1 - best).unwrap_or(other);
    }
    // "simd…" where it is the SIMD table (the conformance suite lets those fuse).
    other.name = if SIMD.is_some() {
        "simd, other forms"
    } else {
        "scalar, other forms"
    };
    v.push(other);
    v
}

/// What this build is: 0 scalar, 1 SIMD128, 2 relaxed SIMD (native builds report 1).
pub const TIER: u32 = if cfg!(target_feature = "relaxed-simd") {
    2
} else if cfg!(any(target_feature = "simd128", target_arch = "x86_64")) {
    1
} else {
    0
};
