//! A thin portable 4-lane layer, so one SIMD source serves three targets:
//! - wasm32 with `simd128` → `core::arch::wasm32` v128 (and `f32x4_relaxed_madd` for
//!   `mul_add` when built with `relaxed-simd`),
//! - x86_64 → SSE2 (always present there): the native ceiling and the native tests,
//! - anything else (including wasm32 without `simd128`) → plain `[f32; 4]` arrays.
//!
//! Only what the kernels need. Masks are `U32x4` lanes of all ones or all zeros.
#![allow(clippy::should_implement_trait)]

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub struct F32x4(pub v128);
    #[derive(Clone, Copy)]
    pub struct U32x4(pub v128);

    impl F32x4 {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4(f32x4_splat(x))
        }
        /// Loads `s[0..4]` (panics in debug if shorter; callers pass exact chunks).
        #[inline(always)]
        pub fn load(s: &[f32]) -> Self {
            debug_assert!(s.len() >= 4);
            F32x4(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            debug_assert!(s.len() >= 4);
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F32x4(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F32x4(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F32x4(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F32x4(f32x4_div(self.0, o.0))
        }
        /// `self * b + c`: fused (one rounding) in the relaxed-SIMD build, else mul then add.
        #[inline(always)]
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(f32x4_relaxed_madd(self.0, b.0, c.0))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                self.mul(b).add(c)
            }
        }
        /// `o < self ? o : self` (NaN in self stays): one instruction for clamping.
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            F32x4(f32x4_pmin(self.0, o.0))
        }
        /// `self < o ? o : self` (NaN in self stays).
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F32x4(f32x4_pmax(self.0, o.0))
        }
        #[inline(always)]
        pub fn lt(self, o: Self) -> U32x4 {
            U32x4(f32x4_lt(self.0, o.0))
        }
        #[inline(always)]
        pub fn le(self, o: Self) -> U32x4 {
            U32x4(f32x4_le(self.0, o.0))
        }
        #[inline(always)]
        pub fn gt(self, o: Self) -> U32x4 {
            U32x4(f32x4_gt(self.0, o.0))
        }
        #[inline(always)]
        pub fn ge(self, o: Self) -> U32x4 {
            U32x4(f32x4_ge(self.0, o.0))
        }
        #[inline(always)]
        pub fn eq(self, o: Self) -> U32x4 {
            U32x4(f32x4_eq(self.0, o.0))
        }
        /// Round half to even (the same as `f32::round_ties_even`).
        #[inline(always)]
        pub fn round_even(self) -> Self {
            F32x4(f32x4_nearest(self.0))
        }
        /// Lanes that are whole numbers in i32 range, converted exactly.
        #[inline(always)]
        pub fn to_i32_bits(self) -> U32x4 {
            U32x4(i32x4_trunc_sat_f32x4(self.0))
        }
        #[inline(always)]
        pub fn from_i32(u: U32x4) -> Self {
            F32x4(f32x4_convert_i32x4(u.0))
        }
        #[inline(always)]
        pub fn bits(self) -> U32x4 {
            U32x4(self.0)
        }
        #[inline(always)]
        pub fn from_bits(u: U32x4) -> Self {
            F32x4(u.0)
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
    }

    impl U32x4 {
        #[inline(always)]
        pub fn splat(x: u32) -> Self {
            U32x4(u32x4_splat(x))
        }
        #[inline(always)]
        pub fn load(s: &[u32]) -> Self {
            debug_assert!(s.len() >= 4);
            U32x4(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [u32]) {
            debug_assert!(s.len() >= 4);
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            U32x4(i32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            U32x4(v128_and(self.0, o.0))
        }
        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            U32x4(v128_or(self.0, o.0))
        }
        #[inline(always)]
        pub fn xor(self, o: Self) -> Self {
            U32x4(v128_xor(self.0, o.0))
        }
        /// `self & !o`
        #[inline(always)]
        pub fn andnot(self, o: Self) -> Self {
            U32x4(v128_andnot(self.0, o.0))
        }
        #[inline(always)]
        pub fn not(self) -> Self {
            U32x4(v128_not(self.0))
        }
        #[inline(always)]
        pub fn shl<const N: u32>(self) -> Self {
            U32x4(i32x4_shl(self.0, N))
        }
        #[inline(always)]
        pub fn shr<const N: u32>(self) -> Self {
            U32x4(u32x4_shr(self.0, N))
        }
        /// Lane-wise `mask ? a : b` for f32 lanes.
        #[inline(always)]
        pub fn select(self, a: F32x4, b: F32x4) -> F32x4 {
            F32x4(v128_bitselect(a.0, b.0, self.0))
        }
        /// One bit per lane (lane 0 → bit 0) from the lanes' top bits.
        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            i32x4_bitmask(self.0) as u32
        }
        #[inline(always)]
        pub fn any(self) -> bool {
            v128_any_true(self.0)
        }
        #[inline(always)]
        pub fn to_array(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
    }
}

