// A tiny static server for the built app (dist/) on 127.0.0.1, with the headers Trunk.toml's
// [serve.headers] send for `make serve`: cross-origin isolation, the Content-Security-Policy
// (with frame-ancestors, which a <meta> CSP cannot carry) and nosniff. No dependencies.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.txt': 'text/plain',
};
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The page's policy: index.html's <meta> CSP plus frame-ancestors 'none'. Only this origin;
 * wasm compilation ('wasm-unsafe-eval') but no eval and no inline script (src/boot.js starts
 * the app, Trunk injects no loader); inline style attributes, which plotters sets on the span it
 * measures chart text with; workers only from this origin (the benchmark worker is
 * /js/bench/bench-worker.js, and takes this same header as its own policy); nothing may frame the
 * page. The same string is in Trunk.toml; tests/e2e/headers.test.mjs checks that they agree.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
export const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Serves `root` on 127.0.0.1. `mounts` maps URL prefixes ('/vendor/x/') to further
 * directories (the benchmark's outside anchor loads TensorFlow.js from node_modules).
 * Every response, errors included, carries SECURITY_HEADERS (`security: false` drops them)
 * and, unless `isolation: false`, ISOLATION_HEADERS.
 * `probe` (JavaScript source) is served at /__sasi-probe.js and loaded by every HTML page as
 * its first script, so engines whose automation has no console or error events (classic
 * WebDriver) still report them (tests/e2e/engines.mjs). `failures` lists every response with
 * a status of 400 or more, whoever asked for it.
 * `setFault(fn)` injects faults in any engine (Firefox and WebKit have no request routing in
 * their automation): `fn(pathname)` returns null to serve as usual, or `{ status, body,
 * type }` to answer with that instead (the headers above still sent), `'hang'` to never
 * answer, or `'abort'` to drop the connection. `setFault(null)` ends it.
 */
export async function startServer({ root, port = 0, host = '127.0.0.1', isolation = true, security = true, mounts = {}, probe = null }) {
  const iso = { ...(isolation ? ISOLATION_HEADERS : {}), ...(security ? SECURITY_HEADERS : {}) };
  const base = resolve(root);
  const mounted = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)]);
  const failures = [];
  let fault = null;
  const hanging = new Set();
  const server = createServer(async (req, res) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) failures.push(`HTTP ${res.statusCode} ${req.url}`);
    });
    try {
      const url = new URL(req.url, 'http://x');
      if (probe !== null && url.pathname === '/__sasi-probe.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store', ...iso });
        res.end(probe);
        return;
      }
      const injected = fault?.(url.pathname) ?? null;
      if (injected === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (injected === 'abort') {
        req.socket.destroy();
        return;
      }
      if (injected) {
        res.writeHead(injected.status ?? 200, { 'Content-Type': injected.type ?? 'text/plain', 'Cache-Control': 'no-store', ...iso });
        res.end(injected.body ?? '');
        return;
      }
      let path = normalize(decodeURIComponent(url.pathname));
      if (path.includes('..')) throw Object.assign(new Error('bad path'), { status: 400 });
      const mount = mounted.find(([prefix]) => path.startsWith(prefix));
      let file = mount ? join(mount[1], path.slice(mount[0].length)) : join(base, path);
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      // SPA fallback for extension-less paths; a missing asset is a real 404.
      if (!info && !extname(path)) {
        file = join(base, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info) {
        res.writeHead(404, { 'Content-Type': 'text/plain', ...iso });
        res.end(`not found: ${url.pathname}`);
        return;
      }
      let body = await readFile(file);
      if (probe !== null && extname(file) === '.html') {
        body = Buffer.from(String(body).replace(/<head>/i, '<head><script src="/__sasi-probe.js"></script>'));
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-store',
        ...iso,
      });
      res.end(body);
    } catch (e) {
      res.writeHead(e.status || 500, { 'Content-Type': 'text/plain', ...iso });
      res.end(String(e.message));
    }
  });
  await new Promise((ok, err) => server.once('error', err).listen(port, host, ok));
  const { port: actual } = server.address();
  return {
    url: `http://${host}:${actual}`,
    failures,
    setFault(fn) {
      fault = fn;
      // Requests left hanging by the last fault are dropped, so nothing waits on them.
      if (!fn) for (const r of hanging) r.destroy();
    },
    close: () => new Promise((ok) => {
      for (const r of hanging) r.destroy();
      server.close(ok);
      server.closeAllConnections?.();
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '8080'] = process.argv.slice(2);
  const s = await startServer({ root, port: Number(port) });
  console.log(`serving ${resolve(root)} at ${s.url}`);
}
