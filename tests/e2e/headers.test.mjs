// Security headers: every response of the e2e server (and of `make serve`, whose Trunk.toml
// [serve.headers] must say the same) carries the Content-Security-Policy with frame-ancestors
// 'none', X-Content-Type-Options: nosniff and the cross-origin isolation headers; and the app
// runs under that policy with no violation — the page, its wasm, the JS tier (a dynamic import)
// and the benchmark worker, which takes the policy from its own response header (a <meta> CSP
// does not reach a worker, so this is where 'wasm-unsafe-eval' in the header matters).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, open, waitRunning, REPO, DIST } from './helpers.mjs';
import { CSP, SECURITY_HEADERS, ISOLATION_HEADERS, startServer } from './server.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const ALL = { ...ISOLATION_HEADERS, ...SECURITY_HEADERS };
const directives = (csp) => new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
  const [name, ...sources] = d.split(/\s+/);
  return [name, sources];
}));

test('the policy: only this origin, wasm but no eval or inline script, nothing may frame the page', () => {
  const d = directives(CSP);
  assert.deepEqual(d.get('default-src'), ["'self'"]);
  assert.deepEqual(d.get('script-src'), ["'self'", "'wasm-unsafe-eval'"], 'no unsafe-eval, no unsafe-inline, no other host');
  // 'self' covers the service worker (sw.js, src/offline/sw.js) as well as the page's workers.
  assert.deepEqual(d.get('worker-src'), ["'self'"]);
  assert.deepEqual(d.get('connect-src'), ["'self'"]);
  assert.deepEqual(d.get('object-src'), ["'none'"]);
  assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
  // The header policy is the page's <meta> policy plus frame-ancestors (a <meta> cannot carry it).
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(meta, 'dist/index.html has its <meta> CSP');
  const m = directives(meta[1]);
  for (const [name, sources] of m) assert.deepEqual(d.get(name), sources, `${name} as in the <meta> policy`);
  assert.deepEqual([...d.keys()].filter((k) => !m.has(k)), ['frame-ancestors']);
  // Trunk injects no inline script (Trunk.toml: inject_scripts = false): none in the built page.
  // boot.js is relative to the page (the app runs under a sub-path too).
  assert.doesNotMatch(html.replace(/<script type="module" src="boot\.js"><\/script>/, ''), /<script/);
});

test('make serve (Trunk.toml [serve.headers]) sends exactly the e2e server\'s headers', () => {
  const toml = readFileSync(join(REPO, 'Trunk.toml'), 'utf8');
  const section = toml.split(/^\[serve\.headers\]\s*$/m)[1]?.split(/^\[/m)[0];
  assert.ok(section, 'Trunk.toml has [serve.headers]');
  const headers = Object.fromEntries([...section.matchAll(/^"([^"]+)"\s*=\s*"([^"]*)"\s*$/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual(headers, ALL);
});

test('index.html, wasm, JS, the worker script and a 404 all carry the headers', async () => {
  const cases = [
    ['/', 'text/html'],
    ['/index.html', 'text/html'],
    ['/?tier=js&debug=on', 'text/html'],
    ['/sasi-lab_bg.wasm', 'application/wasm'],
    ['/kernels/kernels-simd.wasm', 'application/wasm'],
    ['/kernels/kernels-scalar.wasm', 'application/wasm'],
    ['/boot.js', 'text/javascript'],
    ['/sasi-lab.js', 'text/javascript'],
    ['/js/tier/abi.js', 'text/javascript'],
    ['/js/bench/bench-worker.js', 'text/javascript'],
    ['/main.css', 'text/css'],
    ['/missing.wasm', 'text/plain', 404],
  ];
  for (const [path, type, status = 200] of cases) {
    const r = await fetch(env.server.url + path);
    await r.arrayBuffer();
    assert.equal(r.status, status, path);
    // nosniff makes the Content-Type binding: scripts must say JavaScript, wasm application/wasm.
    assert.ok(r.headers.get('content-type').startsWith(type), `${path}: ${r.headers.get('content-type')}`);
    for (const [k, v] of Object.entries(ALL)) assert.equal(r.headers.get(k), v, `${path}: ${k}`);
  }
});

test('the app runs under the header policy with no violation, benchmark worker included', async () => {
  const { page, context, problems } = await open(env, '/', {
    init: () => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    },
  });
  await waitRunning(page);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  // Every tier, the JS tier (a dynamic import of /js/tier/abi.js) included, loaded and runs.
  for (const key of ['1', '2', '3', '4', '3']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(300);
  }
  await waitRunning(page);
  const rows = await page.locator('table.tiers tr[data-tier]').allTextContents();
  assert.ok(rows.length === 4 && rows.every((t) => !/unavailable/.test(t)), rows.join(' | '));
  // The worker loads the JS tier and the three modules itself, under its own response's CSP.
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench-status]').textContent.includes('finished'), null, { timeout: 90000 });
  const cells = await page.locator('[data-testid=bench-table] td[data-tier]').evaluateAll((tds) =>
    tds.map((td) => ({ tier: td.dataset.tier, ns: Number(td.dataset.medianNs), error: td.querySelector('[data-testid=bench-error]')?.dataset.error })));
  for (const tier of ['js', 'scalar', 'simd']) {
    const mine = cells.filter((c) => c.tier === tier);
    assert.ok(mine.length > 0 && mine.every((c) => c.ns > 0 && !c.error), `${tier} ran in the worker: ${JSON.stringify(mine.slice(0, 3))}`);
  }
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no securitypolicyviolation event');
  assert.deepEqual(problems.filter((p) => /Content Security Policy|Refused to/i.test(p)), [], 'no CSP message in the console');
  assert.deepEqual(problems, []);
  await context.close();
});

test('another origin cannot frame the page (frame-ancestors \'none\')', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sasi-frame-'));
  // A different port is a different origin; this page has no policy of its own.
  writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html><iframe id="f" src="${env.server.url}/"></iframe>`);
  const framer = await startServer({ root: dir, isolation: false, security: false });
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 15000 });
    await page.goto(`${framer.url}/index.html`);
    const msg = await refused;
    assert.match(msg.text(), /frame-ancestors 'none'/);
    // The frame never gets the app: it shows Chromium's error page, not SASI Lab.
    const child = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(child, 'the iframe exists');
    assert.doesNotMatch(await child.title().catch(() => ''), /SASI Lab/);
  } finally {
    await context.close();
    await framer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
