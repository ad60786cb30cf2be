//! One kernel tier, whichever it is: the app calls `Tier`'s methods and never cares whether a
//! wasm module (scalar, SIMD128, relaxed SIMD) or the plain-JS module answers.
use crate::tiers::bridge::{self, KernelExports};
use js_sys::{Float32Array, Float64Array, Uint16Array, Uint32Array};
use sasi_kernels::error::KernelError;
use sasi_kernels::ops::activation::Activation;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// The four tiers, in the order of the tier selector (keys 1–4). Crosses to and from the
/// benchmark worker as its key (`"js"`, `"scalar"`, `"simd"`, `"relaxed"`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TierKind {
    Js,
    Scalar,
    Simd,
    Relaxed,
}

impl TierKind {
    pub const ALL: [TierKind; 4] = [
        TierKind::Js,
        TierKind::Scalar,
        TierKind::Simd,
        TierKind::Relaxed,
    ];

    /// The value used in URLs, `<option value>` and the benchmark JSON.
    pub const fn key(self) -> &'static str {
        match self {
            TierKind::Js => "js",
            TierKind::Scalar => "scalar",
            TierKind::Simd => "simd",
            TierKind::Relaxed => "relaxed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TierKind::Js => "JavaScript",
            TierKind::Scalar => "WASM scalar",
            TierKind::Simd => "WASM SIMD128",
            TierKind::Relaxed => "WASM relaxed SIMD",
        }
    }

    pub fn from_key(s: &str) -> Option<TierKind> {
        TierKind::ALL.into_iter().find(|t| t.key() == s)
    }

    /// What `sasi_tier()` must answer for a module loaded as this tier.
    pub fn abi_id(self) -> u32 {
        match self {
            TierKind::Scalar => 0,
            TierKind::Simd => 1,
            TierKind::Relaxed => 2,
            TierKind::Js => 3,
        }
    }

    /// Where the module is served, relative to the page (so the app works under a sub-path such
    /// as `https://host/sasi-lab/`); Trunk's pre-build hook puts the wasm modules there. The
    /// page resolves it against its own address (`kernels/js/load.js`), the benchmark worker
    /// against the app's root (`bench-worker.js`).
    pub fn url(self) -> &'static str {
        match self {
            TierKind::Js => "js/tier/abi.js",
            TierKind::Scalar => "kernels/kernels-scalar.wasm",
            TierKind::Simd => "kernels/kernels-simd.wasm",
            TierKind::Relaxed => "kernels/kernels-relaxed.wasm",
        }
    }
}

impl fmt::Display for TierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A kernel call that did not succeed: an error code from the kernel, or a JS exception
/// (a trap, a missing export).
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    Kernel {
        call: &'static str,
        error: KernelError,
    },
    UnknownCode {
        call: &'static str,
        code: i32,
    },
    Thrown {
        call: &'static str,
        message: String,
    },
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Kernel { call, error } => {
                write!(f, "{call}: {} (code {})", error.message(), error.code())
            }
            Fault::UnknownCode { call, code } => write!(f, "{call}: unknown error code {code}"),
            Fault::Thrown { call, message } => write!(f, "{call}: {message}"),
        }
    }
}

/// Turns a kernel's i32 answer into a count or a `Fault`.
pub fn check(call: &'static str, r: Result<i32, wasm_bindgen::JsValue>) -> Result<u32, Fault> {
    match r {
        Ok(code) if code >= 0 => Ok(code as u32),
        Ok(code) => Err(match KernelError::from_code(code) {
            Some(error) => Fault::Kernel { call, error },
            None => Fault::UnknownCode { call, code },
        }),
        Err(e) => Err(Fault::Thrown {
            call,
            message: bridge::js_error_text(&e),
        }),
    }
}

/// Load figures the loader measured for a tier.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LoadTiming {
    pub fetch_ms: f64,
    pub compile_ms: f64,
    pub instantiate_ms: f64,
    pub total_ms: f64,
    pub bytes: f64,
}

