// The page's live simulation over k threads (issue 29, `?threads=k`): the page starts this
// worker as the lead (thread 0, through src/util/worker.rs) and the lead starts the k − 1
// helpers from this same script. Each thread owns a part of the network (live-part.js: its
// columns of W, stored as the run's weights are, f32 or bf16, in its own instance of the active
// tier's module, so the N² weights are divided, not copied) and the threads meet once a step at
// the spike exchange. The page never waits: it posts `run` and draws what the last `frame`
// brought.
//
// Protocol (page ↔ lead; every message an object with `type`):
//   lead → page  {type:'started'}                    first, as every worker of this page
//   page → lead  {type:'start', module_url, forms, n, per, agents, seed, drive_hz, threads, weights}
//                 weights: how each thread stores its columns of W, 'f32' or 'bf16' (live-part.js)
//   lead → page  {type:'ready', threads, memory_bytes, sums}   sums: A × A block sums at step 0
//   page → lead  {type:'run', steps, stdp, drive_hz, src_first, src_count}
//   lead → page  {type:'frame', steps, counts, spikes, trace, sums, pruned, ms, memory_bytes}
//                 counts: spikes per step; spikes: every step's list, joined; trace: all n
//                 traces after the last step; sums: rows src_first..+src_count of the block
//                 sums; memory_bytes: every thread's module memory, summed
//   lead → page  {type:'error', message}            the run is over; the page stops the lead
// The page stops the threads by terminating the lead: the helpers are its workers and end with it.
// Lead ↔ helpers: {type:'helper', …} then shared words (CTL below), `ready`/`error` messages.
import { loadKernelModule } from '../load.js';
import { SPIN_MS } from '../bench/thread-loop.js';
import { agentPartStart, livePart, liveSabBytes, spikeExchange } from './live-part.js';

/** The control words (Int32 indices into the control buffer). */
const GEN = 0, DONE = 1, STEPS = 2, STDP = 3, SRC_FIRST = 4, SRC_COUNT = 5, PRUNED = 6, FAILED = 7, DRIVE = 8;
/** Word MEM + p: thread p's module memory in 64 KiB pages; at most MAX_THREADS threads. */
const MEM = 16, MAX_THREADS = 48;
/** Where the A × A block sums start in the control buffer (bytes). */
const SUMS_AT = 4 * (MEM + MAX_THREADS);
/** How long the lead waits for its helpers to load and seed their parts (ms). */
const HELPERS_TIMEOUT_MS = 30_000;

postMessage({ type: 'started' });

/** Waits while `arr[i]` is `v`: polls for SPIN_MS, then sleeps in short waits, and throws
 *  when a thread has said it failed (so no thread waits for ever on a dead one). */
const waitUnlessFailed = (ctl) => (arr, i, v) => {
  const t0 = performance.now();
  while (Atomics.load(arr, i) === v) {
    const failed = Atomics.load(ctl, FAILED);
    if (failed !== 0) throw new Error(`thread ${failed - 1} stopped`);
    if (performance.now() - t0 > SPIN_MS) Atomics.wait(arr, i, v, 50);
  }
};

/** Marks thread `part` failed and wakes every waiting thread. */
function markFailed(ctl, exCtl, part) {
  Atomics.compareExchange(ctl, FAILED, 0, part + 1);
  for (const [arr, i] of [[ctl, GEN], [ctl, DONE], [exCtl, 2]]) Atomics.notify(arr, i);
}

/** Part `part`'s share of a generation: `STEPS` steps (the lead sees each step's whole list),
 *  then its columns of the requested block sums' rows, its pruned count, its memory. */
function work(st, part, onStep) {
  const { ctl, ctlF, sums, live, cfg } = st;
  const drive = ctlF[DRIVE];
  if (drive !== st.driveHz) {
    live.setDrive(drive);
    st.driveHz = drive;
  }
  const pruned0 = live.pruned(), stdp = Atomics.load(ctl, STDP) === 1;
  for (let s = Atomics.load(ctl, STEPS); s > 0; s--) onStep(live.step(stdp));
  live.blockSums(Atomics.load(ctl, SRC_FIRST), Atomics.load(ctl, SRC_COUNT), sums, cfg.agents);
  Atomics.add(ctl, PRUNED, live.pruned() - pruned0);
  Atomics.store(ctl, MEM + part, st.x.memory.buffer.byteLength / 65536);
}

