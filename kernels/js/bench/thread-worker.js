// One thread of the thread-scaling measurement (threads.js; issue 29's "workers that each own
// their slice"): its own instance of a kernel module, its slice of one case's data in that
// module's memory, and a loop that waits on a SharedArrayBuffer for the next generation, runs
// its slice, and counts itself done. Nothing but the two control words is shared.
import { loadKernelModule } from '../load.js';
import { LIVE, batchFloorMs, selectForms, timerResolutionMs, uniform } from './bench.js';
import { busiestPart, partStart, serve } from './thread-loop.js';
import { allocF32 as alloc, livePart, spikeExchange } from '../live/live-part.js';

/**
 * The app's run (live-part.js: LIF then STDP, the page's model at N = `n`) for this thread's
 * post-synaptic columns, with, in the lead (part 0: only its report is read), a hash of the
 * first `hashSteps` steps' whole spike lists, so runs at different thread counts can be
 * compared (their leads may batch more calls, so they may run more steps), and their spikes in
 * the busiest part. `live`: the run's settings (`per`, `seed`, `driveHz`, `stdp`, `weights`), each
 * `LIVE`'s where not given (the thread scaling's fixed case; the sweep passes the page's).
 */
function liveStep(x, n, part, parts, exchange, hashSteps = Infinity, live = {}) {
  const first = partStart(n, part, parts), width = partStart(n, part + 1, parts) - first;
  const { per = Math.max(1, Math.floor(n / LIVE.agents)), seed = LIVE.seed, driveHz = LIVE.driveHz, stdp = true, weights = 'f32' } = live;
  const run = livePart(x, { n, per, seed, driveHz, first, width, weights }, exchange);
  let hash = 2166136261, stepsRun = 0;
  const walks = { spikes: 0, busiest: 0 };
  const counted = part === 0 ? hashSteps : 0;
  const step = () => {
    const joined = run.step(stdp);
    // FNV-1a over the step's count and indices, for the first `hashSteps` steps.
    if (stepsRun++ < counted) {
      hash = Math.imul(hash ^ joined.length, 16777619) >>> 0;
      for (const j of joined) hash = Math.imul(hash ^ j, 16777619) >>> 0;
      // STDP's column walks: each spike's column is walked by the part that owns it (most of
      // a step's work), so the part with the most spikes bounds the step. `joined` is the
      // parts' lists in order.
      walks.spikes += joined.length;
      walks.busiest += busiestPart(joined, n, parts);
    }
    return 0;
  };
  return { step, hash: () => hash, walks: () => ({ ...walks }) };
}

/** This thread's part of `kase`: rows [lo, hi) of the batch (dense_batch) or of W (matvec). */
function setup(x, kase, part, parts, sab, n, steps = 1, hashSteps = Infinity, liveSettings = {}) {
  if (kase === 'live_step') {
    // One call is a frame of `steps` steps, as the page runs them.
    const live = liveStep(x, n, part, parts, spikeExchange(sab, n, part, parts), hashSteps, liveSettings);
    const frame = () => {
      for (let s = 0; s < steps; s++) live.step();
      return 0;
    };
    return Object.assign(frame, { report: () => ({ hash: live.hash(), column_walks: live.walks() }) });
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
  const { moduleUrl, kase, part, parts, sab, calls, warmup, n, steps, forms, live } = e.data;
  try {
    const x = (await loadKernelModule(moduleUrl)).exports;
    // The kernel forms the run measures in (the calibration's): the same code as one thread.
    selectForms(x, forms);
    // Every thread count runs at least warm-up + calls frames: the hash covers exactly those.
    const run = setup(x, kase, part, parts, sab, n, steps, (warmup + calls) * steps, live);
    // A trial call, but not of the live step: its every call is a step all threads take.
    if (kase !== 'live_step') {
      const code = run();
      if (code < 0) throw new Error(`${kase} returned ${code}`);
    }
    // The lead's samples span at least the harness's quick batch (bench.js `measure`).
    const minSampleMs = part === 0 ? batchFloorMs(timerResolutionMs()) : 0;
    await serve(sab, run, { part, parts, calls, warmup, report: run.report, minSampleMs, memoryBytes: x.memory.buffer.byteLength });
  } catch (err) {
    // Also on the console: a helper's error after `ready` has no one listening for it.
    console.error(`thread ${part}: ${err?.message || err}`);
    postMessage({ type: 'error', message: String(err?.message || err) });
  }
};
