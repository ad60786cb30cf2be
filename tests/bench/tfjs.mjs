// The outside anchor for `make bench`: TensorFlow.js's WebAssembly backend (XNNPACK) in the same
// Chromium, on its own page (tests/bench/tfjs-page/) served from local npm files — a
// comparison, never a dependency of the app. Returns { env, rows } with op and op+readback
// times per shared workload; see tfjs-page/anchor.js for the method.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { DIST } from '../e2e/paths.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = join(HERE, '..', 'node_modules', '@tensorflow');

// With `headToHead: rounds`, also runs the page's interleaved head to head (anchor.js) against
// our SIMD and relaxed modules from the built app (DIST/kernels) on the workloads tfjs got right,
// and returns it as `head_to_head`.
export async function runTfjsAnchor(browser, { set = 'full', log = console.error, headToHead = 0 } = {}) {
  // Not cross-origin isolated: without SharedArrayBuffer tfjs loads its single-threaded SIMD
  // build (isolated, it picks the threaded build and starts a worker pool even at one thread).
  // The page's coarser timer only makes the harness's batches longer.
  const server = await startServer({
    root: join(HERE, 'tfjs-page'),
    isolation: false,
    mounts: {
      '/vendor/tfjs-core/': join(MODULES, 'tfjs-core', 'dist'),
      '/vendor/tfjs-backend-wasm/': join(MODULES, 'tfjs-backend-wasm', 'dist'),
      '/kernels-js/': join(HERE, '..', '..', 'kernels', 'js'),
      '/kernels-wasm/': join(DIST, 'kernels'),
    },
  });
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