/** Loads the module, applies the page's kernel forms, seeds part `part` of `parts`. */
async function setUp(cfg, part, parts, exSab, ctlSab) {
  const x = (await loadKernelModule(cfg.module_url)).exports;
  for (const [kernel, form] of cfg.forms ?? []) {
    if (x.variant_select(kernel, form) < 0) throw new Error(`variant_select(${kernel}, ${form}) failed`);
  }
  const first = agentPartStart(cfg.n, cfg.per, part, parts), end = agentPartStart(cfg.n, cfg.per, part + 1, parts);
  const ctl = new Int32Array(ctlSab, 0, MEM + MAX_THREADS);
  const wait = waitUnlessFailed(ctl);
  const exchange = spikeExchange(exSab, cfg.n, part, parts, wait);
  const { n, per, seed, drive_hz: driveHz, weights } = cfg;
  const live = livePart(x, { n, per, seed, driveHz, first, width: end - first, weights }, exchange);
  const sums = new Float32Array(ctlSab, SUMS_AT, cfg.agents * cfg.agents);
  return { x, ctl, ctlF: new Float32Array(ctlSab, 0, MEM), sums, live, cfg, wait, exCtl: new Int32Array(exSab, 0, 3), driveHz: cfg.drive_hz };
}

/** A helper: sets up, says `ready`, then runs every generation until GEN goes negative. */
async function helper({ cfg, part, parts, exSab, ctlSab }) {
  let st;
  try {
    st = await setUp(cfg, part, parts, exSab, ctlSab);
    postMessage({ type: 'ready' });
    for (let gen = 0; ;) {
      st.wait(st.ctl, GEN, gen);
      gen = Atomics.load(st.ctl, GEN);
      if (gen < 0) break;
      work(st, part, () => {});
      Atomics.add(st.ctl, DONE, 1);
      Atomics.notify(st.ctl, DONE);
    }
  } catch (err) {
    const ctl = new Int32Array(ctlSab, 0, MEM + MAX_THREADS);
    markFailed(ctl, new Int32Array(exSab, 0, 3), part);
    postMessage({ type: 'error', message: String(err?.message || err) });
  }
  close();
}

