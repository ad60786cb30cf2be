// The benchmark Web Worker: loads every tier itself (so the page's animation is untouched),
// runs the shared harness and posts progress, rows and the summary back.
// Its messages are bench-protocol.js's.
import { CALIBRATION_BUDGET_MS, LONG_WARM_MS, calibrateModules, liveModel, networkBuilder, runBench, runSweep, selectForms, summarise, timerResolutionMs } from './bench.js';
import * as msg from './bench-protocol.js';
import { threadScaling, timeAt } from './threads.js';
import { loadJsTier, loadKernelModule } from '../load.js';

let cancelled = false;

/** The bound on one size's frames on threads in the sweep (a thread that hangs ends that row
 *  with the reason instead of the whole sweep's bound). */
const SWEEP_THREADS_TIMEOUT_MS = 20_000;

/** The app's root: this file is `<root>/js/bench/bench-worker.js` in the build (Trunk copies
 *  kernels/js/ to js/). The page sends the tiers' URLs relative to its own address (so the app
 *  runs under a sub-path); a worker resolves a relative URL against its own address instead,
 *  so they are resolved against the root here. An absolute path (`/kernels/…`) or URL is kept. */
const APP_ROOT = new URL('../../', import.meta.url);
const fromRoot = (url) => new URL(url, APP_ROOT).href;

/** Bytes of every wasm memory this worker holds (the JS tier's buffers are in its JS heap). */
function memoryReport(tiers) {
  const modules = {};
  let bytes = 0;
  for (const [name, x] of Object.entries(tiers)) {
    if (x?.memory) {
      modules[name] = x.memory.buffer.byteLength;
      bytes += modules[name];
    }
  }
  return { bytes, modules };
}

/** Every tier this worker runs: the JS tier from `jsUrl`, each wasm tier whose URL is given;
 *  `status` says which loaded, how long it took, or why not. */
async function loadTiers(jsUrl, modules) {
  const tiers = {};
  const status = {};
  if (!jsUrl) {
    status.js = { ok: false, reason: 'not loaded for this job', load_ms: 0 };
  } else {
    try {
      const { exports, total_ms } = await loadJsTier(fromRoot(jsUrl));
      tiers.js = exports;
      status.js = { ok: true, reason: null, load_ms: total_ms };
    } catch (e) {
      status.js = { ok: false, reason: String(e.message || e), load_ms: 0 };
    }
  }
  for (const t of ['scalar', 'simd', 'relaxed']) {
    const url = modules?.[t];
    if (!url) {
      status[t] = { ok: false, reason: 'switched off for this run', load_ms: 0 };
      continue;
    }
    try {
      const { exports, total_ms } = await loadKernelModule(fromRoot(url));
      tiers[t] = exports;
      status[t] = { ok: true, reason: null, load_ms: total_ms };
    } catch (e) {
      status[t] = { ok: false, reason: String(e.message || e), load_ms: 0 };
    }
  }
  return { tiers, status };
}

/** `ceilings` (default on): this engine's ceilings (bench.js `measureCeilings`, its read probe
 *  over `readBytes`, default READ_BYTES) before the cases, posted as `{type: 'ceilings',
 *  ceilings}` and again with `done`. */
async function run({ set, modules, jsUrl, plain = false, ceilings = true, readBytes, forms: given = null, threads = false, calibrationMs = CALIBRATION_BUDGET_MS }) {
  cancelled = false;
  const { tiers, status } = await loadTiers(jsUrl, modules);
  postMessage(msg.tiers(status));
  // The forms the page's own modules run (its calibration), or, without them (make bench),
  // this worker's calibration: the rows measure the forms this engine would run.
  const forms = given
    ? Object.fromEntries(Object.entries(given).map(([t, m]) => [t, Object.fromEntries(Object.entries(m).map(([k, f]) => [k, { form: f, by: 'page' }]))]))
    : calibrateTiers(tiers, {}, calibrationMs).forms;
  for (const [t, f] of Object.entries(forms)) if (tiers[t]) selectForms(tiers[t], f);
  postMessage(msg.memory(memoryReport(tiers)));
  const result = await runBench({
    tiers,
    set,
    plain,
    ceilings,
    readBytes,
    onCeilings: (c) => postMessage(msg.ceilings(c)),
    onProgress: (p) => postMessage(msg.progress(p)),
    onRow: (row) => postMessage(msg.row(row)),
    isCancelled: () => cancelled,
  });
  if (result.cancelled) {
    postMessage(msg.cancelled());
    return;
  }
  const env = {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated === true,
    timerResolutionNs: (result.timer_resolution_ms ?? timerResolutionMs()) * 1e6,
    set,
    date: new Date().toISOString(),
  };
  // `threads`: then the thread scaling (threads.js: workers that each own their slice of each
  // case in their own SIMD module), as `make bench` records it; shorter (fewer calls) so the
  // page's run stays short. Without isolation or a SIMD module it says why instead.
  let scaling = null;
  if (threads) {
    postMessage(msg.progress({ kernel: 'thread scaling', size: '', tier: 'simd', done: result.rows.length, total: result.rows.length }));
    scaling = !modules?.simd || !tiers.simd
      ? { isolated: self.crossOriginIsolated === true, error: 'no SIMD module in this run', cases: [] }
      : await threadScaling({ moduleUrl: fromRoot(modules.simd), calls: 60, warmup: 15, forms: forms.simd, timeoutMs: 20_000 }).catch((e) => ({ error: String(e?.message || e), cases: [] }));
  }
  const memory = memoryReport(tiers);
  postMessage(msg.memory(memory));
  postMessage(msg.done({
    rows: result.rows, summary: summarise(result.rows), env, tiers: status, memory_bytes: memory.bytes, ceilings: result.ceilings ?? null, forms,
    thread_scaling: scaling,
  }));
}

