//! The Rust/JS boundary, in one file.
//!
//! Every tier — the three wasm kernel modules and the plain-JS module `js/abi.js` — exposes the
//! same exports (see `kernels/ABI.md`), so the shims below take the tier's exports object and
//! forward numbers. Buffers are handles: byte pointers in a wasm module's memory, small
//! integers in the JS tier; `view_*` builds the typed-array view either way.
use js_sys::{Float32Array, Object, Uint32Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function import_module(url) { return import(url); }

// fetch + compile + instantiate, each phase timed by the loader's own clock.
export async function load_wasm(url) {
  const t0 = performance.now();
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`HTTP ${resp.status} ${resp.statusText} for ${url}`);
  const bytes = await resp.arrayBuffer();
  const t1 = performance.now();
  const magic = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (magic.length < 4 || magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    const type = resp.headers.get('content-type') || 'unknown type';
    throw new Error(`${url} is not a WebAssembly module (${bytes.byteLength} bytes of ${type}; missing or corrupt file?)`);
  }
  const module = await WebAssembly.compile(bytes);
  const t2 = performance.now();
  const instance = await WebAssembly.instantiate(module, {});
  const t3 = performance.now();
  return { exports: instance.exports, fetch_ms: t1 - t0, compile_ms: t2 - t1,
           instantiate_ms: t3 - t2, bytes: bytes.byteLength };
}

export function validate(bytes) { return WebAssembly.validate(bytes); }

export function memory_bytes(x) {
  if (x.memory) return x.memory.buffer.byteLength;
  return typeof x.allocated_bytes === 'function' ? x.allocated_bytes() : 0;
}
export function memory_in_use(x) {
  return typeof x.sasi_allocated_bytes === 'function' ? x.sasi_allocated_bytes() >>> 0 : 0;
}
export function view_f32(x, h, len) {
  return x.memory ? new Float32Array(x.memory.buffer, h, len) : x.f32(h, len);
}
export function view_u32(x, h, len) {
  return x.memory ? new Uint32Array(x.memory.buffer, h, len) : x.u32(h, len);
}
export function read_f64(x, h) {
  return x.memory ? new Float64Array(x.memory.buffer, h, 1)[0] : x.f64(h, 1)[0];
}

export function k_alloc(x, bytes) { return x.sasi_alloc(bytes) >>> 0; }
export function k_free(x, h, bytes) { return x.sasi_free(h, bytes); }
export function k_tier(x) { return x.sasi_tier() >>> 0; }
export function k_abi_version(x) { return typeof x.sasi_abi_version === 'function' ? x.sasi_abi_version() >>> 0 : 0; }
export function k_rng_fill(x, seed, out, len, lo, hi) { return x.rng_fill_uniform(seed, out, len, lo, hi); }
export function k_act(x, kind, p, len) { return x.act_apply(kind, p, len); }
export function k_dense_batch(x, w, wl, xs, xl, b, bl, ys, yl, m, n, batch, act) {
  return x.dense_batch_forward(w, wl, xs, xl, b, bl, ys, yl, m, n, batch, act);
}
export function k_lif(x, p, pl, v, refr, trace, syn, n, w, wl, prev, nprev, rng, out, outl) {
  return x.lif_step(p, pl, v, refr, trace, syn, n, w, wl, prev, nprev, rng, out, outl);
}
export function k_stdp(x, w, wl, n, trace, tl, spikes, ns, p, pl) {
  return x.stdp_update(w, wl, n, trace, tl, spikes, ns, p, pl);
}
export function k_efficiency(x, adj, al, n, wpr, out) {
  return x.mesh_efficiency(adj, al, n, wpr, out);
}
export function k_block_sums(x, w, wl, n, block, out, outl) {
  return x.block_sums(w, wl, n, block, out, outl);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    pub async fn import_module(url: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn load_wasm(url: &str) -> Result<JsValue, JsValue>;
    pub fn validate(bytes: &js_sys::Uint8Array) -> bool;
    pub fn memory_bytes(x: &Object) -> f64;
    pub fn memory_in_use(x: &Object) -> f64;
    pub fn view_f32(x: &Object, h: u32, len: u32) -> Float32Array;
    pub fn view_u32(x: &Object, h: u32, len: u32) -> Uint32Array;
    pub fn read_f64(x: &Object, h: u32) -> f64;

    #[wasm_bindgen(catch)]
    pub fn k_alloc(x: &Object, bytes: u32) -> Result<u32, JsValue>;
    #[wasm_bindgen(catch)]
    pub fn k_free(x: &Object, h: u32, bytes: u32) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    pub fn k_tier(x: &Object) -> Result<u32, JsValue>;
    /// `sasi_abi_version()`, or 0 for a module without it.
    #[wasm_bindgen(catch)]
    pub fn k_abi_version(x: &Object) -> Result<u32, JsValue>;
    #[wasm_bindgen(catch)]
    pub fn k_rng_fill(
        x: &Object,
        seed: u32,
        out: u32,
        len: u32,
        lo: f32,
        hi: f32,
    ) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    pub fn k_act(x: &Object, kind: u32, p: u32, len: u32) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    #[allow(clippy::too_many_arguments)]
    pub fn k_dense_batch(
        x: &Object,
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
    ) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    #[allow(clippy::too_many_arguments)]
    pub fn k_lif(
        x: &Object,
        p: u32,
        pl: u32,
        v: u32,
        refr: u32,
        trace: u32,
        syn: u32,
        n: u32,
        w: u32,
        wl: u32,
        prev: u32,
        nprev: u32,
        rng: u32,
        out: u32,
        outl: u32,
    ) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    #[allow(clippy::too_many_arguments)]
    pub fn k_stdp(
        x: &Object,
        w: u32,
        wl: u32,
        n: u32,
        trace: u32,
        tl: u32,
        spikes: u32,
        ns: u32,
        p: u32,
        pl: u32,
    ) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    pub fn k_efficiency(
        x: &Object,
        adj: u32,
        al: u32,
        n: u32,
        wpr: u32,
        out: u32,
    ) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch)]
    #[allow(clippy::too_many_arguments)]
    pub fn k_block_sums(
        x: &Object,
        w: u32,
        wl: u32,
        n: u32,
        block: u32,
        out: u32,
        outl: u32,
    ) -> Result<i32, JsValue>;
}

/// Text of a thrown JS value, for error messages on screen.
pub fn js_error_text(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Byte length of the app module's own wasm memory (0 if it cannot be read).
pub fn app_memory_bytes() -> f64 {
    let memory = wasm_bindgen::memory();
    js_sys::Reflect::get(&memory, &JsValue::from_str("buffer"))
        .and_then(|buf| js_sys::Reflect::get(&buf, &JsValue::from_str("byteLength")))
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0)
}
