// Shared e2e plumbing: Debian's Chromium through playwright-core, the built app served on
// 127.0.0.1 with cross-origin isolation, and a page that records every console error, page
// error, failed request and any request that leaves 127.0.0.1.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { DIST, SHOTS } from './paths.mjs';
import { canvasStatsInPage } from './engines.mjs';

export { REPO, DIST, SHOTS } from './paths.mjs';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export async function setup({ isolation = true } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: run \`trunk build --release --offline\` first`);
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServer({ root: DIST, isolation });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens `path` and records problems; `allow` filters expected console errors. */
export async function open(env, path = '/', { allow = [], route, init, scale = 1 } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: scale, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems = [];
  const foreign = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!allow.some((re) => re.test(r.url()))) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['blob:', 'data:'].includes(u.protocol) && u.hostname !== '127.0.0.1') {
      foreign.push(r.url());
      problems.push(`request left 127.0.0.1: ${r.url()}`);
    }
  });
  if (route) await route(page);
  await page.goto(env.server.url + path);
  return { page, context, problems, foreign };
}

/** Waits until the app has loaded its tiers and the simulation runs (fps shows a number > 0). */
export async function waitRunning(page, timeout = 20000) {
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=fps]');
    return el && Number(el.textContent) > 0;
  }, null, { timeout });
}

/** A canvas's pixels summarised: how many differ from the corner colour, and a hash. */
export const canvasStats = (page, testid) => page.evaluate(canvasStatsInPage, testid);

/** A count as the page prints it (`targets::fmt_count`: "812", "5.5 k", "1.20 M"), as a number. */
export function parseCount(s) {
  const m = /([\d.]+)\s*([kMG]?)/.exec(s || '');
  return m ? Number(m[1]) * ({ '': 1, k: 1e3, M: 1e6, G: 1e9 })[m[2]] : NaN;
}

/** Sets the N slider as a user's drag ends: its value, then the `change` the app listens to (a Reset). */
export const setN = (page, n) => page.$eval('[data-testid=n]', (el, v) => {
  el.value = String(v);
  el.dispatchEvent(new Event('change', { bubbles: true }));
}, n);

export const text = (page, testid) => page.locator(`[data-testid=${testid}]`).first().textContent();
export const shot = (page, name) => page.screenshot({ path: join(SHOTS, name), fullPage: true });