/// A loaded tier: its exports and what loading them cost.
pub struct Tier {
    pub kind: TierKind,
    exports: KernelExports,
    pub load: LoadTiming,
    /// The compiled module (wasm tiers), kept to make a fresh instance: a wasm memory never
    /// shrinks, so a tier gives its memory back by being instantiated again ([`Tier::fresh`]).
    module: Option<js_sys::WebAssembly::Module>,
    /// The memory's size when this instance was new.
    pub fresh_bytes: f64,
    /// The kernel forms selected in this instance (`select_forms`), by kernel index, so a
    /// fresh instance runs them too.
    forms: std::cell::Cell<[Option<u32>; sasi_kernels::dispatch::VARIANTS]>,
}

/// An element type a kernel buffer can hold, with its typed-array view.
pub trait Elem: Copy + Default + 'static {
    const BYTES: u32;
    type View: AsRef<js_sys::Object>;
    /// A view of `len` elements at `handle` in the tier's memory (no copy).
    fn view(x: &KernelExports, handle: u32, len: u32) -> Self::View;
    fn copy_in(view: &Self::View, data: &[Self]);
    fn copy_out(view: &Self::View, out: &mut [Self]);
    /// `dst.set(src)`: a copy inside JS, from one module's memory into another's.
    fn copy_view(dst: &Self::View, src: &Self::View);
    /// Elements `begin..end` of a view (no copy). A JS-tier handle is an id, not an address,
    /// so a part of a buffer is always a part of its view, never a view at `handle + offset`.
    fn part(view: &Self::View, begin: u32, end: u32) -> Self::View;
}

macro_rules! elem {
    ($t:ty, $array:ty, $view:ident) => {
        impl Elem for $t {
            const BYTES: u32 = std::mem::size_of::<$t>() as u32;
            type View = $array;
            fn view(x: &KernelExports, handle: u32, len: u32) -> $array {
                bridge::$view(x, handle, len)
            }
            fn copy_in(view: &$array, data: &[$t]) {
                view.copy_from(data)
            }
            fn copy_out(view: &$array, out: &mut [$t]) {
                view.copy_to(out)
            }
            fn copy_view(dst: &$array, src: &$array) {
                dst.set(src, 0)
            }
            fn part(view: &$array, begin: u32, end: u32) -> $array {
                view.subarray(begin, end)
            }
        }
    };
}
elem!(f32, Float32Array, view_f32);
elem!(u32, Uint32Array, view_u32);
elem!(f64, Float64Array, view_f64);
elem!(u16, Uint16Array, view_u16);

/// The N² synaptic weights in a tier's memory, in the run's storage (`kernels/ABI.md` "Weight
/// storage"): f32, or bfloat16 bits. The kernels that read them take the matching export.
pub enum WeightBuf {
    F32(Buf<f32>),
    Bf16(Buf<u16>),
}

impl WeightBuf {
    pub fn handle(&self) -> u32 {
        match self {
            WeightBuf::F32(b) => b.handle,
            WeightBuf::Bf16(b) => b.handle,
        }
    }
    pub fn len(&self) -> u32 {
        match self {
            WeightBuf::F32(b) => b.len,
            WeightBuf::Bf16(b) => b.len,
        }
    }
}

/// A buffer of `len` elements of `T` in a tier's memory; freed when dropped, so replacing a
/// simulation or switching tier hands the memory back.
pub struct Buf<T: Elem> {
    tier: Rc<Tier>,
    pub handle: u32,
    pub len: u32,
    elem: PhantomData<T>,
}

impl<T: Elem> Drop for Buf<T> {
    fn drop(&mut self) {
        let _ = self
            .tier
            .exports
            .sasi_free(self.handle, self.len * T::BYTES);
    }
}

