//! The wasm32 `simd128` backend (`core::arch::wasm32` v128). In the relaxed-SIMD build
//! `mul_add` is `f32x4.relaxed_madd` (fused where the engine's CPU has FMA) and `select`
//! is `i32x4.relaxed_laneselect` (masks only, see [`MaskLanes::select`]).
use super::{F32Lanes, MaskLanes};
use core::arch::wasm32::*;

#[derive(Clone, Copy)]
pub struct F32x4(pub v128);
#[derive(Clone, Copy)]
pub struct U32x4(pub v128);

impl F32Lanes for F32x4 {
    type Mask = U32x4;
    const BACKEND: &'static str = if cfg!(target_feature = "relaxed-simd") {
        "wasm simd128 + relaxed"
    } else {
        "wasm simd128"
    };
    #[inline(always)]
    fn splat(x: f32) -> Self {
        F32x4(f32x4_splat(x))
    }
    #[inline(always)]
    fn load_array(a: &[f32; 4]) -> Self {
        // SAFETY: `a` is a reference to 4 initialised f32 (16 bytes); `v128_load` has no
        // alignment requirement.
        F32x4(unsafe { v128_load(a.as_ptr().cast::<v128>()) })
    }
    #[inline(always)]
    fn store_array(self, a: &mut [f32; 4]) {
        // SAFETY: `a` is an exclusive reference to 4 f32 (16 bytes); `v128_store` has no
        // alignment requirement.
        unsafe { v128_store(a.as_mut_ptr().cast::<v128>(), self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F32x4(f32x4_add(self.0, o.0))
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        F32x4(f32x4_sub(self.0, o.0))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F32x4(f32x4_mul(self.0, o.0))
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        F32x4(f32x4_div(self.0, o.0))
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        #[cfg(target_feature = "relaxed-simd")]
        {
            F32x4(f32x4_relaxed_madd(self.0, b.0, c.0))
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            self.mul(b).add(c)
        }
    }
    #[inline(always)]
    fn pmin(self, o: Self) -> Self {
        // With relaxed SIMD enabled, LLVM rewrites `f32x4.pmin(a, b)` into
        // `f32x4.relaxed_min(a, b)`, which V8 runs as `minps a, b`: that returns `b` for a NaN
        // lane, so `pmin(NaN, c)` would give `c`. Written as `relaxed_min(o, self)` it is
        // `minps o, self = o < self ? o : self` on x86 (V8, SpiderMonkey), exactly pmin's
        // result, NaN included, in one instruction; ARM's `fmin` also keeps a NaN `self`.
        // The conformance suite checks NaN through every clamp in this build.
        #[cfg(target_feature = "relaxed-simd")]
        {
            F32x4(f32x4_relaxed_min(o.0, self.0))
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            F32x4(f32x4_pmin(self.0, o.0))
        }
    }
    #[inline(always)]
    fn pmax(self, o: Self) -> Self {
        // As in `pmin`: `maxps o, self = o > self ? o : self`, pmax's result.
        #[cfg(target_feature = "relaxed-simd")]
        {
            F32x4(f32x4_relaxed_max(o.0, self.0))
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            F32x4(f32x4_pmax(self.0, o.0))
        }
    }
    #[inline(always)]
    fn lt(self, o: Self) -> U32x4 {
        U32x4(f32x4_lt(self.0, o.0))
    }
    #[inline(always)]
    fn le(self, o: Self) -> U32x4 {
        U32x4(f32x4_le(self.0, o.0))
    }
    #[inline(always)]
    fn gt(self, o: Self) -> U32x4 {
        U32x4(f32x4_gt(self.0, o.0))
    }
    #[inline(always)]
    fn ge(self, o: Self) -> U32x4 {
        U32x4(f32x4_ge(self.0, o.0))
    }
    #[inline(always)]
    fn eq(self, o: Self) -> U32x4 {
        U32x4(f32x4_eq(self.0, o.0))
    }
    #[inline(always)]
    fn from_i32(u: U32x4) -> Self {
        F32x4(f32x4_convert_i32x4(u.0))
    }
    #[inline(always)]
    fn bits(self) -> U32x4 {
        U32x4(self.0)
    }
    #[inline(always)]
    fn from_bits(u: U32x4) -> Self {
        F32x4(u.0)
    }
    #[inline(always)]
    fn lane<const L: usize>(self) -> Self {
        F32x4(i32x4_shuffle::<L, L, L, L>(self.0, self.0))
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(self.0),
            f32x4_extract_lane::<1>(self.0),
            f32x4_extract_lane::<2>(self.0),
            f32x4_extract_lane::<3>(self.0),
        ]
    }
}

