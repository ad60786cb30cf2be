//! The C ABI of the kernel modules (`kernels/ABI.md`): allocation, and one export per kernel
//! over the module's own memory. Every pointer/length pair is checked against the live
//! allocations (`registry.rs`) and for aliasing before any write, so bad input returns an
//! error code and never traps or corrupts memory. Only compiled for wasm32 with `ffi`. The
//! kernel exports' signatures come from the one table in `exports.rs`.
use crate::dispatch::{Kernels, BEST};
use crate::error::KernelError;
use crate::ops::activation::Activation;
use crate::ops::efficiency;
use crate::ops::lif::{LifParams, LifState, Part};
use crate::ops::stdp::StdpParams;
use crate::ops::weight::{encode_into, Weight};
use crate::registry::{disjoint, Region, Registry};
use crate::{dispatch, rng};
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::sync::Mutex;

static REGISTRY: Mutex<Registry> = Mutex::new(Registry::new());

/// The table the kernel exports call: [`BEST`] with each kernel of
/// `dispatch::VARIANT_KERNELS` in the form last selected (`variant_select`), and those forms.
static ACTIVE: Mutex<(Kernels, [usize; crate::dispatch::VARIANTS])> =
    Mutex::new((BEST, crate::dispatch::BEST_FORMS));

fn active() -> Kernels {
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).0
}

fn with_registry<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    let mut guard = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

type R = Result<usize, KernelError>;

fn code(r: R) -> i32 {
    match r {
        Ok(v) => i32::try_from(v).unwrap_or(i32::MAX),
        Err(e) => e.code(),
    }
}

fn region(ptr: u32, len: u32, elem: usize) -> Result<Region, KernelError> {
    with_registry(|r| r.check(ptr as usize, len as usize, elem))
}

/// A checked region as a shared slice of `T`.
///
/// # Safety
/// `r` came from [`region`] with `elem == size_of::<T>()` (so it lies inside one live
/// allocation and is aligned for `T`), and no `&mut` slice overlapping it is alive while the
/// returned slice is. Callers guarantee the latter by running [`disjoint`] over every output
/// region against every other region before making any slice.
unsafe fn slice<'a, T>(r: Region) -> &'a [T] {
    let len = (r.end - r.start) / std::mem::size_of::<T>();
    if len == 0 {
        return &[];
    }
    // SAFETY: per this function's contract the bytes are live, initialised (allocations are
    // zero-filled; f32/u32 accept every bit pattern), aligned and not mutably aliased.
    unsafe { std::slice::from_raw_parts(r.start as *const T, len) }
}

/// A checked region as an exclusive slice of `T`.
///
/// # Safety
/// As for [`slice`], and `r` overlaps no other slice alive at the same time (an output
/// region that [`disjoint`] accepted).
unsafe fn slice_mut<'a, T>(r: Region) -> &'a mut [T] {
    let len = (r.end - r.start) / std::mem::size_of::<T>();
    if len == 0 {
        return &mut [];
    }
    // SAFETY: per this function's contract the bytes are live, initialised, aligned and
    // overlap no other live slice.
    unsafe { std::slice::from_raw_parts_mut(r.start as *mut T, len) }
}

/// `bytes` zero-filled, 16-byte aligned bytes, or 0. Never traps: over [`MAX_ALLOC`](crate::registry::MAX_ALLOC), or when
/// the memory cannot grow (wasm32's 4 GiB, the engine's limit), the answer is 0 and the
/// module stays usable. The registry reserves its own entry before the bytes are requested
/// (`Registry::alloc`), so nothing allocates infallibly while the registry lock is held.
#[no_mangle]
pub extern "C" fn sasi_alloc(bytes: u32) -> u32 {
    let p = with_registry(|r| {
        r.alloc(bytes as usize, |bytes| {
            let layout = Layout::from_size_align(bytes, 16).ok()?;
            // SAFETY: `Registry::alloc` calls this only with 0 < bytes <= MAX_ALLOC, so the
            // layout has a non-zero size.
            let p = unsafe { alloc_zeroed(layout) };
            (!p.is_null()).then_some(p as usize)
        })
    });
    // wasm32: usize is u32, so the address is never truncated.
    p as u32
}

