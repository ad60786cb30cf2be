// The built kernel modules, for the tests that run them in Node: where they are
// (SASI_KERNEL_DIR, or target/kernel-modules as `make test-js` builds them), one loader, and
// whether this Node validates relaxed SIMD (the relaxed module is only run where it does).
import { readFileSync, existsSync } from 'node:fs';

export const KERNEL_DIR = process.env.SASI_KERNEL_DIR || new URL('../../../target/kernel-modules', import.meta.url).pathname;

/** The path of one module (`scalar`, `simd`, `relaxed`), or an error saying how to build it. */
export function modulePath(name) {
  const file = `${KERNEL_DIR}/kernels-${name}.wasm`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run kernels/build-modules.sh ${KERNEL_DIR}`);
  return file;
}

/** A fresh instance's exports of one module. */
export async function loadModule(name) {
  return (await WebAssembly.instantiate(readFileSync(modulePath(name)), {})).instance.exports;
}

/** The loader's relaxed-SIMD probe (src/tiers/loader.rs): one relaxed instruction. */
export const RELAXED_OK = WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]));
