//! Dense layers: `y = act(W·x + b)` with W row-major m × n, and the batched form for B inputs
//! at once, `ys[k] = act(W·xs[k] + b)` (xs is B × n, ys is B × m, both row-major).
//!
//! FLOPs = 2·m·n·B. The single-input kernel (matvec) streams W once, four rows at a time
//! sharing the loads of x. The batched kernel is a register-blocked GEMM
//! ([`dense_batch_tiled`]): W repacked per call into 8-output panels of Wᵀ, 4 inputs × 8
//! outputs of accumulators per tile, so each weight is loaded once per 4 inputs and no
//! horizontal sums are left. The relaxed-SIMD build fuses the multiply-adds (`mul_add`); the
//! others multiply then add.
//!
//! One source for every tier, generic over the lane type. The scalar tier runs it on
//! [`crate::simd::array::F32x4`], which without `simd128` is scalar code with the same
//! blocking and the same independent accumulators, so SIMD/scalar measures what the vector
//! width buys and nothing else (and both give the same bits).
use crate::error::{KernelError, MAX_BATCH, MAX_DIM};
use crate::ops::activation::{apply_lanes, Activation};
use crate::ops::weight::Weight;
use crate::simd::{four, F32Lanes};

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

/// Dot product with four independent 4-lane accumulators (16 floats per iteration); the
/// weights stored as `W` (`ops::weight`: bf16 decoded exactly, so the same operations).
#[inline(always)]
fn dot_lanes<V: F32Lanes, W: Weight>(w: &[W], x: &[f32]) -> f32 {
    let (w16, _) = w.as_chunks::<16>();
    let (x16, _) = x.as_chunks::<16>();
    let mut a = [V::zero(); 4];
    for (wc, xc) in w16.iter().zip(x16) {
        let (wc, xc) = (wc.as_chunks::<4>().0, xc.as_chunks::<4>().0);
        for q in 0..4 {
            a[q] = W::load4::<V>(&wc[q]).mul_add(V::load_array(&xc[q]), a[q]);
        }
    }
    let mut j = w16.len() * 16;
    while j + 4 <= w.len() {
        a[0] = W::load4::<V>(four(&w[j..])).mul_add(V::load(&x[j..]), a[0]);
        j += 4;
    }
    let mut s = a[0].add(a[1]).add(a[2].add(a[3])).sum();
    for (wj, xj) in w[j..].iter().zip(&x[j..]) {
        s += wj.get() * xj;
    }
    s
}

/// Matrix × vector, weights stored as `W` (f32, or bf16 for the 16-bit storage).
pub fn dense_lanes<V: F32Lanes, W: Weight>(
    w: &[W],
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
        let rows: [&[[W; 4]]; 4] =
            core::array::from_fn(|r| w[(i + r) * n..(i + r + 1) * n].as_chunks::<4>().0);
        let mut acc = [V::zero(); 8];
        for c in (0..body).step_by(2) {
            let (x0, x1) = (V::load_array(&x4[c]), V::load_array(&x4[c + 1]));
            for r in 0..4 {
                acc[2 * r] = W::load4::<V>(&rows[r][c]).mul_add(x0, acc[2 * r]);
                acc[2 * r + 1] = W::load4::<V>(&rows[r][c + 1]).mul_add(x1, acc[2 * r + 1]);
            }
        }
        for r in 0..4 {
            let row = &w[(i + r) * n..(i + r + 1) * n];
            let mut s = acc[2 * r].add(acc[2 * r + 1]).sum();
            for (wj, xj) in row[body * 4..].iter().zip(&x[body * 4..]) {
                s += wj.get() * xj;
            }
            y[i + r] = s + b[i + r];
        }
        i += 4;
    }
    while i < m {
        y[i] = dot_lanes::<V, W>(&w[i * n..(i + 1) * n], x) + b[i];
        i += 1;
    }
    apply_lanes::<V>(act, y);
    Ok(())
}

/// Outputs per packed panel of Wᵀ: two vectors of accumulators per input.
const PANEL_COLS: usize = 8;
/// Depth (input features) of one packed panel: `PANEL_COLS · PANEL_DEPTH` floats, 8 KB on the
/// stack, so the kernel never allocates (and so cannot fail for memory). Wider layers are
/// done in slices of this depth, each continuing the sums the previous one stored.
const PANEL_DEPTH: usize = 256;

