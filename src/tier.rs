//! One kernel tier, whichever it is: the app calls `Tier`'s methods and never cares whether a
//! wasm module (scalar, SIMD128, relaxed SIMD) or the plain-JS module answers.
use crate::bridge;
use js_sys::Object;
use sasi_kernels::error::KernelError;
use std::fmt;
use std::rc::Rc;

/// The four tiers, in the order of the tier selector (keys 1–4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    pub fn key(self) -> &'static str {
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

    /// Where the module is served (Trunk's pre-build hook puts the wasm modules there).
    pub fn url(self) -> &'static str {
        match self {
            TierKind::Js => "/js/abi.js",
            TierKind::Scalar => "/kernels/kernels-scalar.wasm",
            TierKind::Simd => "/kernels/kernels-simd.wasm",
            TierKind::Relaxed => "/kernels/kernels-relaxed.wasm",
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

/// A loaded tier: its exports object and what loading it cost.
pub struct Tier {
    pub kind: TierKind,
    exports: Object,
    pub load: LoadTiming,
}

/// A buffer in a tier's memory; freed when dropped, so replacing a simulation or switching
/// tier hands the memory back.
pub struct Buf {
    tier: Rc<Tier>,
    pub handle: u32,
    pub len: u32,
    elem_bytes: u32,
}

impl Drop for Buf {
    fn drop(&mut self) {
        let _ = bridge::k_free(&self.tier.exports, self.handle, self.len * self.elem_bytes);
    }
}

impl Buf {
    pub fn write_f32(&self, data: &[f32]) {
        debug_assert_eq!(data.len(), self.len as usize);
        bridge::view_f32(&self.tier.exports, self.handle, self.len).copy_from(data);
    }
    pub fn write_u32(&self, data: &[u32]) {
        bridge::view_u32(&self.tier.exports, self.handle, self.len).copy_from(data);
    }
    pub fn read_f32(&self, out: &mut [f32]) {
        bridge::view_f32(&self.tier.exports, self.handle, out.len() as u32).copy_to(out);
    }
    pub fn read_u32(&self, out: &mut [u32]) {
        bridge::view_u32(&self.tier.exports, self.handle, out.len() as u32).copy_to(out);
    }
    pub fn to_vec_f32(&self) -> Vec<f32> {
        let mut v = vec![0.0; self.len as usize];
        self.read_f32(&mut v);
        v
    }
    pub fn to_vec_u32(&self) -> Vec<u32> {
        let mut v = vec![0; self.len as usize];
        self.read_u32(&mut v);
        v
    }
    pub fn read_f64(&self) -> f64 {
        bridge::read_f64(&self.tier.exports, self.handle)
    }
}

impl Tier {
    pub fn new(kind: TierKind, exports: Object, load: LoadTiming) -> Tier {
        Tier {
            kind,
            exports,
            load,
        }
    }

    /// Bytes the tier's memory holds now (a wasm memory's size, or the JS tier's live buffers).
    pub fn memory_bytes(&self) -> f64 {
        bridge::memory_bytes(&self.exports)
    }

    /// Bytes in live allocations of the tier (what a freed state gives back, even though a
    /// wasm memory itself never shrinks).
    pub fn memory_in_use(&self) -> f64 {
        bridge::memory_in_use(&self.exports)
    }

    fn alloc(self: &Rc<Self>, len: u32, elem_bytes: u32) -> Result<Buf, Fault> {
        let bytes = len
            .checked_mul(elem_bytes)
            .filter(|b| *b > 0)
            .ok_or(Fault::Kernel {
                call: "sasi_alloc",
                error: KernelError::TooLarge,
            })?;
        let handle = bridge::k_alloc(&self.exports, bytes).map_err(|e| Fault::Thrown {
            call: "sasi_alloc",
            message: bridge::js_error_text(&e),
        })?;
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
            elem_bytes,
        })
    }

    pub fn alloc_f32(self: &Rc<Self>, len: u32) -> Result<Buf, Fault> {
        self.alloc(len, 4)
    }
    pub fn alloc_u32(self: &Rc<Self>, len: u32) -> Result<Buf, Fault> {
        self.alloc(len, 4)
    }
    pub fn alloc_f64(self: &Rc<Self>, len: u32) -> Result<Buf, Fault> {
        self.alloc(len, 8)
    }

    pub fn f32_from(self: &Rc<Self>, data: &[f32]) -> Result<Buf, Fault> {
        let b = self.alloc_f32(data.len() as u32)?;
        b.write_f32(data);
        Ok(b)
    }
    pub fn u32_from(self: &Rc<Self>, data: &[u32]) -> Result<Buf, Fault> {
        let b = self.alloc_u32(data.len() as u32)?;
        b.write_u32(data);
        Ok(b)
    }

    pub fn abi_tier(&self) -> Result<u32, Fault> {
        bridge::k_tier(&self.exports).map_err(|e| Fault::Thrown {
            call: "sasi_tier",
            message: bridge::js_error_text(&e),
        })
    }

    pub fn abi_version(&self) -> Result<u32, Fault> {
        bridge::k_abi_version(&self.exports).map_err(|e| Fault::Thrown {
            call: "sasi_abi_version",
            message: bridge::js_error_text(&e),
        })
    }

    pub fn activation(&self, kind: u32, x: &Buf) -> Result<(), Fault> {
        check(
            "act_apply",
            bridge::k_act(&self.exports, kind, x.handle, x.len),
        )
        .map(drop)
    }

    /// `ys = act(W · xs + b)` for `batch` inputs (W is m × n).
    #[allow(clippy::too_many_arguments)]
    pub fn dense_batch(
        &self,
        w: &Buf,
        xs: &Buf,
        b: &Buf,
        ys: &Buf,
        m: u32,
        n: u32,
        batch: u32,
        act: u32,
    ) -> Result<(), Fault> {
        check(
            "dense_batch_forward",
            bridge::k_dense_batch(
                &self.exports,
                w.handle,
                w.len,
                xs.handle,
                xs.len,
                b.handle,
                b.len,
                ys.handle,
                ys.len,
                m,
                n,
                batch,
                act,
            ),
        )
        .map(drop)
    }

    /// One LIF step; returns the number of spikes written to `out`.
    #[allow(clippy::too_many_arguments)]
    pub fn lif_step(
        &self,
        params: &Buf,
        v: &Buf,
        refr: &Buf,
        trace: &Buf,
        syn: &Buf,
        w: &Buf,
        prev: &Buf,
        n_prev: u32,
        rng: &Buf,
        out: &Buf,
    ) -> Result<u32, Fault> {
        check(
            "lif_step",
            bridge::k_lif(
                &self.exports,
                params.handle,
                params.len,
                v.handle,
                refr.handle,
                trace.handle,
                syn.handle,
                v.len,
                w.handle,
                w.len,
                prev.handle,
                n_prev,
                rng.handle,
                out.handle,
                out.len,
            ),
        )
    }

    /// Event-driven STDP for this step's spikes; returns the number of synapses pruned.
    pub fn stdp(
        &self,
        w: &Buf,
        n: u32,
        trace: &Buf,
        spikes: &Buf,
        n_spikes: u32,
        params: &Buf,
    ) -> Result<u32, Fault> {
        check(
            "stdp_update",
            bridge::k_stdp(
                &self.exports,
                w.handle,
                w.len,
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
        adj: &Buf,
        n: u32,
        words_per_row: u32,
        out: &Buf,
    ) -> Result<f64, Fault> {
        check(
            "mesh_efficiency",
            bridge::k_efficiency(
                &self.exports,
                adj.handle,
                adj.len,
                n,
                words_per_row,
                out.handle,
            ),
        )?;
        Ok(out.read_f64())
    }

    pub fn block_sums(&self, w: &Buf, n: u32, block: u32, out: &Buf) -> Result<(), Fault> {
        check(
            "block_sums",
            bridge::k_block_sums(
                &self.exports,
                w.handle,
                w.len,
                n,
                block,
                out.handle,
                out.len,
            ),
        )
        .map(drop)
    }
}
