// A retry of the JS tier loads its whole module graph afresh (kernels/js/tier/abi.js, ../load.js
// `fresh`): a dependency that failed once is not taken again from the module map, where the
// engine keeps a failed module under its URL. Node keeps failed modules the same way, so the
// mechanism is checked here on a copy of the tier with a corrupt stdp.js, then the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadJsTier } from '../load.js';

const JS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'tier');

test('a retry reloads a dependency that failed, not only the top-level module', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sasi-js-tier-'));
  try {
    for (const f of readdirSync(JS_DIR).filter((f) => f.endsWith('.js'))) cpSync(join(JS_DIR, f), join(dir, f));
    const stdp = join(dir, 'stdp.js');
    const good = readFileSync(stdp, 'utf8');
    writeFileSync(stdp, good.slice(0, Math.floor(good.length / 2)));
    const url = pathToFileURL(join(dir, 'abi.js')).href;
    await assert.rejects(loadJsTier(url, 0), 'the truncated dependency fails the first load');
    writeFileSync(stdp, good);
    // The premise: the same URLs fail again although the file is whole now.
    await assert.rejects(import(url), 'the failed graph stays in the module map');
    const loaded = await loadJsTier(url, 1);
    assert.equal(typeof loaded.exports.stdp_update, 'function');
    assert.equal(loaded.exports.sasi_abi_version(), (await import('../tier/abi.js')).sasi_abi_version());
    // The retried graph works: one allocation and a kernel call through it.
    const h = loaded.exports.sasi_alloc(16);
    assert.ok(h > 0);
    assert.equal(loaded.exports.act_apply(0, h, 4), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every module of the JS tier graph imports its dependencies with its own query', () => {
  // A static relative import would load `./x.js` without the retry's query, so a retry could
  // never replace it: the graph may only use import() with the importer's query.
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(join(JS_DIR, file), 'utf8');
    assert.doesNotMatch(src, /^\s*(import|export)\s[^;]*\sfrom\s+['"]\.\//m, `${file} has a static relative import`);
    for (const m of src.matchAll(/import\(`\.\/([\w-]+\.js)\$\{([^}]+)\}`\)/g)) {
      assert.match(m[2], /^(q|new URL\(import\.meta\.url\)\.search)$/, `${file} imports ${m[1]} without its query`);
      walk(m[1]);
    }
  };
  walk('abi.js');
  assert.deepEqual([...seen].sort(), ['abi.js', 'activation.js', 'blocks.js', 'dense.js', 'efficiency.js', 'lif.js', 'probe.js', 'rng.js', 'stdp.js', 'weight.js']);
});
