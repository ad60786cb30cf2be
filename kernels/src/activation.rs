//! Activation functions, in place over `&mut [f32]`.
//!
//! | kind | f(x) |
//! |---|---|
//! | identity | x |
//! | ReLU | `x < 0 ? 0 : x` (NaN stays NaN) |
//! | leaky ReLU | `x < 0 ? 0.01·x : x` |
//! | sigmoid | `1 / (1 + e^(−x))` |
//! | tanh | `1 − 2 / (e^(2x) + 1)` |
//! | GELU (tanh form) | `½x(1 + tanh u) = x · sigmoid(2u)`, `u = √(2/π)(x + 0.044715x³)`; `x < −10 → 0` |
//!
//! GELU is evaluated as `x · sigmoid(2u)`: the same function as the tanh form, but without the
//! cancellation in `1 + tanh u` for large negative x.
//!
//! `exp` is computed the same way in every tier (Cephes `expf`): clamp x to
//! [−87.3, 88.3], `n = round_even(x·log₂e)`, Cody–Waite reduction
//! `r = (x − n·C1) − n·C2` with `C1 + C2 = ln 2`, a degree-5 polynomial for
//! `(e^r − 1 − r)/r²`, and `2ⁿ` built in the exponent bits. `x > 88.72 → +∞`,
//! `x < −87.33 → 0`, NaN → NaN. Relative error ≈ 1 ulp on the clamped range, which keeps
//! every activation within 2e−6 absolute of the f64 reference on [−20, 20].
//!
//! The scalar and SIMD versions perform the same f32 operations in the same order (no FMA in
//! either), so they agree bit for bit; the JS tier repeats them with `Math.fround`.
// The Cephes constants keep their published digits (more than f32 holds; the f32 values
// are pinned by bit pattern in activation.js and checked by the JS tests).
#![allow(clippy::excessive_precision)]
use crate::simd::{F32x4, U32x4};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Activation {
    Identity = 0,
    Relu = 1,
    LeakyRelu = 2,
    Sigmoid = 3,
    Tanh = 4,
    Gelu = 5,
}

impl Activation {
    pub const ALL: [Activation; 6] = [
        Activation::Identity,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Gelu,
    ];

    pub fn from_u32(k: u32) -> Option<Activation> {
        Activation::ALL.get(k as usize).copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Gelu => "gelu",
        }
    }
}

pub const LEAKY_ALPHA: f32 = 0.01;
pub const EXP_HI: f32 = 88.3;
pub const EXP_LO: f32 = -87.3;
pub const EXP_INF_ABOVE: f32 = 88.72283;
pub const EXP_ZERO_BELOW: f32 = -87.33654;
pub const LOG2E: f32 = std::f32::consts::LOG2_E;
pub const LN2_C1: f32 = 0.693_359_4;
pub const LN2_C2: f32 = -2.121_944_4e-4;
pub const P0: f32 = 1.987_569_1e-4;
pub const P1: f32 = 1.398_199_9e-3;
pub const P2: f32 = 8.333_452e-3;
pub const P3: f32 = 4.166_579_6e-2;
pub const P4: f32 = 1.666_666_5e-1;
pub const P5: f32 = 5.000_000_1e-1;
pub const GELU_2C: f32 = 2.0 * 0.797_884_6; // 2·√(2/π)
pub const GELU_K: f32 = 0.044_715;
pub const GELU_ZERO_BELOW: f32 = -10.0;
/// 1.5·2²³: adding it rounds an f32 below 2²² in magnitude to an integer, ties to even.
pub const ROUND_MAGIC: f32 = 12_582_912.0;

/// Scalar `exp`, step for step the SIMD one. The clamp is spelled out (not `f32::clamp`) so
/// that NaN passes through exactly as in the vector `pmin`/`pmax`.
#[inline]
#[allow(clippy::manual_clamp)]
pub fn exp_scalar(x: f32) -> f32 {
    let c = if x > EXP_HI {
        EXP_HI
    } else if x < EXP_LO {
        EXP_LO
    } else {
        x
    };
    let n = (c * LOG2E).round_ties_even();
    let r = (c - n * LN2_C1) - n * LN2_C2;
    let p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5;
    let y = (p * (r * r) + r) + 1.0;
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    let e = y * scale;
    if x > EXP_INF_ABOVE {
        f32::INFINITY
    } else if x < EXP_ZERO_BELOW {
        0.0
    } else if x.is_nan() {
        x
    } else {
        e
    }
}