impl<T: Elem> Buf<T> {
    fn view(&self, len: u32) -> T::View {
        T::view(&self.tier.exports, self.handle, len.min(self.len))
    }
    /// Copies `data` (at most `len` elements) into the buffer's start.
    pub fn write(&self, data: &[T]) {
        debug_assert!(data.len() <= self.len as usize);
        T::copy_in(&self.view(data.len() as u32), data);
    }
    /// The view of elements `offset..offset + len` clamped to the buffer, and its length.
    fn part(&self, offset: u32, len: usize) -> (T::View, usize) {
        debug_assert!(offset as usize + len <= self.len as usize);
        let begin = offset.min(self.len);
        let end = (begin as usize + len).min(self.len as usize) as u32;
        (
            T::part(&self.view(self.len), begin, end),
            (end - begin) as usize,
        )
    }
    /// Copies `data` into the buffer from element `offset` on (`offset + data.len() <= len`).
    pub fn write_at(&self, offset: u32, data: &[T]) {
        let (view, len) = self.part(offset, data.len());
        T::copy_in(&view, &data[..len]);
    }
    /// Copies `out.len()` elements from element `offset` on out (`offset + out.len() <= len`).
    pub fn read_at(&self, offset: u32, out: &mut [T]) {
        let (view, len) = self.part(offset, out.len());
        T::copy_out(&view, &mut out[..len]);
    }
    /// Copies the buffer's first `out.len()` elements out.
    pub fn read(&self, out: &mut [T]) {
        T::copy_out(&self.view(out.len() as u32), out);
    }
    pub fn to_vec(&self) -> Vec<T> {
        let mut v = vec![T::default(); self.len as usize];
        self.read(&mut v);
        v
    }
    /// Copies `src` (same length, any tier) into this buffer without a trip through the app's
    /// memory: for a tier switch, the N² weights go from one module's memory to the other's.
    pub fn copy_from(&self, src: &Buf<T>) {
        debug_assert_eq!(self.len, src.len);
        T::copy_view(&self.view(self.len), &src.view(src.len));
    }
}

fn thrown(call: &'static str) -> impl Fn(wasm_bindgen::JsValue) -> Fault {
    move |e| Fault::Thrown {
        call,
        message: bridge::js_error_text(&e),
    }
}

impl Tier {
    pub fn new(kind: TierKind, exports: KernelExports, load: LoadTiming) -> Tier {
        let mut t = Tier {
            kind,
            exports,
            load,
            module: None,
            fresh_bytes: 0.0,
            forms: std::cell::Cell::new([None; sasi_kernels::dispatch::VARIANTS]),
        };
        t.fresh_bytes = t.memory_bytes();
        t
    }

    /// The same tier with its compiled module kept, so that it can be instantiated again.
    pub fn with_module(mut self, module: Option<js_sys::WebAssembly::Module>) -> Tier {
        self.module = module;
        self
    }

    /// A new instance of this tier's module, with a memory of the initial size; `None` for the
    /// JS tier (its buffers are JS objects, freed by the garbage collector once dropped).
    /// Buffers of the old instance stay valid in the old instance only.
    pub fn fresh(&self) -> Result<Option<Tier>, Fault> {
        let Some(module) = &self.module else {
            return Ok(None);
        };
        let exports = bridge::instantiate_again(module).map_err(thrown("instantiate"))?;
        let t = Tier::new(self.kind, exports, self.load).with_module(Some(module.clone()));
        t.select_forms(&self.forms.get())?;
        Ok(Some(t))
    }

