//! Finds out which tiers this browser can run and loads each one, timing fetch, compile and
//! instantiate. A tier that cannot load is reported with the reason; the app runs on the rest.
use crate::tiers::bridge;
use crate::tiers::tier::{LoadTiming, Tier, TierKind};
use js_sys::Uint8Array;
use std::rc::Rc;

/// Smallest module using a SIMD128 instruction (i8x16.popcnt).
const SIMD_PROBE: [u8; 31] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
];
/// Smallest module using a relaxed-SIMD instruction (i8x16.relaxed_swizzle).
const RELAXED_PROBE: [u8; 36] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253,
    15, 65, 2, 253, 15, 253, 128, 2, 11,
];

/// A tier's state while a Retry loads it again (the panel offers no Retry button then).
pub const RETRYING: &str = "retrying…";

/// What the loader found out about one tier.
#[derive(Clone, Debug, PartialEq)]
pub enum TierState {
    Loaded(LoadTiming),
    Unavailable(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TierStatus {
    pub kind: TierKind,
    pub state: TierState,
}

impl TierStatus {
    pub fn available(&self) -> bool {
        matches!(self.state, TierState::Loaded(_))
    }
    pub fn reason(&self) -> Option<&str> {
        match &self.state {
            TierState::Unavailable(r) => Some(r),
            TierState::Loaded(_) => None,
        }
    }
}

fn probe(bytes: &[u8]) -> bool {
    bridge::validates(&Uint8Array::from(bytes))
}

/// Why a tier cannot run here, before trying to load it (None: go ahead).
fn precheck(kind: TierKind, simd_off: bool) -> Option<String> {
    match kind {
        TierKind::Js | TierKind::Scalar => None,
        TierKind::Simd | TierKind::Relaxed if simd_off => Some(
            "switched off by ?simd=off (forced fallback, as if the browser lacked SIMD)".into(),
        ),
        TierKind::Simd if !probe(&SIMD_PROBE) => {
            Some("this browser does not validate WebAssembly SIMD128".into())
        }
        TierKind::Relaxed if !probe(&SIMD_PROBE) => {
            Some("this browser does not validate WebAssembly SIMD128".into())
        }
        TierKind::Relaxed if !probe(&RELAXED_PROBE) => {
            Some("this browser does not validate relaxed SIMD".into())
        }
        _ => None,
    }
}

/// Loads one tier; `Err` carries the reason it is unavailable. `attempt` > 0: a retry, which
/// asks for a fresh copy (cache-busting URL). A module that does not arrive within
/// `load.js`'s `LOAD_TIMEOUT_MS` (10 s) fails with "timed out", so one slow server never
/// keeps the app from starting on the other tiers.
pub async fn load_tier(kind: TierKind, simd_off: bool, attempt: u32) -> Result<Rc<Tier>, String> {
    if let Some(reason) = precheck(kind, simd_off) {
        return Err(reason);
    }
    let loaded = match kind {
        TierKind::Js => bridge::load_js_tier(kind.url(), attempt).await?,
        _ => bridge::load_kernel_module(kind.url(), attempt).await?,
    };
    let timing = LoadTiming {
        fetch_ms: loaded.fetch_ms(),
        compile_ms: loaded.compile_ms(),
        instantiate_ms: loaded.instantiate_ms(),
        total_ms: loaded.total_ms(),
        bytes: loaded.bytes(),
    };
    let exports = loaded.exports();
    let tier = Rc::new(Tier::new(kind, exports, timing).with_module(loaded.module()));
    let identity = tier.abi_tier().and_then(|id| Ok((id, tier.abi_version()?)));
    match identity {
        Ok((id, version)) => match identity_error(kind, id, version) {
            None => Ok(tier),
            Some(reason) => Err(reason),
        },
        Err(f) => Err(format!("not a SASI kernel module: {f}")),
    }
}

/// Why a loaded module cannot serve as tier `kind`, from what it reports (`sasi_tier`,
/// `sasi_abi_version`); `None` when it can.
pub fn identity_error(kind: TierKind, tier: u32, version: u32) -> Option<String> {
    if version != sasi_kernels::ABI_VERSION {
        return Some(format!(
            "module at {} speaks ABI version {version}, expected {} (a stale cached module? reload)",
            kind.url(),
            sasi_kernels::ABI_VERSION
        ));
    }
    (tier != kind.abi_id()).then(|| {
        format!(
            "module at {} reports tier {tier}, expected {}",
            kind.url(),
            kind.abi_id()
        )
    })
}

/// How the JS tier's load is timed, for the module table's tooltip.
pub const JS_IMPORT_METHOD: &str = "The JS tier is an ES module: import() fetches its files, parses, links and evaluates them; nothing is compiled to machine code ahead of time, the engine compiles the functions later, while they run. Timed in kernels/js/load.js (loadJsTier) with performance.now() around import(); when the last file arrived is read from the Resource Timing entries of its files. Not comparable with a wasm module's fetch + compile + instantiate.";

/// The module table's cell for the JS tier: what its import did, with the parts known.
/// `fetch_ms`: until the last of its files arrived; `compile_ms`: the rest of the import
/// (link and evaluate); `bytes`: the files' size (0 when Resource Timing said nothing).
pub fn js_import_text(t: &LoadTiming) -> String {
    let size = if t.bytes > 0.0 {
        format!(" of {:.0} kB", t.bytes / 1024.0)
    } else {
        String::new()
    };
    if t.compile_ms > 0.0 {
        format!(
            "ES module import{size}: files in by {:.1} ms, then link + evaluate {:.1} ms (not a wasm fetch/compile)",
            t.fetch_ms, t.compile_ms
        )
    } else {
        format!(
            "ES module import{size}: fetch, parse, link and evaluate {:.1} ms (not a wasm fetch/compile)",
            t.total_ms
        )
    }
}

/// Loads every tier (one after the other, so each one's timing is its own).
pub async fn load_all(simd_off: bool) -> Vec<(TierStatus, Option<Rc<Tier>>)> {
    let mut out = Vec::new();
    for kind in TierKind::ALL {
        match load_tier(kind, simd_off, 0).await {
            Ok(t) => out.push((
                TierStatus {
                    kind,
                    state: TierState::Loaded(t.load),
                },
                Some(t),
            )),
            Err(reason) => out.push((
                TierStatus {
                    kind,
                    state: TierState::Unavailable(reason),
                },
                None,
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_js_row_says_it_is_a_module_import() {
        let split = LoadTiming {
            fetch_ms: 12.0,
            compile_ms: 3.5,
            instantiate_ms: 0.0,
            total_ms: 15.5,
            bytes: 40960.0,
        };
        let text = js_import_text(&split);
        assert!(text.starts_with("ES module import of 40 kB"), "{text}");
        assert!(
            text.contains("files in by 12.0 ms, then link + evaluate 3.5 ms"),
            "{text}"
        );
        assert!(text.contains("not a wasm fetch/compile"), "{text}");
        // Without Resource Timing: one figure, the whole import.
        let whole = LoadTiming {
            fetch_ms: 15.5,
            compile_ms: 0.0,
            bytes: 0.0,
            ..split
        };
        let text = js_import_text(&whole);
        assert!(
            text.contains("fetch, parse, link and evaluate 15.5 ms"),
            "{text}"
        );
        assert!(!text.contains("kB"), "{text}");
    }

    #[test]
    fn a_module_must_report_its_tier_and_the_abi_version() {
        let v = sasi_kernels::ABI_VERSION;
        assert_eq!(
            identity_error(TierKind::Simd, TierKind::Simd.abi_id(), v),
            None
        );
        // A module of the contract before (a stale cached module).
        let stale =
            identity_error(TierKind::Simd, TierKind::Simd.abi_id(), v - 1).unwrap_or_default();
        assert!(
            stale.contains(&format!("ABI version {}, expected {v}", v - 1)),
            "{stale}"
        );
        let missing = identity_error(TierKind::Js, TierKind::Js.abi_id(), 0).unwrap_or_default();
        assert!(missing.contains("ABI version 0"), "{missing}");
        let wrong =
            identity_error(TierKind::Simd, TierKind::Scalar.abi_id(), v).unwrap_or_default();
        assert!(wrong.contains("reports tier 0, expected 1"), "{wrong}");
    }
}
