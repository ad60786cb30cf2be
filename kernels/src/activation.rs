//! Activation functions, in place over `&mut [f32]`.
//!
//! | kind | f(x) |
//! |---|---|
//! | identity | x |
//! | ReLU | `x < 0 ? 0 : x` (NaN stays NaN) |
//! | leaky ReLU | `x < 0 ? 0.01·x : x` |
//! | sigmoid | `1 / (1 + e^(−x))` |
//! | tanh | `(1 − e^(−2|x|)) / (1 + e^(−2|x|))`, with the sign of x |
//! | GELU (tanh form) | `½x(1 + tanh u) = x · sigmoid(2u)`, `u = √(2/π)(x + 0.044715x³)`; `x < −10 → 0` |
//!
//! Every transcendental goes through one function, `e = exp(−z)` for `z = |·| ≥ 0`, in the
//! form XNNPACK's `f32-vsigmoid` wasmsimd kernels use (rr2-p5), chosen because each step is
//! one cheap vector instruction in every engine:
//! - `n = z·(−log₂e) + magic` with `magic = 1.5·2²³ + 127`: the add rounds `−z·log₂e` to an
//!   integer *and* leaves `n + 127` in the low mantissa bits, so `s = bits(n) << 23` is 2ⁿ
//!   as an f32 — no float↔int conversion (which V8 lowers to long sequences on x86) and no
//!   clamp;
//! - Cody–Waite reduction `t = (z + n·ln2_hi) + n·ln2_lo`, a degree-5 polynomial
//!   `p(t)`, and `e = s + (t·s)·p`;
//! - `z > 87.34` (where e would be subnormal) gives `e = 0`.
//!
//! Sigmoid is `e/(1 + e)` for x < 0 and `1 − e/(1 + e)` otherwise (`z = |x|`: no overflow,
//! no cancellation); tanh uses `z = 2|x|` and `(1 − e)/(1 + e)` with x's sign; GELU is
//! `x · sigmoid(2u)`. NaN stays NaN, ±∞ give the limits. Max abs error vs f64 on
//! [−20, 20] ≤ 2e−6 (tests: `tests/conformance.rs`).
//!
//! One lane source for every table: the scalar tier runs it on `[f32; 4]` arrays and tails
//! shorter than four are padded into one 4-lane block, so scalar, SIMD and the tail give the
//! same bits. The relaxed-SIMD build fuses the multiply-adds of the reduction and the
//! polynomial (`mul_add`), as XNNPACK's relaxed kernels do.
use crate::simd::{array, F32Lanes, MaskLanes};

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
/// 1.5·2²³ + 127 (XNNPACK's `magic_bias` 0x1.8000FEp23).
pub const EXP_MAGIC: f32 = f32::from_bits(0x4B40_007F);
pub const MINUS_LOG2E: f32 = f32::from_bits(0xBFB8_AA3B);
/// ln 2 split so `n·LN2_HI` is exact for the n that occur (0x1.62E400p-1, 0x1.7F7D1Cp-20).
pub const LN2_HI: f32 = f32::from_bits(0x3F31_7200);
pub const LN2_LO: f32 = f32::from_bits(0x35BF_BE8E);
/// The degree-5 polynomial of `(e^(−t) − 1)/t`-style reduction, XNNPACK's rr2-p5 minimax
/// coefficients (−0x1.FFFFF6p-1, 0x1.FFFDC6p-2, −0x1.555A80p-3, 0x1.573A1Ap-5,
/// −0x1.0F9F9Cp-7).
pub const C1: f32 = f32::from_bits(0xBF7F_FFFB);
pub const C2: f32 = f32::from_bits(0x3EFF_FEE3);
pub const C3: f32 = f32::from_bits(0xBE2A_AD40);
pub const C4: f32 = f32::from_bits(0x3D2B_9D0D);
pub const C5: f32 = f32::from_bits(0xBC07_CFCE);
/// Above this z, e^(−z) is subnormal: the result is taken as 0 (0x1.5D589Ep+6 ≈ 87.3365).
pub const EXP_ZERO_ABOVE: f32 = f32::from_bits(0x42AE_AC4F);
pub const GELU_2C: f32 = 2.0 * 0.797_884_6; // 2·√(2/π)
pub const GELU_K: f32 = 0.044_715;
pub const GELU_ZERO_BELOW: f32 = -10.0;

