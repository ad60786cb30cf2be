// The import cap's reference (src/features/compare/mod.rs FULL_SET_LINES, quoted on screen beside the cap)
// is the number of result lines the full set really produces: one per kernel and size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cases } from '../bench/bench.js';

const source = readFileSync(new URL('../../../src/features/compare/mod.rs', import.meta.url), 'utf8');
const constant = (name) => {
  const m = new RegExp(`pub const ${name}: usize = (\\d+);`).exec(source);
  assert.ok(m, `src/features/compare/mod.rs defines ${name}`);
  return Number(m[1]);
};

test('FULL_SET_LINES is the full set\'s result lines, and MAX_LINES leaves room above it', () => {
  const lines = new Set(cases('full').map((c) => `${c.kernel} ${c.size}`)).size;
  assert.equal(constant('FULL_SET_LINES'), lines);
  assert.ok(constant('MAX_LINES') >= 10 * lines);
  assert.ok(new Set(cases('quick').map((c) => `${c.kernel} ${c.size}`)).size <= lines, 'the quick set is smaller');
});
