// The plain-JS tier behind the same exports as the wasm kernel modules (kernels/ABI.md), so
// every caller drives every tier with identical calls. A "pointer" here is a small integer
// handle naming an ArrayBuffer; lengths are element counts. Bad input returns the same
// negative error codes as the wasm modules, checked before anything is written.
//
// Every integer argument (handle, length, size, count, kind, seed) is what a wasm u32 can hold:
// an integer in 0..=2^32-1. Anything else (1.5, -1, NaN, ±Infinity, 2**40, a string) is
// refused before any other check, with the code the wasm tiers give for a bad value of that
// kind: BadHandle for a handle, BadArgument for every other argument; sasi_alloc answers 0.
// (A wasm export cannot see such values: JS converts them to u32 by wrapping, so the JS tier
// refuses what the wasm tiers would silently reinterpret.)
//
// The tier's whole module graph (this file, and the files it and they import) loads afresh on
// a Retry: the loader imports `abi.js?retry=…` (kernels/js/load.js, `fresh`), and every module
// of the graph imports its own dependencies with its own URL's query (`./x.js?retry=…`), so no
// file of the graph is taken from the browser's module map, which keeps a module that failed
// (served corrupt, say) as failed under its URL for the page's lifetime. A static import's
// specifier is a fixed string and cannot carry the query, hence import() with top-level await.
// It runs once, when the module is evaluated: the kernels below are plain functions after
// that, called as before. Without a query (the first load, Node, the benchmark worker) the
// files are the plain `./x.js`.
const q = new URL(import.meta.url).search;
const [
  { fillUniform },
  { applyActivation },
  { dense, denseBatch, denseBf16 },
  { lifStep, lifStepBf16 },
  { stdpUpdate, stdpUpdateBf16 },
  { meshEfficiency, wordsPerRow },
  { blockSums, blockSumsBf16 },
  { probeRead, probeMulAdd },
  { encode },
] = await Promise.all([
  import(`./rng.js${q}`),
  import(`./activation.js${q}`),
  import(`./dense.js${q}`),
  import(`./lif.js${q}`),
  import(`./stdp.js${q}`),
  import(`./efficiency.js${q}`),
  import(`./blocks.js${q}`),
  import(`./probe.js${q}`),
  import(`./weight.js${q}`),
]);

export const ERRORS = Object.freeze({
  BadHandle: -1, LengthMismatch: -2, ZeroSize: -3, TooLarge: -4, OutOfMemory: -5, BadArgument: -6, Aliasing: -7, NonFinite: -8,
});
const E = ERRORS;
/**
 * Each kernel's argument signature, one letter per argument (see `args` below). The table they
 * come from is kernels/src/exports.rs; kernels/js/test/exports.test.mjs fails when one differs
 * from it (as it does for the version and the constants below).
 */
export const SIGNATURES = Object.freeze({
  rng_fill_uniform: 'uhuff',
  act_apply: 'uhu',
  dense_forward: 'huhuhuhuuuu',
  dense_batch_forward: 'huhuhuhuuuuu',
  lif_step: 'huhhhhuhuhuhhu',
  stdp_update: 'huuhuhuhu',
  mesh_efficiency: 'huuuh',
  block_sums: 'huuuuuhu',
  dense_forward_bf16: 'huhuhuhuuuu',
  lif_step_bf16: 'huhhhhuhuhuhhu',
  stdp_update_bf16: 'huuhuhuhu',
  block_sums_bf16: 'huuuuuhu',
  weights_to_bf16: 'huh',
  probe_read: 'huh',
  probe_mul_add: 'uffh',
});
const SIG = SIGNATURES;
/** Number of activation kinds, LIF and STDP parameter counts (checked as SIGNATURES is). */
export const ACTIVATIONS = 6;
export const LIF_PARAMS_LEN = 9;
export const STDP_PARAMS_LEN = 5;
const MAX_DIM = 8192;
const MAX_BATCH = 4096;
/** Largest single allocation, as in the wasm modules (kernels/src/registry.rs MAX_ALLOC). */
export const MAX_ALLOC = 256 * 1024 * 1024;
const U32_MAX = 0xffffffff;
/**
 * Largest total of live allocations: 4 GiB less one byte, about what a wasm32 memory holds and
 * what `sasi_allocated_bytes` (a u32 in the wasm tiers) can report.
 */
export const MAX_TOTAL = U32_MAX;
const BYTES = { f32: 4, u32: 4, f64: 8, u16: 2 };

const buffers = new Map(); // handle -> { buf, f32, u32, f64, u16 }
let nextHandle = 1;
let liveBytes = 0;

class KernelFault extends Error {
  constructor(code) {
    super(`kernel error ${code}`);
    this.code = code;
  }
}
const fail = (code) => { throw new KernelFault(code); };
const guard = (fn) => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KernelFault) return e.code;
    throw e;
  }
};

