// The demo of issue 14 in Debian's Chromium: the race (two tiers, the same seed, the same
// per-frame kernel budget, equal spike hashes), the "largest N at 60 fps" sweep in the worker,
// an imported benchmark JSON beside this run, and the ?simd=off headline. Behaviour only: no
// figure has to be fast, the clocks only have to advance and the hashes to agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, open, waitRunning, canvasStats, text, REPO, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

// Screenshots go to target/e2e/ like every other test's; `SASI_README_SHOTS=1` writes the
// README's copies in style/screenshots/ instead (a test run leaves the repository alone).
const SCREENSHOTS = process.env.SASI_README_SHOTS ? join(REPO, 'style', 'screenshots') : SHOTS;

/** Scrolls a section to the top of a 1366×768 viewport and takes the viewport. */
async function sectionShot(page, testid, name) {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.locator(`[data-testid=${testid}]`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

const clocks = (page) => page.evaluate(() => [0, 1].map((i) => {
  const b = document.querySelector(`[data-testid=race-clock-${i}]`);
  return { ms: b && b.dataset.ms !== '' ? Number(b.dataset.ms) : NaN, tier: document.querySelector(`[data-testid=race-lane-${i}]`).dataset.tier };
}));
const simTime = async (page) => Number((await page.locator('.status-line').textContent()).match(/t = ([\d.]+)/)[1]);

test('?race=simd,js: two clocks that advance apart, equal spike hashes, the main simulation paused', async () => {
  const { page, context, problems } = await open(env, '/?race=simd,js&n=2048');
  // The race starts as soon as the tiers are loaded; the main loop's fps stays 0 meanwhile.
  await page.waitForFunction(() => document.querySelector('[data-testid=race]')?.dataset.running === 'true', null, { timeout: 30000 });
  assert.match(await text(page, 'race-state'), /main simulation is paused/);
  const first = await clocks(page);
  assert.deepEqual(first.map((c) => c.tier), ['simd', 'js']);
  // A common checkpoint of both sides, then a few more seconds of racing.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=race-hash]').dataset.t) >= 200, null, { timeout: 60000 });
  const main0 = await simTime(page);
  await page.waitForTimeout(3000);
  const later = await clocks(page);
  for (const i of [0, 1]) assert.ok(later[i].ms > first[i].ms, `${later[i].tier} clock advances (${first[i].ms} → ${later[i].ms} ms)`);
  assert.notEqual(later[0].ms, later[1].ms, `the clocks differ under the same budget (SIMD ${later[0].ms} ms, JS ${later[1].ms} ms)`);
  console.log(`race after a few seconds: SIMD t = ${later[0].ms} ms, JS t = ${later[1].ms} ms`);
  const hash = await page.locator('[data-testid=race-hash]').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
  assert.ok(Number(hash.t) >= 200 && Number(hash.t) % 100 === 0, `a common checkpoint (${hash.t} ms)`);
  assert.match(hash.a, /^[0-9a-f]{12}$/);
  assert.equal(hash.equal, 'true', `equal hashes: ${hash.text}`);
  assert.equal(hash.a, hash.b);
  assert.equal(await page.locator('[data-testid=race-divergence]').count(), 0, 'no checkpoint diverged');
  assert.equal(await simTime(page), main0, 'the main simulation does not advance while the race runs');
  for (const i of [0, 1]) {
    const s = await canvasStats(page, `race-canvas-${i}`);
    assert.ok(s.width > 100 && s.fraction > 0.0005, `race canvas ${i} draws spikes (${s.fraction})`);
  }
  assert.match(page.url(), /race=simd,js/, 'the URL keeps the race');
  await sectionShot(page, 'race', 'race-1366x768.png');

  // Stop: the race's figures stay, the main simulation goes on, the URL drops the race.
  await page.click('[data-testid=race-stop]');
  await page.waitForFunction(() => document.querySelector('[data-testid=race]').dataset.running === 'false');
  await page.waitForFunction(() => !/race=/.test(location.search));
  await page.waitForFunction((t) => Number(document.querySelector('.status-line').textContent.match(/t = ([\d.]+)/)[1]) > t, main0, { timeout: 10000 });

  // Any pair from the page: scalar against JS.
  await page.selectOption('[data-testid=race-left]', 'scalar');
  await page.selectOption('[data-testid=race-right]', 'js');
  await page.click('[data-testid=race-start]');
  await page.waitForFunction(() => document.querySelector('[data-testid=race-lane-0]').dataset.tier === 'scalar'
    && document.querySelector('[data-testid=race]').dataset.running === 'true');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=race-hash]').dataset.t) >= 100, null, { timeout: 60000 });
  assert.equal(await page.locator('[data-testid=race-hash]').getAttribute('data-equal'), 'true');
  assert.match(page.url(), /race=scalar,js/);
  await page.click('[data-testid=race-stop]');
  await page.waitForFunction(() => document.querySelector('[data-testid=race]').dataset.running === 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad race value gives a notice and no race', async () => {
  const { page, context, problems } = await open(env, '/?race=simd,gpu&n=256');
  await waitRunning(page);
  assert.match(await text(page, 'notices'), /race="simd,gpu" is not two different tiers/);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid=race]').getAttribute('data-running'), 'false');
  assert.match(await text(page, 'race-state'), /not started/);
  assert.doesNotMatch(page.url(), /race=/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the sweep runs in the worker while the page animates and ends with one bar per tier', async () => {
  // 12 steps per frame: three times the default work per frame, so the tiers' limits fall
  // inside the kernels' N ≤ 4096 (at 4 steps every tier fit 4096 on a quiet moment here).
  const { page, context, problems } = await open(env, '/?n=512&steps=12');
  await waitRunning(page);
  await page.waitForTimeout(800);
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=sweep-status]').textContent), null, { timeout: 20000 });
  assert.match(await text(page, 'sweep-budget'), /60 fps budget for LIF \+ STDP: 16\.7 ms − [\d.]+ ms .* = [\d.]+ ms/);
  const a = await canvasStats(page, 'mesh-canvas');
  await page.waitForTimeout(500);
  const b = await canvasStats(page, 'mesh-canvas');
  assert.notEqual(a.hash, b.hash, 'the mesh animates during the sweep');
  await page.waitForFunction(() => document.querySelector('[data-testid=sweep]').dataset.finished === 'true', null, { timeout: 90000 });
  const bars = await page.locator('[data-testid=sweep-bar]').evaluateAll((els) => els.map((e) => ({ tier: e.dataset.tier, threads: e.dataset.threads, n: e.dataset.n, text: e.textContent })));
  // One bar per tier Chromium runs, then the page's tier (SIMD) on two threads: the page is
  // cross-origin isolated, and 2 threads are always a row (more cores: more rows after it).
  const rows = bars.map((x) => `${x.tier}:${x.threads}`);
  assert.deepEqual(rows.slice(0, 5), ['js:1', 'scalar:1', 'simd:1', 'relaxed:1', 'simd:2'], 'one bar per tier, then threads');
  assert.ok(rows.slice(5).every((r) => /^simd:\d+$/.test(r)), rows.join(' '));
  for (const bar of bars) {
    assert.ok(/^\d+$/.test(bar.n) && Number.isFinite(Number(bar.n)), `${bar.tier}: numeric N (${bar.n})`);
    assert.match(bar.text, /N (=|≥) \d+ · [\d.]+ (ms|µs) per frame|none: N = \d+/, bar.text);
  }
  assert.match(bars[4].text, /^WASM SIMD128 × 2 threads/, bars[4].text);
  assert.match(await text(page, 'sweep-budget'), /On threads: 16\.7 ms, the whole frame/);
  assert.match(await text(page, 'sweep-about'), /WASM SIMD128 on 2(, \d+)* threads/);
  console.log(`sweep: ${bars.map((x) => `${x.tier}×${x.threads} ${x.n}`).join(', ')}`);
  assert.match(await text(page, 'sweep-status'), /finished|bound/);
  const px = await page.locator('.sweep-value').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(px >= 12, `legible bar labels (${px}px)`);
  await sectionShot(page, 'sweep', 'sweep-1366x768.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?sweep=on starts the sweep after load, and Cancel stops it', async () => {
  const { page, context, problems } = await open(env, '/?sweep=on&n=256');
  await waitRunning(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=sweep]').dataset.running === 'true', null, { timeout: 30000 });
  await page.click('[data-testid=sweep-cancel]');
  await page.waitForFunction(() => document.querySelector('[data-testid=sweep-status]').textContent.includes('cancelled'));
  assert.equal(await page.locator('[data-testid=sweep]').getAttribute('data-running'), 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an imported run shows beside this run with ratios; a bad file shows an error', async () => {
  const { page, context, problems } = await open(env, '/?n=512');
  await waitRunning(page);
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 90000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  // This run's export with every median doubled (a machine twice as slow): every ratio
  // imported ÷ this is 2.
  const slower = structuredClone(exported);
  for (const r of slower.results) for (const t of Object.keys(r.median_ns)) if (r.median_ns[t] != null) r.median_ns[t] *= 2;
  await page.setInputFiles('[data-testid=import-file]', { name: 'this-run-medians-doubled.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(slower)) });
  await page.waitForSelector('[data-testid=compare-table]');
  assert.match(await text(page, 'import-label'), /this-run-medians-doubled\.json — Chrome \d+ · quick set/);
  const rows = await page.locator('[data-testid=compare-row]').evaluateAll((trs) => trs.map((tr) => ({ ...tr.dataset })));
  const kernels = new Set(rows.map((r) => r.kernel));
  for (const k of ['dense', 'lif_step', 'stdp']) assert.ok(kernels.has(k), `${k} compared`);
  const withRatio = rows.filter((r) => r.ratio !== '');
  assert.ok(withRatio.length >= rows.length - 2 && withRatio.length > 10, `${withRatio.length} of ${rows.length} rows have a ratio`);
  for (const r of withRatio) assert.ok(Math.abs(Number(r.ratio) - 2) < 1e-3, `${r.kernel} ${r.size} ${r.tier}: ${r.ratio}`);
  assert.equal(await page.locator('[data-testid=ratio-bar]').count(), withRatio.length, 'one bar per ratio');
  await sectionShot(page, 'import-run', 'import-run-1366x768.png');

  // The page's own export, as it is: ratio 1 everywhere.
  await page.setInputFiles('[data-testid=import-file]', { name: 'same.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await page.waitForFunction(() => document.querySelector('[data-testid=import-label]')?.textContent.includes('same.json'));
  const same = await page.locator('[data-testid=compare-row]').evaluateAll((trs) => trs.map((tr) => tr.dataset.ratio).filter((x) => x !== ''));
  assert.ok(same.length > 10 && same.every((x) => Math.abs(Number(x) - 1) < 1e-9), same.join(','));

  // A truncated file and a file of another shape: a clear message, the page goes on.
  const cut = JSON.stringify(exported).slice(0, 200);
  await page.setInputFiles('[data-testid=import-file]', { name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(cut) });
  await page.waitForSelector('[data-testid=import-error]');
  assert.match(await text(page, 'import-error'), /cut\.json: the file ends too early \(truncated/);
  assert.equal(await page.locator('[data-testid=compare-table]').count(), 0);
  await page.setInputFiles('[data-testid=import-file]', { name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": [1, 2]}') });
  await page.waitForFunction(() => /other\.json: not a SASI Lab benchmark export/.test(document.querySelector('[data-testid=import-error]')?.textContent));
  assert.ok(Number(await text(page, 'fps')) > 0, 'the page still runs');
  assert.equal(await page.locator('[data-testid=error-banner]').isVisible(), false, 'no panic');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?simd=off: the headline tells the fallback story, scalar against JS', async () => {
  const { page, context, problems } = await open(env, '/?simd=off&n=512');
  await waitRunning(page);
  await page.waitForFunction(() => {
    const h = document.querySelector('[data-testid=headline]');
    return h && h.dataset.measuring === 'false' && document.querySelector('[data-testid=headline-ratio]');
  }, null, { timeout: 60000 });
  const r = await page.locator('[data-testid=headline-ratio]').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
  assert.equal(r.fast, 'scalar');
  assert.equal(r.slow, 'js');
  assert.ok(Number(r.ratio) > 0, r.ratio);
  assert.match(r.text, /scalar is [\d.]+× JS/);
  const tiers = await page.locator('[data-testid=headline] .hbar').evaluateAll((els) => els.map((e) => e.dataset.tier));
  assert.deepEqual(tiers, ['js', 'scalar'], 'no pending SIMD bar');
  // The targets' SIMD row tells the same fallback figure instead of "run the benchmark".
  await page.waitForFunction(() => /fallback: scalar [\d.]+× JS per frame/.test(document.querySelector('tr[data-target="SIMD vs JS"]')?.textContent));
  const row = await page.locator('tr[data-target="SIMD vs JS"]').textContent();
  assert.match(row, /SIMD unavailable/);
  assert.match(row, /switched off by \?simd=off/);
  assert.doesNotMatch(row, /run the benchmark/);
  assert.deepEqual(problems, []);
  await context.close();
});
