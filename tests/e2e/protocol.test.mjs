// One measuring protocol (issue 28 part 4): the benchmark's live-step case (kernels/js/bench/
// bench.js `liveStepCase`: one step of the app's run, LIF then STDP, from the app's network
// and firing, timed frame by frame as the page runs it) must cost what a step of the live
// page costs. The page runs the same model at the same N, tier and settings, and its panel
// gives a step's LIF + STDP time by the same protocol (each frame's time over its steps is a
// sample; the median of the last half second's frames). The benchmark worker then times the
// case in the same page with the animation paused. The two may differ by noise, not by a
// protocol: more than AGREE (below) either way fails. This checks that two instruments agree; it is not
// a speed goal, and it holds on a slow machine as on a fast one.
// SASI_ENGINES=chromium (default chromium,firefox) picks engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineList, waitRunning, sleep } from './engines.mjs';
import { describeEngine } from './suite.mjs';

// N = 4096: a frame of four steps lasts milliseconds, over a hundred ticks of the 20 µs clock
// Firefox and WebKit give, so the two instruments are compared and not the clock's steps. At
// N = 1024 a frame is a few ticks, and the ratio wandered run to run past the bound with the
// same protocol on both sides (README "One measuring protocol").
const N = 4096;
const STEPS = 4;
// bench.js LIVE: the settings the case runs the app's model with.
const PAGE = `/?n=${N}&tier=simd&steps=${STEPS}&agents=64&seed=7&drive=30&stdp=on`;
// The bound (issue 28 part 4): the benchmark and the live page agree within 1.5×.
const AGREE = 1.5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The benchmark worker's run of one set, in the page (as tests/bench/run.mjs drives it). */
function startWorkerRun(set) {
  globalThis.__protocol = null;
  const w = new Worker('/js/bench/bench-worker.js', { type: 'module' });
  w.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'done' || m.type === 'error') {
      globalThis.__protocol = m;
      w.terminate();
    }
  };
  w.onerror = (e) => { globalThis.__protocol = { type: 'error', message: e.message || 'worker error' }; };
  w.postMessage({
    type: 'run', set, plain: false, ceilings: false, jsUrl: '/js/tier/abi.js',
    modules: { scalar: '/kernels/kernels-scalar.wasm', simd: '/kernels/kernels-simd.wasm', relaxed: null },
  });
  return true;
}

for (const name of engineList(process.env.SASI_ENGINES || 'chromium,firefox')) {
  describeEngine(name, (s) => {
    test(`${name}: the benchmark's live step costs what a step of the live page costs (within ${AGREE}×)`, async () => {
      const page = await s.open(PAGE);
      await waitRunning(page);
      assert.match(await page.text('active-tier'), /SIMD128/);
      // The page's own figure, a mean over each half second, sampled once it has run a while.
      await sleep(4000);
      const perWindow = [];
      for (let i = 0; i < 8; i++) {
        perWindow.push(await page.evaluate(() => Number(document.querySelector('[data-testid=lif-stdp-step]').dataset.medianMs)));
        await sleep(600);
      }
      assert.ok(perWindow.every((x) => x > 0), `the page gives a step's time: ${perWindow}`);
      const liveMs = median(perWindow);
      // The benchmark, with the animation paused so the two do not share the cores.
      await page.click('[data-testid=play-pause]');
      await page.evaluate(startWorkerRun, `live:${N}`);
      let done = null;
      const t0 = Date.now();
      while (done === null && Date.now() - t0 < 120000) {
        await sleep(500);
        done = await page.evaluate(() => globalThis.__protocol);
      }
      assert.ok(done, 'the benchmark finished within 2 minutes');
      assert.equal(done.type, 'done', JSON.stringify(done).slice(0, 400));
      const row = done.rows.find((r) => r.kernel === 'live_step' && r.tier === 'simd');
      assert.ok(row && row.median_ns > 0 && row.agrees, JSON.stringify(row));
      const benchMs = row.median_ns / 1e6;
      const ratio = Math.max(liveMs, benchMs) / Math.min(liveMs, benchMs);
      console.log(`# ${name}: live ${(liveMs * 1e3).toFixed(1)} µs/step (half-second medians ${perWindow.map((x) => (x * 1e3).toFixed(0)).join(' ')} µs), bench ${(benchMs * 1e3).toFixed(1)} µs/step (p25–p75 ${(row.p25_ns / 1e3).toFixed(1)}–${(row.p75_ns / 1e3).toFixed(1)}), firing ${row.firing_fraction?.toFixed(4)}, ratio ${ratio.toFixed(2)}`);
      assert.ok(liveMs > 0 && benchMs > 0);
      assert.ok(ratio <= AGREE, `live ${liveMs} ms per step, bench ${benchMs} ms per call: ${ratio.toFixed(2)}× apart`);
    });
  });
}
