// xorshift32, the PRNG every tier shares (kernels/ABI.md): integer-only, so this stream
// equals Rust's `sasi_kernels::rng::Rng` bit for bit.
export const ZERO_SEED = 0x9e3779b9;

export function xorshift32(x) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

export class Rng {
  constructor(seed) {
    this.state = seed >>> 0 || ZERO_SEED;
  }
  nextU32() {
    this.state = xorshift32(this.state);
    return this.state;
  }
  /** Top 24 bits scaled to [0, 1): exact in f32. */
  nextF32() {
    return (this.nextU32() >>> 8) * (1 / 16777216);
  }
}

/** out[i] = lo + (hi - lo) * nextF32(), each operation rounded to f32 as in Rust. */
export function fillUniform(seed, out, lo, hi) {
  const f = Math.fround;
  const r = new Rng(seed);
  const l = f(lo);
  const span = f(f(hi) - l);
  for (let i = 0; i < out.length; i++) out[i] = f(l + f(span * r.nextF32()));
}
