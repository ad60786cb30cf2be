// The URL says what runs (issue 26, findings 5, 6 and 7a) in Debian's Chromium: the tier
// after a fallback, never the one wished for; while a race runs, that race (its N, seed and
// pair), so a reload of the URL races the same network with the same spike hashes; and Stop
// race gives back the memory the race grew, without a Reset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitRunning, setN, text } from './helpers.mjs';

const MB = 1024 * 1024;
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

/** The page's own address, to open in a new page. */
const sameUrl = (page) => `/${new URL(page.url()).search}`;
const query = (page) => Object.fromEntries(new URL(page.url()).searchParams);
const raceRunning = (page) => page.waitForFunction(() => document.querySelector('[data-testid=race]')?.dataset.running === 'true', null, { timeout: 40000 });

/** Sets a control as a user's edit ends: its value, then the `change` the app listens to. */
const setControl = (page, testid, value) => page.$eval(`[data-testid=${testid}]`, (el, v) => {
  if (el.type === 'checkbox') el.checked = v; else el.value = String(v);
  el.dispatchEvent(new Event('change', { bubbles: true }));
}, value);

test('?tier=relaxed&simd=off: the URL names the tier that runs (scalar) after every change, STDP and steps included', async () => {
  const { page, context, problems } = await open(env, '/?tier=relaxed&simd=off&n=256&agents=16');
  await waitRunning(page);
  assert.match(await text(page, 'active-tier'), /WASM scalar/);
  assert.match(await text(page, 'notices'), /relaxed SIMD is unavailable .*running WASM scalar/);
  await page.waitForFunction(() => /tier=scalar/.test(location.search), null, { timeout: 5000 })
    .catch(() => assert.fail(`on load the URL names another tier: ${page.url()}`));
  // Each change waits until the URL carries it, then the tier it names is checked.
  const changes = [['stdp', false, { stdp: 'off' }], ['steps', 9, { steps: '9' }], ['stdp', true, { stdp: 'on' }], ['steps', 2, { steps: '2' }]];
  for (const [testid, value, expect] of changes) {
    await setControl(page, testid, value);
    const [k, v] = Object.entries(expect)[0];
    await page.waitForFunction(([k, v]) => new URLSearchParams(location.search).get(k) === v, [k, v], { timeout: 5000 });
    const q = query(page);
    assert.equal(q.tier, 'scalar', `after ${testid} → ${value} the URL names the tier that runs: ${page.url()}`);
    assert.equal(q.simd, 'off');
    assert.equal(await page.locator('[data-testid=tier-select]').inputValue(), 'scalar');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('?race=simd,js&simd=off: a notice with the reason, no race, and the URL names neither the race nor SIMD', async () => {
  const { page, context, problems } = await open(env, '/?race=simd,js&simd=off&n=256&agents=16');
  await waitRunning(page);
  await page.waitForFunction(() => /cannot race/.test(document.querySelector('[data-testid=notices]').textContent), null, { timeout: 5000 });
  assert.equal(await page.locator('[data-testid=race]').getAttribute('data-running'), 'false');
  await page.waitForTimeout(300);
  const q = query(page);
  assert.equal(q.tier, 'scalar', `the URL names the tier that runs: ${page.url()}`);
  assert.equal(q.race, undefined, `no race runs, none is written: ${page.url()}`);
  assert.equal(q.simd, 'off');
  assert.match(await text(page, 'notices'), /cannot race WASM SIMD128 against JavaScript: WASM SIMD128 is not available \(switched off by \?simd=off/);
  // The URL as written loads with nothing to correct.
  const again = await open(env, sameUrl(page));
  await waitRunning(again.page);
  await again.page.waitForTimeout(300);
  assert.equal(await again.page.locator('[data-testid=notices]').isVisible(), false, `no notice for ${again.page.url()}`);
  assert.match(await text(again.page, 'active-tier'), /WASM scalar/);
  assert.deepEqual(problems, []);
  assert.deepEqual(again.problems, []);
  await again.context.close();
  await context.close();
});

/** The race's own N and seed as the page states them ("Same seed (7), N = 1024, …"). */
async function raceRun(page) {
  const about = await page.locator('.race-about').textContent();
  const m = /Same seed \((\d+)\), N = (\d+)/.exec(about);
  assert.ok(m, `the race states its run: ${about}`);
  return { seed: m[1], n: m[2] };
}

/** Runs in the page (from its first script on, or from when it is called): every animation
 *  frame, the hashes the race shows at its latest common checkpoint, keyed by the race's run
 *  and that checkpoint ("99/1024/300"), so no frame of a run is missed and runs never mix. */
function logRaceHashes() {
  window.raceLog = {};
  const tick = () => {
    const el = document.querySelector('[data-testid=race-hash]');
    const run = /Same seed \((\d+)\), N = (\d+)/.exec(document.querySelector('.race-about')?.textContent || '');
    if (el?.dataset.t && run) window.raceLog[`${run[1]}/${run[2]}/${el.dataset.t}`] = [el.dataset.a, el.dataset.b];
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Waits until the race of `run` has shown a checkpoint at `until` ms or later; its log as { t: [a, b] }. */
async function hashesOf(page, run, until) {
  const prefix = `${run.seed}/${run.n}/`;
  await page.waitForFunction(([p, u]) => Object.keys(window.raceLog).some((k) => k.startsWith(p) && Number(k.slice(p.length)) >= u),
    [prefix, until], { timeout: 60000 });
  return page.evaluate((p) => Object.fromEntries(Object.entries(window.raceLog).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v])), prefix);
}

test('a race changed to another N and seed while it runs: the URL is that race, and a reload of it gives the same spike hashes', async (t) => {
  const { page, context, problems } = await open(env, '/?race=simd,js&n=2048&agents=32&seed=7');
  await raceRunning(page);
  await page.evaluate(logRaceHashes);
  assert.deepEqual(await raceRun(page), { seed: '7', n: '2048' });
  // The user moves N and types a seed while the race runs.
  await setN(page, 1024);
  await page.waitForFunction(() => new URLSearchParams(location.search).get('n') === '1024', null, { timeout: 10000 });
  await setControl(page, 'seed', 99);
  await page.waitForFunction(() => new URLSearchParams(location.search).get('seed') === '99', null, { timeout: 10000 });
  await page.waitForTimeout(300);
  const q = query(page);
  const run = await raceRun(page);
  t.diagnostic(`URL ${page.url()}; the race on screen: N = ${run.n}, seed ${run.seed}`);
  assert.equal(q.race, 'simd,js', 'the race still runs and the URL names it');
  assert.deepEqual({ n: q.n, seed: q.seed }, run, 'the URL is the race that runs (its N and seed)');
  assert.equal(await page.locator('[data-testid=race]').getAttribute('data-running'), 'true');
  assert.equal(await page.locator('[data-testid=n]').inputValue(), run.n, 'the N slider shows the race\'s N');
  assert.equal(await page.locator('[data-testid=seed]').inputValue(), run.seed, 'the seed field shows the race\'s seed');

  // The URL in a new page races from its first frame; each page logs every checkpoint it
  // shows, and every checkpoint both showed must have the same hash.
  const until = 800;
  const reloaded = await open(env, sameUrl(page), { init: logRaceHashes });
  await raceRunning(reloaded.page);
  assert.deepEqual(await raceRun(reloaded.page), run, 'the reloaded page races the same N and seed');
  const [first, second] = await Promise.all([hashesOf(page, run, until), hashesOf(reloaded.page, run, until)]);
  const common = Object.keys(first).filter((k) => k in second);
  t.diagnostic(`checkpoints shown: first page ${Object.keys(first).join(',')}; reloaded ${Object.keys(second).join(',')}`);
  assert.ok(common.length > 0, 'the two pages showed a common checkpoint');
  for (const k of common) {
    assert.equal(first[k][0], first[k][1], `first page: both sides agree at t = ${k} ms`);
    assert.deepEqual(second[k], first[k], `t = ${k} ms: the reloaded race has the first page's spike hash`);
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(reloaded.problems, []);
  await reloaded.context.close();
  await context.close();
});

const memory = (page) => page.evaluate(() => {
  const d = document.querySelector('[data-testid=memory-parts]').dataset;
  return { total: Number(d.total), simd: Number(d.tierSimd), jsPart: Number(d.jsPart) };
});
const fmt = (m) => Object.entries(m).map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`).join(', ');

/** Polls the page's memory figure (refreshed every 500 ms) until `ok` holds or `ms` pass. */
async function settle(page, ok, ms) {
  const t0 = Date.now();
  let m = await memory(page);
  while (!ok(m) && Date.now() - t0 < ms) {
    await page.waitForTimeout(500);
    m = await memory(page);
  }
  return m;
}

test('N = 4096: Stop race gives the race\'s memory back, without a Reset', async (t) => {
  const { page, context, problems } = await open(env, '/?n=4096&agents=64&tier=simd');
  await waitRunning(page, 40000);
  await page.waitForFunction(() => document.querySelector('[data-testid=headline]')?.dataset.measuring === 'false', null, { timeout: 90000 });
  const weights = 4096 * 4096 * 4;
  // Before: the live run alone (the headline probe's copy given back).
  const before = await settle(page, (m) => m.simd < 1.25 * weights && m.total < 1.5 * weights, 30000);
  await page.selectOption('[data-testid=race-left]', 'simd');
  await page.selectOption('[data-testid=race-right]', 'js');
  await page.click('[data-testid=race-start]');
  await raceRunning(page);
  await page.waitForFunction(() => [0, 1].every((i) => Number(document.querySelector(`[data-testid=race-clock-${i}]`)?.dataset.ms) > 0), null, { timeout: 30000 });
  // During: each side holds its own copy of the weights (the SIMD side in the active module).
  const during = await settle(page, (m) => m.total > before.total + 1.5 * weights, 10000);
  await page.click('[data-testid=race-stop]');
  await page.waitForFunction(() => document.querySelector('[data-testid=race]').dataset.running === 'false');
  // After: back within a quarter of a weight matrix of the level before the race (the JS
  // side's buffers wait for the garbage collector).
  const bound = before.total + weights / 4;
  const after = await settle(page, (m) => m.total < bound, 30000);
  t.diagnostic(`MB before the race: ${fmt(before)}; during: ${fmt(during)}; after Stop: ${fmt(after)}`);
  assert.ok(during.total > before.total + 1.5 * weights, `the race's two copies show in the page's memory (${fmt(during)})`);
  assert.ok(after.simd < 1.25 * weights, `the active module holds the main run only after Stop (${fmt(after)})`);
  assert.ok(after.total < bound, `whole page ${(after.total / MB).toFixed(1)} MB < ${(bound / MB).toFixed(1)} MB (before + 16 MB) after Stop (${fmt(after)})`);
  // The main run goes on from where it was.
  const simT = () => page.evaluate(() => Number((/t = ([\d.]+)/.exec(document.querySelector('.status-line').textContent) || [])[1]));
  const t0 = await simT();
  await page.waitForFunction((t) => Number((/t = ([\d.]+)/.exec(document.querySelector('.status-line').textContent) || [])[1]) > t, t0, { timeout: 15000 });
  assert.deepEqual(problems, []);
  await context.close();
});
