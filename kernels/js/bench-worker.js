// The benchmark Web Worker: loads every tier itself (so the page's animation is untouched),
// runs the shared harness and posts progress, rows and the summary back.
import { runBench, summarise } from './bench.js';

let cancelled = false;

async function loadWasm(url) {
  const t0 = performance.now();
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`HTTP ${resp.status} for ${url}`);
  let instance;
  if (WebAssembly.instantiateStreaming && (resp.headers.get('content-type') || '').includes('application/wasm')) {
    ({ instance } = await WebAssembly.instantiateStreaming(resp, {}));
  } else {
    ({ instance } = await WebAssembly.instantiate(await resp.arrayBuffer(), {}));
  }
  return { exports: instance.exports, load_ms: performance.now() - t0 };
}

function timerResolutionNs() {
  let best = Infinity;
  let last = performance.now();
  for (let i = 0; i < 20000; i++) {
    const t = performance.now();
    if (t > last) {
      best = Math.min(best, t - last);
      last = t;
    }
  }
  return best * 1e6;
}

async function run({ set, modules, jsUrl }) {
  cancelled = false;
  const tiers = {};
  const status = {};
  try {
    const t0 = performance.now();
    tiers.js = await import(jsUrl);
    status.js = { ok: true, reason: null, load_ms: performance.now() - t0 };
  } catch (e) {
    status.js = { ok: false, reason: String(e.message || e), load_ms: 0 };
  }
  for (const t of ['scalar', 'simd', 'relaxed']) {
    const url = modules?.[t];
    if (!url) {
      status[t] = { ok: false, reason: 'switched off for this run', load_ms: 0 };
      continue;
    }
    try {
      const { exports, load_ms } = await loadWasm(url);
      tiers[t] = exports;
      status[t] = { ok: true, reason: null, load_ms };
    } catch (e) {
      status[t] = { ok: false, reason: String(e.message || e), load_ms: 0 };
    }
  }
  postMessage({ type: 'tiers', status });
  const result = await runBench({
    tiers,
    set,
    onProgress: (p) => postMessage({ type: 'progress', ...p }),
    onRow: (row) => postMessage({ type: 'row', row }),
    isCancelled: () => cancelled,
  });
  if (result.cancelled) {
    postMessage({ type: 'cancelled' });
    return;
  }
  const env = {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated === true,
    timerResolutionNs: timerResolutionNs(),
    set,
    date: new Date().toISOString(),
  };
  postMessage({ type: 'done', rows: result.rows, summary: summarise(result.rows), env, tiers: status });
}

self.onmessage = (ev) => {
  const msg = ev.data || {};
  if (msg.type === 'cancel') {
    cancelled = true;
  } else if (msg.type === 'run') {
    run(msg).catch((e) => postMessage({ type: 'error', message: String(e.message || e) }));
  }
};
