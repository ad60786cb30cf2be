// One benchmark harness for every tier (run in a Web Worker by the app and by `make bench`):
// the same seeded inputs copied into each tier's buffers, the same warm-up, the same batches
// of calls timed with performance.now(), medians and spread reported.
//
// Method, so that a sceptic can check it:
// - Outputs first: each tier's output is checked before it is timed, against an f64
//   reference where the kernel's contract is a tolerance (activations 2e-6 absolute, dense
//   relative to Σ|w·x|), and against the JS tier where the contract is bit-exact (LIF,
//   mesh efficiency) or FMA-tolerant (STDP). A row that disagrees says so (`agrees: false`).
// - Warm-up until the engine has tiered up (V8 Liftoff→TurboFan, SpiderMonkey baseline→Ion,
//   JavaScriptCore BBQ→OMG): rounds of batches until two successive round medians agree
//   within 5 %, after a minimum warm-up time; a row that hit the cap first is marked
//   `settled: false`.
// - Batches long enough for the engine's timer (Firefox and WebKit clamp performance.now()
//   to 20 µs even when cross-origin isolated): a batch lasts at least 200 timer ticks and
//   2 ms (4 ms in the full set). Nothing is ever timed per call.
// - In-place kernels (activations) get a fresh input for every call: a cache-sized ring of
//   copies; a batch runs in segments of one pass over the ring, restored (untimed) between
//   segments, so no call times an already-rectified array.
// - A case that throws becomes a row with `median_ns: null` and its `error`; the run goes on.
import { Rng } from '../tier/rng.js';
import { encode } from '../tier/weight.js';
import { wordsPerRow } from '../tier/efficiency.js';
import { PLAIN } from './plain-loops.js';

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

/** The smallest step performance.now() shows here, in ms (5 µs in isolated Chromium, 20 µs or more elsewhere). */
export function timerResolutionMs() {
  let best = Infinity;
  let last = now();
  const t0 = last;
  for (let i = 0; i < 200000 && now() - t0 < 50; i++) {
    const t = now();
    if (t > last) {
      best = Math.min(best, t - last);
      last = t;
    }
  }
  return Number.isFinite(best) ? best : 1;
}

// ---- buffers in any tier ------------------------------------------------------------

function viewOf(x, kind, h, len) {
  if (x.memory) {
    const C = kind === 'u32' ? Uint32Array : kind === 'f64' ? Float64Array : kind === 'u16' ? Uint16Array : Float32Array;
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
    const bytes = len * (kind === 'f64' ? 8 : kind === 'u16' ? 2 : 4);
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

export function uniform(seed, len, lo, hi) {
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

// ---- f64 references -----------------------------------------------------------------

const GELU_C = Math.sqrt(2 / Math.PI);
const REF_ACT = {
  activation_relu: (x) => (x < 0 ? 0 : x),
  activation_sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  activation_tanh: (x) => Math.tanh(x),
  activation_gelu: (x) => (x < -10 ? 0 : 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)))),
};

/** y = W·x + b per input in f64, and the scale Σ|w·x| + |b| of each sum (for the tolerance). */
function denseReference(w, xs, b, m, n, batch) {
  const y = new Float64Array(batch * m);
  let scale = 1;
  for (let k = 0; k < batch; k++) {
    for (let i = 0; i < m; i++) {
      let s = b[i];
      let a = Math.abs(b[i]);
      for (let j = 0; j < n; j++) {
        const p = w[i * n + j] * xs[k * n + j];
        s += p;
        a += Math.abs(p);
      }
      y[k * m + i] = s;
      if (a > scale) scale = a;
    }
  }
  return { y, scale };
}

// ---- the cases ----------------------------------------------------------------------
// Each case: { kernel, size, ops, op_unit, flops, bytes, compare, prepare(x, model) → run }, where
// run = { call(i), reset(), output(), free(), maxCalls?, firing? } and `compare` says what the
// output is checked against: { against: 'f64', reference: Float64Array, tolerance } or
// { against: 'js', tolerance } (0 = bit for bit).

const ACT = { activation_relu: 1, activation_sigmoid: 3, activation_tanh: 4, activation_gelu: 5 };
const ACT_NAME = { 1: 'activation_relu', 3: 'activation_sigmoid', 4: 'activation_tanh', 5: 'activation_gelu' };
/**
 * Bytes of input copies an in-place case keeps so that each call gets a fresh input. Small
 * enough to stay in cache: with 32 MB every call streamed from DRAM on this VM and each
 * activation row measured memory bandwidth (≈ 2 GB/s), not the kernel.
 */
export const RING_BYTES = 8 * 1024 * 1024;

