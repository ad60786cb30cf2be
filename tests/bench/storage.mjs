// `cd tests && node bench/storage.mjs [chromium,firefox]`: issue 30's goals, measured per engine
// (not a test, not part of `make bench`; figures for the README and the closing note):
// 1. one step of the app's run (LIF + STDP, bench.js `liveStepCase`) at N = 4096 with f32 and with
//    bf16 weights, in every tier, the two storages taking turns for ROUNDS rounds (the ratio of
//    their medians, and SIMD ÷ JS in each storage);
// 2. the live page at N = 8192 with bf16 weights in the SIMD tier: frames per second and the
//    page's memory, as its panel shows them;
// 3. "Largest N at 60 fps" (the page's sweep) with f32 and with bf16 weights.
// Writes target/bench/storage-<engine>.json. Run it with nothing else running.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, engineList, launch, startApp, waitRunning, sleep } from '../e2e/engines.mjs';
import { runHarness } from './harness.mjs';

const ROUNDS = Number(process.env.ROUNDS || 5);
// PARTS=step,live,sweep (default all three): which of the three to run.
const PARTS = new Set((process.env.PARTS || 'step,live,sweep').split(','));
const N = Number(process.env.N || 4096);
const log = (...a) => console.log(...a);
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function engineRun(name) {
  const engine = await launch(name);
  const app = await startApp();
  const out = { engine: name, label: engine.label, cpu: readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1], rounds: ROUNDS, n: N };
  try {
    // 1. One step at N in both storages, the storages taking turns round by round.
    if (PARTS.has('step')) await stepPart(engine, app, out);
    if (PARTS.has('live')) await livePart(engine, app, out);
    if (PARTS.has('sweep')) await sweepPart(engine, app, out);
  } finally {
    await engine.close();
    await app.close();
  }
  return out;
}

async function stepPart(engine, app, out) {
  const name = engine.name ?? out.engine;
  {
    const page = await engine.newPage();
    await page.goto(`${app.url}/`);
    await waitRunning(page, 60000);
    await page.click('[data-testid=play-pause]');
    const samples = {};
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? ['bf16', 'f32'] : ['f32', 'bf16'];
      for (const w of order) {
        const done = await runHarness(page, `live:${N}:${w},lif:${N}:${w},stdp:${N}:${w}`);
        if (done.type !== 'done') throw new Error(`benchmark: ${done.message}`);
        for (const row of done.rows) {
          const part = row.kernel.startsWith('live_step') ? '' : `${row.kernel.replace(/_bf16$/, '')} `;
          (samples[`${part}${w} ${row.tier}`] ??= []).push(row.median_ns);
          if (!row.agrees) log(`  ${w} ${row.tier}: ${row.error || 'disagrees with the JS tier'}`);
        }
        log(`  round ${r + 1} ${w}: ${done.rows.map((q) => `${q.kernel} ${q.tier} ${(q.median_ns / 1e6).toFixed(3)} ms`).join(', ')}`);
      }
    }
    await page.close();
    out.step_samples_ns = samples;
    out.step_ms = {};
    for (const tier of ['js', 'scalar', 'simd', 'relaxed']) {
      const f = median(samples[`f32 ${tier}`] ?? []), h = median(samples[`bf16 ${tier}`] ?? []);
      if (f === null || h === null) continue;
      out.step_ms[tier] = { f32: f / 1e6, bf16: h / 1e6, bf16_over_f32: h / f };
    }
    // The step's two kernels apart (each timed back to back: LIF from the same run's spikes,
    // STDP for a typical step's spikes).
    out.kernels_ms = {};
    for (const k of ['lif_step', 'stdp']) {
      for (const tier of ['js', 'scalar', 'simd', 'relaxed']) {
        const f = median(samples[`${k} f32 ${tier}`] ?? []), h = median(samples[`${k} bf16 ${tier}`] ?? []);
        if (f !== null && h !== null) (out.kernels_ms[k] ??= {})[tier] = { f32: f / 1e6, bf16: h / 1e6, bf16_over_f32: h / f };
      }
    }
    const sj = (w) => out.step_ms.js && out.step_ms.simd ? out.step_ms.js[w] / out.step_ms.simd[w] : null;
    out.simd_over_js = { f32: sj('f32'), bf16: sj('bf16') };
    log(`${name}: one step at N = ${N} (LIF + STDP), median of ${ROUNDS} rounds:`);
    for (const [t, v] of Object.entries(out.step_ms)) log(`  ${t}: f32 ${v.f32.toFixed(3)} ms, bf16 ${v.bf16.toFixed(3)} ms, bf16/f32 ${v.bf16_over_f32.toFixed(2)}`);
    for (const [k, v] of Object.entries(out.kernels_ms)) log(`  ${k} alone: ${Object.entries(v).map(([t, x]) => `${t} ${x.f32.toFixed(3)} → ${x.bf16.toFixed(3)} ms (${x.bf16_over_f32.toFixed(2)})`).join(', ')}`);
    log(`  SIMD speed-up over JS: f32 ${out.simd_over_js.f32?.toFixed(2)}×, bf16 ${out.simd_over_js.bf16?.toFixed(2)}×`);
  }
}