#[no_mangle]
pub extern "C" fn sasi_free(ptr: u32, bytes: u32) -> i32 {
    match with_registry(|r| r.remove(ptr as usize, bytes as usize)) {
        Ok(()) => {
            // SAFETY: this exact (ptr, size) came from sasi_alloc with align 16 and is live.
            unsafe {
                dealloc(
                    ptr as usize as *mut u8,
                    Layout::from_size_align_unchecked(bytes as usize, 16),
                )
            };
            0
        }
        Err(e) => e.code(),
    }
}

#[no_mangle]
pub extern "C" fn sasi_tier() -> u32 {
    dispatch::TIER
}

#[no_mangle]
pub extern "C" fn sasi_abi_version() -> u32 {
    crate::ABI_VERSION
}

/// Bytes in live allocations (the memory itself only grows; this says how much is in use).
#[no_mangle]
pub extern "C" fn sasi_allocated_bytes() -> u32 {
    with_registry(|r| r.allocated_bytes()) as u32
}

/// What a function in [`call`] answers: a kernel's result, or (an export that is a special case
/// of another) that export's code.
trait Answer {
    fn code(self) -> i32;
}
impl Answer for R {
    fn code(self) -> i32 {
        code(self)
    }
}
impl Answer for i32 {
    fn code(self) -> i32 {
        self
    }
}

/// The kernel exports, from the one table (`exports.rs`): each `extern "C" fn` hands its
/// arguments, by name, to the function of the same name in [`call`], and turns its result into
/// the `i32` of the contract. The memory exports above are written by hand; their signatures are
/// checked against the table here.
macro_rules! c_exports {
    (
        memory { $(
            $mname:ident ( $( $marg:ident : $mkind:ident $(<$melem:ident>)? $([$mlen:tt])? ),* ) -> $mret:ident;
        )* }
        $( $group:ident { $(
            $name:ident ( $( $arg:ident : $kind:ident $(<$elem:ident>)? $([$len:tt])? ),* ) -> $ret:ident;
        )* } )*
    ) => {
        $( const _: extern "C" fn($($crate::exports::wasm::$mkind),*) -> $mret = $mname; )*

        /// Each kernel export's arguments, as declared. One that a kernel's function does not
        /// read (a reserved or not yet used argument) is the contract's business, so no
        /// dead-code warning: adding an argument to the table does not force an edit here.
        #[allow(non_camel_case_types, dead_code)]
        mod args {
            $($( pub struct $name { $( pub $arg: $crate::exports::wasm::$kind, )* } )*)*
        }

        $($(
            #[no_mangle]
            #[allow(clippy::too_many_arguments)]
            pub extern "C" fn $name($( $arg: $crate::exports::wasm::$kind ),*) -> $ret {
                Answer::code(call::$name(args::$name { $( $arg ),* }))
            }
        )*)*
    };
}
crate::for_each_export!(c_exports);

/// One function per kernel or model export: check the regions (and `disjoint`), then call the
/// kernel (or the model's set-up).
mod call {
    use super::*;

    /// `lif_step`'s arguments from a twin export's (`lif_step_bf16`, the part exports), which
    /// carries the same buffers under the same names; `$n` is the state's length.
    macro_rules! lif_args {
        ($a:ident, $n:expr) => {
            args::lif_step {
                params: $a.params,
                params_len: $a.params_len,
                v: $a.v,
                refr: $a.refr,
                trace: $a.trace,
                syn: $a.syn,
                n: $n,
                w: $a.w,
                w_len: $a.w_len,
                prev: $a.prev,
                n_prev: $a.n_prev,
                rng: $a.rng,
                out: $a.out,
                out_len: $a.out_len,
            }
        };
    }

