//! The Rust/JS boundary, in one file: typed imports, no forwarders.
//!
//! Every tier — the three wasm kernel modules and the plain-JS module `js/abi.js` — exposes the
//! same exports (`kernels/ABI.md`), so one extern type, [`KernelExports`], with one method per
//! export (generated from the kernel crate's table of exports) serves them all: wasm-bindgen
//! calls `exports.lif_step(…)` directly. Buffers are handles: byte pointers in a wasm module's
//! memory, small integers in the JS tier; a wasm module exports its `memory`, the JS tier hands
//! out typed-array views itself (`f32`, `u32`, `f64`). Modules are loaded by `kernels/js/load.js`, the same loader the benchmark worker
//! uses, so the app and the worker cannot disagree about what a loadable module is.
use js_sys::{
    Float32Array, Float64Array, Object, Uint16Array, Uint32Array, Uint8Array, WebAssembly,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// One tier's exports: a wasm instance's `exports`, or the JS tier's module namespace.
    #[wasm_bindgen(extends = Object)]
    #[derive(Clone, Debug)]
    pub type KernelExports;

    /// A wasm module's memory; `None` for the JS tier.
    #[wasm_bindgen(method, getter)]
    pub fn memory(this: &KernelExports) -> Option<WebAssembly::Memory>;

    /// Bytes the JS tier's live buffers hold.
    #[wasm_bindgen(method, catch)]
    pub fn allocated_bytes(this: &KernelExports) -> Result<f64, JsValue>;
}

/// One method of [`KernelExports`] per export of the contract, from the one table in the
/// kernel crate (`sasi_kernels::for_each_export!`, `kernels/src/exports.rs`): every argument
/// is a `u32` (handles, sizes) or an `f32`, as there.
macro_rules! kernel_imports {
    ($(
        $group:ident { $(
            $name:ident ( $( $arg:ident : $kind:ident $(<$elem:ident>)? $([$len:tt])? ),* ) -> $ret:ident;
        )* }
    )*) => {
        #[wasm_bindgen]
        extern "C" {
            $($(
                #[wasm_bindgen(method, catch)]
                #[allow(clippy::too_many_arguments)]
                pub fn $name(
                    this: &KernelExports,
                    $( $arg: sasi_kernels::exports::wasm::$kind ),*
                ) -> Result<$ret, JsValue>;
            )*)*
        }
    };
}
sasi_kernels::for_each_export!(kernel_imports);

#[wasm_bindgen(module = "/kernels/js/load.js")]
extern "C" {
    /// What `load.js` answers for every tier: the exports and what loading them cost.
    #[derive(Clone, Debug)]
    pub type LoadedModule;
    #[wasm_bindgen(method, getter)]
    pub fn exports(this: &LoadedModule) -> KernelExports;
    #[wasm_bindgen(method, getter)]
    pub fn fetch_ms(this: &LoadedModule) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn compile_ms(this: &LoadedModule) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn instantiate_ms(this: &LoadedModule) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn total_ms(this: &LoadedModule) -> f64;
    #[wasm_bindgen(method, getter)]
    pub fn bytes(this: &LoadedModule) -> f64;
    /// The compiled module of a wasm tier (`None` for the JS tier), to instantiate again.
    #[wasm_bindgen(method, getter)]
    pub fn module(this: &LoadedModule) -> Option<WebAssembly::Module>;
    /// A new instance of `module` (synchronous: the kernel modules are small and compiled).
    #[wasm_bindgen(catch, js_name = instantiateAgain)]
    pub fn instantiate_again(module: &WebAssembly::Module) -> Result<KernelExports, JsValue>;

    /// `attempt` > 0: a retry (cache-busting URL). Fails after `LOAD_TIMEOUT_MS`.
    #[wasm_bindgen(catch, js_name = loadKernelModule)]
    async fn load_kernel_module_js(url: &str, attempt: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = loadJsTier)]
    async fn load_js_tier_js(url: &str, attempt: u32) -> Result<JsValue, JsValue>;
    /// Views of `len` elements at `handle` in a tier's memory (no copy), one call each.
    #[wasm_bindgen(js_name = viewF32)]
    pub fn view_f32(x: &KernelExports, handle: u32, len: u32) -> Float32Array;
    #[wasm_bindgen(js_name = viewU32)]
    pub fn view_u32(x: &KernelExports, handle: u32, len: u32) -> Uint32Array;
    #[wasm_bindgen(js_name = viewF64)]
    pub fn view_f64(x: &KernelExports, handle: u32, len: u32) -> Float64Array;
    #[wasm_bindgen(js_name = viewU16)]
    pub fn view_u16(x: &KernelExports, handle: u32, len: u32) -> Uint16Array;
    /// `WebAssembly.validate`, for the SIMD and relaxed-SIMD probes.
    pub fn validates(bytes: &Uint8Array) -> bool;
}

/// Loads a wasm kernel module (fetch, check, compile, instantiate, each timed); `attempt` > 0
/// for a retry.
pub async fn load_kernel_module(url: &str, attempt: u32) -> Result<LoadedModule, String> {
    load_kernel_module_js(url, attempt)
        .await
        .map(JsCast::unchecked_into)
        .map_err(|e| js_error_text(&e))
}

/// Imports the JS tier (timed); `attempt` > 0 for a retry.
pub async fn load_js_tier(url: &str, attempt: u32) -> Result<LoadedModule, String> {
    load_js_tier_js(url, attempt)
        .await
        .map(JsCast::unchecked_into)
        .map_err(|e| format!("import failed: {}", js_error_text(&e)))
}

impl KernelExports {
    /// Whether the module has an export called `name` (older modules lack some).
    pub fn has(&self, name: &str) -> bool {
        js_sys::Reflect::get(self, &JsValue::from_str(name))
            .map(|f| f.is_function())
            .unwrap_or(false)
    }
}

/// Text of a thrown JS value, for error messages on screen.
pub fn js_error_text(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Byte length of the app module's own wasm memory.
pub fn app_memory_bytes() -> f64 {
    let memory: WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
