// Importing a run to compare (issue 26): hostile files, generated here in the page, never
// committed. A file of ~16 MB / 183k result lines in Chromium and Firefox (the page keeps
// running and says what it read), the app's wasm memory at N = 2048 across a 1 MB import,
// medians out of range, and long names and a phone-width page. Files are set on the input with
// a DataTransfer in the page, so the same code drives every engine (engines.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitRunning, simTime, sleep } from './engines.mjs';
import { describeEngine } from './suite.mjs';

const MB = 1024 * 1024;
/** The page's file-size limit (src/features/compare/mod.rs MAX_BYTES): the big file stays just under it. */
const MAX_BYTES = 16 * MB;
/** Result lines the page reads at most (src/features/compare/mod.rs MAX_LINES), as it says on screen. */
const MAX_LINES = 270;

/**
 * In the page: builds a benchmark JSON and sets it on the import input. `lines`: result lines,
 * or `fillBytes` to repeat ordinary lines until the text is just under that many bytes; `extra`
 * adds top-level fields, `results` gives the lines themselves. Returns the text's size and its
 * line count. Also records whether the import's progress note ever showed.
 */
function importInPage({ name, lines = 0, fillBytes = 0, extra = {}, results = null }) {
  const head = JSON.stringify({ env: { userAgent: 'Mozilla/5.0 Firefox/153.0', set: 'full', date: '2026-12-05' }, ...extra }).slice(0, -1);
  const kernels = ['dense', 'lif_step', 'stdp', 'activation_relu', 'efficiency'];
  // An ordinary line of an export, about 90 bytes as in the file.
  const line = (i) => JSON.stringify({
    kernel: kernels[i % kernels.length], size: String(64 + (i % 4096)),
    median_ns: { js: 80000 + (i % 977), scalar: 40000, simd: 10000 + (i % 31) },
  });
  const parts = [];
  let bytes = head.length + 20;
  if (results) parts.push(...results.map((r) => JSON.stringify(r)));
  for (let i = 0; fillBytes ? bytes < fillBytes - 200 : i < lines; i++) {
    const l = line(i);
    if (fillBytes && bytes + l.length + 1 > fillBytes - 2) break;
    parts.push(l);
    bytes += l.length + 1;
  }
  const text = `${head},"results":[${parts.join(',')}]}`;
  window.__importProgressSeen = false;
  const seen = new MutationObserver(() => {
    if (document.querySelector('[data-testid=import-progress]')) window.__importProgressSeen = true;
  });
  seen.observe(document.body, { childList: true, subtree: true });
  window.__importObserver?.disconnect();
  window.__importObserver = seen;
  const dt = new DataTransfer();
  dt.items.add(new File([text], name, { type: 'application/json' }));
  const input = document.querySelector('[data-testid=import-file]');
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return { bytes: new Blob([text]).size, lines: parts.length };
}

/** Waits until the import named `name` is shown (its label) or refused (its error). */
const imported = (page, name, timeout = 60000) => page.waitFor((n) => {
  const label = document.querySelector('[data-testid=import-label]')?.textContent ?? '';
  const error = document.querySelector('[data-testid=import-error]')?.textContent ?? '';
  return (label.includes(n) || error.includes(n)) && !document.querySelector('[data-testid=import-progress]');
}, name, { timeout, what: `the import of ${name} to finish` });

const bannerShown = (page) => page.evaluate(() => {
  const b = document.querySelector('[data-testid=error-banner]');
  return !!b && !b.hidden && b.getBoundingClientRect().height > 0;
});

/** Waits until the simulated clock moves past where it is now: the page still runs. */
async function clockAdvances(page, what) {
  const t0 = await simTime(page);
  await page.waitFor((t) => Number((/t = ([\d.]+)/.exec(document.querySelector('.status-line').textContent) || [])[1]) > t,
    t0, { timeout: 20000, what: `the simulated clock to pass ${t0} s ${what}` });
}

const pageWidth = (page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));

