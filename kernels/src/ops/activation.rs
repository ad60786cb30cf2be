//! Activation functions, in place over `&mut [f32]`.
//!
//! | kind | f(x) |
//! |---|---|
//! | identity | x |
//! | ReLU | `x < 0 ? 0 : x` (NaN stays NaN) |
//! | leaky ReLU | `x < 0 ? 0.01·x : x` |
//! | sigmoid | `1 / (1 + e^(−x))` |
//! | tanh | `(1 − e^(−2x)) / (1 + e^(−2x))` |
//! | GELU (tanh form) | `½x(1 + tanh u) = x · sigmoid(2u)`, `u = √(2/π)(x + 0.044715x³)`; `x < −10 → 0` |
//!
//! Every transcendental goes through one function, `e = e^(−z)` ([`exp_neg`]), built like
//! XNNPACK's `f32-vsigmoid` wasmsimd kernels (magic-bias exponent, polynomial, one division)
//! but with fewer instructions: V8 runs each wasm SIMD instruction as one or more x86
//! instructions in the order written (no scheduling, constants in registers), so the count
//! is the time. Per four sigmoids V8 emits 19 vector instructions (14 with relaxed SIMD's
//! FMA) where XNNPACK's rr2-p5-div kernel, the same scheme as this module had, takes about 30:
//! - the argument is clamped to `[−88.5, 88]` (`maxps`, `minps`), and that is the whole range
//!   handling: below −88.37, `n` (next step) rounds to 128, whose exponent field is all ones,
//!   so `2ⁿ` comes out as +∞ and sigmoid as exactly 0; above 87.68, `n` rounds to −127,
//!   exponent field 0, so `2ⁿ = +0` and sigmoid is exactly 1. No comparisons or selects, no
//!   `|x|` (V8 lowers `f32x4.abs` to three instructions), NaN stays NaN (`pmax`/`pmin` keep
//!   their first operand);
//! - `n = z·(−log₂e) + magic` with `magic = 1.5·2²³ + 127`: the add rounds `−z·log₂e` to an
//!   integer *and* leaves `n + 127` in the low mantissa bits, so `s = bits(n) << 23` is 2ⁿ
//!   as an f32 — no float↔int conversion (which V8 lowers to long sequences on x86);
//! - one-constant reduction `t = z + n·ln2` (XNNPACK's "rr1"): the rounding of `n·ln2` grows
//!   with |n| while `e ≈ 2ⁿ` shrinks, so the *absolute* error it adds stays below 3e−8; the
//!   contract is absolute, so the second (`ln2_lo`) step of "rr2" buys nothing here;
//! - `e = s · (1 + t·p(t))` (the product stays +∞ where `s` is, instead of `∞ − ∞`), with
//!   minimax coefficients for `(e^(−t) − 1)/t` on `[−ln2/2, ln2/2]`: [`P3`] (degree 4 in all,
//!   relative error of `e` 2.8e−6) for sigmoid and GELU, whose error is at most ¼ of that
//!   (`dσ/de · e = e/(1 + e)² ≤ ¼`), and [`P4`] (degree 5, 9.2e−8, XNNPACK's) for tanh, whose
//!   error can be half that of `e`.
//!
//! Sigmoid is `1/(1 + e^(−x))` on the whole line (relative accuracy on both sides, no sign
//! select, no `1 − f`); tanh clamps x to `[−9, 9]` (beyond, tanh rounds to within 3e−8 of ±1)
//! and takes `(1 − e)/(1 + e)` with `e = e^(−2x)`; GELU is `x · sigmoid(2u)`. NaN stays NaN,
//! ±∞ give the limits. Max abs error vs f64 on [−20, 20] ≤ 2e−6 (tests:
//! `tests/conformance.rs`; measured 7.5e−7 sigmoid, 1.3e−7 tanh, 5.2e−7 GELU).
//!
//! Each activation runs its own loop (the activation is chosen once per call, not per
//! vector), four vectors per turn so the engine sees independent chains. One lane source for
//! every table: the scalar tier runs it on `[f32; 4]` arrays and tails shorter than four are
//! padded into one 4-lane block, so scalar, SIMD and the tail give the same bits. The
//! relaxed-SIMD build fuses the multiply-adds of the reduction and the polynomial
//! (`mul_add`) and selects with `relaxed_laneselect`, as XNNPACK's relaxed kernels do.
use crate::simd::{array, F32Lanes, MaskLanes as _};

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
/// ln 2 rounded to f32 (0x1.62E430p-1).
pub const LN2: f32 = f32::from_bits(0x3F31_7218);
/// `exp_neg` clamps its argument to `[EXP_ARG_MIN, EXP_ARG_MAX]`. Below −88.37, `n` rounds
/// to 128, whose exponent field is all ones, so `2ⁿ` comes out as +∞ (the true `e^(−z)` is
/// above 2.4·10³⁸ there, sigmoid below 5e−39); above 87.68, `n` rounds to −127, exponent field
/// 0, so `2ⁿ` = +0 (the true value is below 2⁻¹²⁶).
pub const EXP_ARG_MIN: f32 = -88.5;
pub const EXP_ARG_MAX: f32 = 88.0;
/// tanh is taken on `[−9, 9]`: beyond, |tanh| rounds to within 3e−8 of 1, and the clamp keeps
/// `(1 − e)/(1 + e)` away from ∞/∞.
pub const TANH_CLAMP: f32 = 9.0;
/// Degree 3 in t (degree 4 for `e^(−t)`), minimax for `(e^(−t) − 1)/t` on ±ln2/2, relative
/// error of `e` 2.83e−6 after rounding to f32 (−0x1.FFFBA8p-1, 0x1.0003F4p-1,
/// −0x1.57CEB6p-3, 0x1.5414DAp-5).
pub const P3: [f32; 4] = [
    f32::from_bits(0xBF7F_FDD4),
    f32::from_bits(0x3F00_01FA),
    f32::from_bits(0xBE2B_E75B),
    f32::from_bits(0x3D2A_0A6D),
];
/// Degree 4 in t, XNNPACK's rr2-p5 coefficients, relative error 9.2e−8 (−0x1.FFFFF6p-1,
/// 0x1.FFFDC6p-2, −0x1.555A80p-3, 0x1.573A1Ap-5, −0x1.0F9F9Cp-7).
pub const P4: [f32; 5] = [
    f32::from_bits(0xBF7F_FFFB),
    f32::from_bits(0x3EFF_FEE3),
    f32::from_bits(0xBE2A_AD40),
    f32::from_bits(0x3D2B_9D0D),
    f32::from_bits(0xBC07_CFCE),
];
pub const GELU_2C: f32 = 2.0 * 0.797_884_6; // 2·√(2/π)
pub const GELU_K: f32 = 0.044_715;
/// 2·√(2/π)·0.044715: `2u = x·(GELU_2C + GELU_2CK·x²)`.
pub const GELU_2CK: f32 = GELU_2C * GELU_K;
pub const GELU_ZERO_BELOW: f32 = -10.0;

