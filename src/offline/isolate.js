// Cross-origin isolation where the host cannot send COOP/COEP (GitHub Pages, any plain static
// server), and the app offline after the first visit: registers the service worker (sw.js,
// beside this file; src/offline/sw.js), reloads the page at most once so that the worker's
// headers take effect, and tells the user when a new version of the app is ready.
//
// When isolation still fails (no service workers: Firefox's private mode, an http:// address
// other than localhost; or the browser ignores the worker's headers), the app runs as on any
// page without isolation, with the coarse timer, and a notice says so.

/** The service worker and its scope: the app's root, wherever it is served from. */
const SW_URL = new URL('sw.js', import.meta.url).href;
const SCOPE = new URL('./', import.meta.url).href;
/** Set in this tab's sessionStorage just before the one reload; cleared once isolated. A page
 *  that finds it and is still not isolated has had its reload and does not reload again. */
const RELOAD_MARK = 'sasi-lab:isolation-reload';
/** How many times this tab has reloaded for isolation (kept, for the tests and diagnosis). */
const RELOAD_COUNT = 'sasi-lab:isolation-reloads';
/** How long a first visit waits for the worker to install (it caches the whole app, a few MB,
 *  which the reload then reads from the cache) before the app starts without isolation. */
const CONTROL_TIMEOUT_MS = 20000;

/** What happened, for the tests (`window.__sasiIsolation`) and for the notice. */
const state = { outcome: null, reason: null, reloads: readCount() };
globalThis.__sasiIsolation = state;

function readCount() {
  try {
    return Number(sessionStorage.getItem(RELOAD_COUNT)) || 0;
  } catch {
    return 0;
  }
}

function readMark() {
  try {
    return sessionStorage.getItem(RELOAD_MARK);
  } catch {
    return null;
  }
}

/** Sets the mark; false when this tab cannot store it (then it never reloads: no loop guard). */
function setMark() {
  try {
    sessionStorage.setItem(RELOAD_MARK, String(Date.now()));
    sessionStorage.setItem(RELOAD_COUNT, String(state.reloads + 1));
    return sessionStorage.getItem(RELOAD_MARK) !== null;
  } catch {
    return false;
  }
}

function clearMark() {
  try {
    sessionStorage.removeItem(RELOAD_MARK);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** A notice above the app (it mounts after it), with an optional button. */
function notice(testid, text, button = null) {
  document.querySelector(`[data-testid=${testid}]`)?.remove();
  const box = document.createElement('div');
  box.className = 'boot-notice';
  box.setAttribute('data-testid', testid);
  box.setAttribute('role', 'status');
  const msg = document.createElement('span');
  msg.textContent = text;
  box.append(msg);
  if (button) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = button.label;
    b.setAttribute('data-testid', `${testid}-button`);
    b.addEventListener('click', button.onClick);
    box.append(b);
  }
  document.body.prepend(box);
}

function notIsolated(reason) {
  state.outcome = 'not-isolated';
  state.reason = reason;
  notice('isolation-notice', `Not cross-origin isolated: ${reason}. SASI Lab runs with the browser's coarse timer `
    + '(its resolution is in the performance panel), so short timings are less precise.');
}

/** Resolves once a service worker controls this page, or rejects after `ms`. */
function controlled(sw, ms) {
  if (sw.controller) return Promise.resolve();
  return new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`the service worker did not take over within ${ms / 1000} s`)), ms);
    sw.addEventListener('controllerchange', () => { clearTimeout(t); ok(); }, { once: true });
  });
}

/** Shows the "new version ready" notice when `reg` has a new build installed and waiting. */
function watchForUpdates(sw, reg) {
  const offer = () => {
    const waiting = reg.waiting;
    if (!waiting || !sw.controller) return;
    notice('update-notice', 'A new version of SASI Lab is ready.', {
      label: 'Reload to update',
      onClick: () => {
        // The new worker takes over, then the page reloads on it (once).
        sw.addEventListener('controllerchange', () => location.reload(), { once: true });
        waiting.postMessage({ type: 'skip-waiting' });
      },
    });
  };
  // A new build may be waiting already, be installing already (the browser's own check after
  // the navigation can start before this runs), or be found later.
  const track = (installing) => installing?.addEventListener('statechange', () => {
    if (installing.state === 'installed') offer();
  });
  offer();
  track(reg.installing);
  reg.addEventListener('updatefound', () => track(reg.installing));
}

/** Registers the worker (a no-op when it is registered already), watches for a new build and
 *  looks for one now, on every start (one request for sw.js): browsers do on their own after a
 *  navigation, but late (Chromium defers it), and a demo is often one long visit. Offline the
 *  look fails, which only means there is nothing new to fetch. */
async function register(sw) {
  const reg = await sw.register(SW_URL, { scope: SCOPE });
  watchForUpdates(sw, reg);
  if (sw.controller) reg.update().catch(() => {});
  return reg;
}

/**
 * Makes the page cross-origin isolated if it can. Resolves to 'reloading' when it has reloaded
 * the page (the caller stops there), else to what it found: 'isolated', 'not-isolated' or
 * 'development' (the host isolates the page on a loopback address: `make serve` and the e2e
 * server, where no worker is registered, so a rebuild shows at once and nothing is cached).
 */
export async function isolate() {
  const isolated = globalThis.crossOriginIsolated === true;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);
  const sw = navigator.serviceWorker;
  // Isolated on a loopback address with no worker in control: the host sent the headers.
  if (isolated && loopback && !sw?.controller) {
    state.outcome = 'development';
    return state.outcome;
  }
  if (!sw) {
    if (isolated) return (state.outcome = 'isolated');
    notIsolated(isSecureContext
      ? 'this browser gives this page no service worker (private mode?), and the host sends no isolation headers'
      : 'the page is not on https://, so no service worker can add the isolation headers');
    return state.outcome;
  }
  if (isolated) {
    // Nothing to wait for: the app starts now, while the worker is registered (offline use on
    // hosts that send the headers) and a new build looked for. Awaited, it held an offline
    // start 2.5 s in Chromium (register() settled only then, presumably queued behind the
    // browser's own update check, which waits for the network to fail).
    clearMark();
    register(sw).catch(() => {});
    return (state.outcome = 'isolated');
  }
  let reg;
  try {
    reg = await register(sw);
  } catch (e) {
    notIsolated(`the service worker could not be registered (${e?.message ?? e})`);
    return state.outcome;
  }
  const mark = readMark();
  if (mark !== null) {
    // This tab has had its one reload and is still not isolated: never reload again.
    clearMark();
    notIsolated(sw.controller
      ? 'the service worker answered, but this browser did not apply its isolation headers'
      : 'the page was loaded past the service worker (a hard reload?)');
    return state.outcome;
  }
  // A worker already active but not in control: the page was loaded past it (a hard reload);
  // a plain reload is answered by it. Otherwise (the first visit) it installs now, caching the
  // app, and takes over when done (clients.claim in sw.js).
  if (!sw.controller && !reg.active) {
    const status = document.querySelector('[data-testid=boot-status]');
    if (status) status.textContent = 'Loading SASI Lab… (keeping a copy for offline use; the page reloads once)';
    try {
      await controlled(sw, CONTROL_TIMEOUT_MS);
    } catch (e) {
      notIsolated(e.message);
      return state.outcome;
    }
  }
  if (!setMark()) {
    notIsolated('this tab cannot store the one-reload guard (storage blocked), so it does not reload');
    return state.outcome;
  }
  location.reload();
  return 'reloading';
}