const isU32 = (v) => Number.isInteger(v) && v >= 0 && v <= U32_MAX;
/**
 * Checks a call's integer arguments against its signature: one letter per argument, `h` a
 * handle (BadHandle unless a u32), `u` any other u32 (BadArgument unless a u32), `f` a float
 * (checked by the kernel itself).
 */
function args(sig, values) {
  for (let i = 0; i < sig.length; i++) {
    const k = sig.charCodeAt(i);
    if (k !== 102 /* f */ && !isU32(values[i])) fail(k === 104 /* h */ ? E.BadHandle : E.BadArgument);
  }
}

function entry(h) {
  const b = buffers.get(h);
  if (!b) fail(E.BadHandle);
  return b;
}
/** A view of `len` elements of handle `h`; `BadHandle` when the buffer is shorter. */
function view(h, len, kind) {
  if (!isU32(len)) fail(E.BadArgument);
  if (len === 0) return kind === 'u32' ? new Uint32Array(0) : kind === 'f64' ? new Float64Array(0) : kind === 'u16' ? new Uint16Array(0) : new Float32Array(0);
  // As in the wasm modules: a byte count that does not fit the 32-bit address space is TooLarge.
  if (len * BYTES[kind] > U32_MAX) fail(E.TooLarge);
  const b = entry(h);
  const arr = b[kind];
  if (len > arr.length) fail(E.BadHandle);
  return len === arr.length ? arr : arr.subarray(0, len);
}
/** Outputs must not share a buffer with any other argument. */
function distinct(outputs, inputs) {
  const all = [...outputs, ...inputs];
  for (const o of outputs) if (o !== 0 && all.filter((h) => h === o).length > 1) fail(E.Aliasing);
}

/**
 * A zero-filled buffer of `bytes` bytes, or 0: for 0, a non-integer, a negative number, more
 * than MAX_ALLOC, a total beyond MAX_TOTAL, or when the engine cannot allocate it.
 */
export function sasi_alloc(bytes) {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > MAX_ALLOC || liveBytes + bytes > MAX_TOTAL) return 0;
  let buf;
  try {
    buf = new ArrayBuffer(Math.ceil(bytes / 8) * 8);
  } catch {
    return 0;
  }
  const h = nextHandle++;
  buffers.set(h, { buf, bytes, f32: new Float32Array(buf, 0, bytes >>> 2), u32: new Uint32Array(buf, 0, bytes >>> 2), f64: new Float64Array(buf, 0, bytes >>> 3), u16: new Uint16Array(buf, 0, bytes >>> 1) });
  liveBytes += bytes;
  return h;
}

export function sasi_free(h, bytes) {
  if (!isU32(h) || !isU32(bytes)) return E.BadHandle;
  const b = buffers.get(h);
  if (!b || b.bytes !== bytes) return E.BadHandle;
  buffers.delete(h);
  liveBytes -= bytes;
  // Detach the buffer: its memory goes back now rather than whenever the garbage collector
  // next runs (after leaving the JS tier at N = 4096 that was 64 MB for 20 s and more, while
  // the page's memory figure counted it). Views of it become empty; nothing uses them after a
  // free. Engines without ArrayBuffer.prototype.transfer leave it to the collector.
  if (typeof b.buf.transfer === 'function') b.buf.transfer(0);
  return 0;
}

export const sasi_tier = () => 3;
// The version of kernels/ABI.md (sasi_kernels::ABI_VERSION; exports.test.mjs checks it).
export const sasi_abi_version = () => 10;
export const allocated_bytes = () => liveBytes;
export const sasi_allocated_bytes = allocated_bytes;

export const f32 = (h, len) => view(h, len, 'f32');
export const u32 = (h, len) => view(h, len, 'u32');
export const f64 = (h, len) => view(h, len, 'f64');
/** bfloat16 weights (kernels/ABI.md "Weight storage"). */
export const u16 = (h, len) => view(h, len, 'u16');

export function rng_fill_uniform(seed, out, len, lo, hi) {
  return guard(() => {
    args(SIG.rng_fill_uniform, [seed, out, len]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) fail(E.BadArgument);
    fillUniform(seed, view(out, len, 'f32'), lo, hi);
    return 0;
  });
}

export function act_apply(kind, x, len) {
  return guard(() => {
    args(SIG.act_apply, [kind, x, len]);
    if (kind >= ACTIVATIONS) fail(E.BadArgument);
    applyActivation(kind, view(x, len, 'f32'));
    return 0;
  });
}

