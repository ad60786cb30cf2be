// Dynamics comparable across N (issue 14): the weights scale with N (README "The model"), so
// the firing regime is the same at every size — the page's own spike rate per neuron, read
// from the status line, stays in the plasticity test's band and within a factor of 3 across N.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitRunning, parseCount } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const BAND_HZ = [1, 50]; // kernels/tests/plasticity.rs RATE_BAND

test('the firing rate per neuron stays in its band and comparable at N = 256, 1024 and 4096', async (t) => {
  const rates = {};
  for (const n of [256, 1024, 4096]) {
    const { page, context, problems } = await open(env, `/?n=${n}&tier=simd`);
    await waitRunning(page, 40000);
    await page.waitForTimeout(3000);
    const samples = [];
    for (let i = 0; i < 5; i++) {
      samples.push(parseCount(await page.locator('[data-testid=spikes-per-s]').textContent()) / n);
      await page.waitForTimeout(800);
    }
    samples.sort((a, b) => a - b);
    rates[n] = samples[2];
    assert.deepEqual(problems, []);
    await context.close();
  }
  t.diagnostic(`Hz per neuron (median of 5 readings): ${JSON.stringify(rates)}`);
  for (const [n, r] of Object.entries(rates)) {
    assert.ok(r >= BAND_HZ[0] && r <= BAND_HZ[1], `N = ${n}: ${r.toFixed(2)} Hz outside ${BAND_HZ.join('–')} Hz`);
  }
  const vals = Object.values(rates);
  assert.ok(Math.max(...vals) / Math.min(...vals) < 3, `rates across N differ by more than 3×: ${JSON.stringify(rates)}`);
});