/// The batched dense layer as a register-blocked GEMM, `Y = X·Wᵀ + b`, in the style of
/// XNNPACK's `f32-gemm` wasmsimd micro-kernels: W is repacked, 8 outputs × up to 256 inputs
/// at a time, into a panel whose row `p` holds `W[j..j+8][p]` (`Wᵀ`, zero-padded past `m`);
/// then each tile of `R` inputs × 8 outputs keeps `2R` vector accumulators in registers and,
/// per input feature, loads the panel's two vectors once, broadcasts each input's value and
/// multiply-adds: `2R` independent chains (the FMA latency of the relaxed build is covered
/// from R = 4 on) and no horizontal sums. The panel stays in L1 while every input streams
/// past it. `R` is 4 for vector lanes; the scalar tier passes 1 (`[f32; 4]` arrays have no
/// registers to spare).
///
/// Every output is one sequential chain, `b + x₀w₀ + x₁w₁ + …`, whatever the tile and the
/// table, so all tables give the same bits (the relaxed build fuses each step). `shuffle`
/// selects how each input value reaches its lanes (the `broadcast` and `shuffle` forms of
/// kernels/ABI.md "Kernel forms"): a flag and not two instantiations, so both forms are one
/// wasm function, which an engine optimises once it is hot whichever form made it hot; as two
/// functions, SpiderMonkey ran the second form in its baseline code for the first 8 ms of calls
/// and the page's calibration read that as the form being slower.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub fn dense_batch_tiled<V: F32Lanes, const R: usize>(
    w: &[f32],
    xs: &[f32],
    b: &[f32],
    ys: &mut [f32],
    m: usize,
    n: usize,
    batch: usize,
    act: Activation,
    shuffle: bool,
) -> Result<(), KernelError> {
    check(w.len(), xs.len(), b.len(), ys.len(), m, n, batch)?;
    let mut panel = [[0.0f32; PANEL_COLS]; PANEL_DEPTH];
    for j0 in (0..m).step_by(PANEL_COLS) {
        let cols = (m - j0).min(PANEL_COLS);
        let mut bias = [0.0f32; PANEL_COLS];
        bias[..cols].copy_from_slice(&b[j0..j0 + cols]);
        for p0 in (0..n).step_by(PANEL_DEPTH) {
            let depth = (n - p0).min(PANEL_DEPTH);
            let panel = &mut panel[..depth];
            for c in 0..PANEL_COLS {
                if c < cols {
                    let wrow = &w[(j0 + c) * n + p0..(j0 + c) * n + p0 + depth];
                    for (dst, &v) in panel.iter_mut().zip(wrow) {
                        dst[c] = v;
                    }
                } else {
                    panel.iter_mut().for_each(|dst| dst[c] = 0.0);
                }
            }
            let tile = Tile {
                panel,
                n,
                m,
                p0,
                j0,
                cols,
                bias: &bias,
            };
            let mut k = 0;
            while k + R <= batch {
                tile.run::<V, R>(xs, ys, k, shuffle);
                k += R;
            }
            while k < batch {
                tile.run::<V, 1>(xs, ys, k, shuffle);
                k += 1;
            }
        }
    }
    apply_lanes::<V>(act, ys);
    Ok(())
}

/// One packed panel and where it sits in W.
struct Tile<'a> {
    panel: &'a [[f32; PANEL_COLS]],
    n: usize,
    m: usize,
    /// First input feature of the panel (0: the sums start from the bias).
    p0: usize,
    /// First output of the panel, and how many of its 8 columns are real.
    j0: usize,
    cols: usize,
    bias: &'a [f32; PANEL_COLS],
}