function denseCheck(wl, xl, bl, yl, m, n, batch) {
  if (m === 0 || n === 0 || batch === 0) fail(E.ZeroSize);
  if (m > MAX_DIM || n > MAX_DIM || batch > MAX_BATCH) fail(E.TooLarge);
  if (wl !== m * n || xl !== batch * n || bl !== m || yl !== batch * m) fail(E.LengthMismatch);
}

export function dense_forward(w, wl, x, xl, b, bl, y, yl, m, n, act) {
  return guard(() => {
    args(SIG.dense_forward, [w, wl, x, xl, b, bl, y, yl, m, n, act]);
    return dense_batch_forward(w, wl, x, xl, b, bl, y, yl, m, n, 1, act);
  });
}

export function dense_batch_forward(w, wl, xs, xl, b, bl, ys, yl, m, n, batch, act) {
  return guard(() => {
    args(SIG.dense_batch_forward, [w, wl, xs, xl, b, bl, ys, yl, m, n, batch, act]);
    if (act >= ACTIVATIONS) fail(E.BadArgument);
    denseCheck(wl, xl, bl, yl, m, n, batch);
    const W = view(w, wl, 'f32'), X = view(xs, xl, 'f32'), B = view(b, bl, 'f32'), Y = view(ys, yl, 'f32');
    distinct([ys], [w, xs, b]);
    if (batch === 1) dense(W, X, B, Y, m, n, act);
    else denseBatch(W, X, B, Y, m, n, batch, act);
    return 0;
  });
}

/** `dense_forward` on bfloat16 weights (a u16 buffer; kernels/ABI.md "Weight storage"). */
export function dense_forward_bf16(w, wl, x, xl, b, bl, y, yl, m, n, act) {
  return guard(() => {
    args(SIG.dense_forward_bf16, [w, wl, x, xl, b, bl, y, yl, m, n, act]);
    if (act >= ACTIVATIONS) fail(E.BadArgument);
    denseCheck(wl, xl, bl, yl, m, n, 1);
    const W = view(w, wl, 'u16'), X = view(x, xl, 'f32'), B = view(b, bl, 'f32'), Y = view(y, yl, 'f32');
    distinct([y], [w, x, b]);
    denseBf16(W, X, B, Y, m, n, act);
    return 0;
  });
}

export function lif_step(params, pl, v, refr, trace, syn, n, w, wl, prev, nPrev, rng, out, outLen) {
  return guard(() => lifCall(SIG.lif_step, 'f32', lifStep, [params, pl, v, refr, trace, syn, n, w, wl, prev, nPrev, rng, out, outLen]));
}

/** `lif_step` on bfloat16 weights (a u16 buffer; kernels/ABI.md "Weight storage"). */
export function lif_step_bf16(params, pl, v, refr, trace, syn, n, w, wl, prev, nPrev, rng, out, outLen) {
  return guard(() => lifCall(SIG.lif_step_bf16, 'u16', lifStepBf16, [params, pl, v, refr, trace, syn, n, w, wl, prev, nPrev, rng, out, outLen]));
}

/** The checks of a LIF step, then `step` with the weights as a `kind` view. */
function lifCall(sig, kind, step, a) {
  const [params, pl, v, refr, trace, syn, n, w, wl, prev, nPrev, rng, out, outLen] = a;
  args(sig, a);
  // As in the wasm modules: the buffer is checked first, then its length.
  const P = view(params, pl, 'f32');
  if (pl !== LIF_PARAMS_LEN) fail(E.LengthMismatch);
  if (!P.every(Number.isFinite) || P[1] <= 0 || P[5] < 0 || P[7] < 0 || P[7] > 1) fail(E.BadArgument);
  const V = view(v, n, 'f32'), R = view(refr, n, 'f32'), T = view(trace, n, 'f32'), S = view(syn, n, 'f32');
  const W = view(w, wl, kind), PR = view(prev, nPrev, 'u32'), G = view(rng, 4, 'u32'), O = view(out, outLen, 'u32');
  distinct([v, refr, trace, syn, rng, out], [w, prev, params]);
  if (n === 0) fail(E.ZeroSize);
  if (n > MAX_DIM) fail(E.TooLarge);
  if (wl !== n * n || outLen < n || nPrev > n) fail(E.LengthMismatch);
  for (let k = 0; k < nPrev; k++) if (PR[k] >= n) fail(E.BadArgument);
  return step(P, V, R, T, S, W, PR, nPrev, G, O);
}

export function stdp_update(w, wl, n, trace, tl, spikes, ns, params, pl) {
  return guard(() => stdpCall(SIG.stdp_update, 'f32', stdpUpdate, [w, wl, n, trace, tl, spikes, ns, params, pl]));
}

