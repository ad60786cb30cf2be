//! The C ABI of the kernel modules (`kernels/ABI.md`): allocation, and one export per kernel
//! over the module's own memory. Every pointer/length pair is checked against the live
//! allocations (`registry.rs`) and for aliasing before any write, so bad input returns an
//! error code and never traps or corrupts memory. Only compiled for wasm32 with `ffi`.
use crate::activation::Activation;
use crate::dispatch::BEST;
use crate::error::KernelError;
use crate::lif::{LifParams, LifState};
use crate::registry::{disjoint, Region, Registry};
use crate::stdp::StdpParams;
use crate::{dispatch, efficiency, rng};
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::sync::Mutex;

static REGISTRY: Mutex<Registry> = Mutex::new(Registry::new());

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

#[no_mangle]
pub extern "C" fn rng_fill_uniform(seed: u32, out: u32, out_len: u32, lo: f32, hi: f32) -> i32 {
    code((|| {
        if !lo.is_finite() || !hi.is_finite() {
            return Err(KernelError::BadArgument);
        }
        let o = region(out, out_len, 4)?;
        // SAFETY: the one slice of this call, checked by `region`.
        rng::fill_uniform(seed, unsafe { slice_mut(o) }, lo, hi);
        Ok(0)
    })())
}

#[no_mangle]
pub extern "C" fn act_apply(kind: u32, x: u32, len: u32) -> i32 {
    code((|| {
        let act = Activation::from_u32(kind).ok_or(KernelError::BadArgument)?;
        let r = region(x, len, 4)?;
        // SAFETY: the one slice of this call, checked by `region`.
        (BEST.act_apply)(act, unsafe { slice_mut(r) });
        Ok(0)
    })())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn dense_forward(
    w: u32,
    wl: u32,
    x: u32,
    xl: u32,
    b: u32,
    bl: u32,
    y: u32,
    yl: u32,
    m: u32,
    n: u32,
    act: u32,
) -> i32 {
    dense_batch_forward(w, wl, x, xl, b, bl, y, yl, m, n, 1, act)
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn dense_batch_forward(
    w: u32,
    wl: u32,
    xs: u32,
    xl: u32,
    b: u32,
    bl: u32,
    ys: u32,
    yl: u32,
    m: u32,
    n: u32,
    batch: u32,
    act: u32,
) -> i32 {
    code((|| {
        let act = Activation::from_u32(act).ok_or(KernelError::BadArgument)?;
        let (m, n, batch) = (m as usize, n as usize, batch as usize);
        crate::dense::check(
            wl as usize,
            xl as usize,
            bl as usize,
            yl as usize,
            m,
            n,
            batch,
        )?;
        let (rw, rx, rb, ry) = (
            region(w, wl, 4)?,
            region(xs, xl, 4)?,
            region(b, bl, 4)?,
            region(ys, yl, 4)?,
        );
        disjoint(&[ry], &[rw, rx, rb])?;
        // SAFETY: all four regions are checked; `y` overlaps none of the inputs (`disjoint`),
        // and the inputs are only read, so they may overlap each other.
        let (w, x, b, y) = unsafe { (slice(rw), slice(rx), slice(rb), slice_mut(ry)) };
        if batch == 1 {
            (BEST.dense)(w, x, b, y, m, n, act)?;
        } else {
            (BEST.dense_batch)(w, x, b, y, m, n, batch, act)?;
        }
        Ok(0)
    })())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn lif_step(
    params: u32,
    pl: u32,
    v: u32,
    refr: u32,
    trace: u32,
    syn: u32,
    n: u32,
    w: u32,
    wl: u32,
    prev: u32,
    n_prev: u32,
    rng: u32,
    out: u32,
    out_len: u32,
) -> i32 {
    code((|| {
        let rpar = region(params, pl, 4)?;
        // SAFETY: checked, and only read; every output below is checked disjoint from it.
        let p = LifParams::from_slice(unsafe { slice(rpar) })?;
        let (rv, rr, rt, rs) = (
            region(v, n, 4)?,
            region(refr, n, 4)?,
            region(trace, n, 4)?,
            region(syn, n, 4)?,
        );
        let (rw, rp, rg, ro) = (
            region(w, wl, 4)?,
            region(prev, n_prev, 4)?,
            region(rng, 4, 4)?,
            region(out, out_len, 4)?,
        );
        disjoint(&[rv, rr, rt, rs, rg, ro], &[rw, rp, rpar])?;
        // SAFETY: every region is checked; the six outputs overlap each other and the inputs
        // nowhere (`disjoint`); the inputs are only read.
        let (rng_s, w, prev, out): (&mut [u32], &[f32], &[u32], &mut [u32]) =
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
        let r = (BEST.lif_step)(&p, &mut st, w, prev, out);
        // The generator advances only when the step ran (a shape error changes nothing).
        if !matches!(r, Err(e) if e != KernelError::NonFinite) {
            rng_s.copy_from_slice(&lanes);
        }
        r
    })())
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn stdp_update(
    w: u32,
    wl: u32,
    n: u32,
    trace: u32,
    tl: u32,
    spikes: u32,
    ns: u32,
    params: u32,
    pl: u32,
) -> i32 {
    code((|| {
        let rpar = region(params, pl, 4)?;
        // SAFETY: checked, and only read; `w` below is checked disjoint from it.
        let p = StdpParams::from_slice(unsafe { slice(rpar) })?;
        let (rw, rt, rs) = (
            region(w, wl, 4)?,
            region(trace, tl, 4)?,
            region(spikes, ns, 4)?,
        );
        disjoint(&[rw], &[rt, rs, rpar])?;
        // SAFETY: all checked; `w` overlaps none of the inputs, which are only read.
        let (w, t, s) = unsafe { (slice_mut(rw), slice(rt), slice(rs)) };
        (BEST.stdp)(w, n as usize, t, s, &p)
    })())
}

#[no_mangle]
pub extern "C" fn mesh_efficiency(adj: u32, al: u32, n: u32, wpr: u32, out: u32) -> i32 {
    code((|| {
        let (ra, ro) = (region(adj, al, 4)?, region(out, 1, 8)?);
        disjoint(&[ro], &[ra])?;
        // SAFETY: checked; the output region is disjoint from it and not a slice yet.
        let e = (BEST.efficiency)(unsafe { slice(ra) }, n as usize, wpr as usize)?;
        // SAFETY: checked (one f64, 8-byte aligned) and disjoint from `adj`.
        let o: &mut [f64] = unsafe { slice_mut(ro) };
        o[0] = e;
        Ok(0)
    })())
}

#[no_mangle]
pub extern "C" fn block_sums(
    w: u32,
    wl: u32,
    n: u32,
    block: u32,
    first: u32,
    count: u32,
    out: u32,
    out_len: u32,
) -> i32 {
    code((|| {
        let (rw, ro) = (region(w, wl, 4)?, region(out, out_len, 4)?);
        disjoint(&[ro], &[rw])?;
        // SAFETY: both checked; `out` overlaps `w` nowhere (`disjoint`), `w` is only read.
        let (w, o) = unsafe { (slice(rw), slice_mut(ro)) };
        (BEST.block_sums)(
            w,
            n as usize,
            block as usize,
            first as usize,
            count as usize,
            o,
        )?;
        Ok(0)
    })())
}

/// Row stride of the adjacency bit matrix for n nodes, so callers need not repeat the formula.
#[no_mangle]
pub extern "C" fn mesh_words_per_row(n: u32) -> u32 {
    efficiency::words_per_row(n as usize) as u32
}
