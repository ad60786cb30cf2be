// One thread of the thread-scaling measurement (threads.js; issue 29's "workers that each own
// their slice"): its own instance of a kernel module, its slice of one case's data in that
// module's memory, and a loop that waits on a SharedArrayBuffer for the next generation, runs
// its slice, and counts itself done. Nothing but the two control words is shared.
import { loadKernelModule } from '../load.js';
import { LIVE, batchFloorMs, timerResolutionMs, uniform } from './bench.js';
import { partStart, serve, waitWhile } from './thread-loop.js';

function alloc(x, f32) {
  const h = x.sasi_alloc(f32.length * 4) >>> 0;
  if (!h) throw new Error(`allocation of ${f32.length * 4} bytes failed`);
  new Float32Array(x.memory.buffer, h, f32.length).set(f32);
  return h;
}

function allocU32(x, len) {
  const h = x.sasi_alloc(len * 4) >>> 0;
  if (!h) throw new Error(`allocation of ${len * 4} bytes failed`);
  return h;
}

/**
 * One step of the app's run (LIF then STDP, the page's model at N = `n`) for this thread's
 * post-synaptic columns (kernels/ABI.md "Parts of the population"): it seeds its `n × width`
 * columns of the app's network in its module (model_network_part) and its neurons' state, and
 * per step: its LIF part from the last step's whole spike list → its spikes into the shared
 * buffer → a barrier (`exchange`) → the whole list joined in part order → the other neurons'
 * traces advanced from it (f32, as the kernel does) → its STDP part. Returns the step and a
 * hash of the first `hashSteps` steps' whole spike lists, so runs at different thread counts
 * can be compared (their leads may batch more calls, so they may run more steps).
 */
function liveStep(x, n, part, parts, exchange, hashSteps = Infinity) {
  const first = partStart(n, part, parts), width = partStart(n, part + 1, parts) - first;
  const mem = () => x.memory.buffer;
  // Only this part's columns of the app's network, seeded in this module (model_network_part:
  // every row drawn, its columns kept), so no thread's memory ever holds the N² weights.
  const W = x.sasi_alloc(n * width * 4) >>> 0, VN = x.sasi_alloc(n * 4) >>> 0, G = allocU32(x, 4);
  if (!W || !VN) throw new Error(`allocation of ${n * width * 4} bytes failed`);
  const seeded = x.model_network_part(n, Math.max(1, Math.floor(n / LIVE.agents)), LIVE.seed >>> 0, first, width, W, n * width, VN, G);
  if (seeded < 0) throw new Error(`model_network_part returned ${seeded}`);
  const params = (() => {
    const L = alloc(x, new Float32Array(9)), S = alloc(x, new Float32Array(5));
    if (x.model_params(LIVE.driveHz, L, S) < 0) throw new Error('model_params failed');
    return { lif: L, stdp: S };
  })();
  const V = alloc(x, new Float32Array(mem(), VN + 4 * first, width).slice()), R = alloc(x, new Float32Array(width));
  const S = alloc(x, new Float32Array(width)), T = alloc(x, new Float32Array(n));
  const PREV = allocU32(x, n), OUT = allocU32(x, width);
  const decay = new Float32Array(mem(), params.lif, 9)[6];
  const f = Math.fround;
  let nPrev = 0, hash = 2166136261, stepsRun = 0;
  const step = () => {
    const k = x.lif_step_part(params.lif, 9, V, R, T + 4 * first, S, width, n, first, W, n * width, PREV, nPrev, G, OUT, width);
    if (k < 0) throw new Error(`lif_step_part returned ${k}`);
    const joined = exchange(new Uint32Array(mem(), OUT, k));
    const prev = new Uint32Array(mem(), PREV, n);
    prev.set(joined);
    nPrev = joined.length;
    const t = new Float32Array(mem(), T, n);
    for (let i = 0; i < first; i++) t[i] = f(t[i] * decay);
    for (let i = first + width; i < n; i++) t[i] = f(t[i] * decay);
    for (const j of joined) if (j < first || j >= first + width) t[j] = f(t[j] + 1);
    if (nPrev > 0) {
      const c = x.stdp_update_part(W, n * width, n, first, width, T, n, PREV, nPrev, params.stdp, 5);
      if (c < 0) throw new Error(`stdp_update_part returned ${c}`);
    }
    // FNV-1a over the step's count and indices, for the first `hashSteps` steps.
    if (stepsRun++ < hashSteps) {
      hash = Math.imul(hash ^ nPrev, 16777619) >>> 0;
      for (const j of joined) hash = Math.imul(hash ^ j, 16777619) >>> 0;
    }
    return 0;
  };
  return { step, hash: () => hash };
}

