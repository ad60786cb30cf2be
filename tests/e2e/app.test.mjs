// The page itself in Debian's headless Chromium: it loads, mounts, animates real kernels in
// every tier, survives bad URLs and panics, and its benchmark runs in a worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, open, waitRunning, canvasStats, text, shot, SHOTS } from './helpers.mjs';

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
  // Before a run, the lines under the sweep and the headline say how to get the reading.
  for (const id of ['sweep-roofline-reading', 'headline-roofline-reading']) {
    assert.equal(await page.locator(`[data-testid=${id}]`).getAttribute('data-measured'), 'false', id);
    assert.match(await text(page, id), /run the benchmark/, id);
  }
  // The page's kernel forms first: a run started before the page's calibration has answered
  // calibrates in its own worker and says so (`by: 'timing'`), and this test is about the
  // rows running the page's forms.
  await page.waitForFunction(() => document.querySelector('[data-testid=kernel-forms]')?.dataset.calibrated === 'true', null, { timeout: 30000 });
  await page.click('[data-testid=bench-run]');
  // While it runs, frames keep coming.
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=bench-status]').textContent));
  // While the worker runs, its wasm memories are part of the page's memory.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=memory-parts]').dataset.worker) > 0, null, { timeout: 10000 });
  const a = await canvasStats(page, 'mesh-canvas');
  await page.waitForTimeout(400);
  const b = await canvasStats(page, 'mesh-canvas');
  assert.notEqual(a.hash, b.hash, 'the mesh animates during the benchmark');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 60000 });
  const cells = await page.locator('[data-testid=bench-table] td[data-tier]').evaluateAll((tds) =>
    tds.map((td) => ({
      kernel: td.dataset.kernel, tier: td.dataset.tier, ns: td.dataset.medianNs, p25: td.dataset.p25Ns,
      text: td.textContent, error: td.querySelector('[data-testid=bench-error]')?.dataset.error,
    })));
  const kernels = new Set(cells.map((c) => c.kernel));
  for (const k of ['activation_relu', 'activation_sigmoid', 'activation_tanh', 'activation_gelu', 'dense', 'dense_batch', 'lif_step', 'stdp', 'efficiency']) {
    assert.ok(kernels.has(k), `${k} in the table`);
  }
  assert.ok(cells.every((c) => ['js', 'scalar', 'simd', 'relaxed'].includes(c.tier)), 'only the four tiers have columns');
  for (const c of cells) {
    assert.equal(c.error, undefined, `${c.kernel}/${c.tier} ran without an error`);
    assert.ok(Number(c.ns) > 0, `${c.kernel}/${c.tier} has a numeric median (${c.ns})`);
    // Median plus spread: "5.9 µs ±4 %" wherever the harness sent the quartiles.
    if (c.p25 !== undefined) assert.match(c.text, /±[\d.]+ %/, `${c.kernel}/${c.tier} shows its spread: ${c.text}`);
  }
  const marks = await page.locator('[data-testid=targets] tbody tr .mark').allTextContents();
  assert.equal(marks.length, 5);
  for (const m of marks) assert.match(m, /pass|fail|inconclusive/, 'every target is marked');
  // The targets say where their figures came from: the size set and the animation state.
  assert.match(await text(page, 'targets-source'), /quick set, animation running/);
  const speedRow = await page.locator('[data-testid=targets] tr[data-target="SIMD vs JS"]').textContent();
  assert.match(speedRow, /quick set, animation running/);
  assert.match(await text(page, 'bench-source'), /quick set, animation running/);
  // The finished worker is stopped: its memory is freed and no longer counted.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=memory-parts]').dataset.worker) === 0, null, { timeout: 5000 });
  for (const id of ['chart-speedup', 'chart-scaling', 'chart-frames']) {
    const s = await canvasStats(page, id);
    assert.ok(s.differing > 500, `${id} is drawn (${s.differing} px)`);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.ok(json.results.length >= 9 && json.env.userAgent);
  // The rows ran with the kernel forms the page's own SIMD module runs (issue 28 part 3).
  const pageForms = await page.locator('[data-testid=kernel-forms]').getAttribute('data-simd');
  assert.deepEqual(Object.entries(json.forms.simd).map(([k, f]) => `${k}:${f.form}`).sort(), pageForms.split(',').sort(), JSON.stringify(json.forms));
  assert.ok(Object.values(json.forms.simd).every((f) => f.by === 'page'));
  assert.ok(json.results.every((r) => r.median_ns.js > 0 && r.median_ns.simd > 0));
  // This engine's ceilings (measured in the worker before the cases) are shown and exported,
  // and each result carries what it achieved by the counting rule. Figures, never thresholds.
  const ceil = await page.locator('[data-testid=bench-ceilings]').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
  for (const k of ['readGbS', 'mulAddGflopS', 'fmaGflopS']) assert.ok(Number.isFinite(Number(ceil[k])) && Number(ceil[k]) > 0, `${k} = ${ceil[k]}`);
  assert.match(ceil.text, /read [\d.]+ GB\/s \([\d.]+–[\d.]+\).*mul\+add [\d.]+ GFLOP\/s.*fma [\d.]+ GFLOP\/s/, ceil.text);
  for (const k of ['read_gb_s', 'mul_add_gflop_s', 'fma_gflop_s']) assert.ok(json.ceilings[k] > 0, `exported ceilings.${k}`);
  assert.ok(json.results.every((r) => r.achieved.simd.gb_s > 0), 'achieved GB/s per result');
  assert.ok(json.results.filter((r) => r.kernel.startsWith('dense')).every((r) => r.achieved.simd.gflop_s > 0), 'achieved GFLOP/s where flops are counted');
  // The roofline (issue 28 part 2): drawn, described, and a reading line with figures.
  await page.waitForFunction(() => /^Roofline chart, log-log/.test(document.querySelector('[data-testid=chart-roofline]').getAttribute('aria-label')));
  const roof = await canvasStats(page, 'chart-roofline');
  assert.ok(roof.differing > 500, `chart-roofline is drawn (${roof.differing} px)`);
  const roofAria = await page.locator('[data-testid=chart-roofline]').getAttribute('aria-label');
  assert.match(roofAria, /ridge at [\d.]+ flop\/byte/, roofAria);
  const reading = await text(page, 'roofline-reading');
  assert.match(reading, /^memory-bound here \(left of the ridge at [\d.]+ flop\/byte, or no flops counted\): .* reaches \d+ % .* of the read roof/, reading);
  // Batched dense (≈ 6 flop/byte) is right of the ridge wherever mul+add ÷ read < 6: a figure
  // of this machine, so it is read, not required.
  if (reading.includes('compute-bound')) assert.match(reading, /compute-bound: batched — .* at \d+ % .* of the mul\+add roof/, reading);
  // Under the sweep and the headline (part 5): what one live step achieves against the read roof.
  for (const id of ['sweep-roofline-reading', 'headline-roofline-reading']) {
    const live = await page.locator(`[data-testid=${id}]`).evaluate((el) => ({ measured: el.dataset.measured, text: el.textContent }));
    assert.equal(live.measured, 'true', id);
    assert.match(live.text, /^One step of the live run at N = 1024 \(WASM SIMD128\) moves [\d.]+ GB\/s by the counting rule: \d+ % of this engine's read roof \([\d.]+ GB\/s\), (not )?bound by/, live.text);
  }
  await page.locator('[data-testid=chart-roofline]').screenshot({ path: join(SHOTS, 'roofline.png') });
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  assert.ok(readFileSync(await csv.path(), 'utf8').split('\n').length > 30);
  await shot(page, 'bench.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('memory counts the whole page: the parts are listed and add up to the total', async () => {
  const { page, context, problems } = await open(env);
  await waitRunning(page);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=memory-parts]')?.dataset.total) > 0);
  const m = await page.evaluate(() => {
    const el = document.querySelector('[data-testid=memory-parts]');
    const num = (k) => (el.dataset[k] === undefined ? undefined : Number(el.dataset[k]));
    return {
      shown: Number(document.querySelector('[data-testid=memory]').dataset.bytes),
      total: num('total'), app: num('appWasm'), kernels: num('kernels'), worker: num('worker'),
      heap: num('jsHeap'), jsTier: num('jsTier'), jsPart: num('jsPart'),
      tiers: ['scalar', 'simd', 'relaxed'].map((t) => num(`tier${t[0].toUpperCase()}${t.slice(1)}`)),
      text: el.textContent,
    };
  });
  const MB = 1024 * 1024;
  assert.ok(Math.abs(m.shown - m.total) < 0.05 * MB, `the figure shown is the parts' total (${m.shown} vs ${m.total})`);
  assert.ok(m.app > 0, 'the app module\'s own wasm memory is counted');
  for (const [i, t] of ['scalar', 'simd', 'relaxed'].entries()) assert.ok(m.tiers[i] > 0, `the ${t} module is counted (loaded, even if not active)`);
  assert.ok(Math.abs(m.kernels - m.tiers.reduce((a, b) => a + b, 0)) < 1, 'kernels = the three modules');
  assert.equal(m.worker, 0, 'no benchmark worker has run yet');
  assert.ok(m.heap > 0, 'Chromium exposes the JS heap');
  assert.equal(m.jsPart, m.heap, 'the JS tier is inside the heap, not counted again');
  assert.ok(Math.abs(m.app + m.kernels + m.worker + m.jsPart - m.total) < 1, 'the parts add up to the total');
  assert.match(m.text, /app wasm [\d.]+ MB \+ kernels [\d.]+ MB \+ benchmark worker [\d.]+ MB \+ JS heap [\d.]+ MB/);
  // The displayed MB figures add up too, within rounding (0.05 MB per part).
  const figs = [...m.text.matchAll(/(app wasm|kernels|benchmark worker|JS heap) ([\d.]+) MB/g)].map((x) => Number(x[2]));
  assert.equal(figs.length, 4, m.text);
  const shownMb = Number((await text(page, 'memory')).match(/([\d.]+) MB/)[1]);
  assert.ok(Math.abs(figs.reduce((a, b) => a + b, 0) - shownMb) <= 0.25, `${figs.join(' + ')} ≈ ${shownMb}`);
  const memRow = await page.locator('[data-testid=targets] tr[data-target="Runtime memory"]').textContent();
  assert.match(memRow, /whole page: app wasm .* \+ kernels .* \+ benchmark worker .* \+ JS heap/);
  // Throughput, both kinds, each labelled and explained.
  const delivered = page.locator('[data-testid=ops-delivered]');
  const capacity = page.locator('[data-testid=ops-per-s]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=ops-delivered]').dataset.value) > 0);
  assert.match(await delivered.locator('..').getAttribute('title'), /wall-clock/);
  assert.match(await capacity.locator('..').getAttribute('title'), /kernel time/);
  assert.ok(Number(await capacity.getAttribute('data-value')) >= Number(await delivered.getAttribute('data-value')),
    'kernel time is part of wall-clock time, so capacity ≥ delivered');
  assert.match(await page.locator('[data-testid=targets] tr[data-target=Throughput]').textContent(), /capacity/);
  // The full set is one click away (started, then cancelled); a paused animation is recorded.
  await page.click('[data-testid=play-pause]');
  await page.waitForFunction(() => document.querySelector('.status-line').textContent.includes('paused'));
  await page.click('[data-testid=bench-run-full]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-source]').textContent.includes('full set'));
  assert.match(await text(page, 'bench-source'), /full set, animation paused/);
  assert.match(await page.locator('[data-testid=rerun-link]').getAttribute('href'), /bench=full/);
  await page.click('[data-testid=bench-cancel]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('cancelled'), null, { timeout: 30000 });
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
