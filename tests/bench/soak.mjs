// `make soak` (not part of `make test`): five minutes of animation with a tier switch every
// 10 s and a quick benchmark in the middle. Samples the JS heap, every wasm memory and the
// frame times; fails if memory keeps growing. Writes target/soak/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, open, waitRunning, REPO } from '../e2e/helpers.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS || 300);
const env = await setup();
let report;
try {
  const { page, context, problems } = await open(env, '/?n=2048&agents=64');
  await waitRunning(page);
  // Frame times from the page's own animation frames.
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const memory = () => page.evaluate(() => ({
    t: performance.now() / 1000,
    heap: performance.memory ? performance.memory.usedJSHeapSize : null,
    wasm: Number(document.querySelector('[data-testid=memory-all-tiers]').dataset.bytes),
    in_use: Number(document.querySelector('[data-testid=memory-in-use]').dataset.bytes),
  }));
  const tiers = ['js', 'scalar', 'relaxed', 'simd'];
  const samples = [];
  const start = Date.now();
  let k = 0;
  let benched = false;
  while (Date.now() - start < SECONDS * 1000) {
    await page.waitForTimeout(10000);
    await page.selectOption('[data-testid=tier-select]', tiers[k++ % tiers.length]);
    if (!benched && Date.now() - start > (SECONDS * 1000) / 2) {
      benched = true;
      await page.click('[data-testid=bench-run]');
    }
    const s = await memory();
    samples.push(s);
    console.error(`t=${((Date.now() - start) / 1000).toFixed(0)}s heap=${(s.heap / 1e6).toFixed(1)}MB wasm=${(s.wasm / 1e6).toFixed(1)}MB in use=${(s.in_use / 1e6).toFixed(1)}MB`);
  }
  const frames = await page.evaluate(() => window.__frames.slice(10));
  frames.sort((a, b) => a - b);
  const p99 = frames[Math.floor(frames.length * 0.99)];
  const total = samples.map((s) => (s.heap || 0) + s.wasm);
  const third = Math.max(1, Math.floor(total.length / 3));
  const midPeak = Math.max(...total.slice(0, total.length - third));
  const lastThird = total.slice(total.length - third);
  // Levelled off: the last third never exceeds the earlier peak by more than 10 %.
  const grows = Math.max(...lastThird) > midPeak * 1.1;
  report = {
    seconds: SECONDS,
    start_bytes: total[0], peak_bytes: Math.max(...total), end_bytes: total[total.length - 1],
    in_use_start: samples[0].in_use, in_use_peak: Math.max(...samples.map((x) => x.in_use)), in_use_end: samples.at(-1).in_use,
    heap_start: samples[0].heap, heap_end: samples.at(-1).heap, wasm_start: samples[0].wasm, wasm_end: samples.at(-1).wasm,
    frame_ms_p99: p99, frame_ms_median: frames[Math.floor(frames.length / 2)], frames: frames.length,
    levelled_off: !grows, problems, samples,
  };
  await context.close();
} finally {
  await env.close();
}
mkdirSync(join(REPO, 'target', 'soak'), { recursive: true });
writeFileSync(join(REPO, 'target', 'soak', 'latest.json'), JSON.stringify(report, null, 2));
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
console.log(`soak ${report.seconds}s: memory start ${mb(report.start_bytes)}, peak ${mb(report.peak_bytes)}, end ${mb(report.end_bytes)}; frame time p99 ${report.frame_ms_p99.toFixed(1)} ms (median ${report.frame_ms_median.toFixed(1)} ms); ${report.problems.length} page problems`);
if (!report.levelled_off || report.problems.length) {
  console.log('FAIL: memory kept growing or the page reported errors');
  process.exit(1);
}
console.log('PASS: memory levelled off');
