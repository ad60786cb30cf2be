// The outside anchor in the page: TensorFlow.js's WebAssembly backend (XNNPACK underneath, SIMD
// build, one thread like our kernels) on the workloads it shares with SASI Lab — matvec, batched
// dense, ReLU, sigmoid, tanh — on the same seeded inputs as kernels/js/bench/bench.js, outputs checked
// against f64, timed with the same warm-up and batch rules (the harness's own `measure`).
// "op" disposes the result without reading it (the wasm backend executes on the call);
// "op + readback" also copies the result out with dataSync().
// `headToHead` then times tfjs and our wasm tiers on this one page, interleaved round by round,
// so that each ratio compares figures taken seconds apart under the same machine load.
// `threadedHeadToHead` compares at k threads: tfjs's threaded build against our workers.
import { uniform, measure, stats, timerResolutionMs, batchFloorMs, cases, median, percentile, interleave, selectForms } from '/kernels-js/bench/bench.js';
import { loadKernelModule } from '/kernels-js/load.js';
import { timeSamples } from '/kernels-js/bench/thread-loop.js';

const tf = globalThis.tf;
const GC = Math.sqrt(2 / Math.PI);

function sets(set) {
  const act = set === 'full' ? 1048576 : set === 'quick' ? 65536 : 4096;
  const dense = set === 'full' ? [64, 256, 512, 1024, 2048] : set === 'quick' ? [64, 256, 1024] : [64];
  const batched = set === 'full' ? [[64, 32, 32], [2048, 64, 64]] : [[64, 32, 32]];
  return { act, dense, batched };
}

const ACTS = {
  activation_relu: { op: (x) => tf.relu(x), ref: (x) => (x < 0 ? 0 : x) },
  activation_sigmoid: { op: (x) => tf.sigmoid(x), ref: (x) => 1 / (1 + Math.exp(-x)) },
  activation_tanh: { op: (x) => tf.tanh(x), ref: (x) => Math.tanh(x) },
};

function maxDiff(got, want) {
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
  return got.length === want.length ? d : Infinity;
}

/** Times `op` (returning a tensor) both ways; checks its output first. */
async function timeOp(op, check, full, resolutionMs) {
  const y = op();
  const out = y.dataSync();
  y.dispose();
  const verdict = check(out);
  const before = tf.memory().numTensors;
  const a = await measure({ call: () => op().dispose(), reset: () => {} }, { full, resolutionMs });
  const b = await measure({ call: () => { const r = op(); r.dataSync(); r.dispose(); }, reset: () => {} }, { full, resolutionMs });
  if (tf.memory().numTensors !== before) throw new Error(`tensors leaked: ${before} → ${tf.memory().numTensors}`);
  const pack = (m) => ({ ...stats(m.samples), calls_per_batch: m.k });
  return { op: pack(a), op_readback: pack(b), settled: a.settled && b.settled, ...verdict };
}

/** The seeded inputs of a dense workload (as kernels/js/bench/bench.js's), and Wᵀ laid out for tfjs. */
function denseInputs(m, n, batch) {
  const w = uniform(21, m * n, -0.5, 0.5), xs = uniform(22, batch * n, -1, 1), b = uniform(23, m, -0.1, 0.1);
  const wt = new Float32Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) wt[j * m + i] = w[i * n + j];
  return { w, xs, b, wt };
}

/** The anchor: every shared workload in tfjs, outputs checked, timed. With `headToHead` > 0
 *  rounds, then the head to head against our modules on the workloads tfjs got right. */
