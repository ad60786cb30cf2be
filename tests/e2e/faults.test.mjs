// Faults that used to leave the page stuck: a kernel module that never arrives, a JS tier
// served truncated, a retry that hangs, a benchmark worker whose script never loads. Each ends
// visible within its stated timeout (10 s per module, 8 s for the worker) and can be retried.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitRunning, text } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const tierState = (page, tier) => page.locator(`table.tiers tr[data-tier=${tier}] td:nth-child(2)`).textContent();

test('a module that never answers times out; the app runs meanwhile, and a retry that hangs can be retried again', async () => {
  let hang = true;
  const { page, context, problems } = await open(env, '/?n=256', {
    allow: [/kernels-relaxed\.wasm/, /timed out/],
    route: (p) => p.route(/kernels-relaxed\.wasm/, (r) => (hang ? undefined /* never answered */ : r.continue())),
  });
  // The other tiers load and the simulation starts once the slow one has timed out.
  await waitRunning(page, 30000);
  await page.waitForFunction(() => /timed out/.test(document.querySelector('table.tiers tr[data-tier=relaxed]').textContent), null, { timeout: 5000 });
  assert.match(await tierState(page, 'relaxed'), /unavailable: timed out: .*kernels-relaxed\.wasm did not load within 10 s/);
  assert.match(await tierState(page, 'simd'), /loaded/);
  // A retry that hangs too ends as "timed out" again, with Retry still offered.
  await page.click('[data-testid=retry-relaxed]');
  await page.waitForFunction(() => /retrying/.test(document.querySelector('table.tiers tr[data-tier=relaxed]').textContent), null, { timeout: 3000 });
  await page.waitForSelector('[data-testid=retry-relaxed]', { timeout: 15000 });
  assert.match(await tierState(page, 'relaxed'), /timed out/);
  // The server answers again: the next retry loads the tier and it runs.
  hang = false;
  await page.click('[data-testid=retry-relaxed]');
  await page.waitForFunction(() => /^\s*loaded/.test(document.querySelector('table.tiers tr[data-tier=relaxed] td:nth-child(2)').textContent), null, { timeout: 15000 });
  await page.keyboard.press('4');
  await page.waitForFunction(() => /relaxed/.test(document.querySelector('[data-testid=active-tier]').textContent), null, { timeout: 5000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a JS tier served truncated is unavailable with the reason, and Retry fetches a fresh copy', async () => {
  let truncate = true;
  const { page, context, problems } = await open(env, '/?n=256&tier=simd', {
    allow: [/abi\.js/, /SyntaxError|Unexpected end|expected/i],
    route: (p) => p.route(/\/js\/tier\/abi\.js/, async (r) => {
      if (!truncate) return r.continue();
      const resp = await r.fetch();
      const body = await resp.text();
      return r.fulfill({ response: resp, body: body.slice(0, Math.floor(body.length / 2)) });
    }),
  });
  await waitRunning(page);
  await page.waitForFunction(() => /unavailable/.test(document.querySelector('table.tiers tr[data-tier=js]').textContent), null, { timeout: 15000 });
  truncate = false;
  await page.click('[data-testid=retry-js]');
  await page.waitForFunction(() => /^\s*loaded/.test(document.querySelector('table.tiers tr[data-tier=js] td:nth-child(2)').textContent), null, { timeout: 15000 });
  await page.keyboard.press('1');
  await page.waitForFunction(() => /JavaScript/.test(document.querySelector('[data-testid=active-tier]').textContent), null, { timeout: 5000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a benchmark worker whose script never arrives is reported within 8 s, and Run works again', async () => {
  let hang = true;
  const { page, context, problems } = await open(env, '/?n=256', {
    allow: [/bench-worker\.js/],
    route: (p) => p.route(/bench-worker\.js/, (r) => (hang ? undefined : r.continue())),
  });
  await waitRunning(page);
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => /did not start within 8 s/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { timeout: 15000 });
  assert.equal(await page.locator('[data-testid=bench-run]').isDisabled(), false, 'Run is offered again');
  hang = false;
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { timeout: 15000 });
  await page.click('[data-testid=bench-cancel]');
  await page.waitForFunction(() => /cancelled/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { timeout: 15000 });
  assert.deepEqual(problems, []);
  await context.close();
});

// A worker that reports one kernel whose SIMD/JS ratio is 2.2× at the median but whose
// quartiles put it anywhere from 1.6× to 2.8×: the "SIMD vs JS" target must say inconclusive.
const SPREAD_WORKER = `
const row = (tier, median, p25, p75) => ({ kernel: 'dense', size: '256x256', tier, median_ns: median, p25_ns: p25, p75_ns: p75,
  runs: 15, agrees: true, ops: 65536, op_unit: 'MAC', settled: true, warmup_rounds: 3, calls_per_batch: 10 });
self.onmessage = (ev) => {
  if (ev.data?.type !== 'run') return;
  const ok = { ok: true, reason: null, load_ms: 0 };
  postMessage({ type: 'tiers', status: { js: ok, simd: ok, scalar: ok, relaxed: ok } });
  const rows = [row('js', 2200, 1900, 2500), row('simd', 1000, 900, 1200), row('scalar', 1500, 1400, 1600), row('relaxed', 1000, 900, 1200)];
  for (const r of rows) postMessage({ type: 'row', row: r });
  postMessage({ type: 'done', rows, env: { set: 'quick' } });
};
postMessage({ type: 'ready' });`;

test('a speed-up whose spread straddles its goal is inconclusive, not a pass or a fail', async () => {
  const { page, context, problems } = await open(env, '/?n=256', {
    route: (p) => p.route('**/js/bench/bench-worker.js', (r) => r.fulfill({
      status: 200,
      contentType: 'text/javascript',
      headers: { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cross-Origin-Opener-Policy': 'same-origin' },
      body: SPREAD_WORKER,
    })),
  });
  await waitRunning(page);
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 15000 });
  const row = page.locator('[data-testid=targets] tr[data-target="SIMD vs JS"]');
  assert.equal(await row.getAttribute('class'), 'inconclusive');
  const textContent = await row.textContent();
  assert.match(textContent, /inconclusive/);
  assert.match(textContent, /straddles 2× for dense 256x256 \(1\.6–2\.8×\)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the server dies and comes back: the demo keeps running, a benchmark says why it cannot start, and works once the server is back', async () => {
  const { startServer } = await import('./server.mjs');
  const { DIST } = await import('./paths.mjs');
  let server = await startServer({ root: DIST });
  const port = Number(new URL(server.url).port);
  const { page, context, problems } = await open({ browser: env.browser, server }, '/?n=256', {
    allow: [/bench-worker\.js/, /ERR_CONNECTION_REFUSED|net::ERR|Failed to fetch|NetworkError/],
  });
  await waitRunning(page);
  await server.close();
  // Everything the running demo needs is already in the page: it keeps animating.
  const steps0 = await page.locator('[data-testid=fps]').textContent();
  await page.waitForTimeout(1500);
  assert.ok(Number(await page.locator('[data-testid=fps]').textContent()) > 0, `still animating without a server (fps ${steps0} → …)`);
  // A benchmark needs its worker script from the server: the failure is shown within the
  // worker's 8 s start-up limit and Run is offered again.
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=bench-status]').textContent;
    return /did not start|could not|failed|error/i.test(s) && !document.querySelector('[data-testid=bench-run]').disabled;
  }, null, { timeout: 15000 });
  const status = await text(page, 'bench-status');
  // The server is back on the same address: the next Run starts.
  server = await startServer({ root: DIST, port });
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { timeout: 15000 });
  await page.click('[data-testid=bench-cancel]');
  await page.waitForFunction(() => /cancelled/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { timeout: 15000 });
  assert.ok(status.length > 0);
  assert.deepEqual(problems, []);
  await context.close();
  await server.close();
});