impl Tile<'_> {
    /// Inputs `k..k + Q` against the panel: `ys[k + q][j0..j0 + cols]` gets (or, past the
    /// first panel of a wide layer, continues) the sums.
    #[inline(always)]
    fn run<V: F32Lanes, const Q: usize>(
        &self,
        xs: &[f32],
        ys: &mut [f32],
        k: usize,
        shuffle: bool,
    ) {
        let depth = self.panel.len();
        let rows: [&[f32]; Q] =
            core::array::from_fn(|q| &xs[(k + q) * self.n + self.p0..][..depth]);
        let mut acc: [[V; 2]; Q] = core::array::from_fn(|q| {
            let start: [f32; PANEL_COLS] = if self.p0 == 0 {
                *self.bias
            } else {
                let mut s = [0.0; PANEL_COLS];
                let at = (k + q) * self.m + self.j0;
                s[..self.cols].copy_from_slice(&ys[at..at + self.cols]);
                s
            };
            [V::load(&start[..4]), V::load(&start[4..])]
        });
        if shuffle {
            // Four input features at a time: one vector load of each input's next four values,
            // then each lane broadcast by a shuffle (XNNPACK's x86 wasmsimd GEMMs), instead of
            // a splatting load per value. Same products, same order: the same bits.
            let (panel4, panel_tail) = self.panel.as_chunks::<4>();
            let x4: [&[[f32; 4]]; Q] = core::array::from_fn(|q| rows[q].as_chunks::<4>().0);
            for (c, wp4) in panel4.iter().enumerate() {
                let xv: [V; Q] = core::array::from_fn(|q| V::load_array(&x4[q][c]));
                lane_step::<V, Q, 0>(&wp4[0], &xv, &mut acc);
                lane_step::<V, Q, 1>(&wp4[1], &xv, &mut acc);
                lane_step::<V, Q, 2>(&wp4[2], &xv, &mut acc);
                lane_step::<V, Q, 3>(&wp4[3], &xv, &mut acc);
            }
            let p0 = panel4.len() * 4;
            for (p, wp) in panel_tail.iter().enumerate() {
                let (w0, w1) = (V::load(&wp[..4]), V::load(&wp[4..]));
                for (a, row) in acc.iter_mut().zip(&rows) {
                    let x = V::splat(row[p0 + p]);
                    a[0] = x.mul_add(w0, a[0]);
                    a[1] = x.mul_add(w1, a[1]);
                }
            }
        } else if let ([r0, r1, r2, r3], [a0, a1, a2, a3]) = (&rows[..], &mut acc[..]) {
            // Four inputs (the hot case), as zipped iterators: no index, so no bounds check
            // and no per-row address arithmetic in the loop.
            let xs4 = r0.iter().zip(*r1).zip(*r2).zip(*r3);
            for (wp, (((&x0, &x1), &x2), &x3)) in self.panel.iter().zip(xs4) {
                let (w0, w1) = (V::load(&wp[..4]), V::load(&wp[4..]));
                for (a, x) in [
                    (&mut *a0, x0),
                    (&mut *a1, x1),
                    (&mut *a2, x2),
                    (&mut *a3, x3),
                ] {
                    let x = V::splat(x);
                    a[0] = x.mul_add(w0, a[0]);
                    a[1] = x.mul_add(w1, a[1]);
                }
            }
        } else {
            for (p, wp) in self.panel.iter().enumerate() {
                let (w0, w1) = (V::load(&wp[..4]), V::load(&wp[4..]));
                for (a, row) in acc.iter_mut().zip(&rows) {
                    let x = V::splat(row[p]);
                    a[0] = x.mul_add(w0, a[0]);
                    a[1] = x.mul_add(w1, a[1]);
                }
            }
        }
        for (q, a) in acc.iter().enumerate() {
            let at = (k + q) * self.m + self.j0;
            if self.cols == PANEL_COLS {
                a[0].store(&mut ys[at..]);
                a[1].store(&mut ys[at + 4..]);
            } else {
                let mut s = [0.0; PANEL_COLS];
                a[0].store(&mut s[..4]);
                a[1].store(&mut s[4..]);
                ys[at..at + self.cols].copy_from_slice(&s[..self.cols]);
            }
        }
    }
}

/// One input feature of the `shuffle` form: the panel row `wp` (8 outputs) against lane `L` of
/// each input's vector of four features.
#[inline(always)]
fn lane_step<V: F32Lanes, const Q: usize, const L: usize>(
    wp: &[f32; PANEL_COLS],
    xv: &[V; Q],
    acc: &mut [[V; 2]; Q],
) {
    let (w0, w1) = (V::load(&wp[..4]), V::load(&wp[4..]));
    for (a, x) in acc.iter_mut().zip(xv) {
        let x = x.lane::<L>();
        a[0] = x.mul_add(w0, a[0]);
        a[1] = x.mul_add(w1, a[1]);
    }
}

/// The batched layer with 4-input tiles (8 accumulator vectors): what the SIMD tables run, in
/// the `broadcast` form (`SHUFFLE` false: each input value splatted from memory) or the
/// `shuffle` form (each input's values loaded four at a time and broadcast by lane shuffles;
/// kernels/ABI.md "Kernel forms"). SpiderMonkey runs the splatting loads slower than V8 and
/// JavaScriptCore do, so which form is faster depends on the engine: the page's calibration
/// picks. The const parameter only names the form as a function item for the dispatch table;
/// both call the one [`dense_batch_tiled`].
#[allow(clippy::too_many_arguments)]
pub fn dense_batch_lanes<V: F32Lanes, const SHUFFLE: bool>(
    w: &[f32],
    xs: &[f32],
    b: &[f32],
    ys: &mut [f32],
    m: usize,
    n: usize,
    batch: usize,
    act: Activation,
) -> Result<(), KernelError> {
    dense_batch_tiled::<V, 4>(w, xs, b, ys, m, n, batch, act, SHUFFLE)
}