/** `stdp_update` on bfloat16 weights (kernels/ABI.md "Weight storage"). */
export function stdp_update_bf16(w, wl, n, trace, tl, spikes, ns, params, pl) {
  return guard(() => stdpCall(SIG.stdp_update_bf16, 'u16', stdpUpdateBf16, [w, wl, n, trace, tl, spikes, ns, params, pl]));
}

function stdpCall(sig, kind, update, a) {
  const [w, wl, n, trace, tl, spikes, ns, params, pl] = a;
  args(sig, a);
  // As in the wasm modules: the buffer is checked first, then its length.
  const P = view(params, pl, 'f32');
  if (pl !== STDP_PARAMS_LEN) fail(E.LengthMismatch);
  if (!P.every((x) => Number.isFinite(x) && x >= 0)) fail(E.BadArgument);
  const W = view(w, wl, kind), T = view(trace, tl, 'f32'), S = view(spikes, ns, 'u32');
  distinct([w], [trace, spikes, params]);
  if (n === 0) fail(E.ZeroSize);
  if (n > MAX_DIM) fail(E.TooLarge);
  if (wl !== n * n || tl !== n || ns > n) fail(E.LengthMismatch);
  for (let k = 0; k < ns; k++) if (S[k] >= n) fail(E.BadArgument);
  return update(W, n, T, S, ns, P);
}

export function mesh_efficiency(adj, al, n, wpr, out) {
  return guard(() => {
    args(SIG.mesh_efficiency, [adj, al, n, wpr, out]);
    const A = view(adj, al, 'u32'), O = view(out, 1, 'f64');
    distinct([out], [adj]);
    if (n > MAX_DIM) fail(E.TooLarge);
    if (wpr !== wordsPerRow(n) || al !== n * wpr) fail(E.LengthMismatch);
    const e = meshEfficiency(A, n, wpr);
    if (e === null) fail(E.BadArgument);
    O[0] = e;
    return 0;
  });
}

export function block_sums(w, wl, n, block, first, count, out, outLen) {
  return guard(() => blockSumsCall(SIG.block_sums, 'f32', blockSums, [w, wl, n, block, first, count, out, outLen]));
}

/** `block_sums` on bfloat16 weights (kernels/ABI.md "Weight storage"). */
export function block_sums_bf16(w, wl, n, block, first, count, out, outLen) {
  return guard(() => blockSumsCall(SIG.block_sums_bf16, 'u16', blockSumsBf16, [w, wl, n, block, first, count, out, outLen]));
}

function blockSumsCall(sig, kind, sums, a) {
  const [w, wl, n, block, first, count, out, outLen] = a;
  args(sig, a);
  const W = view(w, wl, kind), O = view(out, outLen, 'f32');
  distinct([out], [w]);
  if (n === 0 || block === 0) fail(E.ZeroSize);
  if (n > MAX_DIM) fail(E.TooLarge);
  if (n % block !== 0) fail(E.BadArgument);
  const agents = n / block;
  if (wl !== n * n || outLen !== agents * agents) fail(E.LengthMismatch);
  if (first + count > agents) fail(E.BadArgument);
  sums(W, n, block, first, count, O);
  return 0;
}

/** `out[i]` = `x[i]` rounded to bfloat16, nearest even (kernels/ABI.md "Weight storage"). */
export function weights_to_bf16(x, len, out) {
  return guard(() => {
    args(SIG.weights_to_bf16, [x, len, out]);
    const X = view(x, len, 'f32'), O = view(out, len, 'u16');
    distinct([out], [x]);
    for (let i = 0; i < len; i++) O[i] = encode(X[i]);
    return 0;
  });
}

export function probe_read(x, len, out) {
  return guard(() => {
    args(SIG.probe_read, [x, len, out]);
    const X = view(x, len, 'f32'), O = view(out, 1, 'f32');
    distinct([out], [x]);
    O[0] = probeRead(X);
    return 0;
  });
}

/** Lanes of `probe_mul_add`'s accumulator (kernels/src/ops/probe.rs MUL_ADD_LANES). */
export const MUL_ADD_LANES = 48;
/** Most iterations of one call (kernels/src/ops/probe.rs MAX_MUL_ADD_ITERS); more is TooLarge. */
export const MAX_MUL_ADD_ITERS = 1 << 24;

export function probe_mul_add(iters, a, b, acc) {
  return guard(() => {
    args(SIG.probe_mul_add, [iters, a, b, acc]);
    const A = view(acc, MUL_ADD_LANES, 'f32');
    if (iters > MAX_MUL_ADD_ITERS) fail(E.TooLarge);
    probeMulAdd(iters, a, b, A);
    return 0;
  });
}

/** `4 * ceil(n / 128)`; 0 for an `n` that is not a u32 (a u32 result has no room for a code). */
export const mesh_words_per_row = (n) => (isU32(n) ? wordsPerRow(n) : 0);
