// The benchmark worker's run of one set in a page (the page's own worker, kernels/js/bench/
// bench-worker.js), polled: no engine holds a call open for minutes. Shared by make bench
// (run.mjs) and the storage measurement (storage.mjs).
import { sleep } from '../e2e/engines.mjs';

/** Runs `set` in `page`'s worker; `plain`: the plain-loop check too; `log(progress)` every 5 s. */
export async function runHarness(page, set, { plain = false, log = () => {} } = {}) {
  await page.evaluate(({ s, plain }) => {
    globalThis.__bench = { done: null, progress: null };
    const w = new Worker('/js/bench/bench-worker.js', { type: 'module' });
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'progress') globalThis.__bench.progress = `${m.done}/${m.total} ${m.kernel} ${m.size} ${m.tier}`;
      if (m.type === 'done' || m.type === 'error') { globalThis.__bench.done = m; w.terminate(); }
    };
    w.onerror = (e) => { globalThis.__bench.done = { type: 'error', message: e.message || 'worker error' }; };
    // No page waits for this calibration, so it gets the time an engine needs to optimise
    // both forms of every kernel (the page's 150 ms is too short for the GEMM in Firefox).
    w.postMessage({ type: 'run', set: s, plain, calibrationMs: 1000, modules: { scalar: '/kernels/kernels-scalar.wasm', simd: '/kernels/kernels-simd.wasm', relaxed: '/kernels/kernels-relaxed.wasm' }, jsUrl: '/js/tier/abi.js' });
    return true;
  }, { s: set, plain });
  let lastLog = 0;
  for (;;) {
    const st = await page.evaluate(() => ({ finished: globalThis.__bench.done !== null, progress: globalThis.__bench.progress }));
    if (st.finished) break;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      if (st.progress) log(`  progress ${st.progress}`);
    }
    await sleep(1000);
  }
  return page.evaluate(() => globalThis.__bench.done);
}