    /// `stdp_update`'s arguments from a twin export's (`stdp_update_bf16`, the part exports).
    macro_rules! stdp_args {
        ($a:ident) => {
            args::stdp_update {
                w: $a.w,
                w_len: $a.w_len,
                n: $a.n,
                trace: $a.trace,
                trace_len: $a.trace_len,
                spikes: $a.spikes,
                n_spikes: $a.n_spikes,
                params: $a.params,
                params_len: $a.params_len,
            }
        };
    }

    pub(super) fn rng_fill_uniform(a: args::rng_fill_uniform) -> R {
        if !a.lo.is_finite() || !a.hi.is_finite() {
            return Err(KernelError::BadArgument);
        }
        let o = region(a.out, a.out_len, 4)?;
        // SAFETY: the one slice of this call, checked by `region`.
        rng::fill_uniform(a.seed, unsafe { slice_mut(o) }, a.lo, a.hi);
        Ok(0)
    }

    pub(super) fn act_apply(a: args::act_apply) -> R {
        let act = Activation::from_u32(a.kind).ok_or(KernelError::BadArgument)?;
        let r = region(a.x, a.len, 4)?;
        // SAFETY: the one slice of this call, checked by `region`.
        (active().act_apply)(act, unsafe { slice_mut(r) });
        Ok(0)
    }

    /// `dense_batch_forward` with `batch = 1`: a call of that export, as it always was (one
    /// copy of its body in the module).
    pub(super) fn dense_forward(a: args::dense_forward) -> i32 {
        super::dense_batch_forward(
            a.w, a.w_len, a.x, a.x_len, a.b, a.b_len, a.y, a.y_len, a.m, a.n, 1, a.act,
        )
    }

    /// Matrix × vector on bfloat16 weights (`ops::weight`).
    pub(super) fn dense_forward_bf16(a: args::dense_forward_bf16) -> R {
        let act = Activation::from_u32(a.act).ok_or(KernelError::BadArgument)?;
        let (m, n) = (a.m as usize, a.n as usize);
        crate::ops::dense::check(
            a.w_len as usize,
            a.x_len as usize,
            a.b_len as usize,
            a.y_len as usize,
            m,
            n,
            1,
        )?;
        let (rw, rx, rb, ry) = (
            region(a.w, a.w_len, 2)?,
            region(a.x, a.x_len, 4)?,
            region(a.b, a.b_len, 4)?,
            region(a.y, a.y_len, 4)?,
        );
        disjoint(&[ry], &[rw, rx, rb])?;
        // SAFETY: all four regions are checked; `y` overlaps none of the inputs (`disjoint`),
        // and the inputs are only read, so they may overlap each other.
        let (w, x, b, y): (&[u16], &[f32], &[f32], &mut [f32]) =
            unsafe { (slice(rw), slice(rx), slice(rb), slice_mut(ry)) };
        (active().dense_bf16)(w, x, b, y, m, n, act)?;
        Ok(0)
    }

    pub(super) fn dense_batch_forward(a: args::dense_batch_forward) -> R {
        let act = Activation::from_u32(a.act).ok_or(KernelError::BadArgument)?;
        let (m, n, batch) = (a.m as usize, a.n as usize, a.batch as usize);
        crate::ops::dense::check(
            a.w_len as usize,
            a.xs_len as usize,
            a.b_len as usize,
            a.ys_len as usize,
            m,
            n,
            batch,
        )?;
        let (rw, rx, rb, ry) = (
            region(a.w, a.w_len, 4)?,
            region(a.xs, a.xs_len, 4)?,
            region(a.b, a.b_len, 4)?,
            region(a.ys, a.ys_len, 4)?,
        );
        disjoint(&[ry], &[rw, rx, rb])?;
        // SAFETY: all four regions are checked; `y` overlaps none of the inputs (`disjoint`),
        // and the inputs are only read, so they may overlap each other.
        let (w, x, b, y) = unsafe { (slice(rw), slice(rx), slice(rb), slice_mut(ry)) };
        if batch == 1 {
            (active().dense)(w, x, b, y, m, n, act)?;
        } else {
            (active().dense_batch)(w, x, b, y, m, n, batch, act)?;
        }
        Ok(0)
    }