impl MaskLanes for U32x4 {
    type F = F32x4;
    #[inline(always)]
    fn splat(x: u32) -> Self {
        U32x4(u32x4_splat(x))
    }
    #[inline(always)]
    fn load_array(a: &[u32; 4]) -> Self {
        // SAFETY: `a` is a reference to 4 initialised u32 (16 bytes); no alignment needed.
        U32x4(unsafe { v128_load(a.as_ptr().cast::<v128>()) })
    }
    #[inline(always)]
    fn store_array(self, a: &mut [u32; 4]) {
        // SAFETY: `a` is an exclusive reference to 4 u32 (16 bytes); no alignment needed.
        unsafe { v128_store(a.as_mut_ptr().cast::<v128>(), self.0) }
    }
    #[inline(always)]
    fn load_u16(a: &[u16; 4]) -> Self {
        // SAFETY: `a` is a reference to 4 initialised u16 (8 bytes), exactly what
        // `u32x4_load_extend_u16x4` reads; no alignment needed.
        U32x4(unsafe { u32x4_load_extend_u16x4(a.as_ptr()) })
    }
    #[inline(always)]
    fn store_u16(self, a: &mut [u16; 4]) {
        // The low halves of the four lanes (bytes 0-1, 4-5, 8-9, 12-13) into the low 8 bytes.
        let low =
            i8x16_shuffle::<0, 1, 4, 5, 8, 9, 12, 13, 0, 1, 4, 5, 8, 9, 12, 13>(self.0, self.0);
        // SAFETY: `a` is an exclusive reference to 4 u16 (8 bytes), exactly what lane 0 of
        // the u64 view writes; no alignment needed.
        unsafe { v128_store64_lane::<0>(low, a.as_mut_ptr().cast::<u64>()) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        U32x4(i32x4_add(self.0, o.0))
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        U32x4(v128_and(self.0, o.0))
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        U32x4(v128_or(self.0, o.0))
    }
    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        U32x4(v128_xor(self.0, o.0))
    }
    #[inline(always)]
    fn andnot(self, o: Self) -> Self {
        U32x4(v128_andnot(self.0, o.0))
    }
    #[inline(always)]
    fn not(self) -> Self {
        U32x4(v128_not(self.0))
    }
    #[inline(always)]
    fn shl<const N: i32>(self) -> Self {
        U32x4(i32x4_shl(self.0, N as u32))
    }
    #[inline(always)]
    fn shr<const N: i32>(self) -> Self {
        U32x4(u32x4_shr(self.0, N as u32))
    }
    #[inline(always)]
    fn select(self, a: F32x4, b: F32x4) -> F32x4 {
        // On a mask (the trait's contract) relaxed_laneselect is deterministic, and V8 emits
        // one blendvps for it where bitselect takes three instructions (and, andnot, or).
        #[cfg(target_feature = "relaxed-simd")]
        {
            F32x4(i32x4_relaxed_laneselect(a.0, b.0, self.0))
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            F32x4(v128_bitselect(a.0, b.0, self.0))
        }
    }
    #[inline(always)]
    fn bitmask(self) -> u32 {
        i32x4_bitmask(self.0) as u32
    }
    #[inline(always)]
    fn any(self) -> bool {
        v128_any_true(self.0)
    }
    #[inline(always)]
    fn to_array(self) -> [u32; 4] {
        [
            u32x4_extract_lane::<0>(self.0),
            u32x4_extract_lane::<1>(self.0),
            u32x4_extract_lane::<2>(self.0),
            u32x4_extract_lane::<3>(self.0),
        ]
    }
}
