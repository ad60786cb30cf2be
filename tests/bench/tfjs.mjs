// The outside anchor for `make bench`: TensorFlow.js's WebAssembly backend (XNNPACK) in the same
// Chromium, on its own page (tests/bench/tfjs-page/) served from local npm files — a
// comparison, never a dependency of the app. Returns { env, rows } with op and op+readback
// times per shared workload; see tfjs-page/anchor.js for the method.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { DIST } from '../e2e/paths.mjs';
import { PROBE_SOURCE } from '../e2e/engines.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = join(HERE, '..', 'node_modules', '@tensorflow');

/** The anchor's page (tfjs-page/) with TensorFlow.js from tests/node_modules, our JS sources
 *  (`/kernels-js/`) and the built app's kernel modules (`/kernels-wasm/`); `options` as
 *  startServer takes them (isolation, security headers, the probe). */
export function startAnchorServer(options = {}) {
  return startServer({
    root: join(HERE, 'tfjs-page'),
    ...options,
    mounts: {
      '/vendor/tfjs-core/': join(MODULES, 'tfjs-core', 'dist'),
      '/vendor/tfjs-backend-wasm/': join(MODULES, 'tfjs-backend-wasm', 'dist'),
      '/kernels-js/': join(HERE, '..', '..', 'kernels', 'js'),
      '/kernels-wasm/': join(DIST, 'kernels'),
    },
  });
}

// With `headToHead: rounds`, also runs the page's interleaved head to head (anchor.js) against
// our SIMD and relaxed modules from the built app (DIST/kernels) on the workloads tfjs got right,
// and returns it as `head_to_head`.
export async function runTfjsAnchor(browser, { set = 'full', log = console.error, headToHead = 0 } = {}) {
  // Not cross-origin isolated: without SharedArrayBuffer tfjs loads its single-threaded SIMD
  // build (isolated, it picks the threaded build and starts a worker pool even at one thread).
  // The page's coarser timer only makes the harness's batches longer.
  const server = await startAnchorServer({ isolation: false });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['blob:', 'data:'].includes(u.protocol) && u.hostname !== '127.0.0.1') problems.push(`request left 127.0.0.1: ${r.url()}`);
    });
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => typeof globalThis.runAnchor === 'function', null, { timeout: 30000 });
    log(`tfjs-wasm anchor: ${set} set…`);
    const result = await page.evaluate(({ s, rounds }) => globalThis.runAnchor(s, { headToHead: rounds }), { s: set, rounds: headToHead });
    if (problems.length) throw new Error(`tfjs anchor page: ${problems.join('; ')}`);
    return result;
  } finally {
    await context.close();
    await server.close();
  }
}

/**
 * The threaded head to head (tfjs-page/anchor.js `threadedHeadToHead`) at each thread count in
 * `ks`, in `engine` (tests/e2e/engines.mjs): the anchor's page served cross-origin isolated (so
 * tfjs loads its threaded SIMD build), loaded afresh per count (tfjs reads its thread count once,
 * when its backend starts). Returns `{ by_k: { k: { env, rows } or { error } } }`; a count that
 * fails says why and the others still run.
 */
export async function runTfjsThreaded(engine, ks, { rounds = 3, calls = 100, warmup = 20, forms = null, log = console.error } = {}) {
  // Isolated, and without the app's security headers: tfjs's threaded build starts its
  // pthread pool from blob: URLs, which the app's CSP (`worker-src 'self'`) refuses, and its
  // backend then never becomes ready. This page is the outside anchor, never the app.
  const server = await startAnchorServer({ isolation: true, security: false, probe: PROBE_SOURCE });
  const by_k = {};
  try {
    for (const k of ks) {
      log(`tfjs-wasm threaded vs our threads, k = ${k}…`);
      const page = await engine.newPage();
      try {
        await page.goto(`${server.url}/index.html`);
        await page.waitFor(() => typeof globalThis.runThreadedHeadToHead === 'function', null, { timeout: 30000, what: 'the tfjs anchor page' });
        await page.evaluate(({ k, opts }) => {
          globalThis.__threaded = null;
          globalThis.runThreadedHeadToHead(k, opts)
            .then((r) => { globalThis.__threaded = { ok: r }; }, (e) => { globalThis.__threaded = { error: String(e?.message || e) }; });
          return true;
        }, { k, opts: { rounds, calls, warmup, forms } });
        const r = await page.waitFor(() => globalThis.__threaded, null, { timeout: 300000, interval: 500, what: `the threaded head to head at k = ${k}` });
        const problems = (await page.problems()).filter((p) => /^(pageerror|request left)/.test(p));
        by_k[k] = r.error ? { error: r.error } : problems.length ? { error: problems.join('; ') } : r.ok;
      } catch (e) {
        by_k[k] = { error: String(e?.message || e) };
      } finally {
        await page.close().catch(() => {});
      }
    }
  } finally {
    await server.close();
  }
  return { by_k };
}
