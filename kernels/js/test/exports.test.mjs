// The JS tier against the one table of exports (kernels/src/exports.rs, written into
// js-vectors.json as "abi" by the js_vectors example): every export exists with as many
// parameters as declared, every kernel's argument signature is the table's, and the ABI
// version and the constants the tier checks are the Rust side's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import * as js from '../tier/abi.js';

const path = process.env.SASI_JS_VECTORS || new URL('../../../target/js-vectors.json', import.meta.url).pathname;
if (!existsSync(path)) throw new Error(`${path} is missing: run \`cargo run -p sasi-kernels --example js_vectors -- ${path}\``);
const ABI = JSON.parse(readFileSync(path, 'utf8')).abi;

test('every export of the table is a function of the JS tier, with its arguments (the wasm-only model set-up excepted)', () => {
  assert.ok(ABI.exports.some((e) => e.wasm_only), 'the table has a wasm-only group');
  for (const e of ABI.exports.filter((x) => !x.wasm_only)) {
    assert.equal(typeof js[e.name], 'function', `${e.name} is exported`);
    assert.equal(js[e.name].length, e.args.length, `${e.name} takes ${e.args.map((a) => a.name).join(', ')}`);
  }
});

test("the JS tier's argument signatures are the table's, for every kernel and no other", () => {
  const kernels = ABI.exports.filter((e) => e.kernel);
  assert.deepEqual(Object.keys(js.SIGNATURES).sort(), kernels.map((e) => e.name).sort());
  for (const e of kernels) assert.equal(js.SIGNATURES[e.name], e.sig, e.name);
});

test('the ABI version and the constants the JS tier checks are the Rust side\'s', () => {
  assert.equal(js.sasi_abi_version(), ABI.version, 'sasi_abi_version (sasi_kernels::ABI_VERSION)');
  assert.equal(js.ACTIVATIONS, ABI.activations, 'activation kinds');
  assert.equal(js.LIF_PARAMS_LEN, ABI.lif_params_len, 'LIF parameters');
  assert.equal(js.STDP_PARAMS_LEN, ABI.stdp_params_len, 'STDP parameters');
});

test('the wasm-only exports are absent from the JS tier', () => {
  for (const e of ABI.exports.filter((x) => x.wasm_only)) assert.equal(js[e.name], undefined, e.name);
});
