//! The seeded PRNG every tier shares: xorshift32 (Marsaglia 2003), `x ^= x << 13;
//! x ^= x >> 17; x ^= x << 5`. Integer-only, so Rust and JS (`kernels/js/tier/rng.js`) produce the
//! same stream bit for bit. `next_f32` takes the top 24 bits: exactly representable, in [0, 1).

/// State 0 is a fixed point of xorshift; it is replaced by this constant.
pub const ZERO_SEED: u32 = 0x9E37_79B9;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u32);

#[inline(always)]
pub fn xorshift32(mut x: u32) -> u32 {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    x
}

impl Rng {
    pub fn new(seed: u32) -> Rng {
        Rng(if seed == 0 { ZERO_SEED } else { seed })
    }

    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        self.0 = xorshift32(self.0);
        self.0
    }

    #[inline]
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    pub fn state(&self) -> u32 {
        self.0
    }
}

/// `out[i] = lo + (hi - lo) * next_f32()`, in f32, from one generator seeded with `seed`.
pub fn fill_uniform(seed: u32, out: &mut [f32], lo: f32, hi: f32) {
    let mut r = Rng::new(seed);
    let span = hi - lo;
    for x in out {
        *x = lo + span * r.next_f32();
    }
}

/// A new vector filled by `fill_uniform`: the seeded inputs of tests, examples and benchmarks.
pub fn uniform_vec(seed: u32, len: usize, lo: f32, hi: f32) -> Vec<f32> {
    let mut v = vec![0.0; len];
    fill_uniform(seed, &mut v, lo, hi);
    v
}

/// The indices `0..n` whose draw from `Rng::new(seed)` is below `frac`, ascending: the
/// benchmark's spike lists (as `pickIndices` in `kernels/js/bench/bench.js`).
pub fn pick_indices(seed: u32, n: usize, frac: f32) -> Vec<u32> {
    let mut r = Rng::new(seed);
    (0..n as u32).filter(|_| r.next_f32() < frac).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_stream() {
        // First values of xorshift32 from seed 1 (Marsaglia's paper uses the same triple).
        let mut r = Rng::new(1);
        assert_eq!(
            [r.next_u32(), r.next_u32(), r.next_u32()],
            [270369, 67634689, 2647435461]
        );
    }

    #[test]
    fn zero_seed_is_replaced_and_f32_in_range() {
        let mut r = Rng::new(0);
        assert_ne!(r.next_u32(), 0);
        let mut r = Rng::new(42);
        for _ in 0..10_000 {
            let x = r.next_f32();
            assert!((0.0..1.0).contains(&x));
        }
        let mut v = [0.0f32; 100];
        fill_uniform(3, &mut v, -2.0, 2.0);
        assert!(v.iter().all(|x| (-2.0..2.0).contains(x)));
        assert!(v.iter().any(|&x| x < 0.0) && v.iter().any(|&x| x > 0.0));
    }
}