test('an exception nobody catches (a JS tier whose buffer views throw) shows the error banner, not a page that silently stands still', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DIST } = await import('./paths.mjs');
  const original = readFileSync(join(DIST, 'js', 'tier', 'abi.js'), 'utf8');
  assert.match(original, /export const f32 = \(h, len\) => view\(h, len, 'f32'\);/);
  const patched = original.replace("export const f32 = (h, len) => view(h, len, 'f32');",
    "export const f32 = (h, len) => { if (globalThis.__breakViews) throw new Error('view broke (test)'); return view(h, len, 'f32'); };");
  const { page, context } = await open(env, '/?n=256&tier=js', {
    allow: [/view broke/],
    route: (p) => p.route(/\/js\/tier\/abi\.js/, (r) => r.fulfill({
      status: 200, contentType: 'text/javascript', body: patched,
      headers: { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' },
    })),
  });
  await waitRunning(page);
  assert.match(await text(page, 'active-tier'), /JavaScript/);
  await page.evaluate(() => { globalThis.__breakViews = true; });
  await page.waitForSelector('[data-testid=error-banner]:not([hidden])', { timeout: 10000 });
  assert.match(await text(page, 'error-banner'), /The app stopped: .*view broke \(test\)/);
  assert.equal(await page.locator('[data-testid=error-banner] a.reload').isVisible(), true);
  await context.close();
});
