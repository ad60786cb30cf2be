// Recovery without a reload: every tier failed and one comes back, a JS tier dependency
// served corrupt once, a NaN stop and Reset; and the app's own wasm that never arrives, which
// the page reports instead of staying blank. Faults are injected by the e2e server
// (setFault), Chromium drives the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, open, waitRunning, text, DIST } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const simTime = async (page) => Number((await page.locator('.status-line').textContent()).match(/t = ([\d.]+)/)[1]);
/** Waits until the simulated clock passes its current reading (it shows tenths of a second,
 *  which a loaded machine's few frames per second take a while to tick over). */
async function clockAdvances(page, timeout = 15000) {
  const t = await simTime(page);
  await page.waitForFunction((t0) => Number(document.querySelector('.status-line').textContent.match(/t = ([\d.]+)/)[1]) > t0, t, { timeout });
}
const tierState = (page, tier) => page.locator(`table.tiers tr[data-tier=${tier}] td:nth-child(2)`).textContent();
const bannerShown = (page) => page.locator('[data-testid=error-banner]').first().isVisible();

test('every tier failed to load: one Retry, with the server back, starts the simulation and the banner goes', async () => {
  const TIER_FILES = /^\/(js\/tier\/abi\.js|kernels\/kernels-(scalar|simd|relaxed)\.wasm)$/;
  env.server.setFault((path) => (TIER_FILES.test(path) ? { status: 404, body: 'not here yet' } : null));
  try {
    // A module script answered 404 is reported by Chromium as an aborted request.
    const { page, context, problems } = await open(env, '/?n=256', { allow: [/404/, /\/js\/tier\/abi\.js/] });
    await page.waitForFunction(() => /Cannot start the simulation/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''), null, { timeout: 30000 });
    assert.equal(await page.locator('table.tiers button[data-testid^=retry-]').count(), 4, 'every tier offers Retry');
    env.server.setFault(null);
    await page.click('[data-testid=retry-scalar]');
    await waitRunning(page, 20000);
    await clockAdvances(page);
    assert.match(await tierState(page, 'scalar'), /^\s*loaded/);
    assert.match(await text(page, 'active-tier'), /WASM scalar/, 'the tier that loaded runs');
    assert.equal(await bannerShown(page), false, 'the "Cannot start" banner is gone');
    assert.match(await tierState(page, 'simd'), /unavailable: .*404/, 'the others still say why, with Retry');
    assert.equal(await page.locator('[data-testid=retry-simd]').count(), 1);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    env.server.setFault(null);
  }
});

test('a JS tier dependency served corrupt once: one Retry reloads the whole module graph and the tier runs', async () => {
  let corrupt = 0;
  env.server.setFault((path) => {
    if (path !== '/js/tier/stdp.js' || corrupt++ > 0) return null;
    return { status: 200, type: 'text/javascript', body: 'export function stdpUpdate(w, n, {' };
  });
  try {
    const { page, context, problems } = await open(env, '/?n=256&tier=simd', { allow: [/stdp\.js/, /SyntaxError|Unexpected/i] });
    await waitRunning(page);
    await page.waitForFunction(() => /unavailable/.test(document.querySelector('table.tiers tr[data-tier=js]').textContent), null, { timeout: 15000 });
    assert.equal(corrupt, 1, 'the corrupt copy was served once');
    await page.click('[data-testid=retry-js]');
    // The click is applied on the next frame: until then the row still shows the old failure,
    // so wait for the retry's outcome (a failed retry times out here and fails below).
    await page.waitForFunction(() => /^\s*loaded/.test(document.querySelector('table.tiers tr[data-tier=js] td:nth-child(2)').textContent), null, { timeout: 15000 })
      .catch(() => {});
    assert.match(await tierState(page, 'js'), /^\s*loaded/, 'the first Retry loads the tier');
    assert.ok(corrupt >= 2, 'the retry asked for stdp.js again');
    // The retried files carry their query and still count as the tier's files in the timing.
    assert.match(await page.locator('table.tiers tr[data-tier=js]').textContent(), /files in by [\d.]+ ms, then link \+ evaluate/);
    await page.keyboard.press('1');
    await page.waitForFunction(() => /JavaScript/.test(document.querySelector('[data-testid=active-tier]').textContent), null, { timeout: 5000 });
    await clockAdvances(page);
    assert.equal(await bannerShown(page), false);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    env.server.setFault(null);
  }
});

test('a NaN stop: Reset resumes the run and withdraws the message, and Play after a pause keeps it going', async () => {
  const { page, context, problems } = await open(env, '/?debug=1&n=256');
  await waitRunning(page);
  await page.click('[data-testid=debug-nan]');
  await page.waitForSelector('[data-testid=error-banner]:not([hidden])');
  assert.match(await text(page, 'error-banner'), /The simulation stopped: .*NaN or infinite/);
  await page.waitForFunction(() => document.querySelector('[data-testid=play-pause]').textContent === 'Play');
  await page.click('[data-testid=reset]');
  await page.waitForSelector('[data-testid=error-banner]', { state: 'hidden', timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=play-pause]').textContent === 'Pause', null, { timeout: 5000 });
  await clockAdvances(page);
  // Paused and played again by the user: it runs, and the message does not come back.
  await page.click('[data-testid=play-pause]');
  await page.waitForFunction(() => document.querySelector('[data-testid=play-pause]').textContent === 'Play');
  await page.click('[data-testid=play-pause]');
  await page.waitForFunction(() => document.querySelector('[data-testid=play-pause]').textContent === 'Pause');
  await clockAdvances(page);
  await waitRunning(page);
  assert.equal(await bannerShown(page), false);
  assert.doesNotMatch(await page.locator('body').textContent(), /The simulation stopped/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the app's own wasm never arrives: the page says it is loading, then what failed, with a Reload that works", async () => {
  // The timeout the page uses, read from the file it runs (src/boot.js), so the test waits for it.
  const stallMs = Number(readFileSync(join(DIST, 'boot.js'), 'utf8').match(/STALL_TIMEOUT_MS = (\d+)/)?.[1] ?? 20000);
  env.server.setFault((path) => (path === '/sasi-lab_bg.wasm' ? 'hang' : null));
  try {
    const t0 = Date.now();
    const { page, context, problems } = await open(env, '/', { allow: [/sasi-lab_bg\.wasm/, /could not start/] });
    // Never blank: a status line from the first paint, counting the seconds.
    await page.waitForFunction(() => /Loading the app… [1-9]\d* s/.test(document.querySelector('[data-testid=boot-status]')?.textContent ?? ''), null, { timeout: 10000 });
    await page.waitForSelector('[data-testid=error-banner]', { timeout: stallMs + 15000 });
    const waited = Date.now() - t0;
    assert.ok(waited >= stallMs - 500, `not given up before the stall timeout (${waited} ms)`);
    const message = await text(page, 'error-banner');
    assert.match(message, /SASI Lab could not start: .*\/sasi-lab_bg\.wasm.* for \d+ s \(no byte of it received\)/);
    assert.equal(await page.locator('[data-testid=boot-status]').count(), 0, 'the loading line gave way to the message');
    const reload = page.locator('[data-testid=error-banner] a.reload');
    assert.equal(await reload.isVisible(), true);
    // The server answers again: the Reload link brings the app up.
    env.server.setFault(null);
    await reload.click();
    await waitRunning(page, 30000);
    assert.equal(await page.locator('[data-testid=boot-status]').count(), 0, 'the loading line is gone once the app runs');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    env.server.setFault(null);
  }
});
