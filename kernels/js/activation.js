// Activations in place over a Float32Array: the same algorithm as kernels/src/activation.rs
// (Cephes expf: clamp, n = roundEven(x·log2 e), Cody–Waite reduction, degree-5 polynomial,
// 2^n through the exponent bits), every operation rounded to f32 with Math.fround, so the
// results equal the scalar and SIMD wasm tiers bit for bit.
const f = Math.fround;
const bits = (u) => new Float32Array(new Uint32Array([u]).buffer)[0];

// The exact f32 constants of the Rust code, by bit pattern.
export const C = Object.freeze({
  EXP_HI: bits(0x42b0999a),
  EXP_LO: bits(0xc2ae999a),
  EXP_INF_ABOVE: bits(0x42b17217),
  EXP_ZERO_BELOW: bits(0xc2aeac4f),
  LOG2E: bits(0x3fb8aa3b),
  C1: bits(0x3f318000),
  C2: bits(0xb95e8083),
  P0: bits(0x39506967),
  P1: bits(0x3ab743ce),
  P2: bits(0x3c088908),
  P3: bits(0x3d2aa9c1),
  P4: bits(0x3e2aaaaa),
  P5: bits(0x3f000000),
  GELU_2C: bits(0x3fcc422a),
  GELU_K: bits(0x3d372713),
  LEAKY_ALPHA: bits(0x3c23d70a),
  GELU_ZERO_BELOW: -10,
});

export const ACT = Object.freeze({ identity: 0, relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4, gelu: 5 });

const pow2 = new Float32Array(1);
const pow2Bits = new Int32Array(pow2.buffer);

function roundEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function expf(x) {
  const c = x > C.EXP_HI ? C.EXP_HI : x < C.EXP_LO ? C.EXP_LO : x;
  const n = roundEven(f(c * C.LOG2E));
  const r = f(f(c - f(n * C.C1)) - f(n * C.C2));
  let p = f(f(C.P0 * r) + C.P1);
  p = f(f(p * r) + C.P2);
  p = f(f(p * r) + C.P3);
  p = f(f(p * r) + C.P4);
  p = f(f(p * r) + C.P5);
  const y = f(f(f(p * f(r * r)) + r) + 1);
  pow2Bits[0] = (n + 127) << 23;
  const e = f(y * pow2[0]);
  if (x > C.EXP_INF_ABOVE) return Infinity;
  if (x < C.EXP_ZERO_BELOW) return 0;
  if (x !== x) return x;
  return e;
}

export const sigmoid1 = (x) => f(1 / f(1 + expf(f(0 - x))));
export const tanh1 = (x) => f(1 - f(2 / f(expf(f(x + x)) + 1)));
export function gelu1(x) {
  const inner = f(x + f(C.GELU_K * f(f(x * x) * x)));
  const g = f(x * sigmoid1(f(C.GELU_2C * inner)));
  return x < C.GELU_ZERO_BELOW ? 0 : g;
}

export function relu(a) {
  for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0;
}
export function leakyRelu(a) {
  for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = f(C.LEAKY_ALPHA * a[i]);
}
export function sigmoid(a) {
  for (let i = 0; i < a.length; i++) a[i] = sigmoid1(a[i]);
}
export function tanh(a) {
  for (let i = 0; i < a.length; i++) a[i] = tanh1(a[i]);
}
export function gelu(a) {
  for (let i = 0; i < a.length; i++) a[i] = gelu1(a[i]);
}

/** Applies activation `kind` (ACT) in place; false for an unknown kind. */
export function applyActivation(kind, a) {
  switch (kind) {
    case 0: return true;
    case 1: relu(a); return true;
    case 2: leakyRelu(a); return true;
    case 3: sigmoid(a); return true;
    case 4: tanh(a); return true;
    case 5: gelu(a); return true;
    default: return false;
  }
}