function engineTests(name, { only = null } = {}) {
  describeEngine(name, (s) => {
    const open = async (path = '/') => {
      const page = await s.open(path);
      await waitRunning(page, 60000);
      return page;
    };
    const want = (what) => !only || only.includes(what);

    if (want('big')) {
      test(`${name}: a ~16 MB file of ~183k result lines is read off the main thread; the page keeps running and states the cap`, async () => {
        const p = await open('/');
        const file = await p.evaluate(importInPage, { name: 'huge-16mb.json', fillBytes: MAX_BYTES - 150 });
        assert.ok(file.bytes > 16.6e6 && file.bytes < MAX_BYTES, `${file.bytes} bytes`);
        assert.ok(file.lines > 180000, `${file.lines} lines`);
        await imported(p, 'huge-16mb.json', 90000);
        // The page lives on: its clock moves, it draws frames, nothing trapped or was reported.
        await clockAdvances(p, 'after the import');
        await sleep(1200);
        await clockAdvances(p, 'a second later');
        const fps = Number(await p.text('fps'));
        assert.ok(fps > 0, `fps ${fps}`);
        assert.equal(await bannerShown(p), false, 'no error banner');
        assert.deepEqual(await p.problems(), []);
        // It read what it states, and the DOM got at most the cap's rows.
        assert.equal(await p.text('import-error'), '', 'accepted, not refused');
        const cap = await p.text('import-cap');
        const total = file.lines.toLocaleString('en-US');
        assert.match(cap, new RegExp(`showing the first ${MAX_LINES} of ${total} result lines`), cap);
        assert.ok(await p.evaluate(() => window.__importProgressSeen), 'a progress note showed while the file was read');
        const rows = await p.evaluate(() => document.querySelectorAll('[data-testid=compare-row]').length);
        assert.ok(rows > 0 && rows <= 4 * MAX_LINES, `${rows} rows in the table`);
      });
    }

    if (want('memory')) {
      test(`${name}: at N = 2048 a 1 MB import of 11k lines barely grows the app's wasm memory and the memory target still passes`, async () => {
        const p = await open('/?n=2048');
        await p.waitFor(() => document.querySelector('[data-testid=headline]')?.dataset.measuring === 'false', null, { timeout: 90000, what: 'the headline probe to finish' });
        const app = () => p.evaluate(() => Number(document.querySelector('[data-testid=memory-parts]').dataset.appWasm));
        const target = () => p.evaluate(() => document.querySelector('[data-testid=targets] tr[data-target="Runtime memory"]')?.className ?? '');
        await p.waitFor(() => /pass/.test(document.querySelector('[data-testid=targets] tr[data-target="Runtime memory"]')?.className ?? ''), null, { timeout: 30000, what: 'the memory target to pass before the import' });
        const before = await app();
        assert.ok(before > 0, `app wasm ${before}`);
        const file = await p.evaluate(importInPage, { name: 'ten-k-lines.json', fillBytes: 1e6 });
        assert.ok(file.bytes > 0.99e6 && file.bytes <= 1e6 && file.lines > 10000, `${file.bytes} bytes, ${file.lines} lines`);
        await imported(p, 'ten-k-lines.json');
        // The panel reads the memories every 500 ms: let a few readings pass.
        await sleep(2000);
        const after = await app();
        console.log(`# app wasm memory ${(before / MB).toFixed(2)} MB before, ${(after / MB).toFixed(2)} MB after the import`);
        assert.ok(after - before < 2 * MB, `the app's wasm memory grew by ${((after - before) / MB).toFixed(2)} MB (less than 2 MB allowed)`);
        assert.match(await target(), /pass/, 'the memory target row still passes');
        assert.match(await p.text('import-cap'), new RegExp(`showing the first ${MAX_LINES} of ${file.lines.toLocaleString('en-US')} result lines`));
        assert.deepEqual(await p.problems(), []);
      });
    }

    if (want('range')) {
      test(`${name}: medians out of range are left out with a message naming them; a file with none usable is refused`, async () => {
        const p = await open('/');
        const results = [
          { kernel: 'dense', size: '64x64', median_ns: { js: 5e-324, scalar: 40000, simd: 10000 } },
          { kernel: 'lif_step', size: '1024', median_ns: { js: 1.7e308, simd: 2500 } },
          { kernel: 'stdp', size: '1024', median_ns: { js: 9000, simd: 4500 } },
        ];
        await p.evaluate(importInPage, { name: 'odd-medians.json', results });
        await imported(p, 'odd-medians.json');
        const cells = await p.evaluate(() => [...document.querySelectorAll('[data-testid=compare-row] td')].map((td) => td.textContent));
        assert.ok(cells.length >= 5 * 5, `${cells.length} cells`);
        assert.ok(!cells.some((c) => /^0 ns$/.test(c.trim())), `no "0 ns" cell: ${cells.join(' | ')}`);
        assert.ok(cells.every((c) => c.length <= 40 && !/\d{12}/.test(c)), 'no cell with a long number');
        const tiers = await p.evaluate(() => [...document.querySelectorAll('[data-testid=compare-row]')].map((tr) => `${tr.dataset.kernel} ${tr.dataset.tier}`));
        assert.ok(!tiers.includes('dense js') && !tiers.includes('lif_step js'), `the out-of-range medians have no row: ${tiers}`);
        assert.ok(tiers.includes('dense scalar') && tiers.includes('stdp js'), 'the good medians are kept');
        const note = await p.text('import-left-out');
        assert.match(note, /^2 imported medians are not times between 0\.01 ns and 100 s and are left out, e\.g\. dense 64x64 · js: 5e-324$/, note);
        const w = await pageWidth(p);
        assert.ok(w.scroll <= w.inner, `page ${w.scroll} px wide in a ${w.inner} px viewport`);

        await p.evaluate(importInPage, { name: 'only-bad.json', results: [{ kernel: 'dense', size: '8', median_ns: { js: 1.7e308, simd: 0 } }] });
        await imported(p, 'only-bad.json');
        assert.match(await p.text('import-error'), /only-bad\.json: the file has no usable medians .*2 left out .*1\.7e\+308/);
        assert.equal(await p.evaluate(() => document.querySelectorAll('[data-testid=compare-row]').length), 0);
        assert.deepEqual(await p.problems(), []);
      });
    }

    if (want('narrow')) {
      test(`${name}: at 390 px an imported run fits the page, and 200,000-character names are shortened with the name in a tooltip`, async () => {
        const p = await open('/');
        await p.raw.setViewportSize({ width: 390, height: 844 });
        await p.evaluate(importInPage, { name: 'full-set.json', lines: 17 });
        await imported(p, 'full-set.json');
        let w = await pageWidth(p);
        assert.equal(w.inner, 390);
        assert.ok(w.scroll <= 390, `the page is ${w.scroll} px wide at 390 px with an imported run`);
        assert.equal(await p.evaluate(() => document.querySelector('[data-testid=compare-table]').closest('[role=region]')?.getAttribute('aria-label')),
          'imported run beside this run', 'the table is in a labelled scroll region');

        const long = 'k'.repeat(200000);
        const engineName = 'E'.repeat(200000);
        await p.evaluate(importInPage, {
          name: `${'f'.repeat(5000)}.json`,
          extra: { engine: engineName },
          results: [{ kernel: long, size: '8', median_ns: { js: 900, simd: 300 } }],
        });
        await imported(p, 'ffffffffff');
        w = await pageWidth(p);
        assert.ok(w.scroll <= 390, `the page is ${w.scroll} px wide with 200,000-character names`);
        const shown = await p.evaluate(() => {
          const td = document.querySelector('[data-testid=compare-row] td');
          const spans = [...document.querySelectorAll('[data-testid=import-label] span')];
          return { text: td.textContent, title: td.title, label: spans.map((s) => ({ text: s.textContent, title: s.title })) };
        });
        assert.ok(shown.text.length <= 80 && shown.text.startsWith('kkkk') && shown.text.includes('…'), `shortened: ${shown.text.length} chars`);
        assert.ok(shown.title.startsWith('k'.repeat(200)) && shown.title.length > shown.text.length, `tooltip: ${shown.title.length} chars`);
        const [file, label] = shown.label;
        assert.ok(file.text.length <= 80 && file.title.startsWith('f'.repeat(200)), `file name ${file.text.length} / ${file.title.length}`);
        assert.ok(label.text.length <= 80 && label.title.startsWith('E'.repeat(200)), `engine ${label.text.length} / ${label.title.length}`);
        assert.deepEqual(await p.problems(), []);
      });
    }
  });
}

engineTests('chromium');
engineTests('firefox', { only: ['big'] });
