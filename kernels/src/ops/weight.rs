//! How the N² synaptic weights are stored: `f32`, or 16-bit **bfloat16** (`u16` holding the top
//! half of an f32's bits), half the bytes for the kernels bound by memory (LIF reads a row per
//! spike, STDP walks rows and columns, the mesh's block sums read them all).
//!
//! Rules (`kernels/ABI.md` "Weight storage"), the same in every tier:
//! - **Decode** is exact: bf16 `h` is the f32 with bits `h << 16`. The kernels compute in f32
//!   on decoded weights, in the order of the f32 kernels.
//! - **Encode** rounds to nearest, ties to even, on the f32's bits: `(b + 0x7FFF + ((b >> 16)
//!   & 1)) >> 16`. Weights are finite and in `[0, w_max]`, so no NaN or overflow case arises
//!   (a NaN would be encoded by the same formula, not quieted).
//! - Every place an f32 kernel stores a weight, the bf16 kernel stores the encoded value, and
//!   what it reads back afterwards (STDP's column sums) is the stored value, decoded.
//! - 0 stays 0 (no synapse), and a weight at or above `prune_below` never rounds to 0.
//!
//! Why bf16 and not a 16-bit fixed point: both were run for 600 s through the plasticity test
//! (README "Weight storage" has the figures); the dynamics matched the f32 run either way,
//! and bf16 decodes by a shift (a widening load and one shift per four weights in SIMD, a
//! `Uint32Array` view in JS) with no scale tied to the model's `w_max`.
use crate::simd::{F32Lanes, MaskLanes};

/// A stored weight: `f32` (as it is) or `u16` (bfloat16 bits).
pub trait Weight: Copy + Default + Send + Sync + 'static {
    /// What the storage is called in the ABI and the app (`"f32"`, `"bf16"`).
    const NAME: &'static str;
    /// The weight's value.
    fn get(self) -> f32;
    /// `x` as stored (rounded to nearest even for bf16).
    fn put(x: f32) -> Self;
    /// Four weights as lanes.
    fn load4<V: F32Lanes>(a: &[Self; 4]) -> V;
    /// Stores four lanes, encoded as [`Weight::put`] would.
    fn store4<V: F32Lanes>(v: V, a: &mut [Self; 4]);
}

impl Weight for f32 {
    const NAME: &'static str = "f32";
    #[inline(always)]
    fn get(self) -> f32 {
        self
    }
    #[inline(always)]
    fn put(x: f32) -> f32 {
        x
    }
    #[inline(always)]
    fn load4<V: F32Lanes>(a: &[f32; 4]) -> V {
        V::load_array(a)
    }
    #[inline(always)]
    fn store4<V: F32Lanes>(v: V, a: &mut [f32; 4]) {
        v.store_array(a)
    }
}

/// bfloat16 bits.
impl Weight for u16 {
    const NAME: &'static str = "bf16";
    #[inline(always)]
    fn get(self) -> f32 {
        f32::from_bits(u32::from(self) << 16)
    }
    #[inline(always)]
    fn put(x: f32) -> u16 {
        bf16_bits(x)
    }
    #[inline(always)]
    fn load4<V: F32Lanes>(a: &[u16; 4]) -> V {
        V::from_bits(V::Mask::load_u16(a).shl::<16>())
    }
    #[inline(always)]
    fn store4<V: F32Lanes>(v: V, a: &mut [u16; 4]) {
        let b = v.bits();
        let odd = b.shr::<16>().and(V::Mask::splat(1));
        b.add(V::Mask::splat(0x7FFF))
            .add(odd)
            .shr::<16>()
            .store_u16(a);
    }
}

/// `x` rounded to bfloat16, nearest even (the module doc's encode rule).
#[inline(always)]
pub fn bf16_bits(x: f32) -> u16 {
    let b = x.to_bits();
    (b.wrapping_add(0x7FFF + ((b >> 16) & 1)) >> 16) as u16
}

/// A whole buffer encoded (`weights_to_bf16`, and the app's seeding).
pub fn encode_into<W: Weight>(src: &[f32], dst: &mut [W]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = W::put(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::array;

    #[test]
    fn encoding_rounds_to_nearest_even() {
        // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: ties to the even one (1).
        assert_eq!(bf16_bits(1.0 + 1.0 / 256.0), 0x3F80);
        // 1 + 3·2⁻⁸ is halfway between 1 + 2⁻⁷ (odd) and 1 + 2⁻⁶: up, to the even.
        assert_eq!(bf16_bits(1.0 + 3.0 / 256.0), 0x3F82);
        // Just above halfway rounds up.
        assert_eq!(bf16_bits(f32::from_bits(0x3F80_8001)), 0x3F81);
        assert_eq!(bf16_bits(0.0), 0);
        assert_eq!(bf16_bits(0.25), 0x3E80, "w_max is exact");
        assert_eq!(u16::put(0.25).get(), 0.25);
        // The prune threshold's neighbourhood never rounds to 0.
        assert!(u16::put(0.002).get() > 0.0019);
    }

    fn lanes_match_scalar<V: F32Lanes>() {
        let xs = [
            0.1f32,
            1.0 + 1.0 / 256.0,
            0.0,
            0.2499,
            3.0e-3,
            0.071,
            1.0e-30,
            0.25,
        ];
        for c in xs.chunks(4) {
            let c: &[f32; 4] = c.try_into().unwrap_or(&[0.0; 4]);
            let mut h = [0u16; 4];
            u16::store4(V::load_array(c), &mut h);
            assert_eq!(h, c.map(u16::put), "{}", V::BACKEND);
            let back: V = u16::load4(&h);
            assert_eq!(back.to_array(), h.map(u16::get), "{}", V::BACKEND);
        }
    }

    #[test]
    fn lanes_encode_and_decode_as_the_scalar_rule() {
        lanes_match_scalar::<array::F32x4>();
        lanes_match_scalar::<crate::simd::F32x4>();
    }
}
