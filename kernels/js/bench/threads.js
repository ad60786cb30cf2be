// Thread scaling (issue 29 part 4): one case split over k workers (thread-worker.js), each
// owning its slice in its own instance of a kernel module; worker 0 leads and times every call
// (wake the others, run its own slice, wait for theirs), so the calling thread stays free, as
// the live simulation's would. The same mechanism at k = 1 (the lead alone), so the figures
// compare threads, not protocols. Needs cross-origin isolation (SharedArrayBuffer).
import { median, percentile } from './bench.js';
import { timeThreads } from './thread-loop.js';
import { liveSabBytes } from '../live/live-part.js';

/** The cases, by name: matvec 2048², batched dense 2048×64→64, ReLU over 1M floats, and one
 *  step of the app's run (LIF + STDP) at N = 4096, the population split by columns. */
export const SCALING_CASES = Object.freeze({
  matvec: { kernel: 'dense', size: '2048x2048' },
  dense_batch: { kernel: 'dense_batch', size: '2048x64x64' },
  relu: { kernel: 'activation_relu', size: '1048576' },
  live_step: { kernel: 'live_step', size: '4096', n: 4096, steps: 4 },
});

/** Times `kase` at k threads: per-call ms after `warmup` calls (and the live step's spike
 *  hash). The live step's call is a frame of `steps` steps at N = `n`, of the run `live`
 *  describes (thread-worker.js `liveStep`: `per`, `seed`, `driveHz`, `stdp`, `weights`; the
 *  fixed case's where left out); `forms`: the kernel forms (`{ kernel: form }`, bench.js
 *  `selectForms`) every thread's module runs; `timeoutMs`: the bound on the whole measurement
 *  (thread-loop.js THREADS_TIMEOUT_MS by default). */
export function timeAt(moduleUrl, kase, k, calls, warmup, { n = SCALING_CASES[kase]?.n ?? 0, steps = SCALING_CASES[kase]?.steps ?? 1, forms = null, live = {}, timeoutMs } = {}) {
  const sabBytes = kase === 'live_step' ? liveSabBytes(n, k) : 8;
  return timeThreads(new URL('thread-worker.js', import.meta.url), k, (part, sab) => ({ moduleUrl, kase, part, parts: k, sab, calls, warmup, n, steps, forms, live }), sabBytes, { timeoutMs });
}

/**
 * The live step's bound from how its work divides (`column_walks` from the lead: the run's
 * spikes and, summed over its steps, the most of them in any one part): STDP walks each
 * spiking neuron's column in the part that owns it, and those walks are most of a step, so
 * with the columns split as they are a step cannot run faster than its busiest part, on any
 * machine. `stdp_balance_ceiling` = spikes ÷ busiest parts' spikes (1 at one thread).
 */
export function balance(walks) {
  return walks?.busiest > 0 ? { column_walks: walks, stdp_balance_ceiling: walks.spikes / walks.busiest } : {};
}

/** The thread counts measured up to `top`: every count to 4, then the powers of two, then `top`
 *  itself (a 16-core laptop: 1, 2, 3, 4, 8, 16), so the run stays short on many cores. */
export function threadCounts(top) {
  const t = Math.max(1, Math.floor(top) || 1);
  const ks = [];
  for (let k = 1; k <= t; k = k < 4 ? k + 1 : k * 2) ks.push(k);
  if (ks[ks.length - 1] !== t) ks.push(t);
  return ks;
}

/**
 * Every case at k = 1 … `maxThreads` (default: the cores the browser reports), `calls` timed
 * calls each. Returns `{ threads_available, isolated, cases: [{ case, kernel, size, by_k: { k:
 * { median_ns, p25_ns, p75_ns, calls_per_sample, memory_bytes (the k threads' wasm memories),
 * and for the live step spike_hash, column_walks, stdp_balance_ceiling (`balance`) }
 * or { error } }, speedup: { k: ×over k = 1 } }] }`, or
 * `{ error }` without isolation or SharedArrayBuffer.
 */
export async function threadScaling({ moduleUrl, cases = Object.keys(SCALING_CASES), maxThreads, calls = 200, warmup = 50, forms = null, timeoutMs }) {
  const available = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (!globalThis.crossOriginIsolated) return { threads_available: available, isolated: false, error: 'not cross-origin isolated: no SharedArrayBuffer' };
  // WebKitGTK reports isolation yet has no SharedArrayBuffer inside a worker.
  if (typeof SharedArrayBuffer === 'undefined') return { threads_available: available, isolated: true, error: 'this engine offers no SharedArrayBuffer here (in a worker): the threads cannot share their control words', cases: [] };
  const ks = threadCounts(Math.min(maxThreads ?? available, 64));
  const out = [];
  for (const kase of cases) {
    const by_k = {};
    for (const k of ks) {
      // A count that fails (a thread's error, or none of its calls within the time bound)
      // says why in its cell; the other counts are still measured. But when the very first
      // (one thread, first case) fails, threads do not work here at all (an engine may offer
      // SharedArrayBuffer in a worker yet never start a worker inside it): the run stops there
      // with the reason, instead of waiting out the bound once per case and count.
      try {
        const ms = await timeAt(moduleUrl, kase, k, calls, warmup, { forms, timeoutMs });
        by_k[k] = { median_ns: median(ms) * 1e6, p25_ns: percentile(ms, 25) * 1e6, p75_ns: percentile(ms, 75) * 1e6, calls_per_sample: ms.callsPerSample, memory_bytes: ms.memoryBytes, ...(ms.hash !== undefined ? { spike_hash: ms.hash } : {}), ...balance(ms.column_walks) };
      } catch (e) {
        const why = String(e?.message || e);
        if (out.length === 0 && k === ks[0]) return { threads_available: available, isolated: true, error: `a thread worker did not run here: ${why}`, cases: [] };
        by_k[k] = { error: why };
      }
    }
    const timed = ks.filter((k) => by_k[k].median_ns > 0 && by_k[1].median_ns > 0);
    const speedup = Object.fromEntries(timed.map((k) => [k, by_k[1].median_ns / by_k[k].median_ns]));
    // The live step: every thread count must have run the same spikes as one thread.
    const hashes = timed.map((k) => by_k[k].spike_hash).filter((h) => h !== undefined);
    const identical = hashes.length ? hashes.every((h) => h === hashes[0]) : undefined;
    out.push({ case: kase, ...SCALING_CASES[kase], by_k, speedup, ...(identical !== undefined ? { identical_spikes: identical } : {}) });
  }
  return { threads_available: available, isolated: true, how: 'workers that each own their slice in their own SIMD module; worker 0 leads and times', cases: out };
}
