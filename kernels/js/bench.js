// One benchmark harness for every tier (run in a Web Worker by the app and by `make bench`):
// the same seeded inputs copied into each tier's buffers, the same warm-up, the same batches
// of calls timed with performance.now(), medians reported. Each tier's output is checked
// against the JS tier on the same input before it is timed.
import { Rng } from './rng.js';
import { wordsPerRow } from './efficiency.js';

const now = () => performance.now();

export function median(xs) {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs, p) {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const rank = Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1));
  return v[rank];
}

export const ratio = (slow, fast) => (slow > 0 && fast > 0 ? slow / fast : null);

// ---- buffers in any tier ------------------------------------------------------------

function viewOf(x, kind, h, len) {
  if (x.memory) {
    const C = kind === 'u32' ? Uint32Array : kind === 'f64' ? Float64Array : Float32Array;
    return new C(x.memory.buffer, h, len);
  }
  return x[kind](h, len);
}

class Buffers {
  constructor(x) {
    this.x = x;
    this.live = [];
  }
  alloc(kind, len) {
    const bytes = len * (kind === 'f64' ? 8 : 4);
    const h = this.x.sasi_alloc(bytes) >>> 0;
    if (h === 0) throw new Error(`allocation of ${bytes} bytes failed`);
    this.live.push([h, bytes]);
    return { h, len, kind };
  }
  from(kind, data) {
    const b = this.alloc(kind, data.length);
    this.view(b).set(data);
    return b;
  }
  view(b) {
    return viewOf(this.x, b.kind, b.h, b.len);
  }
  free() {
    for (const [h, bytes] of this.live) this.x.sasi_free(h, bytes);
    this.live = [];
  }
}

function check(code, what) {
  if (code < 0) throw new Error(`${what} returned error ${code}`);
  return code;
}

// ---- seeded inputs ------------------------------------------------------------------

function uniform(seed, len, lo, hi) {
  const r = new Rng(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = Math.fround(lo + Math.fround(Math.fround(hi - lo) * r.nextF32()));
  return a;
}

function pickIndices(seed, n, frac) {
  const r = new Rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) if (r.nextF32() < frac) out.push(i);
  return Uint32Array.from(out);
}

function randomGraph(seed, n, degree) {
  const wpr = wordsPerRow(n);
  const adj = new Uint32Array(n * wpr);
  const r = new Rng(seed);
  const p = degree / 2 / n;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (r.nextF32() < p) {
        adj[i * wpr + (j >>> 5)] |= 1 << (j & 31);
        adj[j * wpr + (i >>> 5)] |= 1 << (i & 31);
      }
    }
  }
  return { adj, wpr };
}

// ---- the cases ----------------------------------------------------------------------
// Each case: { kernel, size, ops, op_unit, flops, bytes, prepare(x) → { call, output, free } }.

const ACT = { activation_relu: 1, activation_sigmoid: 3, activation_tanh: 4, activation_gelu: 5 };

function activationCase(kernel, n) {
  const input = uniform(11, n, -8, 8);
  return {
    kernel, size: String(n), ops: n, op_unit: 'elements', flops: 0, bytes: 8 * n, exact: true,
    prepare(x) {
      const B = new Buffers(x);
      const buf = B.from('f32', input);
      return {
        call: () => check(x.act_apply(ACT[kernel], buf.h, n), kernel),
        // In-place kernels run on their own output; restoring the input before each batch
        // keeps values in range (GELU applied many times drifts into subnormals).
        reset: () => B.view(buf).set(input),
        output: () => Float32Array.from(B.view(buf)),
        free: () => B.free(),
      };
    },
  };
}

function denseCase(m, n, batch) {
  const w = uniform(21, m * n, -0.5, 0.5);
  const xs = uniform(22, batch * n, -1, 1);
  const b = uniform(23, m, -0.1, 0.1);
  const kernel = batch === 1 ? 'dense' : 'dense_batch';
  return {
    kernel, size: batch === 1 ? `${m}x${n}` : `${batch}x${n}x${m}`,
    ops: m * n * batch, op_unit: 'MACs', flops: 2 * m * n * batch, bytes: 4 * (m * n + batch * n + m + batch * m),
    tolerance: 1e-4,
    prepare(x) {
      const B = new Buffers(x);
      const W = B.from('f32', w), X = B.from('f32', xs), Bi = B.from('f32', b), Y = B.alloc('f32', batch * m);
      const call = batch === 1
        ? () => check(x.dense_forward(W.h, W.len, X.h, X.len, Bi.h, Bi.len, Y.h, Y.len, m, n, 0), 'dense_forward')
        : () => check(x.dense_batch_forward(W.h, W.len, X.h, X.len, Bi.h, Bi.len, Y.h, Y.len, m, n, batch, 0), 'dense_batch_forward');
      return { call, output: () => Float32Array.from(B.view(Y)), free: () => B.free() };
    },
  };
}

