// One page API over the three browser engines, each driven by its own standard automation:
//   chromium — Debian's Chromium through playwright-core (CDP), as the other e2e files;
//   firefox  — Debian's Firefox ESR through puppeteer-core over WebDriver BiDi;
//   webkit   — WebKitGTK's MiniBrowser through WebKitWebDriver (classic WebDriver, npm
//              selenium-webdriver), on an Xvfb display this module starts itself.
// Nothing here downloads a browser or a driver: the executables are Debian's (.ci/setup.sh).
//
// A page records problems the same way in every engine: the app's server loads a probe script
// first in every HTML page (console.error, uncaught errors and rejections, failed element
// loads, CSP violations, resource URLs outside 127.0.0.1), and where the automation has its
// own events (playwright, BiDi) those are recorded too. The server also lists every 4xx/5xx it
// sent. `problems()` is the union, filtered by the page's `allow` list.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { DIST, SHOTS } from './paths.mjs';

export { DIST, SHOTS, REPO } from './paths.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];
export const EXECUTABLES = {
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  firefox: process.env.FIREFOX || '/usr/bin/firefox-esr',
  webkitDriver: process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver',
  webkit: process.env.WEBKIT_MINIBROWSER || miniBrowser(),
};

/** Debian ships MiniBrowser with libwebkit2gtk-4.1-0 under the multiarch library directory. */
function miniBrowser() {
  const fallback = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
  try {
    for (const d of readdirSync('/usr/lib')) {
      const p = join('/usr/lib', d, 'webkit2gtk-4.1', 'MiniBrowser');
      if (existsSync(p)) return p;
    }
  } catch { /* no /usr/lib */ }
  return fallback;
}
const VIEWPORT = { width: 1400, height: 1000 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Which engines to run: `list` ("all", "firefox", "chromium,webkit"), default all three. */
export function engineList(list = 'all') {
  const names = !list || list === 'all' ? ENGINES : list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!ENGINES.includes(n)) throw new Error(`unknown engine "${n}" (one of ${ENGINES.join(', ')}, or all)`);
  return names;
}

/** Whether this machine has the engine's executables (the set-up installs them). */
export function engineMissing(name) {
  const need = name === 'webkit' ? [EXECUTABLES.webkitDriver, EXECUTABLES.webkit, '/usr/bin/Xvfb'] : [EXECUTABLES[name]];
  const missing = need.filter((p) => !existsSync(p));
  return missing.length ? `missing ${missing.join(', ')} (run .ci/setup.sh test)` : null;
}

// ---------------------------------------------------------------------------------------------
// The probe: page-side problem recording, the same in every engine. Classic script, no
// dependencies; runs before the app's own scripts.
export const PROBE_SOURCE = `(() => {
  const problems = [];
  const foreign = [];
  const say = (s) => { if (problems.length < 200) problems.push(String(s)); };
  const text = (a) => Array.from(a, (x) => (x && x.stack && x.message ? x.message : typeof x === 'string' ? x : (() => { try { return JSON.stringify(x); } catch { return String(x); } })())).join(' ');
  const err = console.error.bind(console);
  console.error = (...a) => { say('console: ' + text(a)); err(...a); };
  addEventListener('error', (e) => {
    if (e.target && e.target !== window && (e.target.src || e.target.href)) say('failed to load: ' + (e.target.src || e.target.href));
    else say('pageerror: ' + (e.message || (e.error && e.error.message) || 'error'));
  }, true);
  addEventListener('unhandledrejection', (e) => say('pageerror: unhandled rejection: ' + (e.reason && e.reason.message ? e.reason.message : String(e.reason))));
  addEventListener('securitypolicyviolation', (e) => say('csp: ' + e.violatedDirective + ' ' + e.blockedURI));
  const check = (url) => {
    try {
      const u = new URL(url, location.href);
      if (!['blob:', 'data:'].includes(u.protocol) && u.hostname !== '127.0.0.1') { foreign.push(u.href); say('request left 127.0.0.1: ' + u.href); }
    } catch {}
  };
  try {
    new PerformanceObserver((l) => l.getEntries().forEach((e) => check(e.name))).observe({ type: 'resource', buffered: true });
  } catch {}
  globalThis.__sasiProbe = { problems, foreign };
})();`;

