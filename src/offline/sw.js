// SASI Lab's service worker: cross-origin isolation on hosts that cannot send headers (GitHub
// Pages), and the app offline after the first visit. The build (src/offline/stamp-sw.mjs, a
// Trunk post_build hook) writes dist/sw.js as `const BUILD = {version, files};` followed by
// this file: `version` is a hash of every file of the build, `files` the build's files relative
// to the app's root. Any change to the build changes sw.js, which is how a browser finds a new
// version (it compares sw.js byte for byte on every visit).
//
// Our own rather than the npm `coi-serviceworker`: a scope has one service worker, and this one
// must also cache the app, versioned, and hand over to a new build without mixing two builds'
// files; coi-serviceworker does headers only (it would have to be forked to add the cache), and
// its reload-on-register logic is the part its users report looping. The reload here is the
// page's decision (src/offline/isolate.js), at most once per tab.
//
// COEP is `require-corp`, not `credentialless`: the app loads nothing from another origin (its
// CSP says 'self'), so the two mean the same for it, and `require-corp` is the one every engine
// with cross-origin isolation supports.
/* global BUILD */

const CACHE_PREFIX = 'sasi-lab-';
const CACHE = `${CACHE_PREFIX}${BUILD.version}`;
const SCOPE = new URL(self.registration.scope);
/** The one page: navigations to the scope itself, its index.html, with any query (?tier=…). */
const PAGE_KEY = new URL('./', SCOPE).href;

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // `cache: 'reload'`: from the server, not the browser's HTTP cache, so a new version is
    // never assembled from an older build's files. The page itself is stored under PAGE_KEY.
    await Promise.all(BUILD.files.map(async (file) => {
      const url = file === 'index.html' ? PAGE_KEY : new URL(file, SCOPE).href;
      const resp = await fetch(new Request(url, { cache: 'reload' }));
      if (!resp.ok) throw new Error(`HTTP ${resp.status} for ${url}: this build cannot be cached whole`);
      await cache.put(url, resp);
    }));
    // The first install takes over at once (nothing older runs). A new version waits until
    // the page asks (its "new version ready" notice) or every tab of the old one has closed,
    // so a running page never gets the new build's files mixed with its own.
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
  if (event.data?.type === 'version') event.source?.postMessage({ type: 'version', version: BUILD.version });
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== SCOPE.origin) return;
  event.respondWith(respond(req, url));
});

/** From this version's cache when it holds the file (exact URL: a retry's `?retry=` URL goes
 *  to the network on purpose), else from the network; either way with the isolation headers. */
async function respond(req, url) {
  const cache = await caches.open(CACHE);
  const onPage = url.pathname === SCOPE.pathname || url.pathname === `${SCOPE.pathname}index.html`;
  const key = req.mode === 'navigate' && onPage ? PAGE_KEY : req;
  const hit = await cache.match(key);
  return withIsolation(hit ?? await fetch(req));
}

function withIsolation(resp) {
  // An opaque or error response has no headers to change (and the app loads nothing foreign).
  if (resp.type === 'opaque' || resp.type === 'opaqueredirect' || resp.status === 0) return resp;
  const headers = new Headers(resp.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(resp.body, { status: resp.status, statusText: resp.statusText, headers });
}
