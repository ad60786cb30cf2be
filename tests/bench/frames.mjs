// `make frames` (not part of `make test`): where a frame's time goes at N = 2048 in every engine,
// for this build and, optionally, an earlier one (`SASI_DIST_BEFORE=<dir of a built dist>`),
// interleaved in one run so both see the same machine. A probe loaded before the app's scripts
// wraps `requestAnimationFrame` (the time inside each frame callback: our kernels, drawing and
// DOM updates) and the 2D-context calls (the canvas part of it), and the gaps between frames
// give the frame time; this build also shows its own frame budget, read from the page.
// BROWSER=chromium|firefox|webkit|all (default all), ROUNDS (2), SECONDS per sample (6);
// QUERY the page's settings, or QUERIES several separated by `|`, interleaved in each round
// (e.g. `?n=4096&threads=1|?n=4096&threads=2`: the main thread's frame with and without threads).
// Writes target/bench/frames.json.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_SOURCE, REPO, DIST, engineList, engineMissing, launch, waitRunning, sleep } from '../e2e/engines.mjs';
import { startServer } from '../e2e/server.mjs';

const ENGINES = engineList(process.env.BROWSER || 'all');
const ROUNDS = Number(process.env.ROUNDS || 2);
const SECONDS = Number(process.env.SECONDS || 6);
const QUERIES = (process.env.QUERIES || process.env.QUERY || '?n=2048&agents=64&steps=4&tier=simd').split('|');
const builds = { after: DIST };
if (process.env.SASI_DIST_BEFORE) builds.before = process.env.SASI_DIST_BEFORE;
for (const [name, root] of Object.entries(builds)) {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${name}: ${root}/index.html is missing`);
}

const FRAME_PROBE = `(() => {
  const f = { gaps: [], cb: [], canvas: 0, canvasCalls: 0, last: 0 };
  const now = () => performance.now();
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => {
    if (f.last) f.gaps.push(t - f.last);
    f.last = t;
    const t0 = now();
    try { cb(t); } finally { f.cb.push(now() - t0); }
  });
  const P = CanvasRenderingContext2D.prototype;
  for (const m of ['putImageData', 'drawImage', 'fillRect', 'clearRect', 'stroke', 'fill', 'fillText', 'getImageData']) {
    const orig = P[m];
    if (typeof orig !== 'function') continue;
    P[m] = function (...a) { const t0 = now(); try { return orig.apply(this, a); } finally { f.canvas += now() - t0; f.canvasCalls++; } };
  }
  globalThis.__frames = f;
})();`;

const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : NaN; };
const servers = {};
for (const [name, root] of Object.entries(builds)) servers[name] = await startServer({ root, probe: PROBE_SOURCE + '\n' + FRAME_PROBE });
const out = [];
try {
  for (const engineName of ENGINES) {
    const missing = engineMissing(engineName);
    if (missing) { console.error(`${engineName}: ${missing}`); continue; }
    const engine = await launch(engineName);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const [build, query] of Object.keys(builds).flatMap((b) => QUERIES.map((q) => [b, q]))) {
          const page = await engine.newPage();
          try {
            await page.goto(`${servers[build].url}/${query}`);
            await waitRunning(page, 60000);
            await sleep(3000);
            await page.evaluate(() => { const f = globalThis.__frames; f.gaps.length = 0; f.cb.length = 0; f.canvas = 0; f.canvasCalls = 0; });
            await sleep(SECONDS * 1000);
            const r = await page.evaluate(() => {
              const f = globalThis.__frames;
              const budget = Object.fromEntries([...document.querySelectorAll('[data-testid=frame-budget] [data-part]')]
                .map((el) => [el.dataset.part, Number(el.dataset.ms)]));
              return { gaps: f.gaps.slice(), cb: f.cb.slice(), canvas: f.canvas, frames: f.cb.length, budget,
                fps: Number(document.querySelector('[data-testid=fps]').textContent) };
            });
            const row = {
              engine: engine.label, build, query, round,
              fps: r.gaps.length ? 1000 / (r.gaps.reduce((a, b) => a + b, 0) / r.gaps.length) : 0,
              frame_gap_median_ms: median(r.gaps),
              callback_median_ms: median(r.cb),
              canvas_ms_per_frame: r.frames ? r.canvas / r.frames : NaN,
              budget: r.budget,
            };
            out.push(row);
            console.error(`${engine.label} ${build} ${query} round ${round}: ${row.fps.toFixed(1)} fps, gap ${row.frame_gap_median_ms.toFixed(1)} ms, callback ${row.callback_median_ms.toFixed(2)} ms, canvas ${row.canvas_ms_per_frame.toFixed(2)} ms/frame ${JSON.stringify(r.budget)}`);
          } finally {
            await page.close().catch(() => {});
          }
        }
      }
    } finally {
      await engine.close();
    }
  }
} finally {
  for (const s of Object.values(servers)) await s.close();
}
mkdirSync(join(REPO, 'target', 'bench'), { recursive: true });
writeFileSync(join(REPO, 'target', 'bench', 'frames.json'), JSON.stringify(out, null, 2));
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
console.log(`| engine | build | fps | frame gap (median) | our frame callback (median) | canvas calls / frame | on-screen budget: kernels · mesh · raster · panel · browser+idle (ms) |`);
console.log('|---|---|--:|--:|--:|--:|---|');
for (const r of out) {
  const b = ['kernels', 'mesh', 'raster', 'page', 'other'].map((k) => f1(r.budget[k])).join(' · ');
  console.log(`| ${r.engine} | ${r.build}${QUERIES.length > 1 ? ` ${r.query}` : ''} (round ${r.round + 1}) | ${f1(r.fps)} | ${f1(r.frame_gap_median_ms)} ms | ${r.callback_median_ms.toFixed(2)} ms | ${r.canvas_ms_per_frame.toFixed(2)} ms | ${Object.keys(r.budget).length ? b : '– (not in this build)'} |`);
}
