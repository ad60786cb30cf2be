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
    route: (p) => p.route(/\/js\/abi\.js/, async (r) => {
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
