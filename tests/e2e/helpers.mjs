// Shared e2e plumbing: Debian's Chromium through playwright-core, the built app served on
// 127.0.0.1 with cross-origin isolation, and a page that records every console error, page
// error, failed request and any request that leaves 127.0.0.1.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { startServer } from './server.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = process.env.SASI_DIST || join(REPO, 'dist');
export const SHOTS = join(REPO, 'target', 'e2e');

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
export async function canvasStats(page, testid) {
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid=${id}]`);
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const bg = [data[0], data[1], data[2]];
    let differing = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== bg[0] || data[i + 1] !== bg[1] || data[i + 2] !== bg[2]) differing++;
      hash = (Math.imul(hash, 31) + data[i] + 3 * data[i + 1] + 7 * data[i + 2]) | 0;
    }
    return { width: c.width, height: c.height, differing, fraction: differing / (c.width * c.height), hash };
  }, testid);
}

export const text = (page, testid) => page.locator(`[data-testid=${testid}]`).first().textContent();
export const shot = (page, name) => page.screenshot({ path: join(SHOTS, name), fullPage: true });