    /// Selects kernel forms in this instance (`variant_select`; `None` leaves a kernel as it
    /// is) and keeps them for its fresh instances. Returns the form each kernel runs now, read
    /// back (`variant_form`); `None` for the JS tier, which has one form of each.
    pub fn select_forms(
        &self,
        forms: &[Option<u32>; sasi_kernels::dispatch::VARIANTS],
    ) -> Result<Option<[u32; sasi_kernels::dispatch::VARIANTS]>, Fault> {
        if self.module.is_none() {
            return Ok(None);
        }
        for (kernel, form) in forms.iter().enumerate() {
            if let Some(f) = form {
                check(
                    "variant_select",
                    self.exports.variant_select(kernel as u32, *f),
                )?;
            }
        }
        let mut kept = self.forms.get();
        for (k, f) in kept.iter_mut().zip(forms) {
            if f.is_some() {
                *k = *f;
            }
        }
        self.forms.set(kept);
        let mut running = [0u32; sasi_kernels::dispatch::VARIANTS];
        for (kernel, r) in running.iter_mut().enumerate() {
            *r = check("variant_form", self.exports.variant_form(kernel as u32))?;
        }
        Ok(Some(running))
    }

    /// Whether a fresh instance would give memory back (the memory grew since it was new).
    pub fn grown(&self) -> bool {
        self.module.is_some() && self.memory_bytes() > self.fresh_bytes
    }

    /// Bytes the tier's memory holds now (a wasm memory's size, or the JS tier's live buffers).
    pub fn memory_bytes(&self) -> f64 {
        match self.exports.memory() {
            Some(m) => m
                .buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as f64,
            None => self.exports.allocated_bytes().unwrap_or(0.0),
        }
    }

    /// Bytes in live allocations of the tier (what a freed state gives back, even though a
    /// wasm memory itself never shrinks).
    pub fn memory_in_use(&self) -> f64 {
        self.exports.sasi_allocated_bytes().unwrap_or(0) as f64
    }

    /// A buffer of `len` elements; a kernel that cannot allocate answers 0, reported as
    /// out of memory.
    pub fn alloc<T: Elem>(self: &Rc<Self>, len: u32) -> Result<Buf<T>, Fault> {
        let bytes = len
            .checked_mul(T::BYTES)
            .filter(|b| *b > 0)
            .ok_or(Fault::Kernel {
                call: "sasi_alloc",
                error: KernelError::TooLarge,
            })?;
        let handle = self
            .exports
            .sasi_alloc(bytes)
            .map_err(thrown("sasi_alloc"))?;
        if handle == 0 {
            return Err(Fault::Kernel {
                call: "sasi_alloc",
                error: KernelError::OutOfMemory,
            });
        }
        Ok(Buf {
            tier: Rc::clone(self),
            handle,
            len,
            elem: PhantomData,
        })
    }

    /// A buffer holding a copy of `data`.
    pub fn buf_from<T: Elem>(self: &Rc<Self>, data: &[T]) -> Result<Buf<T>, Fault> {
        let b = self.alloc::<T>(data.len() as u32)?;
        b.write(data);
        Ok(b)
    }

    pub fn abi_tier(&self) -> Result<u32, Fault> {
        self.exports.sasi_tier().map_err(thrown("sasi_tier"))
    }

    /// `sasi_abi_version()`, or 0 for a module without it.
    pub fn abi_version(&self) -> Result<u32, Fault> {
        if !self.exports.has("sasi_abi_version") {
            return Ok(0);
        }
        self.exports
            .sasi_abi_version()
            .map_err(thrown("sasi_abi_version"))
    }

    pub fn activation(&self, kind: Activation, x: &Buf<f32>) -> Result<(), Fault> {
        check(
            "act_apply",
            self.exports.act_apply(kind as u32, x.handle, x.len),
        )
        .map(drop)
    }

    /// `ys = act(W · xs + b)` for `batch` inputs (W is m × n).
    #[allow(clippy::too_many_arguments)]
    pub fn dense_batch(
        &self,
        w: &Buf<f32>,
        xs: &Buf<f32>,
        b: &Buf<f32>,
        ys: &Buf<f32>,
        m: u32,
        n: u32,
        batch: u32,
        act: Activation,
    ) -> Result<(), Fault> {
        check(
            "dense_batch_forward",
            self.exports.dense_batch_forward(
                w.handle, w.len, xs.handle, xs.len, b.handle, b.len, ys.handle, ys.len, m, n,
                batch, act as u32,
            ),
        )
        .map(drop)
    }