/** 2. The live page at N = 8192, bf16, SIMD. */
async function livePart(engine, app, out) {
  {
    const live = await engine.newPage();
    await live.goto(`${app.url}/?n=8192&weights=bf16&tier=simd&steps=4&agents=64&seed=7`);
    await waitRunning(live, 120000);
    await sleep(8000);
    const sample = () => live.evaluate(() => ({
      fps: Number(document.querySelector('[data-testid=fps]').textContent),
      sim_ms: Number(document.querySelector('[data-testid=sim-ms]').textContent),
      memory: document.querySelector('tr[data-target="Runtime memory"] td[data-label=measured]')?.textContent,
      goal: document.querySelector('tr[data-target="Runtime memory"] td[data-label=goal]')?.textContent,
    }));
    const a = await sample();
    await sleep(3000);
    const b = await sample();
    out.n8192 = { fps: (a.fps + b.fps) / 2, sim_ms: (a.sim_ms + b.sim_ms) / 2, memory: b.memory, memory_goal: b.goal };
    log(`  N = 8192 bf16 SIMD live: ${out.n8192.fps.toFixed(1)} fps, ${out.n8192.sim_ms} ms in kernels, memory ${b.memory} (${b.goal})`);
    await live.close();
  }
}

/** 3. The sweep in both storages. */
async function sweepPart(engine, app, out) {
  {
    out.sweep = {};
    for (const w of ['f32', 'bf16']) {
      const p = await engine.newPage();
      await p.goto(`${app.url}/?sweep=on&weights=${w}&tier=simd&n=1024`);
      await waitRunning(p, 60000);
      await p.waitFor(() => document.querySelector('[data-testid=sweep]')?.dataset.finished === 'true', null, { timeout: 180000, interval: 1000, what: 'the sweep to finish' });
      out.sweep[w] = await p.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid=sweep-bar]')].map((el) => [el.dataset.tier, Number(el.dataset.n)])));
      log(`  largest N at 60 fps, ${w}: ${JSON.stringify(out.sweep[w])}`);
      await p.close();
    }
    if (out.sweep.f32.simd) out.sweep.simd_bf16_over_f32 = out.sweep.bf16.simd / out.sweep.f32.simd;
  }
}

const dir = join(REPO, 'target', 'bench');
mkdirSync(dir, { recursive: true });
for (const name of engineList(process.argv[2] || 'chromium,firefox')) {
  const r = await engineRun(name);
  writeFileSync(join(dir, `storage-${name}.json`), JSON.stringify(r, null, 2));
  log(`wrote target/bench/storage-${name}.json`);
}
