// The page's Web Workers under faults (issue 26, findings 2 and 4), in Chromium and Firefox:
// the sweep's worker script answering 404, hanging, garbage, a missing dependency or throwing
// inside must end the sweep with the reason (never "starting…" for good, never "The app
// stopped"), leave Run enabled and the simulation running, and Run must work again once the
// server is fixed. A cancelled sweep must not read like a finished one, and its caption
// describes the run measured, not the sliders as they are now. Faults are injected by the
// server (server.mjs `setFault`), so they are the same in every engine.
// SASI_ENGINES=chromium (default chromium,firefox) picks engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineList, waitRunning, simTime, sleep } from './engines.mjs';
import { describeEngine } from './suite.mjs';

const runDisabled = (page) => page.evaluate(() => document.querySelector('[data-testid=sweep-run]').disabled);
const bannerShown = (page) => page.evaluate(() => {
  const b = document.querySelector('[data-testid=error-banner]');
  return !!b && !b.hidden && b.textContent.trim() !== '';
});
// The start timeout is 8 s; a hung script counts from the worker's start.
const FAULT_REPORTED_MS = 20000;

const JS = 'text/javascript';
const FAULTS = {
  'the worker script answers 404': (p) => (p === '/js/bench/bench-worker.js' ? { status: 404, body: 'not found' } : null),
  'the worker script hangs': (p) => (p === '/js/bench/bench-worker.js' ? 'hang' : null),
  'the worker script is garbage': (p) => (p === '/js/bench/bench-worker.js' ? { type: JS, body: '}{ this is not JavaScript ((' } : null),
  'the connection drops': (p) => (p === '/js/bench/bench-worker.js' ? 'abort' : null),
  'a dependency of the worker answers 404': (p) => (p === '/js/bench/bench.js' ? { status: 404, body: 'not found' } : null),
  // Starts as the real worker does (`ready`), then throws outside any try: an uncaught error
  // inside the worker, which the page used to show as "The app stopped".
  'the worker throws after starting': (p) => (p === '/js/bench/bench-worker.js'
    ? { type: JS, body: "postMessage({ type: 'ready' }); setTimeout(() => { throw new Error('injected worker failure'); }, 50);" }
    : null),
};
const CHROMIUM_ONLY = new Set(['the connection drops', 'a dependency of the worker answers 404', 'the worker script is garbage']);

for (const name of engineList(process.env.SASI_ENGINES || 'chromium,firefox')) {
  describeEngine(name, (s) => {
    const openPage = async (path) => {
      // Failed worker loads are the point here: the browser logs them.
      const page = await s.open(path, { allow: [/bench-worker\.js|bench\.js|404|Not Found|injected worker failure|worker|NS_ERROR|MIME|module/i] });
      await waitRunning(page);
      return page;
    };

    for (const [fault, rule] of Object.entries(FAULTS)) {
      if (name !== 'chromium' && CHROMIUM_ONLY.has(fault)) continue;
      test(`${name}: the sweep reports "${fault}", stays usable and runs again once fixed`, async () => {
        const p = await openPage('/?n=256');
        s.app.setFault(rule);
        try {
          await p.click('[data-testid=sweep-run]');
          const t0 = Date.now();
          const status = await p.waitFor(() => {
            const s = document.querySelector('[data-testid=sweep-status]').textContent;
            const running = document.querySelector('[data-testid=sweep]').dataset.running === 'true';
            return !running && /failed|did not start|stopped/.test(s) ? s : null;
          }, null, { timeout: FAULT_REPORTED_MS, what: 'the sweep to report the fault' });
          console.log(`# ${name}, ${fault}: "${status}" after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          assert.match(status, /sweep worker/, 'the reason names the worker');
          if (fault.includes('throws')) assert.match(status, /injected worker failure/, 'the worker\'s own error is shown');
          assert.equal(await runDisabled(p), false, 'Run sweep is enabled again');
          assert.equal(await bannerShown(p), false, 'a worker\'s failure is not "The app stopped"');
          const t = await simTime(p);
          await p.waitFor((t1) => Number(document.querySelector('.status-line').textContent.match(/t = ([\d.]+)/)[1]) > t1, t,
            { timeout: 10000, what: 'the simulated clock to advance' });
        } finally {
          s.app.setFault(null);
        }
        // Fixed: Run starts a sweep that gets to timing cases.
        await p.click('[data-testid=sweep-run]');
        await p.waitFor(() => /cases/.test(document.querySelector('[data-testid=sweep-status]').textContent), null,
          { timeout: 30000, what: 'the sweep to time cases after the fix' });
        await p.click('[data-testid=sweep-cancel]');
        assert.deepEqual(await p.problems(), []);
      });
    }

    test(`${name}: a cancelled sweep says so on every bar that had not missed, and its caption is the run's`, async () => {
      const p = await openPage('/?n=256&steps=4');
      await p.click('[data-testid=sweep-run]');
      // Cancel once the smallest size has been timed for every tier (a point per tier), well
      // before the sweep can have reached the largest size.
      await p.waitFor(() => {
        const bars = [...document.querySelectorAll('[data-testid=sweep-bar]')];
        return bars.length > 0 && bars.some((b) => Number(b.dataset.n) > 0);
      }, null, { timeout: 60000, what: 'a first size timed' });
      // The sliders move during the run: the caption keeps describing what is measured.
      await p.evaluate(() => {
        const el = document.querySelector('[data-testid=steps]');
        el.value = '12';
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await sleep(300);
      const about = await p.textOf('.sweep-about');
      assert.match(about, /\b4 steps/, `the caption describes the run (4 steps), not the slider: ${about}`);
      await p.click('[data-testid=sweep-cancel]');
      await p.waitFor(() => document.querySelector('[data-testid=sweep]').dataset.running === 'false', null, { what: 'the sweep to stop' });
      const bars = await p.evaluate(() => [...document.querySelectorAll('[data-testid=sweep-bar]')].map((b) => ({
        tier: b.dataset.tier, n: Number(b.dataset.n), text: b.textContent,
      })));
      console.log(`# ${name}, cancelled: ${bars.map((b) => `${b.tier} ${b.n} "${b.text}"`).join(' | ')}`);
      assert.ok(bars.length >= 1);
      const open = bars.filter((b) => !/next size|none:|limit|not measured/.test(b.text));
      assert.ok(open.length >= 1, 'at least one tier had not missed when cancelled');
      for (const b of open) {
        assert.match(b.text, /so far|no size timed yet/, `a tier still in the sweep reads as unfinished: ${b.text}`);
        assert.doesNotMatch(b.text, /N = \d/, 'no final "N = …" answer for a tier the sweep did not finish');
      }
      assert.match(await p.textOf('.sweep-about'), /\b4 steps/, 'after the run, the caption still describes it');
      assert.deepEqual(await p.problems(), []);
    });
  });
}
