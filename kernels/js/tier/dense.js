// Dense layers over Float32Array: y = act(W·x + b), W row-major m×n, and the batched form
// (xs is batch×n, ys is batch×m). Sums run in doubles and are stored as f32, as a JS
// developer would write it; they agree with the f64 reference within the tests' tolerance.
// Measured in V8 (kernels/js/test/speed.mjs): four rows sharing each load of x run 1.7×
// faster than a one-accumulator loop and 1.5× faster than four accumulators on one row; the
// batched form shares each weight load between four inputs.
// Imported with this module's own query, as every module of the JS tier's graph does (why:
// abi.js).
const { applyActivation } = await import(`./activation.js${new URL(import.meta.url).search}`);
const { decodeRow, scratch, words } = await import(`./weight.js${new URL(import.meta.url).search}`);

/** One row's dot product plus bias (the leftover rows). */
function row(w, o, x, n) {
  let s = 0;
  for (let j = 0; j < n; j++) s += w[o + j] * x[j];
  return s;
}

export function dense(w, x, b, y, m, n, act) {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      s0 += w[o0 + j] * xj;
      s1 += w[o1 + j] * xj;
      s2 += w[o2 + j] * xj;
      s3 += w[o3 + j] * xj;
    }
    y[i] = s0 + b[i];
    y[i + 1] = s1 + b[i + 1];
    y[i + 2] = s2 + b[i + 2];
    y[i + 3] = s3 + b[i + 3];
  }
  for (; i < m; i++) y[i] = row(w, i * n, x, n) + b[i];
  applyActivation(act, y);
}

export function denseBatch(w, xs, b, ys, m, n, batch, act) {
  let k = 0;
  for (; k + 4 <= batch; k += 4) {
    const o0 = k * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    for (let i = 0; i < m; i++) {
      const r = i * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < n; j++) {
        const wv = w[r + j];
        s0 += wv * xs[o0 + j];
        s1 += wv * xs[o1 + j];
        s2 += wv * xs[o2 + j];
        s3 += wv * xs[o3 + j];
      }
      const bi = b[i];
      ys[k * m + i] = s0 + bi;
      ys[(k + 1) * m + i] = s1 + bi;
      ys[(k + 2) * m + i] = s2 + bi;
      ys[(k + 3) * m + i] = s3 + bi;
    }
  }
  for (; k < batch; k++) {
    const x = xs.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < m; i++) ys[k * m + i] = row(w, i * n, x, n) + b[i];
  }
  applyActivation(act, ys);
}

let rowsScratch = scratch(0);
/**
 * `dense` on bfloat16 weights (a Uint16Array; kernels/ABI.md "Weight storage"): each block of
 * four rows decoded exactly (two weights per 32-bit word) into a scratch, then the same loop,
 * so the result is dense's on the decoded weights.
 */
export function denseBf16(w16, x, b, y, m, n, act) {
  if (rowsScratch.f32.length < 4 * n) rowsScratch = scratch(4 * n);
  const { f32: rows, u32: rowBits } = rowsScratch;
  const w32 = words(w16);
  for (let i = 0; i < m; i += 4) {
    const r = Math.min(4, m - i);
    decodeRow(w16, w32, i * n, r * n, rows, rowBits);
    dense(rows, x, b.subarray(i, i + r), y.subarray(i, i + r), r, n, 0);
  }
  applyActivation(act, y);
}