/** The lead: starts the helpers, sets up part 0, and returns the run's controls. */
async function startLead(cfg) {
  const k = cfg.threads;
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') {
    throw new Error('this engine gives a worker no SharedArrayBuffer and Atomics.wait');
  }
  if (!(k >= 1 && k <= MAX_THREADS)) throw new Error(`threads must be 1–${MAX_THREADS}, not ${k}`);
  if (agentPartStart(cfg.n, cfg.per, 1, k) === null) {
    throw new Error(`N = ${cfg.n} (${cfg.per} neurons per agent) does not split into ${k} parts of whole agents on 4-neuron lanes`);
  }
  const exSab = new SharedArrayBuffer(liveSabBytes(cfg.n, k));
  const ctlSab = new SharedArrayBuffer(SUMS_AT + 4 * cfg.agents * cfg.agents);
  const helpers = [], errors = [];
  const ready = [];
  for (let part = 1; part < k; part++) {
    const w = new Worker(new URL(import.meta.url), { type: 'module' });
    helpers.push(w);
    ready.push(new Promise((resolve, reject) => {
      w.onmessage = (e) => {
        if (e.data.type === 'ready') resolve();
        else if (e.data.type === 'error') {
          errors[part] = e.data.message;
          reject(new Error(`thread ${part}: ${e.data.message}`));
        }
      };
      w.onerror = (e) => {
        e.preventDefault();
        errors[part] = e.message || 'its script did not load or run';
        reject(new Error(`thread ${part}: ${errors[part]}`));
      };
    }));
    w.postMessage({ type: 'helper', cfg, part, parts: k, exSab, ctlSab });
  }
  const stopHelpers = () => {
    const ctl = new Int32Array(ctlSab, 0, 1);
    Atomics.store(ctl, GEN, -1);
    Atomics.notify(ctl, GEN);
    for (const w of helpers) w.terminate();
  };
  let st;
  try {
    st = await setUp(cfg, 0, k, exSab, ctlSab);
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${k - 1} helper thread(s) were not ready within ${HELPERS_TIMEOUT_MS / 1000} s`)), HELPERS_TIMEOUT_MS);
    });
    await Promise.race([Promise.all(ready), late]).finally(() => clearTimeout(timer));
  } catch (err) {
    stopHelpers();
    throw err;
  }
  const { ctl, ctlF, sums, live } = st;
  /** One generation: every thread runs `steps` steps, then its columns of the sums' rows. */
  const generation = ({ steps, stdp, drive_hz: driveHz, src_first: srcFirst, src_count: srcCount }, onStep) => {
    Atomics.store(ctl, STEPS, steps);
    Atomics.store(ctl, STDP, stdp ? 1 : 0);
    ctlF[DRIVE] = driveHz;
    Atomics.store(ctl, SRC_FIRST, srcFirst);
    Atomics.store(ctl, SRC_COUNT, srcCount);
    Atomics.store(ctl, PRUNED, 0);
    Atomics.store(ctl, DONE, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    try {
      work(st, 0, onStep);
      for (let d = Atomics.load(ctl, DONE); d < k - 1; d = Atomics.load(ctl, DONE)) st.wait(ctl, DONE, d);
    } catch (err) {
      markFailed(ctl, st.exCtl, 0);
      throw err;
    }
  };
  const memoryBytes = () => {
    let pages = 0;
    for (let p = 0; p < k; p++) pages += Atomics.load(ctl, MEM + p);
    return pages * 65536;
  };
  const a = cfg.agents;
  generation({ steps: 0, stdp: false, drive_hz: cfg.drive_hz, src_first: 0, src_count: a }, () => {});
  return {
    ready: { type: 'ready', threads: k, memory_bytes: memoryBytes(), sums: sums.slice() },
    run(req) {
      const counts = new Uint32Array(req.steps), lists = [];
      let total = 0;
      const t0 = performance.now();
      generation(req, (joined) => {
        counts[lists.length] = joined.length;
        total += joined.length;
        lists.push(joined.slice());
      });
      const ms = performance.now() - t0;
      const spikes = new Uint32Array(total);
      let at = 0;
      for (const l of lists) {
        spikes.set(l, at);
        at += l.length;
      }
      const rows = sums.slice(req.src_first * a, (req.src_first + req.src_count) * a);
      const trace = live.trace().slice();
      return {
        msg: { type: 'frame', steps: req.steps, counts, spikes, trace, sums: rows, pruned: Atomics.load(ctl, PRUNED), ms, memory_bytes: memoryBytes() },
        transfer: [counts.buffer, spikes.buffer, trace.buffer, rows.buffer],
      };
    },
    stop: stopHelpers,
    errors,
  };
}

let lead = null;
onmessage = async (e) => {
  const m = e.data;
  if (m?.type === 'helper') return helper(m);
  try {
    if (m?.type === 'start') {
      lead = await startLead(m);
      postMessage(lead.ready);
    } else if (m?.type === 'run') {
      if (!lead) throw new Error('run before start');
      const { msg, transfer } = lead.run(m);
      postMessage(msg, transfer);
    } else {
      throw new Error(`unknown message ${JSON.stringify(m?.type)}`);
    }
  } catch (err) {
    // A helper's own words say more than "thread p stopped": give its message a moment to come.
    await new Promise((r) => setTimeout(r, 100));
    const said = lead?.errors.find((x) => x);
    postMessage({ type: 'error', message: said ? `a thread stopped: ${said}` : String(err?.message || err) });
    lead?.stop();
    lead = null;
  }
};
