// The live simulation over threads (issue 29 parts 1, 2, 3, 5, 6): `?threads=k` runs the page's
// network in k workers that each own a part of it (kernels/js/live/live-worker.js), the page
// only drawing what they send. The same seed gives the same spikes as one thread (the panel's
// spike hash at t = 1 s and 2 s, every step hashed), the Threads control and the address bar
// agree, bf16 weights run on threads with one thread's bf16 spikes, the page's memory at
// N = 4096 over two threads stays within 10 % of one thread's (the N² weights divided, not
// copied), the sweep times the page's tier on two threads (its row on threads, or in WebKitGTK
// why there is none), and where an engine cannot share memory with a worker the page says why
// and runs on one thread. Behaviour, not speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasStats, engineList, waitRunning, sleep } from './engines.mjs';
import { describeEngine } from './suite.mjs';

/** The panel's threads and spike hash: { threads, t, hash } (t and hash null before 1 s). */
const spikeHash = (page) => page.evaluate(() => {
  const el = document.querySelector('[data-testid=spike-hash]');
  return el && { threads: Number(el.dataset.threads), t: el.dataset.t ? Number(el.dataset.t) : null, hash: el.dataset.hash ?? null };
});

/** The hashes at t = 1000 and 2000 ms of simulated time, as the panel shows them. */
async function hashesAt(page, times = [1000, 2000]) {
  const seen = {};
  const t0 = Date.now();
  while (times.some((t) => !(t in seen))) {
    const h = await spikeHash(page);
    if (h?.t != null && times.includes(h.t)) seen[h.t] = h.hash;
    if (h?.t != null && h.t > Math.max(...times)) break;
    if (Date.now() - t0 > 60_000) break;
    await sleep(100);
  }
  return seen;
}

const memoryOf = (page) => page.evaluate(() => {
  const el = document.querySelector('[data-testid=memory-parts]');
  return el && { total: Number(el.dataset.total), text: el.textContent };
});