#[cfg(all(
    target_arch = "x86_64",
    not(all(target_arch = "wasm32", target_feature = "simd128"))
))]
mod imp {
    use core::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub struct F32x4(pub __m128);
    #[derive(Clone, Copy)]
    pub struct U32x4(pub __m128i);

    // SSE2 is part of the x86_64 baseline, so these intrinsics are always available.
    impl F32x4 {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4(unsafe { _mm_set1_ps(x) })
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> Self {
            assert!(s.len() >= 4);
            F32x4(unsafe { _mm_loadu_ps(s.as_ptr()) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            assert!(s.len() >= 4);
            unsafe { _mm_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F32x4(unsafe { _mm_add_ps(self.0, o.0) })
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F32x4(unsafe { _mm_sub_ps(self.0, o.0) })
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F32x4(unsafe { _mm_mul_ps(self.0, o.0) })
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F32x4(unsafe { _mm_div_ps(self.0, o.0) })
        }
        /// SSE2 has no FMA: mul then add (the native ceiling is "at SSE2 width").
        #[inline(always)]
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            self.mul(b).add(c)
        }
        /// `o < self ? o : self` (minps returns its second operand when unordered).
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            F32x4(unsafe { _mm_min_ps(o.0, self.0) })
        }
        /// `self < o ? o : self`.
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F32x4(unsafe { _mm_max_ps(o.0, self.0) })
        }
        #[inline(always)]
        pub fn lt(self, o: Self) -> U32x4 {
            U32x4(unsafe { _mm_castps_si128(_mm_cmplt_ps(self.0, o.0)) })
        }
        #[inline(always)]
        pub fn le(self, o: Self) -> U32x4 {
            U32x4(unsafe { _mm_castps_si128(_mm_cmple_ps(self.0, o.0)) })
        }
        #[inline(always)]
        pub fn gt(self, o: Self) -> U32x4 {
            U32x4(unsafe { _mm_castps_si128(_mm_cmpgt_ps(self.0, o.0)) })
        }
        #[inline(always)]
        pub fn ge(self, o: Self) -> U32x4 {
            U32x4(unsafe { _mm_castps_si128(_mm_cmpge_ps(self.0, o.0)) })
        }
        #[inline(always)]
        pub fn eq(self, o: Self) -> U32x4 {
            U32x4(unsafe { _mm_castps_si128(_mm_cmpeq_ps(self.0, o.0)) })
        }
        /// Round half to even through the default MXCSR mode; lanes are kept within i32 range
        /// by the callers (exp clamps first).
        #[inline(always)]
        pub fn round_even(self) -> Self {
            F32x4(unsafe { _mm_cvtepi32_ps(_mm_cvtps_epi32(self.0)) })
        }
        #[inline(always)]
        pub fn to_i32_bits(self) -> U32x4 {
            U32x4(unsafe { _mm_cvttps_epi32(self.0) })
        }
        #[inline(always)]
        pub fn from_i32(u: U32x4) -> Self {
            F32x4(unsafe { _mm_cvtepi32_ps(u.0) })
        }
        #[inline(always)]
        pub fn bits(self) -> U32x4 {
            U32x4(unsafe { _mm_castps_si128(self.0) })
        }
        #[inline(always)]
        pub fn from_bits(u: U32x4) -> Self {
            F32x4(unsafe { _mm_castsi128_ps(u.0) })
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            let mut a = [0.0; 4];
            self.store(&mut a);
            a
        }
    }

