//! The seed report's targets, checked against figures measured in this page. Pure functions,
//! so the pass/fail logic is unit-tested natively.

/// One row of the targets table.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetRow {
    pub name: &'static str,
    /// The goal, as text ("≥ 2× JS").
    pub goal: &'static str,
    /// Measured value as text with its unit, or None while not yet measured.
    pub measured: Option<String>,
    /// How far the measurement is from the goal, as a factor > 1 when it beats it.
    pub margin: Option<f64>,
    pub pass: Option<bool>,
    pub detail: String,
}

/// Figures the targets are checked against (None: not measured yet / not available).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// SIMD/JS speedups per kernel from the last benchmark run: (kernel label, ratio).
    pub simd_vs_js: Vec<(String, f64)>,
    pub memory_bytes: Option<f64>,
    pub max_module_load_ms: Option<f64>,
    /// One JS→wasm call plus the per-frame data hand-off, in µs.
    pub overhead_us: Option<f64>,
    /// Neuron updates per second of kernel time in the active tier.
    pub ops_per_s: Option<f64>,
}

pub const MEMORY_LIMIT: f64 = 50.0 * 1024.0 * 1024.0;
pub const LOAD_LIMIT_MS: f64 = 100.0;
pub const OVERHEAD_LIMIT_US: f64 = 5000.0;
pub const OPS_TARGET: f64 = 500_000.0;
pub const SPEEDUP_TARGET: f64 = 2.0;

pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// `value` at or below `limit` passes; margin = limit / value.
fn at_most(value: Option<f64>, limit: f64) -> (Option<f64>, Option<bool>) {
    match value {
        Some(v) if v.is_finite() && v >= 0.0 => {
            (Some(limit / v.max(f64::MIN_POSITIVE)), Some(v < limit))
        }
        _ => (None, None),
    }
}

/// `value` at or above `goal` passes; margin = value / goal.
fn at_least(value: Option<f64>, goal: f64) -> (Option<f64>, Option<bool>) {
    match value {
        Some(v) if v.is_finite() => (Some(v / goal), Some(v >= goal)),
        _ => (None, None),
    }
}

pub fn fmt_bytes(b: f64) -> String {
    format!("{:.1} MB", b / (1024.0 * 1024.0))
}

pub fn evaluate(m: &Measured) -> Vec<TargetRow> {
    let mut rows = Vec::new();
    let ratios: Vec<f64> = m.simd_vs_js.iter().map(|x| x.1).collect();
    let (speed_margin, speed_pass, speed_measured, speed_detail) = match median(&ratios) {
        Some(med) => {
            let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let max = ratios.iter().copied().fold(0.0, f64::max);
            let below: Vec<&str> = m
                .simd_vs_js
                .iter()
                .filter(|(_, r)| *r < SPEEDUP_TARGET)
                .map(|(k, _)| k.as_str())
                .collect();
            let detail = if below.is_empty() {
                format!("every kernel ≥ {SPEEDUP_TARGET}×")
            } else {
                format!("below {SPEEDUP_TARGET}×: {}", below.join(", "))
            };
            (
                Some(min / SPEEDUP_TARGET),
                Some(min >= SPEEDUP_TARGET),
                Some(format!("min {min:.1}× · median {med:.1}× · max {max:.1}×")),
                detail,
            )
        }
        None => (None, None, None, "run the benchmark to measure".to_string()),
    };
    rows.push(TargetRow {
        name: "SIMD vs JS",
        goal: "≥ 2× faster",
        measured: speed_measured,
        margin: speed_margin,
        pass: speed_pass,
        detail: speed_detail,
    });
    let (margin, pass) = at_most(m.memory_bytes, MEMORY_LIMIT);
    rows.push(TargetRow {
        name: "Runtime memory",
        goal: "< 50 MB",
        measured: m.memory_bytes.map(fmt_bytes),
        margin,
        pass,
        detail: "active tier's memory + JS heap".into(),
    });
    let (margin, pass) = at_most(m.max_module_load_ms, LOAD_LIMIT_MS);
    rows.push(TargetRow {
        name: "Kernel module load",
        goal: "< 100 ms",
        measured: m.max_module_load_ms.map(|v| format!("{v:.1} ms")),
        margin,
        pass,
        detail: "slowest wasm module: fetch + compile + instantiate".into(),
    });
    let (margin, pass) = at_most(m.overhead_us, OVERHEAD_LIMIT_US);
    rows.push(TargetRow {
        name: "Integration overhead",
        goal: "< 5 ms per operation",
        measured: m.overhead_us.map(|v| format!("{v:.2} µs")),
        margin,
        pass,
        detail: "one JS→wasm kernel call + reading a frame's spikes and agent motion".into(),
    });
    let (margin, pass) = at_least(m.ops_per_s, OPS_TARGET);
    rows.push(TargetRow {
        name: "Throughput",
        goal: "≥ 500,000 ops/s",
        measured: m.ops_per_s.map(|v| format!("{} ops/s", fmt_count(v))),
        margin,
        pass,
        detail: "op = one neuron update in the LIF step (per second of kernel time)".into(),
    });
    rows
}

pub fn fmt_count(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_bad() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn nothing_measured_means_no_marks() {
        let rows = evaluate(&Measured::default());
        assert_eq!(rows.len(), 5);
        assert!(rows
            .iter()
            .all(|r| r.pass.is_none() && r.measured.is_none()));
    }

    #[test]
    fn pass_fail_and_margins() {
        let m = Measured {
            simd_vs_js: vec![
                ("dense".into(), 8.0),
                ("relu".into(), 1.5),
                ("lif".into(), 4.0),
            ],
            memory_bytes: Some(25.0 * 1024.0 * 1024.0),
            max_module_load_ms: Some(150.0),
            overhead_us: Some(2.5),
            ops_per_s: Some(5.0e7),
        };
        let rows = evaluate(&m);
        assert_eq!(rows[0].pass, Some(false), "relu is below 2×");
        assert!(rows[0].detail.contains("relu"));
        assert_eq!(
            rows[0].measured.as_deref(),
            Some("min 1.5× · median 4.0× · max 8.0×")
        );
        assert_eq!((rows[1].pass, rows[1].margin), (Some(true), Some(2.0)));
        assert_eq!(rows[2].pass, Some(false));
        assert_eq!((rows[3].pass, rows[3].margin), (Some(true), Some(2000.0)));
        assert_eq!((rows[4].pass, rows[4].margin), (Some(true), Some(100.0)));
    }
}