/** The built app served on 127.0.0.1 (cross-origin isolated unless told not to), probe included. */
export async function startApp({ isolation = true, root = DIST } = {}) {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root}/index.html is missing: run \`trunk build --release --offline\` first`);
  mkdirSync(SHOTS, { recursive: true });
  return startServer({ root, isolation, probe: PROBE_SOURCE });
}

// ---------------------------------------------------------------------------------------------
// Engines. Each launch returns { name, version, newPage({ allow }), close() }.

/** Starts the named engine. */
export async function launch(name) {
  const missing = engineMissing(name);
  if (missing) throw new Error(`${name}: ${missing}`);
  if (name === 'chromium') return launchChromium();
  if (name === 'firefox') return launchFirefox();
  if (name === 'webkit') return launchWebkit();
  throw new Error(`unknown engine ${name}`);
}

/** An EnginePage over a playwright or puppeteer page: both have the same page API and events. */
function evented(name, page, context, opts) {
  const p = new EnginePage(name, opts);
  page.on('console', (m) => { if (m.type() === 'error') p.native.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => p.native.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => p.native.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => p.checkUrl(r.url()));
  p.impl = {
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    click: (sel) => page.click(sel),
    press: (key) => page.keyboard.press(key),
    screenshot: async (path) => { await page.screenshot({ path, fullPage: true }); },
    url: async () => page.url(),
    close: () => context.close(),
  };
  p.raw = page;
  return p;
}

async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: EXECUTABLES.chromium, args: CHROMIUM_ARGS });
  return {
    name: 'chromium',
    label: `Chromium ${browser.version()}`,
    version: browser.version(),
    automation: 'playwright-core (CDP)',
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
      const page = await context.newPage();
      return evented('chromium', page, context, opts);
    },
    close: () => browser.close(),
  };
}

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  // puppeteer-core never downloads a browser; it runs Debian's Firefox ESR over WebDriver BiDi.
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: EXECUTABLES.firefox,
    headless: true,
    protocolTimeout: 600000,
    extraPrefsFirefox: {
      // No update, telemetry or remote-settings traffic from the browser itself.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  return {
    name: 'firefox',
    label: `Firefox ${version}`,
    version,
    automation: 'puppeteer-core (WebDriver BiDi)',
    browser,
    async newPage(opts = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(VIEWPORT);
      return evented('firefox', page, context, opts);
    },
    close: () => browser.close(),
  };
}

const freePort = () => new Promise((ok, err) => {
  const s = netServer();
  s.once('error', err).listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => ok(port));
  });
});

/** An Xvfb display of our own (WebKitGTK needs one; a CI machine has none). */
async function startXvfb() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  xvfb.stderr.on('data', (d) => { errText += d; });
  const display = await new Promise((ok, err) => {
    let buf = '';
    const t = setTimeout(() => err(new Error(`Xvfb did not start: ${errText}`)), 15000);
    xvfb.stdio[3].on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) { clearTimeout(t); ok(`:${buf.trim()}`); }
    });
    xvfb.once('exit', (code) => { clearTimeout(t); err(new Error(`Xvfb exited (${code}): ${errText}`)); });
  });
  return { display, stop: () => stopProcess(xvfb) };
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); }, 5000);
    child.once('exit', () => { clearTimeout(t); ok(); });
    child.kill('SIGTERM');
  });
}

