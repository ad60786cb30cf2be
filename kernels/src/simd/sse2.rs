//! The x86_64 SSE2 backend: the native ceiling (`examples/native_bench.rs`) and the native
//! tests. SSE2 has no FMA, so `mul_add` is mul then add ("at SSE2 width").
use super::{F32Lanes, MaskLanes};
use core::arch::x86_64::*;

#[derive(Clone, Copy)]
pub struct F32x4(pub __m128);
#[derive(Clone, Copy)]
pub struct U32x4(pub __m128i);

/// Calls an SSE/SSE2 intrinsic on register values.
macro_rules! sse {
    ($e:expr) => {
        // SAFETY: SSE and SSE2 are part of the x86_64 baseline, so the target feature the
        // intrinsic requires is always present; register-only intrinsics touch no memory.
        unsafe { $e }
    };
}

impl F32Lanes for F32x4 {
    type Mask = U32x4;
    const BACKEND: &'static str = "x86_64 sse2";
    #[inline(always)]
    fn splat(x: f32) -> Self {
        F32x4(sse!(_mm_set1_ps(x)))
    }
    #[inline(always)]
    fn load_array(a: &[f32; 4]) -> Self {
        // SAFETY: `a` refers to 4 initialised f32 (16 bytes); `_mm_loadu_ps` accepts any
        // alignment; SSE is baseline on x86_64.
        F32x4(unsafe { _mm_loadu_ps(a.as_ptr()) })
    }
    #[inline(always)]
    fn store_array(self, a: &mut [f32; 4]) {
        // SAFETY: `a` is an exclusive reference to 4 f32 (16 bytes); `_mm_storeu_ps`
        // accepts any alignment; SSE is baseline on x86_64.
        unsafe { _mm_storeu_ps(a.as_mut_ptr(), self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F32x4(sse!(_mm_add_ps(self.0, o.0)))
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        F32x4(sse!(_mm_sub_ps(self.0, o.0)))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F32x4(sse!(_mm_mul_ps(self.0, o.0)))
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        F32x4(sse!(_mm_div_ps(self.0, o.0)))
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        self.mul(b).add(c)
    }
    /// `o < self ? o : self` (minps returns its second operand when unordered).
    #[inline(always)]
    fn pmin(self, o: Self) -> Self {
        F32x4(sse!(_mm_min_ps(o.0, self.0)))
    }
    /// `self < o ? o : self`.
    #[inline(always)]
    fn pmax(self, o: Self) -> Self {
        F32x4(sse!(_mm_max_ps(o.0, self.0)))
    }
    #[inline(always)]
    fn lt(self, o: Self) -> U32x4 {
        U32x4(sse!(_mm_castps_si128(_mm_cmplt_ps(self.0, o.0))))
    }
    #[inline(always)]
    fn le(self, o: Self) -> U32x4 {
        U32x4(sse!(_mm_castps_si128(_mm_cmple_ps(self.0, o.0))))
    }
    #[inline(always)]
    fn gt(self, o: Self) -> U32x4 {
        U32x4(sse!(_mm_castps_si128(_mm_cmpgt_ps(self.0, o.0))))
    }
    #[inline(always)]
    fn ge(self, o: Self) -> U32x4 {
        U32x4(sse!(_mm_castps_si128(_mm_cmpge_ps(self.0, o.0))))
    }
    #[inline(always)]
    fn eq(self, o: Self) -> U32x4 {
        U32x4(sse!(_mm_castps_si128(_mm_cmpeq_ps(self.0, o.0))))
    }
    #[inline(always)]
    fn from_i32(u: U32x4) -> Self {
        F32x4(sse!(_mm_cvtepi32_ps(u.0)))
    }
    #[inline(always)]
    fn bits(self) -> U32x4 {
        U32x4(sse!(_mm_castps_si128(self.0)))
    }
    #[inline(always)]
    fn from_bits(u: U32x4) -> Self {
        F32x4(sse!(_mm_castsi128_ps(u.0)))
    }
    #[inline(always)]
    fn lane<const L: usize>(self) -> Self {
        // `_mm_shuffle_ps` takes its lane pattern as an immediate: one per lane (L is a
        // constant, so only one arm is compiled in).
        F32x4(match L {
            0 => sse!(_mm_shuffle_ps::<0x00>(self.0, self.0)),
            1 => sse!(_mm_shuffle_ps::<0x55>(self.0, self.0)),
            2 => sse!(_mm_shuffle_ps::<0xAA>(self.0, self.0)),
            _ => sse!(_mm_shuffle_ps::<0xFF>(self.0, self.0)),
        })
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        let mut a = [0.0; 4];
        self.store(&mut a);
        a
    }
}

impl MaskLanes for U32x4 {
    type F = F32x4;
    #[inline(always)]
    fn splat(x: u32) -> Self {
        U32x4(sse!(_mm_set1_epi32(x as i32)))
    }
    #[inline(always)]
    fn load_array(a: &[u32; 4]) -> Self {
        // SAFETY: `a` refers to 4 initialised u32 (16 bytes); `_mm_loadu_si128` accepts any
        // alignment; SSE2 is baseline on x86_64.
        U32x4(unsafe { _mm_loadu_si128(a.as_ptr().cast::<__m128i>()) })
    }
    #[inline(always)]
    fn store_array(self, a: &mut [u32; 4]) {
        // SAFETY: `a` is an exclusive reference to 4 u32 (16 bytes); `_mm_storeu_si128`
        // accepts any alignment; SSE2 is baseline on x86_64.
        unsafe { _mm_storeu_si128(a.as_mut_ptr().cast::<__m128i>(), self.0) }
    }
    #[inline(always)]
    fn load_u16(a: &[u16; 4]) -> Self {
        // SAFETY: `a` refers to 4 initialised u16 (8 bytes), exactly what `_mm_loadl_epi64`
        // reads (any alignment); SSE2 is baseline on x86_64.
        let x = unsafe { _mm_loadl_epi64(a.as_ptr().cast::<__m128i>()) };
        U32x4(sse!(_mm_unpacklo_epi16(x, _mm_setzero_si128())))
    }
    #[inline(always)]
    fn store_u16(self, a: &mut [u16; 4]) {
        // Sign-extend each lane's low half, then the signed pack keeps those halves exactly.
        let x = sse!(_mm_srai_epi32::<16>(_mm_slli_epi32::<16>(self.0)));
        let packed = sse!(_mm_packs_epi32(x, x));
        // SAFETY: `a` is an exclusive reference to 4 u16 (8 bytes), exactly what
        // `_mm_storel_epi64` writes (any alignment); SSE2 is baseline on x86_64.
        unsafe { _mm_storel_epi64(a.as_mut_ptr().cast::<__m128i>(), packed) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        U32x4(sse!(_mm_add_epi32(self.0, o.0)))
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        U32x4(sse!(_mm_and_si128(self.0, o.0)))
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        U32x4(sse!(_mm_or_si128(self.0, o.0)))
    }
    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        U32x4(sse!(_mm_xor_si128(self.0, o.0)))
    }
    #[inline(always)]
    fn andnot(self, o: Self) -> Self {
        // _mm_andnot_si128(a, b) is !a & b.
        U32x4(sse!(_mm_andnot_si128(o.0, self.0)))
    }
    #[inline(always)]
    fn shl<const N: i32>(self) -> Self {
        U32x4(sse!(_mm_slli_epi32::<N>(self.0)))
    }
    #[inline(always)]
    fn shr<const N: i32>(self) -> Self {
        U32x4(sse!(_mm_srli_epi32::<N>(self.0)))
    }
    #[inline(always)]
    fn select(self, a: F32x4, b: F32x4) -> F32x4 {
        let m = F32x4::from_bits(self).0;
        F32x4(sse!(_mm_or_ps(_mm_and_ps(m, a.0), _mm_andnot_ps(m, b.0))))
    }
    #[inline(always)]
    fn bitmask(self) -> u32 {
        sse!(_mm_movemask_ps(_mm_castsi128_ps(self.0))) as u32
    }
    #[inline(always)]
    fn to_array(self) -> [u32; 4] {
        let mut a = [0; 4];
        self.store(&mut a);
        a
    }
}
