//! What the page's memory figure counts, as a plain model: the app's own wasm memory, every
//! loaded kernel module's memory, the benchmark worker's wasm memories and the JS heap.
//!
//! `performance.measureUserAgentSpecificMemory()` is not used: in Chromium it leaves wasm
//! memories out (it reported 6 MB for a page whose wasm memories held 38 MB). The JS tier's
//! buffers are plain `ArrayBuffer`s inside the JS heap, so they are counted only where the
//! browser does not expose the heap (`performance.memory`), never twice.
use crate::util::fmt::fmt_bytes;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemoryParts {
    /// The app module's own wasm memory (`wasm_bindgen::memory()`).
    pub app_wasm: f64,
    /// Each loaded wasm kernel module (scalar, simd, relaxed): its memory's byte length.
    pub tiers: Vec<(String, f64)>,
    /// The benchmark worker's wasm memories while a run is going (0 when none is: a stopped
    /// worker's memory is freed).
    pub worker_wasm: f64,
    /// The live simulation's threads' wasm memories, summed (0 on one thread), as they last
    /// reported them (`runtime/live_threads.rs`).
    pub threads_wasm: f64,
    /// `performance.memory.usedJSHeapSize`, where the browser exposes it.
    pub js_heap: Option<f64>,
    /// Bytes in the JS tier's live buffers (already inside `js_heap` when that is known).
    pub js_tier_bytes: f64,
}

fn finite(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        x
    } else {
        0.0
    }
}

impl MemoryParts {
    /// All kernel modules' wasm memories together.
    pub fn kernels(&self) -> f64 {
        self.tiers.iter().map(|(_, b)| finite(*b)).sum()
    }

    /// The JS side: the heap where it is exposed, else the JS tier's buffers (a lower bound).
    pub fn js_part(&self) -> f64 {
        match self.js_heap {
            Some(h) => finite(h),
            None => finite(self.js_tier_bytes),
        }
    }

    /// Whole page: every part once.
    pub fn total(&self) -> f64 {
        finite(self.app_wasm)
            + self.kernels()
            + finite(self.worker_wasm)
            + finite(self.threads_wasm)
            + self.js_part()
    }

    /// "app wasm 2.1 MB + kernels 12.0 MB + benchmark worker 0.0 MB + JS heap 6.2 MB".
    pub fn describe(&self) -> String {
        let js = match self.js_heap {
            Some(_) => format!("JS heap {}", fmt_bytes(self.js_part())),
            None => format!(
                "JS tier buffers {} (JS heap not exposed by this browser)",
                fmt_bytes(self.js_part())
            ),
        };
        let threads = if self.threads_wasm > 0.0 {
            format!(
                " + simulation threads {}",
                fmt_bytes(finite(self.threads_wasm))
            )
        } else {
            String::new()
        };
        format!(
            "app wasm {} + kernels {} + benchmark worker {}{threads} + {js}",
            fmt_bytes(finite(self.app_wasm)),
            fmt_bytes(self.kernels()),
            fmt_bytes(finite(self.worker_wasm)),
        )
    }

    /// "scalar 1.1 MB, simd 5.4 MB, relaxed 5.5 MB" (empty without kernel modules).
    pub fn kernels_breakdown(&self) -> String {
        self.tiers
            .iter()
            .map(|(name, b)| format!("{name} {}", fmt_bytes(finite(*b))))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: f64 = 1024.0 * 1024.0;

    fn parts() -> MemoryParts {
        MemoryParts {
            app_wasm: 2.1 * MB,
            tiers: vec![
                ("scalar".into(), 1.5 * MB),
                ("simd".into(), 5.0 * MB),
                ("relaxed".into(), 5.5 * MB),
            ],
            worker_wasm: 0.0,
            threads_wasm: 0.0,
            js_heap: Some(6.2 * MB),
            js_tier_bytes: 1.0 * MB,
        }
    }

    #[test]
    fn the_parts_add_up_to_the_total() {
        let p = parts();
        assert_eq!(p.kernels(), 12.0 * MB);
        let sum = p.app_wasm + p.kernels() + p.worker_wasm + 6.2 * MB;
        assert!((p.total() - sum).abs() < 1e-6, "{} vs {sum}", p.total());
        assert_eq!(
            p.describe(),
            "app wasm 2.1 MB + kernels 12.0 MB + benchmark worker 0.0 MB + JS heap 6.2 MB"
        );
        assert_eq!(
            p.kernels_breakdown(),
            "scalar 1.5 MB, simd 5.0 MB, relaxed 5.5 MB"
        );
        let with_worker = MemoryParts {
            worker_wasm: 20.0 * MB,
            threads_wasm: 0.0,
            ..p.clone()
        };
        assert!((with_worker.total() - p.total() - 20.0 * MB).abs() < 1e-6);
        assert!(with_worker.describe().contains("benchmark worker 20.0 MB"));
    }

    #[test]
    fn the_js_tier_is_not_counted_twice() {
        let p = parts();
        let more_js_tier = MemoryParts {
            js_tier_bytes: 30.0 * MB,
            ..p.clone()
        };
        assert_eq!(
            more_js_tier.total(),
            p.total(),
            "the JS tier's buffers are inside the JS heap"
        );
    }

    #[test]
    fn without_a_js_heap_the_js_tier_is_counted_and_said() {
        let p = MemoryParts {
            js_heap: None,
            ..parts()
        };
        let expected = 2.1 * MB + 12.0 * MB + 1.0 * MB;
        assert!((p.total() - expected).abs() < 1e-6);
        assert!(
            p.describe()
                .ends_with("+ JS tier buffers 1.0 MB (JS heap not exposed by this browser)"),
            "{}",
            p.describe()
        );
    }

    #[test]
    fn the_simulations_threads_count_once_and_are_named_when_there_are_any() {
        let one = parts();
        assert!(!one.describe().contains("simulation threads"));
        let two = MemoryParts {
            threads_wasm: 33.0 * MB,
            ..parts()
        };
        assert!((two.total() - one.total() - 33.0 * MB).abs() < 1.0);
        assert!(
            two.describe()
                .contains("simulation threads 33.0 MB + JS heap"),
            "{}",
            two.describe()
        );
    }

    #[test]
    fn nothing_loaded_and_bad_numbers() {
        assert_eq!(MemoryParts::default().total(), 0.0);
        let p = MemoryParts {
            app_wasm: f64::NAN,
            tiers: vec![("simd".into(), -5.0)],
            worker_wasm: f64::INFINITY,
            threads_wasm: -1.0,
            js_heap: Some(MB),
            js_tier_bytes: 0.0,
        };
        assert_eq!(p.total(), MB, "non-finite or negative parts count as 0");
    }
}
