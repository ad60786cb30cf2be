// One thread's part of the app's live network (issue 29; kernels/ABI.md "Parts of the
// population"): the post-synaptic columns `first..first + width` of W (`n × width`, so the N²
// weights are divided among the threads, not copied) and those neurons' state, in this
// thread's own instance of a kernel module, and the spike exchange the threads meet at once a
// step. Used by the page's threads (live-worker.js) and by the benchmark's thread scaling
// (bench/thread-worker.js), so both run the same step.
import { waitWhile } from '../bench/thread-loop.js';

/** `values` copied into a new allocation in module `x`; its handle. */
export function allocF32(x, values) {
  const h = x.sasi_alloc(values.length * 4) >>> 0;
  if (!h) throw new Error(`allocation of ${values.length * 4} bytes failed`);
  new Float32Array(x.memory.buffer, h, values.length).set(values);
  return h;
}

function allocBytes(x, bytes) {
  const h = x.sasi_alloc(bytes) >>> 0;
  if (!h) throw new Error(`allocation of ${bytes} bytes failed`);
  return h;
}

/** How a part stores its weights (kernels/ABI.md "Weight storage"): the bytes of one weight,
 *  and the suffix of the part exports that take them (`lif_step_part_bf16`, …). */
const STORAGES = { f32: { bytes: 4, suffix: '' }, bf16: { bytes: 2, suffix: '_bf16' } };

/**
 * Sets up part `part` of `parts` of the app's network at `n` neurons, `per` neurons per agent,
 * `seed`, drive `driveHz`, from `first` for `width` neurons (`first` a multiple of 4), in the
 * module whose exports are `x`, with its `n × width` columns of W stored as `weights`: `'f32'`,
 * or `'bf16'` (2 bytes a weight, seeded already rounded by `model_network_part_bf16` and run by
 * the `_bf16` part exports, so the part never holds f32 columns and its steps are the one-thread
 * bf16 run's bits). Returns its step:
 *
 * `step(stdp)`: its LIF part from the last step's whole spike list → its spikes through
 * `exchange` (the barrier every part meets; returns the whole list, parts in order) → the other
 * neurons' traces advanced from it (f32, as the kernel does) → its STDP part (when `stdp`).
 * Returns the whole step's spike list (a view, valid until the next step) and adds the part's
 * pruned synapses to `pruned()`.
 *
 * Also `setDrive(hz)`, `trace()` (all n traces, a view into the module's memory), and
 * `blockSums(srcFirst, srcCount, out, agents)`: the block sums (`block_sums_part`, or its bf16
 * twin) of the source agents `srcFirst..+srcCount` over this part's columns, written into `out`
 * (A × A, row-major) at those rows and this part's columns only (needs `first` and `width`
 * multiples of `per`).
 */
