// Bounded memory (issue 16): after visiting every tier, and after a Reset, the page holds one
// copy of the N² weights, not one per tier — an idle wasm tier is instantiated afresh (a wasm
// memory never shrinks), the initial weights never pass through the app's own memory, and a
// Reset builds the new state in a fresh instance before the old one goes. The figure is the
// panel's whole-page memory (every wasm memory + the JS heap), read from its data attributes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitRunning } from './helpers.mjs';

const MB = 1024 * 1024;
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const parts = (page) => page.evaluate(() => {
  const el = document.querySelector('[data-testid=memory-parts]');
  const num = (k) => (el.dataset[k] === undefined ? null : Number(el.dataset[k]));
  return {
    total: num('total'), app: num('appWasm'), worker: num('worker'), jsPart: num('jsPart'),
    scalar: num('tierScalar'), simd: num('tierSimd'), relaxed: num('tierRelaxed'),
  };
});
const fmt = (m) => Object.entries(m).map(([k, v]) => `${k} ${v === null ? '–' : (v / MB).toFixed(1)}`).join(', ');

/** The headline's probe copies the run into every tier on load; wait until it is done. */
async function probeDone(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid=headline]')?.dataset.measuring === 'false', null, { timeout: 60000 });
}

/** Runs each tier for a while (every tier's memory then held a copy of the weights once). */
async function visitEveryTier(page, last = 'simd') {
  const order = ['js', 'scalar', 'relaxed', 'simd'].filter((t) => t !== last).concat(last);
  for (const tier of order) {
    await page.selectOption('[data-testid=tier-select]', tier);
    await page.waitForFunction((t) => document.querySelector('[data-testid=tier-select]').value === t
      && Number(document.querySelector('[data-testid=fps]')?.textContent) > 0, tier, { timeout: 10000 });
    await page.waitForTimeout(1500);
  }
}

/** Polls until `ok(parts)` holds (idle tiers are released every 90 frames; the JS tier's
 *  buffers wait for the garbage collector), or gives the last reading. */
async function settle(page, ok, ms = 20000) {
  const t0 = Date.now();
  let m = await parts(page);
  while (!ok(m) && Date.now() - t0 < ms) {
    await page.waitForTimeout(500);
    m = await parts(page);
  }
  return m;
}

test('N = 2048: after visiting every tier the whole page stays under 50 MB, idle tiers back at their initial size', async (t) => {
  const { page, context, problems } = await open(env, '/?n=2048&agents=64');
  await waitRunning(page);
  await probeDone(page);
  const fresh = await parts(page);
  await visitEveryTier(page);
  const weights = 2048 * 2048 * 4;
  const m = await settle(page, (p) => p.total < 50 * MB && p.scalar < weights / 4 && p.relaxed < weights / 4);
  t.diagnostic(`MB at load: ${fmt(fresh)}; after every tier: ${fmt(m)}`);
  assert.ok(m.simd > weights, `the active tier holds the weights (${fmt(m)})`);
  for (const idle of ['scalar', 'relaxed']) {
    assert.ok(m[idle] < weights / 4, `idle ${idle} module gave its memory back (${fmt(m)}; at load ${fmt(fresh)})`);
  }
  assert.ok(m.app < weights, `the app's own memory never held the weights (${fmt(m)})`);
  assert.ok(m.total < 50 * MB, `whole page ${(m.total / MB).toFixed(1)} MB < 50 MB (${fmt(m)})`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('N = 4096: after every tier and a Reset the page holds less than twice the 64 MB weight matrix', async (t) => {
  const { page, context, problems } = await open(env, '/?n=4096&agents=64');
  await waitRunning(page, 40000);
  await probeDone(page);
  await visitEveryTier(page);
  await page.click('[data-testid=reset]');
  await page.waitForTimeout(2000);
  const weights = 4096 * 4096 * 4;
  const m = await settle(page, (p) => p.total < 2 * weights && p.simd < 1.25 * weights, 30000);
  t.diagnostic(`MB after every tier and a Reset: ${fmt(m)}`);
  assert.ok(m.simd >= weights && m.simd < 1.25 * weights,
    `the active module holds one state after the Reset, not the old and the new (${fmt(m)})`);
  assert.ok(m.app < weights / 2, `the app's own memory never held the weights (${fmt(m)})`);
  assert.ok(m.total < 2 * weights, `whole page ${(m.total / MB).toFixed(1)} MB < 128 MB (${fmt(m)})`);
  assert.deepEqual(problems, []);
  await context.close();
});