/**
 * The spike exchange of `parts` threads over `sab` (after the two control words of
 * thread-loop.js): word 2 counts arrivals, then, for even and odd steps, one count and `n`
 * slots per part. Each thread writes its spikes and count, arrives, waits until every part of
 * this step has (a barrier on the arrival count, which only grows), and reads every part's
 * spikes in order. It is the only wait inside a step: a part's STDP writes only its own
 * columns, which only its own next LIF reads, so a thread may start the next step while
 * another still reads this one's spikes (the two steps use the two sets of slots, and no
 * thread passes the next barrier before every thread has read this one's).
 */
function spikeExchange(sab, n, part, parts) {
  const ctl = new Int32Array(sab, 0, 3);
  const counts = new Int32Array(sab, 12, 2 * parts);
  const slots = new Uint32Array(sab, 12 + 8 * parts, 2 * parts * n);
  const joined = new Uint32Array(n);
  let round = 0;
  return (mine) => {
    round++;
    const set = (round & 1) * parts;
    slots.set(mine, (set + part) * n);
    Atomics.store(counts, set + part, mine.length);
    const target = round * parts;
    const arrived = Atomics.add(ctl, 2, 1) + 1;
    Atomics.notify(ctl, 2);
    for (let c = arrived; c < target; c = Atomics.load(ctl, 2)) waitWhile(ctl, 2, c);
    let total = 0;
    for (let q = set; q < set + parts; q++) {
      const k = Atomics.load(counts, q);
      joined.set(slots.subarray(q * n, q * n + k), total);
      total += k;
    }
    return joined.subarray(0, total);
  };
}

/** This thread's part of `kase`: rows [lo, hi) of the batch (dense_batch) or of W (matvec). */
function setup(x, kase, part, parts, sab, n, steps = 1, hashSteps = Infinity) {
  if (kase === 'live_step') {
    // One call is a frame of `steps` steps, as the page runs them.
    const live = liveStep(x, n, part, parts, spikeExchange(sab, n, part, parts), hashSteps);
    const frame = () => {
      for (let s = 0; s < steps; s++) live.step();
      return 0;
    };
    return Object.assign(frame, { hash: live.hash });
  }
  if (kase === 'dense_batch') {
    const m = 64, n = 64, batch = 2048;
    const lo = Math.floor((batch * part) / parts), hi = Math.floor((batch * (part + 1)) / parts), rows = hi - lo;
    const w = alloc(x, uniform(1, m * n, -1, 1)), b = alloc(x, uniform(3, m, -0.5, 0.5));
    const xs = alloc(x, uniform(2, batch * n, -1, 1).subarray(lo * n, hi * n)), ys = alloc(x, new Float32Array(rows * m));
    return () => x.dense_batch_forward(w, m * n, xs, rows * n, b, m, ys, rows * m, m, n, rows, 0);
  }
  if (kase === 'relu') {
    const len = 1 << 20;
    const lo = Math.floor((len * part) / parts), hi = Math.floor((len * (part + 1)) / parts);
    const v = alloc(x, uniform(11, len, -8, 8).subarray(lo, hi));
    // In place: ReLU of ReLU is ReLU, so every call does the same work on the same values.
    return () => x.act_apply(1, v, hi - lo);
  }
  if (kase === 'matvec') {
    const m = 2048, n = 2048;
    const lo = Math.floor((m * part) / parts), hi = Math.floor((m * (part + 1)) / parts), rows = hi - lo;
    const w = alloc(x, uniform(1, m * n, -1, 1).subarray(lo * n, hi * n)), v = alloc(x, uniform(2, n, -1, 1));
    const b = alloc(x, uniform(3, m, -0.5, 0.5).subarray(lo, hi)), y = alloc(x, new Float32Array(rows));
    return () => x.dense_forward(w, rows * n, v, n, b, rows, y, rows, rows, n, 0);
  }
  throw new Error(`unknown case ${kase}`);
}

/** Sets up this thread's slice, then serves (thread-loop.js). */
onmessage = async (e) => {
  const { moduleUrl, kase, part, parts, sab, calls, warmup, n, steps } = e.data;
  try {
    const x = (await loadKernelModule(moduleUrl)).exports;
    // Every thread count runs at least warm-up + calls frames: the hash covers exactly those.
    const run = setup(x, kase, part, parts, sab, n, steps, (warmup + calls) * steps);
    // A trial call, but not of the live step: its every call is a step all threads take.
    if (kase !== 'live_step') {
      const code = run();
      if (code < 0) throw new Error(`${kase} returned ${code}`);
    }
    // The lead's samples span at least the harness's quick batch (bench.js `measure`).
    const minSampleMs = part === 0 ? batchFloorMs(timerResolutionMs()) : 0;
    await serve(sab, run, { part, parts, calls, warmup, hash: run.hash, minSampleMs, memoryBytes: x.memory.buffer.byteLength });
  } catch (err) {
    // Also on the console: a helper's error after `ready` has no one listening for it.
    console.error(`thread ${part}: ${err?.message || err}`);
    postMessage({ type: 'error', message: String(err?.message || err) });
  }
};
