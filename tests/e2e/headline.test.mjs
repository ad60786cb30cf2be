// The headline above the fold: measured on load, one bar per tier, what SIMD buys over JS
// as one number, re-measured when the run's shape changes; tier keys work on a slider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitRunning, setN, text, shot } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

/** Waits for a finished headline and returns its figures. */
async function headline(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const h = document.querySelector('[data-testid=headline]');
    return h && h.dataset.measuring === 'false' && document.querySelector('[data-testid=headline-ratio]');
  }, null, { timeout });
  return page.evaluate(() => {
    const h = document.querySelector('[data-testid=headline]');
    const r = h.querySelector('[data-testid=headline-ratio]');
    const box = h.getBoundingClientRect();
    return {
      ratio: Number(r.dataset.ratio), fast: r.dataset.fast, slow: r.dataset.slow, text: r.textContent,
      fontPx: parseFloat(getComputedStyle(r).fontSize), top: box.top, bottom: box.bottom,
      bars: [...h.querySelectorAll('.hbar')].map((b) => ({ tier: b.dataset.tier, ms: Number(b.dataset.medianMs) })),
      label: h.getAttribute('aria-label'),
    };
  });
}

test('on load the headline measures every tier and says what SIMD buys, above the fold', async () => {
  const { page, context, problems } = await open(env, '/?n=1024');
  await page.setViewportSize({ width: 1366, height: 768 });
  await waitRunning(page);
  const h = await headline(page);
  assert.deepEqual(h.bars.map((b) => b.tier), ['js', 'scalar', 'simd', 'relaxed'], 'one bar per tier');
  for (const b of h.bars) assert.ok(b.ms > 0 && Number.isFinite(b.ms), `${b.tier}: ${b.ms} ms`);
  assert.equal(h.slow, 'js');
  assert.ok(['simd', 'relaxed'].includes(h.fast), `a SIMD tier leads: ${h.fast}`);
  const fastMs = h.bars.find((b) => b.tier === h.fast).ms;
  const jsMs = h.bars.find((b) => b.tier === 'js').ms;
  assert.ok(Math.abs(h.ratio - jsMs / fastMs) < 1e-3 * h.ratio + 1e-3, `ratio ${h.ratio} = ${jsMs} / ${fastMs}`);
  assert.match(h.text, /is \d+(\.\d)?× JS/);
  assert.match(h.label, /N = 1024/);
  assert.ok(h.fontPx >= 24, `the lead is large (${h.fontPx}px)`);
  assert.ok(h.bottom <= 768, `the headline is above the fold at 1366×768 (bottom ${h.bottom})`);
  await shot(page, 'headline.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a new size is measured again, and with ?simd=off the fallback tells its own story', async () => {
  const { page, context, problems } = await open(env, '/?n=512');
  await waitRunning(page);
  const first = await headline(page);
  assert.match(first.label, /N = 512/);
  await setN(page, 256);
  await page.waitForFunction(() => /N = 256/.test(document.querySelector('[data-testid=headline]').getAttribute('aria-label')), null, { timeout: 20000 });
  const second = await headline(page);
  assert.match(second.label, /N = 256/);
  await context.close();

  const off = await open(env, '/?simd=off&n=512');
  await waitRunning(off.page);
  const h = await headline(off.page);
  assert.deepEqual(h.bars.map((b) => b.tier), ['js', 'scalar']);
  assert.equal(h.fast, 'scalar');
  assert.match(h.text, /scalar is [\d.]+× JS/);
  assert.deepEqual([...problems, ...off.problems], []);
  await off.context.close();
});

test('tier keys work while a slider has focus', async () => {
  const { page, context, problems } = await open(env, '/?n=256');
  await waitRunning(page);
  await page.focus('[data-testid=steps]');
  await page.keyboard.press('1');
  await page.waitForFunction(() => /JavaScript/.test(document.querySelector('[data-testid=active-tier]').textContent), null, { timeout: 5000 });
  await page.keyboard.press('3');
  await page.waitForFunction(() => /SIMD128/.test(document.querySelector('[data-testid=active-tier]').textContent), null, { timeout: 5000 });
  assert.match(await text(page, 'active-tier'), /SIMD128/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the frame budget attributes each frame: kernels, drawing, page, browser and idle', async () => {
  const { page, context, problems } = await open(env, '/?n=512');
  await waitRunning(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=frame-budget] .seg').length === 5, null, { timeout: 10000 });
  await page.waitForTimeout(1200);
  const { parts, fps } = await page.evaluate(() => ({
    parts: [...document.querySelectorAll('[data-testid=frame-budget] .seg')].map((s) => [s.dataset.part, Number(s.dataset.ms)]),
    fps: Number(document.querySelector('[data-testid=fps]').textContent),
  }));
  assert.deepEqual(parts.map((p) => p[0]), ['kernels', 'mesh', 'raster', 'page', 'other']);
  for (const [name, ms] of parts) assert.ok(Number.isFinite(ms) && ms >= 0, `${name}: ${ms}`);
  const ms = Object.fromEntries(parts);
  assert.ok(ms.kernels > 0 && ms.mesh > 0 && ms.raster > 0, `the app's parts are measured: ${JSON.stringify(ms)}`);
  // The parts make up the mean frame interval (fps is counted over the last second, the
  // budget over the last half: the same order of magnitude, not the same number).
  const total = parts.reduce((s, p) => s + p[1], 0);
  assert.ok(fps > 0 && total > 0.4 * (1000 / fps) && total < 2.5 * (1000 / fps), `total ${total} ms at ${fps} fps`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('presenter mode (key F or the button): headline and canvases fill the screen, keys still work', async () => {
  const { page, context, problems } = await open(env, '/?n=256');
  await page.setViewportSize({ width: 1366, height: 768 });
  await waitRunning(page);
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.body.classList.contains('presenter'));
  const layout = await page.evaluate(() => {
    const vis = (sel) => { const el = document.querySelector(sel); return !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0; };
    const mesh = document.querySelector('[data-testid=mesh-canvas]').getBoundingClientRect();
    return {
      headline: vis('[data-testid=headline]'), mesh: vis('[data-testid=mesh-canvas]'), raster: vis('[data-testid=raster-canvas]'),
      panel: vis('[data-testid=perf-panel]'), controls: vis('.controls'),
      meshBottom: mesh.bottom, meshHeight: mesh.height,
      lead: parseFloat(getComputedStyle(document.querySelector('.headline .lead')).fontSize),
      pressed: document.querySelector('[data-testid=presenter]').getAttribute('aria-pressed'),
    };
  });
  assert.ok(layout.headline && layout.mesh && layout.raster, `headline and canvases shown: ${JSON.stringify(layout)}`);
  assert.ok(!layout.panel && !layout.controls, 'the panel and the controls step aside');
  assert.ok(layout.meshHeight >= 0.4 * 768 && layout.meshBottom <= 768, `the canvases fill the screen (${layout.meshHeight}px, bottom ${layout.meshBottom})`);
  assert.ok(layout.lead >= 48, `projector-sized lead (${layout.lead}px)`);
  assert.equal(layout.pressed, 'true');
  await shot(page, 'presenter.png');
  // Tier keys still work in presenter mode; Esc and the button leave it.
  await page.keyboard.press('1');
  await page.waitForFunction(() => /JavaScript/.test(document.querySelector('[data-testid=active-tier]').textContent), null, { timeout: 5000 });
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.body.classList.contains('presenter'));
  await page.click('[data-testid=presenter]');
  await page.waitForFunction(() => document.body.classList.contains('presenter'));
  await page.click('[data-testid=presenter]');
  await page.waitForFunction(() => !document.body.classList.contains('presenter'));
  assert.deepEqual(problems, []);
  await context.close();
});
