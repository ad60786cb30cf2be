// The one loader of kernel modules, for the page (the app imports it through typed
// wasm-bindgen bindings, `src/bridge.rs`) and for the benchmark worker (`bench-worker.js`).
// Self-contained on purpose: wasm-bindgen copies this file on its own into the app's snippets.
//
// Every tier answers with the same shape, so the callers never ask which kind they loaded:
//   { exports, fetch_ms, compile_ms, instantiate_ms, total_ms, bytes }
// where `exports` is a wasm instance's exports or the JS tier's module namespace.

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Fetches, checks, compiles and instantiates one wasm kernel module, timing each phase. */
export async function loadKernelModule(url) {
  const t0 = performance.now();
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`HTTP ${resp.status} ${resp.statusText} for ${url}`);
  const bytes = await resp.arrayBuffer();
  const t1 = performance.now();
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (head.length < 4 || MAGIC.some((b, i) => head[i] !== b)) {
    const type = resp.headers.get('content-type') || 'unknown type';
    throw new Error(`${url} is not a WebAssembly module (${bytes.byteLength} bytes of ${type}; missing or corrupt file?)`);
  }
  const module = await WebAssembly.compile(bytes);
  const t2 = performance.now();
  const instance = await WebAssembly.instantiate(module, {});
  const t3 = performance.now();
  return {
    exports: instance.exports,
    fetch_ms: t1 - t0,
    compile_ms: t2 - t1,
    instantiate_ms: t3 - t2,
    total_ms: t3 - t0,
    bytes: bytes.byteLength,
  };
}

/** Imports the plain-JS tier (an ES module with the same exports); the import is all its cost. */
export async function loadJsTier(url) {
  const t0 = performance.now();
  const exports = await import(url);
  const total = performance.now() - t0;
  return { exports, fetch_ms: total, compile_ms: 0, instantiate_ms: 0, total_ms: total, bytes: 0 };
}

/** Whether this engine validates `bytes` (the SIMD and relaxed-SIMD probes). */
export function validates(bytes) {
  return WebAssembly.validate(bytes);
}
