// 16-bit weights (issue 30, kernels/ABI.md "Weight storage") in Debian's Chromium: `?weights=bf16`
// runs the simulation on bfloat16 weights in every tier alike (the race's spike hashes of SIMD
// and JS agree, and differ from the f32 run's at the same checkpoint), N = 8192 is allowed with
// it (slider, URL, the memory target scaled and stated) and refused with f32 (a notice says
// why), and the control and the address bar stay one state. Behaviour only, no timing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitRunning, text } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

/** Records every checkpoint the race's hash shows (t → its dataset), from now on. */
const recordHashes = (page) => page.evaluate(() => {
  window.__hashes = {};
  const note = () => {
    const el = document.querySelector('[data-testid=race-hash]');
    if (el?.dataset.t) window.__hashes[el.dataset.t] = { ...el.dataset, text: el.textContent };
  };
  note();
  // The line is a new element once the first checkpoint is in: watch the race's section.
  new MutationObserver(note).observe(document.querySelector('[data-testid=race]'), { attributes: true, childList: true, subtree: true, characterData: true });
});

/** The race's spike hash at checkpoint `t` simulated ms (once the race passed it). */
async function raceHash(page, t) {
  await page.waitForFunction((t) => window.__hashes?.[String(t)] !== undefined || Number(document.querySelector('[data-testid=race-hash]')?.dataset.t) > t + 300, t, { timeout: 90000 });
  return page.evaluate((t) => window.__hashes[String(t)] ?? null, t);
}

test('?weights=bf16: SIMD and JS race to equal spike hashes, which differ from the f32 run\'s', async () => {
  const hashes = {};
  for (const weights of ['bf16', 'f32']) {
    const { page, context, problems } = await open(env, `/?race=simd,js&n=1024&weights=${weights}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=race]')?.dataset.running === 'true'
      && document.querySelector('[data-testid=race-hash]'), null, { timeout: 30000 });
    await recordHashes(page);
    const h = await raceHash(page, 500);
    assert.ok(h, `${weights}: the hash shown at the 500 ms checkpoint`);
    assert.equal(h.equal, 'true', `${weights}: equal hashes (${h.text})`);
    assert.equal(h.a, h.b);
    hashes[weights] = h;
    if (weights === 'bf16') assert.match(page.url(), /weights=bf16/, 'the URL keeps the storage');
    else assert.doesNotMatch(page.url(), /weights=/, 'f32 is the default, left out of the URL');
    assert.deepEqual(problems, []);
    await context.close();
  }
  // The same checkpoint in both runs: different storage, different spikes.
  assert.notEqual(hashes.bf16.a, hashes.f32.a, `bf16 is not the f32 run at 500 ms (${hashes.bf16.text} / ${hashes.f32.text})`);
});

test('N = 8192 runs with bf16 weights; the memory target grows with them; f32 takes it back to 4096 with a notice', async () => {
  const { page, context, problems } = await open(env, '/?n=8192&weights=bf16&tier=simd');
  await waitRunning(page, 60000);
  assert.equal(await page.locator('[data-testid=weights]').inputValue(), 'bf16');
  assert.equal(await page.locator('[data-testid=n]').getAttribute('max'), '8192');
  assert.equal(await page.locator('[data-testid=n]').inputValue(), '8192');
  assert.match(page.url(), /n=8192/);
  assert.match(page.url(), /weights=bf16/);
  const t0 = Number((await page.locator('.status-line').textContent()).match(/t = ([\d.]+)/)[1]);
  await page.waitForFunction((t) => Number(document.querySelector('.status-line').textContent.match(/t = ([\d.]+)/)[1]) > t, t0, { timeout: 30000 });
  // The target: 50 MB plus the weights beyond N = 2048 f32 (128 MiB − 16 MiB = 112 MB).
  const goal = await page.locator('tr[data-target="Runtime memory"] td[data-label=goal]').textContent();
  assert.match(goal, /< 162\.0 MB/, goal);
  // Back to f32: N = 8192 does not fit; the page says why and runs 4096.
  await page.selectOption('[data-testid=weights]', 'f32');
  await page.waitForFunction(() => document.querySelector('[data-testid=n]').value === '4096', null, { timeout: 30000 });
  assert.match(await text(page, 'notices'), /needs 16-bit weights/);
  await page.waitForFunction(() => !/weights=/.test(location.search) && /n=4096/.test(location.search));
  assert.equal(await page.locator('[data-testid=n]').getAttribute('max'), '4096');
  await waitRunning(page, 60000);
  assert.deepEqual(problems, []);
  await context.close();
});
