//! The portable 4-lane layer: one SIMD source, three backends (one file each, as
//! matrixmultiply splits `x86/` and `aarch64/`):
//! - [`wasm`]: wasm32 `simd128` v128 (`f32x4_relaxed_madd` for `mul_add` in the relaxed build),
//! - [`sse2`]: x86_64 SSE2 (always present there): the native ceiling and the native tests,
//! - [`array`]: plain `[f32; 4]` arrays, compiled everywhere. Built without `simd128` it is
//!   scalar code with the SIMD kernels' blocking and accumulators, which is what the scalar
//!   tier runs where that structure helps (see `dispatch::scalar`).
//!
//! Kernels are written once, generic over [`F32Lanes`] (with its mask type [`MaskLanes`]);
//! [`F32x4`]/[`U32x4`] name the best backend this build has. Only what the kernels need.
//! Masks are lanes of all ones or all zeros. Every backend computes the same IEEE results
//! lane for lane (the tests compare them), except `mul_add`, which is fused only in the
//! relaxed-SIMD build.

pub mod array;
#[cfg(target_arch = "x86_64")]
pub mod sse2;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod wasm;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use wasm::{F32x4, U32x4};

#[cfg(target_arch = "x86_64")]
pub use sse2::{F32x4, U32x4};

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
pub use array::{F32x4, U32x4};

/// Whether [`F32x4`] is a real vector type in this build (false: the array backend).
pub const HAS_VECTORS: bool = cfg!(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
));

/// Four f32 lanes. `load`/`store` take slices and panic (in release builds too) when fewer
/// than four elements are there: no backend reads or writes out of bounds.
pub trait F32Lanes: Copy {
    type Mask: MaskLanes<F = Self>;
    /// Backend name, for test messages and the implementation table.
    const BACKEND: &'static str;
    fn splat(x: f32) -> Self;
    /// Loads four floats; no check needed (hot loops iterate `as_chunks::<4>()`).
    fn load_array(a: &[f32; 4]) -> Self;
    /// Stores four floats.
    fn store_array(self, a: &mut [f32; 4]);
    /// Loads `s[0..4]` (panics if `s` is shorter).
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        Self::load_array(four(s))
    }
    /// Stores into `s[0..4]` (panics if `s` is shorter).
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        self.store_array(four_mut(s))
    }
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
    /// `self * b + c`: fused (one rounding) in the relaxed-SIMD build, else mul then add.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `o < self ? o : self` (NaN in self stays): one instruction for clamping.
    fn pmin(self, o: Self) -> Self;
    /// `self < o ? o : self` (NaN in self stays).
    fn pmax(self, o: Self) -> Self;
    fn lt(self, o: Self) -> Self::Mask;
    fn le(self, o: Self) -> Self::Mask;
    fn gt(self, o: Self) -> Self::Mask;
    fn ge(self, o: Self) -> Self::Mask;
    fn eq(self, o: Self) -> Self::Mask;
    /// Lanes that are whole numbers in i32 range, converted to f32 exactly.
    fn from_i32(u: Self::Mask) -> Self;
    fn bits(self) -> Self::Mask;
    fn from_bits(u: Self::Mask) -> Self;
    fn to_array(self) -> [f32; 4];
    /// Lane `L` (0–3) in all four lanes: a register shuffle, no memory access (the batched
    /// GEMM's `shuffle` form broadcasts an input this way instead of a splatting load).
    fn lane<const L: usize>(self) -> Self;

    #[inline(always)]
    fn zero() -> Self {
        Self::splat(0.0)
    }
    /// Horizontal sum, as `(a0 + a2) + (a1 + a3)` on every backend (so results agree).
    #[inline(always)]
    fn sum(self) -> f32 {
        let a = self.to_array();
        (a[0] + a[2]) + (a[1] + a[3])
    }
}

/// Four u32 lanes, also the comparison masks of [`F32Lanes`].
pub trait MaskLanes: Copy {
    type F: F32Lanes<Mask = Self>;
    fn splat(x: u32) -> Self;
    /// Loads four words.
    fn load_array(a: &[u32; 4]) -> Self;
    /// Stores four words.
    fn store_array(self, a: &mut [u32; 4]);
    /// Loads four 16-bit words, each zero-extended to its lane (the 16-bit weights).
    fn load_u16(a: &[u16; 4]) -> Self;
    /// Stores the low 16 bits of each lane (the higher bits are dropped).
    fn store_u16(self, a: &mut [u16; 4]);
    /// Loads `s[0..4]` (panics if `s` is shorter).
    #[inline(always)]
    fn load(s: &[u32]) -> Self {
        Self::load_array(four(s))
    }
    /// Stores into `s[0..4]` (panics if `s` is shorter).
    #[inline(always)]
    fn store(self, s: &mut [u32]) {
        self.store_array(four_mut(s))
    }
    /// Wrapping add.
    fn add(self, o: Self) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
    /// `self & !o`
    fn andnot(self, o: Self) -> Self;
    fn shl<const N: i32>(self) -> Self;
    /// Logical shift right.
    fn shr<const N: i32>(self) -> Self;
    /// Lane-wise `mask ? a : b` for f32 lanes. `self` must be a mask (every lane all ones or
    /// all zeros, as comparisons give): the relaxed-SIMD build uses
    /// `relaxed_laneselect` (one `blendvps` on x86, which reads only the top bit), the array
    /// backend reads the top bit, the others select bit by bit; on masks they all agree.
    fn select(self, a: Self::F, b: Self::F) -> Self::F;
    /// One bit per lane (lane 0 → bit 0) from the lanes' top bits.
    fn bitmask(self) -> u32;
    fn to_array(self) -> [u32; 4];

