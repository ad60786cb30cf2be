// One thread of the thread-scaling measurement (threads.js; issue 29's "workers that each own
// their slice"): its own instance of a kernel module, its slice of one case's data in that
// module's memory, and a loop that waits on a SharedArrayBuffer for the next generation, runs
// its slice, and counts itself done. Nothing but the two control words is shared.
import { loadKernelModule } from '../load.js';
import { uniform } from './bench.js';
import { serve } from './thread-loop.js';

function alloc(x, f32) {
  const h = x.sasi_alloc(f32.length * 4) >>> 0;
  if (!h) throw new Error(`allocation of ${f32.length * 4} bytes failed`);
  new Float32Array(x.memory.buffer, h, f32.length).set(f32);
  return h;
}

/** This thread's part of `kase`: rows [lo, hi) of the batch (dense_batch) or of W (matvec). */
function setup(x, kase, part, parts) {
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
  const { moduleUrl, kase, part, parts, sab, calls, warmup } = e.data;
  try {
    const x = (await loadKernelModule(moduleUrl)).exports;
    const run = setup(x, kase, part, parts);
    const code = run();
    if (code < 0) throw new Error(`${kase} returned ${code}`);
    await serve(sab, run, { part, parts, calls, warmup });
  } catch (err) {
    postMessage({ type: 'error', message: String(err?.message || err) });
  }
};