#[inline(always)]
pub fn exp_simd(x: F32x4) -> F32x4 {
    let hi = F32x4::splat(EXP_HI);
    let lo = F32x4::splat(EXP_LO);
    // Same as `x > hi ? hi : x` then `c < lo ? lo : c` (the scalar order), NaN kept.
    let c = x.pmin(hi).pmax(lo);
    // NaN lanes: comparisons are false, so c is NaN here; n's conversion is then garbage but
    // the lane is replaced by x at the end.
    // Round to nearest even by adding 1.5·2²³: the sum's low mantissa bits are n itself, so
    // one add gives both the rounded float and (subtracting the constant's bits) the integer;
    // cheaper than nearest + saturating conversion, and the same n as the scalar
    // `round_ties_even` for every |x·log₂e| < 2²².
    let t = c.mul(F32x4::splat(LOG2E)).add(F32x4::splat(ROUND_MAGIC));
    let n = t.sub(F32x4::splat(ROUND_MAGIC));
    let r = c
        .sub(n.mul(F32x4::splat(LN2_C1)))
        .sub(n.mul(F32x4::splat(LN2_C2)));
    let mut p = F32x4::splat(P0).mul(r).add(F32x4::splat(P1));
    p = p.mul(r).add(F32x4::splat(P2));
    p = p.mul(r).add(F32x4::splat(P3));
    p = p.mul(r).add(F32x4::splat(P4));
    p = p.mul(r).add(F32x4::splat(P5));
    let y = p.mul(r.mul(r)).add(r).add(F32x4::splat(1.0));
    let ni = t
        .bits()
        .add(U32x4::splat(127u32.wrapping_sub(ROUND_MAGIC.to_bits())))
        .shl::<23>();
    let e = y.mul(F32x4::from_bits(ni));
    let e = x
        .gt(F32x4::splat(EXP_INF_ABOVE))
        .select(F32x4::splat(f32::INFINITY), e);
    let e = x.lt(F32x4::splat(EXP_ZERO_BELOW)).select(F32x4::zero(), e);
    x.eq(x).select(e, x)
}

#[inline(always)]
fn sigmoid_s(x: f32) -> f32 {
    1.0 / (1.0 + exp_scalar(0.0 - x))
}
#[inline(always)]
fn tanh_s(x: f32) -> f32 {
    1.0 - 2.0 / (exp_scalar(x + x) + 1.0)
}
#[inline(always)]
fn gelu_s(x: f32) -> f32 {
    let inner = x + GELU_K * (x * x * x);
    let g = x * sigmoid_s(GELU_2C * inner);
    if x < GELU_ZERO_BELOW {
        0.0
    } else {
        g
    }
}

/// One element, scalar. `act(x)`.
#[inline]
pub fn apply_one(act: Activation, x: f32) -> f32 {
    match act {
        Activation::Identity => x,
        Activation::Relu => {
            if x < 0.0 {
                0.0
            } else {
                x
            }
        }
        Activation::LeakyRelu => {
            if x < 0.0 {
                LEAKY_ALPHA * x
            } else {
                x
            }
        }
        Activation::Sigmoid => sigmoid_s(x),
        Activation::Tanh => tanh_s(x),
        Activation::Gelu => gelu_s(x),
    }
}

pub fn apply_scalar(act: Activation, xs: &mut [f32]) {
    if act == Activation::Identity {
        return;
    }
    for x in xs {
        *x = apply_one(act, *x);
    }
}

#[inline(always)]
fn sigmoid_v(x: F32x4) -> F32x4 {
    let one = F32x4::splat(1.0);
    one.div(one.add(exp_simd(F32x4::zero().sub(x))))
}

/// Four lanes of `act`. `-x` is formed as `0 - x`, which differs from negation only for x = 0
/// (−0 vs +0): e^(±0) = 1 either way, so results are unchanged.
#[inline(always)]
pub fn apply_v(act: Activation, x: F32x4) -> F32x4 {
    let zero = F32x4::zero();
    match act {
        Activation::Identity => x,
        Activation::Relu => x.lt(zero).select(zero, x),
        Activation::LeakyRelu => x.lt(zero).select(x.mul(F32x4::splat(LEAKY_ALPHA)), x),
        Activation::Sigmoid => sigmoid_v(x),
        Activation::Tanh => {
            let one = F32x4::splat(1.0);
            one.sub(F32x4::splat(2.0).div(exp_simd(x.add(x)).add(one)))
        }
        Activation::Gelu => {
            let inner = x.add(F32x4::splat(GELU_K).mul(x.mul(x).mul(x)));
            let g = x.mul(sigmoid_v(F32x4::splat(GELU_2C).mul(inner)));
            x.lt(F32x4::splat(GELU_ZERO_BELOW)).select(zero, g)
        }
    }
}

pub fn apply_simd(act: Activation, xs: &mut [f32]) {
    if act == Activation::Identity {
        return;
    }
    let mut chunks = xs.chunks_exact_mut(4);
    for c in &mut chunks {
        apply_v(act, F32x4::load(c)).store(c);
    }
    for x in chunks.into_remainder() {
        *x = apply_one(act, *x);
    }
}
