//! The benchmark run: a Web Worker (`js/bench-worker.js`, the same harness `make bench` uses)
//! times every kernel in every tier while the animation keeps running; this module starts it,
//! turns its messages into Rust values and arranges the results for the table and charts.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One timed kernel × size × tier, as the harness reports it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchRow {
    pub kernel: String,
    pub size: String,
    pub tier: String,
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub p90_ns: f64,
    pub runs: f64,
    pub ops: f64,
    pub op_unit: String,
    pub flops: f64,
    pub bytes: f64,
    pub agrees: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TierLoad {
    pub ok: bool,
    pub reason: Option<String>,
    pub load_ms: f64,
}

/// Messages from the worker (see `kernels/js/bench-worker.js`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum WorkerMsg {
    Tiers {
        status: BTreeMap<String, TierLoad>,
    },
    Progress {
        kernel: String,
        size: String,
        tier: String,
        done: u32,
        total: u32,
    },
    Row {
        row: BenchRow,
    },
    Done {
        #[serde(default)]
        rows: Vec<BenchRow>,
        #[serde(default)]
        env: serde_json::Value,
    },
    Cancelled,
    Error {
        message: String,
    },
}

pub const TIERS: [&str; 4] = ["js", "scalar", "simd", "relaxed"];

/// One line of the results table: a kernel at a size, every tier's row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultLine {
    pub kernel: String,
    pub size: String,
    pub by_tier: BTreeMap<String, BenchRow>,
}

impl ResultLine {
    pub fn median(&self, tier: &str) -> Option<f64> {
        self.by_tier
            .get(tier)
            .map(|r| r.median_ns)
            .filter(|m| m.is_finite() && *m > 0.0)
    }
    /// How many times faster `fast` is than `slow` (ratio of medians).
    pub fn speedup(&self, fast: &str, slow: &str) -> Option<f64> {
        Some(self.median(slow)? / self.median(fast)?)
    }
}

/// Groups rows by kernel and size, keeping the harness's order.
pub fn group(rows: &[BenchRow]) -> Vec<ResultLine> {
    let mut out: Vec<ResultLine> = Vec::new();
    for r in rows {
        match out
            .iter_mut()
            .find(|l| l.kernel == r.kernel && l.size == r.size)
        {
            Some(l) => {
                l.by_tier.insert(r.tier.clone(), r.clone());
            }
            None => {
                let mut by_tier = BTreeMap::new();
                by_tier.insert(r.tier.clone(), r.clone());
                out.push(ResultLine {
                    kernel: r.kernel.clone(),
                    size: r.size.clone(),
                    by_tier,
                });
            }
        }
    }
    out
}

/// SIMD/JS speedup per kernel line, for the targets table.
pub fn simd_vs_js(lines: &[ResultLine]) -> Vec<(String, f64)> {
    lines
        .iter()
        .filter_map(|l| Some((format!("{} {}", l.kernel, l.size), l.speedup("simd", "js")?)))
        .collect()
}

/// Human time from nanoseconds.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Throughput of a row: GFLOP/s where FLOPs are counted, else ops/s in the kernel's unit.
pub fn fmt_throughput(r: &BenchRow) -> String {
    if r.median_ns <= 0.0 {
        return "–".into();
    }
    if r.flops > 0.0 {
        format!("{:.2} GFLOP/s", r.flops / r.median_ns)
    } else if r.ops > 0.0 {
        let unit = if r.op_unit.is_empty() {
            "ops"
        } else {
            r.op_unit.as_str()
        };
        format!(
            "{} {unit}/s",
            crate::targets::fmt_count(r.ops * 1e9 / r.median_ns)
        )
    } else {
        "–".into()
    }
}

/// The last run as CSV: one line per kernel × size × tier.
pub fn to_csv(rows: &[BenchRow]) -> String {
    let mut s = String::from(
        "kernel,size,tier,median_ns,min_ns,max_ns,p90_ns,runs,ops,op_unit,flops,bytes,agrees\n",
    );
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.kernel,
            r.size,
            r.tier,
            r.median_ns,
            r.min_ns,
            r.max_ns,
            r.p90_ns,
            r.runs,
            r.ops,
            r.op_unit,
            r.flops,
            r.bytes,
            r.agrees.map(|a| a.to_string()).unwrap_or_default()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kernel: &str, size: &str, tier: &str, median_ns: f64) -> BenchRow {
        BenchRow {
            kernel: kernel.into(),
            size: size.into(),
            tier: tier.into(),
            median_ns,
            ..BenchRow::default()
        }
    }

    #[test]
    fn parses_worker_messages() {
        let m: WorkerMsg = serde_json::from_str(r#"{"type":"progress","kernel":"dense","size":"256x256","tier":"simd","done":3,"total":40}"#).unwrap();
        assert_eq!(
            m,
            WorkerMsg::Progress {
                kernel: "dense".into(),
                size: "256x256".into(),
                tier: "simd".into(),
                done: 3,
                total: 40
            }
        );
        let m: WorkerMsg = serde_json::from_str(r#"{"type":"row","row":{"kernel":"lif_step","size":"1024","tier":"js","median_ns":1500.5,"agrees":true,"extra":1}}"#).unwrap();
        match m {
            WorkerMsg::Row { row } => assert_eq!((row.median_ns, row.agrees), (1500.5, Some(true))),
            other => panic!("{other:?}"),
        }
        let m: WorkerMsg = serde_json::from_str(
            r#"{"type":"tiers","status":{"simd":{"ok":false,"reason":"404","load_ms":0}}}"#,
        )
        .unwrap();
        assert!(
            matches!(m, WorkerMsg::Tiers { ref status } if status["simd"].reason.as_deref() == Some("404"))
        );
        assert!(serde_json::from_str::<WorkerMsg>(r#"{"type":"nonsense"}"#).is_err());
    }

    #[test]
    fn groups_and_speedups() {
        let rows = vec![
            row("dense", "256x256", "js", 800.0),
            row("dense", "256x256", "simd", 100.0),
            row("dense", "256x256", "scalar", 400.0),
            row("lif_step", "1024", "js", 300.0),
            row("lif_step", "1024", "simd", 0.0),
        ];
        let lines = group(&rows);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].speedup("simd", "js"), Some(8.0));
        assert_eq!(lines[0].speedup("simd", "scalar"), Some(4.0));
        assert_eq!(lines[0].speedup("relaxed", "simd"), None, "missing tier");
        assert_eq!(
            lines[1].speedup("simd", "js"),
            None,
            "a zero median is not a measurement"
        );
        assert_eq!(simd_vs_js(&lines), vec![("dense 256x256".to_string(), 8.0)]);
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_ns(950.0), "950 ns");
        assert_eq!(fmt_ns(12_345.0), "12.3 µs");
        assert_eq!(fmt_ns(2_500_000.0), "2.50 ms");
        let mut r = row("dense", "256x256", "simd", 1000.0);
        r.flops = 131072.0;
        assert_eq!(fmt_throughput(&r), "131.07 GFLOP/s");
        let csv = to_csv(&[r]);
        assert_eq!(csv.lines().count(), 2);
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("dense,256x256,simd,1000,"));
    }
}