function activationCase(kernel, n) {
  const input = uniform(11, n, -8, 8);
  const f = REF_ACT[kernel];
  return {
    kernel, size: String(n), ops: n, op_unit: 'elements', flops: 0, bytes: 8 * n,
    compare: { against: 'f64', reference: Float64Array.from(input, f), tolerance: 2e-6 },
    prepare(x) {
      const B = new Buffers(x);
      const copies = Math.max(1, Math.min(256, Math.floor(RING_BYTES / (4 * n))));
      const ring = Array.from({ length: copies }, () => B.from('f32', input));
      return {
        call: (i = 0) => check(x.act_apply(ACT[kernel], ring[i % copies].h, n), kernel),
        // At most one call per copy between two (untimed) restores of the ring.
        maxCalls: copies,
        reset: () => { for (const b of ring) B.view(b).set(input); },
        output: () => Float32Array.from(B.view(ring[0])),
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
  let ref = null;
  return {
    kernel, size: batch === 1 ? `${m}x${n}` : `${batch}x${n}x${m}`,
    ops: m * n * batch, op_unit: 'MACs', flops: 2 * m * n * batch, bytes: 4 * (m * n + batch * n + m + batch * m),
    get compare() {
      // f32 sums of n products: error ≲ n·2⁻²⁴·Σ|w·x|; 1e-5·Σ|w·x| bounds it up to n = 2048
      // with room for any summation order, and still catches a single missing product.
      ref ??= denseReference(w, xs, b, m, n, batch);
      return { against: 'f64', reference: ref.y, tolerance: 1e-5 * ref.scale };
    },
    prepare(x) {
      const B = new Buffers(x);
      const W = B.from('f32', w), X = B.from('f32', xs), Bi = B.from('f32', b), Y = B.alloc('f32', batch * m);
      const call = batch === 1
        ? () => check(x.dense_forward(W.h, W.len, X.h, X.len, Bi.h, Bi.len, Y.h, Y.len, m, n, 0), 'dense_forward')
        : () => check(x.dense_batch_forward(W.h, W.len, X.h, X.len, Bi.h, Bi.len, Y.h, Y.len, m, n, batch, 0), 'dense_batch_forward');
      return { call, reset: () => {}, output: () => Float32Array.from(B.view(Y)), free: () => B.free() };
    },
  };
}

/**
 * Matrix × vector on bfloat16 weights (kernels/ABI.md "Weight storage"): the inputs of
 * denseCase, the weights encoded; checked against the f64 reference on the decoded weights.
 */
function matvecBf16Case(m, n) {
  const w16 = encodeAll(uniform(21, m * n, -0.5, 0.5));
  const xs = uniform(22, n, -1, 1);
  const b = uniform(23, m, -0.1, 0.1);
  let ref = null;
  return {
    kernel: 'dense_bf16', size: `${m}x${n}`, weights: 'bf16',
    ops: m * n, op_unit: 'MACs', flops: 2 * m * n, bytes: 2 * m * n + 4 * (n + 2 * m),
    get compare() {
      ref ??= denseReference(decodeAll(w16), xs, b, m, n, 1);
      return { against: 'f64', reference: ref.y, tolerance: 1e-5 * ref.scale };
    },
    prepare(x) {
      const B = new Buffers(x);
      const W = B.from('u16', w16), X = B.from('f32', xs), Bi = B.from('f32', b), Y = B.alloc('f32', m);
      const call = () => check(x.dense_forward_bf16(W.h, W.len, X.h, X.len, Bi.h, Bi.len, Y.h, Y.len, m, n, 0), 'dense_forward_bf16');
      return { call, reset: () => {}, output: () => Float32Array.from(B.view(Y)), free: () => B.free() };
    },
  };
}

// ---- the live model: what one step of the app's run costs ------------------------------

/**
 * How the live-step cases run the app's model: as a page opened with no settings runs it
 * (src/runtime/params.rs `Settings::default`: 64 agents, seed 7, drive 30 Hz, STDP on), after
 * `warmupSteps` steps of its run, so the firing is the run's own, not a chosen fraction.
 */
export const LIVE = { agents: 64, seed: 7, driveHz: 30, warmupSteps: 500 };

/** Neurons per agent at N, as the app computes it. */
const livePer = (n) => Math.max(1, Math.floor(n / LIVE.agents));

/**
 * The app's simulation state in tier `x`: `net` = {w, v, lanes} and optionally {refr, trace,
 * syn, prev}, parameters `lif` and `stdp` (the kernels' layouts), stepped as the app steps it
 * (src/runtime/sim.rs `run_steps`: lif_step from the last step's spikes, then stdp_update on
 * this step's spikes, then the spike buffers swap).
 */
function liveState(x, net, n, lif, stdp) {
  const B = new Buffers(x);
  const zeros = new Float32Array(n);
  const P = B.from('f32', lif), V = B.from('f32', net.v), R = B.from('f32', net.refr ?? zeros), T = B.from('f32', net.trace ?? zeros);
  const S = B.from('f32', net.syn ?? zeros), G = B.from('u32', net.lanes), SP = B.from('f32', stdp);
  // The weights in the run's storage (kernels/ABI.md "Weight storage"): `net.w16` (bfloat16
  // bits) runs the bf16 kernels, `net.w` the f32 ones.
  const bf16 = net.w16 !== undefined;
  const W = bf16 ? B.from('u16', net.w16) : B.from('f32', net.w);
  const lifStep = bf16 ? x.lif_step_bf16 : x.lif_step, stdpUpdate = bf16 ? x.stdp_update_bf16 : x.stdp_update;
  const [lifName, stdpName] = bf16 ? ['lif_step_bf16', 'stdp_update_bf16'] : ['lif_step', 'stdp_update'];
  let prev = B.alloc('u32', n), out = B.alloc('u32', n);
  let nPrev = 0;
  if (net.prev) {
    B.view(prev).set(net.prev);
    nPrev = net.prev.length;
  }
  const st = {
    B, W, V, R, T, S, G,
    /** The LIF step; its spikes are `out` until `swap`. */
    lif: () => check(lifStep(P.h, P.len, V.h, R.h, T.h, S.h, n, W.h, W.len, prev.h, nPrev, G.h, out.h, n), lifName),
    /** A LIF step from `k` given spikes (a buffer of `Buffers`), not the last step's. */
    lifFrom: (spikes, k) => check(lifStep(P.h, P.len, V.h, R.h, T.h, S.h, n, W.h, W.len, spikes.h, k, G.h, out.h, n), lifName),
    /** Plasticity for `k` spikes held in `spikes` (this step's, by default). */
    stdp: (k, spikes = out) => {
      if (k > 0) check(stdpUpdate(W.h, W.len, n, T.h, n, spikes.h, k, SP.h, SP.len), stdpName);
    },
    /** The weights as values (bf16 decoded exactly). */
    weights: () => (bf16 ? decodeAll(B.view(W)) : Float32Array.from(B.view(W))),
    swap: (k) => {
      [prev, out] = [out, prev];
      nPrev = k;
    },
    /** One step of the app's run: its spike count. */
    step: (plastic = true) => {
      const k = st.lif();
      if (plastic) st.stdp(k);
      st.swap(k);
      return k;
    },
    /** The last step's spikes. */
    spikes: () => B.view(prev).slice(0, nPrev),
    free: () => B.free(),
  };
  return st;
}

/**
 * The app's model, from the wasm module `builder` (its `model_network` and `model_params`:
 * the code the app seeds and steps its run with): `params()`, and `snapshot(n)`, the run's
 * whole state after `LIVE.warmupSteps` live steps in that module, computed once per N. Every
 * tier starts a live-step case from the same snapshot, so their outputs can be compared.
 */
export function liveModel(builder) {
  const snaps = new Map();
  const params = () => {
    const B = new Buffers(builder);
    try {
      const L = B.alloc('f32', 9), S = B.alloc('f32', 5);
      check(builder.model_params(LIVE.driveHz, L.h, S.h), 'model_params');
      return { lif: B.view(L).slice(), stdp: B.view(S).slice() };
    } finally {
      B.free();
    }
  };
  return {
    params,
    /** `weights`: the storage the run keeps its weights in, 'f32' or 'bf16' (its own run). */
    snapshot(n, weights = 'f32') {
      const key = `${n}:${weights}`;
      if (!snaps.has(key)) {
        const { lif, stdp } = params();
        const st = liveState(builder, seededNetwork(builder, { n, per: livePer(n) }, LIVE.seed, weights), n, lif, stdp);
        try {
          const counts = [];
          let typical = null;
          for (let s = 0; s < LIVE.warmupSteps; s++) counts.push(st.step());
          // The STDP case's spikes: the warm-up's last step whose count is nearest its mean.
          const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
          const f32 = (b) => st.B.view(b).slice();
          const snap = { v: f32(st.V), refr: f32(st.R), trace: f32(st.T), syn: f32(st.S), lanes: f32(st.G), prev: st.spikes(), meanSpikes: mean };
          snap[weights === 'bf16' ? 'w16' : 'w'] = f32(st.W);
          // Step once more at a time, not changing the snapshot, to find a typical step's spikes.
          const probe = liveState(builder, snap, n, lif, stdp);
          try {
            for (let s = 0; s < 64 && typical === null; s++) {
              const k = probe.step();
              if (Math.abs(k - mean) <= Math.max(1, 0.25 * mean)) typical = probe.spikes();
            }
          } finally {
            probe.free();
          }
          snap.typical = typical ?? snap.prev;
          snaps.set(key, { snap, lif, stdp });
        } finally {
          st.free();
        }
      }
      return snaps.get(key);
    },
  };
}

/**
 * A run over a live state whose calls each run `step(st)` and return its spikes: the output is
 * the last step's spikes and the potentials, and the row reports the firing fraction.
 */
function firingRun(st, n, step) {
  let spikes = 0, calls = 0;
  return {
    call: () => {
      spikes += step(st);
      calls++;
    },
    reset: () => {},
    output: () => ({ spikes: st.spikes(), v: Float32Array.from(st.B.view(st.V)) }),
    firing: () => (calls ? spikes / calls / n : 0),
    free: () => st.free(),
  };
}

/** Bytes per stored weight. */
const WEIGHT_BYTES = { f32: 4, bf16: 2 };
/** Bytes a live LIF step touches (counting rule): the state, and one weight row per spike. */
const lifBytes = (n, spikes, weights = 'f32') => WEIGHT_BYTES[weights] * spikes * n + 4 * 5 * n;
/** Bytes of an STDP update for `k` spikes: row and column of each, read and written. */
const stdpBytes = (n, k, weights = 'f32') => 2 * WEIGHT_BYTES[weights] * 2 * k * n;
/** A case's kernel name in a storage: `lif_step`, `lif_step_bf16`. */
const storageKernel = (kernel, weights) => (weights === 'f32' ? kernel : `${kernel}_${weights}`);

/**
 * The LIF step as the app runs it at N: the app's network, parameters and firing (after the
 * warm-up), each call one step from the last call's spikes (no plasticity in between).
 */
function lifCase(n, { stationary = false, weights = 'f32' } = {}) {
  const c = {
    kernel: storageKernel('lif_step', weights), size: String(n), ops: n, op_unit: 'neuron updates', flops: 0, bytes: null, live: true, weights,
    // No transcendental: every tier computes the same f32 operations, so spikes and
    // potentials must be identical to the JS tier's.
    compare: { against: 'js', tolerance: 0 },
    prepare(x, model) {
      const { snap, lif, stdp } = model.snapshot(n, weights);
      c.bytes = lifBytes(n, snap.meanSpikes, weights);
      const st = liveState(x, snap, n, lif, stdp);
      // Stationary (the calibration's form): every call steps from the same typical step's
      // spikes, so two forms timed at different calls do the same work. Otherwise the state
      // advances one simulated step per call, as in the app; a batch starts from wherever the
      // last one left it (the firing fraction is reported with the row).
      if (stationary) {
        const P = st.B.from('u32', snap.typical.length ? snap.typical : new Uint32Array(1));
        return firingRun(st, n, () => st.lifFrom(P, snap.typical.length));
      }
      return firingRun(st, n, () => {
        const k = st.lif();
        st.swap(k);
        return k;
      });
    },
  };
  return c;
}

/**
 * The STDP update as the app runs it at N: the app's weights and traces after the warm-up,
 * for the spikes of a typical step of its run (nearest the warm-up's mean count), in place.
 */
function stdpCase(n, { weights = 'f32' } = {}) {
  const c = {
    kernel: storageKernel('stdp', weights), size: String(n), ops: 0, op_unit: 'synapse updates', flops: 0, bytes: null, live: true, weights,
    // Relaxed SIMD fuses a multiply-add: the weights may differ in the last bits (in bf16, by
    // one step of the storage: 2⁻⁸ relative).
    compare: { against: 'js', tolerance: weights === 'bf16' ? 1 / 128 : 1e-5 },
    prepare(x, model) {
      const { snap, lif, stdp } = model.snapshot(n, weights);
      const k = snap.typical.length;
      Object.assign(c, { ops: 2 * k * n, bytes: stdpBytes(n, k, weights) });
      const st = liveState(x, snap, n, lif, stdp);
      const S = st.B.from('u32', snap.typical.length ? snap.typical : new Uint32Array(1));
      return {
        call: () => st.stdp(k, S),
        reset: () => {},
        output: () => st.weights(),
        firing: () => k / n,
        free: () => st.free(),
      };
    },
  };
  return c;
}

/** Frames the live step is timed over (1.5 s of the page's frames): on a shared 2-core machine
 *  fewer frames left its median too far from the page's own (tests/e2e/protocol.test.mjs). */
const LIVE_FRAMES = 90;

/**
 * One step of the app's run at N, LIF then STDP, exactly as the live page steps it and timed
 * as the page runs it: frames of the page's default 4 steps, a frame's gap apart
 * (`measureFrames`). What the page's "LIF + STDP" time divided by its steps per frame
 * measures (tests/e2e/protocol.test.mjs compares the two). The state carries on from call to
 * call, plasticity included.
 */
function liveStepCase(n, { weights = 'f32' } = {}) {
  const c = {
    kernel: storageKernel('live_step', weights), size: String(n), ops: n, op_unit: 'neuron updates', flops: 0, bytes: null, live: true, weights,
    frames: { steps: 4, gapMs: FRAME_GAP_MS, frames: LIVE_FRAMES },
    // The first call's LIF is identical in every tier; its STDP may differ in the last bits.
    compare: { against: 'js', tolerance: 0 },
    prepare(x, model) {
      const { snap, lif, stdp } = model.snapshot(n, weights);
      c.bytes = lifBytes(n, snap.meanSpikes, weights) + stdpBytes(n, snap.meanSpikes, weights);
      return firingRun(liveState(x, snap, n, lif, stdp), n, (st) => st.step());
    },
  };
  return c;
}

/**
 * The mesh's block sums as the app runs them at N: the app's weights (after the warm-up), its
 * agents (N / 64 neurons each), the whole pass (every source agent) per call.
 */
function blockSumsCase(n) {
  const block = livePer(n), a = Math.floor(n / block);
  return {
    kernel: 'block_sums', size: String(n), ops: n * n, op_unit: 'weights summed', flops: n * n, bytes: 4 * (n * n + a * a), live: true,
    // The SIMD source sums in another order than the plain loop: within rounding of each other.
    compare: { against: 'js', tolerance: 1e-4 },
    prepare(x, model) {
      const { snap } = model.snapshot(n);
      const B = new Buffers(x);
      const W = B.from('f32', snap.w), O = B.alloc('f32', a * a);
      return {
        call: () => check(x.block_sums(W.h, W.len, n, block, 0, a, O.h, O.len), 'block_sums'),
        reset: () => {},
        output: () => Float32Array.from(B.view(O)),
        free: () => B.free(),
      };
    },
  };
}

function efficiencyCase(n) {
  const { adj, wpr } = randomGraph(51, n, 8);
  return {
    kernel: 'efficiency', size: String(n), ops: (n * n * n) / 32, op_unit: 'word ops', flops: 0,
    bytes: 4 * adj.length,
    compare: { against: 'js', tolerance: 0 },
    prepare(x) {
      const B = new Buffers(x);
      const A = B.from('u32', adj), O = B.alloc('f64', 1);
      return {
        call: () => check(x.mesh_efficiency(A.h, A.len, n, wpr, O.h), 'mesh_efficiency'),
        reset: () => {},
        output: () => Float64Array.from(B.view(O)),
        free: () => B.free(),
      };
    },
  };
}

export function cases(set) {
  if (Array.isArray(set)) return set;
  // A comma list of sets: each in turn (`live:4096,live:4096:bf16`).
  if (set.includes(',')) return set.split(',').flatMap((s) => cases(s.trim()));
  // `live:N` (`live:N:bf16`): one step of the app's run at N alone, in that weight storage
  // (the protocol check's set; tests/bench/storage.mjs); `lif:N`, `stdp:N` its two kernels.
  const live = /^(live|lif|stdp):(\d+)(?::(f32|bf16))?$/.exec(set);
  if (live) {
    const make = { live: liveStepCase, lif: lifCase, stdp: stdpCase }[live[1]];
    return [make(Number(live[2]), { weights: live[3] ?? 'f32' })];
  }
  const full = set === 'full';
  const actN = full ? 1048576 : 65536;
  const list = ['activation_relu', 'activation_sigmoid', 'activation_tanh', 'activation_gelu'].map((k) => activationCase(k, actN));
  for (const s of full ? [64, 256, 512, 1024, 2048] : [64, 256, 1024]) list.push(denseCase(s, s, 1));
  for (const s of full ? [1024, 2048] : [1024]) list.push(matvecBf16Case(s, s));
  list.push(denseCase(32, 32, 64));
  if (full) list.push(denseCase(64, 64, 2048));
  // The live kernels in both weight storages (kernels/ABI.md "Weight storage").
  for (const weights of ['f32', 'bf16']) {
    for (const n of full ? [1024, 4096] : [1024]) list.push(lifCase(n, { weights }));
    for (const n of full ? [1024, 4096] : [1024]) list.push(stdpCase(n, { weights }));
    for (const n of full ? [1024, 4096] : [1024]) list.push(liveStepCase(n, { weights }));
  }
  for (const n of full ? [256, 1024] : [256]) list.push(efficiencyCase(n));
  return list;
}

// ---- kernel forms: which one this CPU and engine run faster ------------------------------

/** The kernels with two forms and each kernel's forms, by the index `variant_select` takes
 *  (kernels/ABI.md "Kernel forms"; kernels/js/test/forms.test.mjs checks them against Rust). */
export const FORMS = Object.freeze({
  kernels: ['lif_step', 'stdp', 'efficiency', 'block_sums', 'dense_batch'],
  forms: [['lanes', 'loop'], ['lanes', 'loop'], ['lanes', 'loop'], ['lanes', 'loop'], ['broadcast', 'shuffle']],
});
/** Two forms closer than this (relative, median against median) are a tie: the module keeps
 *  the form it starts in, so the noise of a short calibration on a shared machine (rounds of
 *  one form differ by 10–25 % here) does not flip the choice. */
export const FORM_TIE = 0.15;
/** What the calibration may spend in all, every module and the app's model included, ms
 *  (issue 28: at most 150 ms). */
export const CALIBRATION_BUDGET_MS = 150;

/**
 * The form to run, from each form's timings (per-call ms of each round, keyed by the kernel's
 * form `names`): the lower of the two forms' least times, unless the two are within FORM_TIE
 * of each other, then `start` (the module's own form). The least, not the median: the page
 * calibrates while it starts its own run, and on a machine with few cores another thread
 * preempts the worker in some of the rounds, which only ever adds time (a median of a few
 * rounds picked either form of the GEMM in Firefox, page load to page load). Deterministic given
 * its timings. Returns `{ form, ratio }` (`ratio`: the slower least time over the faster, 1 for
 * a tie or missing timings).
 */
export function pickForm(timings, start, names = FORMS.forms[0]) {
  const m = names.map((f) => Math.min(...(timings[f] ?? []).filter(Number.isFinite)));
  if (!m.every((x) => Number.isFinite(x) && x > 0)) return { form: start, ratio: 1 };
  const [a, b] = m;
  const fast = a <= b ? 0 : 1;
  const ratio = Math.max(a, b) / Math.min(a, b);
  return ratio - 1 <= FORM_TIE ? { form: start, ratio } : { form: names[fast], ratio };
}

/** The calibration's cases: the app's own shapes (its network and firing at N = 1024, the
 *  mesh's agents), one per kernel with forms, in FORMS order; the GEMM as the quick set's
 *  64 inputs × 32 → 32 (a few µs a call, so its warm-up runs it hundreds of times; the
 *  difference between its forms is the engine's code for the inner loop, the same at 2048
 *  inputs: kernels/js/test/forms.test.mjs, README "Kernel forms"). */
const calibrationCases = () => [lifCase(1024, { stationary: true }), stdpCase(1024), efficiencyCase(256), blockSumsCase(1024), { ...denseCase(32, 32, 64), warmMs: GEMM_WARM_MS }];
/** The order the calibration times the kernels in (indices into FORMS.kernels): the live
 *  step's kernels, then the GEMM, then the mesh's, which run every 15th frame and so matter
 *  least when the budget runs out before the last. */
const CALIBRATION_ORDER = [0, 1, 4, 2, 3];
/** A form's warm-up runs at least this many calls as well as `warmMs`. */
const WARM_CALLS = 10;
/** The GEMM's warm-up per form (ms): SpiderMonkey and JavaScriptCore keep a wasm function in
 *  their baseline code for its first ~5 ms of work (both forms are one function, so both
 *  forms' warm-ups count), and a choice made on baseline code says nothing of the optimised. */
const GEMM_WARM_MS = 4;
/** Every form's warm-up when a calibration has more than the page's budget (`make bench`):
 *  long enough for SpiderMonkey and JavaScriptCore to optimise each kernel (GEMM_WARM_MS). */
export const LONG_WARM_MS = 12;

/** Calls per timed batch in the calibration: `batchMs` of work at the per-call time the two
 *  forms' warm-ups took (`[{ calls, ms }]`, each tens of calls long). Sized from the whole
 *  warm-ups, not from one call: on a clock clamped to 20 µs (Firefox, WebKit) one call of a
 *  few µs reads as 0 or 20 µs, and a batch sized from it is either the cap or a few calls that
 *  the clock cannot resolve. 1 to MAX_BATCH_CALLS. */
export function calibrationBatchCalls(warm, batchMs) {
  const calls = warm.reduce((a, w) => a + w.calls, 0);
  const ms = warm.reduce((a, w) => a + w.ms, 0);
  const per = calls > 0 ? ms / calls : NaN;
  if (!(per > 0)) return MAX_BATCH_CALLS;
  return Math.max(1, Math.min(MAX_BATCH_CALLS, Math.round(batchMs / per)));
}
/** Rounds per form in the calibration (each form's least time decides: `pickForm`): enough
 *  that some rounds of each form run unpreempted while the page starts its own run. */
export const CALIBRATION_ROUNDS = 7;
/** The calibration's batches stop at this many calls (a batch of the fastest kernel, the
 *  few-µs GEMM, is well under it). */
const MAX_BATCH_CALLS = 400;

/**
 * The calibration's first half: every kernel's two forms in module `x` run untimed, each for
 * `warmMs` (the GEMM GEMM_WARM_MS) and at least WARM_CALLS calls. An engine compiles a function
 * on first use and optimises it only once it is hot, in a background thread (V8's and
 * SpiderMonkey's baseline code is several times slower), and a choice between a cold form and
 * a hot one says nothing. Warming every kernel of every module before timing any (`timeForms`)
 * gives each one's optimised code the others' warm-ups to arrive in. Kernels in `overrides`
 * (`{ kernel: form }`, the page's `?variant=`) are selected instead; a kernel that would not be
 * warmed inside `budgetMs` is left as it starts. Returns the state `timeForms` takes; call its
 * `free()` when done.
 */
export function warmForms(x, model, { budgetMs = CALIBRATION_BUDGET_MS / 2, warmMs = 1.5, overrides = {} } = {}) {
  const t0 = now();
  const list = calibrationCases();
  const forms = {};
  const warmed = [];
  let longest = 0;
  try {
    for (const ki of CALIBRATION_ORDER) {
      const kernel = FORMS.kernels[ki];
      const names = FORMS.forms[ki];
      const start = names[check(x.variant_form(ki), 'variant_form')];
      const wanted = overrides[kernel];
      if (wanted !== undefined) {
        const fi = names.indexOf(wanted);
        if (fi < 0) throw new Error(`${kernel}: no form ${JSON.stringify(wanted)} (${names.join(', ')})`);
        check(x.variant_select(ki, fi), 'variant_select');
        forms[kernel] = { form: wanted, by: 'override' };
        continue;
      }
      if (now() - t0 + longest > budgetMs) {
        forms[kernel] = { form: start, by: 'budget' };
        continue;
      }
      const w0 = now();
      const run = list[ki].prepare(x, model);
      const warm = [];
      warmed.push({ ki, run, warm, start });
      for (const fi of [0, 1]) {
        check(x.variant_select(ki, fi), 'variant_select');
        const f0 = now();
        let c = 0;
        for (; c < WARM_CALLS || now() - f0 < Math.max(list[ki].warmMs ?? 0, warmMs); c++) batch(run, 1);
        warm.push({ calls: c, ms: now() - f0 });
      }
      check(x.variant_select(ki, names.indexOf(start)), 'variant_select');
      longest = Math.max(longest, now() - w0);
    }
  } catch (e) {
    for (const w of warmed) w.run.free();
    throw e;
  }
  return { x, forms, warmed, free: () => warmed.forEach((w) => w.run.free()) };
}

/**
 * The calibration's second half: each kernel `warmForms` warmed has its two forms timed in
 * turns, `rounds` batches of `batchMs` each, and runs the faster from then on (`pickForm`); a
 * kernel that would not end inside `budgetMs` keeps its form and says so. Returns
 * `{ forms: { kernel: { form, by, ratio?, ms? } } }` in FORMS order, `by` one of
 * 'timing', 'override', 'tie' or 'budget'.
 */
export function timeForms({ x, forms: given, warmed }, { budgetMs = CALIBRATION_BUDGET_MS / 2, rounds = CALIBRATION_ROUNDS, batchMs = 0.5 } = {}) {
  const t0 = now();
  const forms = { ...given };
  // The longest kernel so far: one that would not end inside the budget is not started.
  let longest = 0;
  for (const { ki, run, warm, start } of warmed) {
    const kernel = FORMS.kernels[ki];
    const names = FORMS.forms[ki];
    if (now() - t0 + longest > budgetMs) {
      forms[kernel] = { form: start, by: 'budget' };
      continue;
    }
    const k0 = now();
    const ms = { [names[0]]: [], [names[1]]: [] };
    const k = calibrationBatchCalls(warm, batchMs);
    for (let r = 0; r < rounds; r++) {
      for (const fi of r % 2 ? [1, 0] : [0, 1]) {
        check(x.variant_select(ki, fi), 'variant_select');
        ms[names[fi]].push(batch(run, k));
      }
    }
    longest = Math.max(longest, now() - k0);
    const { form, ratio } = pickForm(ms, start, names);
    check(x.variant_select(ki, names.indexOf(form)), 'variant_select');
    forms[kernel] = { form, by: ratio - 1 <= FORM_TIE ? 'tie' : 'timing', ratio, ms };
  }
  // Reported in FORMS order, whatever order they were timed in.
  return { forms: Object.fromEntries(FORMS.kernels.map((k) => [k, forms[k]])) };
}

/** The part of a calibration's budget its warm-ups may take: a kernel's warm-up (its case
 *  prepared, both forms run long enough to be optimised) costs about twice its timed rounds. */
const WARM_SHARE = 0.6;

/**
 * A calibration of several modules (`[[name, x, overrides]]`, overrides as `warmForms` takes
 * them): every module's kernels warm up before any is timed, each module with its share of
 * WARM_SHARE of `budgetMs`, then each is timed with its share of what is left. Returns
 * `{ forms: { name: forms }, elapsed_ms }`, each module's forms as `timeForms` gives them.
 */
export function calibrateModules(modules, model, { budgetMs = CALIBRATION_BUDGET_MS, warmMs } = {}) {
  const t0 = now();
  const left = () => budgetMs - (now() - t0);
  const warmUntil = t0 + budgetMs * WARM_SHARE;
  const warmed = [];
  const forms = {};
  try {
    modules.forEach(([, x, overrides], i) => {
      warmed.push(warmForms(x, model, { budgetMs: (warmUntil - now()) / (modules.length - i), warmMs, overrides }));
    });
    modules.forEach(([name], i) => {
      forms[name] = timeForms(warmed[i], { budgetMs: left() / (modules.length - i) }).forms;
    });
  } finally {
    warmed.forEach((w) => w.free());
  }
  return { forms, elapsed_ms: now() - t0 };
}

/** One module's calibration (`calibrateModules` of it alone): `{ forms, elapsed_ms }`. */
export function calibrate(x, model, { budgetMs = CALIBRATION_BUDGET_MS, warmMs, overrides = {} } = {}) {
  const r = calibrateModules([['x', x, overrides]], model, { budgetMs, warmMs });
  return { forms: r.forms.x, elapsed_ms: r.elapsed_ms };
}

/** Selects `forms` (`{ kernel: form }`, as `calibrate` returns them or a plain name) in `x`. */
export function selectForms(x, forms) {
  for (const [kernel, f] of Object.entries(forms ?? {})) {
    const ki = FORMS.kernels.indexOf(kernel), fi = ki < 0 ? -1 : FORMS.forms[ki].indexOf(typeof f === 'string' ? f : f?.form);
    if (ki < 0 || fi < 0) throw new Error(`unknown kernel form ${kernel}: ${JSON.stringify(f)}`);
    check(x.variant_select(ki, fi), 'variant_select');
  }
}

// ---- the counting rule, and this engine's ceilings ------------------------------------

/**
 * What a row achieved, from its case's counting rule (kernels/ABI.md "Counting rule"):
 * `bytes` (every element the kernel must touch once, 4 bytes each; read-and-written twice)
 * and `flops` (multiplies and adds of the math as written) per call over the median call
 * time. `{ gb_s, gflop_s }`, each null where there is nothing to divide (no time, or a case
 * that counts no flops).
 */
export function achieved({ bytes, flops, median_ns: ns }) {
  const ok = Number.isFinite(ns) && ns > 0;
  return {
    gb_s: ok && bytes > 0 ? bytes / ns : null,
    gflop_s: ok && flops > 0 ? flops / ns : null,
  };
}

/**
 * Bytes the read probe sums. The rule: at least 4× the last-level cache of the machines this
 * runs on (32 MB L3 per die on current desktop and server parts, this VM's included), so that
 * at most a quarter of a pass can come from cache; 128 MB, half the largest allocation the
 * modules grant. It is allocated once, in one module, filled, summed and freed.
 */
export const READ_BYTES = 128 * 1024 * 1024;
/** Iterations of one multiply-add probe call: 48 lanes × 2 flops × 8192 = 786 432 flops. */
export const MUL_ADD_ITERS = 8192;
/** Lanes of `probe_mul_add`'s accumulator (kernels/src/ops/probe.rs MUL_ADD_LANES). */
export const MUL_ADD_LANES = 48;
/** Elements of the near-empty call timed for the call overhead (one 32-lane block). */
const CALL_LEN = 32;

/** Tiers each ceiling is read from, in order of preference (the first one loaded). */
export const CEILING_TIERS = { read: ['simd', 'relaxed', 'scalar'], mul_add: ['simd', 'scalar'], fma: ['relaxed'] };

/**
 * The ceiling probes (kernels/src/ops/probe.rs) as cases: `{ probe, bytes, flops, prepare(x) → run,
 * expected }`, `expected` the exact result of one call (the inputs are chosen so that f32 sums
 * them exactly), which every tier must return before it is timed.
 */
export function probeCases({ readBytes = READ_BYTES, iters = MUL_ADD_ITERS } = {}) {
  const len = Math.floor(readBytes / 4 / 32) * 32;
  // Odd multiples of 1/8 in [-0.875, 0.875], mean 0, and each of the 32 lanes sees one value
  // (index i holds ((5i) mod 8 − 3.5)/4, and lane i mod 32 fixes 5i mod 8): every partial sum
  // of a lane, and of the tree, is a multiple of 1/8 below 2²¹ for any buffer up to 256 MB, so
  // f32 adds them exactly and the f64 sum is the answer.
  const pattern = Float32Array.from({ length: 256 }, (_, i) => (((i * 5) % 8) - 3.5) * 0.25);
  const sumOf = (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += pattern[i % pattern.length];
    return s;
  };
  const patternSum = sumOf(pattern.length);
  const fillSum = (n) => Math.floor(n / pattern.length) * patternSum + sumOf(n % pattern.length);
  const readRun = (n) => (x) => {
    const B = new Buffers(x);
    try {
      const X = B.alloc('f32', n), O = B.alloc('f32', 1);
      const v = B.view(X);
      for (let i = 0; i < n; i += pattern.length) v.set(n - i >= pattern.length ? pattern : pattern.subarray(0, n - i), i);
      return {
        call: () => check(x.probe_read(X.h, n, O.h), 'probe_read'),
        reset: () => {},
        output: () => B.view(O)[0],
        free: () => B.free(),
      };
    } catch (e) {
      B.free();
      throw e;
    }
  };
  // x ← x·0.5 + 0.5 from 0.5 (both arguments: every chain's start) is 1 exactly after 25 steps
  // and stays 1, fused or not: the answer is known, and no lane drifts towards a denormal or
  // an infinity however long it runs.
  const mulAddRun = (x) => {
    const B = new Buffers(x);
    const A = B.from('f32', new Float32Array(MUL_ADD_LANES));
    return {
      call: () => check(x.probe_mul_add(iters, 0.5, 0.5, A.h), 'probe_mul_add'),
      reset: () => {},
      output: () => Float32Array.from(B.view(A)).reduce((a, b) => a + b, 0),
      free: () => B.free(),
    };
  };
  return {
    read: { probe: 'read', bytes: 4 * len, flops: 0, len, expected: fillSum(len), prepare: readRun(len) },
    mul_add: { probe: 'mul_add', bytes: 0, flops: 2 * MUL_ADD_LANES * iters, iters, expected: MUL_ADD_LANES, prepare: mulAddRun },
    fma: { probe: 'fma', bytes: 0, flops: 2 * MUL_ADD_LANES * iters, iters, expected: MUL_ADD_LANES, prepare: mulAddRun },
    call: { probe: 'call', bytes: 4 * CALL_LEN, flops: 0, expected: fillSum(CALL_LEN), prepare: readRun(CALL_LEN) },
  };
}

/** A rate's median and spread from call times: (p25, p75) of the rate = amount / (p75, p25) of the time. */
function rate(amount, st) {
  return { median: amount / st.median_ns, p25: amount / st.p75_ns, p75: amount / st.p25_ns };
}

/**
 * This engine's ceilings, measured with the cases' protocol (`measure`: warm-up until settled,
 * batches ≥ 200 timer ticks, medians and quartiles): the read bandwidth of a SIMD sum over
 * `readBytes` (GB/s), mul+add throughput of the SIMD module and fused multiply-add throughput
 * of the relaxed module (GFLOP/s), and each tier's time for a near-empty kernel call (a
 * 32-element `probe_read`, ns). Each probe's result is checked before it is timed; a probe
 * that fails or whose tier is absent is null, with the reason under `errors`.
 * Returns `{ read_gb_s, mul_add_gflop_s, fma_gflop_s, call_ns: {tier: ns}, spread: {name:
 * {p25, p75}}, probes: [row], tiers: {read, mul_add, fma}, read_bytes, mul_add_iters, errors }`.
 */
export async function measureCeilings({ tiers, full = false, resolutionMs, cap, readBytes = READ_BYTES, iters = MUL_ADD_ITERS,
  onProgress = () => {}, isCancelled = () => false }) {
  resolutionMs ??= timerResolutionMs();
  const P = probeCases({ readBytes, iters });
  const out = {
    read_gb_s: null, mul_add_gflop_s: null, fma_gflop_s: null, call_ns: {}, spread: {}, probes: [],
    tiers: {}, read_bytes: P.read.bytes, mul_add_iters: iters, errors: {},
  };
  const one = async (c, t) => {
    const x = tiers[t];
    onProgress({ probe: c.probe, tier: t });
    await yieldToEvents();
    const run = c.prepare(x);
    try {
      run.call(0);
      const got = run.output();
      if (got !== c.expected) throw new Error(`${c.probe} probe in ${t}: ${got}, not ${c.expected}`);
      const m = await measure(run, { full, resolutionMs, cap });
      const row = { probe: c.probe, tier: t, ...stats(m.samples), calls_per_batch: m.k, settled: m.settled, bytes: c.bytes, flops: c.flops };
      out.probes.push(row);
      return row;
    } finally {
      run.free();
    }
  };
  const ceiling = async (name, key, amount) => {
    const t = CEILING_TIERS[name].find((k) => tiers[k]);
    if (!t) {
      out.errors[key] = `no ${CEILING_TIERS[name].join(' or ')} tier here`;
      return;
    }
    out.tiers[name] = t;
    try {
      const r = rate(amount(P[name]), await one(P[name], t));
      out[key] = r.median;
      out.spread[key] = { p25: r.p25, p75: r.p75 };
    } catch (e) {
      out.errors[key] = String(e?.message || e);
    }
  };
  await ceiling('read', 'read_gb_s', (c) => c.bytes);
  if (isCancelled()) return null;
  await ceiling('mul_add', 'mul_add_gflop_s', (c) => c.flops);
  if (isCancelled()) return null;
  await ceiling('fma', 'fma_gflop_s', (c) => c.flops);
  for (const t of TIER_ORDER.filter((k) => k !== 'plain' && tiers[k])) {
    if (isCancelled()) return null;
    try {
      const r = await one(P.call, t);
      out.call_ns[t] = r.median_ns;
      out.spread[`call_ns_${t}`] = { p25: r.p25_ns, p75: r.p75_ns };
    } catch (e) {
      out.errors[`call_ns_${t}`] = String(e?.message || e);
    }
  }
  return out;
}

// ---- agreement ----------------------------------------------------------------------

/** Largest absolute difference (NaN = NaN; a length or spike mismatch is Infinity). */
export function difference(a, b) {
  if (a.spikes) {
    if (a.spikes.length !== b.spikes.length || a.spikes.some((x, i) => x !== b.spikes[i])) return Infinity;
    return difference(a.v, b.v);
  }
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
  }
  return d;
}

function maxAbs(a) {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

/**
 * Checks one tier's output. `jsOut` is the JS tier's output on the same input (null when
 * the JS tier is absent: then the first tier's output stands in). The plain-loop check
 * computes in doubles without f32 rounding, so against the JS tier it is held to 1e-4 and,
 * for spikes, to the same count within 2 %, not to the bit.
 */
export function agreement(c, out, jsOut, tier = '') {
  const cmp = c.compare;
  if (cmp.against === 'f64') {
    const d = difference(out, cmp.reference);
    return { agrees: d <= cmp.tolerance, max_diff: d, tolerance: cmp.tolerance, checked_against: 'f64 reference' };
  }
  const ref = jsOut ?? out;
  if (tier === 'plain') {
    if (out.spikes) {
      const d = Math.abs(out.spikes.length - ref.spikes.length);
      const tol = Math.max(2, 0.02 * ref.spikes.length);
      return { agrees: d <= tol, max_diff: d, tolerance: tol, checked_against: 'JS tier (spike count)' };
    }
    const d = difference(out, ref);
    const tol = 1e-4 * Math.max(1, maxAbs(ref));
    return { agrees: d <= tol, max_diff: d, tolerance: tol, checked_against: 'JS tier' };
  }
  const d = difference(out, ref);
  const tol = cmp.tolerance * (out.spikes ? 1 : Math.max(1, maxAbs(ref)));
  return { agrees: d <= tol, max_diff: d, tolerance: tol, checked_against: cmp.tolerance === 0 ? 'JS tier, bit for bit' : 'JS tier' };
}

// ---- timing -------------------------------------------------------------------------

/**
 * Lets the event loop run (progress messages, a cancel) between measurements. A MessageChannel
 * task, not setTimeout: Chromium throttles timers of pages it considers in the background to
 * one per second and then one per minute, which stalled a run on a page for minutes.
 */
async function yieldToEvents() {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  const ch = new MessageChannel();
  await new Promise((r) => {
    ch.port1.onmessage = r;
    ch.port2.postMessage(null);
  });
  ch.port1.close();
}

/**
 * The warm-up rule: settled once two successive round medians differ by at most `tol`
 * (relative), after at least `minRounds` rounds. Returns the index of the round at which it
 * settled, or -1.
 */
export function settledAt(medians, { tol = 0.05, minRounds = 3 } = {}) {
  for (let i = Math.max(1, minRounds - 1); i < medians.length; i++) {
    const a = medians[i - 1], b = medians[i];
    if (a > 0 && b > 0 && Math.abs(b - a) <= tol * a) return i;
  }
  return -1;
}

/** Calls per batch so that a batch lasts `minBatchMs`. */
export function callsPerBatch(perCallMs, minBatchMs) {
  const k = Math.ceil(minBatchMs / Math.max(perCallMs, 1e-6));
  return Math.max(1, Math.min(k, 1e7));
}

/**
 * Per-call ms of one batch of k calls. The batch runs in segments of at most `run.maxCalls`
 * calls (an in-place case's ring of fresh inputs), each preceded by an untimed `reset`; the
 * segments' times are summed, so a batch can outlast the ring and still time only calls.
 */
export function batch(run, k) {
  const seg = Math.min(k, run.maxCalls ?? k);
  let total = 0;
  for (let done = 0; done < k; done += seg) {
    const c = Math.min(seg, k - done);
    run.reset();
    const s = now();
    for (let i = 0; i < c; i++) run.call(i);
    total += now() - s;
  }
  return total / k;
}

/**
 * Times a prepared run: warm-up rounds until settled (or the cap), then `batches` timed
 * batches. Returns per-call samples in ns and how the warm-up went.
 */
/** The shortest batch of calls the harness times (ms): 200 ticks of the timer, at least 2 ms
 *  (4 in the full set). The thread workers' samples follow it too (thread-loop.js). */
export const batchFloorMs = (resolutionMs, full = false) => Math.max(full ? 4 : 2, 200 * resolutionMs);

export async function measure(run, { full = false, resolutionMs = 0.005, cap } = {}) {
  const minBatchMs = batchFloorMs(resolutionMs, full);
  const capMs = cap?.ms ?? (full ? 4000 : 1500);
  const capRounds = cap?.rounds ?? 40;
  const minWarmMs = full ? 100 : 30;
  const t0 = now();
  // Size the batches: calls, doubling, until a batch spans 20 timer ticks (a single fast call
  // reads as 0 ms on a coarse timer, which would size the next batch at millions of calls).
  let per = 0;
  for (let k = 1; k <= 1 << 20; k *= 2) {
    per = batch(run, k);
    if (per * k >= 20 * resolutionMs) break;
  }
  const medians = [];
  let settled = false;
  while (medians.length < capRounds && now() - t0 < capMs) {
    const k = callsPerBatch(per, minBatchMs);
    // A batch never reads shorter than one tick.
    per = Math.max(median([batch(run, k), batch(run, k), batch(run, k)]), resolutionMs / k);
    medians.push(per);
    if (now() - t0 >= minWarmMs && settledAt(medians) >= 0) {
      settled = true;
      break;
    }
    if (medians.length % 4 === 0) await yieldToEvents();
  }
  const warmupMs = now() - t0;
  const k = callsPerBatch(per, minBatchMs);
  const n = full ? 15 : 7;
  const samples = [];
  for (let b = 0; b < n; b++) samples.push(batch(run, k) * 1e6);
  return { samples, k, settled, warmup_rounds: medians.length, warmup_ms: warmupMs, batch_ms: (median(samples) * k) / 1e6 };
}

/** The page's frame cadence: one animation frame at 60 Hz, less the frame's own work. */
export const FRAME_GAP_MS = 16;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A run timed the way the live page runs it: frames of `steps` calls, `gapMs` apart (the
 * page's animation-frame cadence), each frame one sample, in ns per call. A frame pays what a
 * back-to-back batch never does — caches, TLB entries and clock speed lost in the gap between
 * frames — and that is what a step of the live page costs. The first `warmup` frames are not
 * kept.
 */
export async function measureFrames(run, { steps, gapMs = FRAME_GAP_MS, frames = 40, warmup = 5 }) {
  const t0 = now();
  const samples = [];
  for (let f = 0; f < warmup + frames; f++) {
    await pause(gapMs);
    const start = now();
    for (let s = 0; s < steps; s++) run.call(s);
    if (f >= warmup) samples.push(((now() - start) / steps) * 1e6);
  }
  return { samples, k: steps, settled: null, warmup_rounds: warmup, warmup_ms: null, batch_ms: (median(samples) * steps) / 1e6, elapsed_ms: now() - t0 };
}

/**
 * Several prepared runs (name → run) timed against each other: `rounds` rounds, each timing
 * every run once with `measure` (quick-set batches), the order rotating from round to round.
 * Returns per name the median ns of each round, in round order.
 */
export async function interleave(runs, rounds, resolutionMs) {
  const names = Object.keys(runs);
  const perRound = Object.fromEntries(names.map((t) => [t, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const t = names[(i + r) % names.length];
      perRound[t].push(median((await measure(runs[t], { full: false, resolutionMs })).samples));
    }
  }
  return perRound;
}

export function stats(samples) {
  return {
    median_ns: median(samples), p25_ns: percentile(samples, 25), p75_ns: percentile(samples, 75),
    min_ns: Math.min(...samples), max_ns: Math.max(...samples), p90_ns: percentile(samples, 90), runs: samples.length,
  };
}

// ---- the plain-loop check -----------------------------------------------------------

/**
 * The "plain" pseudo-tier: the fastest plain-JS loops (plain-loops.js) behind the JS tier's
 * buffers, with no argument checks, so that `JS tier / plain` measures what the tier's
 * ABI and code cost over the loop a JS developer would write. A check, never a baseline.
 */
export function plainTier(js) {
  const F = (h, len) => js.f32(h, len), U = (h, len) => js.u32(h, len);
  return {
    sasi_alloc: js.sasi_alloc, sasi_free: js.sasi_free, f32: js.f32, u32: js.u32, f64: js.f64,
    act_apply: (kind, h, len) => { PLAIN[ACT_NAME[kind]](F(h, len)); return 0; },
    dense_forward: (w, wl, x, xl, b, bl, y, yl, m, n) => { PLAIN.dense(F(w, wl), F(x, xl), F(b, bl), F(y, yl), m, n); return 0; },
    dense_batch_forward: (w, wl, xs, xl, b, bl, ys, yl, m, n, batch) => {
      PLAIN.dense_batch(F(w, wl), F(xs, xl), F(b, bl), F(ys, yl), m, n, batch);
      return 0;
    },
    lif_step: (p, pl, v, refr, trace, syn, n, w, wl, prev, nPrev, rng, out, outLen) =>
      PLAIN.lif_step(F(p, pl), F(v, n), F(refr, n), F(trace, n), F(syn, n), F(w, wl), U(prev, nPrev), nPrev, U(rng, 4), U(out, outLen)),
    stdp_update: (w, wl, n, trace, tl, spikes, ns, p, pl) => PLAIN.stdp(F(w, wl), n, F(trace, tl), U(spikes, ns), ns, F(p, pl)),
    mesh_efficiency: (adj, al, n, wpr, out) => { js.f64(out, 1)[0] = PLAIN.efficiency(U(adj, al), n, wpr); return 0; },
  };
}

export const TIER_ORDER = ['js', 'plain', 'scalar', 'simd', 'relaxed'];

/**
 * Runs every case in every available tier. `tiers`: name → exports object (or null);
 * `plain: true` adds the plain-loop check beside the JS tier. `onProgress({kernel, size,
 * tier, done, total})`, `onRow(row)`, `isCancelled()`.
 */
export async function runBench({ tiers, set = 'quick', plain = false, onProgress = () => {}, onRow = () => {}, isCancelled = () => false, cap,
  ceilings = false, readBytes, onCeilings = () => {}, builder: given = null }) {
  const list = cases(set);
  const full = set === 'full';
  const all = { ...tiers };
  // The live-step cases run the app's model, built in a wasm module (model_network).
  // `builder`: a module to build it in other than the tiers' own (a test's stand-in tiers).
  const builder = given ?? networkBuilder(tiers);
  const model = builder ? liveModel(builder) : null;
  if (plain && tiers.js) all.plain = plainTier(tiers.js);
  const names = TIER_ORDER.filter((t) => all[t]);
  const runs = (c) => names.filter((t) => !(t === 'plain' && c.weights === 'bf16')).length;
  const total = list.reduce((a, c) => a + runs(c), 0);
  const resolutionMs = timerResolutionMs();
  const rows = [];
  let done = 0;
  // This engine's ceilings first, with the same protocol, so every row can be read against them.
  let ceil = null;
  if (ceilings) {
    ceil = await measureCeilings({
      tiers, full, resolutionMs, cap, readBytes, isCancelled,
      onProgress: ({ probe, tier }) => onProgress({ kernel: 'ceilings', size: probe, tier, done, total }),
    });
    if (ceil === null) return { rows, cancelled: true };
    onCeilings(ceil);
  }
  for (const c of list) {
    let jsOut = null;
    for (const t of names) {
      if (isCancelled()) return { rows, cancelled: true };
      // The plain-loop check has f32 loops only (plain-loops.js).
      if (t === 'plain' && c.weights === 'bf16') continue;
      onProgress({ kernel: c.kernel, size: c.size, tier: t, done, total });
      await yieldToEvents();
      const x = all[t];
      let row;
      try {
        if (c.live && model === null) throw new Error("this case runs the app's model, built in a WebAssembly kernel module (model_network), and none loaded");
        const fresh = c.prepare(x, model);
        let out;
        try {
          fresh.call(0);
          out = fresh.output();
        } finally {
          fresh.free();
        }
        if (t === 'js' || jsOut === null) jsOut = out;
        const verdict = agreement(c, out, jsOut, t);
        const run = c.prepare(x, model);
        let m;
        try {
          m = c.frames ? await measureFrames(run, c.frames) : await measure(run, { full, resolutionMs, cap });
        } finally {
          run.free();
        }
        const firing = run.firing ? run.firing() : undefined;
        row = {
          kernel: c.kernel, size: c.size, tier: t, ...stats(m.samples),
          calls_per_batch: m.k, batch_ms: m.batch_ms, settled: m.settled, warmup_rounds: m.warmup_rounds, warmup_ms: m.warmup_ms,
          ops: c.ops, op_unit: c.op_unit, flops: c.flops, bytes: c.bytes, ...verdict,
          protocol: c.frames ? `frames of ${c.frames.steps} calls, ${c.frames.gapMs} ms apart` : 'back-to-back batches',
          ...(firing !== undefined ? { firing_fraction: firing } : {}),
        };
      } catch (e) {
        row = { kernel: c.kernel, size: c.size, tier: t, median_ns: null, error: String(e?.message || e), agrees: false };
      }
      rows.push(row);
      onRow(row);
      done++;
    }
  }
  return { rows, cancelled: false, timer_resolution_ms: resolutionMs, ...(ceil ? { ceilings: ceil } : {}) };
}

/** One entry per kernel × size, median per tier (null if absent or failed), and the ratios. */
export function summarise(rows) {
  const results = [];
  for (const r of rows) {
    let e = results.find((x) => x.kernel === r.kernel && x.size === r.size);
    if (!e) {
      e = { kernel: r.kernel, size: r.size, median_ns: { js: null, plain: null, scalar: null, simd: null, relaxed: null } };
      results.push(e);
    }
    e.median_ns[r.tier] = r.median_ns ?? null;
    e.achieved ??= {};
    e.achieved[r.tier] = achieved(r);
  }
  for (const e of results) {
    const m = e.median_ns;
    e.speedup = {
      simd_js: ratio(m.js, m.simd), simd_scalar: ratio(m.scalar, m.simd), relaxed_simd: ratio(m.simd, m.relaxed),
      js_plain: ratio(m.js, m.plain),
    };
  }
  return { results };
}

// ---- "largest N at 60 fps" sweep ----------------------------------------------------
// The page (src/features/sweep/mod.rs) asks for one frame of its own simulation — `steps` × (lif_step →
// stdp_update) with its model parameters — timed at growing N in each tier; a tier stops at
// its first size whose median frame misses the budget.

/**
 * The wasm module whose `model_network` builds the sweep's networks: any loaded one (all three
 * write the same bits), scalar first; null when none is loaded.
 */
export function networkBuilder(tiers) {
  return ['scalar', 'simd', 'relaxed'].map((t) => tiers[t]).find((x) => x && typeof x.model_network === 'function') ?? null;
}

/**
 * The app's seeded initial network at one shape `{n, per}` (N neurons in agents of `per`),
 * built by `model_network` in the wasm module `x` (kernels/ABI.md "Model set-up": the Rust
 * code the app seeds its own run with, sasi_kernels::model::initial_network) and copied out:
 * weights (row = presynaptic neuron), membrane potentials and the drive's four generator lanes.
 */
export function seededNetwork(x, { n, per }, seed, weights = 'f32') {
  const B = new Buffers(x);
  try {
    const W = B.alloc('f32', n * n), V = B.alloc('f32', n), L = B.alloc('u32', 4);
    check(x.model_network(n, per, seed >>> 0, W.h, W.len, V.h, L.h), 'model_network');
    const net = { v: B.view(V).slice(), lanes: B.view(L).slice() };
    // bf16: encoded straight from the module's memory (as `weights_to_bf16` would, bit for
    // bit: kernels/js/test/bf16.test.mjs), so no f32 copy of the N² weights is kept.
    if (weights === 'bf16') net.w16 = encodeAll(B.view(W));
    else net.w = B.view(W).slice();
    return net;
  } finally {
    B.free();
  }
}

/** Float32Array → bfloat16 bits (Uint16Array), nearest even. */
function encodeAll(w) {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = encode(w[i]);
  return out;
}

/** bfloat16 bits → their exact values. */
function decodeAll(w16) {
  const bits = new Uint32Array(w16.length);
  for (let i = 0; i < w16.length; i++) bits[i] = w16[i] << 16;
  return new Float32Array(bits.buffer);
}

/** The simulation's per-step state in one tier; `frame(steps, stdp)` runs one app frame. */
function sweepSim(x, net, n, lif, stdpParams) {
  const st = liveState(x, net, n, lif, stdpParams);
  return {
    frame(steps, stdp) {
      for (let s = 0; s < steps; s++) st.step(stdp);
    },
    free: () => st.free(),
  };
}

/**
 * Times one app frame per tier at each shape in turn: `warmup` frames in every tier, then
 * `frames` rounds in which each tier times one frame, the tiers taking turns, so a load that
 * comes and goes (other processes on a shared machine, the page's own animation) falls on
 * every tier alike; each tier's point is the median of its frames. A tier whose median misses
 * `budgetMs` (or fails) is not tried at larger sizes. Then, size by size again, the tier
 * `threadsTier` on each of `threadCounts` threads: `timeOnThreads(k, shape)` resolves to that
 * frame's times on k threads (threads.js `timeAt`, with the same warm-up and count of frames),
 * and a count whose median misses `threadsBudgetMs` (or fails) is not tried at larger sizes.
 * Stops when `timeBoundMs` has passed.
 * `onProgress({tier, threads, n, done, total})` (tier: the first one timed at that size;
 * threads 1 for the tiers taking turns), `onPoint({tier, threads, n, median_ms, p25_ms,
 * p75_ms, frames} | {tier, threads, n, median_ms: null, error})`.
 */
export async function runSweep({ tiers, shapes, steps, stdp, seed, lif, stdpParams, budgetMs, warmup = 3, frames = 7, timeBoundMs = 60000, weights = 'f32',
  threadsTier = null, threadCounts = [], threadsBudgetMs = budgetMs, timeOnThreads = null,
  onProgress = () => {}, onPoint = () => {}, isCancelled = () => false }) {
  const t0 = now();
  const names = ['js', 'scalar', 'simd', 'relaxed'].filter((t) => tiers[t]);
  const builder = networkBuilder(tiers);
  if (builder === null) throw new Error('the sweep builds its networks in a WebAssembly kernel module (model_network), and none loaded');
  // The rows on threads: only when their tier loaded here (a row of a tier that did not is
  // shown unavailable with the tier's own reason).
  const counts = threadsTier && tiers[threadsTier] && timeOnThreads ? threadCounts : [];
  const out = new Set(), outK = new Set();
  const total = (names.length + counts.length) * shapes.length;
  let done = 0;
  const over = () => now() - t0 > timeBoundMs;
  const bounded = () => ({ cancelled: false, timedOut: true, elapsed_ms: now() - t0 });
  const summary = (xs) => ({ median_ms: median(xs), p25_ms: percentile(xs, 25), p75_ms: percentile(xs, 75), frames: xs.length });
  // The tiers first, every size, then the rows on threads: a thread that never answers (an
  // engine's worker that stalls starting its own workers) costs the rows on threads only.
  for (const shape of shapes) {
    const live = names.filter((t) => !out.has(t));
    if (live.length === 0) break;
    if (isCancelled()) return { cancelled: true };
    if (over()) return bounded();
    onProgress({ tier: live[0], threads: 1, n: shape.n, done, total });
    await yieldToEvents();
    let net;
    try {
      net = seededNetwork(builder, shape, seed, weights);
    } catch (e) {
      // No network at this size (its N² weights do not fit, say): no tier can be timed here.
      for (const t of live) {
        onPoint({ tier: t, threads: 1, n: shape.n, median_ms: null, error: `cannot build the network: ${e?.message || e}` });
        out.add(t);
        done++;
      }
    }
    if (net) {
      const sims = {}, times = {}, failed = {};
      const fail = (t, e) => {
        failed[t] = String(e?.message || e);
        sims[t]?.free();
        delete sims[t];
      };
      try {
        for (const t of live) {
          times[t] = [];
          try {
            sims[t] = sweepSim(tiers[t], net, shape.n, lif, stdpParams);
          } catch (e) {
            fail(t, e);
          }
        }
        for (let f = 0; f < warmup + frames; f++) {
          // The tier that goes first rotates, so none always runs right after another's frame.
          const order = Object.keys(sims);
          for (let k = 0; k < order.length; k++) {
            const t = order[(k + f) % order.length];
            if (!sims[t]) continue;
            try {
              const s = now();
              sims[t].frame(steps, stdp);
              const dt = now() - s;
              if (f >= warmup) times[t].push(dt);
            } catch (e) {
              fail(t, e);
            }
          }
          // Between frames, as the page does: progress and a cancel can get through.
          await yieldToEvents();
          if (isCancelled()) return { cancelled: true };
          if (over()) return bounded();
        }
      } finally {
        for (const sim of Object.values(sims)) sim.free();
      }
      for (const t of live) {
        let point;
        if (failed[t] !== undefined) {
          point = { tier: t, threads: 1, n: shape.n, median_ms: null, error: failed[t] };
          out.add(t);
        } else {
          point = { tier: t, threads: 1, n: shape.n, ...summary(times[t]) };
          if (!(point.median_ms <= budgetMs)) out.add(t);
        }
        onPoint(point);
        done++;
      }
    }
  }
  for (const shape of shapes) {
    const liveK = counts.filter((k) => !outK.has(k));
    if (liveK.length === 0) break;
    for (const k of liveK) {
      if (isCancelled()) return { cancelled: true };
      if (over()) return bounded();
      onProgress({ tier: threadsTier, threads: k, n: shape.n, done, total });
      let point;
      try {
        point = { tier: threadsTier, threads: k, n: shape.n, ...summary(await timeOnThreads(k, shape)) };
        if (!(point.median_ms <= threadsBudgetMs)) outK.add(k);
      } catch (e) {
        point = { tier: threadsTier, threads: k, n: shape.n, median_ms: null, error: String(e?.message || e) };
        outK.add(k);
      }
      if (isCancelled()) return { cancelled: true };
      onPoint(point);
      done++;
    }
  }
  return { cancelled: false, timedOut: false, elapsed_ms: now() - t0 };
}