/** Each loaded wasm tier's kernel forms, picked by timing both (bench.js `calibrateModules`) on the
 *  app's model built in one of them; `overrides`: `{ [tier]: { kernel: form } }`; the budget
 *  is the page's at load (CALIBRATION_BUDGET_MS) unless a run asks for more (`make bench`,
 *  which has no page waiting: `calibrationMs`). */
function calibrateTiers(tiers, overrides = {}, budgetInAllMs = CALIBRATION_BUDGET_MS) {
  const t0 = performance.now();
  const builder = networkBuilder(tiers);
  const forms = {};
  if (builder) {
    const model = liveModel(builder);
    // The app's model at the calibration's size first (its cost counts against the budget).
    model.snapshot(1024);
    // The SIMD modules carry the forms worth choosing between here; the scalar module keeps
    // the forms chosen for it by measurement (dispatch.rs SCALAR).
    const names = ['simd', 'relaxed'].filter((t) => tiers[t]);
    // With more time than the page's (make bench), every form warms up long enough for
    // SpiderMonkey and JavaScriptCore to optimise it.
    const warmMs = budgetInAllMs > CALIBRATION_BUDGET_MS ? LONG_WARM_MS : undefined;
    const modules = names.map((t) => [t, tiers[t], overrides[t] ?? overrides.all ?? {}]);
    Object.assign(forms, calibrateModules(modules, model, { budgetMs: budgetInAllMs - (performance.now() - t0), warmMs }).forms);
  }
  return { forms, elapsed_ms: performance.now() - t0 };
}

/** The page's calibration at load: its own modules' URLs, the `?variant=` overrides. */
async function calibrateRequest({ modules, overrides }) {
  const { tiers, status } = await loadTiers(null, modules);
  postMessage(msg.tiers(status));
  postMessage(msg.calibrated(calibrateTiers(tiers, overrides)));
}

/** The "largest N at 60 fps" sweep (src/features/sweep/mod.rs `SweepRequest`): its own tiers, loaded here. */
async function sweep(req) {
  cancelled = false;
  const { tiers, status } = await loadTiers(req.jsUrl, req.modules);
  postMessage(msg.tiers(status));
  // The page's kernel forms, so each tier's frames are the page's.
  for (const [t, f] of Object.entries(req.forms ?? {})) if (tiers[t]) selectForms(tiers[t], f);
  // A frame on k threads: the page's threads' parts (live-part.js) in workers of their own,
  // each with its own instance of the tier's module, seeded with this run's settings.
  const tier = req.threadsTier;
  const timeOnThreads = tier && req.modules?.[tier]
    ? (k, shape) => timeAt(fromRoot(req.modules[tier]), 'live_step', k, req.frames, req.warmup, {
      n: shape.n,
      steps: req.steps,
      forms: req.forms?.[tier] ?? null,
      live: { per: shape.per, seed: req.seed, driveHz: req.driveHz, stdp: req.stdp, weights: req.weights },
      timeoutMs: SWEEP_THREADS_TIMEOUT_MS,
    })
    : null;
  const result = await runSweep({
    ...req,
    tiers,
    timeOnThreads,
    onProgress: (p) => postMessage(msg.sweepProgress(p)),
    onPoint: (point) => postMessage(msg.sweepPoint(point)),
    isCancelled: () => cancelled,
  });
  if (result.cancelled) postMessage(msg.cancelled());
  else postMessage(msg.sweepDone(result));
}

self.onmessage = (ev) => {
  const req = ev.data || {};
  if (req.type === msg.REQUEST.cancel) {
    cancelled = true;
  } else if (req.type === msg.REQUEST.run) {
    run(req).catch((e) => postMessage(msg.error(e)));
  } else if (req.type === msg.REQUEST.calibrate) {
    calibrateRequest(req).catch((e) => postMessage(msg.error(e)));
  } else if (req.type === msg.REQUEST.sweep) {
    sweep(req).catch((e) => postMessage(msg.error(e)));
  }
};

// The page waits a few seconds for this first word; a worker that never says it (a script
// that hangs or never arrives) is reported and stopped instead of leaving "starting…".
postMessage(msg.ready());
