// perf-probe for any engine: kernel modules built into several directories (e.g. two variants
// of a micro-kernel), timed against each other in one page of Chromium, Firefox or WebKit, the
// builds taking turns round by round (kernels/js/test/perf-probe.mjs does the same in Node).
// Not a test and not part of `make bench`: a tool for deciding between variants per engine.
//   bash kernels/build-modules.sh /tmp/k-a   (one variant; then the other into /tmp/k-b)
//   cd tests && node bench/engine-probe.mjs firefox simd dense_batch:2048 5 /tmp/k-a /tmp/k-b
// Prints each case's per-round medians per directory (the directory's last path component).
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../e2e/engines.mjs';
import { startServer } from '../e2e/server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const [engineName = 'chromium', tier = 'simd', filter = '', rounds = '5', ...dirs] = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: engine-probe.mjs ENGINE TIER CASE-PREFIX ROUNDS DIR...');
  process.exit(2);
}
const names = dirs.map((d) => basename(resolve(d)));
const mounts = { '/kernels-js/': join(HERE, '..', '..', 'kernels', 'js') };
dirs.forEach((d, i) => { mounts[`/${names[i]}/`] = resolve(d); });
const server = await startServer({ root: join(HERE, 'probe-page'), mounts });
const engine = await launch(engineName);
try {
  const page = await engine.newPage();
  await page.goto(`${server.url}/index.html`);
  await page.waitFor(() => typeof globalThis.runProbe === 'function', null, { timeout: 30000, what: 'the probe page' });
  await page.evaluate((a) => {
    globalThis.__probe = null;
    globalThis.runProbe(a.names, a.tier, a.filter, a.rounds)
      .then((v) => { globalThis.__probe = { v }; }, (e) => { globalThis.__probe = { e: String(e?.message || e) }; });
    return true;
  }, { names, tier, filter, rounds: Number(rounds) });
  const r = await page.waitFor(() => globalThis.__probe, null, { timeout: 3600000, interval: 500, what: 'the probe to finish' });
  if (r.e) throw new Error(r.e);
  console.log(`${engine.label} · ${tier} tier · ${rounds} rounds, median µs per round:`);
  for (const row of r.v) console.log(`${row.case}  ${Object.entries(row.us).map(([k, v]) => `${k}: ${v.map((x) => x.toFixed(1)).join(' / ')}`).join('   ')}`);
} finally {
  await engine.close();
  await server.close();
}
