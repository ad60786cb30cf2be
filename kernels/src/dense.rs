//! Dense layers: `y = act(W·x + b)` with W row-major m × n, and the batched form for B inputs
//! at once, `ys[k] = act(W·xs[k] + b)` (xs is B × n, ys is B × m, both row-major).
//!
//! FLOPs = 2·m·n·B. The batched SIMD kernel is blocked over inputs: each 4-float piece of a
//! weight row is loaded once and multiplied into four inputs' accumulators, so W is streamed
//! B/4 times instead of B times (this is what makes the agents' shared network cheap).
//! The relaxed-SIMD build fuses the multiply-adds (`F32x4::mul_add`); the others multiply
//! then add. Scalar versions are plain loops; the scalar wasm module is built without
//! `simd128`, so they stay scalar there.
use crate::activation::{apply_scalar, apply_simd, Activation};
use crate::error::{KernelError, MAX_BATCH, MAX_DIM};
use crate::simd::F32x4;

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

#[inline(always)]
fn dot_scalar(w: &[f32], x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for (a, b) in w.iter().zip(x) {
        s += a * b;
    }
    s
}

pub fn dense_scalar(
    w: &[f32],
    x: &[f32],
    b: &[f32],
    y: &mut [f32],
    m: usize,
    n: usize,
    act: Activation,
) -> Result<(), KernelError> {
    check(w.len(), x.len(), b.len(), y.len(), m, n, 1)?;
    for i in 0..m {
        y[i] = dot_scalar(&w[i * n..(i + 1) * n], x) + b[i];
    }
    apply_scalar(act, y);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn dense_batch_scalar(
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
    for k in 0..batch {
        let x = &xs[k * n..(k + 1) * n];
        for i in 0..m {
            ys[k * m + i] = dot_scalar(&w[i * n..(i + 1) * n], x) + b[i];
        }
    }
    apply_scalar(act, ys);
    Ok(())
}

/// Dot product with four independent 4-lane accumulators (16 floats per iteration).
#[inline(always)]
fn dot_simd(w: &[f32], x: &[f32]) -> f32 {
    let n = w.len();
    let (mut a0, mut a1, mut a2, mut a3) =
        (F32x4::zero(), F32x4::zero(), F32x4::zero(), F32x4::zero());
    let mut j = 0;
    while j + 16 <= n {
        a0 = F32x4::load(&w[j..]).mul_add(F32x4::load(&x[j..]), a0);
        a1 = F32x4::load(&w[j + 4..]).mul_add(F32x4::load(&x[j + 4..]), a1);
        a2 = F32x4::load(&w[j + 8..]).mul_add(F32x4::load(&x[j + 8..]), a2);
        a3 = F32x4::load(&w[j + 12..]).mul_add(F32x4::load(&x[j + 12..]), a3);
        j += 16;
    }
    while j + 4 <= n {
        a0 = F32x4::load(&w[j..]).mul_add(F32x4::load(&x[j..]), a0);
        j += 4;
    }
    let mut s = a0.add(a1).add(a2.add(a3)).sum();
    while j < n {
        s += w[j] * x[j];
        j += 1;
    }
    s
}

pub fn dense_simd(
    w: &[f32],
    x: &[f32],
    b: &[f32],
    y: &mut [f32],
    m: usize,
    n: usize,
    act: Activation,
) -> Result<(), KernelError> {
    check(w.len(), x.len(), b.len(), y.len(), m, n, 1)?;
    // Two rows at a time share the loads of x.
    let mut i = 0;
    while i + 2 <= m {
        let (r0, r1) = (&w[i * n..(i + 1) * n], &w[(i + 1) * n..(i + 2) * n]);
        let (mut a0, mut a1, mut c0, mut c1) =
            (F32x4::zero(), F32x4::zero(), F32x4::zero(), F32x4::zero());
        let mut j = 0;
        while j + 8 <= n {
            let (x0, x1) = (F32x4::load(&x[j..]), F32x4::load(&x[j + 4..]));
            a0 = F32x4::load(&r0[j..]).mul_add(x0, a0);
            a1 = F32x4::load(&r0[j + 4..]).mul_add(x1, a1);
            c0 = F32x4::load(&r1[j..]).mul_add(x0, c0);
            c1 = F32x4::load(&r1[j + 4..]).mul_add(x1, c1);
            j += 8;
        }
        let (mut s0, mut s1) = (a0.add(a1).sum(), c0.add(c1).sum());
        while j < n {
            s0 += r0[j] * x[j];
            s1 += r1[j] * x[j];
            j += 1;
        }
        y[i] = s0 + b[i];
        y[i + 1] = s1 + b[i + 1];
        i += 2;
    }
    if i < m {
        y[i] = dot_simd(&w[i * n..(i + 1) * n], x) + b[i];
    }
    apply_simd(act, y);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn dense_batch_simd(
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
    let mut k = 0;
    // Blocks of four inputs: one weight load feeds four accumulators.
    while k + 4 <= batch {
        let x0 = &xs[k * n..(k + 1) * n];
        let x1 = &xs[(k + 1) * n..(k + 2) * n];
        let x2 = &xs[(k + 2) * n..(k + 3) * n];
        let x3 = &xs[(k + 3) * n..(k + 4) * n];
        for i in 0..m {
            let row = &w[i * n..(i + 1) * n];
            let (mut a0, mut a1, mut a2, mut a3) =
                (F32x4::zero(), F32x4::zero(), F32x4::zero(), F32x4::zero());
            let mut j = 0;
            while j + 4 <= n {
                let wv = F32x4::load(&row[j..]);
                a0 = wv.mul_add(F32x4::load(&x0[j..]), a0);
                a1 = wv.mul_add(F32x4::load(&x1[j..]), a1);
                a2 = wv.mul_add(F32x4::load(&x2[j..]), a2);
                a3 = wv.mul_add(F32x4::load(&x3[j..]), a3);
                j += 4;
            }
            let (mut s0, mut s1, mut s2, mut s3) = (a0.sum(), a1.sum(), a2.sum(), a3.sum());
            while j < n {
                s0 += row[j] * x0[j];
                s1 += row[j] * x1[j];
                s2 += row[j] * x2[j];
                s3 += row[j] * x3[j];
                j += 1;
            }
            ys[k * m + i] = s0 + b[i];
            ys[(k + 1) * m + i] = s1 + b[i];
            ys[(k + 2) * m + i] = s2 + b[i];
            ys[(k + 3) * m + i] = s3 + b[i];
        }
        k += 4;
    }
    while k < batch {
        let x = &xs[k * n..(k + 1) * n];
        for i in 0..m {
            ys[k * m + i] = dot_simd(&w[i * n..(i + 1) * n], x) + b[i];
        }
        k += 1;
    }
    apply_simd(act, ys);
    Ok(())
}
