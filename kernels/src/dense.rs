//! Dense layers: `y = act(W·x + b)` with W row-major m × n, and the batched form for B inputs
//! at once, `ys[k] = act(W·xs[k] + b)` (xs is B × n, ys is B × m, both row-major).
//!
//! FLOPs = 2·m·n·B. The batched kernel is blocked over inputs: each 4-float piece of a
//! weight row is loaded once and multiplied into four inputs' accumulators, so W is streamed
//! B/4 times instead of B times (this is what makes the agents' shared network cheap).
//! The relaxed-SIMD build fuses the multiply-adds (`mul_add`); the others multiply then add.
//!
//! One source for every tier, generic over the lane type. The scalar tier runs it on
//! [`crate::simd::array::F32x4`], which without `simd128` is scalar code with the same
//! blocking and the same 8–16 independent accumulators, so SIMD/scalar measures what the
//! vector width buys and nothing else (and both give the same bits).
use crate::activation::{apply_lanes, Activation};
use crate::error::{KernelError, MAX_BATCH, MAX_DIM};
use crate::simd::F32Lanes;

/// Checks shapes before anything is written.
pub fn check(
    w: usize,
    x: usize,
    b: usize,
    y: usize,
    m: usize,
    n: usize,
    batch: usize,
) -> Result<(), KernelError> {
    if m == 0 || n == 0 || batch == 0 {
        return Err(KernelError::ZeroSize);
    }
    if m > MAX_DIM || n > MAX_DIM || batch > MAX_BATCH {
        return Err(KernelError::TooLarge);
    }
    if w != m * n || x != batch * n || b != m || y != batch * m {
        return Err(KernelError::LengthMismatch);
    }
    Ok(())
}

/// Dot product with four independent 4-lane accumulators (16 floats per iteration).
#[inline(always)]
fn dot_lanes<V: F32Lanes>(w: &[f32], x: &[f32]) -> f32 {
    let (w16, _) = w.as_chunks::<16>();
    let (x16, _) = x.as_chunks::<16>();
    let mut a = [V::zero(); 4];
    for (wc, xc) in w16.iter().zip(x16) {
        let (wc, xc) = (wc.as_chunks::<4>().0, xc.as_chunks::<4>().0);
        for q in 0..4 {
            a[q] = V::load_array(&wc[q]).mul_add(V::load_array(&xc[q]), a[q]);
        }
    }
    let mut j = w16.len() * 16;
    while j + 4 <= w.len() {
        a[0] = V::load(&w[j..]).mul_add(V::load(&x[j..]), a[0]);
        j += 4;
    }
    let mut s = a[0].add(a[1]).add(a[2].add(a[3])).sum();
    for (wj, xj) in w[j..].iter().zip(&x[j..]) {
        s += wj * xj;
    }
    s
}

pub fn dense_lanes<V: F32Lanes>(
    w: &[f32],
    x: &[f32],
    b: &[f32],
    y: &mut [f32],
    m: usize,
    n: usize,
    act: Activation,
) -> Result<(), KernelError> {
    check(w.len(), x.len(), b.len(), y.len(), m, n, 1)?;
    // Four rows at a time share the loads of x: 8 independent accumulators, 4 weight
    // streams in flight (matvec is bound by reading W once).
    let (x4, _) = x.as_chunks::<4>();
    let body = x4.len() & !1;
    let mut i = 0;
    while i + 4 <= m {
        let rows: [&[[f32; 4]]; 4] =
            core::array::from_fn(|r| w[(i + r) * n..(i + r + 1) * n].as_chunks::<4>().0);
        let mut acc = [V::zero(); 8];
        for c in (0..body).step_by(2) {
            let (x0, x1) = (V::load_array(&x4[c]), V::load_array(&x4[c + 1]));
            for r in 0..4 {
                acc[2 * r] = V::load_array(&rows[r][c]).mul_add(x0, acc[2 * r]);
                acc[2 * r + 1] = V::load_array(&rows[r][c + 1]).mul_add(x1, acc[2 * r + 1]);
            }
        }
        for r in 0..4 {
            let row = &w[(i + r) * n..(i + r + 1) * n];
            let mut s = acc[2 * r].add(acc[2 * r + 1]).sum();
            for (wj, xj) in row[body * 4..].iter().zip(&x[body * 4..]) {
                s += wj * xj;
            }
            y[i + r] = s + b[i + r];
        }
        i += 4;
    }
    while i < m {
        y[i] = dot_lanes::<V>(&w[i * n..(i + 1) * n], x) + b[i];
        i += 1;
    }
    apply_lanes::<V>(act, y);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn dense_batch_lanes<V: F32Lanes>(
    w: &[f32],
    xs: &[f32],
    b: &[f32],
    ys: &mut [f32],
    m: usize,
    n: usize,
    batch: usize,
    act: Activation,
) -> Result<(), KernelError> {
    check(w.len(), xs.len(), b.len(), ys.len(), m, n, batch)?;
    // By rows of W: blocks of four inputs share each weight load (W is streamed once per
    // four inputs), dot products with horizontal sums.
    let mut k = 0;
    // Measured alternatives, both no faster in V8 (README, issue notes): a 4-input × 2-row
    // tile with 8 accumulators (25–33 % slower: 14 live vectors against x64's 16 registers),
    // and an XNNPACK-style GEMM on a per-call packed Wᵀ with broadcast inputs (±2 %).
    while k + 4 <= batch {
        let xr: [&[f32]; 4] = core::array::from_fn(|q| &xs[(k + q) * n..(k + q + 1) * n]);
        let (c0, c1, c2, c3) = (
            xr[0].as_chunks::<4>().0,
            xr[1].as_chunks::<4>().0,
            xr[2].as_chunks::<4>().0,
            xr[3].as_chunks::<4>().0,
        );
        for i in 0..m {
            let row = &w[i * n..(i + 1) * n];
            let (w4, _) = row.as_chunks::<4>();
            let (mut a0, mut a1, mut a2, mut a3) = (V::zero(), V::zero(), V::zero(), V::zero());
            for ((((wc, p0), p1), p2), p3) in w4.iter().zip(c0).zip(c1).zip(c2).zip(c3) {
                let wv = V::load_array(wc);
                a0 = wv.mul_add(V::load_array(p0), a0);
                a1 = wv.mul_add(V::load_array(p1), a1);
                a2 = wv.mul_add(V::load_array(p2), a2);
                a3 = wv.mul_add(V::load_array(p3), a3);
            }
            let mut s = [a0.sum(), a1.sum(), a2.sum(), a3.sum()];
            for j in w4.len() * 4..n {
                for q in 0..4 {
                    s[q] += row[j] * xr[q][j];
                }
            }
            for q in 0..4 {
                ys[(k + q) * m + i] = s[q] + b[i];
            }
        }
        k += 4;
    }
    while k < batch {
        let x = &xs[k * n..(k + 1) * n];
        for i in 0..m {
            ys[k * m + i] = dot_lanes::<V>(&w[i * n..(i + 1) * n], x) + b[i];
        }
        k += 1;
    }
    apply_lanes::<V>(act, ys);
    Ok(())
}