    #[inline(always)]
    fn not(self) -> Self {
        self.xor(Self::splat(u32::MAX))
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.bitmask() != 0
    }
}

/// The first four elements of `s` as an array reference; panics if `s` is shorter. The one
/// bounds check every backend's `load` goes through.
#[inline(always)]
pub(crate) fn four<T>(s: &[T]) -> &[T; 4] {
    match s.first_chunk::<4>() {
        Some(a) => a,
        None => panic!("a 4-lane load needs 4 elements, got {}", s.len()),
    }
}

/// The first four elements of `s` as a mutable array reference; panics if `s` is shorter.
#[inline(always)]
pub(crate) fn four_mut<T>(s: &mut [T]) -> &mut [T; 4] {
    let len = s.len();
    match s.first_chunk_mut::<4>() {
        Some(a) => a,
        None => panic!("a 4-lane store needs 4 elements, got {len}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same lane semantics on the array backend and on this build's vector backend.
    fn lanes_behave_like_scalars<V: F32Lanes>() {
        let a = V::load(&[1.0, -2.0, 3.5, f32::NAN]);
        let b = V::splat(2.0);
        let s = a.add(b).to_array();
        assert_eq!(&s[..3], &[3.0, 0.0, 5.5], "{}", V::BACKEND);
        assert!(s[3].is_nan());
        assert_eq!(a.lt(b).bitmask(), 0b0011, "NaN compares false");
        assert_eq!(a.eq(a).bitmask(), 0b0111);
        assert_eq!(
            a.lt(b).select(V::splat(9.0), a).to_array()[..3],
            [9.0, 9.0, 3.5]
        );
        assert!(
            a.pmin(V::splat(0.0)).to_array()[3].is_nan(),
            "pmin keeps NaN"
        );
        assert_eq!(a.pmax(V::splat(0.0)).to_array()[..3], [1.0, 0.0, 3.5]);
        assert!(
            a.pmax(V::splat(0.0)).to_array()[3].is_nan(),
            "pmax keeps NaN"
        );
        let q = V::load(&[1.5, -2.0, 3.25, 4.0]);
        assert_eq!(q.lane::<0>().to_array(), [1.5; 4], "{}", V::BACKEND);
        assert_eq!(q.lane::<1>().to_array(), [-2.0; 4]);
        assert_eq!(q.lane::<2>().to_array(), [3.25; 4]);
        assert_eq!(q.lane::<3>().to_array(), [4.0; 4]);
        let u = V::Mask::load(&[1, 2, 0x8000_0000, 7]);
        assert_eq!(u.shl::<13>().to_array(), [1 << 13, 2 << 13, 0, 7 << 13]);
        assert_eq!(u.shr::<17>().to_array(), [0, 0, 0x4000, 0]);
        assert_eq!(
            u.andnot(V::Mask::splat(2)).to_array(),
            [1, 0, 0x8000_0000, 5]
        );
        assert_eq!(u.not().to_array()[0], !1);
        assert_eq!(
            V::from_i32(V::Mask::load(&[3, (-4i32) as u32, 0, 7])).to_array(),
            [3.0, -4.0, 0.0, 7.0]
        );
        assert_eq!(V::load(&[1.0, 2.0, 3.0, 4.0]).sum(), 10.0);
        let halves = V::Mask::load_u16(&[1, 0xFFFF, 0x8000, 0x7F80]);
        assert_eq!(
            halves.to_array(),
            [1, 0xFFFF, 0x8000, 0x7F80],
            "zero-extended"
        );
        let mut h = [0u16; 4];
        V::Mask::load(&[0x1_2345, 0xFFFF_8000, 7, 0x7FFF]).store_u16(&mut h);
        assert_eq!(h, [0x2345, 0x8000, 7, 0x7FFF], "low halves, exactly");
        let mut out = [0.0f32; 5];
        V::splat(1.5).store(&mut out[1..]);
        assert_eq!(out, [0.0, 1.5, 1.5, 1.5, 1.5]);
    }

    #[test]
    fn array_backend() {
        lanes_behave_like_scalars::<array::F32x4>();
    }

    #[test]
    fn best_backend() {
        lanes_behave_like_scalars::<F32x4>();
    }

    #[test]
    #[should_panic(expected = "needs 4 elements")]
    fn short_loads_panic_instead_of_reading_past_the_slice() {
        let _ = F32x4::load(&[1.0, 2.0, 3.0]);
    }

    #[test]
    #[should_panic(expected = "needs 4 elements")]
    fn short_stores_panic_instead_of_writing_past_the_slice() {
        F32x4::splat(1.0).store(&mut [0.0; 3]);
    }
}