    impl U32x4 {
        #[inline(always)]
        pub fn splat(x: u32) -> Self {
            U32x4(unsafe { _mm_set1_epi32(x as i32) })
        }
        #[inline(always)]
        pub fn load(s: &[u32]) -> Self {
            assert!(s.len() >= 4);
            U32x4(unsafe { _mm_loadu_si128(s.as_ptr() as *const __m128i) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [u32]) {
            assert!(s.len() >= 4);
            unsafe { _mm_storeu_si128(s.as_mut_ptr() as *mut __m128i, self.0) }
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            U32x4(unsafe { _mm_add_epi32(self.0, o.0) })
        }
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            U32x4(unsafe { _mm_and_si128(self.0, o.0) })
        }
        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            U32x4(unsafe { _mm_or_si128(self.0, o.0) })
        }
        #[inline(always)]
        pub fn xor(self, o: Self) -> Self {
            U32x4(unsafe { _mm_xor_si128(self.0, o.0) })
        }
        #[inline(always)]
        pub fn andnot(self, o: Self) -> Self {
            // _mm_andnot_si128(a, b) is !a & b.
            U32x4(unsafe { _mm_andnot_si128(o.0, self.0) })
        }
        #[inline(always)]
        pub fn not(self) -> Self {
            self.xor(U32x4::splat(u32::MAX))
        }
        #[inline(always)]
        pub fn shl<const N: i32>(self) -> Self {
            U32x4(unsafe { _mm_slli_epi32::<N>(self.0) })
        }
        #[inline(always)]
        pub fn shr<const N: i32>(self) -> Self {
            U32x4(unsafe { _mm_srli_epi32::<N>(self.0) })
        }
        #[inline(always)]
        pub fn select(self, a: F32x4, b: F32x4) -> F32x4 {
            let m = F32x4::from_bits(self).0;
            F32x4(unsafe { _mm_or_ps(_mm_and_ps(m, a.0), _mm_andnot_ps(m, b.0)) })
        }
        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            unsafe { _mm_movemask_ps(_mm_castsi128_ps(self.0)) as u32 }
        }
        #[inline(always)]
        pub fn any(self) -> bool {
            self.bitmask() != 0
        }
        #[inline(always)]
        pub fn to_array(self) -> [u32; 4] {
            let mut a = [0; 4];
            self.store(&mut a);
            a
        }
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
mod imp {
    #[derive(Clone, Copy)]
    pub struct F32x4(pub [f32; 4]);
    #[derive(Clone, Copy)]
    pub struct U32x4(pub [u32; 4]);

    #[inline(always)]
    fn m(b: bool) -> u32 {
        if b {
            u32::MAX
        } else {
            0
        }
    }
    macro_rules! lanes {
        ($f:expr) => {
            [$f(0), $f(1), $f(2), $f(3)]
        };
    }

    impl F32x4 {
        pub fn splat(x: f32) -> Self {
            F32x4([x; 4])
        }
        pub fn load(s: &[f32]) -> Self {
            F32x4([s[0], s[1], s[2], s[3]])
        }
        pub fn store(self, s: &mut [f32]) {
            s[..4].copy_from_slice(&self.0)
        }
        pub fn add(self, o: Self) -> Self {
            F32x4(lanes!(|i: usize| self.0[i] + o.0[i]))
        }
        pub fn sub(self, o: Self) -> Self {
            F32x4(lanes!(|i: usize| self.0[i] - o.0[i]))
        }
        pub fn mul(self, o: Self) -> Self {
            F32x4(lanes!(|i: usize| self.0[i] * o.0[i]))
        }
        pub fn div(self, o: Self) -> Self {
            F32x4(lanes!(|i: usize| self.0[i] / o.0[i]))
        }
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            self.mul(b).add(c)
        }
        pub fn pmin(self, o: Self) -> Self {
            F32x4(lanes!(|i: usize| if o.0[i] < self.0[i] {
                o.0[i]
            } else {
                self.0[i]
            }))
        }
        pub fn pmax(self, o: Self) -> Self {
            F32x4(lanes!(|i: usize| if self.0[i] < o.0[i] {
                o.0[i]
            } else {
                self.0[i]
            }))
        }
        pub fn lt(self, o: Self) -> U32x4 {
            U32x4(lanes!(|i: usize| m(self.0[i] < o.0[i])))
        }
        pub fn le(self, o: Self) -> U32x4 {
            U32x4(lanes!(|i: usize| m(self.0[i] <= o.0[i])))
        }
        pub fn gt(self, o: Self) -> U32x4 {
            U32x4(lanes!(|i: usize| m(self.0[i] > o.0[i])))
        }
        pub fn ge(self, o: Self) -> U32x4 {
            U32x4(lanes!(|i: usize| m(self.0[i] >= o.0[i])))
        }
        pub fn eq(self, o: Self) -> U32x4 {
            U32x4(lanes!(|i: usize| m(self.0[i] == o.0[i])))
        }
        pub fn round_even(self) -> Self {
            F32x4(lanes!(|i: usize| self.0[i].round_ties_even()))
        }
        pub fn to_i32_bits(self) -> U32x4 {
            U32x4(lanes!(|i: usize| self.0[i] as i32 as u32))
        }
        pub fn from_i32(u: U32x4) -> Self {
            F32x4(lanes!(|i: usize| u.0[i] as i32 as f32))
        }
        pub fn bits(self) -> U32x4 {
            U32x4(lanes!(|i: usize| self.0[i].to_bits()))
        }
        pub fn from_bits(u: U32x4) -> Self {
            F32x4(lanes!(|i: usize| f32::from_bits(u.0[i])))
        }
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
    }