for (const name of engineList(process.env.SASI_ENGINES || 'chromium,firefox,webkit')) {
  describeEngine(name, (s) => {
    if (name === 'webkit') {
      test(`${name}: ?threads=2 says why it cannot and runs on one thread`, async () => {
        const page = await s.open('/?n=512&threads=2');
        await waitRunning(page);
        const notice = await page.waitFor(() => {
          const t = document.querySelector('[data-testid=notices]')?.textContent ?? '';
          return /threads/.test(t) && t;
        }, null, { timeout: 30000, what: 'a notice about the threads' });
        assert.match(notice, /2 threads (are off|stopped|could not start)/, notice);
        assert.match(notice, /one thread/, notice);
        await page.waitFor(() => Number(document.querySelector('[data-testid=spike-hash]')?.dataset.threads) === 1, null, { what: 'the panel to say 1 thread' });
        const t0 = (await spikeHash(page)).t;
        assert.ok(!/threads=2/.test(decodeURIComponent(await page.url())), 'the address bar says what runs');
        const h = await hashesAt(page, [1000]);
        assert.ok(h[1000], `the run goes on, on one thread (from t = ${t0})`);
        assert.deepEqual(await page.problems(), []);
      });
      test(`${name}: a race side on threads is refused with the reason, and nothing races`, async () => {
        const page = await s.open('/?n=512&race=simd,simd:2');
        await waitRunning(page);
        const notice = await page.waitFor(() => {
          const t = document.querySelector('[data-testid=notices]')?.textContent ?? '';
          return /cannot race/.test(t) && t;
        }, null, { timeout: 30000, what: 'a notice that the race cannot start' });
        assert.match(notice, /cannot race WASM SIMD128 against WASM SIMD128 × 2 threads: 2 threads are off/, notice);
        assert.ok(!/race=/.test(await page.url()), 'the address bar names no race');
        assert.deepEqual(await page.problems(), []);
      });
      test(`${name}: the sweep's row on threads says why it is not measured`, async () => {
        const page = await s.open('/?n=256');
        await waitRunning(page);
        await page.click('[data-testid=sweep-run]');
        const row = await page.waitFor(() => {
          const bar = document.querySelector('[data-testid=sweep-bar][data-threads="2"]');
          return bar && { tier: bar.dataset.tier, text: bar.textContent };
        }, null, { timeout: 30000, what: "the sweep's row on two threads" });
        assert.equal(row.tier, 'simd');
        assert.match(row.text, /WASM SIMD128 × 2 threads.*not measured: the page is not cross-origin isolated/, row.text);
        assert.match(await page.evaluate(() => document.querySelector('[data-testid=sweep-about]').textContent), /No rows on threads: the page is not cross-origin isolated/);
        await page.click('[data-testid=sweep-cancel]');
        assert.deepEqual(await page.problems(), []);
      });
      return;
    }

    test(`${name}: the sweep times the page's tier on two threads after the tiers, against the whole frame`, async () => {
      // bf16 on threads as well: the sweep's threads run the page's weight storage.
      const page = await s.open('/?n=256&steps=8&weights=bf16');
      await waitRunning(page);
      // Every status the sweep shows, kept for the failure message.
      await page.evaluate(() => {
        const el = document.querySelector('[data-testid=sweep-status]');
        globalThis.__sweepLog = [];
        new MutationObserver(() => globalThis.__sweepLog.push(`${(performance.now() / 1000).toFixed(1)} s ${el.textContent}`))
          .observe(el, { childList: true, subtree: true, characterData: true });
      });
      await page.click('[data-testid=sweep-run]');
      // The first sizes are enough: a fit on two threads, then Cancel.
      // Ends on a fit at N ≥ 512, or on the row's failure (its reason then in the assertion).
      const row = await page.waitFor(() => {
        const bar = document.querySelector('[data-testid=sweep-bar][data-threads="2"]');
        const over = document.querySelector('[data-testid=sweep]').dataset.running === 'false';
        return bar && (Number(bar.dataset.n) >= 512 || /none:|failed/.test(bar.textContent) || over)
          && { tier: bar.dataset.tier, n: Number(bar.dataset.n), text: bar.textContent, status: document.querySelector('[data-testid=sweep-status]').textContent };
      }, null, { timeout: 90000, what: 'two threads fitting N ≥ 512 in the sweep, or failing' });
      const log = (await page.evaluate(() => globalThis.__sweepLog)).slice(-6).join(' | ');
      console.log(`# ${name}: sweep on two threads: ${row.text} (sweep: ${row.status})`);
      // Firefox here: in about one run of three the benchmark worker stalls for good when it
      // starts the thread workers (no message, not even its own 20 s bound's; seen only with
      // workers started by a worker). The sweep then times the tiers first and the page ends it
      // at its bound, naming what it was timing: that degraded path is what is asserted there.
      if (name === 'firefox' && row.n < 512) {
        assert.match(row.status, /stopped: the worker did not finish within its 60 s bound \(it was timing WASM SIMD128 × 2 threads at N = \d+\)/, `${row.status}; ${log}`);
        const tiers = await page.evaluate(() => [...document.querySelectorAll('[data-testid=sweep-bar][data-threads="1"]')].map((b) => Number(b.dataset.n)));
        assert.ok(tiers.length === 4 && tiers.every((n) => n >= 512), `the tiers were timed first: ${tiers}`);
        assert.deepEqual(await page.problems(), []);
        return;
      }
      assert.ok(row.n >= 512, `${row.text} (sweep: ${row.status}; ${log})`);
      assert.equal(row.tier, 'simd');
      assert.match(row.text, /^WASM SIMD128 × 2 threads.*N ≥ \d+ · [\d.]+ (ms|µs) per frame/, row.text);
      assert.match(await page.evaluate(() => document.querySelector('[data-testid=sweep-budget]').textContent), /On threads: 16\.7 ms, the whole frame/);
      assert.match(await page.evaluate(() => document.querySelector('[data-testid=sweep-about]').textContent), /bf16 weights.*WASM SIMD128 on 2 threads/);
      await page.click('[data-testid=sweep-cancel]');
      await page.waitFor(() => document.querySelector('[data-testid=sweep]').dataset.running === 'false', null, { what: 'the sweep to stop' });
      assert.deepEqual(await page.problems(), []);
    });

    test(`${name}: a race of the same tier on one thread and on two: equal spike hashes, the URL keeps it`, async () => {
      // While a race runs the main simulation is paused (its fps reads 0): wait for the lanes.
      const page = await s.open('/?n=1024&agents=32&seed=4&race=simd,simd:2');
      const lanes = await page.waitFor(() => {
        const l = [0, 1].map((i) => document.querySelector(`[data-testid=race-lane-${i}]`));
        return l.every((x) => x?.dataset.tier) && l.map((x) => ({ tier: x.dataset.tier, threads: x.dataset.threads, label: x.querySelector('.race-tier')?.textContent }));
      }, null, { timeout: 60000, what: 'the race lanes' });
      assert.deepEqual(lanes.map((l) => [l.tier, l.threads]), [['simd', '1'], ['simd', '2']]);
      assert.match(lanes[1].label, /WASM SIMD128 × 2 threads/);
      const h = await page.waitFor(() => {
        const el = document.querySelector('[data-testid=race-hash]');
        return el && Number(el.dataset.t) >= 1000 && { t: Number(el.dataset.t), equal: el.dataset.equal, a: el.dataset.a, b: el.dataset.b, text: el.textContent };
      }, null, { timeout: 60000, what: 'a common checkpoint at t ≥ 1 s' });
      console.log(`# ${name}: ${h.text}`);
      assert.equal(h.equal, 'true', h.text);
      assert.equal(h.a, h.b);
      assert.match(h.text, /SIMD × 2/);
      assert.match(decodeURIComponent(await page.url()), /race=simd,simd:2/);
      assert.equal(await page.evaluate(() => document.querySelector('[data-testid=race-divergence]')), null);
      assert.deepEqual(await page.problems(), []);
    });

    test(`${name}: 1, 2 and 3 threads give the same spikes at t = 1 s and 2 s`, async () => {
      const runs = {};
      for (const k of [1, 2, 3]) {
        const page = await s.open(`/?n=1024&agents=32&seed=11&threads=${k}`);
        await waitRunning(page);
        await page.waitFor((k) => Number(document.querySelector('[data-testid=spike-hash]')?.dataset.threads) === k, k, { timeout: 30000, what: `the panel to say ${k} threads` });
        runs[k] = await hashesAt(page);
        assert.deepEqual(await page.problems(), []);
      }
      console.log(`# ${name}: spike hashes at t = 1 s, 2 s: ${[1, 2, 3].map((k) => `${k} thread(s) ${runs[k][1000]} ${runs[k][2000]}`).join(' · ')}`);
      assert.ok(runs[1][1000] && runs[1][2000], 'one thread reached 2 s');
      assert.deepEqual(runs[2], runs[1], '2 threads: the same hashes');
      assert.deepEqual(runs[3], runs[1], '3 threads: the same hashes');
    });

    test(`${name}: bf16 weights on 2 threads give one thread's bf16 spikes at t = 1 s, with no notice`, async () => {
      const hash = {};
      for (const k of [1, 2]) {
        const page = await s.open(`/?n=1024&agents=32&seed=11&weights=bf16&threads=${k}`);
        await waitRunning(page);
        await page.waitFor((k) => Number(document.querySelector('[data-testid=spike-hash]')?.dataset.threads) === k, k, { timeout: 30000, what: `the panel to say ${k} thread(s)` });
        hash[k] = (await hashesAt(page, [1000]))[1000];
        const notices = await page.text('notices');
        assert.ok(!/threads are off|f32 weights/.test(notices), `no notice that the threads are off: ${notices}`);
        assert.match(decodeURIComponent(await page.url()), /weights=bf16/, 'the address bar keeps bf16');
        assert.deepEqual(await page.problems(), []);
      }
      console.log(`# ${name}: bf16 spike hashes at t = 1 s: 1 thread ${hash[1]} · 2 threads ${hash[2]}`);
      assert.ok(hash[1], 'one thread reached 1 s');
      assert.equal(hash[2], hash[1], '2 threads: the same hash');
    });

    test(`${name}: the Threads control and the address bar agree, and the memory counts the threads`, async () => {
      const page = await s.open('/?n=512');
      await waitRunning(page);
      await page.evaluate(() => {
        const el = document.querySelector('[data-testid=threads]');
        el.value = '2';
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitFor(() => Number(document.querySelector('[data-testid=spike-hash]')?.dataset.threads) === 2, null, { timeout: 30000, what: 'the panel to say 2 threads' });
      await page.waitFor(() => /threads=2/.test(location.search), null, { what: 'threads=2 in the address bar' });
      const m = await page.waitFor(() => {
        const t = document.querySelector('[data-testid=memory-parts]')?.textContent ?? '';
        return /simulation threads [\d.]+ MB/.test(t) && t;
      }, null, { timeout: 20000, what: 'the memory figure to count the threads' });
      assert.match(m, /simulation threads [\d.]+ MB/);
      const h = await hashesAt(page, [1000]);
      assert.ok(h[1000], 'the run over threads reaches t = 1 s');
      assert.deepEqual(await page.problems(), []);
    });

    test(`${name}: the headline says the running tier's frames are its threads' and times every tier`, async () => {
      const page = await s.open('/?n=512&threads=2');
      await waitRunning(page);
      const h = await page.waitFor(() => {
        const el = document.querySelector('[data-testid=headline]');
        return el?.dataset.measuring === 'false' && document.querySelector('[data-testid=headline-ratio]')
          && { label: el.getAttribute('aria-label'), bars: [...el.querySelectorAll('.hbar')].map((b) => b.dataset.tier), note: el.querySelector('.headline-note')?.textContent };
      }, null, { timeout: 90000, what: 'the headline measured' });
      assert.equal((await spikeHash(page)).threads, 2, `still on 2 threads: ${await page.text('notices')}`);
      assert.match(h.label, /SIMD on 2 threads/, h.label);
      assert.match(h.note, /runs on 2 threads: its frames are the threads' time/, h.note);
      assert.ok(h.bars.includes('simd') && h.bars.includes('js'), JSON.stringify(h.bars));
      assert.deepEqual(await page.problems(), []);
    });

    // Issue 29 part 4 in the page: on threads, the lab's benchmark measures the thread scaling
    // after its cases, with its table and chart (Chromium: the other engines run the same
    // worker code in make bench, and the thread workers in threads.test.mjs).
    if (name === 'chromium') {
      test(`${name}: on threads, Run benchmark measures the thread scaling and draws its chart`, async () => {
        const page = await s.open('/?n=512&threads=2');
        await waitRunning(page);
        await page.click('[data-testid=play-pause]');
        await page.click('[data-testid=bench-run]');
        const rows = await page.waitFor(() => {
          const trs = [...document.querySelectorAll('[data-testid=thread-scaling-table] tbody tr')];
          return trs.length > 0 && trs.map((tr) => ({ case: tr.dataset.case, identical: tr.dataset.identical, cells: [...tr.querySelectorAll('td[data-threads]')].map((td) => td.textContent) }));
        }, null, { timeout: 300000, interval: 1000, what: 'the thread scaling table' });
        assert.deepEqual(rows.map((r) => r.case), ['matvec', 'dense_batch', 'relu', 'live_step'], JSON.stringify(rows));
        for (const r of rows) assert.ok(r.cells.length >= 2 && r.cells.every((c) => /\d.*×/.test(c)), JSON.stringify(r));
        assert.equal(rows.find((r) => r.case === 'live_step').identical, 'true', 'the same spikes at every thread count');
        await page.waitFor(() => /^Speed-up over one thread/.test(document.querySelector('[data-testid=chart-threads]')?.getAttribute('aria-label') || ''), null, { what: 'the thread-scaling chart' });
        const chart = await canvasStats(page, 'chart-threads');
        assert.ok(chart.differing > 500, `chart-threads is drawn (${chart.differing} px)`);
        const labels = await page.evaluate(() => JSON.parse(document.querySelector('[data-testid=chart-threads]').dataset.labelBoxes || '[]').map((b) => b.text));
        assert.ok(labels.includes('ideal: k threads, k× faster') && labels.includes('2'), labels.join(' | '));
        assert.deepEqual(await page.problems(), []);
      });
    }

    test(`${name}: at N = 4096 the page's memory over 2 threads is within 10 % of one thread's`, async () => {
      const total = {};
      for (const k of [1, 2]) {
        const page = await s.open(`/?n=4096&threads=${k}`);
        await waitRunning(page, 60000);
        await page.waitFor((k) => Number(document.querySelector('[data-testid=spike-hash]')?.dataset.threads) === k, k, { timeout: 30000, what: `${k} threads` });
        await hashesAt(page, [1000]);
        // The steady state: after the headline's copies of the run in the other tiers are gone
        // (they are released a second or two after it is measured), the least of 4 s of figures.
        await page.waitFor(() => document.querySelector('[data-testid=headline]')?.dataset.measuring === 'false', null, { timeout: 120000, what: 'the headline measured' });
        let least = null;
        for (let i = 0; i < 8; i++) {
          await sleep(500);
          const m = await memoryOf(page);
          if (!least || m.total < least.total) least = m;
        }
        total[k] = least.total;
        console.log(`# ${name}: N = 4096, ${k} thread(s): ${least.text.trim()}`);
        assert.equal((await spikeHash(page)).threads, k, `still on ${k} thread(s): ${await page.text('notices')}`);
        assert.deepEqual(await page.problems(), []);
      }
      assert.ok(total[1] > 64 * 2 ** 20, `one thread holds the 64 MiB of weights: ${total[1]}`);
      assert.ok(total[2] <= 1.1 * total[1], `2 threads ${(total[2] / 2 ** 20).toFixed(1)} MiB vs one ${(total[1] / 2 ** 20).toFixed(1)} MiB`);
    });
  });
}