/// `e^(−z)` for `z ≥ 0` (NaN stays NaN, +∞ gives 0), four lanes.
#[inline(always)]
pub fn exp_neg<V: F32Lanes>(z: V) -> V {
    let magic = V::splat(EXP_MAGIC);
    let n = z.mul_add(V::splat(MINUS_LOG2E), magic);
    let s = V::from_bits(n.bits().shl::<23>());
    let n = n.sub(magic);
    let t = n.mul_add(V::splat(LN2_HI), z);
    let t = n.mul_add(V::splat(LN2_LO), t);
    let p = t.mul_add(V::splat(C5), V::splat(C4));
    let p = t.mul_add(p, V::splat(C3));
    let p = t.mul_add(p, V::splat(C2));
    let p = t.mul_add(p, V::splat(C1));
    let ts = t.mul(s);
    let e = ts.mul_add(p, s);
    // Past the cut-off the shift above wrapped the exponent: force 0 (NaN compares false).
    z.gt(V::splat(EXP_ZERO_ABOVE)).select(V::zero(), e)
}

/// `|x|` by clearing the sign bit.
#[inline(always)]
fn abs<V: F32Lanes>(x: V) -> V {
    V::from_bits(x.bits().and(V::Mask::splat(0x7FFF_FFFF)))
}

#[inline(always)]
fn sigmoid_v<V: F32Lanes>(x: V) -> V {
    let one = V::splat(1.0);
    let e = exp_neg(abs(x));
    let f = e.div(e.add(one));
    // σ(x) = f for x < 0, 1 − f for x ≥ 0 (and NaN: 1 − NaN = NaN).
    x.lt(V::zero()).select(f, one.sub(f))
}

#[inline(always)]
fn tanh_v<V: F32Lanes>(x: V) -> V {
    let one = V::splat(1.0);
    let z = abs(x);
    let e = exp_neg(z.add(z));
    let f = one.sub(e).div(one.add(e));
    // Put x's sign back on f (tanh is odd; NaN stays NaN).
    let sign = x.bits().and(V::Mask::splat(0x8000_0000));
    V::from_bits(f.bits().or(sign))
}

/// Four lanes of `act`.
#[inline(always)]
pub fn apply_v<V: F32Lanes>(act: Activation, x: V) -> V {
    let zero = V::zero();
    match act {
        Activation::Identity => x,
        Activation::Relu => x.lt(zero).select(zero, x),
        Activation::LeakyRelu => x.lt(zero).select(x.mul(V::splat(LEAKY_ALPHA)), x),
        Activation::Sigmoid => sigmoid_v(x),
        Activation::Tanh => tanh_v(x),
        Activation::Gelu => {
            let inner = x.add(V::splat(GELU_K).mul(x.mul(x).mul(x)));
            let g = x.mul(sigmoid_v(V::splat(GELU_2C).mul(inner)));
            x.lt(V::splat(GELU_ZERO_BELOW)).select(zero, g)
        }
    }
}

/// `act` over `xs` in place, four lanes at a time on lane type `V`, sixteen per loop turn
/// (four independent dependency chains for the engine to overlap); a tail shorter than four
/// is padded into one 4-lane block, so every element takes the same path.
pub fn apply_lanes<V: F32Lanes>(act: Activation, xs: &mut [f32]) {
    if act == Activation::Identity {
        return;
    }
    let mut blocks = xs.chunks_exact_mut(16);
    for c in &mut blocks {
        let (a, b) = c.split_at_mut(8);
        let (a0, a1) = a.split_at_mut(4);
        let (b0, b1) = b.split_at_mut(4);
        let (y0, y1, y2, y3) = (
            apply_v(act, V::load(a0)),
            apply_v(act, V::load(a1)),
            apply_v(act, V::load(b0)),
            apply_v(act, V::load(b1)),
        );
        y0.store(a0);
        y1.store(a1);
        y2.store(b0);
        y3.store(b1);
    }
    let rest = blocks.into_remainder();
    let mut fours = rest.chunks_exact_mut(4);
    for c in &mut fours {
        apply_v(act, V::load(c)).store(c);
    }
    let tail = fours.into_remainder();
    if !tail.is_empty() {
        let mut pad = [0.0f32; 4];
        pad[..tail.len()].copy_from_slice(tail);
        let y = apply_v(act, V::load(&pad)).to_array();
        tail.copy_from_slice(&y[..tail.len()]);
    }
}

/// One element: the same lanes on an array, so it equals what any table gives for `x`.
pub fn apply_one(act: Activation, x: f32) -> f32 {
    apply_v(act, array::F32x4::splat(x)).to_array()[0]
}
