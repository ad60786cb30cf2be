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

/** The simulated clock ("t = 1.2 s" in the status line), in seconds. */
const simSeconds = (page) => page.evaluate(() => Number((/t = ([\d.]+)/.exec(document.querySelector('.status-line').textContent) || [])[1]));

/** Waits until the simulated clock has moved past `t0` (the run goes on). */
async function advances(page, t0, what) {
  await page.waitForFunction((t) => Number((/t = ([\d.]+)/.exec(document.querySelector('.status-line').textContent) || [])[1]) > t,
    t0, { timeout: 15000 }).catch(() => { throw new Error(`the simulation stood still ${what} (t = ${t0} s)`); });
}

/** Runs each tier for a while (every tier's memory then held a copy of the weights once). */
async function visitEveryTier(page, last = 'simd') {
  const order = ['js', 'scalar', 'relaxed', 'simd'].filter((t) => t !== last).concat(last);
  for (const tier of order) {
    await page.selectOption('[data-testid=tier-select]', tier);
    await page.waitForFunction((t) => document.querySelector('[data-testid=tier-select]').value === t, tier, { timeout: 10000 });
    const t0 = await simSeconds(page);
    await page.waitForTimeout(1500);
    await advances(page, t0, `in the ${tier} tier`);
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
  await advances(page, 0, 'after the Reset');
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

test('N = 4096: the headline probe holds one copy besides the live run at a time and gives it back when done', async (t) => {
  const { page, context, problems } = await open(env, '/?n=4096&agents=64');
  await waitRunning(page, 40000);
  const weights = 4096 * 4096 * 4;
  // Every frame from load: how many parts hold a weight matrix (the memory figure refreshes
  // every 500 ms), until 700 ms after the headline has measured every tier.
  const seen = await page.evaluate((w) => new Promise((resolve) => {
    const parts = () => document.querySelector('[data-testid=memory-parts]')?.dataset ?? {};
    const holding = () => ['tierScalar', 'tierSimd', 'tierRelaxed', 'jsPart'].filter((k) => Number(parts()[k]) >= w).length;
    const t0 = performance.now();
    let most = 0, measured = false, doneAt = null;
    const tick = () => {
      most = Math.max(most, holding());
      const m = document.querySelector('[data-testid=headline]')?.dataset.measuring;
      if (m === 'true') measured = true;
      if (measured && m === 'false' && doneAt === null) doneAt = performance.now();
      if (doneAt !== null && performance.now() - doneAt > 700) return resolve({ most, after: holding(), total: Number(parts().total) });
      if (performance.now() - t0 > 60000) return resolve({ timeout: true, most, measured });
      requestAnimationFrame(tick);
    };
    tick();
  }), weights);
  t.diagnostic(`probe at N = 4096: ${JSON.stringify(seen)}`);
  assert.ok(!seen.timeout, `the headline finished measuring (${JSON.stringify(seen)})`);
  assert.ok(seen.most <= 2, `at most the live run and one probe copy at a time (${seen.most} parts held a matrix)`);
  assert.equal(seen.after, 1, 'after the probe only the live tier holds the weights');
  assert.ok(seen.total < 2 * weights, `whole page ${(seen.total / MB).toFixed(1)} MB < 128 MB right after the probe`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Reset in every tier, the JS tier included, builds a state that runs (weights written row by row)', async () => {
  const { page, context, problems } = await open(env, '/?n=512&agents=16');
  await waitRunning(page);
  for (const tier of ['js', 'scalar', 'simd']) {
    await page.selectOption('[data-testid=tier-select]', tier);
    await page.click('[data-testid=reset]');
    await page.waitForTimeout(300);
    await advances(page, 0.1, `after a Reset in the ${tier} tier`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