    pub(super) fn lif_step(a: args::lif_step) -> R {
        lif_step_of::<f32>(a, active().lif_step)
    }

    pub(super) fn lif_step_bf16(a: args::lif_step_bf16) -> R {
        let a = lif_args!(a, a.n);
        lif_step_of::<u16>(a, active().lif_step_bf16)
    }

    /// `lif_step` on weights stored as `W`, run by `step`. `a.n` is the state's length (the
    /// part's width for the part exports).
    fn lif_step_of<W: Weight>(
        a: args::lif_step,
        step: impl FnOnce(&LifParams, &mut LifState<'_>, &[W], &[u32], &mut [u32]) -> R,
    ) -> R {
        let rpar = region(a.params, a.params_len, 4)?;
        // SAFETY: checked, and only read; every output below is checked disjoint from it.
        let p = LifParams::from_slice(unsafe { slice(rpar) })?;
        let (rv, rr, rt, rs) = (
            region(a.v, a.n, 4)?,
            region(a.refr, a.n, 4)?,
            region(a.trace, a.n, 4)?,
            region(a.syn, a.n, 4)?,
        );
        let (rw, rp, rg, ro) = (
            region(a.w, a.w_len, size_of::<W>())?,
            region(a.prev, a.n_prev, 4)?,
            region(a.rng, 4, 4)?,
            region(a.out, a.out_len, 4)?,
        );
        disjoint(&[rv, rr, rt, rs, rg, ro], &[rw, rp, rpar])?;
        // SAFETY: every region is checked; the six outputs overlap each other and the inputs
        // nowhere (`disjoint`); the inputs are only read.
        let (rng_s, w, prev, out): (&mut [u32], &[W], &[u32], &mut [u32]) =
            unsafe { (slice_mut(rg), slice(rw), slice(rp), slice_mut(ro)) };
        let mut lanes = [rng_s[0], rng_s[1], rng_s[2], rng_s[3]];
        // SAFETY: as above.
        let mut st = unsafe {
            LifState {
                v: slice_mut(rv),
                refr: slice_mut(rr),
                trace: slice_mut(rt),
                syn: slice_mut(rs),
                rng: &mut lanes,
            }
        };
        let r = step(&p, &mut st, w, prev, out);
        // The generator advances only when the step ran (a shape error changes nothing).
        if !matches!(r, Err(e) if e != KernelError::NonFinite) {
            rng_s.copy_from_slice(&lanes);
        }
        r
    }

    pub(super) fn stdp_update(a: args::stdp_update) -> R {
        let n = a.n as usize;
        stdp_update_of::<f32>(a, |w, t, s, p| (active().stdp)(w, n, t, s, p))
    }

    pub(super) fn stdp_update_bf16(a: args::stdp_update_bf16) -> R {
        let a = stdp_args!(a);
        let n = a.n as usize;
        stdp_update_of::<u16>(a, |w, t, s, p| (active().stdp_bf16)(w, n, t, s, p))
    }

    /// `stdp_update` on weights stored as `W`, run by `update`.
    fn stdp_update_of<W: Weight>(
        a: args::stdp_update,
        update: impl FnOnce(&mut [W], &[f32], &[u32], &StdpParams) -> R,
    ) -> R {
        let rpar = region(a.params, a.params_len, 4)?;
        // SAFETY: checked, and only read; `w` below is checked disjoint from it.
        let p = StdpParams::from_slice(unsafe { slice(rpar) })?;
        let (rw, rt, rs) = (
            region(a.w, a.w_len, size_of::<W>())?,
            region(a.trace, a.trace_len, 4)?,
            region(a.spikes, a.n_spikes, 4)?,
        );
        disjoint(&[rw], &[rt, rs, rpar])?;
        // SAFETY: all checked; `w` overlaps none of the inputs, which are only read.
        let (w, t, s) = unsafe { (slice_mut(rw), slice(rt), slice(rs)) };
        update(w, t, s, &p)
    }

    pub(super) fn mesh_efficiency(a: args::mesh_efficiency) -> R {
        let (ra, ro) = (region(a.adj, a.adj_len, 4)?, region(a.out, 1, 8)?);
        disjoint(&[ro], &[ra])?;
        // SAFETY: checked; the output region is disjoint from it and not a slice yet.
        let e =
            (active().efficiency)(unsafe { slice(ra) }, a.n as usize, a.words_per_row as usize)?;
        // SAFETY: checked (one f64, 8-byte aligned) and disjoint from `adj`.
        let o: &mut [f64] = unsafe { slice_mut(ro) };
        o[0] = e;
        Ok(0)
    }

    pub(super) fn block_sums(a: args::block_sums) -> R {
        let (n, block) = (a.n as usize, a.block as usize);
        let (first, count) = (a.first as usize, a.count as usize);
        block_sums_of::<f32>((a.w, a.w_len), (a.out, a.out_len), |w, o| {
            (active().block_sums)(w, n, block, first, count, o)
        })
    }

    pub(super) fn block_sums_bf16(a: args::block_sums_bf16) -> R {
        let (n, block) = (a.n as usize, a.block as usize);
        let (first, count) = (a.first as usize, a.count as usize);
        block_sums_of::<u16>((a.w, a.w_len), (a.out, a.out_len), |w, o| {
            (active().block_sums_bf16)(w, n, block, first, count, o)
        })
    }

    /// The part `first..first + width` of `n` neurons, as the kernels take it.
    fn part_of(n: u32, first: u32, width: u32) -> Part {
        Part {
            n: n as usize,
            first: first as usize,
            width: width as usize,
        }
    }

    /// The block sums of the columns `first..first + width` of `n` (`ops::blocks`' parts): W
    /// the part's `n × width` columns, whole agents; only the entries of the source agents
    /// `src_first..src_first + src_count` and the part's target agents are written.
    pub(super) fn block_sums_part(a: args::block_sums_part) -> R {
        let part = part_of(a.n, a.first, a.width);
        let (block, first, count) = (a.block as usize, a.src_first as usize, a.src_count as usize);
        block_sums_of::<f32>((a.w, a.w_len), (a.out, a.out_len), |w, o| {
            (active().block_sums_part)(w, block, first, count, o, part)
        })
    }

    /// `block_sums_part` on bfloat16 weights (`ops::weight`): the part's `n × width` columns
    /// stored as u16.
    pub(super) fn block_sums_part_bf16(a: args::block_sums_part_bf16) -> R {
        let part = part_of(a.n, a.first, a.width);
        let (block, first, count) = (a.block as usize, a.src_first as usize, a.src_count as usize);
        block_sums_of::<u16>((a.w, a.w_len), (a.out, a.out_len), |w, o| {
            (active().block_sums_part_bf16)(w, block, first, count, o, part)
        })
    }

    /// A block-sums call on weights stored as `W` at `(w, w_len)`, into the f32
    /// `(out, out_len)`, run by `sums` once both are checked.
    fn block_sums_of<W: Weight>(
        (w_at, w_len): (u32, u32),
        (out_at, out_len): (u32, u32),
        sums: impl FnOnce(&[W], &mut [f32]) -> Result<(), KernelError>,
    ) -> R {
        let (rw, ro) = (
            region(w_at, w_len, size_of::<W>())?,
            region(out_at, out_len, 4)?,
        );
        disjoint(&[ro], &[rw])?;
        // SAFETY: both checked; `out` overlaps `w` nowhere (`disjoint`), `w` is only read.
        let (w, o): (&[W], &mut [f32]) = unsafe { (slice(rw), slice_mut(ro)) };
        sums(w, o)?;
        Ok(0)
    }

    /// `out[i]` = `x[i]` rounded to bfloat16 (`ops::weight`): how f32 weights enter the
    /// 16-bit storage.
    pub(super) fn weights_to_bf16(a: args::weights_to_bf16) -> R {
        let (rx, ro) = (region(a.x, a.len, 4)?, region(a.out, a.len, 2)?);
        disjoint(&[ro], &[rx])?;
        // SAFETY: both checked; `out` overlaps `x` nowhere (`disjoint`), `x` is only read.
        let (x, o): (&[f32], &mut [u16]) = unsafe { (slice(rx), slice_mut(ro)) };
        encode_into(x, o);
        Ok(0)
    }

    pub(super) fn probe_read(a: args::probe_read) -> R {
        let (rx, ro) = (region(a.x, a.len, 4)?, region(a.out, 1, 4)?);
        disjoint(&[ro], &[rx])?;
        // SAFETY: both checked; `out` overlaps `x` nowhere (`disjoint`), `x` is only read.
        let (x, o) = unsafe { (slice(rx), slice_mut::<f32>(ro)) };
        o[0] = (active().probe_read)(x);
        Ok(0)
    }

    pub(super) fn probe_mul_add(a: args::probe_mul_add) -> R {
        let racc = region(a.acc, crate::ops::probe::MUL_ADD_LANES as u32, 4)?;
        // SAFETY: checked; the only buffer of the call.
        let acc = unsafe { slice_mut(racc) };
        (active().probe_mul_add)(a.iters as usize, a.a, a.b, acc)?;
        Ok(0)
    }

    /// The app's seeded initial network (`model::initial_network`, the code `Sim::seeded`
    /// runs in the app): what the benchmark worker's sweep builds each size from.
    pub(super) fn model_network(a: args::model_network) -> R {
        network_columns::<f32>(a.n, a.per, a.seed, (0, a.n), (a.w, a.w_len), a.v, a.lanes)
    }

    /// The same network's columns `first..first + width` only (`n × width`, the layout of the
    /// part kernels): a thread seeds its part without the N² weights ever in its memory.
    pub(super) fn model_network_part(a: args::model_network_part) -> R {
        let part = (a.first, a.width);
        network_columns::<f32>(a.n, a.per, a.seed, part, (a.w, a.w_len), a.v, a.lanes)
    }

    /// `model_network_part` with the columns rounded to bfloat16 as they are written (the
    /// rounding of `weights_to_bf16`): a thread that runs bf16 weights never holds f32 columns.
    pub(super) fn model_network_part_bf16(a: args::model_network_part_bf16) -> R {
        let part = (a.first, a.width);
        network_columns::<u16>(a.n, a.per, a.seed, part, (a.w, a.w_len), a.v, a.lanes)
    }

    /// `model::initial_network_columns`: each row's columns `first..first + width` written to
    /// `w` (`n × width`) stored as `W`; every row is drawn, so the bits are the whole
    /// network's (rounded, for bf16).
    fn network_columns<W: Weight>(
        n: u32,
        per: u32,
        seed: u32,
        (first, width): (u32, u32),
        (w_at, w_len): (u32, u32),
        v_at: u32,
        lanes_at: u32,
    ) -> R {
        let (nu, per, first, width) = (n as usize, per as usize, first as usize, width as usize);
        if nu == 0 || per == 0 || width == 0 {
            return Err(KernelError::ZeroSize);
        }
        if first.checked_add(width).is_none_or(|end| end > nu) {
            return Err(KernelError::BadArgument);
        }
        if nu.checked_mul(width) != Some(w_len as usize) {
            return Err(KernelError::LengthMismatch);
        }
        let (rw, rv, rl) = (
            region(w_at, w_len, size_of::<W>())?,
            region(v_at, n, 4)?,
            region(lanes_at, 4, 4)?,
        );
        disjoint(&[rw, rv, rl], &[])?;
        // SAFETY: the three regions are checked and overlap each other nowhere (`disjoint`).
        let (w, v, lanes): (&mut [W], &mut [f32], &mut [u32]) =
            unsafe { (slice_mut(rw), slice_mut(rv), slice_mut(rl)) };
        let mut rng = rng::Rng::new(seed);
        let (v0, lanes0) =
            crate::model::initial_network_columns(nu, per, &mut rng, (first, width), w);
        v.copy_from_slice(&v0);
        lanes.copy_from_slice(&lanes0);
        Ok(0)
    }

    /// LIF for the neurons `first..first + width` of `n` (`ops::lif` "Parts"): the state
    /// buffers are the part's, W its `n × width` columns, `prev` the whole last step's spikes;
    /// `out` receives the part's spikes as neuron indices of the whole population. The checks
    /// of `lif_step` with the state `width` long.
    pub(super) fn lif_step_part(a: args::lif_step_part) -> R {
        let part = part_of(a.n, a.first, a.width);
        lif_step_of::<f32>(lif_args!(a, a.width), |p, st, w, prev, out| {
            (active().lif_step_part)(p, st, w, prev, out, part)
        })
    }

    /// `lif_step_part` on bfloat16 weights: the part's `n × width` columns stored as u16.
    pub(super) fn lif_step_part_bf16(a: args::lif_step_part_bf16) -> R {
        let part = part_of(a.n, a.first, a.width);
        lif_step_of::<u16>(lif_args!(a, a.width), |p, st, w, prev, out| {
            (active().lif_step_part_bf16)(p, st, w, prev, out, part)
        })
    }

    /// STDP of the columns `first..first + width` of `n` (`ops::stdp`'s parts): W the part's
    /// `n × width` columns, `trace` all `n` traces, `spikes` the whole step's list.
    pub(super) fn stdp_update_part(a: args::stdp_update_part) -> R {
        let part = part_of(a.n, a.first, a.width);
        stdp_update_of::<f32>(stdp_args!(a), |w, t, s, p| {
            (active().stdp_part)(w, t, s, p, part)
        })
    }

    /// `stdp_update_part` on bfloat16 weights: each store rounded (`ops::weight`).
    pub(super) fn stdp_update_part_bf16(a: args::stdp_update_part_bf16) -> R {
        let part = part_of(a.n, a.first, a.width);
        stdp_update_of::<u16>(stdp_args!(a), |w, t, s, p| {
            (active().stdp_part_bf16)(w, t, s, p, part)
        })
    }

    /// Selects the form a kernel runs in (`dispatch::with_form`).
    pub(super) fn variant_select(a: args::variant_select) -> R {
        let mut guard = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        let (kernel, form) = (a.kernel as usize, a.form as usize);
        let table =
            crate::dispatch::with_form(guard.0, kernel, form).ok_or(KernelError::BadArgument)?;
        guard.0 = table;
        guard.1[kernel] = form;
        Ok(0)
    }

    /// The form a kernel runs in now.
    pub(super) fn variant_form(a: args::variant_form) -> R {
        let guard = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .1
            .get(a.kernel as usize)
            .copied()
            .ok_or(KernelError::BadArgument)
    }

    /// The app's LIF parameters at a drive (`model::lif_params`) and its plasticity rule's
    /// (`model::stdp_params`), as the kernels take them.
    pub(super) fn model_params(a: args::model_params) -> R {
        if !a.drive_hz.is_finite() || a.drive_hz < 0.0 {
            return Err(KernelError::BadArgument);
        }
        let (rl, rs) = (
            region(a.lif, crate::ops::lif::PARAMS_LEN as u32, 4)?,
            region(a.stdp, crate::ops::stdp::PARAMS_LEN as u32, 4)?,
        );
        disjoint(&[rl, rs], &[])?;
        // SAFETY: both regions are checked and overlap nowhere (`disjoint`).
        let (lif, stdp): (&mut [f32], &mut [f32]) = unsafe { (slice_mut(rl), slice_mut(rs)) };
        lif.copy_from_slice(&crate::model::lif_params(a.drive_hz).to_array());
        stdp.copy_from_slice(&crate::model::stdp_params().to_array());
        Ok(0)
    }
}

/// Row stride of the adjacency bit matrix for n nodes, so callers need not repeat the formula.
#[no_mangle]
pub extern "C" fn mesh_words_per_row(n: u32) -> u32 {
    efficiency::words_per_row(n as usize) as u32
}