    /// One LIF step; returns the number of spikes written to `out`.
    pub fn lif_step(&self, s: &LifBufs<'_>, n_prev: u32) -> Result<u32, Fault> {
        let (name, step): (
            _,
            fn(&KernelExports, _, _, _, _, _, _, _, _, _, _, _, _, _, _) -> _,
        ) = match s.w {
            WeightBuf::F32(_) => ("lif_step", KernelExports::lif_step),
            WeightBuf::Bf16(_) => ("lif_step_bf16", KernelExports::lif_step_bf16),
        };
        check(
            name,
            step(
                &self.exports,
                s.params.handle,
                s.params.len,
                s.v.handle,
                s.refr.handle,
                s.trace.handle,
                s.syn.handle,
                s.v.len,
                s.w.handle(),
                s.w.len(),
                s.prev.handle,
                n_prev,
                s.rng.handle,
                s.out.handle,
                s.out.len,
            ),
        )
    }

    /// Event-driven STDP for this step's spikes; returns the number of synapses pruned.
    pub fn stdp(
        &self,
        w: &WeightBuf,
        n: u32,
        trace: &Buf<f32>,
        spikes: &Buf<u32>,
        n_spikes: u32,
        params: &Buf<f32>,
    ) -> Result<u32, Fault> {
        let (name, update): (_, fn(&KernelExports, _, _, _, _, _, _, _, _, _) -> _) = match w {
            WeightBuf::F32(_) => ("stdp_update", KernelExports::stdp_update),
            WeightBuf::Bf16(_) => ("stdp_update_bf16", KernelExports::stdp_update_bf16),
        };
        check(
            name,
            update(
                &self.exports,
                w.handle(),
                w.len(),
                n,
                trace.handle,
                trace.len,
                spikes.handle,
                n_spikes,
                params.handle,
                params.len,
            ),
        )
    }

    pub fn efficiency(
        &self,
        adj: &Buf<u32>,
        n: u32,
        words_per_row: u32,
        out: &Buf<f64>,
    ) -> Result<f64, Fault> {
        check(
            "mesh_efficiency",
            self.exports
                .mesh_efficiency(adj.handle, adj.len, n, words_per_row, out.handle),
        )?;
        let mut e = [0.0];
        out.read(&mut e);
        Ok(e[0])
    }

    /// The rows of source agents `sources` of the agent block sums (`kernels/ABI.md`).
    pub fn block_sums(
        &self,
        w: &WeightBuf,
        n: u32,
        block: u32,
        sources: std::ops::Range<u32>,
        out: &Buf<f32>,
    ) -> Result<(), Fault> {
        let count = sources.end.saturating_sub(sources.start);
        let (name, sums): (_, fn(&KernelExports, _, _, _, _, _, _, _, _) -> _) = match w {
            WeightBuf::F32(_) => ("block_sums", KernelExports::block_sums),
            WeightBuf::Bf16(_) => ("block_sums_bf16", KernelExports::block_sums_bf16),
        };
        check(
            name,
            sums(
                &self.exports,
                w.handle(),
                w.len(),
                n,
                block,
                sources.start,
                count,
                out.handle,
                out.len,
            ),
        )
        .map(drop)
    }
}

/// The buffers one LIF step reads and writes (the kernel's state struct on this side of the
/// boundary; `n` is `v.len`).
pub struct LifBufs<'a> {
    pub params: &'a Buf<f32>,
    pub v: &'a Buf<f32>,
    pub refr: &'a Buf<f32>,
    pub trace: &'a Buf<f32>,
    pub syn: &'a Buf<f32>,
    pub w: &'a WeightBuf,
    pub prev: &'a Buf<u32>,
    pub rng: &'a Buf<u32>,
    pub out: &'a Buf<u32>,
}