/// `e^(−z)`, four lanes, with `q(t) = 1 + t·(p[0] + p[1]·t + …)` for `e^(−t)` on ±ln2/2.
/// `z` is clamped to `[EXP_ARG_MIN, EXP_ARG_MAX]` first (NaN stays NaN): `z ≤ −88.5` gives
/// +∞, `z ≥ 88` gives +0, so callers need no range checks of their own.
#[inline(always)]
pub fn exp_neg<V: F32Lanes, const K: usize>(z: V, p: &[f32; K]) -> V {
    exp_neg_in_range(z.pmax(V::splat(EXP_ARG_MIN)).pmin(V::splat(EXP_ARG_MAX)), p)
}

/// [`exp_neg`] for `z` already inside `[EXP_ARG_MIN, EXP_ARG_MAX]` (or NaN): callers that
/// clamp tighter themselves (tanh) save the two instructions and two constant registers.
#[inline(always)]
fn exp_neg_in_range<V: F32Lanes, const K: usize>(z: V, p: &[f32; K]) -> V {
    let magic = V::splat(EXP_MAGIC);
    let n = z.mul_add(V::splat(MINUS_LOG2E), magic);
    let s = V::from_bits(n.bits().shl::<23>());
    let n = n.sub(magic);
    let t = n.mul_add(V::splat(LN2), z);
    let mut q = V::splat(p[K - 1]);
    for &c in p[..K - 1].iter().rev() {
        q = t.mul_add(q, V::splat(c));
    }
    // s·(1 + t·p) rather than s + (t·s)·p: where s = +∞ the product stays +∞ (q > 0) instead
    // of ∞ − ∞.
    s.mul(t.mul_add(q, V::splat(1.0)))
}

