// Dense layers over Float32Array: y = act(W·x + b), W row-major m×n, and the batched form
// (xs is batch×n, ys is batch×m), blocked by four inputs like the Rust kernel so each weight
// is read once per block. Sums run in JS doubles and are stored as f32, as a JS developer
// would write it; they agree with the f32 tiers within rounding (the tests' tolerance).
import { applyActivation } from './activation.js';

export function dense(w, x, b, y, m, n, act) {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += w[o + j] * x[j];
    y[i] = s + b[i];
  }
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
    const o = k * n;
    for (let i = 0; i < m; i++) {
      const r = i * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += w[r + j] * xs[o + j];
      ys[k * m + i] = s + b[i];
    }
  }
  applyActivation(act, ys);
}
