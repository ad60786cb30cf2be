// Legible everywhere (issue 15), in Debian's headless Chromium: nothing wider than the screen
// from 360 to 2560 px, axe-core finds no violation, chart labels never overlap and are at
// least 12 CSS px, charts are drawn at devicePixelRatio, and the spike raster fills within
// 2 s of wall-clock time even at N = 4096 in the JS tier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setup, open, waitRunning, shot } from './helpers.mjs';
import { rasterSpikesInPage } from './engines.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHARTS = ['chart-speedup', 'chart-scaling', 'chart-frames', 'chart-roofline'];

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

/** axe-core's violations on the page as it is now (the script is evaluated through the
 *  automation, so the page's CSP, which forbids inline scripts, does not block it). */
async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`),
    }));
  });
}

/** Every rendered element whose box leaves the viewport sideways, and the page's own width. */
function overflowInPage() {
  const vw = document.documentElement.clientWidth;
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 0.5 || r.left < -0.5) {
      const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
      const cls = el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : '';
      outside.push(`${el.tagName.toLowerCase()}${id}${cls} ${Math.round(r.left)}…${Math.round(r.right)}`);
    }
  }
  return { vw, scrollWidth: document.documentElement.scrollWidth, outside: outside.slice(0, 12), count: outside.length };
}

/** Each chart's drawn labels (CSS px boxes recorded by src/views/charts.rs) and its size. */
function chartLabelsInPage(ids) {
  return ids.map((id) => {
    const c = document.querySelector(`[data-testid=${id}]`);
    return {
      id, boxes: JSON.parse(c.dataset.labelBoxes || '[]'),
      cssW: c.clientWidth, cssH: c.clientHeight, w: c.width, h: c.height, dpr: devicePixelRatio,
      label: c.getAttribute('aria-label'),
    };
  });
}

/** Asserts a chart's labels: some drawn, none under 12 px, all inside it, no two intersecting. */
function assertLegibleChart(c, where) {
  assert.ok(c.boxes.length >= 5, `${where} ${c.id}: labels drawn (${c.boxes.length})`);
  assert.equal(c.w, Math.round(c.cssW * c.dpr), `${where} ${c.id}: backing store = CSS width × devicePixelRatio`);
  assert.equal(c.h, Math.round(c.cssH * c.dpr), `${where} ${c.id}: backing store = CSS height × devicePixelRatio`);
  for (const b of c.boxes) {
    assert.ok(b.px >= 12, `${where} ${c.id}: "${b.text}" is ${b.px} px`);
    assert.ok(b.x >= -0.5 && b.y >= -0.5 && b.x + b.w <= c.cssW + 0.5 && b.y + b.h <= c.cssH + 0.5,
      `${where} ${c.id}: "${b.text}" inside the chart (${JSON.stringify(b)} in ${c.cssW}×${c.cssH})`);
  }
  for (let i = 0; i < c.boxes.length; i++) {
    for (let j = i + 1; j < c.boxes.length; j++) {
      const [a, b] = [c.boxes[i], c.boxes[j]];
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      assert.ok(!overlap, `${where} ${c.id}: "${a.text}" ${JSON.stringify(a)} overlaps "${b.text}" ${JSON.stringify(b)}`);
    }
  }
}

async function runQuickBenchmark(page) {
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 120000 });
  // The charts are drawn by an effect after the last rows arrive.
  await page.waitForFunction(() => (JSON.parse(document.querySelector('[data-testid=chart-speedup]').dataset.labelBoxes || '[]')).length > 10);
  // The roofline too, once the ceilings and the rows are in.
  await page.waitForFunction(() => /^Roofline chart, log-log/.test(document.querySelector('[data-testid=chart-roofline]').getAttribute('aria-label')));
}

test('axe-core finds no violation on the loaded page nor after a benchmark; chart labels never overlap (DPR 2)', async () => {
  const { page, context, problems } = await open(env, '/', { scale: 2 });
  await waitRunning(page);
  await page.waitForTimeout(1000);
  assert.deepEqual(await axeViolations(page), [], 'no violation on the loaded page');
  await runQuickBenchmark(page);
  // Charts and tables visible, then checked.
  for (const id of [...CHARTS, 'bench-table', 'targets']) {
    assert.ok(await page.locator(`[data-testid=${id}]`).isVisible(), `${id} visible`);
  }
  assert.deepEqual(await axeViolations(page), [], 'no violation with results, tables and charts shown');
  const charts = await page.evaluate(chartLabelsInPage, CHARTS);
  for (const c of charts) assertLegibleChart(c, '1400 px, DPR 2');
  const texts = charts.flatMap((c) => c.boxes.map((b) => b.text));
  // Every tier by its name, relaxed included; human units on the axes, no tier ids.
  for (const name of ['WASM scalar', 'WASM SIMD128', 'WASM relaxed SIMD', 'JavaScript']) {
    assert.ok(texts.includes(name), `"${name}" in a legend: ${texts.join(' | ')}`);
  }
  assert.ok(!texts.some((t) => ['js', 'simd', 'scalar', 'relaxed'].includes(t)), 'no tier ids as labels');
  assert.ok(texts.some((t) => /^\d+(\.\d)? (ns|µs|ms)$/.test(t)), 'time ticks in ns/µs/ms');
  assert.ok(texts.includes('2×') && texts.includes('4×'), 'the 2× and 4× goals are on the speedup axis');
  // Never a placeholder over a chart that has data.
  assert.ok(!texts.some((t) => /no .* results|Run a benchmark/.test(t)), texts.join(' | '));
  await shot(page, 'legible-dpr2.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('nothing is wider than the viewport at 390, 360 and 2560 px, with benchmark results shown', async () => {
  const { page, context, problems } = await open(env, '/', { scale: 3 });
  await page.setViewportSize({ width: 390, height: 844 });
  await waitRunning(page);
  await runQuickBenchmark(page);
  for (const width of [390, 360, 2560]) {
    await page.setViewportSize({ width, height: width > 1000 ? 1440 : 844 });
    // The charts redraw on resize; wait until they carry the new width.
    await page.waitForFunction((w) => {
      const c = document.querySelector('[data-testid=chart-speedup]');
      return c.width === Math.round(c.clientWidth * devicePixelRatio) && c.clientWidth <= w;
    }, width);
    await page.waitForTimeout(300);
    const o = await page.evaluate(overflowInPage);
    assert.equal(o.vw, width);
    assert.ok(o.scrollWidth <= width, `${width} px: the page is ${o.scrollWidth} px wide`);
    assert.deepEqual(o.outside, [], `${width} px: ${o.count} elements leave the viewport`);
    for (const c of await page.evaluate(chartLabelsInPage, CHARTS)) assertLegibleChart(c, `${width} px`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('presenter mode fits the screen down to 320 px (issue 26, finding 9)', async () => {
  const { page, context, problems } = await open(env, '/');
  await waitRunning(page);
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.body.classList.contains('presenter'));
  for (const width of [320, 360, 390]) {
    await page.setViewportSize({ width, height: 640 });
    await page.waitForTimeout(400);
    const o = await page.evaluate(overflowInPage);
    assert.ok(o.scrollWidth <= o.vw && o.count === 0, `presenter mode at ${width} px: page ${o.scrollWidth} px wide; outside: ${o.outside.join(', ')}`);
  }
  await shot(page, 'presenter-320.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the spike raster is at least half filled 2 s of wall-clock time after a reset, at N = 4096 in the JS tier', async () => {
  for (const path of ['/?n=4096&tier=js', '/?n=2048&tier=simd']) {
    const { page, context, problems } = await open(env, path);
    await waitRunning(page);
    if (path.includes('tier=js')) assert.match(await page.locator('[data-testid=active-tier]').textContent(), /JavaScript/);
    // Reset starts the run over with an empty history; 2 s of wall time later the raster's
    // plot area (its top 78 %) is read back. Filled: the fraction of its pixel columns that
    // hold at least one spike pixel (either of the two agent hues).
    await page.click('[data-testid=reset]');
    await page.waitForFunction(() => Number(document.querySelector('.status-line').textContent.match(/t = ([\d.]+)/)[1]) < 0.5);
    await page.waitForTimeout(2000);
    const r = await page.evaluate(rasterSpikesInPage);
    const filled = r.columns / r.width;
    assert.ok(filled >= 0.5, `${path}: ${(100 * filled).toFixed(0)} % of the raster's columns hold a spike after 2 s`);
    // The axis says what the window is: simulated time, and the wall-clock time it took.
    assert.match(await page.locator('.view.raster figcaption').textContent(), /wall-clock/);
    assert.ok(Number(await page.locator('[data-testid=raster-canvas]').getAttribute('data-window-steps')) > 0);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
