// The page itself in Debian's headless Chromium: it loads, mounts, animates real kernels in
// every tier, survives bad URLs and panics, and its benchmark runs in a worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup, open, waitRunning, canvasStats, text, shot } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

test('the app loads, mounts every region and is cross-origin isolated', async () => {
  const { page, context, problems, foreign } = await open(env);
  await waitRunning(page);
  for (const id of ['mesh-canvas', 'raster-canvas', 'perf-panel', 'tier-select', 'targets', 'bench-run', 'fps', 'sim-ms']) {
    assert.ok(await page.locator(`[data-testid=${id}]`).first().isVisible(), `${id} visible`);
  }
  assert.equal(await page.locator('[data-testid=error-banner]').isVisible(), false, 'no error on a normal load');
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.match(await text(page, 'active-tier'), /WASM relaxed SIMD|WASM SIMD128/);
  await page.waitForTimeout(1500);
  await shot(page, 'app.png');
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, [], 'nothing is requested from outside 127.0.0.1');
  await context.close();
});

test('every tier loads in Chromium, relaxed SIMD included', async () => {
  const { page, context, problems } = await open(env);
  await waitRunning(page);
  const rows = await page.locator('table.tiers tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.tier, tr.children[1].textContent.trim()]));
  assert.deepEqual(rows.map((r) => r[0]), ['js', 'scalar', 'simd', 'relaxed']);
  for (const [tier, state] of rows) assert.equal(state, 'loaded', `${tier}: ${state}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('both canvases draw something and change between frames', async () => {
  const { page, context, problems } = await open(env);
  await waitRunning(page);
  await page.waitForTimeout(800);
  for (const id of ['mesh-canvas', 'raster-canvas']) {
    const a = await canvasStats(page, id);
    await page.waitForTimeout(500);
    const b = await canvasStats(page, id);
    assert.ok(a.width > 100 && a.height > 100, `${id} has a size`);
    assert.ok(a.fraction > 0.01, `${id} is not blank (${a.fraction})`);
    assert.notEqual(a.hash, b.hash, `${id} changes between frames`);
  }
  assert.ok(Number(await text(page, 'fps')) > 0);
  assert.ok(Number(await text(page, 'sim-ms')) > 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('switching tier changes the header, keeps animating and keeps the state', async () => {
  const { page, context, problems } = await open(env, '/?tier=simd&n=1024&agents=32&seed=3');
  await waitRunning(page);
  const labels = { js: 'JavaScript', scalar: 'WASM scalar', simd: 'WASM SIMD128', relaxed: 'WASM relaxed SIMD' };
  for (const tier of ['js', 'scalar', 'relaxed', 'simd']) {
    const before = Number((await text(page, 'active-tier')) && (await page.locator('.status-line').textContent()).match(/t = ([\d.]+)/)[1]);
    await page.selectOption('[data-testid=tier-select]', tier);
    await page.waitForFunction((l) => document.querySelector('[data-testid=active-tier]').textContent.includes(l), labels[tier]);
    const a = await canvasStats(page, 'raster-canvas');
    await page.waitForTimeout(700);
    const b = await canvasStats(page, 'raster-canvas');
    assert.notEqual(a.hash, b.hash, `${tier} keeps animating`);
    const after = Number((await page.locator('.status-line').textContent()).match(/t = ([\d.]+)/)[1]);
    assert.ok(after >= before, `simulated time continues across the switch to ${tier} (${before} → ${after})`);
    assert.match(page.url(), new RegExp(`tier=${tier}`), 'the URL follows the tier');
  }
  // Keys 1–4 choose tiers too.
  await page.locator('body').press('1');
  await page.waitForFunction(() => document.querySelector('[data-testid=active-tier]').textContent.includes('JavaScript'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad URL shows a notice and runs the default state', async () => {
  const { page, context, problems } = await open(env, '/?n=-5&tier=gpu');
  await waitRunning(page);
  const notices = await text(page, 'notices');
  assert.match(notices, /n=-5/);
  assert.match(notices, /tier="gpu"/);
  assert.match(await text(page, 'active-tier'), /WASM SIMD128/);
  assert.match(page.url(), /n=2048/);
  assert.match(page.url(), /tier=simd/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the quick benchmark runs in a worker while the mesh keeps animating', async () => {
  const { page, context, problems } = await open(env);
  await waitRunning(page);
  await page.click('[data-testid=bench-run]');
  // While it runs, frames keep coming.
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=bench-status]').textContent));
  const a = await canvasStats(page, 'mesh-canvas');
  await page.waitForTimeout(400);
  const b = await canvasStats(page, 'mesh-canvas');
  assert.notEqual(a.hash, b.hash, 'the mesh animates during the benchmark');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 60000 });
  const cells = await page.locator('[data-testid=bench-table] td[data-tier]').evaluateAll((tds) =>
    tds.map((td) => ({ kernel: td.dataset.kernel, tier: td.dataset.tier, ns: td.dataset.medianNs })));
  const kernels = new Set(cells.map((c) => c.kernel));
  for (const k of ['activation_relu', 'activation_sigmoid', 'activation_tanh', 'activation_gelu', 'dense', 'dense_batch', 'lif_step', 'stdp', 'efficiency']) {
    assert.ok(kernels.has(k), `${k} in the table`);
  }
  for (const c of cells) assert.ok(Number(c.ns) > 0, `${c.kernel}/${c.tier} has a numeric median (${c.ns})`);
  const marks = await page.locator('[data-testid=targets] tbody tr .mark').allTextContents();
  assert.equal(marks.length, 5);
  for (const m of marks) assert.match(m, /pass|fail/, 'every target is marked');
  for (const id of ['chart-speedup', 'chart-scaling', 'chart-frames']) {
    const s = await canvasStats(page, id);
    assert.ok(s.differing > 500, `${id} is drawn (${s.differing} px)`);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.ok(json.results.length >= 9 && json.env.userAgent);
  assert.ok(json.results.every((r) => r.median_ns.js > 0 && r.median_ns.simd > 0));
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  assert.ok(readFileSync(await csv.path(), 'utf8').split('\n').length > 30);
  await shot(page, 'bench.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?simd=off runs the fallback, the SIMD columns say unavailable', async () => {
  const { page, context, problems } = await open(env, '/?simd=off&bench=quick');
  await waitRunning(page);
  assert.match(await text(page, 'active-tier'), /WASM scalar/);
  const simdRow = await page.locator('table.tiers tr[data-tier=simd]').textContent();
  assert.match(simdRow, /unavailable: switched off by \?simd=off/);
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 60000 });
  const simdCells = await page.locator('[data-testid=bench-table] td[data-tier=simd]').allTextContents();
  assert.ok(simdCells.length > 0 && simdCells.every((t) => t.includes('unavailable')), simdCells.join('|'));
  const jsCells = await page.locator('[data-testid=bench-table] td[data-tier=js]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.medianNs)));
  assert.ok(jsCells.every((x) => x > 0));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a kernel module that fails to load leaves the app running on the other tiers', async () => {
  const { page, context, problems } = await open(env, '/', {
    allow: [/kernels-relaxed\.wasm/, /404/],
    route: (p) => p.route('**/kernels-relaxed.wasm', (r) => r.fulfill({ status: 404, body: 'gone' })),
  });
  await waitRunning(page);
  assert.match(await page.locator('table.tiers tr[data-tier=relaxed]').textContent(), /unavailable: HTTP 404/);
  assert.match(await text(page, 'active-tier'), /WASM SIMD128/);
  const opt = page.locator('[data-testid=tier-select] option[value=relaxed]');
  assert.equal(await opt.evaluate((o) => o.disabled), true, 'the failed tier cannot be chosen');
  assert.match(await opt.getAttribute('title'), /404/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Rust panic shows the error banner instead of a dead page', async () => {
  const { page, context } = await open(env, '/?debug=panic', { allow: [/panicked|deliberate panic|unreachable/] });
  await waitRunning(page);
  await page.click('[data-testid=debug-panic]');
  await page.waitForSelector('[data-testid=error-banner]:not([hidden])');
  assert.match(await text(page, 'error-banner'), /deliberate panic/);
  assert.equal(await page.locator('[data-testid=error-banner] a.reload').isVisible(), true);
  await context.close();
});

test('ten seconds of animation without a console error', async () => {
  const { page, context, problems, foreign } = await open(env);
  await waitRunning(page);
  await page.waitForTimeout(10000);
  assert.ok(Number(await text(page, 'fps')) > 0);
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, []);
  await context.close();
});
