// bfloat16 weights (kernels/src/ops/weight.rs, kernels/ABI.md "Weight storage"): a Uint16Array
// holding the top half of each f32's bits. Decoding is exact (bits << 16); encoding rounds to
// nearest, ties to even, on the f32's bits. The conversions go through one 4-byte scratch seen
// as Uint32Array and Float32Array, the plain-JS way to reinterpret bits; rows are decoded two
// weights per 32-bit word (a Uint32Array view of the weights: the low half of a word is the
// even index, little-endian as every engine is), which halves the loads.
const bits = new Uint32Array(2);
const vals = new Float32Array(bits.buffer);

/** The value of bf16 bits `h`. */
export function decode(h) {
  bits[0] = h << 16;
  return vals[0];
}

/** `x` (a number, rounded to f32 first) as bf16 bits, to nearest even. */
export function encode(x) {
  vals[0] = x;
  const b = bits[0];
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** A Uint32Array over the same bytes as `w16` (whole words only): one word = two weights. */
export function words(w16) {
  return new Uint32Array(w16.buffer, w16.byteOffset, w16.length >>> 1);
}

/**
 * Decodes `n` weights of `w16` from index `o` into the Float32Array `dst` (through `dstBits`,
 * a Uint32Array over the same bytes). With `o` even, two at a time from `w32` (= words(w16)).
 */
export function decodeRow(w16, w32, o, n, dst, dstBits) {
  let i = 0;
  if ((o & 1) === 0) {
    const base = o >>> 1;
    for (; i + 2 <= n; i += 2) {
      const u = w32[base + (i >>> 1)];
      dstBits[i] = u << 16;
      dstBits[i + 1] = u & 0xffff0000;
    }
  }
  for (; i < n; i++) dstBits[i] = w16[o + i] << 16;
  return dst;
}

/** A reusable Float32Array of at least `n` elements with its Uint32Array view. */
export function scratch(n) {
  const buf = new ArrayBuffer(4 * n);
  return { f32: new Float32Array(buf), u32: new Uint32Array(buf) };
}