export function livePart(x, { n, per, seed, driveHz, first, width, weights = 'f32' }, exchange) {
  const storage = STORAGES[weights];
  if (!storage) throw new Error(`weights must be f32 or bf16, not ${JSON.stringify(weights)}`);
  // The part exports of this storage, chosen once; a module without them (an older build) is
  // refused here, not at the first step.
  const exports = ['model_network_part', 'lif_step_part', 'stdp_update_part', 'block_sums_part'].map((name) => name + storage.suffix);
  for (const name of exports) {
    if (typeof x[name] !== 'function') throw new Error(`the kernel module has no ${name}`);
  }
  const [seedPart, lifPart, stdpPart, sumsPart] = exports;
  const mem = () => x.memory.buffer;
  const W = allocBytes(x, n * width * storage.bytes), VN = allocBytes(x, n * 4), G = allocBytes(x, 16);
  // Only this part's columns, seeded here (every row drawn, its columns kept).
  const seeded = x[seedPart](n, per, seed >>> 0, first, width, W, n * width, VN, G);
  if (seeded < 0) throw new Error(`${seedPart} returned ${seeded}`);
  const L = allocF32(x, new Float32Array(9)), P = allocF32(x, new Float32Array(5));
  const setDrive = (hz) => {
    if (x.model_params(hz, L, P) < 0) throw new Error(`model_params(${hz}) failed`);
  };
  setDrive(driveHz);
  const V = allocF32(x, new Float32Array(mem(), VN + 4 * first, width).slice()), R = allocF32(x, new Float32Array(width));
  const S = allocF32(x, new Float32Array(width)), T = allocF32(x, new Float32Array(n));
  const PREV = allocBytes(x, n * 4), OUT = allocBytes(x, width * 4);
  let blocks = 0, agents = 0;
  const f = Math.fround;
  let nPrev = 0, pruned = 0;
  const step = (stdp = true) => {
    const k = x[lifPart](L, 9, V, R, T + 4 * first, S, width, n, first, W, n * width, PREV, nPrev, G, OUT, width);
    if (k < 0) throw new Error(`${lifPart} returned ${k}`);
    const joined = exchange(new Uint32Array(mem(), OUT, k));
    new Uint32Array(mem(), PREV, n).set(joined);
    nPrev = joined.length;
    // Read each step: the drive (and so the parameters) may change between frames.
    const decay = new Float32Array(mem(), L, 9)[6];
    const t = new Float32Array(mem(), T, n);
    for (let i = 0; i < first; i++) t[i] = f(t[i] * decay);
    for (let i = first + width; i < n; i++) t[i] = f(t[i] * decay);
    for (const j of joined) if (j < first || j >= first + width) t[j] = f(t[j] + 1);
    if (stdp && nPrev > 0) {
      const c = x[stdpPart](W, n * width, n, first, width, T, n, PREV, nPrev, P, 5);
      if (c < 0) throw new Error(`${stdpPart} returned ${c}`);
      pruned += c;
    }
    return new Uint32Array(mem(), PREV, nPrev);
  };
  const blockSums = (srcFirst, srcCount, out, a) => {
    if (srcCount === 0) return;
    if (agents !== a) {
      blocks = allocBytes(x, a * a * 4);
      agents = a;
    }
    const c = x[sumsPart](W, n * width, n, first, width, per, srcFirst, srcCount, blocks, a * a);
    if (c < 0) throw new Error(`${sumsPart} returned ${c}`);
    const sums = new Float32Array(mem(), blocks, a * a);
    const b0 = first / per, b1 = (first + width) / per;
    for (let r = srcFirst; r < srcFirst + srcCount; r++) out.set(sums.subarray(r * a + b0, r * a + b1), r * a + b0);
  };
  return { step, setDrive, blockSums, pruned: () => pruned, trace: () => new Float32Array(mem(), T, n) };
}

/**
 * The spike exchange of `parts` threads over `sab` (after the two control words of
 * thread-loop.js): word 2 counts arrivals, then, for even and odd steps, one count and `n`
 * slots per part. Each thread writes its spikes and count, arrives, waits until every part of
 * this step has (a barrier on the arrival count, which only grows), and reads every part's
 * spikes in order. It is the only wait inside a step: a part's STDP writes only its own
 * columns, which only its own next LIF reads, so a thread may start the next step while
 * another still reads this one's spikes (the two steps use the two sets of slots, and no
 * thread passes the next barrier before every thread has read this one's). `wait(arr, i, v)`
 * waits while `arr[i]` is `v` (thread-loop.js `waitWhile` unless the caller bounds it).
 */
export function spikeExchange(sab, n, part, parts, wait = waitWhile) {
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
    for (let c = arrived; c < target; c = Atomics.load(ctl, 2)) wait(ctl, 2, c);
    let total = 0;
    for (let q = set; q < set + parts; q++) {
      const k = Atomics.load(counts, q);
      joined.set(slots.subarray(q * n, q * n + k), total);
      total += k;
    }
    return joined.subarray(0, total);
  };
}

/** Bytes of the shared buffer the exchange uses at `n` over `parts` threads: the two control
 *  words, the arrival count, and for even and odd steps one spike count and `n` spike slots per
 *  part. */
export const liveSabBytes = (n, parts) => 12 + 8 * parts + 8 * parts * n;

/**
 * Where the page's part `part` of `parts` starts at `n` neurons of `per` per agent: on an agent
 * boundary that is also a multiple of 4 (the drive's lanes), so each part's block sums are
 * whole agents' (bit for bit the whole matrix's). Part `parts` is the end, `n`. Returns null
 * when `n` has fewer such boundaries than `parts` (the caller runs fewer threads).
 */
export function agentPartStart(n, per, part, parts) {
  if (part === parts) return n;
  const unit = per % 4 === 0 ? per : per % 2 === 0 ? per * 2 : per * 4;
  const units = Math.floor(n / unit);
  if (units < parts) return null;
  return Math.floor((units * part) / parts) * unit;
}
