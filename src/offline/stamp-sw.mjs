// Trunk post_build hook: writes <dir>/sw.js, the service worker (src/offline/sw.js) headed by
// `const BUILD = {version, files}`: every file of the build (what the worker caches for
// offline use) and a hash of all of them (the cache's version). Run with the staging directory
// as its argument, after every other step has written its files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node src/offline/stamp-sw.mjs <build directory>');
  process.exit(2);
}

/** Files the browser never asks for as part of the app: the worker itself (a browser fetches
 *  it on its own, outside any cache) and the host's header file. */
const NOT_CACHED = new Set(['sw.js', '_headers']);
/** The JS tier's own unit tests, copied along with kernels/js/ but never loaded by the app. */
const NOT_CACHED_DIRS = ['js/test/'];

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dir)
  .map((p) => relative(dir, p).split(sep).join('/'))
  .filter((f) => !NOT_CACHED.has(f) && !NOT_CACHED_DIRS.some((d) => f.startsWith(d)))
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
const version = hash.digest('hex').slice(0, 16);

const template = readFileSync(fileURLToPath(new URL('sw.js', import.meta.url)), 'utf8');
const build = JSON.stringify({ version, files }, null, 1);
writeFileSync(join(dir, 'sw.js'), `// Written by src/offline/stamp-sw.mjs at build time.\nconst BUILD = ${build};\n\n${template}`);
console.log(`[stamp-sw] sw.js: version ${version}, ${files.length} files cached`);
