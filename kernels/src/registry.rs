//! Bookkeeping behind the C ABI: which byte ranges of the module's memory are live
//! allocations, and whether a (pointer, length) pair handed in by a caller lies inside one.
//! Safe code with plain `usize` addresses, so the checks are tested natively; `abi.rs` only
//! turns checked regions into slices.
use crate::error::KernelError;
use std::collections::BTreeMap;

/// Largest single allocation the modules grant.
pub const MAX_ALLOC: usize = 256 << 20;

/// A checked byte range `[start, end)` inside one live allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
}

impl Region {
    pub fn overlaps(&self, o: &Region) -> bool {
        self.start < o.end && o.start < self.end
    }
}

#[derive(Debug, Default)]
pub struct Registry {
    live: BTreeMap<usize, usize>,
}

impl Registry {
    pub const fn new() -> Registry {
        Registry {
            live: BTreeMap::new(),
        }
    }

    pub fn insert(&mut self, start: usize, bytes: usize) {
        self.live.insert(start, bytes);
    }

    /// Forgets an allocation; the size must be the one it was made with.
    pub fn remove(&mut self, start: usize, bytes: usize) -> Result<(), KernelError> {
        match self.live.get(&start) {
            Some(&b) if b == bytes => {
                self.live.remove(&start);
                Ok(())
            }
            _ => Err(KernelError::BadHandle),
        }
    }

    pub fn allocated_bytes(&self) -> usize {
        self.live.values().sum()
    }

    /// `len` elements of `elem` bytes at `ptr`: aligned, and inside one live allocation.
    /// A zero length is an empty region and needs no allocation.
    pub fn check(&self, ptr: usize, len: usize, elem: usize) -> Result<Region, KernelError> {
        if len == 0 {
            return Ok(Region {
                start: ptr,
                end: ptr,
            });
        }
        let bytes = len.checked_mul(elem).ok_or(KernelError::TooLarge)?;
        if ptr == 0 || !ptr.is_multiple_of(elem) {
            return Err(KernelError::BadHandle);
        }
        let end = ptr.checked_add(bytes).ok_or(KernelError::BadHandle)?;
        match self.live.range(..=ptr).next_back() {
            Some((&start, &size)) if end <= start + size => Ok(Region { start: ptr, end }),
            _ => Err(KernelError::BadHandle),
        }
    }
}

/// Every output region must be disjoint from every other region (inputs and outputs).
pub fn disjoint(outputs: &[Region], inputs: &[Region]) -> Result<(), KernelError> {
    for (k, o) in outputs.iter().enumerate() {
        let others = outputs[k + 1..].iter().chain(inputs);
        if others
            .filter(|r| r.start != r.end)
            .any(|r| o.start != o.end && o.overlaps(r))
        {
            return Err(KernelError::Aliasing);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_bounds_alignment_and_liveness() {
        let mut r = Registry::new();
        r.insert(1024, 64);
        assert_eq!(
            r.check(1024, 16, 4),
            Ok(Region {
                start: 1024,
                end: 1088
            })
        );
        assert_eq!(
            r.check(1032, 14, 4),
            Ok(Region {
                start: 1032,
                end: 1088
            })
        );
        assert_eq!(
            r.check(1024, 17, 4),
            Err(KernelError::BadHandle),
            "one past the end"
        );
        assert_eq!(
            r.check(1026, 1, 4),
            Err(KernelError::BadHandle),
            "misaligned"
        );
        assert_eq!(
            r.check(1000, 1, 4),
            Err(KernelError::BadHandle),
            "before any allocation"
        );
        assert_eq!(r.check(0, 1, 4), Err(KernelError::BadHandle), "null");
        assert_eq!(r.check(1024, usize::MAX, 4), Err(KernelError::TooLarge));
        assert_eq!(
            r.check(5, 0, 4),
            Ok(Region { start: 5, end: 5 }),
            "empty needs nothing"
        );
        assert_eq!(
            r.remove(1024, 32),
            Err(KernelError::BadHandle),
            "wrong size"
        );
        r.remove(1024, 64).unwrap();
        assert_eq!(r.check(1024, 1, 4), Err(KernelError::BadHandle), "freed");
        assert_eq!(
            r.remove(1024, 64),
            Err(KernelError::BadHandle),
            "double free"
        );
    }

    #[test]
    fn aliasing() {
        let a = Region { start: 0, end: 16 };
        let b = Region { start: 16, end: 32 };
        let c = Region { start: 8, end: 24 };
        assert_eq!(disjoint(&[a], &[b]), Ok(()));
        assert_eq!(disjoint(&[a], &[c]), Err(KernelError::Aliasing));
        assert_eq!(disjoint(&[a, c], &[]), Err(KernelError::Aliasing));
        assert_eq!(disjoint(&[b], &[c, a]), Err(KernelError::Aliasing));
        assert_eq!(
            disjoint(&[Region { start: 8, end: 8 }], &[a]),
            Ok(()),
            "empty never aliases"
        );
    }
}