// ≈5 % firing: a fixed 5 % of neurons spiked "last step", and a drive that fires ≈5 %.
const LIF_PARAMS = Float32Array.from([1, 20, 0, 0, 1, 2, Math.exp(-1 / 20), 0.05, 1.5]);

function lifCase(n) {
  const w = uniform(31, n * n, 0, 0.004);
  const v = uniform(32, n, 0, 0.9);
  const prev = pickIndices(33, n, 0.05);
  return {
    kernel: 'lif_step', size: String(n), ops: n, op_unit: 'neuron updates', flops: 0,
    bytes: 4 * (prev.length * n + 5 * n), exact: true,
    prepare(x) {
      const B = new Buffers(x);
      const P = B.from('f32', LIF_PARAMS), V = B.from('f32', v), R = B.alloc('f32', n), T = B.alloc('f32', n);
      const S = B.alloc('f32', n), W = B.from('f32', w), PR = B.from('u32', prev);
      const G = B.from('u32', Uint32Array.from([1, 2, 3, 4])), O = B.alloc('u32', n);
      let spikes = 0, calls = 0;
      const call = () => {
        spikes += check(x.lif_step(P.h, 9, V.h, R.h, T.h, S.h, n, W.h, W.len, PR.h, PR.len, G.h, O.h, n), 'lif_step');
        calls++;
      };
      return {
        call,
        output: () => {
          const k = spikes;
          return { spikes: Uint32Array.from(B.view(O)).slice(0, k), v: Float32Array.from(B.view(V)) };
        },
        firing: () => (calls ? spikes / calls / n : 0),
        free: () => B.free(),
      };
    },
  };
}

const STDP_PARAMS = Float32Array.from([1e-5, 1.05e-5, 0.2, 0, 0]);

function stdpCase(n) {
  const w = uniform(41, n * n, 0.05, 0.15);
  const trace = uniform(42, n, 0, 1);
  const spikes = pickIndices(43, n, 0.05);
  return {
    kernel: 'stdp', size: String(n), ops: 2 * spikes.length * n, op_unit: 'synapse updates', flops: 0,
    bytes: 8 * 2 * spikes.length * n, tolerance: 1e-5,
    prepare(x) {
      const B = new Buffers(x);
      const W = B.from('f32', w), T = B.from('f32', trace), S = B.from('u32', spikes), P = B.from('f32', STDP_PARAMS);
      return {
        call: () => check(x.stdp_update(W.h, W.len, n, T.h, n, S.h, S.len, P.h, 5), 'stdp_update'),
        output: () => Float32Array.from(B.view(W)),
        free: () => B.free(),
      };
    },
  };
}

function efficiencyCase(n) {
  const { adj, wpr } = randomGraph(51, n, 8);
  return {
    kernel: 'efficiency', size: String(n), ops: (n * n * n) / 32, op_unit: 'word ops', flops: 0,
    bytes: 4 * adj.length, exact: true,
    prepare(x) {
      const B = new Buffers(x);
      const A = B.from('u32', adj), O = B.alloc('f64', 1);
      return {
        call: () => check(x.mesh_efficiency(A.h, A.len, n, wpr, O.h), 'mesh_efficiency'),
        output: () => Float64Array.from(B.view(O)),
        free: () => B.free(),
      };
    },
  };
}

export function cases(set) {
  if (Array.isArray(set)) return set;
  const full = set === 'full';
  const actN = full ? 1048576 : 65536;
  const list = ['activation_relu', 'activation_sigmoid', 'activation_tanh', 'activation_gelu'].map((k) => activationCase(k, actN));
  for (const s of full ? [64, 256, 512, 1024, 2048] : [64, 256, 1024]) list.push(denseCase(s, s, 1));
  list.push(denseCase(32, 32, 64));
  if (full) list.push(denseCase(64, 64, 2048));
  for (const n of full ? [1024, 4096] : [1024]) list.push(lifCase(n));
  for (const n of full ? [1024, 4096] : [1024]) list.push(stdpCase(n));
  for (const n of full ? [256, 1024] : [256]) list.push(efficiencyCase(n));
  return list;
}

