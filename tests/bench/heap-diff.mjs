// Where does the page's JS heap grow? (`cd tests && node bench/heap-diff.mjs`; not part of
// `make test`.) Runs the app in Chromium at N = 1024 (or N=…) switching tier every 10 s (and, with
// NCHANGE=1, changing N between N and 2048 every 40 s, each a Reset), takes a heap snapshot
// after a forced full collection at t ≈ 60 s and again GAP seconds later (240 by default),
// both in the SIMD tier (with BENCH=1, a quick benchmark runs between them), and prints the
// 40 node kinds that grew most: bytes, count, kind.
import { setup, open, waitRunning, setN } from '../e2e/helpers.mjs';

const GAP_S = Number(process.env.GAP || 240);
const N = Number(process.env.N || 1024);
const TIERS = ['js', 'scalar', 'relaxed', 'simd'];

const env = await setup();
try {
  const { page, context } = await open(env, `/?n=${N}&agents=64`);
  await waitRunning(page);
  const cdp = await context.newCDPSession(page);
  let k = 0, resets = 0;
  const nextTier = () => page.selectOption('[data-testid=tier-select]', TIERS[k++ % TIERS.length]);
  const run = async (seconds) => {
    for (let t = 0; t < seconds; t += 10) {
      await page.waitForTimeout(10000);
      await nextTier();
      if (process.env.NCHANGE && t % 40 === 30) {
        await setN(page, ++resets % 2 ? 2048 : N);
        await page.waitForTimeout(3000);
      }
    }
  };
  // Aggregated snapshot: "type:name" → [count, self bytes].
  const snapshot = async () => {
    while (TIERS[(k + TIERS.length - 1) % TIERS.length] !== 'simd') await nextTier();
    await page.waitForTimeout(3000);
    await cdp.send('HeapProfiler.collectGarbage');
    const chunks = [];
    const onChunk = (e) => chunks.push(e.chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    const s = JSON.parse(chunks.join(''));
    const fields = s.snapshot.meta.node_fields, types = s.snapshot.meta.node_types[0];
    const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
    const kinds = new Map();
    for (let i = 0; i < s.nodes.length; i += fields.length) {
      const key = `${types[s.nodes[i + iType]]}:${String(s.strings[s.nodes[i + iName]]).slice(0, 80)}`;
      const a = kinds.get(key) || [0, 0];
      a[0]++;
      a[1] += s.nodes[i + iSize];
      kinds.set(key, a);
    }
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize);
    console.log(`t = ${(performance.now() / 1000).toFixed(0)} s: JS heap ${(heap / 2 ** 20).toFixed(2)} MB after a full collection`);
    return kinds;
  };
  await run(60);
  const before = await snapshot();
  if (process.env.BENCH) {
    await page.click('[data-testid=bench-run]');
    await page.waitForFunction(() => /finished|failed|cancelled/.test(document.querySelector('[data-testid=bench-status]').textContent), null, { timeout: 300000, polling: 1000 });
  }
  await run(GAP_S);
  const after = await snapshot();
  const grew = [...after].map(([key, [n, bytes]]) => {
    const [n0, b0] = before.get(key) || [0, 0];
    return [key, n - n0, bytes - b0];
  }).sort((a, b) => b[2] - a[2]);
  console.log('bytes\tcount\tkind');
  for (const [key, n, bytes] of grew.slice(0, 40)) console.log(`${bytes}\t${n}\t${key}`);
  await context.close();
} finally {
  await env.close();
}