#[inline(always)]
fn relu_v<V: F32Lanes>(x: V) -> V {
    // `x < 0 ? 0 : x`: one maxps (NaN and −0 stay as they are).
    x.pmax(V::zero())
}

#[inline(always)]
fn leaky_relu_v<V: F32Lanes>(x: V) -> V {
    x.lt(V::zero()).select(x.mul(V::splat(LEAKY_ALPHA)), x)
}

#[inline(always)]
fn sigmoid_v<V: F32Lanes>(x: V) -> V {
    // 1/(1 + e^(−x)) for every x: e = +∞ (x ≤ −88.5) gives 0, e = 0 (x ≥ 88) gives 1, and no
    // sign select or `1 − f` is needed (relative accuracy on both sides).
    let one = V::splat(1.0);
    one.div(exp_neg(x, &P3).add(one))
}

#[inline(always)]
fn tanh_v<V: F32Lanes>(x: V) -> V {
    let one = V::splat(1.0);
    let x = x.pmax(V::splat(-TANH_CLAMP)).pmin(V::splat(TANH_CLAMP));
    let e = exp_neg_in_range(x.add(x), &P4);
    one.sub(e).div(one.add(e))
}

#[inline(always)]
fn gelu_v<V: F32Lanes>(x: V) -> V {
    let two_u = x.mul(x.mul(x).mul_add(V::splat(GELU_2CK), V::splat(GELU_2C)));
    let g = x.mul(sigmoid_v(two_u));
    // x = −∞ would give −∞·0 = NaN; the contract is 0 below −10.
    x.lt(V::splat(GELU_ZERO_BELOW)).select(V::zero(), g)
}

/// Four lanes of `act`.
#[inline(always)]
pub fn apply_v<V: F32Lanes>(act: Activation, x: V) -> V {
    match act {
        Activation::Identity => x,
        Activation::Relu => relu_v(x),
        Activation::LeakyRelu => leaky_relu_v(x),
        Activation::Sigmoid => sigmoid_v(x),
        Activation::Tanh => tanh_v(x),
        Activation::Gelu => gelu_v(x),
    }
}

/// `f` over `xs` in place, four lanes at a time on lane type `V`, sixteen per loop turn
/// (four independent dependency chains for the engine to overlap); a tail shorter than four
/// is padded into one 4-lane block, so every element takes the same path.
#[inline(always)]
fn map_lanes<V: F32Lanes>(xs: &mut [f32], f: impl Fn(V) -> V) {
    let (blocks, rest) = xs.as_chunks_mut::<16>();
    for c in blocks {
        let (q, _) = c.as_chunks_mut::<4>();
        let y = [
            f(V::load_array(&q[0])),
            f(V::load_array(&q[1])),
            f(V::load_array(&q[2])),
            f(V::load_array(&q[3])),
        ];
        for (v, out) in y.into_iter().zip(q.iter_mut()) {
            v.store_array(out);
        }
    }
    let (fours, tail) = rest.as_chunks_mut::<4>();
    for c in fours {
        f(V::load_array(c)).store_array(c);
    }
    if !tail.is_empty() {
        let mut pad = [0.0f32; 4];
        pad[..tail.len()].copy_from_slice(tail);
        let y = f(V::load_array(&pad)).to_array();
        tail.copy_from_slice(&y[..tail.len()]);
    }
}

/// `act` over `xs` in place: one loop per activation, so nothing is decided per vector.
pub fn apply_lanes<V: F32Lanes>(act: Activation, xs: &mut [f32]) {
    match act {
        Activation::Identity => {}
        Activation::Relu => map_lanes(xs, relu_v::<V>),
        Activation::LeakyRelu => map_lanes(xs, leaky_relu_v::<V>),
        Activation::Sigmoid => map_lanes(xs, sigmoid_v::<V>),
        Activation::Tanh => map_lanes(xs, tanh_v::<V>),
        Activation::Gelu => map_lanes(xs, gelu_v::<V>),
    }
}

/// One element: the same lanes on an array, so it equals what any table gives for `x`.
pub fn apply_one(act: Activation, x: f32) -> f32 {
    apply_v(act, array::F32x4::splat(x)).to_array()[0]
}