/** Largest difference between a tier's output and the JS tier's (0 = identical). */
function difference(a, b) {
  if (a.spikes) {
    if (a.spikes.length !== b.spikes.length || a.spikes.some((x, i) => x !== b.spikes[i])) return Infinity;
    return difference(a.v, b.v);
  }
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d;
}

function maxAbs(a) {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

async function yieldToEvents() {
  await new Promise((r) => setTimeout(r, 0));
}

/** Times `call`: warm-up, then batches of k calls (k so a batch takes ≥ 2 ms). ns per call. */
async function measure(call, full, reset = () => {}) {
  const warmMs = full ? 50 : 15;
  const t0 = now();
  let n = 0;
  while (n < 3 || now() - t0 < warmMs) {
    call();
    n++;
  }
  const per = (now() - t0) / n;
  const k = Math.max(1, Math.ceil(2 / Math.max(per, 1e-5)));
  const batches = full ? 15 : 5;
  const samples = [];
  for (let b = 0; b < batches; b++) {
    reset();
    const s = now();
    for (let i = 0; i < k; i++) call();
    samples.push(((now() - s) / k) * 1e6);
  }
  return { samples, k };
}

export const TIER_ORDER = ['js', 'scalar', 'simd', 'relaxed'];

/**
 * Runs every case in every available tier. `tiers`: name → exports object (or null).
 * `onProgress({kernel,size,tier,done,total})`, `onRow(row)`, `isCancelled()`.
 */
export async function runBench({ tiers, set = 'quick', onProgress = () => {}, onRow = () => {}, isCancelled = () => false }) {
  const list = cases(set);
  const full = set === 'full';
  const names = TIER_ORDER.filter((t) => tiers[t]);
  const total = list.length * names.length;
  const rows = [];
  let done = 0;
  for (const c of list) {
    // The reference output: the JS tier's (or the first available tier's) on fresh inputs.
    let ref = null;
    for (const t of names) {
      if (isCancelled()) return { rows, cancelled: true };
      onProgress({ kernel: c.kernel, size: c.size, tier: t, done, total });
      await yieldToEvents();
      const x = tiers[t];
      let row;
      try {
        const fresh = c.prepare(x);
        fresh.call();
        const out = fresh.output();
        fresh.free();
        if (ref === null) ref = out;
        const diff = difference(out, ref);
        const agrees = c.exact ? diff === 0 : diff <= (c.tolerance ?? 0) * Math.max(1, maxAbs(ref));
        const run = c.prepare(x);
        const { samples, k } = await measure(run.call, full, run.reset);
        const firing = run.firing ? run.firing() : undefined;
        run.free();
        row = {
          kernel: c.kernel, size: c.size, tier: t,
          median_ns: median(samples), min_ns: Math.min(...samples), max_ns: Math.max(...samples), p90_ns: percentile(samples, 90),
          runs: samples.length, calls_per_batch: k, ops: c.ops, op_unit: c.op_unit, flops: c.flops, bytes: c.bytes,
          agrees, max_diff: diff, ...(firing !== undefined ? { firing_fraction: firing } : {}),
        };
      } catch (e) {
        row = { kernel: c.kernel, size: c.size, tier: t, median_ns: null, error: String(e.message || e), agrees: false };
      }
      rows.push(row);
      onRow(row);
      done++;
    }
  }
  return { rows, cancelled: false };
}

/** The JSON shape: one entry per kernel × size, median per tier (null if absent). */
export function summarise(rows) {
  const results = [];
  for (const r of rows) {
    let e = results.find((x) => x.kernel === r.kernel && x.size === r.size);
    if (!e) {
      e = { kernel: r.kernel, size: r.size, median_ns: { js: null, scalar: null, simd: null, relaxed: null } };
      results.push(e);
    }
    e.median_ns[r.tier] = r.median_ns ?? null;
  }
  for (const e of results) {
    const m = e.median_ns;
    e.speedup = { simd_js: ratio(m.js, m.simd), simd_scalar: ratio(m.scalar, m.simd), relaxed_simd: ratio(m.simd, m.relaxed) };
  }
  return { results };
}