export async function run(set = 'full', { headToHead: rounds = 0, forms = {} } = {}) {
  tf.wasm.setWasmPaths('/vendor/tfjs-backend-wasm/');
  tf.wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const env = {
    tfjs: tf.version_core, backend: tf.getBackend(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    multithread_support: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'), threads: tf.wasm.getThreadsCount(),
  };
  const full = set === 'full';
  const resolutionMs = timerResolutionMs();
  const { act, dense, batched } = sets(set);
  const rows = [];
  const attempt = async (kernel, size, fn) => {
    try {
      rows.push({ kernel, size, tier: 'tfjs_wasm', ...(await fn()) });
    } catch (e) {
      rows.push({ kernel, size, tier: 'tfjs_wasm', error: String(e?.message || e), agrees: false });
    }
  };
  for (const [kernel, { op, ref }] of Object.entries(ACTS)) {
    const input = uniform(11, act, -8, 8);
    const want = Float64Array.from(input, ref);
    await attempt(kernel, String(act), async () => {
      const x = tf.tensor1d(input);
      try {
        return await timeOp(() => op(x), (out) => {
          const d = maxDiff(out, want);
          return { agrees: d <= 2e-6, max_diff: d, tolerance: 2e-6 };
        }, full, resolutionMs);
      } finally {
        x.dispose();
      }
    });
  }
  // Dense: the weights are constants, so Wᵀ is laid out once (untimed), as a tfjs user stores
  // them; fused matMul + bias without transposeB (transposeB + bias is wrong on this backend).
  const denseCase = async (kernel, size, m, n, batch) => {
    const { w, xs, b, wt } = denseInputs(m, n, batch);
    const want = new Float64Array(batch * m);
    let scale = 1;
    for (let k = 0; k < batch; k++) {
      for (let i = 0; i < m; i++) {
        let s = b[i], a = Math.abs(b[i]);
        for (let j = 0; j < n; j++) { const p = w[i * n + j] * xs[k * n + j]; s += p; a += Math.abs(p); }
        want[k * m + i] = s;
        scale = Math.max(scale, a);
      }
    }
    await attempt(kernel, size, async () => {
      const X = tf.tensor2d(xs, [batch, n]), WT = tf.tensor2d(wt, [n, m]), B = tf.tensor1d(b);
      try {
        return await timeOp(() => tf.fused.matMul({ a: X, b: WT, bias: B }), (out) => {
          const d = maxDiff(out, want);
          const tol = 1e-5 * scale;
          return { agrees: d <= tol, max_diff: d, tolerance: tol };
        }, full, resolutionMs);
      } finally {
        X.dispose(); WT.dispose(); B.dispose();
      }
    });
  };
  for (const s of dense) await denseCase('dense', `${s}x${s}`, s, s, 1);
  for (const [batch, n, m] of batched) await denseCase('dense_batch', `${batch}x${n}x${m}`, m, n, batch);
  if (rounds <= 0) return { env, rows };
  const shared = rows.filter((q) => !q.error && q.agrees);
  // A failed head to head is reported beside the anchor's figures, not instead of them.
  const h2h = await headToHead(set, shared, rounds, OUR_MODULES, forms).catch((e) => ({ error: String(e?.message || e), rows: [] }));
  return { env, rows, head_to_head: h2h };
}

/** Our wasm SIMD tiers as the page's server mounts them (the built app's dist/kernels). */
const OUR_MODULES = { simd: '/kernels-wasm/kernels-simd.wasm', relaxed: '/kernels-wasm/kernels-relaxed.wasm' };

/** tfjs's op for one shared workload as a harness run ({ call, reset }), and its disposal. */
function tfjsRun(kernel, size) {
  if (ACTS[kernel]) {
    const x = tf.tensor1d(uniform(11, Number(size), -8, 8));
    return { run: { call: () => ACTS[kernel].op(x).dispose(), reset: () => {} }, dispose: () => x.dispose() };
  }
  const dims = size.split('x').map(Number);
  const [batch, n, m] = kernel === 'dense_batch' ? dims : [1, dims[1], dims[0]];
  const { xs, b, wt } = denseInputs(m, n, batch);
  const X = tf.tensor2d(xs, [batch, n]), WT = tf.tensor2d(wt, [n, m]), B = tf.tensor1d(b);
  return {
    run: { call: () => tf.fused.matMul({ a: X, b: WT, bias: B }).dispose(), reset: () => {} },
    dispose: () => { X.dispose(); WT.dispose(); B.dispose(); },
  };
}

/**
 * Head to head on this page: for every workload tfjs shares with us (those `run` measured and
 * found correct), tfjs and each of our wasm tiers are timed in turn, `rounds` times, the order
 * rotating each round; each timing is the harness's `measure` (warm-up until settled, then 7
 * batches, median). Returns per workload and tier the per-round ratio tfjs ÷ ours, their
 * median, min and max, and each side's per-round medians. `modules`: tier → URL of our module;
 * a tier that does not load here (WebKit has no relaxed SIMD) is reported, not timed; `forms`:
 * tier → the kernel forms to select in it (the harness's `done.forms`).
 */
export async function headToHead(set, shared, rounds = 5, modules = OUR_MODULES, forms = {}) {
  await tf.ready();
  const ours = {};
  const skipped = {};
  for (const [t, url] of Object.entries(modules)) {
    try {
      ours[t] = (await loadKernelModule(url)).exports;
      // The kernel forms the harness's calibration chose in this engine, so the head to head
      // times the same code as the main table.
      if (forms[t]) selectForms(ours[t], forms[t]);
    } catch (e) {
      skipped[t] = String(e?.message || e);
    }
  }
  const resolutionMs = timerResolutionMs();
  const want = new Set(shared.map((r) => `${r.kernel} ${r.size}`));
  const rows = [];
  for (const c of cases(set).filter((q) => want.has(`${q.kernel} ${q.size}`))) {
    const theirs = tfjsRun(c.kernel, c.size);
    const runs = { tfjs_wasm: theirs.run };
    for (const [t, x] of Object.entries(ours)) runs[t] = c.prepare(x);
    let perRound;
    try {
      perRound = await interleave(runs, rounds, resolutionMs);
    } finally {
      theirs.dispose();
      for (const t of Object.keys(ours)) runs[t].free();
    }
    const tiers = {};
    for (const t of Object.keys(ours)) {
      const ratios = perRound.tfjs_wasm.map((v, i) => v / perRound[t][i]);
      tiers[t] = { ratio_median: median(ratios), ratio_min: Math.min(...ratios), ratio_max: Math.max(...ratios), ratios, median_ns: median(perRound[t]), rounds_ns: perRound[t] };
    }
    rows.push({ kernel: c.kernel, size: c.size, rounds, tfjs_median_ns: median(perRound.tfjs_wasm), tfjs_rounds_ns: perRound.tfjs_wasm, tiers });
  }
  return { rows, skipped, rounds, timer_resolution_ms: resolutionMs };
}

/** The threaded head to head's workloads: threads.js's case and tfjs's op for it (the same
 *  shapes; tfjs's inputs are the anchor's, whose outputs `run` checks against f64). */
const THREADED = [
  { kase: 'matvec', kernel: 'dense', size: '2048x2048' },
  { kase: 'dense_batch', kernel: 'dense_batch', size: '2048x64x64' },
  { kase: 'relu', kernel: 'activation_relu', size: '1048576' },
];

/**
 * Head to head at k threads (issue 29 part 4): tfjs's threaded SIMD build after
 * `setThreadsCount(k)` against our SIMD module split over k workers that own their slice
 * (kernels/js/bench/threads.js `timeAt`), on matvec 2048², batched 2048×64→64 and ReLU 1M.
 * tfjs reads its thread count when its backend starts, so a page runs one k (the driver loads
 * it afresh per k). Both sides by one rule (thread-loop.js `timeSamples`: `calls` samples
 * after `warmup` calls, a sample long enough for the timer; the median), interleaved for
 * `rounds` rounds, the order alternating. Returns the count tfjs
 * asked for and the count it runs (`getThreadsCount()`: on a 2-core machine its pool may stay
 * at one thread whatever is asked), and per workload each side's per-round medians, quartiles
 * of the last round and the per-round ratio tfjs ÷ ours. Needs cross-origin isolation.
 */
export async function threadedHeadToHead(k, { rounds = 3, calls = 100, warmup = 20, moduleUrl = OUR_MODULES.simd, forms = null } = {}) {
  if (!globalThis.crossOriginIsolated) throw new Error('not cross-origin isolated: no threads for either side');
  tf.wasm.setWasmPaths('/vendor/tfjs-backend-wasm/');
  tf.wasm.setThreadsCount(k);
  // A backend whose worker pool cannot start never settles: bounded, with the reason.
  let timer;
  const bound = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('tfjs threaded backend not ready within 30 s (its worker pool did not start)')), 30000); });
  try {
    await Promise.race([tf.setBackend('wasm').then(() => tf.ready()), bound]);
  } finally {
    clearTimeout(timer);
  }
  const env = {
    tfjs: tf.version_core, backend: tf.getBackend(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    multithread_support: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'), threads_asked: k, threads_used: tf.wasm.getThreadsCount(),
  };
  const { timeAt } = await import('/kernels-js/bench/threads.js');
  const url = new URL(moduleUrl, location.href).href;
  // Our lead's rule (thread-loop.js timeSamples, as thread-worker.js sizes it) for tfjs too.
  const minSampleMs = batchFloorMs(timerResolutionMs());
  const rows = [];
  for (const w of THREADED) {
    const theirs = tfjsRun(w.kernel, w.size);
    const side = { tfjs: [], ours: [] };
    let last = {};
    try {
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 ? ['ours', 'tfjs'] : ['tfjs', 'ours'];
        for (const who of order) {
          const ms = who === 'tfjs' ? timeSamples(theirs.run.call, calls, warmup, minSampleMs) : await timeAt(url, w.kase, k, calls, warmup, { forms });
          side[who].push(median(ms) * 1e6);
          last[who] = { p25_ns: percentile(ms, 25) * 1e6, p75_ns: percentile(ms, 75) * 1e6 };
        }
      }
    } finally {
      theirs.dispose();
    }
    const ratios = side.tfjs.map((v, i) => v / side.ours[i]);
    rows.push({
      kernel: w.kernel, size: w.size, rounds, calls,
      tfjs_rounds_ns: side.tfjs, ours_rounds_ns: side.ours, tfjs_median_ns: median(side.tfjs), ours_median_ns: median(side.ours),
      last_round: last, ratios, ratio_median: median(ratios), ratio_min: Math.min(...ratios), ratio_max: Math.max(...ratios),
    });
  }
  return { env, rows };
}

globalThis.runAnchor = run;
globalThis.runThreadedHeadToHead = threadedHeadToHead;