    impl U32x4 {
        pub fn splat(x: u32) -> Self {
            U32x4([x; 4])
        }
        pub fn load(s: &[u32]) -> Self {
            U32x4([s[0], s[1], s[2], s[3]])
        }
        pub fn store(self, s: &mut [u32]) {
            s[..4].copy_from_slice(&self.0)
        }
        pub fn add(self, o: Self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i].wrapping_add(o.0[i])))
        }
        pub fn and(self, o: Self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i] & o.0[i]))
        }
        pub fn or(self, o: Self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i] | o.0[i]))
        }
        pub fn xor(self, o: Self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i] ^ o.0[i]))
        }
        pub fn andnot(self, o: Self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i] & !o.0[i]))
        }
        pub fn not(self) -> Self {
            U32x4(lanes!(|i: usize| !self.0[i]))
        }
        pub fn shl<const N: u32>(self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i] << N))
        }
        pub fn shr<const N: u32>(self) -> Self {
            U32x4(lanes!(|i: usize| self.0[i] >> N))
        }
        pub fn select(self, a: F32x4, b: F32x4) -> F32x4 {
            F32x4(lanes!(|i: usize| if self.0[i] >> 31 != 0 {
                a.0[i]
            } else {
                b.0[i]
            }))
        }
        pub fn bitmask(self) -> u32 {
            (0..4).map(|i| (self.0[i] >> 31) << i).sum()
        }
        pub fn any(self) -> bool {
            self.bitmask() != 0
        }
        pub fn to_array(self) -> [u32; 4] {
            self.0
        }
    }
}

pub use imp::{F32x4, U32x4};

impl F32x4 {
    /// Horizontal sum, as `(a0 + a2) + (a1 + a3)` on every backend (so results agree).
    #[inline(always)]
    pub fn sum(self) -> f32 {
        let a = self.to_array();
        (a[0] + a[2]) + (a[1] + a[3])
    }
    #[inline(always)]
    pub fn zero() -> Self {
        F32x4::splat(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_behave_like_scalars() {
        let a = F32x4::load(&[1.0, -2.0, 3.5, f32::NAN]);
        let b = F32x4::splat(2.0);
        let s = a.add(b).to_array();
        assert_eq!(&s[..3], &[3.0, 0.0, 5.5]);
        assert!(s[3].is_nan());
        assert_eq!(a.lt(b).bitmask(), 0b0011, "NaN compares false");
        assert_eq!(a.eq(a).bitmask(), 0b0111);
        assert_eq!(
            a.lt(b).select(F32x4::splat(9.0), a).to_array()[..3],
            [9.0, 9.0, 3.5]
        );
        assert_eq!(
            F32x4::load(&[0.5, 1.5, 2.5, -0.5]).round_even().to_array(),
            [0.0, 2.0, 2.0, -0.0]
        );
        let u = U32x4::load(&[1, 2, 0x8000_0000, 7]);
        assert_eq!(u.shl::<13>().to_array(), [1 << 13, 2 << 13, 0, 7 << 13]);
        assert_eq!(u.shr::<17>().to_array(), [0, 0, 0x4000, 0]);
        assert_eq!(u.andnot(U32x4::splat(2)).to_array(), [1, 0, 0x8000_0000, 5]);
        assert_eq!(F32x4::load(&[1.0, 2.0, 3.0, 4.0]).sum(), 10.0);
    }
}
