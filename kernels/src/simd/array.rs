//! The array backend: `[f32; 4]` lanes in plain Rust, compiled for every target. Without
//! `simd128` LLVM cannot vectorise it, so in the scalar wasm module this is scalar code that
//! keeps the SIMD kernels' blocking and independent accumulators.
use super::{F32Lanes, MaskLanes};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct F32x4(pub [f32; 4]);
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct U32x4(pub [u32; 4]);

#[inline(always)]
fn m(b: bool) -> u32 {
    if b {
        u32::MAX
    } else {
        0
    }
}

/// `r`, or `a` where `a` is NaN. With relaxed SIMD enabled, LLVM vectorises these lanes and
/// turns the `b < a ? b : a` select into `f32x4.relaxed_min`/`relaxed_max`, which may return
/// the other operand for a NaN (V8 on x86 does); the explicit NaN check keeps pmin/pmax's
/// semantics there. Other builds need no check (the select is all there is).
#[inline(always)]
fn keep_nan(a: f32, r: f32) -> f32 {
    if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) && a.is_nan() {
        a
    } else {
        r
    }
}

#[inline(always)]
fn f2(a: [f32; 4], b: [f32; 4], g: impl Fn(f32, f32) -> f32) -> F32x4 {
    F32x4([g(a[0], b[0]), g(a[1], b[1]), g(a[2], b[2]), g(a[3], b[3])])
}
#[inline(always)]
fn cmp(a: [f32; 4], b: [f32; 4], g: impl Fn(f32, f32) -> bool) -> U32x4 {
    U32x4([
        m(g(a[0], b[0])),
        m(g(a[1], b[1])),
        m(g(a[2], b[2])),
        m(g(a[3], b[3])),
    ])
}
#[inline(always)]
fn u(a: [u32; 4], g: impl Fn(u32) -> u32) -> U32x4 {
    U32x4([g(a[0]), g(a[1]), g(a[2]), g(a[3])])
}
#[inline(always)]
fn u2(a: [u32; 4], b: [u32; 4], g: impl Fn(u32, u32) -> u32) -> U32x4 {
    U32x4([g(a[0], b[0]), g(a[1], b[1]), g(a[2], b[2]), g(a[3], b[3])])
}

impl F32Lanes for F32x4 {
    type Mask = U32x4;
    const BACKEND: &'static str = "array";
    #[inline(always)]
    fn splat(x: f32) -> Self {
        F32x4([x; 4])
    }
    #[inline(always)]
    fn load_array(a: &[f32; 4]) -> Self {
        F32x4(*a)
    }
    #[inline(always)]
    fn store_array(self, a: &mut [f32; 4]) {
        *a = self.0;
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        f2(self.0, o.0, |a, b| a + b)
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        f2(self.0, o.0, |a, b| a - b)
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        f2(self.0, o.0, |a, b| a * b)
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        f2(self.0, o.0, |a, b| a / b)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        self.mul(b).add(c)
    }
    #[inline(always)]
    fn pmin(self, o: Self) -> Self {
        f2(self.0, o.0, |a, b| keep_nan(a, if b < a { b } else { a }))
    }
    #[inline(always)]
    fn pmax(self, o: Self) -> Self {
        f2(self.0, o.0, |a, b| keep_nan(a, if a < b { b } else { a }))
    }
    #[inline(always)]
    fn lt(self, o: Self) -> U32x4 {
        cmp(self.0, o.0, |a, b| a < b)
    }
    #[inline(always)]
    fn le(self, o: Self) -> U32x4 {
        cmp(self.0, o.0, |a, b| a <= b)
    }
    #[inline(always)]
    fn gt(self, o: Self) -> U32x4 {
        cmp(self.0, o.0, |a, b| a > b)
    }
    #[inline(always)]
    fn ge(self, o: Self) -> U32x4 {
        cmp(self.0, o.0, |a, b| a >= b)
    }
    #[inline(always)]
    fn eq(self, o: Self) -> U32x4 {
        cmp(self.0, o.0, |a, b| a == b)
    }
    #[inline(always)]
    fn from_i32(v: U32x4) -> Self {
        let a = v.0;
        F32x4([
            a[0] as i32 as f32,
            a[1] as i32 as f32,
            a[2] as i32 as f32,
            a[3] as i32 as f32,
        ])
    }
    #[inline(always)]
    fn bits(self) -> U32x4 {
        let a = self.0;
        U32x4([
            a[0].to_bits(),
            a[1].to_bits(),
            a[2].to_bits(),
            a[3].to_bits(),
        ])
    }
    #[inline(always)]
    fn from_bits(v: U32x4) -> Self {
        let a = v.0;
        F32x4([
            f32::from_bits(a[0]),
            f32::from_bits(a[1]),
            f32::from_bits(a[2]),
            f32::from_bits(a[3]),
        ])
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        self.0
    }
    #[inline(always)]
    fn lane<const L: usize>(self) -> Self {
        F32x4([self.0[L]; 4])
    }
}

impl MaskLanes for U32x4 {
    type F = F32x4;
    #[inline(always)]
    fn splat(x: u32) -> Self {
        U32x4([x; 4])
    }
    #[inline(always)]
    fn load_array(a: &[u32; 4]) -> Self {
        U32x4(*a)
    }
    #[inline(always)]
    fn store_array(self, a: &mut [u32; 4]) {
        *a = self.0;
    }
    #[inline(always)]
    fn load_u16(a: &[u16; 4]) -> Self {
        U32x4(a.map(u32::from))
    }
    #[inline(always)]
    fn store_u16(self, a: &mut [u16; 4]) {
        *a = self.0.map(|x| x as u16);
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        u2(self.0, o.0, u32::wrapping_add)
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        u2(self.0, o.0, |a, b| a & b)
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        u2(self.0, o.0, |a, b| a | b)
    }
    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        u2(self.0, o.0, |a, b| a ^ b)
    }
    #[inline(always)]
    fn andnot(self, o: Self) -> Self {
        u2(self.0, o.0, |a, b| a & !b)
    }
    #[inline(always)]
    fn shl<const N: i32>(self) -> Self {
        u(self.0, |a| a << N)
    }
    #[inline(always)]
    fn shr<const N: i32>(self) -> Self {
        u(self.0, |a| a >> N)
    }
    #[inline(always)]
    fn select(self, a: F32x4, b: F32x4) -> F32x4 {
        let (mm, a, b) = (self.0, a.0, b.0);
        F32x4([
            if mm[0] >> 31 != 0 { a[0] } else { b[0] },
            if mm[1] >> 31 != 0 { a[1] } else { b[1] },
            if mm[2] >> 31 != 0 { a[2] } else { b[2] },
            if mm[3] >> 31 != 0 { a[3] } else { b[3] },
        ])
    }
    #[inline(always)]
    fn bitmask(self) -> u32 {
        let a = self.0;
        (a[0] >> 31) | ((a[1] >> 31) << 1) | ((a[2] >> 31) << 2) | ((a[3] >> 31) << 3)
    }
    #[inline(always)]
    fn to_array(self) -> [u32; 4] {
        self.0
    }
}
