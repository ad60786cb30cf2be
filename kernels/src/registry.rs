//! Bookkeeping behind the C ABI: which byte ranges of the module's memory are live
//! allocations, and whether a (pointer, length) pair handed in by a caller lies inside one.
//! Safe code with plain `usize` addresses, so the checks are tested natively; `abi.rs` only
//! turns checked regions into slices.
//!
//! Allocation failure is an answer, not a trap: [`Registry::alloc`] makes room for its own
//! bookkeeping entry (`try_reserve`) *before* it asks for the caller's bytes, so when the
//! module's memory cannot grow any more (a huge request, the 4 GiB of wasm32, or the engine's
//! limit) it returns 0 and leaves nothing half done: no entry, no leaked bytes, and no
//! allocation inside the registry's lock that could abort while the lock is held.
use crate::error::KernelError;

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

/// Live allocations as `(start, bytes)`, sorted by start. A sorted `Vec` rather than a
/// `BTreeMap`: its one allocation can be made fallibly ahead of time (`try_reserve`), where a
/// map node is allocated inside `insert` and aborts the module when memory is exhausted.
#[derive(Debug, Default)]
pub struct Registry {
    live: Vec<(usize, usize)>,
}

impl Registry {
    pub const fn new() -> Registry {
        Registry { live: Vec::new() }
    }

    /// Room for one more entry, so the next [`Registry::insert`] does not allocate.
    /// `OutOfMemory` when the memory cannot grow for it.
    pub fn reserve_one(&mut self) -> Result<(), KernelError> {
        self.live
            .try_reserve(1)
            .map_err(|_| KernelError::OutOfMemory)
    }

    /// Records a live allocation. Allocates only when no room was reserved, and then fallibly.
    pub fn insert(&mut self, start: usize, bytes: usize) -> Result<(), KernelError> {
        self.reserve_one()?;
        let i = self.live.partition_point(|&(s, _)| s < start);
        self.live.insert(i, (start, bytes));
        Ok(())
    }

    /// The whole of `sasi_alloc` but the raw allocator: refuses 0 and anything over
    /// [`MAX_ALLOC`], reserves the bookkeeping entry first, then calls `raw(bytes)` (which
    /// returns the address of `bytes` zero-filled, 16-byte aligned bytes, or `None`) and records
    /// the result. Returns the address, or 0 with nothing changed.
    pub fn alloc(&mut self, bytes: usize, raw: impl FnOnce(usize) -> Option<usize>) -> usize {
        if bytes == 0 || bytes > MAX_ALLOC || self.reserve_one().is_err() {
            return 0;
        }
        match raw(bytes) {
            Some(p) if p != 0 => match self.insert(p, bytes) {
                Ok(()) => p,
                // Unreachable after `reserve_one`; refusing is still the safe answer.
                Err(_) => 0,
            },
            _ => 0,
        }
    }

    /// Forgets an allocation; the size must be the one it was made with.
    pub fn remove(&mut self, start: usize, bytes: usize) -> Result<(), KernelError> {
        match self.live.binary_search_by_key(&start, |&(s, _)| s) {
            Ok(i) if self.live[i].1 == bytes => {
                self.live.remove(i);
                Ok(())
            }
            _ => Err(KernelError::BadHandle),
        }
    }

    pub fn allocated_bytes(&self) -> usize {
        self.live.iter().map(|&(_, b)| b).sum()
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
        // The last allocation starting at or before `ptr`.
        let i = self.live.partition_point(|&(s, _)| s <= ptr);
        match i.checked_sub(1).map(|i| self.live[i]) {
            Some((start, size)) if end <= start + size => Ok(Region { start: ptr, end }),
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
        r.insert(1024, 64).unwrap();
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

    #[test]
    fn entries_stay_sorted_whatever_the_order() {
        let mut r = Registry::new();
        for (p, b) in [(4096, 16), (1024, 64), (2048, 32), (16, 16)] {
            r.insert(p, b).unwrap();
        }
        assert_eq!(r.allocated_bytes(), 128);
        assert!(r.check(2048, 8, 4).is_ok());
        assert!(r.check(1024, 16, 4).is_ok());
        assert_eq!(r.check(1088, 1, 4), Err(KernelError::BadHandle), "the gap");
        assert!(r.check(4096, 4, 4).is_ok());
        assert_eq!(r.check(4096, 5, 4), Err(KernelError::BadHandle));
        r.remove(2048, 32).unwrap();
        assert_eq!(r.check(2048, 1, 4), Err(KernelError::BadHandle));
        assert!(r.check(1024, 16, 4).is_ok() && r.check(16, 4, 4).is_ok());
    }

    #[test]
    fn alloc_refuses_cleanly_and_stays_usable() {
        let mut r = Registry::new();
        let mut next = 1 << 16;
        let mut bump = |bytes: usize| {
            let p = next;
            next += bytes.next_multiple_of(16);
            Some(p)
        };
        assert_eq!(r.alloc(0, &mut bump), 0, "zero bytes");
        assert_eq!(r.alloc(MAX_ALLOC + 1, &mut bump), 0, "over the cap");
        assert_eq!(r.alloc(0xFFFF_FFF0, &mut bump), 0, "impossible");
        assert_eq!(r.allocated_bytes(), 0);
        // The allocator has no memory left: 0, and the registry is untouched.
        let p = r.alloc(64, &mut bump);
        assert_ne!(p, 0);
        assert_eq!(r.alloc(64, |_| None), 0, "memory cannot grow");
        assert_eq!(r.alloc(64, |_| Some(0)), 0, "a null from the allocator");
        assert_eq!(r.allocated_bytes(), 64);
        // Later allocations and frees still work.
        let q = r.alloc(MAX_ALLOC, &mut bump);
        assert_ne!(q, 0);
        assert!(r.check(q, MAX_ALLOC / 4, 4).is_ok());
        r.remove(p, 64).unwrap();
        r.remove(q, MAX_ALLOC).unwrap();
        assert_eq!(r.allocated_bytes(), 0);
    }

    #[test]
    fn insert_after_reserve_does_not_allocate() {
        let mut r = Registry::new();
        for k in 1..100 {
            r.reserve_one().unwrap();
            let cap = r.live.capacity();
            r.insert(k * 16, 16).unwrap();
            assert_eq!(r.live.capacity(), cap);
        }
    }
}
