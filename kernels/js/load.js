// The one loader of kernel modules, for the page (the app imports it through typed
// wasm-bindgen bindings, `src/tiers/bridge.rs`) and for the benchmark worker (`bench-worker.js`).
// Self-contained on purpose: wasm-bindgen copies this file on its own into the app's snippets.
//
// Every tier answers with the same shape, so the callers never ask which kind they loaded:
//   { exports, fetch_ms, compile_ms, instantiate_ms, total_ms, bytes }
// where `exports` is a wasm instance's exports or the JS tier's module namespace.

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** How long one module may take before it counts as failed (a server that never answers). */
export const LOAD_TIMEOUT_MS = 10000;

/** `promise`, or a "timed out" error after `ms` (calling `onTimeout` first, e.g. to abort). */
function withTimeout(promise, ms, what, onTimeout = () => {}) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out: ${what} did not load within ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `url` made absolute against the page (its base URL), or in a worker against the worker's
 *  own address. The app's URLs are relative so that it runs under a sub-path
 *  (`https://host/sasi-lab/`), and `import()` would resolve a relative URL against this file
 *  (a wasm-bindgen snippet under `snippets/`), not against the page, so every load resolves
 *  here first. An absolute URL or path passes through unchanged. */
function absolute(url) {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  try {
    return base ? new URL(url, base).href : url;
  } catch {
    return url;
  }
}

/** The URL to ask for: a retry gets a fresh one, so a cached failed response is not reused. */
function fresh(url, attempt) {
  const abs = absolute(url);
  return attempt > 0 ? `${abs}${abs.includes('?') ? '&' : '?'}retry=${attempt}-${Date.now()}` : abs;
}

/** Fetches, checks, compiles and instantiates one wasm kernel module, timing each phase.
 *  `attempt` > 0: a retry, with a cache-busting URL. */
export function loadKernelModule(url, attempt = 0, timeoutMs = LOAD_TIMEOUT_MS) {
  const abort = new AbortController();
  return withTimeout(fetchAndInstantiate(fresh(url, attempt), url, abort.signal), timeoutMs, url, () => abort.abort());
}

async function fetchAndInstantiate(target, url, signal) {
  const t0 = performance.now();
  const resp = await fetch(target, { signal });
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
    module,
    fetch_ms: t1 - t0,
    compile_ms: t2 - t1,
    instantiate_ms: t3 - t2,
    total_ms: t3 - t0,
    bytes: bytes.byteLength,
  };
}

/** Imports the plain-JS tier (an ES module with the same exports); the import is all its cost.
 *  A retry imports a cache-busting URL: the browser keeps a module that failed to evaluate
 *  (say, served truncated) in its module map, so importing the same URL again would fail again.
 *  The query reaches every file of the tier's graph, not only `url`: each module of the graph
 *  imports its dependencies with its own URL's query (the contract stated in abi.js), so a
 *  dependency that failed is fetched afresh too.
 *  An import is not a wasm load: `fetch_ms` is the time until the last of the tier's files
 *  arrived (from their Resource Timing entries), `compile_ms` the rest of the import (linking
 *  and evaluating the modules), `bytes` the files' size; without Resource Timing entries the
 *  whole import is `fetch_ms` and `bytes` is 0. */
export function loadJsTier(url, attempt = 0, timeoutMs = LOAD_TIMEOUT_MS) {
  const t0 = performance.now();
  // The tier's directory: its files are the Resource Timing entries under it during the import
  // (a retry's carry its query, so a name ends in `.js` or `.js?…`).
  let dir = null;
  try {
    dir = new URL('.', absolute(url)).href;
  } catch {
    dir = null;
  }
  const load = import(fresh(url, attempt)).then((exports) => {
    const t1 = performance.now();
    const total = t1 - t0;
    const files = (globalThis.performance?.getEntriesByType?.('resource') ?? [])
      .filter((e) => dir !== null && e.name.startsWith(dir) && /\.js(\?|$)/.test(e.name) && e.startTime >= t0 - 1 && e.responseEnd <= t1 + 1);
    const arrived = files.reduce((m, e) => Math.max(m, e.responseEnd), 0);
    if (files.length === 0 || arrived <= t0) {
      return { exports, fetch_ms: total, compile_ms: 0, instantiate_ms: 0, total_ms: total, bytes: 0 };
    }
    const bytes = files.reduce((s, e) => s + (e.encodedBodySize || e.decodedBodySize || 0), 0);
    const fetchMs = arrived - t0;
    return { exports, fetch_ms: fetchMs, compile_ms: Math.max(0, total - fetchMs), instantiate_ms: 0, total_ms: total, bytes };
  });
  return withTimeout(load, timeoutMs, url);
}

/** A new instance of a compiled kernel module, with a memory of the initial size: how a tier
 *  gives back memory it grew (a wasm memory never shrinks). */
export function instantiateAgain(module) {
  return new WebAssembly.Instance(module, {}).exports;
}

/** Whether this engine validates `bytes` (the SIMD and relaxed-SIMD probes). */
export function validates(bytes) {
  return WebAssembly.validate(bytes);
}

// Typed-array views of a tier's buffers, in one call from Rust each: a wasm tier's views lie
// over its exported memory (its buffer is fetched anew, since growing the memory detaches the
// old one); the JS tier hands out its own. Building the view from Rust instead took four
// boundary crossings per view and measured 5× the per-frame hand-off cost.
export function viewF32(x, handle, len) {
  return x.memory ? new Float32Array(x.memory.buffer, handle, len) : x.f32(handle, len);
}
export function viewU32(x, handle, len) {
  return x.memory ? new Uint32Array(x.memory.buffer, handle, len) : x.u32(handle, len);
}
export function viewU16(x, handle, len) {
  return x.memory ? new Uint16Array(x.memory.buffer, handle, len) : x.u16(handle, len);
}
export function viewF64(x, handle, len) {
  return x.memory ? new Float64Array(x.memory.buffer, handle, len) : x.f64(handle, len);
}