async function launchWebkit() {
  const { Builder, By } = await import('selenium-webdriver');
  // Our own display unless told to use the one we are on (SASI_USE_DISPLAY=1).
  const xvfb = process.env.SASI_USE_DISPLAY === '1' && process.env.DISPLAY ? null : await startXvfb();
  const display = xvfb ? xvfb.display : process.env.DISPLAY;
  const port = await freePort();
  // The driver is started here and addressed as a remote end, so selenium-webdriver never
  // looks for (or downloads) a driver of its own.
  const driverProc = spawn(EXECUTABLES.webkitDriver, [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DISPLAY: display },
  });
  let driverErr = '';
  driverProc.stderr.on('data', (d) => { driverErr = (driverErr + d).slice(-4000); });
  const server = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${server}/status`).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 100 || driverProc.exitCode !== null) throw new Error(`WebKitWebDriver did not start: ${driverErr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const caps = () => ({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: EXECUTABLES.webkit, args: ['--automation'] },
  });
  // The version: one throwaway session (also proves the driver and browser start at all).
  const first = await new Builder().usingServer(server).withCapabilities(caps()).build();
  const version = (await first.getCapabilities()).get('browserVersion');
  let spare = first;
  return {
    name: 'webkit',
    label: `WebKitGTK ${version} (MiniBrowser)`,
    version,
    automation: 'selenium-webdriver (WebKitWebDriver, classic WebDriver)',
    display,
    async newPage(opts = {}) {
      // A fresh browser session per page (the first one is reused once).
      const driver = spare || await new Builder().usingServer(server).withCapabilities(caps()).build();
      spare = null;
      await driver.manage().setTimeouts({ script: 600000, pageLoad: 60000 });
      await driver.manage().window().setRect({ x: 0, y: 0, width: VIEWPORT.width, height: VIEWPORT.height }).catch(() => {});
      const p = new EnginePage('webkit', opts);
      p.impl = {
        goto: (url) => driver.get(url),
        evaluate: (fn, arg) => driver.executeScript(`return (${fn}).call(null, arguments[0]);`, arg === undefined ? null : arg),
        click: async (sel) => (await driver.findElement(By.css(sel))).click(),
        press: async (key) => driver.actions().sendKeys(KEYS[key] ?? key).perform(),
        screenshot: async (path) => writeFileSync(path, Buffer.from(await driver.takeScreenshot(), 'base64')),
        url: () => driver.getCurrentUrl(),
        close: () => driver.quit(),
      };
      p.raw = driver;
      return p;
    },
    async close() {
      if (spare) await spare.quit().catch(() => {});
      await stopProcess(driverProc);
      if (xvfb) await xvfb.stop();
    },
  };
}
// WebDriver's key codes for the keys the app listens to.
const KEYS = { ' ': ' ', Space: ' ', ArrowRight: '\uE014', ArrowLeft: '\uE012', Escape: '\uE00C' };

// ---------------------------------------------------------------------------------------------

/** A page in some engine, with the same helpers everywhere. */
export class EnginePage {
  constructor(engine, { allow = [] } = {}) {
    this.engine = engine;
    this.allow = allow;
    this.native = [];
    this.foreign = [];
    this.probeSeen = [];
    this.impl = null;
  }

  checkUrl(url) {
    try {
      const u = new URL(url);
      if (!['blob:', 'data:'].includes(u.protocol) && u.hostname !== '127.0.0.1') {
        this.foreign.push(url);
        this.native.push(`request left 127.0.0.1: ${url}`);
      }
    } catch { /* not a URL */ }
  }

  goto(url) { return this.impl.goto(url); }

  /** Runs `fn(arg)` in the page (its source is sent; `arg` must be JSON) and returns its (awaited) result. */
  evaluate(fn, arg) { return this.impl.evaluate(fn, arg); }

  /** Polls `fn(arg)` in the page until it returns a truthy value, which is returned. */
  async waitFor(fn, arg, { timeout = 20000, interval = 100, what } = {}) {
    const until = Date.now() + timeout;
    let last;
    let lastErr;
    for (;;) {
      try {
        last = await this.impl.evaluate(fn, arg);
        if (last) return last;
      } catch (e) {
        lastErr = e;
      }
      if (Date.now() > until) {
        throw new Error(`${this.engine}: timed out after ${timeout} ms waiting for ${what || String(fn).slice(0, 200)}`
          + ` (last value ${JSON.stringify(last)}${lastErr ? `, last error ${lastErr.message}` : ''})`);
      }
      await sleep(interval);
    }
  }

  /** The text of the first element with this data-testid ('' if there is none). */
  text(testid) {
    return this.evaluate((id) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? '', testid);
  }

