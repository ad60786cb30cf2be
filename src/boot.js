// Starts the app. A file rather than Trunk's injected inline script, so the page's
// Content-Security-Policy can forbid inline scripts altogether.
//
// The page is never blank and silent while the app loads: index.html shows a status line
// (data-testid=boot-status) before any script runs; this file counts the seconds and the bytes
// of the app's own wasm on it, removes it once the app has started, and if the app's code
// (/sasi-lab.js, /sasi-lab_bg.wasm) fails or stops arriving, replaces it with an error banner
// that says what failed, with a Reload link.

import { isolate } from './isolate.js';

/**
 * How long the app's code may go without a single byte arriving before the load counts as
 * failed. A stall, not a total: a slow link that keeps delivering (a slow laptop on hotel
 * Wi-Fi taking a minute for the wasm) is never cut off, while a server or connection that has
 * stopped answering is reported instead of leaving the page waiting for ever. The value is far
 * longer than the pauses of a working link (TCP retransmits a lost segment within seconds), and
 * short enough that a user watching the counter still waits for the verdict.
 * Compiling and starting the wasm, once every byte is in, is local work and is not timed.
 */
export const STALL_TIMEOUT_MS = 20000;

// Beside this file, wherever the app is served from (`https://host/sasi-lab/` as well as `/`).
const WASM = new URL('sasi-lab_bg.wasm', import.meta.url).href;
const GLUE = new URL('sasi-lab.js', import.meta.url).href;

const status = document.querySelector('[data-testid=boot-status]');
const t0 = performance.now();
/** What is awaited from the network now (`null`: nothing; the rest is local work). */
let waitingFor = GLUE;
let lastByte = t0;
let received = 0;
let expected = 0;

const mb = (b) => (b / 1048576).toFixed(1);

function showProgress() {
  if (!status) return;
  const secs = Math.floor((performance.now() - t0) / 1000);
  // Content-Length counts the bytes on the wire: compressed, it is no total of what arrives.
  const of = expected >= received ? ` of ${mb(expected)}` : '';
  const bytes = received > 0 ? ` (${mb(received)}${of} MB)` : '';
  status.textContent = `Loading the app… ${secs} s${bytes}`;
}

function showFailure(text) {
  status?.remove();
  const banner = document.createElement('div');
  banner.className = 'error-banner';
  banner.setAttribute('data-testid', 'error-banner');
  banner.setAttribute('role', 'alert');
  const msg = document.createElement('span');
  msg.textContent = text;
  const reload = document.createElement('a');
  reload.className = 'reload';
  reload.href = location.href;
  reload.textContent = 'Reload';
  banner.append(msg, reload);
  document.body.prepend(banner);
  reload.focus();
}

/** The wasm's response, as fetched (so it compiles while it streams in); a copy of its body
 *  is read alongside to count the bytes for the status line and the stall timer. */
async function fetchWasm(signal) {
  waitingFor = WASM;
  const resp = await fetch(WASM, { signal });
  lastByte = performance.now();
  if (!resp.ok) throw new Error(`HTTP ${resp.status} ${resp.statusText} for ${WASM}`);
  expected = Number(resp.headers.get('content-length')) || 0;
  // Without a readable body the timer runs until the app starts instead.
  const reader = resp.clone().body?.getReader();
  if (reader) {
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        lastByte = performance.now();
      }
      waitingFor = null;
    })().catch(() => {}); // aborted or failed: the compile of the original reports it
  }
  return resp;
}

/** Rejects with the message to show once `waitingFor` has been silent for STALL_TIMEOUT_MS;
 *  ticks the status line meanwhile. `stop()` ends it. */
function stallWatch(onStall) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setInterval(() => {
      if (waitingFor === null) return;
      showProgress();
      const silent = performance.now() - lastByte;
      if (silent < STALL_TIMEOUT_MS) return;
      clearInterval(timer);
      onStall();
      const got = waitingFor === WASM
        ? ` (${received > 0 ? `${mb(received)} MB of it received` : 'no byte of it received'})`
        : '';
      reject(new Error(`SASI Lab could not start: its code did not arrive — nothing came from ${waitingFor} for `
        + `${Math.round(silent / 1000)} s${got}. The server or the connection may be down; reload to try again.`));
    }, 250);
  });
  return { promise, stop: () => clearInterval(timer) };
}

async function start(signal) {
  const { default: init } = await import(GLUE);
  lastByte = performance.now();
  const wasm = await fetchWasm(signal);
  // wasm-bindgen's init compiles the response as it streams and runs the app's main.
  await init({ module_or_path: wasm });
  waitingFor = null;
}

async function boot() {
  // Cross-origin isolation where the host cannot send the headers (src/offline/isolate.js):
  // may reload the page once, in which case this page goes no further.
  if ((await isolate()) === 'reloading') return;
  const abort = new AbortController();
  const watch = stallWatch(() => abort.abort());
  const started = start(abort.signal);
  // The loser of the race below rejects later (an aborted fetch) or never settles: not an error.
  started.catch(() => {});
  watch.promise.catch(() => {});
  try {
    await Promise.race([started, watch.promise]);
    status?.remove();
  } catch (e) {
    const text = e && e.message ? e.message : String(e);
    showFailure(text.startsWith('SASI Lab could not start') ? text : `SASI Lab could not start: ${text}`);
    console.error(e);
  } finally {
    watch.stop();
    waitingFor = null;
  }
}

boot();
