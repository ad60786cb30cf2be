// The behaviour that matters, in every engine a demo laptop may have: Chromium (playwright-core),
// Firefox ESR (puppeteer-core over WebDriver BiDi) and WebKitGTK (selenium-webdriver and
// WebKitWebDriver, on an Xvfb display of its own) — through one page API (engines.mjs).
// SASI_ENGINES=firefox,webkit (default: all three) picks engines.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  engineList, launch, startApp, waitRunning, canvasStats, rasterSpikes, simTime, tierRows, sleep,
} from './engines.mjs';

const LABELS = { js: 'JavaScript', scalar: 'WASM scalar', simd: 'WASM SIMD128', relaxed: 'WASM relaxed SIMD' };
const KEYS = { 1: 'js', 2: 'scalar', 3: 'simd', 4: 'relaxed' };
// The loader's feature probes (src/tiers/loader.rs), asked again here, independently of the app.
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];
const RELAXED_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11];

for (const name of engineList(process.env.SASI_ENGINES || 'all')) {
  describe(`${name}`, () => {
    let engine;
    let app;
    const pages = [];
    before(async () => {
      app = await startApp();
      engine = await launch(name);
      console.log(`# ${engine.label} via ${engine.automation}`);
    });
    after(async () => {
      for (const p of pages) await p.close().catch(() => {});
      await engine?.close();
      await app?.close();
    });
    const open = async (path = '/', opts = {}) => {
      // A test that failed left its page open: close it (WebKitWebDriver runs one session at a time).
      for (const p of pages.splice(0)) await p.close().catch(() => {});
      const page = await engine.newPage(opts);
      pages.push(page);
      await page.goto(app.url + path);
      return page;
    };
    const done = async (page) => {
      pages.splice(pages.indexOf(page), 1);
      await page.close();
    };
    const active = (page) => page.text('active-tier');

    test(`${name}: the app loads cross-origin isolated, with no console error and nothing from outside 127.0.0.1`, async () => {
      const failuresBefore = app.failures.length;
      const page = await open();
      await waitRunning(page);
      const seen = await page.evaluate(() => {
        const visible = (id) => {
          const el = document.querySelector(`[data-testid=${id}]`);
          if (!el) return false;
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
        };
        const ids = ['mesh-canvas', 'raster-canvas', 'perf-panel', 'tier-select', 'targets', 'bench-run', 'fps', 'sim-ms'];
        return {
          visible: Object.fromEntries(ids.map((id) => [id, visible(id)])),
          banner: visible('error-banner') && !document.querySelector('[data-testid=error-banner]').hidden,
          isolated: globalThis.crossOriginIsolated === true,
          probe: !!globalThis.__sasiProbe,
          resources: performance.getEntriesByType('resource').map((e) => e.name),
        };
      });
      for (const [id, v] of Object.entries(seen.visible)) assert.ok(v, `${id} visible`);
      assert.equal(seen.banner, false, 'no error banner on a normal load');
      assert.equal(seen.isolated, true, 'cross-origin isolated');
      assert.ok(seen.probe, 'the problem probe ran in the page');
      assert.ok(seen.resources.some((u) => u.endsWith('.wasm')), 'resource timing sees the modules (so it would see a foreign request)');
      assert.ok(seen.resources.every((u) => new URL(u).hostname === '127.0.0.1'), `only 127.0.0.1: ${seen.resources.join(' ')}`);
      // The panel names the engine it measures in, and which optional APIs it has.
      const engineLine = await page.text('engine');
      assert.match(engineLine, { chromium: /Chromium \d+/, firefox: /Firefox \d+/, webkit: /WebKit [\d.]+ \(Safari's engine\)/ }[name], engineLine);
      assert.match(engineLine, /cross-origin isolated: yes/);
      assert.match(engineLine, name === 'chromium' ? /performance\.memory: yes/ : /performance\.memory: no \(the JS tier's buffers are counted/);
      await sleep(1500);
      await page.screenshot(`engine-${name}.png`);
      assert.deepEqual(await page.problems(), []);
      assert.deepEqual(page.foreign, []);
      assert.deepEqual(app.failures.slice(failuresBefore), [], 'no request failed on the server');
      await done(page);
    });

    test(`${name}: each tier is loaded exactly when this engine supports it, with the reason when not`, async () => {
      const page = await open();
      await waitRunning(page);
      const support = await page.evaluate(([s, r]) => ({
        simd: WebAssembly.validate(new Uint8Array(s)), relaxed: WebAssembly.validate(new Uint8Array(r)),
      }), [SIMD_PROBE, RELAXED_PROBE]);
      console.log(`# ${name}: validates SIMD128 ${support.simd}, relaxed SIMD ${support.relaxed}`);
      // WebKit (every version to date, WebKitGTK 2.50 here) has no relaxed SIMD; the others do.
      assert.equal(support.relaxed, name !== 'webkit', `${name} ${name === 'webkit' ? 'lacks' : 'has'} relaxed SIMD`);
      assert.equal(support.simd, true, 'every engine here has SIMD128');
      const rows = await tierRows(page);
      assert.deepEqual(rows.map((r) => r.tier), ['js', 'scalar', 'simd', 'relaxed']);
      const want = { js: true, scalar: true, simd: support.simd, relaxed: support.relaxed && support.simd };
      for (const r of rows) {
        if (want[r.tier]) {
          assert.equal(r.state, 'loaded', `${r.tier} loads in ${name}: ${r.text}`);
        } else {
          assert.match(r.state, /^unavailable: \S/, `${r.tier} is unavailable with a reason: ${r.text}`);
          if (r.tier === 'relaxed') assert.match(r.state, /does not validate relaxed SIMD/);
          const opt = await page.evaluate((t) => {
            const o = document.querySelector(`[data-testid=tier-select] option[value=${t}]`);
            return { disabled: o.disabled, title: o.title };
          }, r.tier);
          assert.equal(opt.disabled, true, `${r.tier} cannot be chosen`);
          assert.match(opt.title, /\S/, `${r.tier}'s option says why`);
        }
      }
      assert.match(await active(page), new RegExp(LABELS.simd), 'the default tier (SIMD128) runs');
      assert.deepEqual(await page.problems(), []);
      await done(page);
    });

    test(`${name}: the simulation runs — fps > 0, spikes on the raster, both canvases change`, async () => {
      const page = await open('/?n=2048');
      await waitRunning(page);
      await sleep(1500);
      const fps = Number(await page.text('fps'));
      const simMs = Number(await page.text('sim-ms'));
      console.log(`# ${name}: n=2048 ${fps} fps, ${simMs} ms kernel time per frame`);
      assert.ok(fps > 0, `fps ${fps}`);
      assert.ok(simMs > 0, `kernel ms per frame ${simMs}`);
      const spikes = await rasterSpikes(page);
      assert.ok(spikes.spikes > 50, `spikes are drawn on the raster (${spikes.spikes} spike pixels)`);
      assert.ok(spikes.columns > 1, `in more than one time column (${spikes.columns} of ${spikes.width})`);
      for (const id of ['mesh-canvas', 'raster-canvas']) {
        const a = await canvasStats(page, id);
        await sleep(600);
        const b = await canvasStats(page, id);
        assert.ok(a.width > 100 && a.height > 100, `${id} has a size (${a.width}×${a.height})`);
        assert.ok(a.fraction > 0.01, `${id} is not blank (${a.fraction})`);
        assert.notEqual(a.hash, b.hash, `${id} changes between frames`);
      }
      assert.deepEqual(await page.problems(), []);
      await done(page);
    });

    test(`${name}: bf16 weights (?weights=bf16): the SIMD and JS tiers race to equal spike hashes`, async () => {
      // The same run in two tiers on 16-bit weights (kernels/ABI.md "Weight storage"): this
      // engine's wasm and its plain-JS decode must compute the same spikes.
      const page = await open('/?race=simd,js&n=512&weights=bf16');
      await page.waitFor(() => Number(document.querySelector('[data-testid=race-hash]')?.dataset.t) >= 200, null, { timeout: 60000, interval: 250, what: 'the race to pass 200 ms' });
      const hash = await page.evaluate(() => ({ ...document.querySelector('[data-testid=race-hash]').dataset }));
      assert.equal(hash.equal, 'true', JSON.stringify(hash));
      assert.equal(hash.a, hash.b);
      assert.match(await page.url(), /weights=bf16/);
      assert.deepEqual(await page.problems(), []);
      await done(page);
    });

    test(`${name}: keys 1–4 switch tiers and the run continues; an unavailable tier is refused with a notice`, async () => {
      // 32 steps per frame, so simulated time visibly advances (0.1 s display) even at a few fps.
      const page = await open('/?tier=simd&n=1024&agents=32&seed=3&steps=32');
      await waitRunning(page);
      const loaded = Object.fromEntries((await tierRows(page)).map((r) => [r.tier, r.state === 'loaded']));
      let current = 'simd';
      for (const key of ['1', '2', '4', '3', '1']) {
        const tier = KEYS[key];
        const before = await simTime(page);
        await page.press(key);
        if (loaded[tier]) {
          await page.waitFor((l) => document.querySelector('[data-testid=active-tier]').textContent.includes(l), LABELS[tier], { what: `the header to say ${LABELS[tier]}` });
          current = tier;
        } else {
          await page.waitFor((t) => document.querySelector('[data-testid=notices]').textContent.includes(`cannot switch to ${t}`)
            || document.querySelector('[data-testid=notices]').textContent.includes('cannot switch'), tier, { what: `a notice refusing ${tier}` });
          assert.match(await active(page), new RegExp(LABELS[current]), `still on ${current} after asking for ${tier}`);
        }
        const justAfter = await simTime(page);
        assert.ok(justAfter >= before, `the switch keeps the state: simulated time does not go back (${before} → ${justAfter})`);
        const a = await canvasStats(page, 'raster-canvas');
        await sleep(700);
        const b = await canvasStats(page, 'raster-canvas');
        assert.notEqual(a.hash, b.hash, `the raster keeps animating on ${current} (key ${key})`);
        const afterT = await page.waitFor((t0) => {
          const m = document.querySelector('.status-line').textContent.match(/t = ([\d.]+)/);
          return m && Number(m[1]) > t0 ? Number(m[1]) : false;
        }, before, { timeout: 30000, what: `simulated time to advance past ${before} s on ${current} (key ${key})` });
        assert.ok(afterT > before, `simulated time advances across key ${key} (${before} → ${afterT})`);
        assert.match(await page.url(), new RegExp(`tier=${current}`), 'the URL follows the tier');
      }
      assert.ok(Number(await page.text('fps')) > 0, 'still running');
      assert.deepEqual(await page.problems(), []);
      await done(page);
    });

    test(`${name}: the quick benchmark finishes in the worker, fills the table and marks every target`, async () => {
      const page = await open();
      await waitRunning(page);
      const loaded = Object.fromEntries((await tierRows(page)).map((r) => [r.tier, r.state === 'loaded']));
      await page.click('[data-testid=bench-run]');
      await page.waitFor(() => /%|finished/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { what: 'benchmark progress' });
      const a = await canvasStats(page, 'mesh-canvas');
      await sleep(500);
      const b = await canvasStats(page, 'mesh-canvas');
      assert.notEqual(a.hash, b.hash, 'the mesh animates during the benchmark');
      const t0 = Date.now();
      await page.waitFor(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 300000, interval: 1000, what: 'the benchmark to finish' });
      console.log(`# ${name}: quick benchmark finished in about ${((Date.now() - t0) / 1000).toFixed(0)} s after its first progress`);
      const cells = await page.evaluate(() => [...document.querySelectorAll('[data-testid=bench-table] td[data-tier]')].map((td) => ({
        kernel: td.dataset.kernel, tier: td.dataset.tier, ns: td.dataset.medianNs, text: td.textContent,
        error: td.querySelector('[data-testid=bench-error]')?.dataset.error ?? null,
      })));
      const kernels = new Set(cells.map((c) => c.kernel));
      for (const k of ['activation_relu', 'activation_sigmoid', 'activation_tanh', 'activation_gelu', 'dense', 'dense_batch', 'lif_step', 'stdp', 'efficiency']) {
        assert.ok(kernels.has(k), `${k} in the table`);
      }
      for (const c of cells) {
        assert.equal(c.error, null, `${c.kernel}/${c.tier} ran without an error`);
        if (loaded[c.tier]) {
          assert.ok(Number(c.ns) > 0, `${c.kernel}/${c.tier} has a numeric median (${c.ns}): ${c.text}`);
          assert.match(c.text, /\d/, `${c.kernel}/${c.tier} shows a number`);
        } else {
          assert.match(c.text, /unavailable/, `${c.kernel}/${c.tier} says the tier is unavailable: ${c.text}`);
        }
      }
      // This engine's ceilings, measured in the same worker: read and mul+add from the SIMD
      // module (the scalar one where SIMD is off), fma only where the relaxed module runs.
      const ceil = await page.evaluate(() => {
        const el = document.querySelector('[data-testid=bench-ceilings]');
        return { ...el.dataset, text: el.textContent };
      });
      console.log(`# ${name}: ${ceil.text.trim()}`);
      for (const k of ['readGbS', 'mulAddGflopS', ...(loaded.relaxed ? ['fmaGflopS'] : [])]) {
        assert.ok(Number(ceil[k]) > 0 && Number.isFinite(Number(ceil[k])), `${name}: ceiling ${k} = ${ceil[k]} (${ceil.text})`);
      }
      const sample = cells.filter((c) => c.kernel === 'dense').map((c) => `${c.tier} ${c.text.trim()}`).join(', ');
      console.log(`# ${name}: dense ${sample}`);
      const marks = await page.evaluate(() => [...document.querySelectorAll('[data-testid=targets] tbody tr .mark')].map((m) => m.textContent));
      assert.equal(marks.length, 5, `five targets (${marks.join('|')})`);
      for (const m of marks) assert.match(m, /pass|fail|inconclusive|not measurable here/, 'every target is marked');
      // Without performance.memory the memory target is a lower bound: a fail if even that is
      // over, otherwise "not measurable here" — never a pass this engine cannot back.
      const memRow = await page.evaluate(() => document.querySelector('[data-testid=targets] tr[data-target="Runtime memory"]').textContent);
      if (name === 'chromium') assert.match(memRow, /pass|fail/, memRow);
      else assert.match(memRow, /lower bound.*(not measurable here|fail)/s, memRow);
      assert.match(await page.text('bench-source'), /quick set, animation running/);
      const charts = [];
      for (const id of ['chart-speedup', 'chart-scaling', 'chart-frames']) charts.push([id, (await canvasStats(page, id)).differing]);
      for (const [id, px] of charts) assert.ok(px > 500, `${id} is drawn (${px} px)`);
      await page.screenshot(`engine-${name}-bench.png`);
      assert.deepEqual(await page.problems(), []);
      await done(page);
    });

    test(`${name}: a bad URL shows notices and the defaults; a Rust panic shows the error banner`, async () => {
      const page = await open('/?n=-5&tier=gpu');
      await waitRunning(page);
      const notices = await page.text('notices');
      assert.match(notices, /n=-5/);
      assert.match(notices, /tier="gpu"/);
      assert.match(await page.url(), /n=2048/);
      assert.deepEqual(await page.problems(), []);
      await done(page);

      const panic = await open('/?debug=panic', { allow: [/panicked|deliberate panic|unreachable|RuntimeError/] });
      await waitRunning(panic);
      assert.equal(await panic.evaluate(() => document.querySelector('[data-testid=error-banner]')?.hidden !== false), true, 'no banner before the panic');
      await panic.click('[data-testid=debug-panic]');
      await panic.waitFor(() => {
        const b = document.querySelector('[data-testid=error-banner]');
        return b && !b.hidden && b.getBoundingClientRect().height > 0;
      }, null, { what: 'the error banner' });
      assert.match(await panic.text('error-banner'), /deliberate panic/);
      assert.equal(await panic.evaluate(() => !!document.querySelector('[data-testid=error-banner] a.reload')), true, 'a reload link');
      assert.deepEqual(await panic.problems(), [], 'nothing but the panic itself');
      await done(panic);
    });
  });
}