  /** The text of the first element matching a CSS selector. */
  textOf(selector) {
    return this.evaluate((sel) => document.querySelector(sel)?.textContent ?? '', selector);
  }

  click(selector) { return this.impl.click(selector); }

  /** Presses a key with the focus on the page body (not in a form field). */
  async press(key) {
    await this.evaluate(() => { document.activeElement?.blur?.(); });
    return this.impl.press(key);
  }

  url() { return this.impl.url(); }

  /** A full-page PNG in target/e2e/ (WebKit: the viewport, all classic WebDriver offers). */
  screenshot(name) { return this.impl.screenshot(join(SHOTS, name)); }

  /** Every problem recorded so far (native events and the page-side probe), minus the allowed ones. */
  async problems() {
    let seen = [];
    try {
      seen = await this.evaluate(() => (globalThis.__sasiProbe ? globalThis.__sasiProbe.problems.slice() : ['probe missing: the page was not served by startApp()']));
    } catch (e) {
      seen = [`could not read the probe: ${e.message}`];
    }
    const all = [...new Set([...this.native, ...seen])];
    return all.filter((p) => !this.allow.some((re) => re.test(p)));
  }

  close() { return this.impl.close(); }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Page-side helpers shared by every engine (and by helpers.mjs for the Chromium-only files).

/**
 * A canvas's pixels summarised: how many differ from its background (its most common opaque
 * colour: the corners are transparent where a canvas rounds them itself), and a hash.
 */
export function canvasStatsInPage(id) {
  const c = document.querySelector(`[data-testid=${id}]`);
  const ctx = c.getContext('2d');
  const { data } = ctx.getImageData(0, 0, c.width, c.height);
  const counts = new Map();
  for (let i = 0; i < data.length; i += 16) {
    if (data[i + 3] === 0) continue;
    const k = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  let bgKey = 0;
  let most = -1;
  for (const [k, n] of counts) if (n > most) { most = n; bgKey = k; }
  const bg = [bgKey >> 16, (bgKey >> 8) & 255, bgKey & 255];
  let differing = 0;
  let hash = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] !== 0 && (data[i] !== bg[0] || data[i + 1] !== bg[1] || data[i + 2] !== bg[2])) differing++;
    hash = (Math.imul(hash, 31) + data[i] + 3 * data[i + 1] + 7 * data[i + 2] + 11 * data[i + 3]) | 0;
  }
  return { width: c.width, height: c.height, differing, fraction: differing / (c.width * c.height), hash, background: bg };
}

/** Spike pixels on the raster: the two agent hues the raster view paints spikes in. */
export function rasterSpikesInPage() {
  const c = document.querySelector('[data-testid=raster-canvas]');
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, Math.floor(c.height * 0.78));
  let spikes = 0;
  const columns = new Set();
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if ((r === 120 && g === 220 && b === 255) || (r === 255 && g === 190 && b === 90)) {
      spikes++;
      columns.add((i / 4) % c.width);
    }
  }
  return { spikes, columns: columns.size, width: c.width };
}

export const canvasStats = (page, id) => page.evaluate(canvasStatsInPage, id);
export const rasterSpikes = (page) => page.evaluate(rasterSpikesInPage);

/** Waits until the app has loaded its tiers and the simulation runs (fps shows a number > 0). */
export function waitRunning(page, timeout = 30000) {
  return page.waitFor(() => {
    const el = document.querySelector('[data-testid=fps]');
    return el && Number(el.textContent) > 0;
  }, null, { timeout, what: 'the fps figure to show a number > 0' });
}

/** Simulated time from the status line, in seconds. */
export async function simTime(page) {
  const m = (await page.textOf('.status-line')).match(/t = ([\d.]+)/);
  return m ? Number(m[1]) : NaN;
}

/** The tier list as [{ tier, state }] in table order. */
export function tierRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('table.tiers tbody tr')].map((tr) => ({
    tier: tr.dataset.tier, state: tr.children[1].textContent.trim(), text: tr.textContent.trim(),
  })));
}
